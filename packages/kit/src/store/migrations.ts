import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { SCHEMA_NAME_PATTERN } from './database';

/** The kit's own tables, created in every service schema before the service's migrations. */
const KIT_MIGRATIONS: Record<string, string> = {
  '0000_kit_outbox_inbox_idempotency': `
    CREATE TABLE outbox (
      position     bigserial PRIMARY KEY,
      id           text NOT NULL UNIQUE,
      event        jsonb NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      claimed_until timestamptz,
      attempts     integer NOT NULL DEFAULT 0,
      last_error   text,
      published_at timestamptz
    );
    CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL;

    CREATE TABLE inbox (
      consumer     text NOT NULL,
      event_id     text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    );

    CREATE TABLE idempotency_keys (
      request_id   text PRIMARY KEY,
      operation    text NOT NULL,
      request_hash text NOT NULL,
      response     jsonb NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now()
    );
  `,
  // Named to sort after the first kit migration and before any service's 0001.
  '0000_kit_v2_retention_indexes': `
    CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
    CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
    CREATE INDEX inbox_processed_at ON inbox (processed_at);
  `,
};

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * Versioned SQL migrations: `NNNN_description.sql` files applied in name order. Kysely runs the pending ones in
 * one transaction (all or nothing); each sets `search_path` to the service schema for that transaction only
 * (SET LOCAL), so files use plain table names. Applied migrations are recorded by name in
 * `<schema>.kysely_migration` and never run again: editing an applied file changes nothing — change the
 * schema with a new file. A missing applied file is an error.
 */
class SqlFolderProvider implements MigrationProvider {
  constructor(
    private readonly schema: string,
    private readonly folder: string | undefined,
  ) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const sources: Record<string, string> = { ...KIT_MIGRATIONS };
    if (this.folder) {
      for (const file of (await readdir(this.folder)).sort()) {
        if (!file.endsWith('.sql')) continue;
        if (!MIGRATION_FILE.test(file)) throw new Error(`migration file name must be NNNN_words.sql: ${file}`);
        sources[file.replace(/\.sql$/, '')] = await readFile(join(this.folder, file), 'utf8');
      }
    }
    const migrations: Record<string, Migration> = {};
    for (const [name, text] of Object.entries(sources)) {
      migrations[name] = {
        up: async (db: Kysely<unknown>) => {
          await sql.raw(`SET LOCAL search_path TO ${this.schema}, public`).execute(db);
          await sql.raw(text).execute(db);
        },
      };
    }
    return migrations;
  }
}

export interface MigrateOptions {
  /** The service's pool (`Database.pool`); migrations use a plain, unqualified Kysely over it. */
  pool: Pool;
  schema: string;
  /** The service's `migrations/` folder; undefined for the kit's tables only (kit tests). */
  folder?: string;
  logger?: Logger;
}

/** Creates the schema if needed and applies the kit's and the service's pending migrations. */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const { schema } = options;
  // Not destroyed here: destroying it would end the service's pool.
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: options.pool }) });
  if (!SCHEMA_NAME_PATTERN.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${schema}`).execute(db);
  const migrator = new Migrator({
    db,
    provider: new SqlFolderProvider(schema, options.folder),
    migrationTableSchema: schema,
    // The kit's later migrations (0000_kit_v2, ...) sort before a service's applied 0001_...: they still run.
    allowUnorderedMigrations: true,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  for (const name of applied) options.logger?.info({ schema, migration: name }, 'migration applied');
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(before running)';
    throw new Error(`migration ${failed} of schema ${schema} failed`, { cause: error });
  }
  return applied;
}
