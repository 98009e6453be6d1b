import {
  Kysely,
  PostgresDialect,
  WithSchemaPlugin,
  sql,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { Pool, type PoolConfig } from 'pg';
import type { Logger } from 'pino';
import { translateDatabaseError } from './database-errors';

export interface DatabaseOptions {
  url: string;
  /** The service's own schema; every table reference is qualified with it (see below). */
  schema: string;
  poolMax?: number;
  /** Server-side statement timeout, so a stuck query cannot hold a pool slot forever. */
  statementTimeoutMs?: number;
  /** Where a dropped connection is reported (once per client); silent when omitted. */
  logger?: Pick<Logger, 'warn'>;
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
 *
 * Surviving the database: a restart or failover must never crash the service. Every client, idle or checked
 * out, has an `error` listener (an unhandled `error` event on a checked-out `pg` Client kills the process), and
 * every error a query, a connect, a begin or a commit raises passes through `translateDatabaseError`: an outage
 * reaches the caller as UNAVAILABLE (retryable) and the transaction is rolled back or never committed. The pool
 * drops broken clients and connects again on demand, so the service serves again by itself.
 */
export function createDatabase<DB>(options: DatabaseOptions): Database<DB> {
  if (!SCHEMA_NAME_PATTERN.test(options.schema)) throw new Error(`invalid schema name "${options.schema}"`);
  const poolConfig: PoolConfig = {
    connectionString: options.url,
    max: options.poolMax ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  };
  if (options.statementTimeoutMs) poolConfig.statement_timeout = options.statementTimeoutMs;
  const pool = new Pool(poolConfig);
  const onClientError = (error: Error): void =>
    options.logger?.warn({ err: error }, 'database connection lost; the pool will reconnect');
  // Idle clients: the pool removes the client after this; checked-out clients: the query in flight fails.
  pool.on('error', onClientError);
  pool.on('connect', (client) => client.on('error', onClientError));
  const db = new Kysely<DB>({
    dialect: new TranslatingPostgresDialect(pool),
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

/** Kysely's PostgreSQL dialect whose driver translates every error (see `createDatabase`). */
class TranslatingPostgresDialect extends PostgresDialect {
  constructor(pool: Pool) {
    super({ pool });
  }
  override createDriver(): Driver {
    return new TranslatingDriver(super.createDriver());
  }
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

class TranslatingConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return translated(() => this.inner.executeQuery<R>(query));
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

const unwrap = (connection: DatabaseConnection): DatabaseConnection =>
  connection instanceof TranslatingConnection ? connection.inner : connection;

class TranslatingDriver implements Driver {
  constructor(private readonly inner: Driver) {}
  init(): Promise<void> {
    return translated(() => this.inner.init());
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new TranslatingConnection(await translated(() => this.inner.acquireConnection()));
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return translated(() => this.inner.beginTransaction(unwrap(connection), settings));
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return translated(() => this.inner.commitTransaction(unwrap(connection)));
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return translated(() => this.inner.rollbackTransaction(unwrap(connection)));
  }
  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return translated(() => this.inner.savepoint!(unwrap(connection), name, compile));
  }
  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return translated(() => this.inner.rollbackToSavepoint!(unwrap(connection), name, compile));
  }
  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return translated(() => this.inner.releaseSavepoint!(unwrap(connection), name, compile));
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(connection));
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
