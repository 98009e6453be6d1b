import * as grpc from '@grpc/grpc-js';
import { FakeClock } from '../clock';
import { UnauthenticatedError } from '../errors';
import { ANONYMOUS } from './actor';
import { actorFromMetadata, serviceCallCredentials } from './grpc';
import { jose } from './jose';
import { aStaffMember, createTestKey } from './testing';
import { createTokenVerifier, type TokenSigner } from './tokens';

function metadataWith(...values: string[]): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const value of values) metadata.add('authorization', value);
  return metadata;
}

describe('actorFromMetadata', () => {
  const clock = new FakeClock();
  const key = createTestKey();
  const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });

  it('is anonymous without an authorization value', async () => {
    await expect(actorFromMetadata(verifier, new grpc.Metadata())).resolves.toBe(ANONYMOUS);
  });

  it('verifies a Bearer token, whatever the case of the scheme', async () => {
    const token = await key.signer({ clock }).signStaff(aStaffMember({ staffId: 's-9' }));
    await expect(actorFromMetadata(verifier, metadataWith(`Bearer ${token}`))).resolves.toMatchObject({
      kind: 'staff',
      staffId: 's-9',
    });
    await expect(actorFromMetadata(verifier, metadataWith(`bearer  ${token}`))).resolves.toMatchObject({
      staffId: 's-9',
    });
  });

  it.each([
    ['another scheme', ['Basic dXNlcjpwYXNz'], 'authorization must be "Bearer <token>"'],
    ['an empty value', [''], 'authorization must be "Bearer <token>"'],
    ['a bare token', ['a.b.c'], 'authorization must be "Bearer <token>"'],
    ['Bearer and nothing', ['Bearer '], 'authorization must be "Bearer <token>"'],
    ['two values', ['Bearer a.b.c', 'Bearer d.e.f'], 'more than one authorization value'],
    ['a bad token', ['Bearer a.b.c'], 'malformed token'],
  ])('refuses %s', async (_label, values, message) => {
    const error = await actorFromMetadata(verifier, metadataWith(...values)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as Error).message).toBe(message);
  });
});

describe('serviceCallCredentials', () => {
  const options = { method_name: '/govhall.case.v1.CaseService/GetCase', service_url: 'https://case' };

  async function tokenSent(credentials: grpc.CallCredentials): Promise<string> {
    const [value] = (await credentials.generateMetadata(options)).get('authorization');
    const match = /^Bearer (.+)$/.exec(String(value));
    if (!match?.[1]) throw new Error(`no bearer token in ${String(value)}`);
    return match[1];
  }

  /** A signer that counts its tokens. */
  function countingSigner(signer: TokenSigner): TokenSigner & { minted: number } {
    const counting = {
      ...signer,
      minted: 0,
      signService: (service: string, ttl?: number) => {
        counting.minted += 1;
        return signer.signService(service, ttl);
      },
    };
    return counting;
  }

  it('attaches a service token that verifies as the service', async () => {
    const clock = new FakeClock();
    const key = createTestKey('k', ['service:case']);
    const verifier = createTokenVerifier({ trustedKeys: key.trustedKeys, clock });
    const token = await tokenSent(serviceCallCredentials(key.signer({ clock }), 'case'));
    await expect(verifier.verify(token)).resolves.toEqual({ kind: 'service', service: 'case' });
  });

  it('reuses its token until half its life is gone, then mints another', async () => {
    const clock = new FakeClock();
    const signer = countingSigner(createTestKey().signer({ clock }));
    const credentials = serviceCallCredentials(signer, 'case', { ttlSeconds: 600 });
    const first = await tokenSent(credentials);
    clock.advance(299_999);
    expect(await tokenSent(credentials)).toBe(first);
    clock.advance(1);
    const second = await tokenSent(credentials);
    expect(second).not.toBe(first);
    const { decodeJwt } = await jose();
    expect(decodeJwt(second).exp).toBe(Math.floor(clock.now().getTime() / 1000) + 600);
    expect(signer.minted).toBe(2);
  });

  it('mints once for calls that arrive together', async () => {
    const signer = countingSigner(createTestKey().signer({ clock: new FakeClock() }));
    const credentials = serviceCallCredentials(signer, 'case');
    const tokens = await Promise.all([tokenSent(credentials), tokenSent(credentials), tokenSent(credentials)]);
    expect(new Set(tokens).size).toBe(1);
    expect(signer.minted).toBe(1);
  });

  it('fails the call when minting fails, and tries again on the next', async () => {
    const clock = new FakeClock();
    const signer = createTestKey().signer({ clock });
    let fail = true;
    const flaky: TokenSigner = {
      ...signer,
      signService: (service, ttl) => (fail ? Promise.reject(new Error('no key')) : signer.signService(service, ttl)),
    };
    const credentials = serviceCallCredentials(flaky, 'case');
    await expect(credentials.generateMetadata(options)).rejects.toThrow('no key');
    fail = false;
    await expect(tokenSent(credentials)).resolves.toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('refuses a bad service name or lifetime at once', () => {
    const signer = createTestKey().signer();
    expect(() => serviceCallCredentials(signer, 'no spaces')).toThrow(TypeError);
    expect(() => serviceCallCredentials(signer, 'case', { ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => serviceCallCredentials(signer, 'case', { ttlSeconds: 60, renewBeforeSeconds: 60 })).toThrow(
      RangeError,
    );
  });
});
