/**
 * Opening hours (开放时间): when a window is open to the public, per hall, window kind or window. Kept apart
 * from the working-time calendar (`calendar-admin.ts`, `@govhall/calendar`), which is what case clocks count:
 * a Saturday session or an evening session opens a window without making the day or the hour working time.
 * Pure: plain data in, values out. Which year schedule applies to a hall is the calendar's resolution
 * (`resolveHallCalendar`); this module only reads a resolved schedule's holidays and make-up working days.
 */
import { ScheduleMissingError, type NamedDate, type WorkingPeriod } from '@govhall/calendar';
import type { FieldViolation } from '@govhall/kit';
import type { HallCalendarYear } from './calendar-admin';
import type { WindowKind } from './organisation';

/** What a session is, as shown to applicants. */
export const SessionKinds = {
  /** 办公 */
  regular: 'regular',
  /** 延时服务: evenings, over lunch. */
  extended: 'extended',
  /** 周末便民服务: Saturdays and Sundays only. */
  weekend: 'weekend',
  /** 领导现场审批: a department's deputy leader approves on site. */
  leaderOnSite: 'leader_on_site',
} as const;
export type SessionKind = (typeof SessionKinds)[keyof typeof SessionKinds];

/** The scopes a schedule is set for, and, in answers, the hall's working hours when no schedule applies. */
export const ScopeLevels = {
  hall: 'hall',
  windowKind: 'window_kind',
  window: 'window',
  /** Only as the source of opening times: no schedule is set, the hall's working hours apply. */
  workingHours: 'working_hours',
} as const;
export type ScopeLevel = (typeof ScopeLevels)[keyof typeof ScopeLevels];

/** The scope of a stored schedule (within its hall). */
export type OpeningScope =
  | { readonly level: 'hall' }
  | { readonly level: 'window_kind'; readonly windowKind: WindowKind }
  | { readonly level: 'window'; readonly windowId: string };

/** Most sessions in one schedule. */
export const MAX_SESSIONS = 50;
/** Longest note of a schedule. */
export const MAX_NOTE_LENGTH = 200;
/** Most dates one GetOpenTimes answers. */
export const MAX_OPEN_TIMES_DAYS = 31;
/** The weekday whose sessions a make-up working day (调休上班) opens with: Monday. */
export const MAKE_UP_WEEKDAY = 1;
/**
 * What a Monday's sessions become on a make-up working day: the working day's own sessions stay, a leader's
 * on-site session opens as regular hours (the window is open, the leader's visit belongs to a real Monday), and
 * weekend sessions do not happen (it is a working day, not 周末便民服务).
 */
export const MAKE_UP_SESSION_KINDS: Readonly<Record<SessionKind, SessionKind | undefined>> = {
  regular: 'regular',
  extended: 'extended',
  leader_on_site: 'regular',
  weekend: undefined,
};

