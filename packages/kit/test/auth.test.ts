import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  Access,
  actorFromMetadata,
  actorLabel,
  authorize,
  createTokenSigner,
  createTokenVerifier,
  ensureDevelopmentKeys,
  KeyMaterialError,
  loadSigningKey,
  loadTrustedKeys,
  serviceCallCredentials,
  trustedKeyEntry,
  type TokenVerifier,
} from '../src/auth';
import { jose } from '../src/auth/jose';
import { aStaffMember, createTestKey } from '../src/auth/testing';
import { DomainError } from '../src/errors';
import { echoServiceDefinition, newEchoClient, type EchoClient, type EchoReply } from './fixtures/echo';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'govhall-auth-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

async function keyMaterialError(promise: Promise<unknown>): Promise<KeyMaterialError> {
  const outcome = await promise.then(
    () => new Error('expected a KeyMaterialError'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof KeyMaterialError)) throw outcome;
  return outcome;
}

describe('ensureDevelopmentKeys', () => {
  it('creates a key pair whose trusted key may assert staff and any service, then reuses it', async () => {
    const keysDir = join(dir, 'nested', 'keys');
    const first = await ensureDevelopmentKeys(keysDir);
    expect(first.created).toBe(true);
    expect(first.signingKeyPath).toBe(join(keysDir, 'signing-key.pem'));
    expect(first.trustedKeysPath).toBe(join(keysDir, 'trusted-keys.json'));
    expect(await mode(first.signingKeyPath)).toBe(0o600);
    expect(await mode(keysDir)).toBe(0o700);

    const trusted = await loadTrustedKeys(first.trustedKeysPath);
    expect([...trusted.keys()]).toEqual([first.keyId]);
    expect(trusted.get(first.keyId)?.may).toEqual(['staff', 'service:*']);

    const pem = await readFile(first.signingKeyPath, 'utf8');
    const trustedText = await readFile(first.trustedKeysPath, 'utf8');
    const again = await ensureDevelopmentKeys(keysDir);
    expect(again.created).toBe(false);
    expect(again.keyId).toBe(first.keyId);
    expect(await readFile(again.signingKeyPath, 'utf8')).toBe(pem);
    expect(await readFile(again.trustedKeysPath, 'utf8')).toBe(trustedText);

    // What it returns signs tokens that its trusted keys accept, for staff and for services.
    const signer = createTokenSigner({ ...again.signingKey, issuer: 'govhall-launcher' });
    const verifier = createTokenVerifier({ trustedKeys: trusted });
    await expect(verifier.verify(await signer.signStaff(aStaffMember()))).resolves.toMatchObject({ kind: 'staff' });
    await expect(verifier.verify(await signer.signService('notify'))).resolves.toMatchObject({ service: 'notify' });
  });

  it('gives every process the same key when several start at once', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => ensureDevelopmentKeys(dir)));
    expect(new Set(results.map((r) => r.keyId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const trusted = await loadTrustedKeys(join(dir, 'trusted-keys.json'));
    expect(trusted.get(results[0]!.keyId)?.x).toBe(results[0]!.signingKey.publicX);
  });

  it('uses the key id it is given', async () => {
    const keys = await ensureDevelopmentKeys(dir, { keyId: 'dev-1' });
    expect(keys.keyId).toBe('dev-1');
    expect((await loadTrustedKeys(keys.trustedKeysPath)).has('dev-1')).toBe(true);
    await expect(keyMaterialError(ensureDevelopmentKeys(dir, { keyId: 'dev-2' }))).resolves.toMatchObject({
      problems: ['trusted-keys.json names the signing key "dev-1", not "dev-2"'],
    });
  });

  it('writes the trusted keys again for a signing key left alone', async () => {
    const first = await ensureDevelopmentKeys(dir);
    await unlink(first.trustedKeysPath);
    const again = await ensureDevelopmentKeys(dir);
    expect(again).toMatchObject({ created: false, keyId: first.keyId });
    expect((await loadTrustedKeys(again.trustedKeysPath)).has(first.keyId)).toBe(true);
  });

  it('refuses trusted keys without their signing key, and trusted keys that do not list it', async () => {
    const first = await ensureDevelopmentKeys(dir);
    await unlink(first.signingKeyPath);
    const orphan = await keyMaterialError(ensureDevelopmentKeys(dir));
    expect(orphan.problems[0]).toContain('trusted-keys.json is there without signing-key.pem');

    const other = createTestKey('someone-else', ['staff']);
    await rm(dir, { recursive: true });
    await ensureDevelopmentKeys(dir);
    await writeFile(join(dir, 'trusted-keys.json'), JSON.stringify({ keys: [other.entry] }));
    const mismatch = await keyMaterialError(ensureDevelopmentKeys(dir));
    expect(mismatch.problems[0]).toContain('trusted-keys.json does not list the key in signing-key.pem');
  });
});

