import { NATIONAL_REGION_CODE, regionLookupChain, type WorkingPeriod, type YearSchedule } from '@govhall/calendar';
import { NotFoundError, PreconditionFailedError, ValidationError, type Clock, type IdGenerator } from '@govhall/kit';
import {
  chineseDaysDefault,
  defaultScheduleView,
  distinctYears,
  hallHoursView,
  normaliseYearSchedule,
  resolveHallCalendar,
  samePeriods,
  sameYearSchedule,
  storedScheduleView,
  validateCalendarYears,
  validateHallHoursInput,
  validateRegionYear,
  validateYearScheduleInput,
  yearHistories,
  type HallCalendar,
  type HallHoursView,
  type ScheduleView,
  type StoredHallHours,
  type StoredYearSchedule,
  type YearScheduleHistory,
  type YearScheduleInput,
} from '../domain/calendar-admin';
import type { CalendarStore } from './calendar-ports';
import * as results from './results';

/** data of `catalogue.calendar.year_loaded`: the stored version, and the one it replaced (null for the first). */
export type YearLoadedEvent = StoredYearSchedule & { readonly supersededVersion: number | null };

/** data of `catalogue.calendar.hall_hours_set`. */
export interface HallHoursSetEvent {
  readonly hallId: string;
  readonly regionCode: string;
  readonly periods: readonly WorkingPeriod[];
  readonly version: number;
  readonly setAt: Date;
}

/** Answer of {@link CalendarService.loadYearSchedule}. */
export interface YearLoadResult {
  readonly schedule: ScheduleView;
  /** The version in force before; null for the first version or when nothing changed. */
  readonly supersededVersion: number | null;
  /** The request equalled the version in force: nothing was stored, no event left. */
  readonly unchanged: boolean;
}

/** Answer of {@link CalendarService.setHallWorkingHours}. */
export interface HallHoursResult {
  readonly workingHours: HallHoursView;
  /** The periods equalled those in force: nothing was stored, no event left. */
  readonly unchanged: boolean;
}

/** Who asks for a command: the caller's request id, unique per intended change. */
export interface CalendarCommandMeta {
  requestId: string;
}

/**
 * Use cases of the calendar data: administrators load or correct a year per region (stored as a new version,
 * evented) and set a hall's working hours (versioned, evented); other services read a hall's whole calendar.
 * Commands validate, write and raise their events in one transaction (through the store's outbox) and are
 * idempotent by request id.
 */
export class CalendarService {
  /**
   * @param nationalDefault the national default of a year when none is stored for the nation; the
   *   chinese-days data unless a test replaces it.
   */
  constructor(
    private readonly store: CalendarStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly nationalDefault: (year: number) => YearSchedule | undefined = chineseDaysDefault,
  ) {}

  // ---- year schedules ----------------------------------------------------------------------------------

  /**
   * Stores `input` as the next version of its region's year, in force from now (INVALID_ARGUMENT naming each
   * bad field). Loading exactly the version in force again stores nothing and answers it as `unchanged`.
   * Loads of one (region, year) run one after another, so concurrent loads get consecutive versions.
   */
  loadYearSchedule(meta: CalendarCommandMeta, input: YearScheduleInput): Promise<YearLoadResult> {
    ValidationError.throwIfAny(validateYearScheduleInput(input));
    const schedule = normaliseYearSchedule(input);
    return this.store.command(
      { requestId: meta.requestId, operation: 'LoadYearSchedule', request: input, result: results.YearLoadResult },
      async (tx) => {
        await tx.lockYear(schedule.regionCode, schedule.year);
        const current = await tx.getYearSchedule(schedule.regionCode, schedule.year);
        if (current && sameYearSchedule(schedule, current)) {
          return { schedule: storedScheduleView(current), supersededVersion: null, unchanged: true };
        }
        const stored: StoredYearSchedule = {
          regionCode: schedule.regionCode,
          year: schedule.year,
          version: (current?.version ?? 0) + 1,
          holidays: schedule.holidays,
          makeUpWorkdays: schedule.makeUpWorkdays,
          note: schedule.note,
          loadedAt: this.clock.now(),
        };
        await tx.insertYearSchedule(stored);
        const supersededVersion = current?.version ?? null;
        const data: YearLoadedEvent = { ...stored, supersededVersion };
        tx.emit('calendarYearLoaded', data);
        return { schedule: storedScheduleView(stored), supersededVersion, unchanged: false };
      },
    );
  }

