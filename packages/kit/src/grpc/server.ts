import { toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, type FileDescriptorSet } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import { toGrpcError } from './errors';

/** What a handler written with `unary` gets besides the request. */
export interface CallContext {
  /** Method label, as given to `unary`. */
  readonly method: string;
  /** When the call must be answered: the client's deadline, or now + the server default when it sent none. */
  readonly deadline: Date;
  /** Request metadata (headers) as the client sent them, trace context included. */
  readonly metadata: grpc.Metadata;
  /** Aborts when the client cancels or the deadline passes; pass it on to I/O that can stop early. */
  readonly signal: AbortSignal;
}

/** The gRPC half of the service metrics (`createMetrics` returns a superset). */
export type GrpcMetrics = Pick<Metrics, 'grpcRequests' | 'grpcDuration'>;

/** What `startGrpcServer` hands every `unary` handler of its services. */
interface UnaryRuntime {
  readonly logger?: Logger;
  readonly metrics?: GrpcMetrics;
  readonly defaultDeadlineMs: number;
}

const DEFAULT_DEADLINE_MS = 30_000;
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
// setTimeout fires at once for delays above 2^31-1 ms; a far deadline is as good as none.
const MAX_TIMER_MS = 2_147_483_647;
// A cancel this close to the deadline is the deadline: the client cancels the stream at its own deadline, and
// that can arrive just before the server's timer (which also runs on a cached loop clock and can fire early).
const DEADLINE_SLACK_MS = 50;

type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;
interface UnarySpec {
  readonly method: string;
  readonly handler: UnaryHandler<unknown, unknown>;
}
// `unary` tags what it returns so that `startGrpcServer` can rebind it to that server's logger, metrics and
// default deadline; several servers (services) may share one process in embedded mode.
const UNARY_SPEC = Symbol('govhall.grpc.unary');
type TaggedHandler = grpc.UntypedHandleCall & { [UNARY_SPEC]?: UnarySpec };

/**
 * Adapts an async function to a grpc-js unary handler:
 * - the call gets a deadline: the client's, or the server's `defaultDeadlineMs` when the client sent none;
 *   at the deadline the client gets DEADLINE_EXCEEDED and `ctx.signal` aborts (the handler's result is dropped);
 * - a client cancel aborts `ctx.signal` too;
 * - a thrown value is mapped by `toGrpcError` (internals never reach the client);
 * - RED metrics: `grpc_server_requests_total{method,code}` and `grpc_server_request_duration_seconds{method}`;
 * - failures are logged: INTERNAL at error level with the cause, UNAVAILABLE and DEADLINE_EXCEEDED at warn,
 *   the other (caller-caused) codes at info.
 *
 * Logger, metrics and default deadline come from the `startGrpcServer` the handler is registered with; used
 * outside it, the handler logs and counts nothing and the default deadline is 30 s.
 */
export function unary<Req, Res>(method: string, handler: UnaryHandler<Req, Res>): grpc.handleUnaryCall<Req, Res> {
  const spec: UnarySpec = { method, handler: handler as UnaryHandler<unknown, unknown> };
  const adapted = adaptUnary(spec, { defaultDeadlineMs: DEFAULT_DEADLINE_MS }) as grpc.handleUnaryCall<Req, Res>;
  return Object.assign(adapted, { [UNARY_SPEC]: spec });
}

function adaptUnary(spec: UnarySpec, runtime: UnaryRuntime): grpc.handleUnaryCall<unknown, unknown> {
  const { method, handler } = spec;
  return (call, callback) => {
    const startedAt = process.hrtime.bigint();
    const controller = new AbortController();
    const clientDeadline = Number(call.getDeadline());
    const deadlineMs = Number.isFinite(clientDeadline) ? clientDeadline : Date.now() + runtime.defaultDeadlineMs;
    let settled = false;

    const finish = (code: grpc.status, error: grpc.ServiceError | null, response?: unknown, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      call.off('cancelled', onCancelled);
      const codeName = grpc.status[code];
      runtime.metrics?.grpcRequests.inc({ method, code: codeName });
      runtime.metrics?.grpcDuration.observe({ method }, Number(process.hrtime.bigint() - startedAt) / 1e9);
      if (error) {
        const fields = { method, code: codeName, peer: call.getPeer() };
        if (code === grpc.status.INTERNAL) runtime.logger?.error({ ...fields, err: cause }, 'grpc call failed');
        else if (code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED) {
          runtime.logger?.warn({ ...fields, reason: error.details }, 'grpc call failed');
        } else runtime.logger?.info({ ...fields, reason: error.details }, 'grpc call refused');
      }
      // After a cancel grpc-js has already closed the stream and ignores this.
      callback(error, response);
    };
    const status = (code: grpc.status, details: string): grpc.ServiceError =>
      Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });

    const stop = (code: grpc.status, details: string): void => {
      const error = status(code, details);
      controller.abort(error);
      finish(code, error);
    };
    const onDeadline = (): void => stop(grpc.status.DEADLINE_EXCEEDED, 'deadline exceeded');
    // grpc-js reports its own expiry of the client's deadline as a cancel too (its timer may fire a moment early).
    const onCancelled = (): void =>
      Date.now() >= deadlineMs - DEADLINE_SLACK_MS
        ? onDeadline()
        : stop(grpc.status.CANCELLED, 'cancelled by the client');
    const timer = setTimeout(onDeadline, Math.min(Math.max(deadlineMs - Date.now(), 0), MAX_TIMER_MS));
    call.on('cancelled', onCancelled);

    const ctx: CallContext = {
      method,
      deadline: new Date(deadlineMs),
      metadata: call.metadata,
      signal: controller.signal,
    };
    // The async wrapper turns a handler that throws before returning its promise into a rejection.
    (async () => handler(call.request, ctx))().then(
      (response) => finish(grpc.status.OK, null, response),
      (error: unknown) => {
        const mapped = toGrpcError(error);
        finish(mapped.code, mapped, undefined, error);
      },
    );
  };
}

