import { getDayDetail, getHolidaysInRange, getWorkdaysInRange } from 'chinese-days';
import chineseDaysPackage from 'chinese-days/package.json';
import { ScheduleMissingError } from './errors';
import type { NamedDate, YearSchedule } from './schedule';
import { NATIONAL_REGION_CODE } from './schedule';
import { isWeekendDay, parseIsoDate } from './time';

/** First year of the State Council arrangements carried by `chinese-days`. */
export const DEFAULT_SCHEDULE_FIRST_YEAR = 2004;

/** `version` of every default schedule: the `chinese-days` release the data came from. */
export const DEFAULT_SCHEDULE_VERSION = `chinese-days@${chineseDaysPackage.version}`;

const cache = new Map<number, YearSchedule>();

/**
 * The national schedule of `year` as published by the State Council, from the data in `chinese-days`
 * (2004 to 2026 in release 1.5.7): its holidays (weekend days inside holiday blocks included) and its
 * make-up working days, named in Chinese (`春节`, `国庆节`, ...). Region {@link NATIONAL_REGION_CODE}, version
 * {@link DEFAULT_SCHEDULE_VERSION}. The result is frozen and cached.
 *
 * `chinese-days`'s own `isWorkday` treats any year it does not know as "Monday to Friday"; this function does
 * not: a year without data (no holiday at all; every real year has New Year's Day) throws
 * {@link ScheduleMissingError}. A newer `chinese-days` release with the next year makes that year available
 * without code changes.
 */
export function defaultNationalSchedule(year: number): YearSchedule {
  const cached = cache.get(year);
  if (cached) return cached;
  if (!Number.isInteger(year) || year < DEFAULT_SCHEDULE_FIRST_YEAR || year > 9999) {
    throw new ScheduleMissingError(year, NATIONAL_REGION_CODE);
  }
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const holidays = getHolidaysInRange(first, last, false).map(named);
  if (holidays.length === 0) throw new ScheduleMissingError(year, NATIONAL_REGION_CODE);
  const makeUpWorkdays = getWorkdaysInRange(first, last, true)
    .filter((date) => {
      const day = parseIsoDate(date);
      return day !== undefined && isWeekendDay(day);
    })
    .map(named);
  const schedule: YearSchedule = Object.freeze({
    year,
    regionCode: NATIONAL_REGION_CODE,
    holidays: Object.freeze(holidays),
    makeUpWorkdays: Object.freeze(makeUpWorkdays),
    version: DEFAULT_SCHEDULE_VERSION,
  });
  cache.set(year, schedule);
  return schedule;
}

/**
 * Every national schedule `chinese-days` carries, from {@link DEFAULT_SCHEDULE_FIRST_YEAR} to the last year
 * with data (2026 in release 1.5.7), oldest first.
 */
export function defaultNationalSchedules(): YearSchedule[] {
  const schedules: YearSchedule[] = [];
  for (let year = DEFAULT_SCHEDULE_FIRST_YEAR; ; year++) {
    try {
      schedules.push(defaultNationalSchedule(year));
    } catch (error) {
      if (error instanceof ScheduleMissingError) return schedules;
      throw error;
    }
  }
}

// chinese-days names a day "Spring Festival,春节,4" (English, Chinese, holiday length); keep the Chinese name.
function named(date: string): NamedDate {
  const parts = getDayDetail(date).name.split(',');
  return Object.freeze({ date, name: parts[1] ?? parts[0] ?? date });
}
