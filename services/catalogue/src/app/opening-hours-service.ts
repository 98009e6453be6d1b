import { NotFoundError, PreconditionFailedError, ValidationError, type Clock, type FieldViolation } from '@govhall/kit';
import {
  ScopeLevels,
  calendarDays,
  normaliseOpeningSchedule,
  openDays,
  resolveOpeningSource,
  sameOpeningSchedule,
  scopeKey,
  scopeOf,
  validateOpenTimesRange,
  validateOpeningSchedule,
  yearsOfRange,
  type OpenDay,
  type OpenTimesSource,
  type OpeningScheduleInput,
  type OpeningScope,
  type OpeningScopeInput,
  type OpeningWindow,
  type StoredOpeningHours,
} from '../domain/opening-hours';
import type {
  HallCalendars,
  OpeningHall,
  OpeningHoursReads,
  OpeningHoursStore,
  OpeningHoursTransaction,
} from './opening-hours-ports';
import * as results from './results';

/** data of `catalogue.opening_hours.set`: the new schedule, and the version it replaced (null: none). */
export interface OpeningHoursSetEvent {
  readonly openingHours: StoredOpeningHours;
  readonly supersededVersion: number | null;
}

/** Answer of {@link OpeningHoursService.setOpeningHours}. */
export interface OpeningHoursSetResult {
  readonly openingHours: StoredOpeningHours;
  /** The schedule equalled the one in force: nothing was stored, no event left. */
  readonly unchanged: boolean;
}

/** Answer of {@link OpeningHoursService.clearOpeningHours}. */
export interface OpeningHoursClearedResult {
  /** The schedule that was dropped. */
  readonly cleared: StoredOpeningHours;
  readonly clearedAt: Date;
}

/** Answer of {@link OpeningHoursService.getOpenTimes}. */
export interface OpenTimes {
  readonly hallId: string;
  /** The window asked about; null for the hall itself. */
  readonly window: OpeningWindow | null;
  /** The scope whose schedule answers every date. */
  readonly source: OpenTimesSource;
  /** One per date, in order. */
  readonly days: readonly OpenDay[];
}

/** Who asks for a command: the caller's request id, unique per intended change. */
export interface OpeningHoursCommandMeta {
  requestId: string;
}

/**
 * Use cases of the opening hours (开放时间): administrators set or clear a schedule per hall, window kind or
 * window (versioned, evented); anyone reads them and asks when a window is open on given dates. The days are
 * read from the hall's working-time calendar as `CalendarService` resolves it, which they never change.
 */
export class OpeningHoursService {
  constructor(
    private readonly store: OpeningHoursStore,
    private readonly calendars: HallCalendars,
    private readonly clock: Clock,
  ) {}

