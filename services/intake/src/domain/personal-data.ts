/**
 * Personal data at rest (PIPL art. 51; GB/T 39786 asks for the national algorithms): ID numbers, phones and
 * addresses are stored sealed with SM4, and found again through a keyed look-up hash.
 *
 * Sealing is encrypt-then-MAC: SM4-CBC with a random IV per value (OpenSSL offers no SM4-GCM to Node), then
 * HMAC-SM3 over the header, IV and ciphertext, checked in constant time before anything is decrypted, so a
 * tampered value never reaches the padding check. One 32-byte key material gives every subkey through
 * HKDF-SM3, each under its own label, so no key serves two purposes.
 *
 * A sealed value reads `v1:<key id>:<base64 of IV ‖ ciphertext ‖ MAC>`. The key id is derived from the key
 * material, so a cipher given the new key and the old ones opens values of either and seals with the new one;
 * `needsResealing` finds the values to rewrite after a rotation.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { normaliseIdNumber, normalisePhone } from './identity';

export const KEY_MATERIAL_BYTES = 32;

const VERSION = 'v1';
const CIPHER = 'sm4-cbc';
const IV_BYTES = 16;
const SM4_KEY_BYTES = 16;
const MAC_BYTES = 32;
const HKDF_SALT = Buffer.from('govhall/intake/personal-data');

/** Key material that cannot be used; the message says what was wrong and what is expected. */
export class KeyMaterialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyMaterialError';
  }
}

/** A sealed value that cannot be opened: malformed, sealed under a key this cipher lacks, or altered. */
export class SealedDataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealedDataError';
  }
}

const EXPECTED = `${KEY_MATERIAL_BYTES} bytes written as 64 hex digits or 44 base64 characters`;

/** Fresh key material as 64 hex digits, e.g. for the embedded start to write into its key file. */
export function generateKeyMaterial(): string {
  return randomBytes(KEY_MATERIAL_BYTES).toString('hex');
}

/**
 * Reads key material from configuration (a key file's content, surrounding white space ignored): 64 hex digits,
 * or base64 (standard or URL-safe, padding optional) of exactly 32 bytes.
 */
export function parseKeyMaterial(text: string): Buffer {
  const value = text.trim();
  if (!value) throw new KeyMaterialError(`key material is empty: expected ${EXPECTED}`);
  let key: Buffer;
  let read: string;
  // 43 or 44 characters is base64 of 32 bytes even when every character happens to be a hex digit.
  if (/^[0-9a-fA-F]+$/.test(value) && value.length !== 43 && value.length !== 44) {
    if (value.length % 2 !== 0)
      throw new KeyMaterialError(`key material has an odd number of hex digits (${value.length})`);
    key = Buffer.from(value, 'hex');
    read = `${value.length} hex digits`;
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const standard = value.replace(/-/g, '+').replace(/_/g, '/');
    key = Buffer.from(standard, 'base64');
    // Node drops stray trailing bits silently; re-encoding shows whether every character was meaningful.
    if (key.toString('base64').replace(/=+$/, '') !== standard.replace(/=+$/, ''))
      throw new KeyMaterialError(`key material is not valid base64: expected ${EXPECTED}`);
    read = `${value.length} base64 characters`;
  } else {
    throw new KeyMaterialError(`key material is neither hex nor base64: expected ${EXPECTED}`);
  }
  if (key.length !== KEY_MATERIAL_BYTES)
    throw new KeyMaterialError(
      `key material is ${key.length} bytes (${read}), not ${KEY_MATERIAL_BYTES}: expected ${EXPECTED}`,
    );
  if (key.every((byte) => byte === key[0]))
    throw new KeyMaterialError('key material repeats a single byte: generate it with generateKeyMaterial()');
  return key;
}

function subkey(material: Buffer, label: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sm3', material, HKDF_SALT, label, length));
}

interface SealingKey {
  readonly id: string;
  readonly encryption: Buffer;
  readonly authentication: Buffer;
}

function sealingKey(material: Buffer): SealingKey {
  if (material.length !== KEY_MATERIAL_BYTES)
    throw new KeyMaterialError(`key material is ${material.length} bytes, not ${KEY_MATERIAL_BYTES}`);
  return {
    id: subkey(material, 'key id', 4).toString('hex'),
    encryption: subkey(material, 'sm4-cbc encryption', SM4_KEY_BYTES),
    authentication: subkey(material, 'hmac-sm3 authentication', MAC_BYTES),
  };
}

/** What a look-up hash is of; each kind hashes in its own domain, so an ID and a phone never collide. */
export type LookupKind = 'id_number' | 'phone';

