import type { CalendarViolation } from './errors';
import { InvalidCalendarArgumentError, InvalidScheduleError, ScheduleMissingError } from './errors';
import type { YearSchedule } from './schedule';
import { REGION_CODE_PATTERN, regionLookupChain, scheduleViolations } from './schedule';
import type { IsoDate } from './time';
import {
  DAY_MS,
  HOUR_MS,
  dayOfInstant,
  daysInYear,
  firstDayOfYear,
  isWeekendDay,
  parseIsoDate,
  startOfDay,
  yearOfDay,
} from './time';
import type { CompiledPeriod, WorkingHours } from './working-hours';
import { compileWorkingHours } from './working-hours';

/** Units of a time limit (时限单位), as items carry them in the catalogue. */
export const LimitUnits = {
  workingDays: 'working_days',
  naturalDays: 'natural_days',
  workingHours: 'working_hours',
  naturalHours: 'natural_hours',
} as const;
export type LimitUnit = (typeof LimitUnits)[keyof typeof LimitUnits];

/**
 * A statutory or committed time limit, e.g. `{ amount: 20, unit: 'working_days' }`. Working-day amounts are
 * whole or half numbers (0.5 for a 半天 review step, 2.5, ...), natural-day amounts whole numbers, hour
 * amounts any finite number; all ≥ 0. See {@link WorkingCalendar.dueInstant}.
 */
export interface TimeLimit {
  readonly amount: number;
  readonly unit: LimitUnit;
}

const LIMIT_UNIT_TEXTS: Readonly<Record<LimitUnit, string>> = {
  working_days: '个工作日',
  natural_days: '个自然日',
  working_hours: '个工作小时',
  natural_hours: '小时',
};

/** `20个工作日`: a limit as guides and notices print it. */
export function limitText(limit: TimeLimit): string {
  return `${limit.amount}${LIMIT_UNIT_TEXTS[limit.unit]}`;
}

/**
 * A time during which a case's clock stands still (特别程序: hearing, inspection, expert review, waiting for
 * supplementary materials, 行政许可法 art. 45). `end` absent or `null`: the pause is still running.
 */
export interface PausedInterval {
  readonly start: Date;
  readonly end?: Date | null;
}

/** What a {@link WorkingCalendar} is built from. */
export interface WorkingCalendarOptions {
  /** GB/T 2260 code of the hall's region; its schedules are looked up along {@link regionLookupChain}. */
  readonly regionCode: string;
  /** The hall's opening hours on working days. */
  readonly workingHours: WorkingHours;
  /**
   * Year schedules of any regions: for each year the calendar uses the schedule of the most specific region
   * on the hall's lookup chain (the hall's own region, then its parents, then the nation); schedules of
   * regions off the chain are ignored. Two schedules for the same year and region are an error.
   */
  readonly schedules: readonly YearSchedule[];
}

interface CompiledYear {
  readonly schedule: YearSchedule;
  readonly firstDay: number;
  readonly length: number;
  /** 1 where the day is a working day. */
  readonly working: Uint8Array;
  /** `prefix[i]`: working days among the year's first `i` days (length + 1 entries). */
  readonly prefix: Uint16Array;
  /** Day numbers of the year's working days, ascending. */
  readonly workingDays: Int32Array;
}

/**
 * Working time of one hall in one region: which days are working days (from year schedules: weekends,
 * holidays, make-up working days) and which hours of them count (the hall's {@link WorkingHours}), in China
 * Standard Time (UTC+8).
 *
 * Pure and immutable: instants are passed in (never `Date.now()`), results are new `Date`s. Every operation
 * that needs to know whether a day of some year is a working day throws {@link ScheduleMissingError} when no
 * schedule of that year is loaded; nothing is ever assumed about a missing year. Operations walk year by year,
 * not day by day, so their cost grows with the number of years spanned, not days.
 */