  /**
   * Sets a scope's schedule as its next version. `expectedVersion` is the version read (0 when the scope has
   * none); a stale one, or a concurrent change, is FAILED_PRECONDITION. The hall must exist (NOT_FOUND) and be
   * active (FAILED_PRECONDITION); a window must be one of the hall's and active (INVALID_ARGUMENT on
   * `window_id`). Setting the schedule in force again changes nothing and answers it as `unchanged`.
   */
  setOpeningHours(
    meta: OpeningHoursCommandMeta,
    scopeInput: OpeningScopeInput,
    input: OpeningScheduleInput,
    expectedVersion: number,
  ): Promise<OpeningHoursSetResult> {
    const { scope, violations } = scopeOf(scopeInput);
    violations.push(...validateOpeningSchedule(input), ...versionProblems(expectedVersion, 0));
    ValidationError.throwIfAny(violations);
    const schedule = normaliseOpeningSchedule(input);
    const hallId = scopeInput.hallId;
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'SetOpeningHours',
        request: { hallId, scope: scope!, schedule: input, expectedVersion },
        result: results.OpeningHoursSetResult,
      },
      async (tx) => {
        await this.requireWritableScope(tx, hallId, scope!);
        const latest = await tx.scopeVersion(hallId, scope!);
        const current = latest?.inForce ?? null;
        checkVersion(hallId, scope!, current?.version ?? 0, expectedVersion);
        if (current && sameOpeningSchedule(current.schedule, schedule)) {
          return { openingHours: current, unchanged: true };
        }
        const stored: StoredOpeningHours = {
          hallId,
          scope: scope!,
          schedule,
          version: (latest?.version ?? 0) + 1,
          setAt: this.clock.now(),
        };
        await tx.insertVersion(stored);
        const data: OpeningHoursSetEvent = { openingHours: stored, supersededVersion: current?.version ?? null };
        tx.emit('openingHoursSet', data);
        return { openingHours: stored, unchanged: false };
      },
    );
  }

  /**
   * Drops a scope's schedule, so the next scope up applies. `expectedVersion` is the version being cleared
   * (stale: FAILED_PRECONDITION); NOT_FOUND when the scope has no schedule. The clear takes the next version
   * number, so a version read before it never matches again. Hall and window as for {@link setOpeningHours}.
   */
  clearOpeningHours(
    meta: OpeningHoursCommandMeta,
    scopeInput: OpeningScopeInput,
    expectedVersion: number,
  ): Promise<OpeningHoursClearedResult> {
    const { scope, violations } = scopeOf(scopeInput);
    violations.push(...versionProblems(expectedVersion, 1));
    ValidationError.throwIfAny(violations);
    const hallId = scopeInput.hallId;
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'ClearOpeningHours',
        request: { hallId, scope: scope!, expectedVersion },
        result: results.OpeningHoursClearedResult,
      },
      async (tx) => {
        await this.requireWritableScope(tx, hallId, scope!);
        const latest = await tx.scopeVersion(hallId, scope!);
        const current = latest?.inForce;
        if (!latest || !current) throw new NotFoundError('opening hours', describeScope(hallId, scope!));
        checkVersion(hallId, scope!, current.version, expectedVersion);
        const clearedAt = this.clock.now();
        await tx.insertVersion({
          hallId,
          scope: scope!,
          version: latest.version + 1,
          schedule: null,
          setAt: clearedAt,
        });
        tx.emit('openingHoursCleared', current);
        return { cleared: current, clearedAt };
      },
    );
  }

  /**
   * The schedule stored for exactly one scope (not resolved up the scopes); NOT_FOUND when none is set, or for
   * an unknown hall. The window must be one of the hall's (INVALID_ARGUMENT on `window_id`); a deactivated hall
   * or window still answers.
   */
  async getOpeningHours(scopeInput: OpeningScopeInput): Promise<StoredOpeningHours> {
    const { scope, violations } = scopeOf(scopeInput);
    ValidationError.throwIfAny(violations);
    const reads = this.store.reads;
    const hallId = scopeInput.hallId;
    await requireHall(reads, hallId);
    if (scope!.level === 'window') await requireWindowOf(reads, hallId, scope!.windowId, false);
    const latest = await reads.scopeVersion(hallId, scope!);
    if (!latest?.inForce) throw new NotFoundError('opening hours', describeScope(hallId, scope!));
    return latest.inForce;
  }

  /** Every schedule in force in a hall: the hall's, then its window kinds', then its windows'. NOT_FOUND for an unknown hall. */
  async listOpeningHours(hallId: string): Promise<StoredOpeningHours[]> {
    if (hallId === '') throw ValidationError.single('hall_id', 'is required');
    await requireHall(this.store.reads, hallId);
    const rank = { hall: 0, window_kind: 1, window: 2 } as const;
    return (await this.store.reads.listInForce(hallId)).sort(
      (a, b) => rank[a.scope.level] - rank[b.scope.level] || scopeKey(a.scope).localeCompare(scopeKey(b.scope)),
    );
  }

  /**
   * When the hall, or one of its windows, is open on each of `days` (1–31) dates from `fromDate`: the intervals
   * with their kinds, whether the date is a public holiday or a make-up working day, and the scope whose
   * schedule answered (window → window kind → hall → the hall's working hours). The days come from the hall's
   * calendar along its region chain; a date in a year with no schedule is FAILED_PRECONDITION naming the year.
   * The hall must exist (NOT_FOUND) and be active (FAILED_PRECONDITION); the window must be one of the hall's
   * and active (INVALID_ARGUMENT on `window_id`).
   */
  async getOpenTimes(hallId: string, windowId: string, fromDate: string, days: number): Promise<OpenTimes> {
    const violations = validateOpenTimesRange(fromDate, days);
    if (hallId === '') violations.unshift({ field: 'hall_id', description: 'is required' });
    ValidationError.throwIfAny(violations);
    const reads = this.store.reads;
    const hall = await requireHall(reads, hallId);
    requireActive(hall);
    const window = windowId === '' ? null : await requireWindowOf(reads, hallId, windowId, true);
    const [schedules, calendar] = await Promise.all([
      reads.listInForce(hallId),
      this.calendars.getHallCalendar(hallId, yearsOfRange(fromDate, days)),
    ]);
    const source = resolveOpeningSource(window, schedules, calendar.workingHours);
    return {
      hallId,
      window,
      source,
      days: openDays(source.schedule, calendarDays(fromDate, days, calendar.years, calendar.regionCode)),
    };
  }

  /** The hall exists and is active; a window scope names an active window of the hall. */
  private async requireWritableScope(tx: OpeningHoursTransaction, hallId: string, scope: OpeningScope): Promise<void> {
    requireActive(await requireHall(tx, hallId));
    if (scope.level === 'window') await requireWindowOf(tx, hallId, scope.windowId, true);
  }
}

