import * as grpc from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '../errors';
import { ANONYMOUS, isServiceName, type Actor } from './actor';
import { DEFAULT_SERVICE_TTL_SECONDS, type TokenSigner, type TokenVerifier } from './tokens';

/** The metadata key that carries the token (gRPC metadata keys are lower case). */
export const AUTHORIZATION_METADATA_KEY = 'authorization';

// RFC 6750: the scheme is case-insensitive, then one or more spaces, then the token.
const BEARER = /^bearer +(\S+)$/i;

/**
 * The caller of a gRPC call, from its `authorization: Bearer <jwt>` metadata.
 * - no `authorization` value: `ANONYMOUS` (the method's access rule decides whether that will do);
 * - two or more values, a value that is not `Bearer <token>` (another scheme, an empty value): `UnauthenticatedError`;
 * - otherwise whatever `verifier.verify` says: the actor, or its `UnauthenticatedError`.
 * Bad credentials never fall back to anonymous.
 */
export async function actorFromMetadata(verifier: TokenVerifier, metadata: Metadata): Promise<Actor> {
  const values = metadata.get(AUTHORIZATION_METADATA_KEY);
  if (values.length === 0) return ANONYMOUS;
  if (values.length > 1) throw new UnauthenticatedError('more than one authorization value');
  const [value] = values;
  const match = typeof value === 'string' ? BEARER.exec(value.trim()) : null;
  if (match?.[1] === undefined) throw new UnauthenticatedError('authorization must be "Bearer <token>"');
  return verifier.verify(match[1]);
}

/** How long service tokens live and when they are renewed. */
export interface ServiceCallCredentialsOptions {
  /** Lifetime of each minted token; default 1 h. */
  readonly ttlSeconds?: number;
  /**
   * Mint a fresh token once less than this much of the current one's lifetime is left; default half of
   * `ttlSeconds`, so every call sends a token good for far longer than any deadline or clock skew.
   */
  readonly renewBeforeSeconds?: number;
}

/**
 * Call credentials that attach `authorization: Bearer <service token>` for `service` to every call, minted by
 * `signer` and reused until it nears its end (by the signer's clock), then re-minted; calls that arrive during a
 * re-mint share it. A failure to mint fails the call (grpc-js answers UNAVAILABLE) and the next call tries again.
 *
 * Pass it per call (`{ credentials }` in the call options): grpc-js refuses to compose call credentials into
 * insecure channel credentials (`credentials.combineChannelCredentials(createInsecure(), ...)` throws), but
 * honours per-call credentials on any channel.
 */
export function serviceCallCredentials(
  signer: TokenSigner,
  service: string,
  options: ServiceCallCredentialsOptions = {},
): grpc.CallCredentials {
  if (!isServiceName(service)) throw new TypeError(`${JSON.stringify(service)} is not a service name`);
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_SERVICE_TTL_SECONDS;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
  const renewBeforeMs = (options.renewBeforeSeconds ?? ttlSeconds / 2) * 1000;
  if (!(renewBeforeMs >= 0 && renewBeforeMs < ttlSeconds * 1000)) {
    throw new RangeError('renewBeforeSeconds must be at least 0 and less than ttlSeconds');
  }
  let current: { readonly token: string; readonly renewAtMs: number } | undefined;
  let minting: Promise<string> | undefined;

  const mint = async (): Promise<string> => {
    const mintedAtMs = signer.clock.now().getTime();
    const token = await signer.signService(service, ttlSeconds);
    current = { token, renewAtMs: mintedAtMs + ttlSeconds * 1000 - renewBeforeMs };
    return token;
  };
  const token = (): Promise<string> => {
    if (current !== undefined && signer.clock.now().getTime() < current.renewAtMs)
      return Promise.resolve(current.token);
    minting ??= mint().finally(() => {
      minting = undefined;
    });
    return minting;
  };

  return grpc.credentials.createFromMetadataGenerator((_params, callback) => {
    token().then(
      (jwt) => {
        const metadata = new grpc.Metadata();
        metadata.set(AUTHORIZATION_METADATA_KEY, `Bearer ${jwt}`);
        callback(null, metadata);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  });
}

/**
 * A client interceptor that sends `authorization: Bearer <token>` with every call of the client it is given
 * to (`new XxxClient(address, credentials, { interceptors: [bearerInterceptor(token)] })`). `token` may be a
 * function, asked once per call (to send a fresh token as the old one nears its end). For tools and tests;
 * services calling services use `serviceCallCredentials`.
 */
export function bearerInterceptor(token: string | (() => string | Promise<string>)): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        Promise.resolve(typeof token === 'function' ? token() : token).then(
          (value) => {
            metadata.set(AUTHORIZATION_METADATA_KEY, `Bearer ${value}`);
            next(metadata, listener);
          },
          // No token to send: the call goes without one and the server answers UNAUTHENTICATED.
          () => next(metadata, listener),
        );
      },
    });
}
