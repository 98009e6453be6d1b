/**
 * Rules of the calendar data the catalogue keeps (工作日历): year schedules loaded per region, a hall's working
 * hours, and how a hall's schedule for a year is found along its region chain. Pure: plain data in, values
 * out. The arithmetic itself (working days, due instants) lives in `@govhall/calendar`; this module decides
 * what is stored and which stored schedule applies.
 */
import {
  DEFAULT_SCHEDULE_VERSION,
  InvalidScheduleError,
  InvalidWorkingHoursError,
  NATIONAL_REGION_CODE,
  REGION_CODE_PATTERN,
  ScheduleMissingError,
  defaultNationalSchedule,
  regionLookupChain,
  validateWorkingHours,
  validateYearSchedule,
  type CalendarViolation,
  type NamedDate,
  type WorkingHours,
  type WorkingPeriod,
  type YearSchedule,
} from '@govhall/calendar';
import type { FieldViolation } from '@govhall/kit';

/** Where a schedule comes from. */
export const ScheduleSources = {
  /** Loaded by an administrator through the catalogue (LoadYearSchedule). */
  stored: 'stored',
  /** The State Council arrangement carried by the `chinese-days` package: the national default. */
  chineseDays: 'chinese_days',
} as const;
export type ScheduleSource = (typeof ScheduleSources)[keyof typeof ScheduleSources];

/** Levels of a region code on a lookup chain (GB/T 2260, extended for townships and villages). */
export const RegionLevels = {
  village: 'village',
  township: 'township',
  county: 'county',
  city: 'city',
  province: 'province',
  national: 'national',
} as const;
export type RegionLevel = (typeof RegionLevels)[keyof typeof RegionLevels];

/** The hours of a hall that never set its own: 08:30–12:00 and 14:00–17:30 (China Standard Time). */
export const DEFAULT_WORKING_HOURS: WorkingHours = Object.freeze({
  periods: Object.freeze([
    Object.freeze({ start: '08:30', end: '12:00' }),
    Object.freeze({ start: '14:00', end: '17:30' }),
  ]),
});

/** Most years one GetHallCalendar may ask for. */
export const MAX_CALENDAR_YEARS = 20;
/** Longest note on a loaded year. */
export const MAX_SCHEDULE_NOTE_LENGTH = 500;
/** Longest name of a holiday or make-up working day. */
export const MAX_DATE_NAME_LENGTH = 32;

/** What an administrator sends to load a year for a region. */
export interface YearScheduleInput {
  readonly regionCode: string;
  readonly year: number;
  readonly holidays: readonly NamedDate[];
  readonly makeUpWorkdays: readonly NamedDate[];
  readonly note: string;
}

/**
 * One stored version of a region's year. Versions of a (region, year) are 1, 2, ...; none is ever changed or
 * deleted, and the newest is in force. Dates are kept sorted.
 */
export interface StoredYearSchedule {
  readonly regionCode: string;
  readonly year: number;
  readonly version: number;
  readonly holidays: readonly NamedDate[];
  readonly makeUpWorkdays: readonly NamedDate[];
  readonly note: string;
  readonly loadedAt: Date;
}

/** A stored version without its dates, for listings. */
export interface YearScheduleVersionSummary {
  readonly regionCode: string;
  readonly year: number;
  readonly version: number;
  readonly loadedAt: Date;
  readonly note: string;
  readonly holidayCount: number;
  readonly makeUpWorkdayCount: number;
}

/** The stored versions of one year of one region. */
export interface YearScheduleHistory {
  readonly year: number;
  /** The newest version. */
  readonly versionInForce: number;
  /** Oldest first. */
  readonly versions: readonly YearScheduleVersionSummary[];
}

/** A year schedule as answered: stored or default, and where it came from. */
export interface ScheduleView {
  readonly regionCode: string;
  readonly regionLevel: RegionLevel;
  readonly year: number;
  readonly source: ScheduleSource;
  /** Stored version; 0 for the chinese-days default. */
  readonly version: number;
  /** `catalogue:<region>/<year>@v<n>` or `chinese-days@<release>`: what `YearSchedule.version` carries. */
  readonly dataVersion: string;
  readonly holidays: readonly NamedDate[];
  readonly makeUpWorkdays: readonly NamedDate[];
  readonly note: string;
  /** Null for the chinese-days default. */
  readonly loadedAt: Date | null;
}