export class WorkingCalendar {
  /** The hall's region. */
  readonly regionCode: string;
  readonly workingHours: WorkingHours;
  /** Working time of one working day, in ms (7 h for 08:30–12:00 + 14:00–17:30). */
  readonly workingDayLength: number;
  /** Years with a schedule, ascending. */
  readonly years: readonly number[];
  private readonly periods: readonly CompiledPeriod[];
  private readonly compiled: ReadonlyMap<number, CompiledYear>;

  /**
   * @throws InvalidWorkingHoursError when the hours are malformed.
   * @throws InvalidScheduleError when the region code or any schedule is malformed, or a year and region
   *   appear twice.
   */
  constructor(options: WorkingCalendarOptions) {
    this.periods = compileWorkingHours(options.workingHours);
    this.workingHours = options.workingHours;
    this.workingDayLength = this.periods.reduce((sum, p) => sum + p.end - p.start, 0);
    this.regionCode = options.regionCode;

    const violations: CalendarViolation[] = [];
    if (typeof options.regionCode !== 'string' || !REGION_CODE_PATTERN.test(options.regionCode)) {
      violations.push({ field: 'regionCode', description: 'must be a GB/T 2260 region code of 6, 9 or 12 digits' });
    }
    const rank = new Map(regionLookupChain(String(options.regionCode)).map((code, index) => [code, index]));
    const seen = new Set<string>();
    const chosen = new Map<number, { schedule: YearSchedule; rank: number }>();
    options.schedules.forEach((schedule, index) => {
      const own = scheduleViolations(schedule, `schedules[${index}]`);
      violations.push(...own);
      const key = `${schedule.year}/${schedule.regionCode}`;
      if (seen.has(key)) {
        violations.push({
          field: `schedules[${index}]`,
          description: `a second schedule for ${schedule.year} in region ${schedule.regionCode}`,
        });
      }
      seen.add(key);
      const r = rank.get(schedule.regionCode);
      if (own.length > 0 || r === undefined) return;
      const current = chosen.get(schedule.year);
      if (!current || r < current.rank) chosen.set(schedule.year, { schedule, rank: r });
    });
    if (violations.length > 0) throw new InvalidScheduleError(violations);

    const compiled = new Map<number, CompiledYear>();
    for (const [year, { schedule }] of chosen) compiled.set(year, compileYear(schedule));
    this.compiled = compiled;
    this.years = [...compiled.keys()].sort((a, b) => a - b);
  }

  /** The schedule this calendar uses for `year` (its region's, or a parent's, or the nation's). */
  scheduleFor(year: number): YearSchedule {
    return this.year(year).schedule;
  }

  /**
   * Whether a date is a working day: a make-up working day, or a Monday–Friday that is not a holiday.
   * A `Date` is taken at its local date in China.
   * @throws ScheduleMissingError when the date's year has no schedule.
   */
  isWorkingDay(date: Date | IsoDate): boolean {
    const day = typeof date === 'string' ? parseIsoDate(date) : dayOfInstant(instantMs(date, 'date'));
    if (day === undefined)
      throw InvalidCalendarArgumentError.single('date', `must be a real date YYYY-MM-DD, got ${String(date)}`);
    return this.isWorking(day);
  }

  /**
   * The same local time of day on the `days`-th working day after the instant's local date (`days` ≥ 0, whole;
   * 0 returns the instant). The instant's own date does not count, whether or not it is a working day, so
   * Friday 10:00 + 1 = Monday 10:00, and Saturday 10:00 + 1 = Monday 10:00. The time of day is kept as is,
   * even outside working hours; use {@link dueInstant} for deadlines.
   *
   * Inverse of {@link workingDaysBetween}: `workingDaysBetween(x, addWorkingDays(x, n)) === n`.
   * @throws ScheduleMissingError when a year on the way has no schedule.
   */
  addWorkingDays(instant: Date, days: number): Date {
    const from = instantMs(instant, 'instant');
    wholeNonNegative(days, 'days');
    if (days === 0) return new Date(from);
    const day = dayOfInstant(from);
    return new Date(from + (this.nthWorkingDayAfter(day, days) - day) * DAY_MS);
  }

