import { createPrivateKey, KeyObject, type webcrypto } from 'node:crypto';
import { systemClock, type Clock } from '../clock';
import { UnauthenticatedError, ValidationError } from '../errors';
import { uuidV7Ids, type IdGenerator } from '../ids';
import {
  ACTOR_ID_PATTERN,
  isServiceName,
  serviceActor,
  staffActor,
  staffViolations,
  type ServiceActor,
  type StaffActor,
} from './actor';
import { jose, type JWTPayload } from './jose';
import { LruCache } from './lru';
import { KEY_ID_PATTERN, mayAssert, type AssertedSubject, type TrustedKey, type TrustedKeys } from './trusted-keys';

/** The `aud` of every token: the platform. */
export const TOKEN_AUDIENCE = 'govhall';
/** Default lifetime of a staff token: one working day. */
export const DEFAULT_STAFF_TTL_SECONDS = 8 * 60 * 60;
/** Default lifetime of a service token; `serviceCallCredentials` re-mints well before it ends. */
export const DEFAULT_SERVICE_TTL_SECONDS = 60 * 60;
/** Longer `authorization` values are refused before any parsing (a real token is well under 1 KiB). */
export const MAX_TOKEN_LENGTH = 8 * 1024;

/**
 * The claims of a platform token. `sub` is `staff:<staffId>` or `service:<name>`; the staff claims (`roles`,
 * `dept`, `hall`, `region`) are present exactly when the subject is staff.
 */
export interface TokenClaims {
  /** Who minted the token: `govhall-gateway`, `govhall-launcher`, a service name. */
  readonly iss: string;
  readonly aud: typeof TOKEN_AUDIENCE;
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly roles?: readonly string[];
  readonly dept?: string | null;
  readonly hall?: string;
  /** GB/T 2260 code: 6, 9 or 12 digits. */
  readonly region?: string;
}

/** An actor a token can assert. */
export type AuthenticatedActor = StaffActor | ServiceActor;

/** What `createTokenSigner` needs: one private key, the id the verifiers know it by, and who is minting. */
export interface TokenSignerOptions {
  /**
   * The Ed25519 private key: a `KeyObject` (as `loadSigningKey` returns), a WebCrypto `CryptoKey`, or PKCS#8 PEM
   * text. Anything else (an RSA key, a public key) is refused at once with a `TypeError`.
   */
  readonly privateKey: KeyObject | webcrypto.CryptoKey | string;
  /** The `kid` header; the verifier picks the trusted key by it. */
  readonly keyId: string;
  /** The `iss` claim, e.g. `govhall-gateway`. */
  readonly issuer: string;
  /** Gives `iat` and `exp`; default the system clock. */
  readonly clock?: Clock;
  /** Gives each token's `jti`; default UUIDv7. */
  readonly ids?: IdGenerator;
}

/** Mints platform tokens with one key. */
export interface TokenSigner {
  readonly keyId: string;
  readonly issuer: string;
  /** The clock `iat` and `exp` come from (`serviceCallCredentials` renews by it). */
  readonly clock: Clock;
  /**
   * A token asserting `staff` for `ttlSeconds` (a positive integer, default 8 h). Throws `ValidationError`
   * listing every bad field (ids of `[A-Za-z0-9._:-]`, at most 128 characters; a 6, 9 or 12-digit region; roles)
   * rather than mint a token the verifier would refuse. Duplicate roles are dropped.
   */
  signStaff(staff: Omit<StaffActor, 'kind'>, ttlSeconds?: number): Promise<string>;
  /** A token asserting the service `service` for `ttlSeconds` (a positive integer, default 1 h). */
  signService(service: string, ttlSeconds?: number): Promise<string>;
}

function signingKeyOf(privateKey: KeyObject | webcrypto.CryptoKey | string): KeyObject | webcrypto.CryptoKey {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  if (key instanceof KeyObject) {
    if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
      throw new TypeError(`the signing key must be an Ed25519 private key, not ${key.asymmetricKeyType} ${key.type}`);
    }
  } else if (key.type !== 'private' || key.algorithm.name !== 'Ed25519') {
    throw new TypeError(`the signing key must be an Ed25519 private key, not ${key.algorithm.name} ${key.type}`);
  }
  return key;
}

function checkTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
}

/**
 * A signer of EdDSA (Ed25519) JWTs: header `{ alg: 'EdDSA', typ: 'JWT', kid }`, claims as in `TokenClaims`.
 * Throws a `TypeError` at once for a key that is not an Ed25519 private key or a malformed key id or issuer.
 */
