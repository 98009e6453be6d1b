import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { nkeys, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { freePort, waitFor } from '@govhall/testing';
import { loadConfig } from '../src/config';
import { ValidationError } from '../src/errors';
import { JetStreamBus, type BusHandleOutcome, type BusObserver } from '../src/bus';
import { natsAuthEnv, natsConnectionOptions, type NatsConnectionOptions } from '../src/bus/nats-connection';
import { streamFor, type EventEnvelope, type ServiceName } from '../src/events';

/**
 * The kit against nats-servers that demand credentials and TLS: user + password, NKey, TLS with a CA made here
 * by openssl, and the shipped configs of deploy/nats themselves (every user, their permissions, the leaf link).
 * Each test starts its own servers on free ports and removes them.
 */

const DEPLOY_NATS = join(__dirname, '../../../deploy/nats');
/** A refused connect must fail at once, not wait out reconnects. */
const FAST_MS = 5000;

let work: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'govhall-nats-auth-'));
  makeCertificates(work);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface TestServer {
  readonly url: string;
  readonly port: number;
  /** What the server logged so far. */
  log(): string;
}

/** Starts `nats-server -c <config>` with `env` added to the environment; stopped and removed after the test. */
async function startServer(config: string, env: Record<string, string> = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(work, 'server-'));
  const port = await freePort();
  const text = config.replaceAll('{{PORT}}', String(port)).replaceAll('{{STORE}}', join(dir, 'js'));
  const file = join(dir, 'nats.conf');
  await writeFile(file, text);
  const child = spawn('nats-server', ['-c', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  cleanups.push(async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  });
  await new Promise<void>((resolve, reject) => {
    const onExit = (): void => reject(new Error(`nats-server exited during start:\n${output}`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.stderr?.on('data', () => {
      if (output.includes('Server is ready')) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  return { url: `nats://127.0.0.1:${port}`, port, log: () => output };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A JetStream bus with these `NATS_*` variables, closed after the test. */
async function busWith(url: string, env: Record<string, string>, observer?: BusObserver): Promise<JetStreamBus> {
  const bus = await JetStreamBus.connect({
    servers: url,
    name: 'nats-auth-test',
    connection: natsConnectionOptions(loadConfig(natsAuthEnv, env)),
    ...(observer && { observer }),
  });
  cleanups.push(() => bus.close());
  return bus;
}

/** A plain connection with these `NATS_*` variables, closed after the test. */
async function natsWith(url: string, env: Record<string, string>): Promise<NatsConnection> {
  const options: NatsConnectionOptions = natsConnectionOptions(loadConfig(natsAuthEnv, env));
  const nc = await connect({ servers: url, name: 'nats-auth-test', ...options });
  cleanups.push(() => nc.close());
  return nc;
}

/** Expects `JetStreamBus.connect` with these variables to be refused, quickly by default; returns the error. */
async function refused(url: string, env: Record<string, string>, withinMs = FAST_MS): Promise<Error> {
  const started = Date.now();
  let caught: unknown;
  try {
    const bus = await busWith(url, env);
    await bus.close();
  } catch (error) {
    caught = error;
  }
  expect(Date.now() - started).toBeLessThan(withinMs);
  // not toBeInstanceOf(Error): errors of node:tls come from another realm under jest
  expect(caught).toHaveProperty('message');
  return caught as Error;
}

function anEvent(service: ServiceName, regionCode: string): EventEnvelope {
  return {
    id: `evt-${randomBytes(8).toString('hex')}`,
    type: `${service}.thing.happened`,
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    regionCode,
    data: { ok: true },
  };
}

/** Ensures the service's stream and publishes one event to it: what a service does at start and on a change. */
async function publishesToItsStream(bus: JetStreamBus, service: ServiceName, regionCode: string): Promise<void> {
  await bus.ensureStream(streamFor(service, regionCode));
  const result = await bus.publish(anEvent(service, regionCode));
  expect(result.seq).toBeGreaterThan(0);
  expect(result.duplicate).toBe(false);
}

const password = (): string => `p${randomBytes(16).toString('hex')}`;

// --- certificates ----------------------------------------------------------------------------------------------

/** A CA, a server certificate for localhost / 127.0.0.1 and a client certificate, all signed by it; and a 2nd CA. */
function makeCertificates(dir: string): void {
  /** One openssl command, its arguments split on spaces (none of them holds one). */
  const openssl = (command: string): void => {
    execFileSync('openssl', command.split(' '), { cwd: dir, stdio: 'pipe' });
  };
  const ec = '-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes';
  for (const ca of ['ca', 'other-ca']) {
    openssl(`req -x509 ${ec} -days 2 -subj /CN=govhall-test-${ca} -keyout ${ca}.key -out ${ca}.crt`);
  }
  const signed = (name: string, subject: string, extensions: string): void => {
    openssl(`req ${ec} -subj ${subject} -keyout ${name}.key -out ${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), `${extensions}\n`);
    const serial = `0x${randomBytes(8).toString('hex')}`;
    openssl(
      `x509 -req -in ${name}.csr -CA ca.crt -CAkey ca.key -set_serial ${serial} -days 2 -extfile ${name}.ext -out ${name}.crt`,
    );
  };
  signed('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth');
  signed('client', '/CN=catalogue', 'extendedKeyUsage=clientAuth');
}

const file = (name: string): string => join(work, name);

// --- the tests -------------------------------------------------------------------------------------------------

describe('NATS authentication', () => {
  it('user and password: the right password connects and publishes; a wrong or missing one is refused at once', async () => {
    const secret = password();
    const server = await startServer(`
      listen: 127.0.0.1:{{PORT}}
      jetstream { store_dir: "{{STORE}}" }
      accounts { HALL { jetstream: enabled, users: [{ user: catalogue, password: "${secret}" }] } }
    `);

    const bus = await busWith(server.url, { NATS_USER: 'catalogue', NATS_PASSWORD: secret });
    await publishesToItsStream(bus, 'catalogue', '370700');

    const wrong = await refused(server.url, { NATS_USER: 'catalogue', NATS_PASSWORD: 'pWrong' });
    expect(wrong.name).toBe('AuthorizationError');
    expect(wrong.message).toMatch(/authorization violation/i);
    const anonymous = await refused(server.url, {});
    expect(anonymous.name).toBe('AuthorizationError');
  });

  it('NKey: the seed read from NATS_NKEY_SEED_FILE signs the server nonce; another key is refused', async () => {
    const user = nkeys.createUser();
    const stranger = nkeys.createUser();
    await writeFile(file('user.nk'), user.getSeed());
    await writeFile(file('stranger.nk'), stranger.getSeed());
    const server = await startServer(`
      listen: 127.0.0.1:{{PORT}}
      jetstream { store_dir: "{{STORE}}" }
      accounts { HALL { jetstream: enabled, users: [{ nkey: ${user.getPublicKey()} }] } }
    `);

    const bus = await busWith(server.url, { NATS_NKEY_SEED_FILE: file('user.nk') });
    await publishesToItsStream(bus, 'catalogue', '370700');

    expect((await refused(server.url, { NATS_NKEY_SEED_FILE: file('stranger.nk') })).name).toBe('AuthorizationError');
    expect((await refused(server.url, {})).name).toBe('AuthorizationError');
  });

  it('TLS: the client verifies the server with NATS_TLS_CA_FILE; without that CA, or with another, it is refused', async () => {
    const secret = password();
    const server = await startServer(`
      listen: 127.0.0.1:{{PORT}}
      tls { cert_file: "${file('server.crt')}", key_file: "${file('server.key')}" }
      jetstream { store_dir: "{{STORE}}" }
      accounts { HALL { jetstream: enabled, users: [{ user: catalogue, password: "${secret}" }] } }
    `);
    const credentials = { NATS_USER: 'catalogue', NATS_PASSWORD: secret };

    const bus = await busWith(server.url, { ...credentials, NATS_TLS_CA_FILE: file('ca.crt') });
    await publishesToItsStream(bus, 'catalogue', '370700');
    // the same through the name in the certificate rather than its IP address
    const byName = await busWith(`nats://localhost:${server.port}`, {
      ...credentials,
      NATS_TLS_CA_FILE: file('ca.crt'),
    });
    expect(await byName.isHealthy()).toBe(true);

    // the system CAs do not know the test CA
    expect((await refused(server.url, credentials)).message).toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect((await refused(server.url, { ...credentials, NATS_TLS_CA_FILE: file('other-ca.crt') })).message).toMatch(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  it('TLS with client certificates: NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE are presented; without them refused', async () => {
    const server = await startServer(`
      listen: 127.0.0.1:{{PORT}}
      tls {
        cert_file: "${file('server.crt')}", key_file: "${file('server.key')}"
        ca_file: "${file('ca.crt')}", verify: true
      }
      jetstream { store_dir: "{{STORE}}" }
    `);

    const bus = await busWith(server.url, {
      NATS_TLS_CA_FILE: file('ca.crt'),
      NATS_TLS_CERT_FILE: file('client.crt'),
      NATS_TLS_KEY_FILE: file('client.key'),
    });
    await publishesToItsStream(bus, 'catalogue', '370700');

    // The server ends the handshake, but under TLS 1.3 the client has sent its CONNECT by then and nats.js
    // only gives up at its connect timeout (20 s): slow, still a refusal.
    await refused(server.url, { NATS_TLS_CA_FILE: file('ca.crt') }, 25_000);
  }, 45_000);

  it('hands the TLS files to the transport by path, after checking they are certificates and the matching key', async () => {
    expect(natsConnectionOptions({ NATS_TLS_CA_FILE: file('ca.crt') })).toEqual({ tls: { caFile: file('ca.crt') } });
    const mutual = { NATS_TLS_CERT_FILE: file('client.crt'), NATS_TLS_KEY_FILE: file('client.key') };
    expect(natsConnectionOptions({ NATS_TLS_CA_FILE: file('ca.crt'), ...mutual })).toEqual({
      tls: { caFile: file('ca.crt'), certFile: file('client.crt'), keyFile: file('client.key') },
    });
    const { privateKey } = generateKeyPairSync('ed25519');
    await writeFile(file('stranger.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => natsConnectionOptions({ ...mutual, NATS_TLS_KEY_FILE: file('stranger.key') })).toThrow(
      /NATS_TLS_KEY_FILE: .*stranger\.key is not the key of the certificate in NATS_TLS_CERT_FILE/,
    );
    expect(() => natsConnectionOptions({ ...mutual, NATS_TLS_CERT_FILE: file('client.key') })).toThrow(
      /NATS_TLS_CERT_FILE: .*client\.key is not a PEM certificate/,
    );
  });

  it('a plain-text server is refused when the client was told to use TLS', async () => {
    const server = await startServer(`
      listen: 127.0.0.1:{{PORT}}
      jetstream { store_dir: "{{STORE}}" }
    `);
    expect((await refused(server.url, { NATS_TLS_CA_FILE: file('ca.crt') })).message).toMatch(/tls/i);
  });
});

// --- deploy/nats -------------------------------------------------------------------------------------------------

interface DeployServer extends TestServer {
  /** The passwords handed to the server, by variable name. */
  readonly env: Readonly<Record<string, string>>;
  readonly leafPort?: number;
}

/**
 * Starts one of deploy/nats/*.conf as shipped, but on free loopback ports, with a store in a temporary folder,
 * no monitoring port, every `$NATS_..._PASSWORD` a fresh password and the TLS files made above.
 */
async function startDeployed(name: string, extraEnv: Record<string, string> = {}): Promise<DeployServer> {
  let config = await readFile(join(DEPLOY_NATS, name), 'utf8');
  const replace = (pattern: RegExp, by: string): void => {
    expect(config).toMatch(pattern);
    config = config.replace(pattern, by);
  };
  replace(/^listen: 0\.0\.0\.0:4222$/m, 'listen: 127.0.0.1:{{PORT}}');
  replace(/^http_port: 8222$/m, '');
  replace(/^( {2}store_dir: )\/var\/lib\/nats\/jetstream$/m, '$1"{{STORE}}"');
  let leafPort: number | undefined;
  if (/^ {2}listen: 0\.0\.0\.0:7422$/m.test(config)) {
    leafPort = await freePort();
    replace(/^ {2}listen: 0\.0\.0\.0:7422$/m, `  listen: 127.0.0.1:${leafPort}`);
  }
  const env: Record<string, string> = {};
  for (const [, variable] of config.matchAll(/\$(NATS_[A-Z0-9_]+)/g)) {
    if (!variable || variable in env) continue;
    if (variable.endsWith('_PASSWORD')) env[variable] = password();
  }
  Object.assign(env, {
    NATS_SERVER_CERT_FILE: file('server.crt'),
    NATS_SERVER_KEY_FILE: file('server.key'),
    NATS_HUB_CA_FILE: file('ca.crt'),
    // no hub in this test unless the caller names one: the leaf then retries in the background
    NATS_HUB_LEAF_URL: 'tls://leaf:nothing@127.0.0.1:1',
    ...extraEnv,
  });
  const server = await startServer(config, env);
  return { ...server, env, ...(leafPort !== undefined && { leafPort }) };
}

/** How each service of a tier connects, as charts/govhall sets it. */
function serviceEnv(server: DeployServer, service: string): Record<string, string> {
  const variable = `NATS_${service.toUpperCase().replaceAll('-', '_')}_PASSWORD`;
  const secret = server.env[variable];
  if (!secret) throw new Error(`${variable} is not in the config`);
  return { NATS_USER: service, NATS_PASSWORD: secret, NATS_TLS_CA_FILE: file('ca.crt') };
}

function outcomes(): { observer: BusObserver; seen: BusHandleOutcome[] } {
  const seen: BusHandleOutcome[] = [];
  return {
    seen,
    observer: {
      published: () => undefined,
      handled: (_durable, outcome) => {
        seen.push(outcome);
      },
    },
  };
}

describe.each([
  {
    config: 'hub.conf',
    region: '370700',
    services: ['catalogue', 'intake', 'case', 'timing', 'fee', 'notify', 'evaluation'],
    readers: ['video-index', 'gateway'],
  },
  {
    config: 'leaf-district.conf',
    region: '370705',
    services: ['catalogue', 'intake', 'case', 'timing', 'fee', 'notify', 'evaluation'],
    readers: ['video-index', 'gateway'],
  },
  { config: 'leaf-township.conf', region: '370705001', services: ['intake', 'case', 'notify'], readers: [] },
] as const)('deploy/nats/$config', ({ config, region, services, readers }) => {
  it('admits each service as its own user over TLS to its own subjects, and nobody without credentials', async () => {
    const server = await startDeployed(config);

    // nobody anonymous, no plain text, no wrong password
    expect((await refused(server.url, { NATS_TLS_CA_FILE: file('ca.crt') })).name).toBe('AuthorizationError');
    expect((await refused(server.url, { ...serviceEnv(server, 'case'), NATS_PASSWORD: 'pWrong' })).name).toBe(
      'AuthorizationError',
    );
    const { NATS_TLS_CA_FILE: _ca, ...plain } = serviceEnv(server, 'case');
    await refused(server.url, plain);

    // every service publishes to its own stream
    for (const service of services) {
      const bus = await busWith(server.url, serviceEnv(server, service));
      await publishesToItsStream(bus, service, region);
    }

    // a service consumes another's stream and dead-letters a poison event into DLQ_<region>
    const [producer] = services;
    const consumerService = 'case';
    const { observer, seen } = outcomes();
    const consumer = await busWith(server.url, serviceEnv(server, consumerService), observer);
    await consumer.consume(
      { stream: streamFor(producer, region).name, durable: `${consumerService}-test`, regionCode: region },
      () => Promise.reject(ValidationError.single('data', 'poison for the test')),
    );
    await waitFor(() => seen.includes('dead_letter'), { what: 'the poison event dead-lettered' });
    const admin = await natsWith(server.url, {
      NATS_USER: 'admin',
      NATS_PASSWORD: server.env['NATS_ADMIN_PASSWORD']!,
      NATS_TLS_CA_FILE: file('ca.crt'),
    });
    const jsm = await jetstreamManager(admin);
    expect((await jsm.streams.info(`DLQ_${region}`)).state.messages).toBeGreaterThan(0);

    // the services without a stream of their own (video-index, gateway) read and acknowledge
    for (const reader of readers) {
      const { observer: readerObserver, seen: readerSeen } = outcomes();
      const bus = await busWith(server.url, serviceEnv(server, reader), readerObserver);
      await bus.consume({ stream: streamFor('case', region).name, durable: `${reader}-test`, regionCode: region }, () =>
        Promise.resolve(),
      );
      await waitFor(() => readerSeen.includes('ack'), { what: `${reader} acknowledging an event` });
    }

    // but not another service's events, and no deleting
    const intruder = await busWith(server.url, serviceEnv(server, 'notify'));
    await expect(intruder.publish(anEvent('case', region))).rejects.toThrow(/permission/i);
    const raw = await natsWith(server.url, serviceEnv(server, 'notify'));
    const rawJsm = await jetstreamManager(raw);
    await expect(rawJsm.streams.delete(streamFor('case', region).name)).rejects.toThrow(/permission/i);
    await expect(rawJsm.streams.add({ name: 'FOREIGN', subjects: [`hall.${region}.foreign.>`] })).rejects.toThrow(
      /permission/i,
    );
    expect((await jsm.streams.info(streamFor('case', region).name)).state.messages).toBe(1);
  });
});

describe('deploy/nats hub and leaf', () => {
  it('the district leaf joins the hub over TLS with its leaf password; events cross, dead letters do not', async () => {
    const hub = await startDeployed('hub.conf');
    const leafPassword = hub.env['NATS_LEAF_370705_PASSWORD']!;
    const leaf = await startDeployed('leaf-district.conf', {
      NATS_HUB_LEAF_URL: `tls://leaf-370705:${leafPassword}@localhost:${hub.leafPort!}`,
    });

    const adminOf = (server: DeployServer): Promise<NatsConnection> =>
      natsWith(server.url, {
        NATS_USER: 'admin',
        NATS_PASSWORD: server.env['NATS_ADMIN_PASSWORD']!,
        NATS_TLS_CA_FILE: file('ca.crt'),
      });
    const atHub = await adminOf(hub);
    const atLeaf = await adminOf(leaf);
    const received: string[] = [];
    const collect = (sub: Subscription): void => {
      void (async () => {
        for await (const msg of sub) received.push(msg.subject);
      })();
    };
    collect(atHub.subscribe('hall.370705.>'));
    collect(atHub.subscribe('dlq.>'));
    await atHub.flush();
    // interest reaches the leaf asynchronously: probe until a district subject arrives at the city
    await waitFor(
      async () => {
        atLeaf.publish('hall.370705.case.probe.sent');
        await atLeaf.flush();
        return received.includes('hall.370705.case.probe.sent');
      },
      { what: 'a district subject at the hub', timeoutMs: 15_000, intervalMs: 100 },
    );
    atLeaf.publish('dlq.370705.CASE_370705.test');
    atLeaf.publish('hall.370705.case.after.sent');
    await atLeaf.flush();
    await waitFor(() => received.includes('hall.370705.case.after.sent'), { what: 'the marker after the dead letter' });
    expect(received.filter((subject) => subject.startsWith('dlq.'))).toEqual([]);

    // and a wrong leaf password is refused by the hub
    await startDeployed('leaf-township.conf', {
      NATS_HUB_LEAF_URL: `tls://leaf-370705001:pWrong@localhost:${hub.leafPort!}`,
    });
    await waitFor(() => /authentication error - User "leaf-370705001"/.test(hub.log()), {
      what: 'the refused leaf',
      timeoutMs: 15_000,
    });
  });
});
