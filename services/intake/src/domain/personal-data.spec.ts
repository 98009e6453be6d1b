import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import {
  KeyMaterialError,
  PersonalDataCipher,
  SealedDataError,
  generateKeyMaterial,
  parseKeyMaterial,
} from './personal-data';

const MATERIAL_A = parseKeyMaterial('0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0');
const MATERIAL_B = parseKeyMaterial(generateKeyMaterial());

describe('the national algorithms Node provides', () => {
  it('SM3 gives the GB/T 32905 test vector', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('SM4 gives the GB/T 32907 test vector', () => {
    const block = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const cipher = createCipheriv('sm4-ecb', block, null).setAutoPadding(false);
    expect(Buffer.concat([cipher.update(block), cipher.final()]).toString('hex')).toBe(
      '681edf34d206965e86b3e94f536e4246',
    );
  });
});

describe('PersonalDataCipher', () => {
  const cipher = new PersonalDataCipher({ current: MATERIAL_A });

  it('round-trips text, Chinese and empty strings included', () => {
    for (const plain of ['370702199001011234', '13812345678', '山东省烟台市莱山区观海路 1 号', '', 'x'.repeat(1000)]) {
      expect(cipher.decrypt(cipher.encrypt(plain))).toBe(plain);
    }
  });

  it('writes a versioned string naming its key, different each time', () => {
    const first = cipher.encrypt('370702199001011234');
    const second = cipher.encrypt('370702199001011234');
    expect(first).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9+/]+={0,2}$/);
    expect(first.split(':')[1]).toBe(cipher.keyId);
    expect(first).not.toBe(second);
    expect(first).not.toContain('370702');
    // IV (16) + one padded block (32 for 18 bytes) + MAC (32).
    expect(Buffer.from(first.split(':')[2]!, 'base64')).toHaveLength(16 + 32 + 32);
  });

  it('derives the key id from the material, so the same material opens what it sealed', () => {
    const again = new PersonalDataCipher({ current: Buffer.from(MATERIAL_A) });
    expect(again.keyId).toBe(cipher.keyId);
    expect(again.decrypt(cipher.encrypt('秘密'))).toBe('秘密');
    expect(new PersonalDataCipher({ current: MATERIAL_B }).keyId).not.toBe(cipher.keyId);
  });

  it('refuses a value changed anywhere: IV, ciphertext or MAC', () => {
    const sealed = cipher.encrypt('370702199001011234');
    const [version, keyId, encoded] = sealed.split(':') as [string, string, string];
    const body = Buffer.from(encoded, 'base64');
    for (const offset of [0, 15, 16, 40, body.length - 1]) {
      const altered = Buffer.from(body);
      altered[offset] = altered[offset]! ^ 0x01;
      expect(() => cipher.decrypt(`${version}:${keyId}:${altered.toString('base64')}`)).toThrow(
        /failed its integrity check/,
      );
    }
    const truncated = body.subarray(0, body.length - 16).toString('base64');
    expect(() => cipher.decrypt(`${version}:${keyId}:${truncated}`)).toThrow(SealedDataError);
    // Blocks swapped between two values of one key fail too.
    const other = Buffer.from(cipher.encrypt('13812345678').split(':')[2]!, 'base64');
    const spliced = Buffer.concat([other.subarray(0, 16), body.subarray(16)]).toString('base64');
    expect(() => cipher.decrypt(`${version}:${keyId}:${spliced}`)).toThrow(/integrity/);
  });

  it('refuses malformed strings and other versions with a clear message', () => {
    expect(() => cipher.decrypt('370702199001011234')).toThrow(/malformed: expected v1:<key id>:<base64>/);
    expect(() => cipher.decrypt(`v1:${cipher.keyId}:not base64!`)).toThrow(/malformed/);
    expect(() => cipher.decrypt(`v1:${cipher.keyId}:AAAA`)).toThrow(/body has 3 bytes/);
    const sealed = cipher.encrypt('x');
    expect(() => cipher.decrypt(sealed.replace(/^v1:/, 'v2:'))).toThrow(
      'sealed value is format v2; this cipher reads v1',
    );
  });

  it('refuses a value of another key, by its id or by its MAC', () => {
    const other = new PersonalDataCipher({ current: MATERIAL_B });
    const sealed = other.encrypt('370702199001011234');
    expect(() => cipher.decrypt(sealed)).toThrow(
      new SealedDataError(
        `sealed value was sealed with key ${other.keyId}, which this cipher does not hold (it holds ${cipher.keyId})`,
      ),
    );
    // Relabelled with our key id, it still fails: the MAC is under the other key.
    const relabelled = sealed.replace(other.keyId, cipher.keyId);
    expect(() => cipher.decrypt(relabelled)).toThrow(/failed its integrity check/);
  });

  it('rotates: the new key seals, the old one still opens, and old values are found for resealing', () => {
    const old = new PersonalDataCipher({ current: MATERIAL_A });
    const sealedOld = old.encrypt('370702199001011234');
    const rotated = new PersonalDataCipher({ current: MATERIAL_B, previous: [MATERIAL_A], lookup: MATERIAL_A });
    expect(rotated.decrypt(sealedOld)).toBe('370702199001011234');
    const sealedNew = rotated.encrypt('370702199001011234');
    expect(sealedNew.split(':')[1]).toBe(rotated.keyId);
    expect(rotated.needsResealing(sealedOld)).toBe(true);
    expect(rotated.needsResealing(sealedNew)).toBe(false);
    expect(() => old.decrypt(sealedNew)).toThrow(/does not hold/);
    // Look-up hashes stay those of the material they were made with.
    expect(rotated.lookupHash('id_number', '370702199001011234')).toBe(
      old.lookupHash('id_number', '370702199001011234'),
    );
    expect(new PersonalDataCipher({ current: MATERIAL_B }).lookupHash('phone', '13812345678')).not.toBe(
      old.lookupHash('phone', '13812345678'),
    );
  });

  it('refuses a key listed twice and material of the wrong size', () => {
    expect(() => new PersonalDataCipher({ current: MATERIAL_A, previous: [MATERIAL_A] })).toThrow(/listed twice/);
    expect(() => new PersonalDataCipher({ current: randomBytes(16) })).toThrow(KeyMaterialError);
  });

  describe('lookupHash', () => {
    it('hashes the normalised value, keyed', () => {
      const hash = cipher.lookupHash('id_number', '11010519491231002X');
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(cipher.lookupHash('id_number', ' 110105 19491231002x ')).toBe(hash);
      expect(cipher.lookupHash('id_number', '110105194912310021')).not.toBe(hash);
      // Not an unkeyed SM3 of the number, which anyone could enumerate.
      expect(hash).not.toBe(createHash('sm3').update('11010519491231002X').digest('hex'));
      expect(new PersonalDataCipher({ current: MATERIAL_B }).lookupHash('id_number', '11010519491231002X')).not.toBe(
        hash,
      );
    });

    it('keeps ID numbers and phones apart, and finds a phone however it was typed', () => {
      expect(cipher.lookupHash('phone', '13812345678')).not.toBe(cipher.lookupHash('id_number', '13812345678'));
      expect(cipher.lookupHash('phone', '+86 138-1234-5678')).toBe(cipher.lookupHash('phone', '13812345678'));
      expect(cipher.lookupHash('phone', '(0536)8096123')).toBe(cipher.lookupHash('phone', '0536-8096123'));
    });
  });
});

