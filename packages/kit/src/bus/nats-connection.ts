import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, nkeys, type ConnectionOptions } from '@nats-io/nats-core';
import { z } from 'zod';
import { ConfigError } from '../config-error';

/** An empty variable counts as unset (`NATS_TOKEN=` in an env file, an empty value from a chart). */
const optionalValue = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const natsAuthShape = {
  NATS_USER: optionalValue,
  NATS_PASSWORD: optionalValue,
  NATS_TOKEN: optionalValue,
  NATS_NKEY_SEED_FILE: optionalValue,
  NATS_CREDS_FILE: optionalValue,
  NATS_TLS_CA_FILE: optionalValue,
  NATS_TLS_CERT_FILE: optionalValue,
  NATS_TLS_KEY_FILE: optionalValue,
};

export type NatsAuthEnv = { readonly [K in keyof typeof natsAuthShape]?: string | undefined };

interface Problem {
  readonly variable: keyof NatsAuthEnv;
  readonly message: string;
}

const METHODS = [
  { label: 'NATS_USER + NATS_PASSWORD', variables: ['NATS_USER', 'NATS_PASSWORD'] },
  { label: 'NATS_TOKEN', variables: ['NATS_TOKEN'] },
  { label: 'NATS_NKEY_SEED_FILE', variables: ['NATS_NKEY_SEED_FILE'] },
  { label: 'NATS_CREDS_FILE', variables: ['NATS_CREDS_FILE'] },
] as const satisfies readonly { label: string; variables: readonly (keyof NatsAuthEnv)[] }[];

const isSet = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The combinations that make no sense: several methods, half of one, a client cert without its key. */
function natsAuthProblems(env: NatsAuthEnv): Problem[] {
  const problems: Problem[] = [];
  const chosen = METHODS.filter((method) => method.variables.some((variable) => isSet(env[variable])));
  if (chosen.length > 1) {
    const [first, ...others] = chosen;
    for (const other of others) {
      const variable = other.variables.find((v) => isSet(env[v])) ?? other.variables[0];
      problems.push({
        variable,
        message:
          `conflicts with ${first?.label ?? ''}: set one NATS authentication method only ` +
          `(${METHODS.map((m) => m.label).join(', ')}); got ${chosen.map((m) => m.label).join(' and ')}`,
      });
    }
  }
  if (isSet(env.NATS_USER) && !isSet(env.NATS_PASSWORD)) {
    problems.push({ variable: 'NATS_PASSWORD', message: 'must be set together with NATS_USER' });
  }
  if (isSet(env.NATS_PASSWORD) && !isSet(env.NATS_USER)) {
    problems.push({ variable: 'NATS_USER', message: 'must be set together with NATS_PASSWORD' });
  }
  if (isSet(env.NATS_TLS_CERT_FILE) && !isSet(env.NATS_TLS_KEY_FILE)) {
    problems.push({ variable: 'NATS_TLS_KEY_FILE', message: 'must be set together with NATS_TLS_CERT_FILE' });
  }
  if (isSet(env.NATS_TLS_KEY_FILE) && !isSet(env.NATS_TLS_CERT_FILE)) {
    problems.push({ variable: 'NATS_TLS_CERT_FILE', message: 'must be set together with NATS_TLS_KEY_FILE' });
  }
  return problems;
}

/**
 * How a service authenticates to NATS and checks the server: the environment variables as a zod object (keys
 * are the variable names). All optional: with none set the client connects as before, without credentials
 * (and over TLS only if the server demands it, checked against the system CAs).
 *
 * Authentication, at most one of:
 * - `NATS_USER` + `NATS_PASSWORD`
 * - `NATS_TOKEN`
 * - `NATS_NKEY_SEED_FILE`: a file holding a user NKey seed (`SU...`, as `nk -gen user` writes it)
 * - `NATS_CREDS_FILE`: a `.creds` file (user JWT + NKey seed, as `nsc` writes it; operator / JWT mode)
 *
 * TLS: `NATS_TLS_CA_FILE` makes the client verify the server against that CA (PEM) instead of the system CAs;
 * `NATS_TLS_CERT_FILE` + `NATS_TLS_KEY_FILE` add a client certificate (for servers with `verify: true`). Any
 * of the three makes the client insist on TLS: a server without it is refused.
 *
 * Merge it into a base schema by extending it: `natsAuthEnv.extend({ REGION_CODE: ..., ... })` keeps its
 * refinement (one method at most, no half-set pair) through later `.extend()`s, and the refinement runs even
 * when other variables are bad, so every problem is reported at once. `other.extend(natsAuthEnv.shape)` drops
 * the refinement; `natsConnectionOptions` still refuses such combinations at start.
 */
export const natsAuthEnv = z.object(natsAuthShape).superRefine(
  (env, ctx) => {
    for (const problem of natsAuthProblems(env)) {
      ctx.addIssue({ code: 'custom', path: [problem.variable], message: problem.message });
    }
  },
  { when: () => true },
);

