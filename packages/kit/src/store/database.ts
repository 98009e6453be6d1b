import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  WithSchemaPlugin,
  sql,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { Pool, escapeIdentifier, type PoolClient, type PoolConfig } from 'pg';
import type { Logger } from 'pino';
import { translateDatabaseError } from './database-errors';
import { inlineParameters } from './sql-literals';

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
    dialect: new GovhallPostgresDialect(pool),
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

/**
 * Kysely's PostgreSQL dialect over our own driver: every error translated (see `createDatabase`), and a
 * transaction's `BEGIN` and `COMMIT` sent in the same round trip as its first statement and as the statement
 * marked by `commitsTransaction` (see `PgConnection`).
 */
class GovhallPostgresDialect extends PostgresDialect {
  constructor(private readonly pool: Pool) {
    super({ pool });
  }
  override createDriver(): Driver {
    return new GovhallDriver(this.pool);
  }
}

const COMMITTING = new WeakSet<CompiledQuery>();

/**
 * Marks the last statement of a transaction: the driver sends `COMMIT` in the same round trip, and the
 * transaction's own commit then has nothing left to send. The statement must fail (raise an error) whenever the
 * transaction must not commit; the caller's error then rolls it back as usual.
 */
export function commitsTransaction(query: CompiledQuery): CompiledQuery {
  COMMITTING.add(query);
  return query;
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

type PgResult = { command: string; rowCount: number | null; rows: unknown[] };

function queryResult<R>(result: PgResult): QueryResult<R> {
  const writes = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(result.command);
  return {
    ...(writes ? { numAffectedRows: BigInt(result.rowCount ?? 0) } : {}),
    rows: (result.rows ?? []) as R[],
  };
}

/**
 * One pooled client. Saving round trips is most of what a command costs beyond its rules (each one is a write
 * and a read on the socket, and on a small machine the system calls dominate), so:
 * - `BEGIN` is not sent on its own: it goes with the transaction's first statement, as one simple-protocol
 *   message (`BEGIN; <statement>`), the statement's parameters written as literals (`inlineParameters`);
 * - a statement marked by `commitsTransaction` goes with `COMMIT` the same way.
 * A statement whose parameters cannot be written as literals is sent on its own, after a separate `BEGIN`.
 */
class PgConnection implements DatabaseConnection {
  /** BEGIN is owed: it goes out with the next statement. */
  beginPending = false;
  /** The marked statement committed the transaction: nothing is left for `commitTransaction`. */
  committed = false;

  constructor(readonly client: PoolClient) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const commit = COMMITTING.has(query);
    const begin = this.beginPending;
    if (!begin && !commit) {
      return translated(async () => queryResult<R>(await this.client.query(query.sql, [...query.parameters])));
    }
    const inlined = inlineParameters(query.sql, query.parameters);
    this.beginPending = false;
    if (inlined === undefined) {
      if (begin) await translated(() => this.client.query('BEGIN'));
      const result = await translated(() => this.client.query(query.sql, [...query.parameters]));
      if (commit) {
        await translated(() => this.client.query('COMMIT'));
        this.committed = true;
      }
      return queryResult<R>(result);
    }
    const text = `${begin ? 'BEGIN;\n' : ''}${inlined}${commit ? ';\nCOMMIT' : ''}`;
    const answer = (await translated(() => this.client.query(text))) as unknown as PgResult | PgResult[];
    if (commit) this.committed = true;
    const results = Array.isArray(answer) ? answer : [answer];
    return queryResult<R>(results[begin ? 1 : 0]!);
  }

  /** No streaming: nothing in the kit or the services reads row by row. */
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported by this store');
  }

  /** Sends a pending BEGIN by itself (before a savepoint, say). */
  async flushBegin(): Promise<void> {
    if (!this.beginPending) return;
    this.beginPending = false;
    await translated(() => this.client.query('BEGIN'));
  }
}

class GovhallDriver implements Driver {
  constructor(private readonly pool: Pool) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgConnection(await translated(() => this.pool.connect()));
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const conn = connection as PgConnection;
    conn.committed = false;
    if (settings.isolationLevel || settings.accessMode) {
      const mode = [
        settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '',
        settings.accessMode ?? '',
      ].join(' ');
      await translated(() => conn.client.query(`start transaction ${mode}`));
      return;
    }
    conn.beginPending = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as PgConnection;
    if (conn.beginPending) {
      // Nothing ran: there is no transaction to end.
      conn.beginPending = false;
      return;
    }
    if (conn.committed) {
      conn.committed = false;
      return;
    }
    await translated(() => conn.client.query('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as PgConnection;
    conn.committed = false;
    if (conn.beginPending) {
      conn.beginPending = false;
      return;
    }
    await translated(() => conn.client.query('ROLLBACK'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await (connection as PgConnection).flushBegin();
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${escapeIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${escapeIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${escapeIdentifier(name)}`));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    // A client that saw a connection error is not queryable; the pool drops it rather than lending it again.
    (connection as PgConnection).client.release();
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    await this.pool.end();
  }
}
