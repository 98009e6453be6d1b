import type { NamedDate, WorkingPeriod } from '@govhall/calendar';
import type { Emit } from '../../app/events';
import { runCommand, type CatalogueCommands } from './commands';
import { PreconditionFailedError, isUniqueViolation, type CommandKey } from '@govhall/kit';
import { sql, type ColumnType, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CalendarHall, CalendarReads, CalendarStore, CalendarTransaction } from '../../app/calendar-ports';
import type { StoredHallHours, StoredYearSchedule, YearScheduleVersionSummary } from '../../domain/calendar-admin';
import type { CatalogueTables } from './pg-organisation-store';

/** JSON documents: read back as values (pg parses jsonb), written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** The calendar tables of the catalogue schema (migrations/0004_calendar.sql), beside the directory's. */
export interface CalendarTables extends CatalogueTables {
  calendar_years: { region_code: string; year: number };
  calendar_year_schedules: {
    region_code: string;
    year: number;
    version: number;
    holidays: Json<NamedDate[]>;
    make_up_workdays: Json<NamedDate[]>;
    note: string;
    loaded_at: Date;
  };
  hall_working_hours: { hall_id: string; version: number; periods: Json<WorkingPeriod[]>; set_at: Date };
}

type Executor = Kysely<CalendarTables> | Transaction<CalendarTables>;

const toSchedule = (row: Selectable<CalendarTables['calendar_year_schedules']>): StoredYearSchedule => ({
  regionCode: row.region_code,
  year: row.year,
  version: row.version,
  holidays: row.holidays,
  makeUpWorkdays: row.make_up_workdays,
  note: row.note,
  loadedAt: row.loaded_at,
});

/** Reads over either the pool or one transaction. */
class PgCalendarReads implements CalendarReads {
  constructor(protected readonly db: Executor) {}

  async getYearSchedule(regionCode: string, year: number, version?: number): Promise<StoredYearSchedule | undefined> {
    let query = this.db
      .selectFrom('calendar_year_schedules')
      .selectAll()
      .where('region_code', '=', regionCode)
      .where('year', '=', year);
    query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    return row && toSchedule(row);
  }

  async listYearScheduleVersions(regionCode: string): Promise<YearScheduleVersionSummary[]> {
    const rows = await this.db
      .selectFrom('calendar_year_schedules')
      .select([
        'region_code',
        'year',
        'version',
        'note',
        'loaded_at',
        sql<number>`jsonb_array_length(holidays)`.as('holiday_count'),
        sql<number>`jsonb_array_length(make_up_workdays)`.as('make_up_workday_count'),
      ])
      .where('region_code', '=', regionCode)
      .orderBy('year')
      .orderBy('version')
      .execute();
    return rows.map((row) => ({
      regionCode: row.region_code,
      year: row.year,
      version: row.version,
      note: row.note,
      loadedAt: row.loaded_at,
      holidayCount: row.holiday_count,
      makeUpWorkdayCount: row.make_up_workday_count,
    }));
  }

  async schedulesInForce(regionCodes: readonly string[], years: readonly number[]): Promise<StoredYearSchedule[]> {
    if (regionCodes.length === 0 || years.length === 0) return [];
    const rows = await this.db
      .selectFrom('calendar_year_schedules')
      .selectAll()
      .distinctOn(['region_code', 'year'])
      .where('region_code', 'in', [...regionCodes])
      .where('year', 'in', [...years])
      .orderBy('region_code')
      .orderBy('year')
      .orderBy('version', 'desc')
      .execute();
    return rows.map(toSchedule);
  }

  async getHall(hallId: string): Promise<CalendarHall | undefined> {
    const row = await this.db
      .selectFrom('halls')
      .select(['id', 'region_code', 'active'])
      .where('id', '=', hallId)
      .executeTakeFirst();
    return row && { id: row.id, regionCode: row.region_code, active: row.active };
  }

  async getHallHours(hallId: string): Promise<StoredHallHours | undefined> {
    const row = await this.db
      .selectFrom('hall_working_hours')
      .selectAll()
      .where('hall_id', '=', hallId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && { hallId: row.hall_id, version: row.version, periods: row.periods, setAt: row.set_at };
  }
}

class PgCalendarTransaction extends PgCalendarReads implements CalendarTransaction {
  constructor(
    private readonly trx: Transaction<CalendarTables>,
    readonly emit: Emit,
  ) {
    super(trx);
  }

  async lockYear(regionCode: string, year: number): Promise<void> {
    // An upsert that always touches the row: it takes the row lock whether the row is new or not, and a
    // concurrent load waits here until this transaction ends, then reads the version it committed.
    await this.trx
      .insertInto('calendar_years')
      .values({ region_code: regionCode, year })
      .onConflict((oc) => oc.columns(['region_code', 'year']).doUpdateSet({ year }))
      .execute();
  }

  async insertYearSchedule(schedule: StoredYearSchedule): Promise<void> {
    await this.trx
      .insertInto('calendar_year_schedules')
      .values({
        region_code: schedule.regionCode,
        year: schedule.year,
        version: schedule.version,
        holidays: JSON.stringify(schedule.holidays),
        make_up_workdays: JSON.stringify(schedule.makeUpWorkdays),
        note: schedule.note,
        loaded_at: schedule.loadedAt,
      })
      .execute();
  }

  async insertHallHours(hours: StoredHallHours): Promise<void> {
    try {
      await this.trx
        .insertInto('hall_working_hours')
        .values({
          hall_id: hours.hallId,
          version: hours.version,
          periods: JSON.stringify(hours.periods),
          set_at: hours.setAt,
        })
        .execute();
    } catch (error) {
      // The primary key decides between concurrent setters that read the same version; the loser's
      // transaction is aborted by the error.
      if (isUniqueViolation(error)) {
        throw new PreconditionFailedError(
          `the working hours of hall ${hours.hallId} were changed by someone else (version ${hours.version} exists); reload and retry`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** PostgreSQL store, in the catalogue schema beside the directory (the tables come with the catalogue's migrations). */
export class PgCalendarStore implements CalendarStore {
  readonly reads: CalendarReads;
  private readonly db: Kysely<CalendarTables>;

  constructor(private readonly commands: CatalogueCommands) {
    this.db = commands.db as unknown as Kysely<CalendarTables>;
    this.reads = new PgCalendarReads(this.db);
  }

  command<T>(key: CommandKey<T>, work: (tx: CalendarTransaction) => Promise<T>): Promise<T> {
    return runCommand(
      this.commands,
      key,
      (trx, emit) => new PgCalendarTransaction(trx as unknown as Transaction<CalendarTables>, emit),
      work,
    );
  }
}
