import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@govhall/testing';
import { Client, Pool } from 'pg';

/** A frontend message: type byte, length, body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** A raw connection that has finished its start-up (ReadyForQuery received). */
async function rawSession(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0', 'latin1');
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(params.length + 8, 0);
  startup.writeInt32BE(196_608, 4);
  socket.write(Buffer.concat([startup, params]));
  await new Promise<void>((resolve) => {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      // ReadyForQuery: 'Z', length 5, status.
      if (seen.includes(Buffer.from([0x5a, 0, 0, 0, 5]))) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
  return socket;
}

describe('the embedded PostgreSQL (PGlite behind a socket server)', () => {
  let dir: string;
  let server: ChildProcess;
  let port: number;
  const postgres = { url: '' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'govhall-pglite-'));
    port = await freePort();
    postgres.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    server = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'serve-embedded-postgres.ts'), dir, String(port)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes('ready'), { timeoutMs: 50_000, what: 'the embedded PostgreSQL' });
    const client = new Client({ connectionString: postgres.url });
    await client.connect();
    await client.query('CREATE TABLE entries (owner int NOT NULL, n int NOT NULL)');
    await client.end();
  }, 60_000);
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps each connection's Parse / Bind / Execute / Sync together: concurrent queries get their own answers", async () => {
    const pool = new Pool({ connectionString: postgres.url, max: 8 });
    try {
      // Different statements with different parameters; the large ones arrive in several reads, and the other
      // connections' messages come in between: interleaved, one binds another's unnamed statement.
      const large = 'x'.repeat(300_000);
      const answers = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          i % 2 === 0
            ? pool
                .query<{ n: number }>('SELECT length($1::text) + $2::int AS n', [large, i])
                .then((r) => r.rows[0]!.n === large.length + i)
            : pool
                .query<{ t: string }>('SELECT repeat($1::text, 2) AS t', [`v${i}`])
                .then((r) => r.rows[0]!.t === `v${i}v${i}`),
        ),
      );
      expect(answers.filter((ok) => !ok)).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('runs each transaction alone, the others waiting for its end', async () => {
    const pool = new Pool({ connectionString: postgres.url, max: 6 });
    try {
      await Promise.all(
        Array.from({ length: 6 }, async (_, owner) => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            for (let n = 0; n < 5; n++)
              await client.query('INSERT INTO entries (owner, n) VALUES ($1, $2)', [owner, n]);
            // Alone in the session: it sees its own five rows and no one else's uncommitted ones.
            const { rows } = await client.query<{ c: string }>('SELECT count(*) AS c FROM entries WHERE owner <> $1', [
              owner,
            ]);
            const before = Number(rows[0]!.c);
            await client.query('SELECT pg_sleep(0.01)');
            const again = await client.query<{ c: string }>('SELECT count(*) AS c FROM entries WHERE owner <> $1', [
              owner,
            ]);
            expect(Number(again.rows[0]!.c)).toBe(before);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }),
      );
      const { rows } = await pool.query<{ c: string }>('SELECT count(*) AS c FROM entries');
      expect(Number(rows[0]!.c)).toBe(30);
    } finally {
      await pool.end();
    }
  });

  it('hands the session on when a connection leaves inside a transaction: its work is rolled back', async () => {
    const leaving = new Client({ connectionString: postgres.url });
    await leaving.connect();
    await leaving.query('BEGIN');
    await leaving.query('INSERT INTO entries (owner, n) VALUES (99, 1)');
    await leaving.end();
    const other = new Client({ connectionString: postgres.url, query_timeout: 5_000 });
    await other.connect();
    try {
      const { rows } = await other.query<{ c: string }>('SELECT count(*) AS c FROM entries WHERE owner = 99');
      expect(Number(rows[0]!.c)).toBe(0);
    } finally {
      await other.end();
    }
  });

  it('hands the session on when a connection leaves between a Parse and its Sync', async () => {
    const raw = await rawSession(port);
    // Parse of an unnamed statement and a Flush (the server answers ParseComplete: the exchange holds the session),
    // then gone without Bind, Execute or Sync.
    const parsed = new Promise<void>((resolve) => {
      let seen = Buffer.alloc(0);
      raw.on('data', (chunk: Buffer) => {
        seen = Buffer.concat([seen, chunk]);
        // ParseComplete: '1', length 4.
        if (seen.includes(Buffer.from([0x31, 0, 0, 0, 4]))) resolve();
      });
    });
    raw.write(Buffer.concat([message('P', Buffer.from('\0SELECT 1\0\0\0', 'latin1')), message('H', Buffer.alloc(0))]));
    await parsed;
    raw.destroy();
    const other = new Client({ connectionString: postgres.url, query_timeout: 5_000 });
    await other.connect();
    try {
      const { rows } = await other.query<{ n: number }>('SELECT $1::int AS n', [7]);
      expect(rows[0]!.n).toBe(7);
    } finally {
      await other.end();
    }
  });
});