describe('key material', () => {
  it('generates 64 hex digits of fresh material that parse back', () => {
    const text = generateKeyMaterial();
    expect(text).toMatch(/^[0-9a-f]{64}$/);
    expect(generateKeyMaterial()).not.toBe(text);
    expect(parseKeyMaterial(`${text}\n`).toString('hex')).toBe(text);
  });

  it('reads base64, standard or URL-safe, with or without padding', () => {
    const raw = randomBytes(32);
    expect(parseKeyMaterial(raw.toString('base64')).equals(raw)).toBe(true);
    expect(parseKeyMaterial(raw.toString('base64url')).equals(raw)).toBe(true);
    expect(parseKeyMaterial(`  ${raw.toString('base64')}  `).equals(raw)).toBe(true);
    const fromKeyMaterial = PersonalDataCipher.fromKeyMaterial(raw.toString('base64'));
    expect(fromKeyMaterial.keyId).toBe(new PersonalDataCipher({ current: raw }).keyId);
  });

  it('explains what is wrong', () => {
    expect(() => parseKeyMaterial('')).toThrow(
      new KeyMaterialError('key material is empty: expected 32 bytes written as 64 hex digits or 44 base64 characters'),
    );
    expect(() => parseKeyMaterial('ab'.repeat(31))).toThrow(/is 31 bytes \(62 hex digits\), not 32/);
    expect(() => parseKeyMaterial('abc')).toThrow(/odd number of hex digits/);
    expect(() => parseKeyMaterial(randomBytes(16).toString('base64'))).toThrow(/is 16 bytes \(24 base64 characters\)/);
    expect(() => parseKeyMaterial('not a key, just words')).toThrow(/neither hex nor base64/);
    expect(() => parseKeyMaterial('0'.repeat(64))).toThrow(/repeats a single byte/);
    const base64 = randomBytes(32).toString('base64');
    // A last character carrying bits past the 32nd byte is not what the writer meant.
    expect(() => parseKeyMaterial(`${base64.slice(0, 42)}B=`)).toThrow(/not valid base64/);
  });
});