async function requireHall(reads: OpeningHoursReads, hallId: string): Promise<OpeningHall> {
  const hall = await reads.getHall(hallId);
  if (!hall) throw new NotFoundError('hall', hallId);
  return hall;
}

function requireActive(hall: OpeningHall): void {
  if (!hall.active) throw new PreconditionFailedError(`hall ${hall.id} is deactivated`);
}

/** The window, when it is one of the hall's (and active, if asked); otherwise INVALID_ARGUMENT on `window_id`. */
async function requireWindowOf(
  reads: OpeningHoursReads,
  hallId: string,
  windowId: string,
  active: boolean,
): Promise<OpeningWindow> {
  const window = await reads.getWindow(windowId);
  if (!window) throw ValidationError.single('window_id', `window ${windowId} does not exist`);
  if (window.hallId !== hallId) {
    throw ValidationError.single('window_id', `window ${windowId} belongs to another hall (${window.hallId})`);
  }
  if (active && !window.active) throw ValidationError.single('window_id', `window ${windowId} is deactivated`);
  return window;
}

function versionProblems(expectedVersion: number, least: number): FieldViolation[] {
  return Number.isInteger(expectedVersion) && expectedVersion >= least
    ? []
    : [
        {
          field: 'expected_version',
          description:
            least === 0
              ? 'must be the version read, 0 when the scope has no schedule'
              : 'must be the version of the schedule being cleared',
        },
      ];
}

function checkVersion(hallId: string, scope: OpeningScope, current: number, expected: number): void {
  if (current !== expected) {
    throw new PreconditionFailedError(
      `the opening hours of ${describeScope(hallId, scope)} were changed by someone else (version ${current}, you read ${expected}); reload and retry`,
    );
  }
}

function describeScope(hallId: string, scope: OpeningScope): string {
  switch (scope.level) {
    case ScopeLevels.hall:
      return `hall ${hallId}`;
    case ScopeLevels.windowKind:
      return `the ${scope.windowKind} windows of hall ${hallId}`;
    case ScopeLevels.window:
      return `window ${scope.windowId} of hall ${hallId}`;
  }
}