  /**
   * The schedule of exactly this region and year: the version in force (`version` 0) or version `version`.
   * When nothing is stored for the region and year, `includeDefault` answers the national year instead (region
   * `000000`): the stored national version in force, else the chinese-days default (source `chinese_days`),
   * e.g. as the starting point of a regional correction. NOT_FOUND otherwise.
   */
  async getYearSchedule(
    regionCode: string,
    year: number,
    version: number,
    includeDefault: boolean,
  ): Promise<ScheduleView> {
    const violations = validateRegionYear(regionCode, year);
    if (!Number.isInteger(version) || version < 0) {
      violations.push({ field: 'version', description: 'must be 0 (the version in force) or a stored version' });
    }
    ValidationError.throwIfAny(violations);
    if (version > 0) {
      const stored = await this.store.reads.getYearSchedule(regionCode, year, version);
      if (!stored) throw new NotFoundError('year schedule', `${regionCode}/${year}@v${version}`);
      return storedScheduleView(stored);
    }
    const stored = await this.store.reads.getYearSchedule(regionCode, year);
    if (stored) return storedScheduleView(stored);
    if (includeDefault) {
      // The national year in force: a stored national version overrides chinese-days, as in resolution.
      const national =
        regionCode === NATIONAL_REGION_CODE
          ? undefined
          : await this.store.reads.getYearSchedule(NATIONAL_REGION_CODE, year);
      if (national) return storedScheduleView(national);
      const fallback = this.nationalDefault(year);
      if (fallback) return defaultScheduleView(fallback);
    }
    throw new NotFoundError('year schedule', `${regionCode}/${year}`);
  }

  /** The years stored for a region with their versions, oldest year first; empty when none. */
  async listYearSchedules(regionCode: string): Promise<YearScheduleHistory[]> {
    ValidationError.throwIfAny(validateRegionYear(regionCode));
    return yearHistories(await this.store.reads.listYearScheduleVersions(regionCode));
  }

  // ---- hall working hours ------------------------------------------------------------------------------

  /**
   * Sets a hall's working hours as their next version. `expectedVersion` is the version the caller read (0
   * while the hall has the default hours); a stale one, or a concurrent change, is FAILED_PRECONDITION. The
   * hall must exist (NOT_FOUND) and be active (FAILED_PRECONDITION). Setting the hours in force again changes
   * nothing and answers them as `unchanged`; setting the default periods explicitly pins them (version 1).
   */
  setHallWorkingHours(
    meta: CalendarCommandMeta,
    hallId: string,
    periods: readonly WorkingPeriod[],
    expectedVersion: number,
  ): Promise<HallHoursResult> {
    const violations = validateHallHoursInput(periods);
    if (hallId === '') violations.unshift({ field: 'hall_id', description: 'is required' });
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      violations.push({ field: 'expected_version', description: 'must be the version read, 0 for the default hours' });
    }
    ValidationError.throwIfAny(violations);
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'SetHallWorkingHours',
        request: { hallId, periods, expectedVersion },
        result: results.HallHoursResult,
      },
      async (tx) => {
        const hall = await tx.getHall(hallId);
        if (!hall) throw new NotFoundError('hall', hallId);
        if (!hall.active) throw new PreconditionFailedError(`hall ${hallId} is deactivated`);
        const current = await tx.getHallHours(hallId);
        const currentVersion = current?.version ?? 0;
        if (currentVersion !== expectedVersion) {
          throw new PreconditionFailedError(
            `the working hours of hall ${hallId} were changed by someone else (version ${currentVersion}, you read ${expectedVersion}); reload and retry`,
          );
        }
        if (current && samePeriods(current.periods, periods)) {
          return { workingHours: hallHoursView(hallId, current), unchanged: true };
        }
        const stored: StoredHallHours = {
          hallId,
          version: currentVersion + 1,
          periods: periods.map((p) => ({ start: p.start, end: p.end })),
          setAt: this.clock.now(),
        };
        await tx.insertHallHours(stored);
        const data: HallHoursSetEvent = { ...stored, regionCode: hall.regionCode };
        tx.emit('calendarHallHoursSet', data);
        return { workingHours: hallHoursView(hallId, stored), unchanged: false };
      },
    );
  }

  // ---- a hall's calendar -------------------------------------------------------------------------------

  /**
   * A hall's region, working hours, and for each distinct year asked the schedule in force along its region
   * chain (village → township → county → city → province → stored national → chinese-days default), each
   * saying where it came from; years with nothing at all are listed as missing. NOT_FOUND for an unknown hall;
   * a deactivated hall still answers (its cases may still be running).
   */
  async getHallCalendar(hallId: string, years: readonly number[]): Promise<HallCalendar> {
    const violations = validateCalendarYears(years);
    if (hallId === '') violations.unshift({ field: 'hall_id', description: 'is required' });
    ValidationError.throwIfAny(violations);
    const reads = this.store.reads;
    const hall = await reads.getHall(hallId);
    if (!hall) throw new NotFoundError('hall', hallId);
    const wanted = distinctYears(years);
    const [stored, hours] = await Promise.all([
      wanted.length > 0 ? reads.schedulesInForce(regionLookupChain(hall.regionCode), wanted) : Promise.resolve([]),
      reads.getHallHours(hallId),
    ]);
    const inForce = new Map(stored.map((s) => [`${s.regionCode}/${s.year}`, s]));
    return resolveHallCalendar(hall, hours, wanted, {
      inForce: (regionCode, year) => inForce.get(`${regionCode}/${year}`),
      nationalDefault: this.nationalDefault,
    });
  }
}
