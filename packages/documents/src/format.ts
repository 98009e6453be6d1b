/**
 * Dates, times and assessment points as the documents print them. Dates and times are in China Standard Time. China has used UTC+8 without daylight
 * saving since 1992, so a fixed offset is exact and no timezone database is needed.
 */
import { UTC_OFFSET_MS, isIsoDate, type IsoDate } from '@govhall/calendar';

function chinaParts(instant: Date): { year: number; month: number; day: number; hour: number; minute: number } {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  const local = new Date(ms + UTC_OFFSET_MS);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
  };
}

/**
 * `2026年10月15日`: the date of an instant in China Standard Time, or a `YYYY-MM-DD` date as it is (a promised
 * date is already a local date; converting it through an instant could shift it by a day).
 */
export function formatDate(value: Date | IsoDate): string {
  if (typeof value === 'string') {
    if (!isIsoDate(value)) throw new RangeError(`not a YYYY-MM-DD date: ${value}`);
    const [year, month, day] = value.split('-').map(Number);
    return `${year}年${month}月${day}日`;
  }
  const { year, month, day } = chinaParts(value);
  return `${year}年${month}月${day}日`;
}

/** `2026年10月12日 10:30`: an instant in China Standard Time, to the minute. */
export function formatDateTime(instant: Date): string {
  const { hour, minute } = chinaParts(instant);
  return `${formatDate(instant)} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/**
 * Points in hundredths, rounded half away from zero: what the notice prints and what its ranks are checked on.
 * The rules compute in floating point, so the product is taken to 12 significant digits before rounding: 1.005
 * is 101 hundredths, not the 100 of 100.49999999999999, and 99.69999999999999 is 99.7.
 */
export function pointsInHundredths(points: number): number {
  const hundredths = Math.round(Number((Math.abs(points) * 100).toPrecision(12)));
  return hundredths === 0 ? 0 : Math.sign(points) * hundredths;
}

/** Points as printed: up to two decimals, trailing zeros left out (98.5, 97, 93.33), a minus sign (U+2212). */
export function formatPoints(points: number): string {
  const hundredths = pointsInHundredths(points);
  const magnitude = Math.abs(hundredths);
  const fraction = String(magnitude % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${hundredths < 0 ? '−' : ''}${Math.floor(magnitude / 100)}${fraction ? `.${fraction}` : ''}`;
}

/** A reason's points with their sign: +2, −5, 0. */
export function formatSignedPoints(points: number): string {
  return pointsInHundredths(points) > 0 ? `+${formatPoints(points)}` : formatPoints(points);
}
