import { Kysely, PostgresDialect, WithSchemaPlugin, sql } from 'kysely';
import { Pool, type PoolConfig } from 'pg';

export interface DatabaseOptions {
  url: string;
  /** The service's own schema; every table reference is qualified with it (see below). */
  schema: string;
  poolMax?: number;
  /** Server-side statement timeout, so a stuck query cannot hold a pool slot forever. */
  statementTimeoutMs?: number;
}

export interface Database<DB> {
  /** Query builder whose table references are qualified with the service's schema. */
  readonly db: Kysely<DB>;
  readonly schema: string;
  readonly pool: Pool;
  /** True when a trivial query answers (used by `/readyz`). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const SCHEMA_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Opens a pooled `pg` connection to PostgreSQL (or to embedded PGlite served by pglite-socket: the same
 * driver in both modes).
 *
 * Table names are qualified with the schema by Kysely's `WithSchemaPlugin` rather than by `SET search_path`:
 * the embedded server multiplexes every client over one PGlite session, so session settings would leak
 * between services.
 */
export function createDatabase<DB>(options: DatabaseOptions): Database<DB> {
  if (!SCHEMA_NAME_PATTERN.test(options.schema)) throw new Error(`invalid schema name "${options.schema}"`);
  const poolConfig: PoolConfig = {
    connectionString: options.url,
    max: options.poolMax ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  };
  if (options.statementTimeoutMs) poolConfig.statement_timeout = options.statementTimeoutMs;
  const pool = new Pool(poolConfig);
  // An idle client's error (server restart) must not crash the process; the pool replaces the client.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new WithSchemaPlugin(options.schema)],
  });
  return {
    db,
    schema: options.schema,
    pool,
    ping: async () => {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}
