import { createFileRegistry, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, type FileDescriptorSet } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import { Access, authorize, describeAccess, type AccessRule } from '../auth/access';
import { ANONYMOUS, actorLabel, type Actor } from '../auth/actor';
import { actorFromMetadata } from '../auth/grpc';
import type { TokenVerifier } from '../auth/tokens';
import { ValidationError } from '../errors';
import type { Metrics } from '../metrics';
import { toGrpcError } from './errors';
import { checkRequest, diagnoseUndecodable, type RequestLimits } from './request-guard';

/** What a handler written with `unary` gets besides the request. */
export interface CallContext {
  /** Method label, as given to `unary`. */
  readonly method: string;
  /** Who is calling, verified from the call's token; the method's access rule has already let them in. */
  readonly actor: Actor;
  /** When the call must be answered: the client's deadline, or now + the server default when it sent none. */
  readonly deadline: Date;
  /** Request metadata (headers) as the client sent them, trace context included. */
  readonly metadata: grpc.Metadata;
  /** Aborts when the client cancels or the deadline passes; pass it on to I/O that can stop early. */
  readonly signal: AbortSignal;
  /** The connection's remote address (`ipv4:1.2.3.4:5678`), e.g. to limit an anonymous caller's attempts. */
  readonly peer: string;
}

/** The gRPC half of the service metrics (`createMetrics` returns a superset). */
export type GrpcMetrics = Pick<Metrics, 'grpcRequests' | 'grpcDuration'>;

/** What `startGrpcServer` hands every `unary` handler of its services. */
interface UnaryRuntime {
  readonly logger?: Logger;
  readonly metrics?: GrpcMetrics;
  readonly defaultDeadlineMs: number;
  readonly verifier?: TokenVerifier;
  readonly limits?: RequestLimits;
  readonly access: AccessRule;
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
// `unary` tags what it returns so that `startGrpcServer` can rebind it to that server's logger, metrics, keys,
// default deadline and the method's access rule; several servers (services) may share one process.
const UNARY_SPEC = Symbol('govhall.grpc.unary');
type TaggedHandler = grpc.UntypedHandleCall & { [UNARY_SPEC]?: UnarySpec };

/**
 * A request whose bytes the method's decoder refused (an int64 beyond ±2^53 for ts-proto, truncated or foreign
 * bytes). The wrapped deserializer hands this to the handler instead of throwing, so the call is answered
 * INVALID_ARGUMENT naming the field, not grpc-js's INTERNAL `Error deserializing request`.
 */
class UndecodableRequest {
  constructor(
    readonly bytes: Uint8Array,
    readonly cause: unknown,
  ) {}
}

/**
 * Adapts an async function to a grpc-js unary handler. Bound by `startGrpcServer`, every call then:
 * - is refused UNAUTHENTICATED when its token is missing (for a non-public method), malformed, expired or
 *   untrusted, and PERMISSION_DENIED when the verified caller does not satisfy the method's access rule; the log
 *   line names the rule that refused;
 * - is refused INVALID_ARGUMENT, before the handler runs, when its bytes do not decode (naming an int64 out of
 *   range) or break the request guard (control characters, overlong strings, malformed ids, see `checkRequest`);
 * - gets a deadline: the client's, or the server's `defaultDeadlineMs`; at the deadline the client gets
 *   DEADLINE_EXCEEDED and `ctx.signal` aborts (the handler's result is dropped); a client cancel aborts it too;
 * - has a thrown value mapped by `toGrpcError` (internals never reach the client);
 * - counts RED metrics: `grpc_server_requests_total{method,code}`, `grpc_server_request_duration_seconds{method}`;
 * - is logged when it fails: INTERNAL at error level with the cause, UNAVAILABLE and DEADLINE_EXCEEDED at warn,
 *   the other (caller-caused) codes at info.
 *
 * Used outside `startGrpcServer` the handler is public, logs and counts nothing, and the deadline is 30 s.
 */
export function unary<Req, Res>(method: string, handler: UnaryHandler<Req, Res>): grpc.handleUnaryCall<Req, Res> {
  const spec: UnarySpec = { method, handler: handler as UnaryHandler<unknown, unknown> };
  const adapted = adaptUnary(spec, { defaultDeadlineMs: DEFAULT_DEADLINE_MS, access: Access.public() });
  return Object.assign(adapted as grpc.handleUnaryCall<Req, Res>, { [UNARY_SPEC]: spec });
}

function statusError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

function adaptUnary(
  spec: UnarySpec,
  runtime: UnaryRuntime,
  inputSchema?: DescMessage,
): grpc.handleUnaryCall<unknown, unknown> {
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
          // The cause's message, not its stack: an outage answers many calls this way at once.
          const why =
            cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : undefined;
          runtime.logger?.warn({ ...fields, reason: error.details, cause: why }, 'grpc call failed');
        } else runtime.logger?.info({ ...fields, reason: error.details }, 'grpc call refused');
      }
      // After a cancel grpc-js has already closed the stream and ignores this.
      callback(error, response);
    };
    const fail = (error: unknown): void => {
      const mapped = toGrpcError(error);
      finish(mapped.code, mapped, undefined, error);
    };
    const stop = (code: grpc.status, details: string): void => {
      const error = statusError(code, details);
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

    const admit = async (): Promise<unknown> => {
      const actor = runtime.verifier ? await actorFromMetadata(runtime.verifier, call.metadata) : ANONYMOUS;
      const decision = authorize(runtime.access, actor);
      if (!decision.allowed) {
        runtime.logger?.info(
          { method, caller: actorLabel(actor), rule: decision.rule, reason: decision.error.message },
          'grpc call refused by its access rule',
        );
        throw decision.error;
      }
      const request = call.request;
      if (request instanceof UndecodableRequest) {
        throw new ValidationError(diagnoseUndecodable(inputSchema, request.bytes), { cause: request.cause });
      }
      ValidationError.throwIfAny(checkRequest(request, runtime.limits));
      const ctx: CallContext = {
        method,
        actor,
        deadline: new Date(deadlineMs),
        metadata: call.metadata,
        signal: controller.signal,
        peer: call.getPeer(),
      };
      return handler(request, ctx);
    };
    admit().then((response) => finish(grpc.status.OK, null, response), fail);
  };
}