  /**
   * Number of working days d with `localDate(from) < d ≤ localDate(to)`; negative (the same count, negated)
   * when `to` is before `from`. Times of day are ignored.
   * @throws ScheduleMissingError when a year in between has no schedule.
   */
  workingDaysBetween(from: Date, to: Date): number {
    const a = dayOfInstant(instantMs(from, 'from'));
    const b = dayOfInstant(instantMs(to, 'to'));
    // `0 - n`, not `-n`: no -0 for callers comparing with Object.is.
    return b >= a ? this.countWorkingDays(a + 1, b + 1) : 0 - this.countWorkingDays(b + 1, a + 1);
  }

  /**
   * The instant at which `hours` of working time (inside the working periods of working days) have elapsed
   * since `instant`. Counting starts at once when `instant` is inside a working period, otherwise at the next
   * opening. When the time runs out exactly at the close of a period, the close is returned (12:00, not
   * 14:00). `hours` ≥ 0, rounded to the millisecond; 0 returns the instant.
   *
   * Example, hours 08:30–12:00 and 14:00–17:30: 16:30 on the last working day before National Day 2026
   * (Wednesday 30 September) + 4 h = 1 h that day + 3 h on Thursday 8 October = 2026-10-08 11:30.
   * @throws ScheduleMissingError when a year on the way has no schedule.
   */
  addWorkingHours(instant: Date, hours: number): Date {
    return this.addWorkingTime(instant, hoursToMs(hours, 'hours'));
  }

  /** {@link addWorkingHours} with the amount in whole milliseconds (exactly additive: no rounding). */
  addWorkingTime(instant: Date, ms: number): Date {
    const from = instantMs(instant, 'instant');
    wholeNonNegative(ms, 'ms');
    return new Date(this.addWork(from, ms));
  }

  /**
   * Working milliseconds elapsed from `from` to `to` (`to` ≥ `from`): the time inside working periods of
   * working days, minus the working time covered by `paused` intervals. Pauses are clipped to
   * [`from`, `to`], a running pause (no `end`) lasts until `to`, and overlapping pauses are merged so no
   * time is subtracted twice; the result is never negative and never grows when a pause is added.
   * @throws ScheduleMissingError when a year in between has no schedule.
   * @throws InvalidCalendarArgumentError when `to` is before `from` or a pause ends before it starts.
   */
  workingTimeBetween(from: Date, to: Date, paused: readonly PausedInterval[] = []): number {
    const a = instantMs(from, 'from');
    const b = instantMs(to, 'to');
    if (b < a) throw InvalidCalendarArgumentError.single('to', 'must not be before from');
    return this.workingMs(a, b) - this.pausedWorkingMs(paused, a, b);
  }

