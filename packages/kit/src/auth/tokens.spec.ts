import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { FakeClock } from '../clock';
import { UnauthenticatedError, ValidationError } from '../errors';
import { SequentialIds } from '../ids';
import { jose } from './jose';
import { aStaffMember, createTestKey } from './testing';
import { createTokenSigner, createTokenVerifier, type TokenVerifier } from './tokens';

const HOUR_MS = 3_600_000;

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs any header and payload with `key`, for tokens the platform's signer would never make. */
async function rawToken(
  key: KeyObject | Uint8Array,
  header: Record<string, unknown>,
  payload: object,
): Promise<string> {
  const { SignJWT } = await jose();
  return new SignJWT({ ...payload }).setProtectedHeader({ alg: 'EdDSA', ...header }).sign(key);
}

async function refusalOf(verifier: TokenVerifier, token: string): Promise<UnauthenticatedError> {
  const outcome = await verifier.verify(token).then(
    (actor) => new Error(`expected a refusal, got ${JSON.stringify(actor)}`),
    (error: unknown) => error,
  );
  if (!(outcome instanceof UnauthenticatedError)) throw outcome;
  return outcome;
}

function claimsAt(clock: FakeClock, extra: object = {}): object {
  const iat = Math.floor(clock.now().getTime() / 1000);
  return { iss: 'govhall-test', aud: 'govhall', iat, exp: iat + 3600, jti: 'j-1', ...extra };
}

const staffClaims = { sub: 'staff:s-1', roles: ['clerk'], dept: null, hall: 'h-1', region: '330100' };