export function createTokenSigner(options: TokenSignerOptions): TokenSigner {
  const key = signingKeyOf(options.privateKey);
  const { keyId, issuer } = options;
  if (!KEY_ID_PATTERN.test(keyId)) throw new TypeError(`keyId ${JSON.stringify(keyId)} is not a key id`);
  if (!ACTOR_ID_PATTERN.test(issuer)) throw new TypeError(`issuer ${JSON.stringify(issuer)} is not an issuer name`);
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? uuidV7Ids;

  const sign = async (subject: string, claims: JWTPayload, ttlSeconds: number): Promise<string> => {
    checkTtl(ttlSeconds);
    const { SignJWT } = await jose();
    const iat = Math.floor(clock.now().getTime() / 1000);
    return await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: keyId })
      .setIssuer(issuer)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(subject)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .setJti(ids.next())
      .sign(key);
  };

  return {
    keyId,
    issuer,
    clock,
    async signStaff(staff, ttlSeconds = DEFAULT_STAFF_TTL_SECONDS) {
      const violations = staffViolations(staff);
      if (violations.length > 0) throw new ValidationError(violations);
      const claims = {
        roles: [...new Set(staff.roles)],
        dept: staff.departmentId,
        hall: staff.hallId,
        region: staff.regionCode,
      };
      return await sign(`staff:${staff.staffId}`, claims, ttlSeconds);
    },
    async signService(service, ttlSeconds = DEFAULT_SERVICE_TTL_SECONDS) {
      if (!isServiceName(service)) {
        throw ValidationError.single('service', 'must be 1-128 characters of A-Z a-z 0-9 . : -');
      }
      return await sign(`service:${service}`, {}, ttlSeconds);
    },
  };
}

/** What `createTokenVerifier` needs: the trusted keys; the rest has defaults. */
export interface TokenVerifierOptions {
  /** The keys tokens may be signed with, and what each may assert (`loadTrustedKeys`). */
  readonly trustedKeys: TrustedKeys;
  /** Decides `exp` and `nbf`, and when a cached verification ends; default the system clock. */
  readonly clock?: Clock;
  /** How far past `exp` (or before `nbf`) a token is still taken, for clock skew between hosts; default 30 s. */
  readonly clockToleranceSeconds?: number;
  /** At most this many verified tokens are remembered (least recently used dropped first); 0: none. Default 10,000. */
  readonly cacheSize?: number;
}

/** Turns a bearer token into the actor it asserts; one per process, shared by every service in it. */
export interface TokenVerifier {
  /**
   * The actor a token asserts, or `UnauthenticatedError` with a short reason: `malformed token`,
   * `signing algorithm not allowed` (anything but EdDSA, `none` and HS256 included), `unknown signing key`,
   * `signature invalid`, `wrong audience`, `token expired`, `token not yet valid`, `key may not assert staff`,
   * `key may not assert this service`. Details of a refusal travel as the error's `cause` (for the server log),
   * never in its message.
   *
   * A verified token is cached until its `exp` by the verifier's clock (never into the tolerance after it), so
   * repeated calls with one token cost a map look-up; a cached token still expires.
   */
  verify(token: string): Promise<AuthenticatedActor>;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const STAFF_CLAIMS = ['roles', 'dept', 'hall', 'region'] as const;

function refuse(reason: string, detail?: unknown): UnauthenticatedError {
  const cause = typeof detail === 'string' ? new Error(detail) : detail;
  return new UnauthenticatedError(reason, cause === undefined ? undefined : { cause });
}

/** The short reason for a failure of jose's `jwtVerify`, told apart by jose's stable error codes. */
function reasonFor(error: unknown): UnauthenticatedError {
  if (error instanceof UnauthenticatedError) return error;
  const { code, claim } = (error ?? {}) as { code?: unknown; claim?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return refuse('token expired', error);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return refuse('signature invalid', error);
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return refuse('signing algorithm not allowed', error);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'aud') return refuse('wrong audience', error);
      if (claim === 'nbf') return refuse('token not yet valid', error);
      return refuse('malformed token', error);
    default:
      return refuse('malformed token', error);
  }
}