  /**
   * The instant a case started at `start` is due under `limit`. Semantics, as halls and the law count:
   *
   * - `working_days` N: the start day is not counted (民法典 art. 201: periods in days run from the next
   *   day; 行政许可法 art. 82: licensing limits are working days, statutory holidays excluded). Day 1 is the
   *   first working day after the start's local date, whether the case was accepted in, before or after
   *   opening hours or on a weekend; the case is due at the close of the last working period of working day
   *   N (民法典 art. 203: where there are business hours, the last day ends when business closes). E.g.
   *   accepted Monday 10:00, 3 working days → Thursday 17:30.
   * - `working_days` N + 0.5 (0.5, 1.5, 2.5, ...): N whole working days as above, then half a working day:
   *   {@link workingDayLength} / 2 of working time counted from the opening of working day N + 1, inside its
   *   working periods (a lunch break is skipped); due when that half has elapsed, at the close of a period
   *   when it ends exactly there. The start day never counts, so 0.5 is not "same day": accepted Monday at
   *   08:30 or at 10:00, 0.5 working days → Tuesday 12:00 (half of 7 h, 08:30–12:00, 14:00–17:30), and
   *   1.5 → Wednesday 12:00; with 09:00–12:00, 13:30–17:30, 0.5 → Tuesday 14:00. Only the start's local
   *   date matters, never its time of day.
   * - `natural_days` N: the N-th calendar day after the start's local date; when that day is not a working
   *   day (a weekend or holiday), the first working day after it (民法典 art. 203: the period ends the day after
   *   the holiday); due at that day's close of business. Only the last day's year needs a schedule.
   * - N = 0 in either day unit (即办件, same day): the close of the start day when it is a working day and the
   *   hall has not yet closed, otherwise the close of the next working day. So 0 can be later than 0.5: from
   *   Saturday, 0 → Monday 17:30 but 0.5 → Monday 12:00. From 0.5 up, a larger amount always gives a later
   *   instant.
   * - `working_hours` H: {@link addWorkingHours}: counting starts at once (民法典 art. 201: periods in hours
   *   run from the stated time), only inside working periods. The 4-hour acceptance countdown.
   * - `natural_hours` H: exactly H × 3 600 000 ms later, around the clock; no schedule is consulted and a
   *   deadline in the night or on a holiday is not moved.
   *
   * Accepted amounts, all ≥ 0: `working_days` whole or half (0.3, 0.25 are refused), `natural_days` whole
   * (a half natural day has no rule here and is refused), hours any finite number (rounded to the ms, so
   * 0.5 working hours is 30 minutes of working time). Pauses are not applied here; see
   * {@link remainingWorkingTime}.
   * @throws InvalidCalendarArgumentError naming `limit.amount` when the amount is not accepted for its unit
   *   (negative, NaN, infinite, a fraction other than a half of a working day), `limit.unit` when the unit is
   *   unknown, `start` when the start is not a valid Date.
   * @throws ScheduleMissingError when a needed year has no schedule (e.g. a 2027 deadline on 2026 data).
   */
  dueInstant(start: Date, limit: TimeLimit): Date {
    const from = instantMs(start, 'start');
    const unit = limit.unit;
    switch (unit) {
      case LimitUnits.workingDays: {
        const halves = wholeOrHalfNonNegative(limit.amount, 'limit.amount');
        if (halves === 0) return new Date(this.closeOf(this.sameDay(from)));
        const day = this.nthWorkingDayAfter(dayOfInstant(from), Math.ceil(halves / 2));
        if (halves % 2 === 0) return new Date(this.closeOf(day));
        // Periods lie on minute marks, so half a working day is a whole number of ms (a multiple of 30 s).
        return new Date(startOfDay(day) + this.timeOfDayAfter(this.workingDayLength / 2));
      }
      case LimitUnits.naturalDays: {
        wholeNonNegative(limit.amount, 'limit.amount');
        if (limit.amount === 0) return new Date(this.closeOf(this.sameDay(from)));
        const last = dayOfInstant(from) + limit.amount;
        const day = this.isWorking(last) ? last : this.nthWorkingDayAfter(last, 1);
        return new Date(this.closeOf(day));
      }
      case LimitUnits.workingHours:
        return new Date(this.addWork(from, hoursToMs(limit.amount, 'limit.amount')));
      case LimitUnits.naturalHours:
        return new Date(from + hoursToMs(limit.amount, 'limit.amount'));
      default:
        // Limits come from stored catalogue data; an unknown unit is refused, not guessed.
        throw InvalidCalendarArgumentError.single('limit.unit', `unknown unit ${String(unit satisfies never)}`);
    }
  }