/** Who may call each method of a service, keyed like its implementation (`createHall`). */
export type ServiceAccess<K extends string = string> = { readonly [M in K]: AccessRule };

/** One gRPC service to serve: the ts-proto `XxxService` definition, its implementation and its access rules. */
export interface GrpcServiceRegistration {
  readonly definition: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
  readonly access: ServiceAccess;
}

/**
 * A registration whose access table must name every method of the definition (a forgotten method does not
 * compile) and nothing else.
 */
export function grpcService<D extends grpc.ServiceDefinition>(
  definition: D,
  implementation: { readonly [K in keyof D]: grpc.UntypedHandleCall },
  access: ServiceAccess<Extract<keyof D, string>>,
): GrpcServiceRegistration {
  return { definition, implementation, access };
}

export interface GrpcServerOptions {
  /** Port to listen on; 0 picks a free one (see the returned `port`). */
  readonly port: number;
  /** Interface to bind; default `0.0.0.0`. */
  readonly host?: string;
  readonly services: readonly GrpcServiceRegistration[];
  /**
   * Descriptors of `services`, their imports and `grpc.health.v1` (`contractDescriptors()` of
   * `@govhall/contracts`, which `buf build` writes), served by reflection exactly as buf compiled them and used
   * to say which field of an undecodable request is wrong.
   */
  readonly descriptors: FileDescriptorSet;
  /** Verifies callers' tokens; without one every caller is anonymous and only public methods answer. */
  readonly verifier?: TokenVerifier;
  /** The request guard's limits (see `checkRequest`). */
  readonly requestLimits?: RequestLimits;
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
  /** Full names of the services served (health and reflection aside). */
  readonly serviceNames: readonly string[];
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

/** The definition with every request deserializer wrapped: a decoding failure becomes an `UndecodableRequest`. */
function tolerantDefinition(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const wrapped: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    const decode = method.requestDeserialize as (bytes: Buffer) => unknown;
    wrapped[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer): unknown => {
        try {
          return decode(bytes);
        } catch (error) {
          return new UndecodableRequest(bytes, error);
        }
      },
    };
  }
  return wrapped;
}