export interface PersonalDataKeys {
  /** Seals new values. */
  readonly current: Buffer;
  /** Older keys, still opening what they sealed until it is resealed. */
  readonly previous?: readonly Buffer[];
  /**
   * The material of the look-up key; the current one when not given. Look-up hashes are stored, so after a
   * rotation keep naming the material they were made with (or recompute them all).
   */
  readonly lookup?: Buffer;
}

export class PersonalDataCipher {
  /** The id of the key that seals. */
  readonly keyId: string;
  private readonly current: SealingKey;
  private readonly keys = new Map<string, SealingKey>();
  private readonly lookupKey: Buffer;

  constructor(keys: PersonalDataKeys) {
    this.current = sealingKey(keys.current);
    this.keyId = this.current.id;
    for (const key of [this.current, ...(keys.previous ?? []).map(sealingKey)]) {
      if (this.keys.has(key.id)) throw new KeyMaterialError(`key ${key.id} is listed twice`);
      this.keys.set(key.id, key);
    }
    this.lookupKey = subkey(keys.lookup ?? keys.current, 'hmac-sm3 look-up', MAC_BYTES);
  }

  /** One key material for everything, as read from configuration. */
  static fromKeyMaterial(text: string): PersonalDataCipher {
    return new PersonalDataCipher({ current: parseKeyMaterial(text) });
  }

  /** Seals a UTF-8 string; sealing the same value twice gives different strings. */
  encrypt(plain: string): string {
    const header = `${VERSION}:${this.current.id}:`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.current.encryption, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const mac = this.mac(this.current, header, iv, ciphertext);
    return header + Buffer.concat([iv, ciphertext, mac]).toString('base64');
  }

  /** Opens a sealed value; throws `SealedDataError` when it is malformed, of an unknown key, or altered. */
  decrypt(sealed: string): string {
    const { header, key, body } = this.parse(sealed);
    if (body.length < IV_BYTES + 16 + MAC_BYTES || (body.length - IV_BYTES - MAC_BYTES) % 16 !== 0)
      throw new SealedDataError(`sealed value is malformed: its body has ${body.length} bytes`);
    const iv = body.subarray(0, IV_BYTES);
    const ciphertext = body.subarray(IV_BYTES, body.length - MAC_BYTES);
    const mac = body.subarray(body.length - MAC_BYTES);
    if (!timingSafeEqual(mac, this.mac(key, header, iv, ciphertext)))
      throw new SealedDataError(
        `sealed value failed its integrity check under key ${key.id}: it was altered or sealed with another key`,
      );
    try {
      const decipher = createDecipheriv(CIPHER, key.encryption, iv);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SealedDataError(`sealed value passed its integrity check but does not decrypt`, { cause: error });
    }
  }

  /** Whether a sealed value was made with an older key and should be rewritten with `encrypt(decrypt(v))`. */
  needsResealing(sealed: string): boolean {
    return this.parse(sealed).key.id !== this.current.id;
  }

  /**
   * The look-up hash of an ID number or phone (64 hex digits), of its normalised form: the ID upper-cased
   * without spaces, the phone as `normalisePhone` writes it. Keyed (HMAC-SM3), not a plain SM3: there are only
   * about 10^11 plausible resident ID numbers (region, birth date, sequence; the check digit follows), and
   * fewer mobiles, so an unkeyed hash of one is found by enumeration in hours.
   */
  lookupHash(kind: LookupKind, value: string): string {
    const normalised = kind === 'id_number' ? normaliseIdNumber(value) : normalisePhone(value);
    return createHmac('sm3', this.lookupKey).update(`${kind}\0${normalised}`, 'utf8').digest('hex');
  }

  private mac(key: SealingKey, header: string, iv: Buffer, ciphertext: Buffer): Buffer {
    return createHmac('sm3', key.authentication).update(header, 'utf8').update(iv).update(ciphertext).digest();
  }

  private parse(sealed: string): { header: string; key: SealingKey; body: Buffer } {
    const match = /^(v\d+):([0-9a-f]{8}):([A-Za-z0-9+/]+={0,2})$/.exec(sealed);
    if (!match) throw new SealedDataError(`sealed value is malformed: expected ${VERSION}:<key id>:<base64>`);
    const [, version, keyId, encoded] = match as unknown as [string, string, string, string];
    if (version !== VERSION)
      throw new SealedDataError(`sealed value is format ${version}; this cipher reads ${VERSION}`);
    const key = this.keys.get(keyId);
    if (!key)
      throw new SealedDataError(
        `sealed value was sealed with key ${keyId}, which this cipher does not hold (it holds ${[...this.keys.keys()].join(', ')})`,
      );
    return { header: `${version}:${keyId}:`, key, body: Buffer.from(encoded, 'base64') };
  }
}
