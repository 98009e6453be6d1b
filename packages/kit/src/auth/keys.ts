import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jose } from './jose';
import {
  KEY_ID_PATTERN,
  KeyMaterialError,
  loadTrustedKeys,
  type KeyGrant,
  type TrustedKeyJwk,
  type TrustedKeysFile,
} from './trusted-keys';

/** A signing key ready for `createTokenSigner({ ...signingKey, issuer })`. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly keyId: string;
  /** The public half, base64url (the JWK `x`), to list it among the trusted keys. */
  readonly publicX: string;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 public key: 43 characters. */
async function thumbprintOf(x: string): Promise<string> {
  const { calculateJwkThumbprint } = await jose();
  return calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x }, 'sha256');
}

function publicXOf(privateKey: KeyObject): string {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new TypeError('an Ed25519 public key without x');
  return jwk.x;
}

/**
 * Reads an Ed25519 private key from a PKCS#8 PEM file (`-----BEGIN PRIVATE KEY-----`), such as a Kubernetes
 * Secret mounted as a file (its mode is not checked: Secret mounts are often 0644 inside the pod).
 *
 * The key id is `options.keyId` when given (from the service's configuration, beside the key file's path);
 * otherwise the key's RFC 7638 thumbprint. Not the file name: renaming a file or a Secret key must not change
 * which trusted key a token names, and a thumbprint cannot disagree with the key it names. The trusted-keys entry
 * for the key is `trustedKeyEntry(signingKey, grants)` either way.
 *
 * Throws `KeyMaterialError` naming the file when it cannot be read, is not PKCS#8 PEM, is encrypted, or holds
 * another kind of key; a `keyId` that is not 1-128 characters of `[A-Za-z0-9_.:-]` is refused too.
 */
export async function loadSigningKey(path: string, options: { readonly keyId?: string } = {}): Promise<SigningKey> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    throw new KeyMaterialError([`cannot read the signing key: ${errorMessage(error)}`], path, { cause: error });
  }
  if (!pem.includes('-----BEGIN PRIVATE KEY-----')) {
    throw new KeyMaterialError(['not an unencrypted PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)'], path);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new KeyMaterialError([`not a readable private key: ${errorMessage(error)}`], path, { cause: error });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new KeyMaterialError([`an ${privateKey.asymmetricKeyType ?? 'unknown'} key, not Ed25519`], path);
  }
  const publicX = publicXOf(privateKey);
  if (options.keyId !== undefined && !KEY_ID_PATTERN.test(options.keyId)) {
    throw new KeyMaterialError([`key id ${JSON.stringify(options.keyId)} is not 1-128 of A-Z a-z 0-9 _ . : -`], path);
  }
  const keyId = options.keyId ?? (await thumbprintOf(publicX));
  return Object.freeze({ privateKey, keyId, publicX });
}

/** The trusted-keys file entry for a signing key, allowed to assert `may` (e.g. `['service:intake']`). */
export function trustedKeyEntry(key: Pick<SigningKey, 'keyId' | 'publicX'>, may: readonly KeyGrant[]): TrustedKeyJwk {
  return { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: key.keyId, x: key.publicX, govhall_may: may };
}

/** The files `ensureDevelopmentKeys` keeps, and the key id to sign with. */
export interface DevelopmentKeys {
  /** `<dir>/signing-key.pem`, mode 0600. */
  readonly signingKeyPath: string;
  /** `<dir>/trusted-keys.json`; its entry for the signing key may assert `staff` and `service:*`. */
  readonly trustedKeysPath: string;
  readonly keyId: string;
  /** The loaded signing key (`createTokenSigner({ ...signingKey, issuer })`). */
  readonly signingKey: SigningKey;
  /** Whether this call generated the key pair (false: it reused the one in `dir`). */
  readonly created: boolean;
}

/** Options of `ensureDevelopmentKeys`. */
export interface DevelopmentKeysOptions {
  /** The key id; default the key's thumbprint (what `loadSigningKey` derives, so every process agrees). */
  readonly keyId?: string;
}

/** The grants of the development key: everything. Never use this key outside the embedded start. */
export const DEVELOPMENT_KEY_GRANTS: readonly KeyGrant[] = Object.freeze(['staff', 'service:*']);

const SIGNING_KEY_FILE = 'signing-key.pem';
const TRUSTED_KEYS_FILE = 'trusted-keys.json';

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === code;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

/**
 * Writes `content` to `path` only if nothing is there, and all at once: to a temporary file beside it, then
 * hard-linked into place (which fails when `path` exists). Returns false when another writer got there first.
 */
async function createExclusively(path: string, content: string, mode: number): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode, flag: 'wx' });
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
}

/**
 * The key pair of the embedded start, in `dir` (created, mode 0700, when missing):
 * - neither `signing-key.pem` nor `trusted-keys.json` there: generates an Ed25519 pair, writes the private key
 *   (PKCS#8 PEM, mode 0600) and a trusted-keys file whose one key may assert `staff` and `service:*`;
 * - both there: reuses them, after checking that the trusted keys list the signing key (else `KeyMaterialError`:
 *   delete the folder to start over); the key id is the one the file gives it;
 * - only the signing key there: writes the trusted-keys file for it;
 * - only the trusted keys there: `KeyMaterialError` (a private key cannot be recovered; delete the folder).
 *
 * Safe when several processes of the embedded start call it at once on one folder: each file appears whole or
 * not at all, the first signing key written wins, and every caller ends up with the same key.
 */
export async function ensureDevelopmentKeys(
  dir: string,
  options: DevelopmentKeysOptions = {},
): Promise<DevelopmentKeys> {
  const signingKeyPath = join(dir, SIGNING_KEY_FILE);
  const trustedKeysPath = join(dir, TRUSTED_KEYS_FILE);
  await mkdir(dir, { recursive: true, mode: 0o700 });

  let created = false;
  if (!(await exists(signingKeyPath))) {
    if (await exists(trustedKeysPath)) {
      throw new KeyMaterialError(
        [`${TRUSTED_KEYS_FILE} is there without ${SIGNING_KEY_FILE}; delete ${dir} to make new development keys`],
        dir,
      );
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    created = await createExclusively(signingKeyPath, pem, 0o600);
  }
  const signingKey = await loadSigningKey(signingKeyPath, options);

  const content = `${JSON.stringify({ keys: [trustedKeyEntry(signingKey, DEVELOPMENT_KEY_GRANTS)] } satisfies TrustedKeysFile, null, 2)}\n`;
  // Another process may be writing the same file (same key, same id): either way the file that stays is complete.
  if (!(await exists(trustedKeysPath))) await createExclusively(trustedKeysPath, content, 0o644);

  const trusted = [...(await loadTrustedKeys(trustedKeysPath)).values()].find((key) => key.x === signingKey.publicX);
  if (trusted === undefined) {
    throw new KeyMaterialError(
      [`${TRUSTED_KEYS_FILE} does not list the key in ${SIGNING_KEY_FILE}; delete ${dir} to make new development keys`],
      dir,
    );
  }
  if (options.keyId !== undefined && trusted.keyId !== options.keyId) {
    throw new KeyMaterialError(
      [
        `${TRUSTED_KEYS_FILE} names the signing key ${JSON.stringify(trusted.keyId)}, not ${JSON.stringify(options.keyId)}`,
      ],
      dir,
    );
  }
  const key = trusted.keyId === signingKey.keyId ? signingKey : Object.freeze({ ...signingKey, keyId: trusted.keyId });
  return { signingKeyPath, trustedKeysPath, keyId: key.keyId, signingKey: key, created };
}
