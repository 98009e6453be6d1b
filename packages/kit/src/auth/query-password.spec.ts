import { scryptSync } from 'node:crypto';
import {
  QUERY_PASSWORD_SCRYPT,
  generateQueryPassword,
  hashQueryPassword,
  queryPasswordNeedsRehash,
  validateQueryPassword,
  verifyQueryPassword,
} from './query-password';

const stored = (N: number, r: number, p: number, plain: string, salt = Buffer.from('0123456789abcdef')) =>
  ['scrypt', N, r, p, salt.toString('base64'), scryptSync(plain, salt, 32, { N, r, p }).toString('base64')].join('$');

describe('generateQueryPassword', () => {
  it('draws six digits, leading zeros kept, spread over the range', () => {
    const drawn = Array.from({ length: 2000 }, generateQueryPassword);
    for (const password of drawn) expect(password).toMatch(/^\d{6}$/);
    expect(new Set(drawn).size).toBeGreaterThan(1980);
    expect(drawn.some((password) => password.startsWith('0'))).toBe(true);
    expect(drawn.some((password) => password.startsWith('9'))).toBe(true);
  });
});

describe('validateQueryPassword', () => {
  it('accepts six digits only', () => {
    expect(validateQueryPassword('004213', 'query.password')).toEqual([]);
    for (const value of ['', '12345', '1234567', '12345a', ' 123456', '１２３４５６']) {
      expect(validateQueryPassword(value, 'query.password')).toEqual([
        { field: 'query.password', description: 'must be 6 digits' },
      ]);
    }
  });
});

describe('hashQueryPassword and verifyQueryPassword', () => {
  it('stores the parameters and a fresh salt, never the password', async () => {
    const first = await hashQueryPassword('004213');
    const second = await hashQueryPassword('004213');
    expect(first).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('004213');
    expect(QUERY_PASSWORD_SCRYPT).toEqual({ N: 16384, r: 8, p: 1 });
  });

  it('verifies the right password and refuses others', async () => {
    const hash = await hashQueryPassword('004213');
    expect(await verifyQueryPassword('004213', hash)).toBe(true);
    expect(await verifyQueryPassword('004214', hash)).toBe(false);
    expect(await verifyQueryPassword('4213', hash)).toBe(false);
    expect(await verifyQueryPassword('', hash)).toBe(false);
  });

  it('matches a hash written by scrypt directly, with its own parameters', async () => {
    const old = stored(1024, 8, 1, '123456');
    expect(await verifyQueryPassword('123456', old)).toBe(true);
    expect(await verifyQueryPassword('654321', old)).toBe(false);
    expect(queryPasswordNeedsRehash(old)).toBe(true);
    expect(queryPasswordNeedsRehash(await hashQueryPassword('123456'))).toBe(false);
  });

  it('refuses a hash that was altered', async () => {
    const hash = await hashQueryPassword('004213');
    const parts = hash.split('$');
    const digest = Buffer.from(parts[5]!, 'base64');
    digest[0] = digest[0]! ^ 0x01;
    parts[5] = digest.toString('base64');
    expect(await verifyQueryPassword('004213', parts.join('$'))).toBe(false);
    const salt = Buffer.from(parts[4]!, 'base64');
    salt[0] = salt[0]! ^ 0x01;
    expect(
      await verifyQueryPassword(
        '004213',
        [...parts.slice(0, 4), salt.toString('base64'), hash.split('$')[5]].join('$'),
      ),
    ).toBe(false);
  });

  it('throws on a malformed stored string or parameters out of bounds, before any work', async () => {
    await expect(verifyQueryPassword('123456', '123456')).rejects.toThrow(
      /malformed: expected scrypt\$N\$r\$p\$salt\$hash/,
    );
    await expect(verifyQueryPassword('123456', 'bcrypt$10$abc')).rejects.toThrow(/malformed/);
    await expect(
      verifyQueryPassword('123456', stored(16384, 8, 1, '123456').replace('$16384$', '$16385$')),
    ).rejects.toThrow(/out of bounds \(N=16385/);
    await expect(
      verifyQueryPassword('123456', stored(16384, 8, 1, '123456').replace('$16384$', '$2097152$')),
    ).rejects.toThrow(/out of bounds/);
    await expect(verifyQueryPassword('123456', stored(16384, 8, 1, '123456').replace('$8$', '$64$'))).rejects.toThrow(
      /out of bounds/,
    );
    await expect(verifyQueryPassword('123456', stored(1024, 8, 1, '123456', Buffer.from('abc')))).rejects.toThrow(
      /too short/,
    );
  });

  it('refuses to hash anything but six digits', async () => {
    await expect(hashQueryPassword('12345')).rejects.toThrow(RangeError);
  });
});