const WEEKDAY_NAMES = ['', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'];

/** One session as an administrator sends it: the kind is undefined when unspecified or unknown. */
export interface OpeningSessionInput {
  /** 1 = Monday ... 7 = Sunday. */
  readonly weekdays: readonly number[];
  readonly start: string;
  readonly end: string;
  readonly kind: SessionKind | undefined;
}

export interface OpeningSession extends OpeningSessionInput {
  readonly kind: SessionKind;
}

export interface OpeningScheduleInput {
  readonly sessions: readonly OpeningSessionInput[];
  readonly openOnPublicHolidays: boolean;
  readonly note: string;
}

export interface OpeningSchedule extends OpeningScheduleInput {
  readonly sessions: readonly OpeningSession[];
}

/**
 * The scope named by a request: `windowKind` null when not given, undefined when given but not a known kind;
 * `windowId` empty when not given.
 */
export interface OpeningScopeInput {
  readonly hallId: string;
  readonly windowKind: WindowKind | null | undefined;
  readonly windowId: string;
}

/**
 * One scope's schedule in force. Versions of a scope are 1, 2, ...; a clear takes a number too, so a version
 * read before a clear never matches again.
 */
export interface StoredOpeningHours {
  readonly hallId: string;
  readonly scope: OpeningScope;
  readonly schedule: OpeningSchedule;
  readonly version: number;
  readonly setAt: Date;
}

/** An open interval of one date. */
export interface OpenInterval {
  readonly start: string;
  readonly end: string;
  readonly kind: SessionKind;
}

/** What the calendar says of one date. */
export interface CalendarDay {
  readonly date: string;
  /** 1 = Monday ... 7 = Sunday. */
  readonly weekday: number;
  /** The holiday it is, if any (weekend days inside a holiday block included). */
  readonly holiday: NamedDate | null;
  /** The make-up working day (调休上班) it is, if any. */
  readonly makeUpWorkday: NamedDate | null;
  /** The year schedule it was read from (`ScheduleView.dataVersion`). */
  readonly calendarDataVersion: string;
}

/** One date's opening. */
export interface OpenDay extends CalendarDay {
  /** In order of start. */
  readonly intervals: readonly OpenInterval[];
}

/** Where a window's (or hall's) opening hours come from. */
export interface OpenTimesSource {
  readonly level: ScopeLevel;
  /** The scope's window kind (level window_kind) or window (level window). */
  readonly windowKind: WindowKind | null;
  readonly windowId: string | null;
  /** The schedule's version; for working_hours the version of the hall's working hours (0: the default). */
  readonly version: number;
  readonly schedule: OpeningSchedule;
}

/** A window as the opening hours need it. */
export interface OpeningWindow {
  readonly id: string;
  readonly hallId: string;
  readonly number: string;
  readonly kind: WindowKind;
  readonly active: boolean;
}

// ---- validation --------------------------------------------------------------------------------------------

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of `HH:MM` (`24:00` only where `end`), or undefined. */
export function minutesOf(value: string, end: boolean): number | undefined {
  if (end && value === '24:00') return 24 * 60;
  const match = HH_MM.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/**
 * The scope a request names, or its problems: `window_id` names one window, else `window_kind` one kind, else
 * the whole hall; not both, and a kind must be a known one.
 */
export function scopeOf(input: OpeningScopeInput): { scope?: OpeningScope; violations: FieldViolation[] } {
  const violations: FieldViolation[] = [];
  if (input.hallId === '') violations.push({ field: 'hall_id', description: 'is required' });
  if (input.windowKind === undefined) {
    violations.push({ field: 'window_kind', description: 'is not a known window kind' });
  } else if (input.windowKind !== null && input.windowId !== '') {
    violations.push({
      field: 'window_kind',
      description: 'name either a window (window_id) or a window kind, not both',
    });
  }
  if (violations.length > 0) return { violations };
  if (input.windowId !== '') return { scope: { level: 'window', windowId: input.windowId }, violations };
  if (input.windowKind) return { scope: { level: 'window_kind', windowKind: input.windowKind }, violations };
  return { scope: { level: 'hall' }, violations };
}

/**
 * Problems of a schedule, each named by its path under `prefix` (`schedule.sessions[2].end`,
 * `schedule.sessions[1].weekdays[0]`): at least one and at most {@link MAX_SESSIONS} sessions; each on at least
 * one weekday 1–7, none twice (a WEEKEND session on Saturday or Sunday only); `start` `HH:MM` before `end`
 * (up to 24:00) on the same day; a kind; sessions sharing a weekday do not overlap (touching is fine); a note of
 * at most {@link MAX_NOTE_LENGTH} characters.
 */
export function validateOpeningSchedule(input: OpeningScheduleInput, prefix = 'schedule'): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const sessions = input.sessions;
  if (sessions.length === 0) {
    violations.push({
      field: `${prefix}.sessions`,
      description: 'must list at least one session (clear the schedule to use the next scope up)',
    });
  } else if (sessions.length > MAX_SESSIONS) {
    violations.push({ field: `${prefix}.sessions`, description: `must list at most ${MAX_SESSIONS} sessions` });
  }
  // Sessions whose weekdays and times are sound, for the overlap check.
  const sound: { index: number; weekdays: readonly number[]; start: number; end: number }[] = [];
  sessions.slice(0, MAX_SESSIONS).forEach((session, index) => {
    const at = `${prefix}.sessions[${index}]`;
    let weekdaysSound = true;
    if (session.weekdays.length === 0) {
      violations.push({ field: `${at}.weekdays`, description: 'must list at least one weekday (1 Monday … 7 Sunday)' });
      weekdaysSound = false;
    }
    const seen = new Set<number>();
    session.weekdays.forEach((weekday, w) => {
      const field = `${at}.weekdays[${w}]`;
      if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
        violations.push({ field, description: `must be 1 (Monday) to 7 (Sunday), got ${weekday}` });
        weekdaysSound = false;
      } else if (seen.has(weekday)) {
        violations.push({ field, description: `repeats ${WEEKDAY_NAMES[weekday]}` });
        weekdaysSound = false;
      } else if (session.kind === SessionKinds.weekend && weekday < 6) {
        violations.push({
          field,
          description: `a WEEKEND session (周末便民服务) is on Saturday or Sunday, not ${WEEKDAY_NAMES[weekday]}`,
        });
      }
      seen.add(weekday);
    });
    const start = minutesOf(session.start, false);
    const end = minutesOf(session.end, true);
    if (start === undefined) {
      violations.push({ field: `${at}.start`, description: `must be HH:MM (00:00–23:59), got ${session.start}` });
    }
    if (end === undefined) {
      violations.push({ field: `${at}.end`, description: `must be HH:MM (00:01–24:00), got ${session.end}` });
    } else if (start !== undefined && end <= start) {
      violations.push({ field: `${at}.end`, description: `must be after the start ${session.start} on the same day` });
    }
    if (session.kind === undefined) {
      violations.push({
        field: `${at}.kind`,
        description: 'is required: REGULAR, EXTENDED, WEEKEND or LEADER_ON_SITE',
      });
    }
    if (weekdaysSound && start !== undefined && end !== undefined && start < end) {
      const sharedDay = (other: (typeof sound)[number]): number | undefined =>
        other.start < end && start < other.end ? other.weekdays.find((w) => session.weekdays.includes(w)) : undefined;
      const overlap = sound.find((other) => sharedDay(other) !== undefined);
      const shared = overlap && sharedDay(overlap);
      if (overlap && shared !== undefined) {
        const other = sessions[overlap.index]!;
        violations.push({
          field: at,
          description: `overlaps sessions[${overlap.index}] (${other.start}–${other.end}) on ${WEEKDAY_NAMES[shared]}`,
        });
      } else {
        sound.push({ index, weekdays: session.weekdays, start, end });
      }
    }
  });
  if (input.note.trim().length > MAX_NOTE_LENGTH) {
    violations.push({ field: `${prefix}.note`, description: `must be at most ${MAX_NOTE_LENGTH} characters` });
  }
  return violations;
}