  /**
   * Working time left until `due` at `now`, in ms; negative when overdue (by that much working time).
   * Working time spent in `paused` intervals before `now` is given back, i.e. pauses push the deadline out by
   * their working time (a running pause counts until `now`; pauses are merged; parts after `now` are
   * ignored). Pass only pauses that began after the clock started.
   *
   * Without pauses this is the signed working time from `now` to `due`, so
   * `remainingWorkingTime(x, addWorkingHours(x, h)) === h` in ms. Meant for limits in working units; for
   * natural units the budget is wall-clock time.
   * @throws ScheduleMissingError when a year in between has no schedule.
   */
  remainingWorkingTime(now: Date, due: Date, paused: readonly PausedInterval[] = []): number {
    const at = instantMs(now, 'now');
    const until = instantMs(due, 'due');
    return this.workingMs(at, until) + this.pausedWorkingMs(paused, Number.NEGATIVE_INFINITY, at);
  }

  // ---- internals; days are day numbers (see time.ts), instants epoch ms ----

  private year(year: number): CompiledYear {
    const compiled = this.compiled.get(year);
    if (!compiled) throw new ScheduleMissingError(year, this.regionCode);
    return compiled;
  }

  private isWorking(day: number): boolean {
    const year = this.year(yearOfDay(day));
    return year.working[day - year.firstDay] === 1;
  }

  /** Working days d with from ≤ d < to. */
  private countWorkingDays(from: number, to: number): number {
    let count = 0;
    let day = from;
    while (day < to) {
      const year = this.year(yearOfDay(day));
      const end = Math.min(to, year.firstDay + year.length);
      count += at(year.prefix, end - year.firstDay) - at(year.prefix, day - year.firstDay);
      day = end;
    }
    return count;
  }

  /** The n-th (n ≥ 1) working day strictly after `day`. */
  private nthWorkingDayAfter(day: number, n: number): number {
    let remaining = n;
    let from = day + 1;
    for (;;) {
      const year = this.year(yearOfDay(from));
      const before = at(year.prefix, from - year.firstDay);
      const available = year.workingDays.length - before;
      if (remaining <= available) return at(year.workingDays, before + remaining - 1);
      remaining -= available;
      from = year.firstDay + year.length;
    }
  }

  /** The start day if it is a working day and still open at `instant`, else the next working day. */
  private sameDay(instant: number): number {
    const day = dayOfInstant(instant);
    return this.isWorking(day) && instant < this.closeOf(day) ? day : this.nthWorkingDayAfter(day, 1);
  }

  private closeOf(day: number): number {
    return startOfDay(day) + at(this.periods, this.periods.length - 1).end;
  }

  /** Working time of a working day before `timeOfDay` (ms since local midnight). */
  private workedBefore(timeOfDay: number): number {
    let worked = 0;
    for (const period of this.periods) {
      if (timeOfDay <= period.start) break;
      worked += Math.min(timeOfDay, period.end) - period.start;
    }
    return worked;
  }

  /** The earliest time of day by which `worked` (0 < worked ≤ workingDayLength) working ms have passed. */
  private timeOfDayAfter(worked: number): number {
    let left = worked;
    for (const period of this.periods) {
      const length = period.end - period.start;
      if (left <= length) return period.start + left;
      left -= length;
    }
    return at(this.periods, this.periods.length - 1).end;
  }

  /** Working time of the instant's day before the instant (0 on a non-working day). */
  private workedToday(instant: number): number {
    const day = dayOfInstant(instant);
    return this.isWorking(day) ? this.workedBefore(instant - startOfDay(day)) : 0;
  }

  /** Signed working time from `from` to `to`. */
  private workingMs(from: number, to: number): number {
    if (from === to) return 0;
    if (to < from) return 0 - this.workingMs(to, from);
    const days = this.countWorkingDays(dayOfInstant(from), dayOfInstant(to));
    return days * this.workingDayLength + this.workedToday(to) - this.workedToday(from);
  }

