import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort, waitFor } from './processes';

const run = promisify(execFile);

/**
 * Debian keeps the server binaries out of the PATH (/usr/lib/postgresql/<major>/bin); use the newest there,
 * else whatever the PATH has.
 */
function postgresBinary(name: 'initdb' | 'pg_ctl'): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const candidate = join(root, major, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  return name;
}

export interface RunningPostgres {
  /** Superuser URL of the cluster's `postgres` database. */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

/** A private cluster a fault test may take down and bring back (never the shared `TEST_DATABASE_URL` one). */
export interface RestartablePostgres extends RunningPostgres {
  /**
   * Stops the server the way a crash does (`pg_ctl stop -m immediate`: connections dropped, no checkpoint);
   * the data folder stays for `restart`. Resolves once the server is gone.
   */
  crash(): Promise<void>;
  /** Starts the stopped server again on the same port and data (crash recovery first); waits until it answers. */
  restart(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL cluster (initdb + pg_ctl, trust auth, loopback only) on a free port.
 * Needs the server binaries (`initdb`, `pg_ctl`) in /usr/lib/postgresql/<v>/bin or on the PATH. PostgreSQL
 * refuses to run as root, so under root it runs them as the `postgres` user. A fault test that takes the
 * server down (`crash`, `restart`) starts a cluster of its own for that.
 */
export async function startPostgresCluster(): Promise<RestartablePostgres> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'govhall-pg-'));
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  if (asRoot) await run('chown', ['postgres', dataDir]);
  const [initCmd, initArgs] = wrap(postgresBinary('initdb'), [
    '-D',
    dataDir,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
  ]);
  await run(initCmd, initArgs);
  const opts = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`;
  const [ctlCmd, ctlArgs] = wrap(postgresBinary('pg_ctl'), [
    '-D',
    dataDir,
    '-o',
    opts,
    '-l',
    join(dataDir, 'log'),
    '-w',
    'start',
  ]);
  await run(ctlCmd, ctlArgs);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor(() => canConnect(adminUrl), { what: 'postgres' });
  const [crashCmd, crashArgs] = wrap(postgresBinary('pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
  return {
    adminUrl,
    stop: async () => {
      const [stopCmd, stopArgs] = wrap(postgresBinary('pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
      await run(stopCmd, stopArgs).catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
    crash: async () => {
      await run(crashCmd, crashArgs);
    },
    restart: async () => {
      await run(ctlCmd, ctlArgs);
      await waitFor(() => canConnect(adminUrl), { what: 'postgres after restart' });
    },
  };
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.end();
  return true;
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** The admin URL the test run was given (`.ci/run` or jest's global setup sets `TEST_DATABASE_URL`). */
export function testDatabaseAdminUrl(): string {
  const url = process.env['TEST_DATABASE_URL'];
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (global setup) or .ci/run');
  return url;
}

/** Creates a fresh, uniquely named database for one test file; `drop` removes it. */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const adminUrl = testDatabaseAdminUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