/** One version of a hall's working hours as stored. Versions are 1, 2, ...; the newest is in force. */
export interface StoredHallHours {
  readonly hallId: string;
  readonly version: number;
  readonly periods: readonly WorkingPeriod[];
  readonly setAt: Date;
}

/** A hall's working hours as answered: its own, or the default when it never set any (version 0). */
export interface HallHoursView {
  readonly hallId: string;
  readonly periods: readonly WorkingPeriod[];
  readonly version: number;
  readonly isDefault: boolean;
  readonly setAt: Date | null;
}

/** One year of a hall's calendar: the schedule in force, or missing. */
export type HallCalendarYear =
  | { readonly year: number; readonly missing: false; readonly schedule: ScheduleView }
  | { readonly year: number; readonly missing: true };

/** Everything a service needs to build a `WorkingCalendar` for one hall. */
export interface HallCalendar {
  readonly hallId: string;
  readonly regionCode: string;
  /** Regions searched, most specific first, ending with the nation. */
  readonly lookupChain: readonly string[];
  readonly workingHours: HallHoursView;
  /** One per distinct year asked, ascending. */
  readonly years: readonly HallCalendarYear[];
  readonly missingYears: readonly number[];
}

// ---- validation --------------------------------------------------------------------------------------------

/** The calendar package names fields in camelCase; callers see the proto's snake_case paths. */
function wireField(field: string): string {
  return field.replace(/^makeUpWorkdays/, 'make_up_workdays').replace(/^regionCode/, 'region_code');
}

function fromCalendar(violations: readonly CalendarViolation[]): FieldViolation[] {
  return violations.map((v) => ({ field: wireField(v.field), description: v.description }));
}

/** Weekday of a real `YYYY-MM-DD` date: 0 = Sunday ... 6 = Saturday. */
function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

const WEEKDAY_NAMES = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/**
 * Problems of a year an administrator loads, each naming the request field (`holidays[3].date`,
 * `make_up_workdays[0].date`, `region_code`, `year`, `note`). Beyond the calendar package's checks (real dates
 * inside the year, non-empty names, no date twice — in particular not both a holiday and a make-up day), a
 * make-up working day must fall on a Saturday or Sunday (any other day already works: a weekday there is a
 * typing error), names are at most {@link MAX_DATE_NAME_LENGTH} characters and the note at most
 * {@link MAX_SCHEDULE_NOTE_LENGTH}. A year needs at least one holiday: every year has New Year's Day (元旦), and an
 * empty list would silently make every weekday a working day, the very guess the calendar refuses to make.
 */
export function validateYearScheduleInput(input: YearScheduleInput): FieldViolation[] {
  const violations: FieldViolation[] = [];
  try {
    validateYearSchedule({
      regionCode: input.regionCode,
      year: input.year,
      holidays: input.holidays,
      makeUpWorkdays: input.makeUpWorkdays,
    });
  } catch (error) {
    if (!(error instanceof InvalidScheduleError)) throw error;
    violations.push(...fromCalendar(error.violations));
  }
  if (input.holidays.length === 0) {
    violations.push({ field: 'holidays', description: "must list the year's holidays (at least 元旦)" });
  }
  const reported = new Set(violations.map((v) => v.field));
  const checkNames = (list: readonly NamedDate[], key: string): void =>
    list.forEach((entry, index) => {
      const field = `${key}[${index}].name`;
      if (!reported.has(field) && entry.name.length > MAX_DATE_NAME_LENGTH) {
        violations.push({ field, description: `must be at most ${MAX_DATE_NAME_LENGTH} characters` });
      }
    });
  checkNames(input.holidays, 'holidays');
  checkNames(input.makeUpWorkdays, 'make_up_workdays');
  input.makeUpWorkdays.forEach((entry, index) => {
    const field = `make_up_workdays[${index}].date`;
    if (reported.has(field)) return;
    const weekday = weekdayOf(entry.date);
    if (weekday !== 0 && weekday !== 6) {
      violations.push({
        field,
        description: `${entry.date} is a ${WEEKDAY_NAMES[weekday] ?? 'weekday'}; a make-up working day (调休上班) is a Saturday or Sunday`,
      });
    }
  });
  if (input.note.length > MAX_SCHEDULE_NOTE_LENGTH) {
    violations.push({ field: 'note', description: `must be at most ${MAX_SCHEDULE_NOTE_LENGTH} characters` });
  }
  return violations;
}

