import type { CalendarViolation } from './errors';
import { InvalidScheduleError } from './errors';
import type { IsoDate } from './time';
import { parseIsoDate, yearOfDay } from './time';

/** A date with the name under which it was published, e.g. `{ date: '2026-02-16', name: '春节' }`. */
export interface NamedDate {
  readonly date: IsoDate;
  readonly name: string;
}

/**
 * One year's working-day arrangement for one region: plain data, loaded or corrected by administrators
 * (through the catalogue service) and built for the nation from `chinese-days` by
 * {@link defaultNationalSchedule}.
 *
 * A day is a working day when it is a make-up working day (调休上班), or a Monday–Friday that is not a
 * holiday. Holidays may include the Saturdays and Sundays inside a holiday block (the State Council's
 * notices and `chinese-days` list them), which changes nothing.
 *
 * A regional schedule REPLACES the national one for that year (it is not merged): an administrator who
 * adds a local holiday (e.g. a minority festival under 《全国年节及纪念日放假办法》 art. 4) loads the whole
 * year, usually starting from a copy of the national schedule.
 */
export interface YearSchedule {
  /** Gregorian year; every date in the schedule lies in it. */
  readonly year: number;
  /** GB/T 2260 code (6, 9 or 12 digits) of the region it applies to; {@link NATIONAL_REGION_CODE} for the nation. */
  readonly regionCode: string;
  /** Days off that would otherwise be working days (weekend days inside a holiday block may be listed too). */
  readonly holidays: readonly NamedDate[];
  /** Saturdays or Sundays that are working days (调休上班), named after the holiday they make up for. */
  readonly makeUpWorkdays: readonly NamedDate[];
  /** Version of the data, recorded by whoever loads it (the default schedules carry `chinese-days@<version>`). */
  readonly version?: string;
}

/** Region code of the national schedule. Not a real GB/T 2260 code; it matches the 6-digit pattern. */
export const NATIONAL_REGION_CODE = '000000';

/** GB/T 2260 region codes as used across the platform: 6 (county and above), 9 (township) or 12 (village) digits. */
export const REGION_CODE_PATTERN = /^(\d{6}|\d{9}|\d{12})$/;

/**
 * The regions whose schedules apply to `regionCode`, most specific first, ending with the nation:
 * village (12) → township (9) → county (6) → prefecture (`XXXX00`) → province (`XX0000`) → nation.
 * E.g. `450102` → `['450102', '450100', '450000', '000000']`.
 */
export function regionLookupChain(regionCode: string): readonly string[] {
  const chain: string[] = [regionCode];
  if (regionCode.length === 12) chain.push(regionCode.slice(0, 9));
  if (regionCode.length >= 9) chain.push(regionCode.slice(0, 6));
  const county = regionCode.slice(0, 6);
  chain.push(`${county.slice(0, 4)}00`, `${county.slice(0, 2)}0000`, NATIONAL_REGION_CODE);
  return [...new Set(chain)];
}

/** Problems of one schedule, with fields prefixed by `path` (empty when the schedule is fine). */
export function scheduleViolations(schedule: YearSchedule, path = ''): CalendarViolation[] {
  const violations: CalendarViolation[] = [];
  const at = (field: string): string => (path ? `${path}.${field}` : field);
  const yearOk = Number.isInteger(schedule.year) && schedule.year >= 1000 && schedule.year <= 9999;
  if (!yearOk) violations.push({ field: at('year'), description: 'must be an integer year between 1000 and 9999' });
  if (typeof schedule.regionCode !== 'string' || !REGION_CODE_PATTERN.test(schedule.regionCode)) {
    violations.push({ field: at('regionCode'), description: 'must be a GB/T 2260 region code of 6, 9 or 12 digits' });
  }
  if (schedule.version !== undefined && (typeof schedule.version !== 'string' || schedule.version === '')) {
    violations.push({ field: at('version'), description: 'must be a non-empty string when given' });
  }
  const seen = new Map<string, string>();
  const check = (list: readonly NamedDate[] | undefined, key: 'holidays' | 'makeUpWorkdays'): void => {
    if (!Array.isArray(list)) {
      violations.push({ field: at(key), description: 'must be an array of { date, name }' });
      return;
    }
    list.forEach((entry: NamedDate | null, index) => {
      const field = at(`${key}[${index}]`);
      if (typeof entry !== 'object' || entry === null) {
        violations.push({ field, description: 'must be an object { date, name }' });
        return;
      }
      const day = typeof entry.date === 'string' ? parseIsoDate(entry.date) : undefined;
      if (day === undefined) {
        violations.push({
          field: `${field}.date`,
          description: `must be a real date YYYY-MM-DD, got ${String(entry.date)}`,
        });
      } else if (yearOk && yearOfDay(day) !== schedule.year) {
        violations.push({ field: `${field}.date`, description: `${entry.date} is not in ${schedule.year}` });
      } else {
        const previous = seen.get(entry.date);
        if (previous !== undefined) {
          violations.push({ field: `${field}.date`, description: `${entry.date} is already listed in ${previous}` });
        } else {
          seen.set(entry.date, key);
        }
      }
      if (typeof entry.name !== 'string' || entry.name.trim() === '') {
        violations.push({ field: `${field}.name`, description: 'must be a non-empty name' });
      }
    });
  };
  check(schedule.holidays, 'holidays');
  check(schedule.makeUpWorkdays, 'makeUpWorkdays');
  return violations;
}

/**
 * Checks a schedule loaded by an administrator and returns it unchanged, or throws
 * {@link InvalidScheduleError} listing every problem: year, region code, real dates inside the year,
 * non-empty names, and no date listed twice (in particular not both a holiday and a make-up working day).
 */
export function validateYearSchedule(schedule: YearSchedule): YearSchedule {
  const violations = scheduleViolations(schedule);
  if (violations.length > 0) throw new InvalidScheduleError(violations);
  return schedule;
}