/** One gRPC service to serve: the ts-proto `XxxService` definition and its implementation. */
export interface GrpcServiceRegistration {
  readonly definition: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  /** Port to listen on; 0 picks a free one (see the returned `port`). */
  readonly port: number;
  /** Interface to bind; default `0.0.0.0`. */
  readonly host?: string;
  readonly services: readonly GrpcServiceRegistration[];
  /**
   * Descriptors of `services`, their imports and `grpc.health.v1` (`contractDescriptors()` of
   * `@govhall/contracts`, which `buf build` writes), served by reflection exactly as buf compiled them.
   */
  readonly descriptors: FileDescriptorSet;
  readonly logger: Logger;
  /** Where `unary` handlers record RED metrics; none when omitted. */
  readonly metrics?: GrpcMetrics;
  /** Deadline for calls whose client sent none; default 30 s. */
  readonly defaultDeadlineMs?: number;
  /** How long `shutdown` lets in-flight calls finish before cancelling them; default 10 s. */
  readonly shutdownGraceMs?: number;
  /** Extra grpc-js server options (message sizes, keepalive). */
  readonly serverOptions?: grpc.ServerOptions;
}

/** Health as the standard `grpc.health.v1.Health` service reports it. */
export interface GrpcHealth {
  /** Sets one service's status; `''` is the whole server (what Kubernetes' gRPC probe asks by default). */
  setServing(serviceName: string, status: 'SERVING' | 'NOT_SERVING'): void;
}

export interface RunningGrpcServer {
  /** The port actually bound. */
  readonly port: number;
  readonly health: GrpcHealth;
  /**
   * Marks every service NOT_SERVING, stops accepting calls and waits for in-flight calls to finish; after
   * `shutdownGraceMs` the rest are cancelled. Idempotent: later calls return the same promise.
   */
  shutdown(): Promise<void>;
}

/** `/pkg.Service/Method` → `pkg.Service`, from any method of the definition. */
function serviceNameOf(definition: grpc.ServiceDefinition): string {
  const first = Object.values(definition)[0];
  if (!first) throw new Error('a gRPC service definition without methods');
  return first.path.split('/')[1] ?? first.path;
}

/**
 * Starts a gRPC server with `services`, the standard health service (everything SERVING once bound) and
 * server reflection (v1 and v1alpha, for grpcurl and similar tools) over `descriptors`.
 * Handlers made with `unary` are bound to this server's logger, metrics and default deadline.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const runtime: UnaryRuntime = {
    logger: options.logger,
    defaultDeadlineMs: options.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
  const server = new grpc.Server(options.serverOptions);
  const serviceNames = options.services.map((s) => serviceNameOf(s.definition));
  for (const { definition, implementation } of options.services) {
    const bound: grpc.UntypedServiceImplementation = {};
    for (const [name, handler] of Object.entries(implementation)) {
      const spec = (handler as TaggedHandler)[UNARY_SPEC];
      bound[name] = spec ? adaptUnary(spec, runtime) : handler;
    }
    server.addService(definition, bound);
  }

  // Health starts NOT_SERVING and turns SERVING only once the port is bound.
  const healthStatus = new HealthImplementation(
    Object.fromEntries(['', ...serviceNames].map((n) => [n, 'NOT_SERVING'])),
  );
  healthStatus.addToServer(server);
  const health: GrpcHealth = { setServing: (name, status) => healthStatus.setStatus(name, status) };

  addReflection(server, options.descriptors);

  const host = options.host ?? '0.0.0.0';
  const address = host.includes(':') ? `[${host}]:${options.port}` : `${host}:${options.port}`;
  const port = await new Promise<number>((resolvePort, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolvePort(bound),
    );
  });
  for (const name of ['', ...serviceNames]) health.setServing(name, 'SERVING');
  options.logger.info({ port, services: serviceNames }, 'grpc server listening');

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= new Promise<void>((done) => {
      for (const name of ['', ...serviceNames]) health.setServing(name, 'NOT_SERVING');
      const grace = setTimeout(() => {
        options.logger.warn(
          { graceMs: options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS },
          'grpc calls still open after the grace period; cancelling them',
        );
        server.forceShutdown();
        done();
      }, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      server.tryShutdown(() => {
        clearTimeout(grace);
        done();
      });
    });
    return stopping;
  };
  return { port, health, shutdown };
}

/**
 * Server reflection over descriptors compiled by buf. `@grpc/reflection` is handed the serialized files
 * directly: built through proto-loader, they would be re-derived by protobufjs, which loses the imports of
 * well-known types (grpcurl: `cannot resolve type "*.google.protobuf.Timestamp"`) and misnames map entries
 * (`invalid map: incorrect implicit map entry name`). The library reads nothing of a package definition but
 * `fileDescriptorProtos`.
 */
function addReflection(server: grpc.Server, descriptors: FileDescriptorSet): void {
  const files = descriptors.file.map((file) => toBinary(FileDescriptorProtoSchema, file));
  if (!descriptors.file.some((file) => file.package === 'grpc.health.v1')) {
    throw new Error('the descriptor set lacks grpc.health.v1 (proto/grpc/health/v1/health.proto)');
  }
  const definition = { descriptors: { fileDescriptorProtos: files } } as unknown as PackageDefinition;
  new ReflectionService(definition).addToServer(server);
}
