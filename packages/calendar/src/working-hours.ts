import type { CalendarViolation } from './errors';
import { InvalidWorkingHoursError } from './errors';
import { MINUTE_MS } from './time';

/** A span of local clock time `HH:MM`–`HH:MM` (China Standard Time) during which a hall is open. */
export interface WorkingPeriod {
  /** `HH:MM`, 00:00–23:59. */
  readonly start: string;
  /** `HH:MM`, after `start`; `24:00` allowed for a period that runs to midnight. */
  readonly end: string;
}

/**
 * A hall's opening hours on every working day, e.g. `{ periods: [{ start: '08:30', end: '12:00' },
 * { start: '14:00', end: '17:30' }] }`. Periods are in order and do not overlap (one may start where the
 * previous one ends). Working hours are per hall; the working days come from the year schedules.
 */
export interface WorkingHours {
  readonly periods: readonly WorkingPeriod[];
}

/** A period as offsets from local midnight, in ms. */
export interface CompiledPeriod {
  readonly start: number;
  readonly end: number;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(value: unknown, allowMidnightEnd: boolean): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (allowMidnightEnd && value === '24:00') return 24 * 60;
  const match = HH_MM.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Compiles working hours to ms offsets, or throws {@link InvalidWorkingHoursError} listing every problem. */
export function compileWorkingHours(hours: WorkingHours): readonly CompiledPeriod[] {
  const violations: CalendarViolation[] = [];
  const periods: CompiledPeriod[] = [];
  if (!Array.isArray(hours.periods) || hours.periods.length === 0) {
    throw new InvalidWorkingHoursError([{ field: 'periods', description: 'must list at least one period' }]);
  }
  let previousEnd: number | undefined;
  hours.periods.forEach((period: WorkingPeriod, index) => {
    const start = minutesOf(period.start, false);
    const end = minutesOf(period.end, true);
    if (start === undefined) {
      violations.push({
        field: `periods[${index}].start`,
        description: `must be HH:MM (00:00–23:59), got ${String(period.start)}`,
      });
    }
    if (end === undefined) {
      violations.push({
        field: `periods[${index}].end`,
        description: `must be HH:MM (00:01–24:00), got ${String(period.end)}`,
      });
    }
    if (start === undefined || end === undefined) return;
    if (end <= start) {
      violations.push({
        field: `periods[${index}].end`,
        description: `${period.end} must be after the start ${period.start}`,
      });
      return;
    }
    if (previousEnd !== undefined && start < previousEnd) {
      violations.push({
        field: `periods[${index}].start`,
        description: `${period.start} overlaps or precedes the previous period; periods must be in order and must not overlap`,
      });
    }
    previousEnd = end;
    periods.push({ start: start * MINUTE_MS, end: end * MINUTE_MS });
  });
  if (violations.length > 0) throw new InvalidWorkingHoursError(violations);
  return periods;
}

/** Checks a hall's working hours and returns them unchanged, or throws {@link InvalidWorkingHoursError}. */
export function validateWorkingHours(hours: WorkingHours): WorkingHours {
  compileWorkingHours(hours);
  return hours;
}
