/**
 * The query password (查询密码) printed on the registration slip: with the registration number it lets the
 * applicant follow the case by phone, kiosk or web. Six random digits; stored only as a salted scrypt hash.
 *
 * Six digits are a million candidates, so the hash only slows an attacker who has the table (a million scrypt
 * runs of about 30 ms each is hours of CPU, not years); what protects a password is the limit on failed
 * attempts where it is checked. The cost is kept modest for that reason and so the counter does not stall.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { FieldViolation } from '../errors';

export const QUERY_PASSWORD_PATTERN = /^\d{6}$/;

/** The scrypt cost of new hashes: N = 2^14, r = 8, p = 1 (16 MiB, about 30 ms on one core). */
export const QUERY_PASSWORD_SCRYPT = { N: 16384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Bounds on what a stored string may ask for, so a corrupted row cannot make a check take minutes or gigabytes.
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

/** Six digits drawn uniformly from a cryptographic source (leading zeros kept: `004213`). */
export function generateQueryPassword(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** A query password the applicant chose or typed. */
export function validateQueryPassword(value: string, field: string): FieldViolation[] {
  return QUERY_PASSWORD_PATTERN.test(value) ? [] : [{ field, description: 'must be 6 digits' }];
}

function scryptAsync(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const scryptOptions = (N: number, r: number, p: number): ScryptOptions => ({ N, r, p, maxmem: 256 * N * r * p });

/** `scrypt$N$r$p$<salt base64>$<hash base64>` of a password, with a fresh salt. */
export async function hashQueryPassword(plain: string): Promise<string> {
  if (!QUERY_PASSWORD_PATTERN.test(plain)) throw new RangeError('a query password is 6 digits');
  const { N, r, p } = QUERY_PASSWORD_SCRYPT;
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(plain, salt, HASH_BYTES, scryptOptions(N, r, p));
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

interface StoredHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function parseStored(stored: string): StoredHash {
  const match = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/.exec(
    stored,
  );
  if (!match) throw new RangeError('stored query password hash is malformed: expected scrypt$N$r$p$salt$hash');
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || r < 1 || r > MAX_R || p < 1 || p > MAX_P)
    throw new RangeError(`stored query password hash has scrypt parameters out of bounds (N=${N}, r=${r}, p=${p})`);
  const salt = Buffer.from(match[4]!, 'base64');
  const hash = Buffer.from(match[5]!, 'base64');
  if (salt.length < 8 || hash.length < 16)
    throw new RangeError('stored query password hash is malformed: salt or hash too short');
  return { N, r, p, salt, hash };
}

/**
 * Whether `plain` is the password of `stored` (compared in constant time). False for anything that is not six
 * digits, without running scrypt; throws `RangeError` when `stored` itself is malformed.
 */
export async function verifyQueryPassword(plain: string, stored: string): Promise<boolean> {
  const { N, r, p, salt, hash } = parseStored(stored);
  if (!QUERY_PASSWORD_PATTERN.test(plain)) return false;
  const candidate = await scryptAsync(plain, salt, hash.length, scryptOptions(N, r, p));
  return timingSafeEqual(candidate, hash);
}

/** Whether a stored hash was made with other parameters than today's, to rehash at the next successful check. */
export function queryPasswordNeedsRehash(stored: string): boolean {
  const { N, r, p } = parseStored(stored);
  return N !== QUERY_PASSWORD_SCRYPT.N || r !== QUERY_PASSWORD_SCRYPT.r || p !== QUERY_PASSWORD_SCRYPT.p;
}