/** Problems of a region code and year that name one stored year (GetYearSchedule, ListYearSchedules). */
export function validateRegionYear(regionCode: string, year?: number): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (!REGION_CODE_PATTERN.test(regionCode)) {
    violations.push({ field: 'region_code', description: 'must be a GB/T 2260 region code of 6, 9 or 12 digits' });
  }
  if (year !== undefined && !validYear(year)) {
    violations.push({ field: 'year', description: 'must be a year between 1000 and 9999' });
  }
  return violations;
}

/** Problems of the years a hall calendar is asked for: at most {@link MAX_CALENDAR_YEARS}, each 1000–9999. */
export function validateCalendarYears(years: readonly number[]): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (years.length > MAX_CALENDAR_YEARS) {
    violations.push({ field: 'years', description: `must list at most ${MAX_CALENDAR_YEARS} years` });
  }
  years.forEach((year, index) => {
    if (!validYear(year)) violations.push({ field: `years[${index}]`, description: 'must be between 1000 and 9999' });
  });
  return violations;
}

/** Problems of a hall's working hours (`periods[1].end`, ...): `HH:MM`, in order, not overlapping. */
export function validateHallHoursInput(periods: readonly WorkingPeriod[]): FieldViolation[] {
  try {
    validateWorkingHours({ periods });
    return [];
  } catch (error) {
    if (error instanceof InvalidWorkingHoursError) return fromCalendar(error.violations);
    throw error;
  }
}

function validYear(year: number): boolean {
  return Number.isInteger(year) && year >= 1000 && year <= 9999;
}

// ---- storing -----------------------------------------------------------------------------------------------

const byDate = (a: NamedDate, b: NamedDate): number => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

/** A validated input as it is stored: names trimmed, dates sorted. */
export function normaliseYearSchedule(input: YearScheduleInput): YearScheduleInput {
  const clean = (list: readonly NamedDate[]): NamedDate[] =>
    list.map((d) => ({ date: d.date, name: d.name.trim() })).sort(byDate);
  return {
    regionCode: input.regionCode,
    year: input.year,
    holidays: clean(input.holidays),
    makeUpWorkdays: clean(input.makeUpWorkdays),
    note: input.note.trim(),
  };
}

/** Whether a normalised input says exactly what a stored version says (then loading it changes nothing). */
export function sameYearSchedule(input: YearScheduleInput, stored: StoredYearSchedule): boolean {
  const same = (a: readonly NamedDate[], b: readonly NamedDate[]): boolean =>
    a.length === b.length && a.every((d, i) => d.date === b[i]?.date && d.name === b[i]?.name);
  return (
    input.note === stored.note &&
    same(input.holidays, stored.holidays) &&
    same(input.makeUpWorkdays, stored.makeUpWorkdays)
  );
}

/** Whether two lists of periods are the same hours. */
export function samePeriods(a: readonly WorkingPeriod[], b: readonly WorkingPeriod[]): boolean {
  return a.length === b.length && a.every((p, i) => p.start === b[i]?.start && p.end === b[i]?.end);
}

/** Groups version summaries (any order) into per-year histories, oldest year and version first. */
export function yearHistories(summaries: readonly YearScheduleVersionSummary[]): YearScheduleHistory[] {
  const byYear = new Map<number, YearScheduleVersionSummary[]>();
  for (const summary of summaries) {
    const list = byYear.get(summary.year) ?? [];
    list.push(summary);
    byYear.set(summary.year, list);
  }
  return [...byYear.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, versions]) => {
      const sorted = [...versions].sort((a, b) => a.version - b.version);
      return { year, versionInForce: sorted[sorted.length - 1]?.version ?? 0, versions: sorted };
    });
}

// ---- answering and resolution ------------------------------------------------------------------------------

/** The level of a region code: 12 digits village, 9 township, `000000` nation, `DD0000` province, `DDDD00` city, else county. */
export function regionLevelOf(regionCode: string): RegionLevel {
  if (regionCode.length === 12) return RegionLevels.village;
  if (regionCode.length === 9) return RegionLevels.township;
  if (regionCode === NATIONAL_REGION_CODE) return RegionLevels.national;
  if (regionCode.endsWith('0000')) return RegionLevels.province;
  if (regionCode.endsWith('00')) return RegionLevels.city;
  return RegionLevels.county;
}