/** The actor a verified payload asserts, after checking the shape of its claims. */
function actorOf(payload: JWTPayload): AuthenticatedActor {
  const { sub, iss, jti } = payload;
  if (typeof iss !== 'string' || !ACTOR_ID_PATTERN.test(iss)) throw refuse('malformed token', 'iss is not an issuer');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 128) throw refuse('malformed token', 'bad jti');
  if (typeof sub === 'string' && sub.startsWith('service:')) {
    const service = sub.slice('service:'.length);
    if (!isServiceName(service)) throw refuse('malformed token', 'sub names no valid service');
    const stray = STAFF_CLAIMS.filter((claim) => claim in payload);
    if (stray.length > 0) throw refuse('malformed token', `a service token carries ${stray.join(', ')}`);
    return serviceActor(service);
  }
  if (typeof sub === 'string' && sub.startsWith('staff:')) {
    const missing = STAFF_CLAIMS.filter((claim) => !(claim in payload));
    if (missing.length > 0) throw refuse('malformed token', `a staff token lacks ${missing.join(', ')}`);
    const staff = {
      staffId: sub.slice('staff:'.length),
      roles: payload['roles'] as readonly string[],
      departmentId: payload['dept'] as string | null,
      hallId: payload['hall'] as string,
      regionCode: payload['region'] as string,
    };
    const violations = staffViolations(staff);
    if (violations.length > 0) {
      throw refuse(
        'malformed token',
        `bad staff claims: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`,
      );
    }
    return staffActor(staff);
  }
  throw refuse('malformed token', 'sub is neither staff:<id> nor service:<name>');
}

function subjectOf(actor: AuthenticatedActor): AssertedSubject {
  return actor.kind === 'staff' ? { kind: 'staff' } : { kind: 'service', service: actor.service };
}

interface CachedVerification {
  readonly actor: AuthenticatedActor;
  /** `exp` in milliseconds: the cached entry is used only while the clock is before it. */
  readonly expiresAtMs: number;
}

/**
 * A verifier of platform tokens: EdDSA only, the key chosen by `kid` among `trustedKeys`, `aud` = `govhall`,
 * `exp` required (with `nbf` when present) within `clockToleranceSeconds`, claims of the right shape, and a key
 * allowed (by its `govhall_may`) to assert the token's subject.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { trustedKeys } = options;
  const clock = options.clock ?? systemClock;
  const clockTolerance = options.clockToleranceSeconds ?? 30;
  if (!Number.isFinite(clockTolerance) || clockTolerance < 0) {
    throw new RangeError(`clockToleranceSeconds must be 0 or more, got ${clockTolerance}`);
  }
  const cache = new LruCache<string, CachedVerification>(options.cacheSize ?? 10_000);

  const keyFor = (header: { kid?: string | undefined }): TrustedKey => {
    if (header.kid === undefined) throw refuse('unknown signing key', 'the token header names no kid');
    const key = trustedKeys.get(header.kid);
    if (key === undefined) throw refuse('unknown signing key', `kid ${JSON.stringify(header.kid)} is not trusted`);
    return key;
  };

  return {
    async verify(token) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
        throw refuse('malformed token', 'not a compact JWS of acceptable length');
      }
      const now = clock.now();
      const cached = cache.get(token);
      if (cached !== undefined) {
        if (now.getTime() < cached.expiresAtMs) return cached.actor;
        cache.delete(token);
      }

      let payload: JWTPayload;
      let key: TrustedKey | undefined;
      try {
        const getKey = (header: { kid?: string | undefined }): KeyObject => (key = keyFor(header)).publicKey;
        const { jwtVerify } = await jose();
        const result = await jwtVerify(token, getKey, {
          algorithms: ['EdDSA'],
          audience: TOKEN_AUDIENCE,
          clockTolerance,
          currentDate: now,
          requiredClaims: ['iss', 'sub', 'iat', 'exp', 'jti'],
        });
        payload = result.payload;
      } catch (error) {
        throw reasonFor(error);
      }
      // jose resolved the key before it could verify, so it is set here.
      if (key === undefined) throw refuse('unknown signing key');

      const actor = actorOf(payload);
      if (!mayAssert(key.may, subjectOf(actor))) {
        const reason = actor.kind === 'staff' ? 'key may not assert staff' : 'key may not assert this service';
        throw refuse(reason, `key ${JSON.stringify(key.keyId)} may not assert ${payload.sub}`);
      }
      const expiresAtMs = (payload.exp as number) * 1000;
      if (now.getTime() < expiresAtMs) cache.set(token, { actor, expiresAtMs });
      return actor;
    },
  };
}
