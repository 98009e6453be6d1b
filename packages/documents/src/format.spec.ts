import { isIsoDate, localDateOf } from '@govhall/calendar';
import { formatDate, formatDateTime } from './format';

describe('China Standard Time formatting', () => {
  it('prints an instant in UTC+8 to the minute', () => {
    expect(formatDateTime(new Date('2026-10-12T02:30:00Z'))).toBe('2026年10月12日 10:30');
    expect(formatDateTime(new Date('2026-01-05T01:05:59Z'))).toBe('2026年1月5日 09:05');
  });

  it('moves to the next local day after 16:00 UTC', () => {
    const instant = new Date('2026-12-31T16:30:00Z');
    expect(formatDateTime(instant)).toBe('2027年1月1日 00:30');
    expect(formatDate(instant)).toBe('2027年1月1日');
    expect(localDateOf(instant)).toBe('2027-01-01');
  });

  it('prints a YYYY-MM-DD date as it is, without shifting it through an instant', () => {
    expect(formatDate('2026-10-15')).toBe('2026年10月15日');
    expect(formatDate('2026-02-01')).toBe('2026年2月1日');
  });

  it('refuses dates that do not exist and invalid instants', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-1-5')).toBe(false);
    expect(() => formatDate('2026-02-30')).toThrow(RangeError);
    expect(() => formatDateTime(new Date('not a date'))).toThrow(RangeError);
  });
});