  private addWork(from: number, amount: number): number {
    if (amount === 0) return from;
    const day = dayOfInstant(from);
    let left = amount;
    if (this.isWorking(day)) {
      left += this.workedBefore(from - startOfDay(day));
      if (left <= this.workingDayLength) return startOfDay(day) + this.timeOfDayAfter(left);
      left -= this.workingDayLength;
    }
    const days = Math.ceil(left / this.workingDayLength);
    const target = this.nthWorkingDayAfter(day, days);
    return startOfDay(target) + this.timeOfDayAfter(left - (days - 1) * this.workingDayLength);
  }

  /** Working time covered by the union of the pauses clipped to [lower, upper]; running pauses end at `upper`. */
  private pausedWorkingMs(paused: readonly PausedInterval[], lower: number, upper: number): number {
    const spans: [number, number][] = [];
    paused.forEach((pause, index) => {
      const start = instantMs(pause.start, `paused[${index}].start`);
      const end =
        pause.end === undefined || pause.end === null
          ? Math.max(start, upper)
          : instantMs(pause.end, `paused[${index}].end`);
      if (end < start)
        throw InvalidCalendarArgumentError.single(`paused[${index}].end`, 'must not be before its start');
      const clippedStart = Math.max(start, lower);
      const clippedEnd = Math.min(end, upper);
      if (clippedEnd > clippedStart) spans.push([clippedStart, clippedEnd]);
    });
    spans.sort((x, y) => x[0] - y[0]);
    let total = 0;
    let current: [number, number] | undefined;
    for (const span of spans) {
      if (current && span[0] <= current[1]) {
        current[1] = Math.max(current[1], span[1]);
      } else {
        if (current) total += this.workingMs(current[0], current[1]);
        current = span;
      }
    }
    if (current) total += this.workingMs(current[0], current[1]);
    return total;
  }
}

function compileYear(schedule: YearSchedule): CompiledYear {
  const firstDay = firstDayOfYear(schedule.year);
  const length = daysInYear(schedule.year);
  const working = new Uint8Array(length);
  for (let i = 0; i < length; i++) working[i] = isWeekendDay(firstDay + i) ? 0 : 1;
  // Validated: every date is real, inside the year, and listed once.
  for (const { date } of schedule.holidays) working[(parseIsoDate(date) ?? firstDay) - firstDay] = 0;
  for (const { date } of schedule.makeUpWorkdays) working[(parseIsoDate(date) ?? firstDay) - firstDay] = 1;
  const prefix = new Uint16Array(length + 1);
  const workingDays: number[] = [];
  for (let i = 0; i < length; i++) {
    prefix[i + 1] = at(prefix, i) + at(working, i);
    if (working[i] === 1) workingDays.push(firstDay + i);
  }
  return { schedule, firstDay, length, working, prefix, workingDays: Int32Array.from(workingDays) };
}

function at<T>(list: ArrayLike<T>, index: number): T {
  const value = list[index];
  if (value === undefined) throw new RangeError(`internal: index ${index} out of range`);
  return value;
}

function instantMs(value: Date, field: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw InvalidCalendarArgumentError.single(field, 'must be a valid Date');
  return ms;
}

function wholeNonNegative(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw InvalidCalendarArgumentError.single(field, `must be a whole number ≥ 0, got ${value}`);
  }
}

/** `value` × 2 when `value` is a whole or half number ≥ 0 (0, 0.5, 1, 1.5, ...); otherwise throws naming `field`. */
function wholeOrHalfNonNegative(value: number, field: string): number {
  const halves = typeof value === 'number' ? value * 2 : Number.NaN;
  if (!Number.isSafeInteger(halves) || halves < 0) {
    throw InvalidCalendarArgumentError.single(field, `must be a whole or half number ≥ 0 (e.g. 0.5), got ${value}`);
  }
  return halves;
}

function hoursToMs(hours: number, field: string): number {
  if (!Number.isFinite(hours) || hours < 0) {
    throw InvalidCalendarArgumentError.single(field, `must be a finite number of hours ≥ 0, got ${hours}`);
  }
  return Math.round(hours * HOUR_MS);
}
