import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from '@nats-io/nats-core';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config';
import { natsAuthEnv, natsConnectionOptions } from './nats-connection';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(natsAuthEnv, env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

function thrownBy(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('natsAuthEnv', () => {
  it('accepts no variables at all (no credentials, as before)', () => {
    expect(loadConfig(natsAuthEnv, {})).toEqual({});
    expect(natsConnectionOptions(loadConfig(natsAuthEnv, {}))).toEqual({});
  });

  it('treats an empty variable as unset', () => {
    const env = loadConfig(natsAuthEnv, { NATS_TOKEN: '', NATS_USER: 'catalogue', NATS_PASSWORD: 'p' });
    expect(env.NATS_TOKEN).toBeUndefined();
    expect(natsConnectionOptions(env)).toEqual({ user: 'catalogue', pass: 'p' });
  });

  it('refuses two methods, naming both', () => {
    const problems = problemsOf({ NATS_USER: 'u', NATS_PASSWORD: 'p', NATS_CREDS_FILE: '/x.creds' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^NATS_CREDS_FILE: conflicts with NATS_USER \+ NATS_PASSWORD/);
  });

  it('refuses three methods with one problem per extra method', () => {
    const problems = problemsOf({ NATS_TOKEN: 't', NATS_NKEY_SEED_FILE: '/s', NATS_CREDS_FILE: '/c' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['NATS_NKEY_SEED_FILE', 'NATS_CREDS_FILE']);
  });

  it('refuses half of a pair', () => {
    expect(problemsOf({ NATS_USER: 'u' })).toEqual(['NATS_PASSWORD: must be set together with NATS_USER']);
    expect(problemsOf({ NATS_PASSWORD: 'p' })).toEqual(['NATS_USER: must be set together with NATS_PASSWORD']);
    expect(problemsOf({ NATS_TLS_CERT_FILE: '/c' })).toEqual([
      'NATS_TLS_KEY_FILE: must be set together with NATS_TLS_CERT_FILE',
    ]);
    expect(problemsOf({ NATS_TLS_KEY_FILE: '/k' })).toEqual([
      'NATS_TLS_CERT_FILE: must be set together with NATS_TLS_KEY_FILE',
    ]);
  });

  it('reports its problems beside the other bad variables of a merged schema', () => {
    const merged = z.object({ REGION_CODE: z.string().regex(/^\d{6}$/) }).extend(natsAuthEnv.shape);
    const refined = natsAuthEnv.extend({ REGION_CODE: z.string().regex(/^\d{6}$/) });
    for (const schema of [refined, refined.extend({ OTHER: z.string().default('x') })]) {
      let caught: unknown;
      try {
        loadConfig(schema, { REGION_CODE: '37', NATS_USER: 'u' });
      } catch (error) {
        caught = error;
      }
      const problems = (caught as ConfigError).problems.join('\n');
      expect(problems).toMatch(/REGION_CODE/);
      expect(problems).toMatch(/NATS_PASSWORD: must be set together with NATS_USER/);
    }
    // `.shape` alone carries no refinement: merge the schema itself (extend it), not its shape
    expect(() => loadConfig(merged, { REGION_CODE: '370700', NATS_USER: 'u' })).not.toThrow();
  });
});

describe('natsConnectionOptions', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'govhall-nats-conn-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, content: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('passes a token', () => {
    expect(natsConnectionOptions({ NATS_TOKEN: 's3cret' })).toEqual({ token: 's3cret' });
  });

  it('signs the nonce with the NKey seed read from the file', () => {
    const user = nkeys.createUser();
    const seedFile = file('user.nk', `${new TextDecoder().decode(user.getSeed())}\n`);
    const options = natsConnectionOptions({ NATS_NKEY_SEED_FILE: seedFile });
    const auth = (options.authenticator as (nonce?: string) => { nkey: string; sig: string })('nonce-1');
    expect(auth.nkey).toBe(user.getPublicKey());
    const signature = nkeys.decode(auth.sig);
    expect(user.verify(new TextEncoder().encode('nonce-1'), signature)).toBe(true);
  });

  it('names the variable of a missing or malformed file, all at once', () => {
    const error = thrownBy(() =>
      natsConnectionOptions({
        NATS_NKEY_SEED_FILE: join(dir, 'absent.nk'),
        NATS_TLS_CA_FILE: file('not-a-ca.pem', 'hello'),
      }),
    );
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/^NATS_NKEY_SEED_FILE: cannot read .*absent\.nk: ENOENT/);
    expect(error.problems[1]).toMatch(/^NATS_TLS_CA_FILE: .*not-a-ca\.pem is not a PEM certificate/);
  });

  it('refuses a seed file that holds something else', () => {
    const account = nkeys.createAccount();
    expect(
      thrownBy(() =>
        natsConnectionOptions({ NATS_NKEY_SEED_FILE: file('account.nk', account.getSeed()) }),
      ).problems.join(),
    ).toMatch(/NATS_NKEY_SEED_FILE: .* is not a user NKey seed.*not of a user/);
    expect(
      thrownBy(() => natsConnectionOptions({ NATS_NKEY_SEED_FILE: file('junk.nk', 'SUjunk') })).problems.join(),
    ).toMatch(/NATS_NKEY_SEED_FILE: .* is not a user NKey seed/);
  });

  it('reads a creds file (JWT and seed) and refuses a broken one', () => {
    const user = nkeys.createUser();
    const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.c2ln';
    const creds = file(
      'user.creds',
      `-----BEGIN NATS USER JWT-----\r\n${jwt}\r\n------END NATS USER JWT------\r\n\r\n` +
        `************************* IMPORTANT *************************\r\n\r\n` +
        `-----BEGIN USER NKEY SEED-----\r\n${new TextDecoder().decode(user.getSeed())}\r\n` +
        `------END USER NKEY SEED------\r\n`,
    );
    const options = natsConnectionOptions({ NATS_CREDS_FILE: creds });
    const auth = (options.authenticator as (nonce?: string) => { jwt: string; nkey: string })('n');
    expect(auth).toMatchObject({ jwt, nkey: user.getPublicKey() });
    expect(
      thrownBy(() => natsConnectionOptions({ NATS_CREDS_FILE: file('broken.creds', 'not creds') })).problems.join(),
    ).toMatch(/NATS_CREDS_FILE: .* is not a NATS \.creds file/);
  });

  it('refuses conflicting values it was handed without parsing', () => {
    expect(thrownBy(() => natsConnectionOptions({ NATS_TOKEN: 't', NATS_USER: 'u' })).problems).toHaveLength(2);
  });
});
