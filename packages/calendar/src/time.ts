/**
 * Day arithmetic in China Standard Time (Asia/Shanghai). Internal to the package, except the few helpers
 * re-exported from `index.ts`.
 *
 * China has used UTC+8 without daylight saving time since 1992, so a local day is a fixed 24-hour slice of
 * UTC shifted by eight hours; no timezone database is needed for the years this package serves (2004 on).
 * A "day number" is the count of local days since 1970-01-01 (local), so that day `d` starts at instant
 * `d * DAY_MS - UTC_OFFSET_MS`.
 */

/** A calendar date `YYYY-MM-DD` (the local date in China for instants). */
export type IsoDate = string;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** China Standard Time, UTC+08:00, no DST. */
export const UTC_OFFSET_MS = 8 * HOUR_MS;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local day number of an instant (epoch ms). */
export function dayOfInstant(ms: number): number {
  return Math.floor((ms + UTC_OFFSET_MS) / DAY_MS);
}

/** Instant (epoch ms) at which local day `day` begins (00:00 +08:00). */
export function startOfDay(day: number): number {
  return day * DAY_MS - UTC_OFFSET_MS;
}

/** 0 = Sunday ... 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekendDay(day: number): boolean {
  const weekday = weekdayOfDay(day);
  return weekday === 0 || weekday === 6;
}

export function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** Day number of 1 January of `year`. */
export function firstDayOfYear(year: number): number {
  return Date.UTC(year, 0, 1) / DAY_MS;
}

export function daysInYear(year: number): number {
  return firstDayOfYear(year + 1) - firstDayOfYear(year);
}

export function isoDateOfDay(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Day number of a strict `YYYY-MM-DD` date (1000–9999), or `undefined` when it is not a real date. */
export function parseIsoDate(value: string): number | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 1000) return undefined;
  const day = Date.UTC(year, Number(match[2]) - 1, Number(match[3])) / DAY_MS;
  // Date.UTC rolls 2026-02-30 over to March; a round trip rejects it.
  return isoDateOfDay(day) === value ? day : undefined;
}

/** Whether `value` is a real `YYYY-MM-DD` date of the years 1000–9999: 2026-02-30 and 2026-13-01 are not. */
export function isIsoDate(value: string): boolean {
  return parseIsoDate(value) !== undefined;
}

/** The local date (China Standard Time) of an instant, e.g. for the promised date on an acceptance notice. */
export function localDateOf(instant: Date): IsoDate {
  return isoDateOfDay(dayOfInstant(instant.getTime()));
}
