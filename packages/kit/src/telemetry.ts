/**
 * Tracing, set up once per process, before anything else loads: `import '@govhall/kit/telemetry'` as the
 * first line of `main.ts`, or `node -r @govhall/kit/telemetry`. The gRPC instrumentation patches `@grpc/grpc-js`
 * when it is loaded, so a module that loaded grpc-js earlier is not traced.
 *
 * - The W3C `traceparent` / `baggage` propagator (or what `OTEL_PROPAGATORS` names) carries trace context
 *   across gRPC calls, and the bus copies the active context into NATS headers.
 * - Spans are exported over OTLP/gRPC only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 *   `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set. Otherwise spans are not recorded (unless a caller sampled the
 *   trace, whose flag is kept), but the trace context still exists: trace ids flow into NATS headers and logs.
 * - `OTEL_SERVICE_NAME` names the service; `OTEL_SDK_DISABLED=true` turns all of it off.
 * - Metrics stay with prom-client (`metrics.ts`) and logs with pino: the SDK exports neither.
 *
 * Safe to import more than once (and from two copies of the module): the SDK is started once per process.
 */
import { TraceFlags, trace } from '@opentelemetry/api';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';

type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];
type Sampler = NonNullable<NodeSDKConfiguration['sampler']>;

/**
 * For a process that exports nothing: a span is recorded only when its parent was sampled upstream (so a trace
 * that some caller exports keeps its sampled flag through this process); a trace starting here is not recorded
 * (SamplingDecision.NOT_RECORD = 0, RECORD_AND_SAMPLED = 2). Non-recording spans cost far less and still carry
 * the context: trace ids in logs, `traceparent` in gRPC metadata and NATS headers.
 */
const parentOrOff: Sampler = {
  shouldSample: (parent) => ({ decision: trace.getSpanContext(parent)?.traceFlags === TraceFlags.SAMPLED ? 2 : 0 }),
  toString: () => 'ParentBased{root=AlwaysOff}',
};

/** Keeps the spans of an unexported process recording (trace ids for propagation and logs), then drops them. */
const dropSpans: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

interface TelemetryState {
  readonly sdk: NodeSDK;
  readonly exporting: boolean;
  stopping?: Promise<void>;
}

// On globalThis rather than in a module variable: two copies of this module (a bundled and a workspace one,
// or a test runner's fresh module registry) must still share one SDK.
const STATE = Symbol.for('govhall.kit.telemetry');
type GlobalWithTelemetry = typeof globalThis & { [STATE]?: TelemetryState };

function start(): TelemetryState {
  const env = process.env;
  const exporting = Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
  const serviceName = env['OTEL_SERVICE_NAME'];
  const sdk = new NodeSDK({
    ...(serviceName ? { serviceName } : {}),
    instrumentations: [new GrpcInstrumentation()],
    // Not exporting: spans are recorded only for traces sampled upstream (see parentOrOff).
    ...(exporting ? { traceExporter: new OTLPTraceExporter() } : { spanProcessors: [dropSpans], sampler: parentOrOff }),
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { sdk, exporting };
}

const holder = globalThis as GlobalWithTelemetry;
const state: TelemetryState = (holder[STATE] ??= start());

/** Whether spans leave the process (an OTLP endpoint is configured). */
export const tracesExported: boolean = state.exporting;

/**
 * Flushes pending spans and stops the SDK. Call it last in the service's SIGTERM handling, after the gRPC
 * server and bus have drained, so their final spans are exported. Idempotent.
 *
 * This module installs no signal handler itself: a SIGTERM listener replaces Node's default exit, and the
 * order of shutdown belongs to `main.ts`.
 */
export function shutdownTelemetry(): Promise<void> {
  state.stopping ??= state.sdk.shutdown();
  return state.stopping;
}
