import { isWorkday } from 'chinese-days';
import { WorkingCalendar } from './calendar';
import {
  DEFAULT_SCHEDULE_FIRST_YEAR,
  DEFAULT_SCHEDULE_VERSION,
  defaultNationalSchedule,
  defaultNationalSchedules,
} from './default-schedule';
import { InvalidScheduleError, InvalidWorkingHoursError, ScheduleMissingError } from './errors';
import type { YearSchedule } from './schedule';
import { NATIONAL_REGION_CODE, regionLookupChain, validateYearSchedule } from './schedule';
import { isIsoDate, localDateOf } from './time';
import { validateWorkingHours } from './working-hours';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('default national schedules from chinese-days', () => {
  it('carry the State Council 2026 arrangement: make-up days 1-4, 2-14, 2-28, 5-9, 9-20, 10-10', () => {
    const schedule = defaultNationalSchedule(2026);
    expect(schedule).toMatchObject({ year: 2026, regionCode: NATIONAL_REGION_CODE, version: DEFAULT_SCHEDULE_VERSION });
    expect(schedule.makeUpWorkdays).toEqual([
      { date: '2026-01-04', name: '元旦' },
      { date: '2026-02-14', name: '春节' },
      { date: '2026-02-28', name: '春节' },
      { date: '2026-05-09', name: '劳动节' },
      { date: '2026-09-20', name: '国庆节' },
      { date: '2026-10-10', name: '国庆节' },
    ]);
  });

  it('carry the 2026 Spring Festival (02-15 to 02-23) and National Day (10-01 to 10-07)', () => {
    const holidays = defaultNationalSchedule(2026).holidays;
    const named = (name: string): string[] => holidays.filter((h) => h.name === name).map((h) => h.date);
    expect(named('春节')).toEqual([
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
      '2026-02-23',
    ]);
    expect(named('国庆节')).toEqual([
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
    ]);
    expect(named('中秋')).toEqual(['2026-09-25', '2026-09-26', '2026-09-27']);
  });

  it('cover 2004 to 2026, each valid', () => {
    const schedules = defaultNationalSchedules();
    expect(schedules.map((s) => s.year)).toEqual(
      Array.from({ length: 2026 - DEFAULT_SCHEDULE_FIRST_YEAR + 1 }, (_, i) => DEFAULT_SCHEDULE_FIRST_YEAR + i),
    );
    for (const schedule of schedules) expect(validateYearSchedule(schedule)).toBe(schedule);
  });

  it('give, day by day from 2004 to 2026, the same working days as chinese-days', () => {
    const calendar = new WorkingCalendar({
      regionCode: NATIONAL_REGION_CODE,
      workingHours: { periods: [{ start: '09:00', end: '17:00' }] },
      schedules: defaultNationalSchedules(),
    });
    const mismatches: string[] = [];
    for (let ms = Date.UTC(2004, 0, 1); ms <= Date.UTC(2026, 11, 31); ms += 86_400_000) {
      const date = new Date(ms).toISOString().slice(0, 10);
      if (calendar.isWorkingDay(date) !== isWorkday(date)) mismatches.push(date);
    }
    expect(mismatches).toEqual([]);
  });

  it.each([2003, 2027, 2.5])('refuse %s, which chinese-days does not carry', (year) => {
    expect(caught(() => defaultNationalSchedule(year))).toBeInstanceOf(ScheduleMissingError);
  });

  it('are frozen and cached', () => {
    expect(Object.isFrozen(defaultNationalSchedule(2025).holidays)).toBe(true);
    expect(defaultNationalSchedule(2025)).toBe(defaultNationalSchedule(2025));
  });
});

describe('validateYearSchedule', () => {
  const valid: YearSchedule = {
    year: 2026,
    regionCode: '450000',
    holidays: [{ date: '2026-04-20', name: '壮族三月三' }],
    makeUpWorkdays: [{ date: '2026-04-18', name: '壮族三月三' }],
  };

  it('accepts a well-formed schedule', () => {
    expect(validateYearSchedule(valid)).toBe(valid);
  });

  it('lists every problem at once', () => {
    const error = caught(() =>
      validateYearSchedule({
        year: 2026,
        regionCode: '45',
        holidays: [
          { date: '2026-02-30', name: 'x' },
          { date: '2025-12-31', name: 'x' },
          { date: '2026-04-20', name: ' ' },
        ],
        makeUpWorkdays: [{ date: '2026-04-20', name: 'x' }, null as unknown as { date: string; name: string }],
        version: '',
      }),
    );
    expect(error).toBeInstanceOf(InvalidScheduleError);
    const fields = (error as InvalidScheduleError).violations.map((v) => v.field);
    expect(fields).toEqual([
      'regionCode',
      'version',
      'holidays[0].date',
      'holidays[1].date',
      'holidays[2].name',
      'makeUpWorkdays[0].date',
      'makeUpWorkdays[1]',
    ]);
  });
});

describe('validateWorkingHours', () => {
  it('accepts ordered, non-overlapping HH:MM periods, touching allowed, up to 24:00', () => {
    const hours = {
      periods: [
        { start: '00:00', end: '12:00' },
        { start: '12:00', end: '24:00' },
      ],
    };
    expect(validateWorkingHours(hours)).toBe(hours);
  });

  it.each([
    [[], ['periods']],
    [[{ start: '8:30', end: '12:00' }], ['periods[0].start']],
    [[{ start: '08:30', end: '24:01' }], ['periods[0].end']],
    [[{ start: '24:00', end: '24:00' }], ['periods[0].start']],
    [[{ start: '12:00', end: '08:30' }], ['periods[0].end']],
    [
      [
        { start: '08:30', end: '12:00' },
        { start: '11:00', end: '17:30' },
      ],
      ['periods[1].start'],
    ],
    [
      [
        { start: '14:00', end: '17:30' },
        { start: '08:30', end: '12:00' },
      ],
      ['periods[1].start'],
    ],
  ])('refuses %j', (periods, fields) => {
    const error = caught(() => validateWorkingHours({ periods }));
    expect(error).toBeInstanceOf(InvalidWorkingHoursError);
    expect((error as InvalidWorkingHoursError).violations.map((v) => v.field)).toEqual(fields);
  });
});

describe('regionLookupChain', () => {
  it.each([
    ['450102', ['450102', '450100', '450000', NATIONAL_REGION_CODE]],
    ['340200', ['340200', '340000', NATIONAL_REGION_CODE]],
    ['340000', ['340000', NATIONAL_REGION_CODE]],
    ['340202001', ['340202001', '340202', '340200', '340000', NATIONAL_REGION_CODE]],
    ['340202001001', ['340202001001', '340202001', '340202', '340200', '340000', NATIONAL_REGION_CODE]],
    [NATIONAL_REGION_CODE, [NATIONAL_REGION_CODE]],
  ])('%s → %j', (code, chain) => {
    expect(regionLookupChain(code)).toEqual(chain);
  });
});

describe('isIsoDate', () => {
  it('holds real YYYY-MM-DD dates only', () => {
    expect(['2026-02-28', '2028-02-29', '1000-01-01', '9999-12-31'].filter(isIsoDate)).toHaveLength(4);
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-1-01', '0999-12-31', '']) {
      expect(isIsoDate(bad)).toBe(false);
    }
  });
});

describe('localDateOf', () => {
  it('is the date in China', () => {
    expect(localDateOf(new Date('2026-02-14T15:59:59.999Z'))).toBe('2026-02-14');
    expect(localDateOf(new Date('2026-02-14T16:00:00Z'))).toBe('2026-02-15');
  });
});
