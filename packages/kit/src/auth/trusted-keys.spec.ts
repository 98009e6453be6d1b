import { generateKeyPairSync } from 'node:crypto';
import { createTestKey } from './testing';
import { KeyMaterialError, mayAssert, parseTrustedKeys, type KeyGrant } from './trusted-keys';

function aPublicJwk(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...createTestKey('k-1').entry, ...overrides };
}

function problemsOf(json: unknown): readonly string[] {
  try {
    parseTrustedKeys(json);
  } catch (error) {
    if (error instanceof KeyMaterialError) return error.problems;
    throw error;
  }
  throw new Error('expected a KeyMaterialError');
}

describe('parseTrustedKeys', () => {
  it('parses keys from JSON text and keys them by kid', () => {
    const a = aPublicJwk({ kid: 'gateway-1', govhall_may: ['staff'] });
    const b = aPublicJwk({ kid: 'intake-1', govhall_may: ['service:intake', 'service:intake'] });
    const keys = parseTrustedKeys(JSON.stringify({ keys: [a, b] }));
    expect([...keys.keys()]).toEqual(['gateway-1', 'intake-1']);
    expect(keys.get('gateway-1')).toMatchObject({ keyId: 'gateway-1', x: a['x'], may: ['staff'] });
    expect(keys.get('intake-1')?.may).toEqual(['service:intake']);
    expect(keys.get('intake-1')?.publicKey.asymmetricKeyType).toBe('ed25519');
  });

  it('accepts a key without use, and ignores unknown members', () => {
    const { use: _use, ...jwk } = aPublicJwk();
    expect(parseTrustedKeys({ keys: [{ ...jwk, note: 'rotated 2026-01' }], comment: 'x' }).size).toBe(1);
  });

  it('refuses a document that is not JSON, has no keys array, or lists no key', () => {
    expect(problemsOf('{ keys: ')[0]).toMatch(/^not JSON/);
    expect(problemsOf({ key: [] })).toEqual(['must be an object { "keys": [ ... ] }']);
    expect(problemsOf(null)).toEqual(['must be an object { "keys": [ ... ] }']);
    expect(problemsOf({ keys: [] })).toEqual(['keys is empty: no token could ever be verified']);
  });

  it('reports every bad entry at once, naming each by index and kid', () => {
    const problems = problemsOf({
      keys: [
        aPublicJwk({ kid: 'rsa-1', kty: 'RSA', crv: undefined }),
        aPublicJwk({ kid: 'hs-1', alg: 'HS256' }),
        'not an object',
        aPublicJwk({ kid: 'ok-1' }),
        aPublicJwk({ kid: 'ok-1' }),
        aPublicJwk({ kid: 'bad kid' }),
      ],
    });
    expect(problems).toEqual([
      'keys[0] (kid "rsa-1"): kty must be OKP',
      'keys[0] (kid "rsa-1"): crv must be Ed25519',
      'keys[1] (kid "hs-1"): alg must be EdDSA',
      'keys[2]: must be a JWK object',
      'keys[4] (kid "ok-1"): kid is listed twice',
      'keys[5] (kid "bad kid"): kid must be 1-128 characters of A-Z a-z 0-9 _ . : -',
    ]);
  });

  it('refuses a key without a kid', () => {
    expect(problemsOf({ keys: [aPublicJwk({ kid: undefined })] })).toEqual([
      'keys[0]: kid must be 1-128 characters of A-Z a-z 0-9 _ . : -',
    ]);
  });

  it('refuses private key material', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const problems = problemsOf({ keys: [{ ...jwk, kid: 'leaky', alg: 'EdDSA', govhall_may: ['staff'] }] });
    expect(problems).toEqual(['keys[0] (kid "leaky"): holds a private key (d); list only public keys']);
  });

  it('refuses a bad public key', () => {
    expect(problemsOf({ keys: [aPublicJwk({ x: 'short' })] })).toEqual([
      'keys[0] (kid "k-1"): x must be a 32-byte Ed25519 public key, base64url',
    ]);
    expect(problemsOf({ keys: [aPublicJwk({ use: 'enc' })] })).toEqual([
      'keys[0] (kid "k-1"): use must be sig when given',
    ]);
  });

  it.each([
    ['missing', undefined, 'govhall_may must list what the key may assert: "staff", "service:<name>" or "service:*"'],
    ['empty', [], 'govhall_may must list what the key may assert: "staff", "service:<name>" or "service:*"'],
    ['unknown', ['staff', 'admin'], 'govhall_may[1] must be "staff", "service:<name>" or "service:*", not "admin"'],
    ['a bad service', ['service:'], 'govhall_may[0] must be "staff", "service:<name>" or "service:*", not "service:"'],
    [
      'a prefix wildcard',
      ['service:in*'],
      'govhall_may[0] must be "staff", "service:<name>" or "service:*", not "service:in*"',
    ],
  ])('refuses govhall_may that is %s', (_label, may, problem) => {
    expect(problemsOf({ keys: [aPublicJwk({ govhall_may: may })] })).toEqual([`keys[0] (kid "k-1"): ${problem}`]);
  });

  it('puts the file and every problem in the error message', () => {
    expect(() => parseTrustedKeys({ keys: [aPublicJwk({ alg: 'ES256' })] }, '/etc/govhall/trusted-keys.json')).toThrow(
      'unusable key material in /etc/govhall/trusted-keys.json:\n  - keys[0] (kid "k-1"): alg must be EdDSA',
    );
  });
});

describe('mayAssert', () => {
  it.each<[readonly KeyGrant[], string, boolean]>([
    [['staff'], 'staff', true],
    [['staff'], 'intake', false],
    [['service:intake'], 'intake', true],
    [['service:intake'], 'case', false],
    [['service:intake'], 'staff', false],
    [['service:*'], 'notify', true],
    [['service:*'], 'staff', false],
  ])('grants %j asserting %s: %s', (grants, subject, expected) => {
    const asserted = subject === 'staff' ? { kind: 'staff' as const } : { kind: 'service' as const, service: subject };
    expect(mayAssert(grants, asserted)).toBe(expected);
  });
});
