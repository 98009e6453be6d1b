/**
 * Time limits of an item (时限要求): amounts in one of four units, and the only comparisons that are safe
 * without a calendar. Pure, no I/O.
 */

// One definition of units and limits for the catalogue and the calendar that computes with them.
// Items allow half units (半天 for a review step): the calendar counts half a working day as half of the day's
// working time, and half an hour as 30 minutes. A natural day has no half (the calendar refuses one).
import { LimitUnits, type LimitUnit, type TimeLimit } from '@govhall/calendar';
export { LimitUnits, type LimitUnit, type TimeLimit };

/** The acceptance countdown when an item names none: 4 working hours from front-desk registration. */
export const DEFAULT_ACCEPTANCE_LIMIT: TimeLimit = { amount: 4, unit: 'working_hours' };

/** `5 working_days`, for validation messages. */
export function formatLimit(limit: TimeLimit): string {
  return `${limit.amount} ${limit.unit}`;
}

/**
 * A limit in a measure that like limits share. Natural days and natural hours are the same clock (×24);
 * working days and working hours are not: a working day's length is each hall's (08:30–12:00, 14:00–17:30 is
 * 7 hours, not 8), so they are never converted, and working time is never compared with natural time (a
 * holiday stretches 5 working days over 9 calendar days).
 */
function measure(limit: TimeLimit): { scale: 'natural_hours' | 'working_days' | 'working_hours'; value: number } {
  switch (limit.unit) {
    case 'natural_days':
      return { scale: 'natural_hours', value: limit.amount * 24 };
    case 'natural_hours':
      return { scale: 'natural_hours', value: limit.amount };
    case 'working_days':
      return { scale: 'working_days', value: limit.amount };
    case 'working_hours':
      return { scale: 'working_hours', value: limit.amount };
  }
}

/** Whether two limits can be compared without a calendar (see `measure`). */
export function comparableUnits(a: LimitUnit, b: LimitUnit): boolean {
  return measure({ amount: 0, unit: a }).scale === measure({ amount: 0, unit: b }).scale;
}

/**
 * Compares two limits: negative when `a` is shorter, 0 when equal, positive when longer; undefined when
 * their units cannot be compared without a calendar.
 */
export function compareLimits(a: TimeLimit, b: TimeLimit): number | undefined {
  const ma = measure(a);
  const mb = measure(b);
  return ma.scale === mb.scale ? ma.value - mb.value : undefined;
}

/**
 * The sum of limits: in their unit when they share one, in natural hours when all are natural time;
 * undefined when they mix scales (or there are none).
 */
export function sumLimits(limits: readonly TimeLimit[]): TimeLimit | undefined {
  const [first] = limits;
  if (!first) return undefined;
  if (limits.every((l) => l.unit === first.unit)) {
    return { amount: limits.reduce((sum, l) => sum + l.amount, 0), unit: first.unit };
  }
  const measures = limits.map(measure);
  if (measures.every((m) => m.scale === 'natural_hours')) {
    return { amount: measures.reduce((sum, m) => sum + m.value, 0), unit: 'natural_hours' };
  }
  return undefined;
}

/**
 * What is wrong with an amount, if anything: it must be finite, not negative, and a whole or half unit (whole
 * natural days: the calendar has no rule for half of one). Halves keep every sum exact in binary floating point.
 */
export function amountProblem(amount: number, unit?: LimitUnit): string | undefined {
  if (!Number.isFinite(amount) || amount < 0) return 'must be a number of at least 0';
  if (!Number.isInteger(amount * 2)) return 'must be a whole or half unit (e.g. 0.5 for half a day)';
  if (unit === LimitUnits.naturalDays && !Number.isInteger(amount)) return 'must be whole natural days';
  if (amount > 10_000) return 'must be at most 10000';
  return undefined;
}