/** The fields of nats.js `ConnectionOptions` that `natsConnectionOptions` fills: authentication and TLS. */
export type NatsConnectionOptions = Pick<ConnectionOptions, 'user' | 'pass' | 'token' | 'authenticator' | 'tls'>;

/**
 * Turns parsed `natsAuthEnv` values into connection options for `connect()` of @nats-io/transport-node
 * (`JetStreamBusOptions.connection`). Reads and checks the seed, creds and TLS files now, so that a missing or
 * malformed file fails the start with the variable's name instead of every reconnect failing later.
 * Throws `ConfigError` listing every problem. The seed and creds are read once (rotating them needs a
 * restart); the TLS files are read again by the transport on each (re)connect, so rotated certificates apply.
 */
export function natsConnectionOptions(env: NatsAuthEnv): NatsConnectionOptions {
  const problems = natsAuthProblems(env).map((p) => `${p.variable}: ${p.message}`);
  if (problems.length > 0) throw new ConfigError(problems);

  const options: { -readonly [K in keyof NatsConnectionOptions]: NatsConnectionOptions[K] } = {};
  const read = (variable: keyof NatsAuthEnv, path: string): Buffer | undefined => {
    try {
      return readFileSync(path);
    } catch (error) {
      // "ENOENT: no such file or directory, open '/path'": the path is said already
      problems.push(`${variable}: cannot read ${path}: ${errorText(error).replace(/, open '.*'$/, '')}`);
      return undefined;
    }
  };
  const check = (variable: keyof NatsAuthEnv, path: string, what: string, test: (data: Buffer) => void): void => {
    const data = read(variable, path);
    if (!data) return;
    try {
      test(data);
    } catch (error) {
      problems.push(`${variable}: ${path} is not ${what}: ${errorText(error)}`);
    }
  };

  if (isSet(env.NATS_USER) && isSet(env.NATS_PASSWORD)) {
    options.user = env.NATS_USER;
    options.pass = env.NATS_PASSWORD;
  } else if (isSet(env.NATS_TOKEN)) {
    options.token = env.NATS_TOKEN;
  } else if (isSet(env.NATS_NKEY_SEED_FILE)) {
    const path = env.NATS_NKEY_SEED_FILE;
    check('NATS_NKEY_SEED_FILE', path, 'a user NKey seed (one line starting "SU")', (data) => {
      const seed = new TextEncoder().encode(data.toString('utf8').trim());
      const publicKey = nkeys.fromSeed(seed).getPublicKey();
      if (!publicKey.startsWith('U')) throw new Error(`it is the seed of ${publicKey.slice(0, 1)}..., not of a user`);
      options.authenticator = nkeyAuthenticator(seed);
    });
  } else if (isSet(env.NATS_CREDS_FILE)) {
    const path = env.NATS_CREDS_FILE;
    check('NATS_CREDS_FILE', path, 'a NATS .creds file (user JWT and NKey seed)', (data) => {
      // CRLF line ends (an editor on Windows) would defeat the client's parser
      const creds = new TextEncoder().encode(data.toString('utf8').replace(/\r\n/g, '\n'));
      const authenticator = credsAuthenticator(creds);
      // parses the file and signs a test nonce: a broken file fails here, not on every connect
      authenticator('check');
      options.authenticator = authenticator;
    });
  }

  if (isSet(env.NATS_TLS_CA_FILE) || isSet(env.NATS_TLS_CERT_FILE) || isSet(env.NATS_TLS_KEY_FILE)) {
    const tls: NonNullable<ConnectionOptions['tls']> = {};
    let certificate: X509Certificate | undefined;
    if (isSet(env.NATS_TLS_CA_FILE)) {
      tls.caFile = env.NATS_TLS_CA_FILE;
      check('NATS_TLS_CA_FILE', tls.caFile, 'a PEM certificate', (data) => new X509Certificate(data));
    }
    if (isSet(env.NATS_TLS_CERT_FILE)) {
      tls.certFile = env.NATS_TLS_CERT_FILE;
      check('NATS_TLS_CERT_FILE', tls.certFile, 'a PEM certificate', (data) => {
        certificate = new X509Certificate(data);
      });
    }
    if (isSet(env.NATS_TLS_KEY_FILE)) {
      const keyFile = env.NATS_TLS_KEY_FILE;
      tls.keyFile = keyFile;
      check('NATS_TLS_KEY_FILE', keyFile, 'a PEM private key', (data) => {
        const key = createPrivateKey(data);
        if (certificate && !certificate.checkPrivateKey(key)) {
          problems.push(`NATS_TLS_KEY_FILE: ${keyFile} is not the key of the certificate in NATS_TLS_CERT_FILE`);
        }
      });
    }
    options.tls = tls;
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return options;
}

function errorText(error: unknown): string {
  // not `instanceof Error`: errors of node:fs come from another realm under jest
  const message: unknown = typeof error === 'object' && error !== null && 'message' in error ? error.message : error;
  return String(message);
}