/** A stored version as answered. */
export function storedScheduleView(stored: StoredYearSchedule): ScheduleView {
  return {
    regionCode: stored.regionCode,
    regionLevel: regionLevelOf(stored.regionCode),
    year: stored.year,
    source: ScheduleSources.stored,
    version: stored.version,
    dataVersion: `catalogue:${stored.regionCode}/${stored.year}@v${stored.version}`,
    holidays: stored.holidays,
    makeUpWorkdays: stored.makeUpWorkdays,
    note: stored.note,
    loadedAt: stored.loadedAt,
  };
}

/** The chinese-days national default of a year as answered. */
export function defaultScheduleView(schedule: YearSchedule): ScheduleView {
  return {
    regionCode: schedule.regionCode,
    regionLevel: regionLevelOf(schedule.regionCode),
    year: schedule.year,
    source: ScheduleSources.chineseDays,
    version: 0,
    dataVersion: schedule.version ?? DEFAULT_SCHEDULE_VERSION,
    holidays: schedule.holidays,
    makeUpWorkdays: schedule.makeUpWorkdays,
    note: '国务院办公厅节假日安排 (chinese-days)',
    loadedAt: null,
  };
}

/**
 * The national default of `year` from `chinese-days`, or undefined for a year it does not carry (before 2004,
 * or not yet published). Deterministic: the data ships with the package.
 */
export function chineseDaysDefault(year: number): YearSchedule | undefined {
  try {
    return defaultNationalSchedule(year);
  } catch (error) {
    if (error instanceof ScheduleMissingError) return undefined;
    throw error;
  }
}

/** The schedules a hall's calendar is resolved from: stored versions in force, and the national default. */
export interface ScheduleSourcesForResolution {
  /** The version in force of a region's year, if one is stored. */
  readonly inForce: (regionCode: string, year: number) => StoredYearSchedule | undefined;
  /** The chinese-days default of a year, if it carries it (see {@link chineseDaysDefault}). */
  readonly nationalDefault: (year: number) => YearSchedule | undefined;
}

/**
 * The schedule in force for `year` in a region: the first region on `chain` (most specific first, ending with
 * the nation) with a stored version in force, else the chinese-days default, else missing. A regional
 * schedule replaces the national one for its whole year; nothing is merged, and a missing year is never
 * filled with "every weekday works".
 */
export function resolveYear(
  chain: readonly string[],
  year: number,
  sources: ScheduleSourcesForResolution,
): HallCalendarYear {
  for (const regionCode of chain) {
    const stored = sources.inForce(regionCode, year);
    if (stored) return { year, missing: false, schedule: storedScheduleView(stored) };
  }
  const fallback = sources.nationalDefault(year);
  return fallback ? { year, missing: false, schedule: defaultScheduleView(fallback) } : { year, missing: true };
}

/** A hall's working hours as answered: the stored version in force, or the default (version 0). */
export function hallHoursView(hallId: string, stored: StoredHallHours | undefined): HallHoursView {
  return stored
    ? { hallId, periods: stored.periods, version: stored.version, isDefault: false, setAt: stored.setAt }
    : { hallId, periods: DEFAULT_WORKING_HOURS.periods, version: 0, isDefault: true, setAt: null };
}

/** Distinct years, ascending. */
export function distinctYears(years: readonly number[]): number[] {
  return [...new Set(years)].sort((a, b) => a - b);
}

/**
 * A hall's whole calendar: its region and lookup chain, its working hours, and each distinct year asked
 * resolved along the chain ({@link resolveYear}), with the missing ones listed.
 */
export function resolveHallCalendar(
  hall: { readonly id: string; readonly regionCode: string },
  hours: StoredHallHours | undefined,
  years: readonly number[],
  sources: ScheduleSourcesForResolution,
): HallCalendar {
  const lookupChain = regionLookupChain(hall.regionCode);
  const resolved = distinctYears(years).map((year) => resolveYear(lookupChain, year, sources));
  return {
    hallId: hall.id,
    regionCode: hall.regionCode,
    lookupChain,
    workingHours: hallHoursView(hall.id, hours),
    years: resolved,
    missingYears: resolved.filter((y) => y.missing).map((y) => y.year),
  };
}

/**
 * The `YearSchedule` of an answered schedule, as `WorkingCalendar` takes it (its `version` is the
 * `dataVersion`).
 */
export function toYearSchedule(view: ScheduleView): YearSchedule {
  return {
    regionCode: view.regionCode,
    year: view.year,
    holidays: view.holidays,
    makeUpWorkdays: view.makeUpWorkdays,
    version: view.dataVersion,
  };
}
