import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isServiceName } from './actor';

/**
 * What a key id looks like: 1 to 128 of `[A-Za-z0-9_.:-]` (so an RFC 7638 thumbprint, the default key id, fits).
 */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * One grant of a trusted key: what identities a token signed by it may assert.
 * - `staff`: any member of staff (the gateway's key, the launcher's development key);
 * - `service:<name>`: that one service (each service's own key);
 * - `service:*`: any service (the development key only; a leaked key with this grant can impersonate any service).
 */
export type KeyGrant = 'staff' | `service:${string}`;

/** A trusted key as the trusted-keys file lists it: a public Ed25519 JWK and its grants. */
export interface TrustedKeyJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly alg: 'EdDSA';
  readonly kid: string;
  /** The public key, base64url (32 bytes). */
  readonly x: string;
  readonly use?: 'sig';
  readonly govhall_may: readonly KeyGrant[];
}

/** The trusted-keys file: `{ "keys": [ ...TrustedKeyJwk ] }`. */
export interface TrustedKeysFile {
  readonly keys: readonly TrustedKeyJwk[];
}

/** A verified-to-be-well-formed trusted key, ready for the verifier. */
export interface TrustedKey {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** The public key, base64url, as in the file (to match a signing key against it). */
  readonly x: string;
  readonly may: readonly KeyGrant[];
}

/** Trusted keys by key id (`kid`). */
export type TrustedKeys = ReadonlyMap<string, TrustedKey>;

/** The identity a token asserts, for a grant check. */
export type AssertedSubject = { readonly kind: 'staff' } | { readonly kind: 'service'; readonly service: string };

/**
 * A key file (signing key or trusted keys) that cannot be used. `problems` lists every problem found, each naming
 * the entry (`keys[1] (kid "gateway-1"): crv must be Ed25519`); `path` is the file, where there was one.
 */
export class KeyMaterialError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    const where = path === undefined ? '' : ` in ${path}`;
    super(`unusable key material${where}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'KeyMaterialError';
  }
}

/** Whether a key with `grants` may sign a token for `subject`. */
export function mayAssert(grants: readonly KeyGrant[], subject: AssertedSubject): boolean {
  if (subject.kind === 'staff') return grants.includes('staff');
  return grants.includes('service:*') || grants.includes(`service:${subject.service}`);
}

function isGrant(value: unknown): value is KeyGrant {
  if (value === 'staff' || value === 'service:*') return true;
  return typeof value === 'string' && value.startsWith('service:') && isServiceName(value.slice('service:'.length));
}

const BASE64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;

function parseKey(entry: unknown, index: number, seen: Set<string>, problems: string[]): TrustedKey | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push(`keys[${index}]: must be a JWK object`);
    return undefined;
  }
  const jwk = entry as Record<string, unknown>;
  const kid = jwk['kid'];
  const label = typeof kid === 'string' ? `keys[${index}] (kid ${JSON.stringify(kid)})` : `keys[${index}]`;
  const before = problems.length;
  const problem = (text: string): void => void problems.push(`${label}: ${text}`);

  if (typeof kid !== 'string' || !KEY_ID_PATTERN.test(kid))
    problem('kid must be 1-128 characters of A-Z a-z 0-9 _ . : -');
  else if (seen.has(kid)) problem('kid is listed twice');
  else seen.add(kid);
  if (jwk['kty'] !== 'OKP') problem('kty must be OKP');
  if (jwk['crv'] !== 'Ed25519') problem('crv must be Ed25519');
  if (jwk['alg'] !== 'EdDSA') problem('alg must be EdDSA');
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') problem('use must be sig when given');
  if ('d' in jwk) problem('holds a private key (d); list only public keys');
  const x = jwk['x'];
  if (typeof x !== 'string' || !BASE64URL_32_BYTES.test(x))
    problem('x must be a 32-byte Ed25519 public key, base64url');
  const may = jwk['govhall_may'];
  if (!Array.isArray(may) || may.length === 0) {
    problem('govhall_may must list what the key may assert: "staff", "service:<name>" or "service:*"');
  } else {
    may.forEach((grant: unknown, at) => {
      if (!isGrant(grant)) {
        problem(`govhall_may[${at}] must be "staff", "service:<name>" or "service:*", not ${JSON.stringify(grant)}`);
      }
    });
  }
  if (problems.length > before) return undefined;

  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: x as string }, format: 'jwk' });
  } catch {
    problem('x is not a valid Ed25519 public key');
    return undefined;
  }
  return Object.freeze({
    keyId: kid as string,
    publicKey,
    x: x as string,
    may: Object.freeze([...new Set(may as KeyGrant[])]),
  });
}

/**
 * Parses and checks a trusted-keys document (the file's text, or the value it parses to). Every problem is
 * reported at once in one `KeyMaterialError`: not JSON, no `keys` array, an empty list, and per key a bad or
 * repeated `kid`, a key that is not a public Ed25519 `EdDSA` JWK (a private `d` is refused), a missing or unknown
 * `govhall_may` grant. Unknown extra members are ignored.
 */
export function parseTrustedKeys(json: unknown, path?: string): TrustedKeys {
  let document = json;
  if (typeof json === 'string') {
    try {
      document = JSON.parse(json) as unknown;
    } catch (error) {
      throw new KeyMaterialError([`not JSON: ${(error as Error).message}`], path, { cause: error });
    }
  }
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (typeof document !== 'object' || document === null || !Array.isArray(keys)) {
    throw new KeyMaterialError(['must be an object { "keys": [ ... ] }'], path);
  }
  if (keys.length === 0) throw new KeyMaterialError(['keys is empty: no token could ever be verified'], path);
  const problems: string[] = [];
  const seen = new Set<string>();
  const parsed = keys.map((entry: unknown, index) => parseKey(entry, index, seen, problems));
  if (problems.length > 0) throw new KeyMaterialError(problems, path);
  return new Map(parsed.filter((key) => key !== undefined).map((key) => [key.keyId, key]));
}

/** Reads and parses a trusted-keys file (see `parseTrustedKeys`); errors name the file. */
export async function loadTrustedKeys(path: string): Promise<TrustedKeys> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new KeyMaterialError([`cannot read the trusted-keys file: ${(error as Error).message}`], path, {
      cause: error,
    });
  }
  return parseTrustedKeys(text, path);
}
