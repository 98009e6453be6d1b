import { PreconditionFailedError, isUniqueViolation, type CommandKey } from '@govhall/kit';
import type { ColumnType, Kysely, Selectable, Transaction } from 'kysely';
import type { Emit } from '../../app/events';
import type {
  OpeningHall,
  OpeningHoursReads,
  OpeningHoursStore,
  OpeningHoursTransaction,
  OpeningHoursVersion,
  ScopeVersion,
} from '../../app/opening-hours-ports';
import type { OpeningSchedule, OpeningScope, OpeningWindow, StoredOpeningHours } from '../../domain/opening-hours';
import type { WindowKind } from '../../domain/organisation';
import { runCommand, type CatalogueCommands } from './commands';
import type { CatalogueTables } from './pg-organisation-store';

/** JSON documents: read back as values (pg parses jsonb), written as JSON text. */
type Json<T> = ColumnType<T, string | null, string | null>;

/** The opening-hours table of the catalogue schema (migrations/0006_opening_hours.sql), beside the directory's. */
export interface OpeningHoursTables extends CatalogueTables {
  opening_hours: {
    hall_id: string;
    scope_level: OpeningScope['level'];
    scope_ref: string;
    version: number;
    /** Null for a clear. */
    schedule: Json<OpeningSchedule | null>;
    set_at: Date;
  };
}

type Executor = Kysely<OpeningHoursTables> | Transaction<OpeningHoursTables>;
type Row = Selectable<OpeningHoursTables['opening_hours']>;

/** The scope as its two columns. */
function scopeColumns(scope: OpeningScope): { scope_level: OpeningScope['level']; scope_ref: string } {
  switch (scope.level) {
    case 'hall':
      return { scope_level: 'hall', scope_ref: '' };
    case 'window_kind':
      return { scope_level: 'window_kind', scope_ref: scope.windowKind };
    case 'window':
      return { scope_level: 'window', scope_ref: scope.windowId };
  }
}

function scopeOfRow(row: Row): OpeningScope {
  switch (row.scope_level) {
    case 'hall':
      return { level: 'hall' };
    case 'window_kind':
      return { level: 'window_kind', windowKind: row.scope_ref as WindowKind };
    case 'window':
      return { level: 'window', windowId: row.scope_ref };
  }
}

function inForce(row: Row): StoredOpeningHours | null {
  return row.schedule
    ? { hallId: row.hall_id, scope: scopeOfRow(row), schedule: row.schedule, version: row.version, setAt: row.set_at }
    : null;
}

/** Reads over either the pool or one transaction. */
class PgOpeningHoursReads implements OpeningHoursReads {
  constructor(protected readonly db: Executor) {}

  async getHall(hallId: string): Promise<OpeningHall | undefined> {
    const row = await this.db
      .selectFrom('halls')
      .select(['id', 'region_code', 'active'])
      .where('id', '=', hallId)
      .executeTakeFirst();
    return row && { id: row.id, regionCode: row.region_code, active: row.active };
  }

  async getWindow(windowId: string): Promise<OpeningWindow | undefined> {
    const row = await this.db
      .selectFrom('windows')
      .select(['id', 'hall_id', 'number', 'kind', 'active'])
      .where('id', '=', windowId)
      .executeTakeFirst();
    return (
      row && { id: row.id, hallId: row.hall_id, number: row.number, kind: row.kind as WindowKind, active: row.active }
    );
  }

  async scopeVersion(hallId: string, scope: OpeningScope): Promise<ScopeVersion | undefined> {
    const { scope_level, scope_ref } = scopeColumns(scope);
    const row = await this.db
      .selectFrom('opening_hours')
      .selectAll()
      .where('hall_id', '=', hallId)
      .where('scope_level', '=', scope_level)
      .where('scope_ref', '=', scope_ref)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && { version: row.version, inForce: inForce(row) };
  }

  async listInForce(hallId: string): Promise<StoredOpeningHours[]> {
    const rows = await this.db
      .selectFrom('opening_hours')
      .selectAll()
      .distinctOn(['scope_level', 'scope_ref'])
      .where('hall_id', '=', hallId)
      .orderBy('scope_level')
      .orderBy('scope_ref')
      .orderBy('version', 'desc')
      .execute();
    return rows.flatMap((row) => inForce(row) ?? []);
  }
}

class PgOpeningHoursTransaction extends PgOpeningHoursReads implements OpeningHoursTransaction {
  constructor(
    private readonly trx: Transaction<OpeningHoursTables>,
    readonly emit: Emit,
  ) {
    super(trx);
  }

  async insertVersion(version: OpeningHoursVersion): Promise<void> {
    try {
      await this.trx
        .insertInto('opening_hours')
        .values({
          hall_id: version.hallId,
          ...scopeColumns(version.scope),
          version: version.version,
          schedule: version.schedule === null ? null : JSON.stringify(version.schedule),
          set_at: version.setAt,
        })
        .execute();
    } catch (error) {
      // The primary key decides between concurrent writers that read the same version; the loser's
      // transaction is aborted by the error.
      if (isUniqueViolation(error)) {
        throw new PreconditionFailedError(
          `the opening hours were changed by someone else (version ${version.version} exists); reload and retry`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** PostgreSQL store, in the catalogue schema beside the directory (the table comes with the catalogue's migrations). */
export class PgOpeningHoursStore implements OpeningHoursStore {
  readonly reads: OpeningHoursReads;

  constructor(private readonly commands: CatalogueCommands) {
    this.reads = new PgOpeningHoursReads(commands.db as unknown as Kysely<OpeningHoursTables>);
  }

  command<T>(key: CommandKey<T>, work: (tx: OpeningHoursTransaction) => Promise<T>): Promise<T> {
    return runCommand(
      this.commands,
      key,
      (trx, emit) => new PgOpeningHoursTransaction(trx as unknown as Transaction<OpeningHoursTables>, emit),
      work,
    );
  }
}
