import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PGliteSessionQueue } from './pglite-session-queue';

export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Real PostgreSQL compiled to WASM (PGlite), kept in `dataDir` and served on a loopback port, so services use
 * the same `pg` driver as in production. PGlite runs one session at a time: the socket server multiplexes
 * connections, and a transaction, or one query's Parse-to-Sync exchange, blocks every other connection until it
 * ends (see architecture.md; the queue is ours: pglite-session-queue.ts says why).
 */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 100 });
  // Each connection's handler takes the server's queue when it connects: ours replaces it before any does.
  const internals = server as unknown as { queryQueue?: unknown };
  if (!internals.queryQueue) {
    await db.close();
    throw new Error(
      '@electric-sql/pglite-socket changed: its server has no queryQueue to replace (pglite-session-queue.ts)',
    );
  }
  internals.queryQueue = new PGliteSessionQueue(db);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw new Error(`cannot serve embedded PostgreSQL on 127.0.0.1:${port} (port in use? set GOVHALL_PG_PORT)`, {
      cause: error,
    });
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