/** A validated input as stored: the note trimmed, sessions and weekdays as given. */
export function normaliseOpeningSchedule(input: OpeningScheduleInput): OpeningSchedule {
  return {
    sessions: input.sessions.map((s) => ({ weekdays: [...s.weekdays], start: s.start, end: s.end, kind: s.kind! })),
    openOnPublicHolidays: input.openOnPublicHolidays,
    note: input.note.trim(),
  };
}

/** Whether two schedules say the same (then setting one over the other changes nothing). */
export function sameOpeningSchedule(a: OpeningSchedule, b: OpeningSchedule): boolean {
  return (
    a.openOnPublicHolidays === b.openOnPublicHolidays &&
    a.note === b.note &&
    a.sessions.length === b.sessions.length &&
    a.sessions.every((s, i) => {
      const t = b.sessions[i]!;
      return (
        s.start === t.start &&
        s.end === t.end &&
        s.kind === t.kind &&
        s.weekdays.length === t.weekdays.length &&
        s.weekdays.every((w, j) => w === t.weekdays[j])
      );
    })
  );
}

/** Problems of a GetOpenTimes range: a real date `YYYY-MM-DD` and 1 to {@link MAX_OPEN_TIMES_DAYS} days, all within 1000–9999. */
export function validateOpenTimesRange(fromDate: string, days: number): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const first = dayNumberOf(fromDate);
  if (first === undefined) {
    violations.push({ field: 'from_date', description: `must be a real date YYYY-MM-DD, got ${fromDate}` });
  }
  if (!Number.isInteger(days) || days < 1 || days > MAX_OPEN_TIMES_DAYS) {
    violations.push({ field: 'days', description: `must be 1 to ${MAX_OPEN_TIMES_DAYS}` });
  } else if (first !== undefined && yearOf(first + days - 1) > 9999) {
    violations.push({ field: 'days', description: 'must end by 9999-12-31' });
  }
  return violations;
}

// ---- resolution ------------------------------------------------------------------------------------------

/** The scope key of a stored schedule, for lookups. */
export function scopeKey(scope: OpeningScope): string {
  switch (scope.level) {
    case 'hall':
      return 'hall';
    case 'window_kind':
      return `window_kind:${scope.windowKind}`;
    case 'window':
      return `window:${scope.windowId}`;
  }
}

/**
 * The hall's working hours as a schedule: each period a REGULAR session Monday to Friday, closed on public
 * holidays. With the day rules of {@link openIntervalsOn} it opens exactly on the calendar's working days (a
 * make-up day takes a Monday's sessions), the default when no scope has a schedule.
 */
export function workingHoursSchedule(periods: readonly WorkingPeriod[]): OpeningSchedule {
  return {
    sessions: periods.map((p) => ({
      weekdays: [1, 2, 3, 4, 5],
      start: p.start,
      end: p.end,
      kind: SessionKinds.regular,
    })),
    openOnPublicHolidays: false,
    note: '',
  };
}

/**
 * Where a window's opening hours come from: its own schedule, else its kind's in its hall, else the hall's,
 * else the hall's working hours. Without a window (the hall itself): the hall's schedule, else the working
 * hours. Nothing is merged: the first schedule found answers every day.
 */