describe('loadSigningKey', () => {
  async function writeKey(name: string, pem: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, pem, { mode: 0o600 });
    return path;
  }

  it('reads a PKCS#8 Ed25519 key; the key id is the option, else the RFC 7638 thumbprint', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const path = await writeKey('gateway.pem', privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const { calculateJwkThumbprint } = await jose();
    const x = privateKey.export({ format: 'jwk' }).x!;
    const loaded = await loadSigningKey(path);
    expect(loaded.keyId).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x }));
    expect(loaded.publicX).toBe(x);
    expect((await loadSigningKey(path, { keyId: 'gateway-2026-01' })).keyId).toBe('gateway-2026-01');
    await expect(keyMaterialError(loadSigningKey(path, { keyId: 'no spaces' }))).resolves.toBeInstanceOf(
      KeyMaterialError,
    );
  });

  it('refuses a missing file, a file that is not PKCS#8 PEM, and another kind of key, naming the file', async () => {
    const missing = await keyMaterialError(loadSigningKey(join(dir, 'absent.pem')));
    expect(missing.path).toBe(join(dir, 'absent.pem'));
    expect(missing.message).toContain('cannot read the signing key');

    const garbage = await keyMaterialError(loadSigningKey(await writeKey('garbage.pem', 'hello')));
    expect(garbage.problems[0]).toContain('not an unencrypted PKCS#8 PEM private key');

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ec = await keyMaterialError(
      loadSigningKey(await writeKey('ec.pem', privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())),
    );
    expect(ec.problems).toEqual(['an ec key, not Ed25519']);
    expect(ec.message).toContain(join(dir, 'ec.pem'));
  });
});

describe('loadTrustedKeys', () => {
  it('refuses a missing or bad file, naming it', async () => {
    const missing = await keyMaterialError(loadTrustedKeys(join(dir, 'absent.json')));
    expect(missing.path).toBe(join(dir, 'absent.json'));
    const path = join(dir, 'trusted-keys.json');
    await writeFile(path, JSON.stringify({ keys: [{ ...createTestKey('k-1').entry, govhall_may: ['root'] }] }));
    const bad = await keyMaterialError(loadTrustedKeys(path));
    expect(bad.message).toContain(path);
    expect(bad.problems).toEqual([
      'keys[0] (kid "k-1"): govhall_may[0] must be "staff", "service:<name>" or "service:*", not "root"',
    ]);
  });
});

describe('service-to-service calls over gRPC', () => {
  let server: grpc.Server;
  let client: EchoClient;

  async function start(verifier: TokenVerifier): Promise<void> {
    server = new grpc.Server();
    const rule = Access.anyOf(Access.service('case'), Access.staff({ anyRole: ['administrator'] }));
    server.addService(echoServiceDefinition, {
      echo: (call: grpc.ServerUnaryCall<unknown, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) => {
        void (async () => {
          const actor = await actorFromMetadata(verifier, call.metadata);
          const decision = authorize(rule, actor);
          if (!decision.allowed) throw decision.error;
          return actorLabel(actor);
        })().then(
          (text) => callback(null, { text }),
          (error: unknown) => {
            const code =
              error instanceof DomainError && error.kind === 'unauthenticated'
                ? grpc.status.UNAUTHENTICATED
                : error instanceof DomainError && error.kind === 'permission_denied'
                  ? grpc.status.PERMISSION_DENIED
                  : grpc.status.INTERNAL;
            callback({ code, details: (error as Error).message });
          },
        );
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
    client = newEchoClient(port);
  }

  afterEach(async () => {
    client?.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });

  function echo(options: Partial<grpc.CallOptions>): Promise<{ text?: string; code?: grpc.status; details?: string }> {
    return new Promise((resolve) => {
      client.echo({ text: '' }, new grpc.Metadata(), { deadline: Date.now() + 5_000, ...options }, (error, reply) =>
        resolve(error ? { code: error.code, details: error.details } : { text: reply.text }),
      );
    });
  }

  it('carries the service identity as per-call credentials on an insecure channel', async () => {
    const keys = await ensureDevelopmentKeys(dir);
    const verifier = createTokenVerifier({ trustedKeys: await loadTrustedKeys(keys.trustedKeysPath) });
    await start(verifier);
    const signer = createTokenSigner({ ...keys.signingKey, issuer: 'case' });

    await expect(echo({ credentials: serviceCallCredentials(signer, 'case') })).resolves.toEqual({
      text: 'service:case',
    });
    await expect(echo({})).resolves.toEqual({ code: grpc.status.UNAUTHENTICATED, details: 'credentials required' });
    await expect(echo({ credentials: serviceCallCredentials(signer, 'fee') })).resolves.toEqual({
      code: grpc.status.PERMISSION_DENIED,
      details: 'requires service case, or staff with role administrator',
    });
  });

  it('refuses a token from a key the server does not trust', async () => {
    const trusted = createTestKey('k-1', ['service:case']);
    await start(createTokenVerifier({ trustedKeys: trusted.trustedKeys }));
    const stranger = createTestKey('k-2');
    const entry = trustedKeyEntry(stranger, ['service:case']);
    expect(entry.kid).toBe('k-2');
    await expect(echo({ credentials: serviceCallCredentials(stranger.signer(), 'case') })).resolves.toEqual({
      code: grpc.status.UNAUTHENTICATED,
      details: 'unknown signing key',
    });
  });
});