describe('tokens', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock('2026-01-05T09:00:00+08:00');
  });

  it('round-trips a staff member into a StaffActor', async () => {
    const key = createTestKey();
    const signer = key.signer({ clock });
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const staff = aStaffMember({ roles: ['reviewer', 'approver', 'reviewer'], regionCode: '330106001' });
    const actor = await verifier.verify(await signer.signStaff(staff));
    expect(actor).toEqual({ kind: 'staff', ...staff, roles: ['reviewer', 'approver'] });
    expect(Object.isFrozen(actor)).toBe(true);
  });

  it('keeps a null department', async () => {
    const key = createTestKey();
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const token = await key.signer({ clock }).signStaff(aStaffMember({ departmentId: null }));
    expect(await verifier.verify(token)).toMatchObject({ kind: 'staff', departmentId: null });
  });

  it('round-trips a service token into a ServiceActor', async () => {
    const key = createTestKey();
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const token = await key.signer({ clock }).signService('intake');
    expect(await verifier.verify(token)).toEqual({ kind: 'service', service: 'intake' });
  });

  it('mints the documented header and claims', async () => {
    const key = createTestKey('k-2026-01');
    const signer = createTokenSigner({
      privateKey: key.privateKey,
      keyId: key.keyId,
      issuer: 'govhall-gateway',
      clock,
      ids: new SequentialIds('jti'),
    });
    const token = await signer.signStaff(aStaffMember(), 600);
    const { decodeJwt, decodeProtectedHeader } = await jose();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: 'k-2026-01' });
    const iat = Math.floor(clock.now().getTime() / 1000);
    expect(decodeJwt(token)).toEqual({
      iss: 'govhall-gateway',
      aud: 'govhall',
      sub: 'staff:staff-0001',
      iat,
      exp: iat + 600,
      jti: 'jti-1',
      roles: ['clerk'],
      dept: 'dept-civil-affairs',
      hall: 'hall-city-centre',
      region: '330100',
    });
    expect(decodeJwt(await signer.signService('case'))).toMatchObject({ sub: 'service:case', exp: iat + 3600 });
    expect(decodeJwt(await signer.signStaff(aStaffMember()))).toMatchObject({ exp: iat + 8 * 3600 });
  });

  it('accepts the private key as PKCS#8 PEM text', async () => {
    const key = createTestKey();
    const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const signer = createTokenSigner({ privateKey: pem, keyId: key.keyId, issuer: 'govhall-test', clock });
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    expect(await verifier.verify(await signer.signService('fee'))).toEqual({ kind: 'service', service: 'fee' });
  });

  it('refuses to sign with a key that is not an Ed25519 private key', () => {
    const key = createTestKey();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const common = { keyId: 'k', issuer: 'govhall-test' };
    expect(() => createTokenSigner({ ...common, privateKey: rsa.privateKey })).toThrow(TypeError);
    expect(() => createTokenSigner({ ...common, privateKey: key.trustedKeys.get('test-key')!.publicKey })).toThrow(
      TypeError,
    );
    expect(() => createTokenSigner({ ...common, keyId: 'bad kid', privateKey: key.privateKey })).toThrow(TypeError);
  });

  it('refuses to mint a staff token with bad fields, naming every one', async () => {
    const signer = createTestKey().signer({ clock });
    const bad = aStaffMember({ staffId: 'has space', regionCode: '3301', roles: ['clerk', ''] });
    const error = await signer.signStaff(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations.map((v) => v.field)).toEqual(['staffId', 'regionCode', 'roles[1]']);
    await expect(signer.signService('no/slash')).rejects.toBeInstanceOf(ValidationError);
    await expect(signer.signService('intake', 0)).rejects.toBeInstanceOf(RangeError);
  });

  it('refuses an expired token, after the clock tolerance', async () => {
    const key = createTestKey();
    const token = await key.signer({ clock }).signService('intake', 60);
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock, cacheSize: 0 });
    clock.advance(60_000 + 29_000);
    await expect(verifier.verify(token)).resolves.toEqual({ kind: 'service', service: 'intake' });
    clock.advance(2_000);
    expect((await refusalOf(verifier, token)).message).toBe('token expired');
  });

  it('refuses a token that is not yet valid', async () => {
    const key = createTestKey();
    const iat = Math.floor(clock.now().getTime() / 1000);
    const token = await rawToken(
      key.privateKey,
      { kid: key.keyId },
      { ...claimsAt(clock), sub: 'service:intake', nbf: iat + 120 },
    );
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    expect((await refusalOf(verifier, token)).message).toBe('token not yet valid');
  });

  it('refuses a token signed by a key it does not trust, even under a trusted kid', async () => {
    const trusted = createTestKey('k-1');
    const stranger = createTestKey('k-1');
    const verifier = createTokenVerifier({ trustedKeys: trusted.trustedKeys, clock });
    const token = await stranger.signer({ clock }).signStaff(aStaffMember());
    expect((await refusalOf(verifier, token)).message).toBe('signature invalid');
  });

  it('refuses a token whose kid is unknown or missing', async () => {
    const verifier = createTokenVerifier({ trustedKeys: createTestKey('k-1').trustedKeys, clock });
    const other = createTestKey('k-2');
    const unknown = await other.signer({ clock }).signService('intake');
    expect((await refusalOf(verifier, unknown)).message).toBe('unknown signing key');
    const noKid = await rawToken(other.privateKey, {}, { ...claimsAt(clock), sub: 'service:intake' });
    expect((await refusalOf(verifier, noKid)).message).toBe('unknown signing key');
  });

  it('refuses a tampered payload', async () => {
    const key = createTestKey();
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const token = await key.signer({ clock }).signStaff(aStaffMember({ roles: ['clerk'] }));
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${b64url({ ...claims, roles: ['administrator'] })}.${signature}`;
    expect((await refusalOf(verifier, forged)).message).toBe('signature invalid');
  });

  it('refuses alg none and HS256, including HS256 keyed with the trusted public key', async () => {
    const key = createTestKey();
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const payload = { ...claimsAt(clock), ...staffClaims };
    const none = `${b64url({ alg: 'none', kid: key.keyId })}.${b64url(payload)}.`;
    expect((await refusalOf(verifier, none)).message).toBe('malformed token');
    const noneSigned = `${b64url({ alg: 'none', kid: key.keyId })}.${b64url(payload)}.AAAA`;
    expect((await refusalOf(verifier, noneSigned)).message).toBe('signing algorithm not allowed');
    const publicBytes = Buffer.from(key.publicX, 'base64url');
    const hs256 = await rawToken(publicBytes, { alg: 'HS256', kid: key.keyId }, payload);
    expect((await refusalOf(verifier, hs256)).message).toBe('signing algorithm not allowed');
  });

  it('refuses a staff token signed by a key that may only assert service:intake', async () => {
    const key = createTestKey('intake-key', ['service:intake']);
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const signer = key.signer({ clock, issuer: 'intake' });
    await expect(verifier.verify(await signer.signService('intake'))).resolves.toMatchObject({ service: 'intake' });
    expect((await refusalOf(verifier, await signer.signStaff(aStaffMember()))).message).toBe(
      'key may not assert staff',
    );
    expect((await refusalOf(verifier, await signer.signService('case'))).message).toBe(
      'key may not assert this service',
    );
  });

  it('lets a service:* key assert any service but not staff', async () => {
    const key = createTestKey('any-service', ['service:*']);
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const signer = key.signer({ clock });
    await expect(verifier.verify(await signer.signService('notify'))).resolves.toMatchObject({ service: 'notify' });
    expect((await refusalOf(verifier, await signer.signStaff(aStaffMember()))).message).toBe(
      'key may not assert staff',
    );
  });

  it('refuses a token for another audience', async () => {
    const key = createTestKey();
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const token = await rawToken(
      key.privateKey,
      { kid: key.keyId },
      { ...claimsAt(clock), aud: 'elsewhere', sub: 'service:intake' },
    );
    expect((await refusalOf(verifier, token)).message).toBe('wrong audience');
  });

  it.each([
    ['no exp', { exp: undefined }],
    ['no jti', { jti: undefined }],
    ['no iss', { iss: undefined }],
    ['an unknown subject kind', { sub: 'robot:r2' }],
    ['a region of 7 digits', { region: '3301001' }],
    ['a region with letters', { region: '33010A' }],
    ['an empty staff id', { sub: 'staff:' }],
    ['a staff id of 129 characters', { sub: `staff:${'s'.repeat(129)}` }],
    ['a hall id with a slash', { hall: 'h/1' }],
    ['roles that are not an array', { roles: 'clerk' }],
    ['a role that is not a string', { roles: ['clerk', 7] }],
    ['a role of 65 characters', { roles: ['r'.repeat(65)] }],
    ['no dept claim', { dept: undefined }],
    ['a numeric dept', { dept: 12 }],
  ])('refuses a staff token with %s as malformed', async (_label, change) => {
    const key = createTestKey();
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const token = await rawToken(key.privateKey, { kid: key.keyId }, { ...claimsAt(clock), ...staffClaims, ...change });
    const error = await refusalOf(verifier, token);
    expect(error.message).toBe('malformed token');
    // The well-formed twin passes, so it is `change` that is refused.
    const twin = await rawToken(key.privateKey, { kid: key.keyId }, { ...claimsAt(clock), ...staffClaims });
    await expect(verifier.verify(twin)).resolves.toMatchObject({ kind: 'staff' });
  });

  it('refuses a service token that carries staff claims', async () => {
    const key = createTestKey();
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const token = await rawToken(
      key.privateKey,
      { kid: key.keyId },
      { ...claimsAt(clock), sub: 'service:intake', roles: ['administrator'] },
    );
    expect((await refusalOf(verifier, token)).message).toBe('malformed token');
  });

  it.each([
    ['an empty string', ''],
    ['two parts', 'a.b'],
    ['junk in three parts', 'a.b.c'],
    ['a token over 8 KiB', `${'a'.repeat(8192)}.b.c`],
  ])('refuses %s as malformed', async (_label, token) => {
    const verifier = createTokenVerifier({ trustedKeys: createTestKey().trustedKeys, clock });
    expect((await refusalOf(verifier, token)).message).toBe('malformed token');
  });

  it('keeps refusal details server-side: the message is the short reason, the cause says more', async () => {
    const verifier = createTokenVerifier({ trustedKeys: createTestKey('k-1').trustedKeys, clock });
    const token = await createTestKey('k-secret-name').signer({ clock }).signService('intake');
    const error = await refusalOf(verifier, token);
    expect(error.message).toBe('unknown signing key');
    expect(String((error.cause as Error).message)).toContain('k-secret-name');
  });
});

describe('the verification cache', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock('2026-01-05T09:00:00+08:00');
  });

  it('answers a repeated token from the cache', async () => {
    const key = createTestKey();
    const token = await key.signer({ clock }).signStaff(aStaffMember());
    const cached = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    expect(await cached.verify(token)).toBe(await cached.verify(token));
    const uncached = createTokenVerifier({ trustedKeys: key.trustedKeys, clock, cacheSize: 0 });
    expect(await uncached.verify(token)).not.toBe(await uncached.verify(token));
  });

  it('still expires a cached token', async () => {
    const key = createTestKey();
    const token = await key.signer({ clock }).signService('intake', 3600);
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock, clockToleranceSeconds: 0 });
    const first = await verifier.verify(token);
    clock.advance(HOUR_MS - 1);
    expect(await verifier.verify(token)).toBe(first);
    clock.advance(1);
    expect((await refusalOf(verifier, token)).message).toBe('token expired');
  });

  it('never serves a token from the cache past its exp, even within the clock tolerance', async () => {
    const key = createTestKey();
    const token = await key.signer({ clock }).signService('intake', 3600);
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock, clockToleranceSeconds: 30 });
    const first = await verifier.verify(token);
    clock.advance(HOUR_MS + 10_000);
    // Still accepted (within the tolerance), but verified afresh rather than taken from the cache.
    const again = await verifier.verify(token);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    expect(await verifier.verify(token)).not.toBe(again);
    clock.advance(30_000);
    expect((await refusalOf(verifier, token)).message).toBe('token expired');
  });

  it('holds at most cacheSize tokens, dropping the least recently used', async () => {
    const key = createTestKey();
    const signer = key.signer({ clock });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((s) => signer.signService(s)));
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock, cacheSize: 2 });
    const actorA = await verifier.verify(a!);
    const actorB = await verifier.verify(b!);
    expect(await verifier.verify(a!)).toBe(actorA); // a is now the most recently used
    await verifier.verify(c!); // drops b
    expect(await verifier.verify(a!)).toBe(actorA);
    expect(await verifier.verify(b!)).not.toBe(actorB);
  });
});
