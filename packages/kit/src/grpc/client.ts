import * as grpc from '@grpc/grpc-js';

export interface GrpcClientOptions {
  /**
   * Idempotent methods that may be retried, as `package.Service/Method`, or `package.Service` for every
   * method of a service. Only list queries and commands that are safe to repeat (they dedupe by request id).
   */
  readonly retryableMethods?: readonly string[];
  /** Attempts in all, first one included; 2 to 5 (grpc-js caps at 5). Default 3. */
  readonly maxAttempts?: number;
  /**
   * Also retry when the server answered DEADLINE_EXCEEDED (its own deadline for the call ran out while the
   * caller's had not). Only sensible for queries. Default false: only UNAVAILABLE is retried.
   */
  readonly retryOnDeadlineExceeded?: boolean;
}

/**
 * Channel options for a client of one of our services: a `grpc.service_config` whose `retryPolicy` retries
 * the listed idempotent methods on UNAVAILABLE (a pod restarting, a connection dropped), with exponential
 * backoff from 100 ms to 2 s. Retries stay within the call's one deadline. Methods not listed are never retried.
 */
export function grpcClientOptions(options: GrpcClientOptions = {}): grpc.ChannelOptions {
  const methods = options.retryableMethods ?? [];
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 2 || maxAttempts > 5) {
    throw new RangeError(`maxAttempts must be an integer from 2 to 5, got ${maxAttempts}`);
  }
  const channelOptions: grpc.ChannelOptions = {
    // The service config is ours, not one published in DNS TXT records (and it saves a lookup per resolve).
    'grpc.service_config_disable_resolution': 1,
  };
  if (methods.length === 0) return channelOptions;
  const names = methods.map((entry) => {
    const trimmed = entry.replace(/^\//, '');
    const slash = trimmed.lastIndexOf('/');
    if (slash < 0) return { service: trimmed };
    return { service: trimmed.slice(0, slash), method: trimmed.slice(slash + 1) };
  });
  const retryableStatusCodes = options.retryOnDeadlineExceeded ? ['UNAVAILABLE', 'DEADLINE_EXCEEDED'] : ['UNAVAILABLE'];
  const serviceConfig = {
    methodConfig: [
      {
        name: names,
        retryPolicy: {
          maxAttempts,
          initialBackoff: '0.1s',
          maxBackoff: '2s',
          backoffMultiplier: 2,
          retryableStatusCodes,
        },
      },
    ],
  };
  return { ...channelOptions, 'grpc.service_config': JSON.stringify(serviceConfig) };
}

/** The callback-style unary method of a generated client (the overload with metadata and options). */
type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

/** Names of `C`'s unary methods. */
export type UnaryMethodName<C> = {
  [K in keyof C]: C[K] extends UnaryMethod<infer _Req, infer _Res> ? K : never;
}[keyof C] &
  string;
export type RequestOf<M> = M extends UnaryMethod<infer Req, infer _Res> ? Req : never;
export type ResponseOf<M> = M extends UnaryMethod<infer _Req, infer Res> ? Res : never;

export interface CallUnaryOptions {
  /** How long the call (all its retries included) may take; default 5 s. */
  readonly deadlineMs?: number;
  /** Request metadata (the trace context is added by the gRPC instrumentation). */
  readonly metadata?: grpc.Metadata;
  /** Cancels the call when it aborts, e.g. the `ctx.signal` of the handler making this call. */
  readonly signal?: AbortSignal;
  /** Per-call credentials, e.g. this service's token (`serviceCallCredentials(signer, 'case')`). */
  readonly credentials?: grpc.CallCredentials;
}

const DEFAULT_CALL_DEADLINE_MS = 5_000;

/**
 * Calls one unary method of a generated client and resolves with its response. Every call has a deadline
 * (default 5 s): a call without one can hang forever on a stuck peer. Rejects with the grpc-js `ServiceError`
 * (read `code`, `details`, and `fieldViolationsOf` for INVALID_ARGUMENT); an aborted `signal` rejects with
 * CANCELLED.
 */
export function callUnary<C extends grpc.Client, K extends UnaryMethodName<C>>(
  client: C,
  method: K,
  request: RequestOf<C[K]>,
  options: CallUnaryOptions = {},
): Promise<ResponseOf<C[K]>> {
  const fn = client[method] as unknown as UnaryMethod<RequestOf<C[K]>, ResponseOf<C[K]>>;
  const deadline = new Date(Date.now() + (options.deadlineMs ?? DEFAULT_CALL_DEADLINE_MS));
  return new Promise((resolve, reject) => {
    const { signal } = options;
    const onAbort = (): void => call.cancel();
    const callOptions: Partial<grpc.CallOptions> = options.credentials
      ? { deadline, credentials: options.credentials }
      : { deadline };
    const call = fn.call(client, request, options.metadata ?? new grpc.Metadata(), callOptions, (error, response) => {
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(response);
    });
    if (signal?.aborted) call.cancel();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