/** What a request to a service we do not write (health) may carry: names, not texts. */
const THIRD_PARTY_LIMITS: RequestLimits = { maxStringLength: 200, maxRepeated: 100 };

/** For services we do not write (health): an undecodable or unguarded request is INVALID_ARGUMENT too. */
function tolerantImplementation(
  definition: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
): grpc.UntypedServiceImplementation {
  const out: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(implementation)) {
    // Implementations may be keyed by the definition's key (`Check`) or its original name (`check`).
    const method = definition[name] ?? Object.values(definition).find((m) => m.originalName === name);
    if (!method || method.requestStream) {
      out[name] = handler;
      continue;
    }
    const refuse = (call: { request: unknown }): grpc.ServiceError | undefined => {
      if (call.request instanceof UndecodableRequest) {
        return statusError(grpc.status.INVALID_ARGUMENT, 'request is not a valid message of this method');
      }
      // The guard too: a third-party handler may echo what it was sent (health answers NOT_FOUND naming the
      // service), and an echo of a long string is a trailer large enough to stall the connection.
      const violations = checkRequest(call.request, THIRD_PARTY_LIMITS);
      return violations.length > 0 ? toGrpcError(new ValidationError(violations)) : undefined;
    };
    out[name] = method.responseStream
      ? (call: grpc.ServerWritableStream<unknown, unknown>) => {
          const error = refuse(call);
          if (error) call.emit('error', error);
          else (handler as grpc.handleServerStreamingCall<unknown, unknown>)(call);
        }
      : (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
          const error = refuse(call);
          if (error) callback(error);
          else (handler as grpc.handleUnaryCall<unknown, unknown>)(call, callback);
        };
  }
  return out;
}

/**
 * Starts a gRPC server with `services`, the standard health service (everything SERVING once bound) and
 * server reflection (v1 and v1alpha, for grpcurl and similar tools) over `descriptors`.
 * Handlers made with `unary` are bound to this server's logger, metrics, token verifier, request guard and
 * default deadline, and each to its method's access rule; a method without a rule, or a handler not made with
 * `unary`, is refused at start.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const registry = createFileRegistry(options.descriptors);
  const server = new grpc.Server(options.serverOptions);
  const serviceNames = options.services.map((s) => serviceNameOf(s.definition));
  for (const { definition, implementation, access } of options.services) {
    const serviceName = serviceNameOf(definition);
    const bound: grpc.UntypedServiceImplementation = {};
    for (const [name, handler] of Object.entries(implementation)) {
      const spec = (handler as TaggedHandler)[UNARY_SPEC];
      const rule = access[name];
      if (!spec) throw new Error(`${serviceName}.${name}: write handlers with unary() so calls are guarded`);
      if (!rule) throw new Error(`${serviceName}.${name} has no access rule`);
      const methodPath = definition[name]?.path ?? '';
      const input = registry
        .getService(serviceName)
        ?.methods.find((m) => `/${serviceName}/${m.name}` === methodPath)?.input;
      bound[name] = adaptUnary(
        spec,
        {
          logger: options.logger,
          defaultDeadlineMs: options.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS,
          access: rule,
          ...(options.metrics ? { metrics: options.metrics } : {}),
          ...(options.verifier ? { verifier: options.verifier } : {}),
          ...(options.requestLimits ? { limits: options.requestLimits } : {}),
        },
        input,
      );
      options.logger.debug({ method: `${serviceName}/${spec.method}`, access: describeAccess(rule) }, 'grpc method');
    }
    server.addService(tolerantDefinition(definition), bound);
  }

  // Health starts NOT_SERVING and turns SERVING only once the port is bound.
  const healthStatus = new HealthImplementation(
    Object.fromEntries(['', ...serviceNames].map((n) => [n, 'NOT_SERVING'])),
  );
  const healthTarget: Pick<grpc.Server, 'addService'> = {
    addService: (definition, implementation) =>
      server.addService(tolerantDefinition(definition), tolerantImplementation(definition, implementation)),
  };
  healthStatus.addToServer(healthTarget);
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
  return { port, serviceNames, health, shutdown };
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