export function resolveOpeningSource(
  window: OpeningWindow | null,
  schedules: readonly StoredOpeningHours[],
  workingHours: { readonly periods: readonly WorkingPeriod[]; readonly version: number },
): OpenTimesSource {
  const byKey = new Map(schedules.map((s) => [scopeKey(s.scope), s]));
  const candidates: OpeningScope[] = window
    ? [{ level: 'window', windowId: window.id }, { level: 'window_kind', windowKind: window.kind }, { level: 'hall' }]
    : [{ level: 'hall' }];
  for (const scope of candidates) {
    const stored = byKey.get(scopeKey(scope));
    if (stored) {
      return {
        level: scope.level,
        windowKind: scope.level === 'window_kind' ? scope.windowKind : null,
        windowId: scope.level === 'window' ? scope.windowId : null,
        version: stored.version,
        schedule: stored.schedule,
      };
    }
  }
  return {
    level: ScopeLevels.workingHours,
    windowKind: null,
    windowId: null,
    version: workingHours.version,
    schedule: workingHoursSchedule(workingHours.periods),
  };
}

/**
 * The open intervals of one date under a schedule, in order of start:
 * - a public holiday: none, unless the schedule is open on public holidays, then that weekday's sessions;
 * - a make-up working day (调休上班): a Monday's sessions ({@link MAKE_UP_WEEKDAY}) as {@link MAKE_UP_SESSION_KINDS}
 *   turns them: the hall works a Monday's hours, without weekend sessions or the leaders' visit;
 * - any other date: the sessions of its weekday.
 */
export function openIntervalsOn(schedule: OpeningSchedule, day: CalendarDay): OpenInterval[] {
  let sessions: readonly OpeningSession[];
  if (day.holiday) {
    sessions = schedule.openOnPublicHolidays ? sessionsOf(schedule, day.weekday) : [];
  } else if (day.makeUpWorkday) {
    sessions = sessionsOf(schedule, MAKE_UP_WEEKDAY).flatMap((s) => {
      const kind = MAKE_UP_SESSION_KINDS[s.kind];
      return kind ? [{ ...s, kind }] : [];
    });
  } else {
    sessions = sessionsOf(schedule, day.weekday);
  }
  return sessions
    .map((s) => ({ start: s.start, end: s.end, kind: s.kind }))
    .sort((a, b) => minutesOf(a.start, false)! - minutesOf(b.start, false)!);
}

function sessionsOf(schedule: OpeningSchedule, weekday: number): OpeningSession[] {
  return schedule.sessions.filter((s) => s.weekdays.includes(weekday));
}

/** The distinct years of `days` dates from `fromDate` (a valid range), ascending. */
export function yearsOfRange(fromDate: string, days: number): number[] {
  const first = dayNumberOf(fromDate)!;
  return [...new Set([yearOf(first), yearOf(first + days - 1)])];
}

/**
 * What the calendar says of each of `days` dates from `fromDate`, read from the hall's years as
 * `resolveHallCalendar` resolved them along its region chain.
 * @throws ScheduleMissingError (FAILED_PRECONDITION) naming the first year of the range that has no schedule:
 *   nothing is guessed.
 */
export function calendarDays(
  fromDate: string,
  days: number,
  years: readonly HallCalendarYear[],
  regionCode: string,
): CalendarDay[] {
  const byYear = new Map(years.map((y) => [y.year, y]));
  const first = dayNumberOf(fromDate)!;
  const answer: CalendarDay[] = [];
  for (let day = first; day < first + days; day++) {
    const date = isoDateOf(day);
    const year = byYear.get(yearOf(day));
    if (!year || year.missing) throw new ScheduleMissingError(yearOf(day), regionCode);
    answer.push({
      date,
      weekday: weekdayOf(day),
      holiday: year.schedule.holidays.find((d) => d.date === date) ?? null,
      makeUpWorkday: year.schedule.makeUpWorkdays.find((d) => d.date === date) ?? null,
      calendarDataVersion: year.schedule.dataVersion,
    });
  }
  return answer;
}

/** Each date's opening under the resolved source's schedule. */
export function openDays(schedule: OpeningSchedule, days: readonly CalendarDay[]): OpenDay[] {
  return days.map((day) => ({ ...day, intervals: openIntervalsOn(schedule, day) }));
}

// ---- dates (UTC day numbers: a date has no time zone) -------------------------------------------------------

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumberOf(value: string): number | undefined {
  const match = ISO_DATE.exec(value);
  if (!match || Number(match[1]) < 1000) return undefined;
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
  // Date.UTC rolls 2026-02-30 over to March; a round trip refuses it.
  return isoDateOf(day) === value ? day : undefined;
}

function isoDateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** 1 = Monday ... 7 = Sunday. */
function weekdayOf(day: number): number {
  return ((new Date(day * DAY_MS).getUTCDay() + 6) % 7) + 1;
}
