import { getWorkdaysInRange } from 'chinese-days';
import type { TimeLimit, WorkingCalendarOptions } from './calendar';
import { LimitUnits, WorkingCalendar, limitText } from './calendar';
import { defaultNationalSchedule, defaultNationalSchedules } from './default-schedule';
import { InvalidCalendarArgumentError, InvalidScheduleError, ScheduleMissingError } from './errors';
import type { YearSchedule } from './schedule';
import { NATIONAL_REGION_CODE } from './schedule';

const HALL_HOURS = {
  periods: [
    { start: '08:30', end: '12:00' },
    { start: '14:00', end: '17:30' },
  ],
};
/** A hall whose half day does not end at the lunch break: 3 h + 4 h, so half (3.5 h) ends at 14:00. */
const LATE_LUNCH_HOURS = {
  periods: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
};
const HOUR = 3_600_000;

/** A Wuhu (340200) hall on the national schedules 2004–2026. */
function aCalendar(overrides: Partial<WorkingCalendarOptions> = {}): WorkingCalendar {
  return new WorkingCalendar({
    regionCode: '340200',
    workingHours: HALL_HOURS,
    schedules: defaultNationalSchedules(),
    ...overrides,
  });
}

/** Local time in China. */
function cst(local: string): Date {
  return new Date(`${local}+08:00`);
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('WorkingCalendar on the national 2026 schedule', () => {
  const calendar = aCalendar();

  it.each([
    ['2026-01-04', true, 'Sunday, make-up day for New Year'],
    ['2026-02-13', true, 'Friday before the Spring Festival'],
    ['2026-02-14', true, 'Saturday, make-up day for the Spring Festival'],
    ['2026-02-15', false, 'Spring Festival (Sunday)'],
    ['2026-02-16', false, 'Spring Festival (Monday)'],
    ['2026-02-20', false, 'Spring Festival (Friday)'],
    ['2026-02-23', false, 'Spring Festival, last day (Monday)'],
    ['2026-02-24', true, 'first working day after the Spring Festival'],
    ['2026-02-28', true, 'Saturday, second make-up day for the Spring Festival'],
    ['2026-03-01', false, 'ordinary Sunday'],
    ['2026-05-09', true, 'Saturday, make-up day for Labour Day'],
    ['2026-09-20', true, 'Sunday, make-up day for National Day'],
    ['2026-09-25', false, 'Mid-autumn Festival (Friday)'],
    ['2026-10-07', false, 'National Day, last day'],
    ['2026-10-08', true, 'first working day after National Day'],
    ['2026-10-10', true, 'Saturday, make-up day for National Day'],
  ])('isWorkingDay(%s) is %s (%s)', (date, expected) => {
    expect(calendar.isWorkingDay(date)).toBe(expected);
  });

  it('takes the local date of an instant in China (UTC+8)', () => {
    expect(calendar.isWorkingDay(cst('2026-02-14T23:59:59.999'))).toBe(true);
    // 16:30 UTC on the 14th is already 00:30 on the 15th in China: the Spring Festival.
    expect(calendar.isWorkingDay(new Date('2026-02-14T16:30:00Z'))).toBe(false);
  });

  const cases: readonly [string, string, TimeLimit, string][] = [
    [
      '5 working days across the Spring Festival, using make-up Saturday 02-14',
      '2026-02-12T10:00',
      { amount: 5, unit: 'working_days' },
      '2026-02-26T17:30',
    ],
    [
      '20 working days (行政许可法 art. 42) across the Spring Festival and both make-up Saturdays',
      '2026-02-02T09:00',
      { amount: 20, unit: 'working_days' },
      '2026-03-06T17:30',
    ],
    [
      '1 working day from Friday lands on make-up Saturday 02-14',
      '2026-02-13T16:00',
      { amount: 1, unit: 'working_days' },
      '2026-02-14T17:30',
    ],
    [
      '1 working day from make-up Saturday 02-14 jumps the holiday',
      '2026-02-14T10:00',
      { amount: 1, unit: 'working_days' },
      '2026-02-24T17:30',
    ],
    [
      'acceptance after closing time does not make day 1 the same day',
      '2026-03-02T19:00',
      { amount: 1, unit: 'working_days' },
      '2026-03-03T17:30',
    ],
    [
      'acceptance on a Sunday: day 1 is Monday',
      '2026-03-01T10:00',
      { amount: 1, unit: 'working_days' },
      '2026-03-02T17:30',
    ],
    [
      '0 working days (即办件), during opening hours: today',
      '2026-09-30T10:00',
      { amount: 0, unit: 'working_days' },
      '2026-09-30T17:30',
    ],
    [
      '0 working days, after closing: the next working day',
      '2026-09-30T18:00',
      { amount: 0, unit: 'working_days' },
      '2026-10-08T17:30',
    ],
    [
      '0 working days, on a holiday: the next working day',
      '2026-10-03T10:00',
      { amount: 0, unit: 'working_days' },
      '2026-10-08T17:30',
    ],
    [
      '7 natural days ending on the Spring Festival move to the first working day after it',
      '2026-02-10T10:00',
      { amount: 7, unit: 'natural_days' },
      '2026-02-24T17:30',
    ],
    [
      '7 natural days ending on make-up Saturday 02-14 stay there',
      '2026-02-07T10:00',
      { amount: 7, unit: 'natural_days' },
      '2026-02-14T17:30',
    ],
    [
      '5 natural days ending on an ordinary Saturday move to Monday',
      '2026-03-02T10:00',
      { amount: 5, unit: 'natural_days' },
      '2026-03-09T17:30',
    ],
    [
      '4-hour acceptance clock at 16:30 before National Day: 1 h + 3 h after the holiday',
      '2026-09-30T16:30',
      { amount: 4, unit: 'working_hours' },
      '2026-10-08T11:30',
    ],
    [
      '4 working hours from Friday 16:30 continue on make-up Saturday 02-14',
      '2026-02-13T16:30',
      { amount: 4, unit: 'working_hours' },
      '2026-02-14T11:30',
    ],
    [
      'working hours started in the lunch break count from 14:00',
      '2026-03-02T12:30',
      { amount: 1, unit: 'working_hours' },
      '2026-03-02T15:00',
    ],
    [
      'working hours ending at a period close return the close, not the next opening',
      '2026-03-02T08:30',
      { amount: 3.5, unit: 'working_hours' },
      '2026-03-02T12:00',
    ],
    [
      'working hours started on a holiday count from the next opening',
      '2026-10-05T10:00',
      { amount: 2, unit: 'working_hours' },
      '2026-10-08T10:30',
    ],
    [
      'natural hours run around the clock, into a holiday',
      '2026-09-30T16:30',
      { amount: 24, unit: 'natural_hours' },
      '2026-10-01T16:30',
    ],
  ];
  it.each(cases)('dueInstant: %s', (_title, start, limit, due) => {
    expect(calendar.dueInstant(cst(start), limit).toISOString()).toBe(cst(due).toISOString());
  });

  it('adds working days keeping the time of day, over make-up days and holidays', () => {
    expect(calendar.addWorkingDays(cst('2026-02-13T09:15'), 1).toISOString()).toBe(
      cst('2026-02-14T09:15').toISOString(),
    );
    expect(calendar.addWorkingDays(cst('2026-02-13T09:15'), 2).toISOString()).toBe(
      cst('2026-02-24T09:15').toISOString(),
    );
    expect(calendar.addWorkingDays(cst('2026-02-13T09:15'), 0).toISOString()).toBe(
      cst('2026-02-13T09:15').toISOString(),
    );
    expect(calendar.workingDaysBetween(cst('2026-02-13T09:15'), cst('2026-02-24T08:00'))).toBe(2);
    expect(calendar.workingDaysBetween(cst('2026-02-24T08:00'), cst('2026-02-13T09:15'))).toBe(-2);
    // (2026-01-01, 2026-12-31], checked against chinese-days' own day-by-day answer.
    expect(calendar.workingDaysBetween(cst('2026-01-01T00:00'), cst('2026-12-31T23:59'))).toBe(
      getWorkdaysInRange('2026-01-02', '2026-12-31').length,
    );
  });

  it('counts working time between instants, minus merged pauses', () => {
    const from = cst('2026-09-30T16:30');
    const to = cst('2026-10-08T11:30');
    expect(calendar.workingTimeBetween(from, to)).toBe(4 * HOUR);
    expect(
      calendar.workingTimeBetween(from, to, [{ start: cst('2026-10-08T09:00'), end: cst('2026-10-08T10:00') }]),
    ).toBe(3 * HOUR);
    const overlapping = [
      { start: cst('2026-10-08T09:00'), end: cst('2026-10-08T10:00') },
      { start: cst('2026-10-08T09:30'), end: cst('2026-10-08T10:30') },
    ];
    // Merged to 09:00–10:30: 1.5 h, not 2 h.
    expect(calendar.workingTimeBetween(from, to, overlapping)).toBe(2.5 * HOUR);
    // A pause over the holiday takes no working time away; a running pause lasts until `to`.
    expect(
      calendar.workingTimeBetween(from, to, [{ start: cst('2026-10-01T00:00'), end: cst('2026-10-07T23:00') }]),
    ).toBe(4 * HOUR);
    expect(calendar.workingTimeBetween(from, to, [{ start: cst('2026-10-08T10:00') }])).toBe(2.5 * HOUR);
    expect(calendar.workingTimeBetween(from, to, [{ start: cst('2026-09-01T00:00'), end: null }])).toBe(0);
  });

  it('gives the working time remaining, negative when overdue, with pauses given back', () => {
    const due = cst('2026-10-08T11:30');
    expect(calendar.remainingWorkingTime(cst('2026-09-30T17:00'), due)).toBe(3.5 * HOUR);
    expect(calendar.remainingWorkingTime(cst('2026-10-08T14:30'), due)).toBe(-1 * HOUR);
    const pauses = [{ start: cst('2026-09-30T16:45'), end: cst('2026-09-30T17:15') }];
    expect(calendar.remainingWorkingTime(due, due, pauses)).toBe(0.5 * HOUR);
    // A pause still running at `now` counts until `now`.
    expect(calendar.remainingWorkingTime(cst('2026-10-08T10:30'), due, [{ start: cst('2026-10-08T09:30') }])).toBe(
      2 * HOUR,
    );
  });
});

describe("half working days (半天): N whole working days, then half of the next working day's working time", () => {
  const hall = aCalendar();
  const lateLunch = aCalendar({ workingHours: LATE_LUNCH_HOURS });
  const halls = { hall, lateLunch } as const;

  const cases: readonly [string, keyof typeof halls, string, number, string][] = [
    // Weekends.
    [
      'a half-day due instant across a weekend: Friday afternoon → Monday, half of 7 h',
      'hall',
      '2026-03-06T15:00',
      0.5,
      '2026-03-09T12:00',
    ],
    [
      'a half-day due instant across a weekend, lunch break 12:00–13:30 skipped',
      'lateLunch',
      '2026-03-06T15:00',
      0.5,
      '2026-03-09T14:00',
    ],
    ['accepted on a Saturday: the half day is Monday morning', 'hall', '2026-03-07T10:00', 0.5, '2026-03-09T12:00'],
    // A start inside, before or after the working hours of a working day: that day never counts.
    [
      'accepted at opening time: the half day is the next day, not this morning',
      'hall',
      '2026-03-02T08:30',
      0.5,
      '2026-03-03T12:00',
    ],
    ['accepted before opening', 'hall', '2026-03-02T07:00', 0.5, '2026-03-03T12:00'],
    ['accepted in the lunch break', 'lateLunch', '2026-03-02T12:45', 0.5, '2026-03-03T14:00'],
    ['accepted after closing', 'hall', '2026-03-02T19:00', 0.5, '2026-03-03T12:00'],
    // 1.5 and 2.5: whole days first, then half of the next working day.
    ['1.5 working days: Tuesday whole, Wednesday half', 'hall', '2026-03-02T10:00', 1.5, '2026-03-04T12:00'],
    ['1.5 working days, lunch break skipped on the half day', 'lateLunch', '2026-03-02T10:00', 1.5, '2026-03-04T14:00'],
    ['1.5 working days over a weekend: Friday whole, Monday half', 'hall', '2026-03-05T10:00', 1.5, '2026-03-09T12:00'],
    ['2.5 working days', 'lateLunch', '2026-03-02T16:00', 2.5, '2026-03-05T14:00'],
    // 2026 Spring Festival: holidays 02-15..02-23, make-up working Saturdays 02-14 and 02-28.
    [
      'a half day from Friday 02-13 falls on make-up Saturday 02-14',
      'hall',
      '2026-02-13T16:00',
      0.5,
      '2026-02-14T12:00',
    ],
    [
      'a half day from make-up Saturday 02-14 jumps the whole holiday',
      'lateLunch',
      '2026-02-14T10:00',
      0.5,
      '2026-02-24T14:00',
    ],
    [
      '1.5 days from Friday 02-13: make-up Saturday whole, 02-24 half',
      'hall',
      '2026-02-13T10:00',
      1.5,
      '2026-02-24T12:00',
    ],
    [
      '2.5 days from Thursday 02-12: Friday, make-up Saturday, then half of 02-24',
      'hall',
      '2026-02-12T10:00',
      2.5,
      '2026-02-24T12:00',
    ],
    [
      '1.5 days from Thursday 02-26: Friday whole, make-up Saturday 02-28 half',
      'lateLunch',
      '2026-02-26T10:00',
      1.5,
      '2026-02-28T14:00',
    ],
    ['a half day accepted on the holiday itself', 'hall', '2026-02-18T10:00', 0.5, '2026-02-24T12:00'],
    // National Day; New Year 2026 across the year boundary (make-up Sunday 2026-01-04).
    ['a half day from 16:30 before National Day', 'hall', '2026-09-30T16:30', 0.5, '2026-10-08T12:00'],
    [
      "a half day from New Year's Eve 2025 lands on make-up Sunday 2026-01-04",
      'lateLunch',
      '2025-12-31T10:00',
      0.5,
      '2026-01-04T14:00',
    ],
  ];
  it.each(cases)('%s', (_title, which, start, amount, due) => {
    expect(halls[which].dueInstant(cst(start), { amount, unit: 'working_days' }).toISOString()).toBe(
      cst(due).toISOString(),
    );
  });

  it('half a working day is half of workingDayLength of working time, and the other half is left that day', () => {
    for (const calendar of [hall, lateLunch]) {
      const start = cst('2026-03-06T15:00');
      const half = calendar.dueInstant(start, { amount: 0.5, unit: 'working_days' });
      const whole = calendar.dueInstant(start, { amount: 1, unit: 'working_days' });
      expect(calendar.workingDayLength).toBe(7 * HOUR);
      expect(calendar.workingTimeBetween(cst('2026-03-09T00:00'), half)).toBe(3.5 * HOUR);
      expect(calendar.workingTimeBetween(half, whole)).toBe(3.5 * HOUR);
    }
  });

  it('0 (即办件) keeps its same-day rule, so 0.5 is earlier than 0 when the hall is closed at the start', () => {
    const due = (start: string, amount: number) =>
      hall.dueInstant(cst(start), { amount, unit: 'working_days' }).toISOString();
    // Open at the start: 0 is today's close, 0.5 tomorrow's half.
    expect(due('2026-03-02T10:00', 0)).toBe(cst('2026-03-02T17:30').toISOString());
    expect(due('2026-03-02T10:00', 0.5)).toBe(cst('2026-03-03T12:00').toISOString());
    // Closed (a Saturday): both run on Monday, 0 to its close, 0.5 to its half.
    expect(due('2026-03-07T10:00', 0)).toBe(cst('2026-03-09T17:30').toISOString());
    expect(due('2026-03-07T10:00', 0.5)).toBe(cst('2026-03-09T12:00').toISOString());
  });

  it('follows a regional schedule like whole days do', () => {
    const national2026 = defaultNationalSchedule(2026);
    const regional: YearSchedule = {
      ...national2026,
      regionCode: '450000',
      holidays: [
        ...national2026.holidays,
        { date: '2026-04-20', name: '壮族三月三' },
        { date: '2026-04-21', name: '壮族三月三' },
      ],
    };
    const schedules = [...defaultNationalSchedules(), regional];
    const friday = cst('2026-04-17T10:00');
    const limit: TimeLimit = { amount: 0.5, unit: 'working_days' };
    expect(aCalendar({ regionCode: '450102', schedules }).dueInstant(friday, limit).toISOString()).toBe(
      cst('2026-04-22T12:00').toISOString(),
    );
    expect(aCalendar({ regionCode: '340200', schedules }).dueInstant(friday, limit).toISOString()).toBe(
      cst('2026-04-20T12:00').toISOString(),
    );
  });

  it("needs the schedule of the half day's year, and only that", () => {
    expect(hall.dueInstant(cst('2026-12-30T10:00'), { amount: 0.5, unit: 'working_days' }).toISOString()).toBe(
      cst('2026-12-31T12:00').toISOString(),
    );
    expect(caught(() => hall.dueInstant(cst('2026-12-30T10:00'), { amount: 1.5, unit: 'working_days' }))).toMatchObject(
      { name: 'ScheduleMissingError', year: 2027 },
    );
  });

  it.each([
    ['0.3 working days', 0.3, 'working_days'],
    ['0.25 working days', 0.25, 'working_days'],
    ['-1 working days', -1, 'working_days'],
    ['-0.5 working days', -0.5, 'working_days'],
    ['NaN working days', Number.NaN, 'working_days'],
    ['infinitely many working days', Number.POSITIVE_INFINITY, 'working_days'],
    ['a working-day amount that is not a number', '1' as unknown as number, 'working_days'],
    ['0.5 natural days (no rule for half natural days)', 0.5, 'natural_days'],
    ['1.5 natural days', 1.5, 'natural_days'],
  ] as const)('refuses %s, naming limit.amount', (_title, amount, unit) => {
    const error = caught(() => hall.dueInstant(cst('2026-03-02T10:00'), { amount, unit }));
    expect(error).toBeInstanceOf(InvalidCalendarArgumentError);
    expect(error).toMatchObject({ violations: [{ field: 'limit.amount' }] });
  });

  it('takes halves (and any other fraction) of hours as working or natural time', () => {
    expect(hall.dueInstant(cst('2026-03-02T11:45'), { amount: 0.5, unit: 'working_hours' }).toISOString()).toBe(
      cst('2026-03-02T14:15').toISOString(),
    );
    expect(hall.dueInstant(cst('2026-03-02T11:45'), { amount: 0.5, unit: 'natural_hours' }).toISOString()).toBe(
      cst('2026-03-02T12:15').toISOString(),
    );
  });
});

describe('a year with no schedule', () => {
  const calendar = aCalendar();

  it.each([
    [
      '5 working days from 2026-12-28',
      () => calendar.dueInstant(cst('2026-12-28T10:00'), { amount: 5, unit: LimitUnits.workingDays }),
    ],
    [
      '20 natural days from 2026-12-20',
      () => calendar.dueInstant(cst('2026-12-20T10:00'), { amount: 20, unit: LimitUnits.naturalDays }),
    ],
    ['30 working hours from 2026-12-30', () => calendar.addWorkingHours(cst('2026-12-30T10:00'), 30)],
    ['a working day in 2027', () => calendar.isWorkingDay('2027-01-04')],
    ['time between 2026 and 2027', () => calendar.workingTimeBetween(cst('2026-12-30T10:00'), cst('2027-01-05T10:00'))],
    [
      'time remaining to a 2027 due',
      () => calendar.remainingWorkingTime(cst('2026-12-30T10:00'), cst('2027-01-05T10:00')),
    ],
  ])('is refused, never guessed: %s', (_title, compute) => {
    const error = caught(compute);
    expect(error).toBeInstanceOf(ScheduleMissingError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ScheduleMissingError', year: 2027, regionCode: '340200' });
  });

  it('still answers when the deadline stays inside 2026', () => {
    expect(calendar.dueInstant(cst('2026-12-28T10:00'), { amount: 3, unit: 'working_days' }).toISOString()).toBe(
      cst('2026-12-31T17:30').toISOString(),
    );
  });

  it('natural hours need no schedule', () => {
    expect(calendar.dueInstant(cst('2026-12-31T12:00'), { amount: 48, unit: 'natural_hours' }).toISOString()).toBe(
      cst('2027-01-02T12:00').toISOString(),
    );
  });

  it('is not skipped over between two loaded years', () => {
    const gap = aCalendar({ schedules: [defaultNationalSchedule(2024), defaultNationalSchedule(2026)] });
    expect(caught(() => gap.workingDaysBetween(cst('2024-12-30T10:00'), cst('2026-01-05T10:00')))).toMatchObject({
      year: 2025,
    });
    expect(caught(() => gap.addWorkingDays(cst('2024-12-30T10:00'), 5))).toMatchObject({ year: 2025 });
  });

  it('is refused by the default data too', () => {
    expect(caught(() => defaultNationalSchedule(2027))).toMatchObject({
      name: 'ScheduleMissingError',
      year: 2027,
      regionCode: NATIONAL_REGION_CODE,
    });
  });
});

describe("an administrator's regional correction", () => {
  // Illustrative arrangement: Guangxi (450000) giving two extra days off around 壮族三月三
  // (lunar 3-3 = 2026-04-19). Not the published 2026 arrangement; only the mechanism is under test.
  const national2026 = defaultNationalSchedule(2026);
  const guangxi2026: YearSchedule = {
    ...national2026,
    regionCode: '450000',
    version: 'admin-2026-1',
    holidays: [
      ...national2026.holidays,
      { date: '2026-04-20', name: '壮族三月三' },
      { date: '2026-04-21', name: '壮族三月三' },
    ],
  };
  const schedules = [...defaultNationalSchedules(), guangxi2026];
  const limit: TimeLimit = { amount: 3, unit: 'working_days' };
  const friday = cst('2026-04-17T10:00');

  it('changes the result for halls in the region and below, and only there', () => {
    const nanningDistrict = aCalendar({ regionCode: '450102', schedules });
    const wuhu = aCalendar({ regionCode: '340200', schedules });
    expect(nanningDistrict.dueInstant(friday, limit).toISOString()).toBe(cst('2026-04-24T17:30').toISOString());
    expect(wuhu.dueInstant(friday, limit).toISOString()).toBe(cst('2026-04-22T17:30').toISOString());
    expect(nanningDistrict.isWorkingDay('2026-04-20')).toBe(false);
    expect(nanningDistrict.scheduleFor(2026)).toBe(guangxi2026);
    // Other years still come from the nation.
    expect(nanningDistrict.scheduleFor(2025).regionCode).toBe(NATIONAL_REGION_CODE);
  });

  it('the most specific region wins, and a region can add a make-up working day', () => {
    const district2026: YearSchedule = {
      ...guangxi2026,
      regionCode: '450102',
      makeUpWorkdays: [...guangxi2026.makeUpWorkdays, { date: '2026-04-18', name: '壮族三月三' }],
    };
    const calendar = aCalendar({ regionCode: '450102', schedules: [...schedules, district2026] });
    expect(calendar.scheduleFor(2026)).toBe(district2026);
    expect(calendar.isWorkingDay('2026-04-18')).toBe(true);
    expect(calendar.dueInstant(friday, limit).toISOString()).toBe(cst('2026-04-23T17:30').toISOString());
  });

  it('lets an administrator load a year the default data does not have', () => {
    const loaded2027: YearSchedule = {
      year: 2027,
      regionCode: NATIONAL_REGION_CODE,
      holidays: [{ date: '2027-01-01', name: '元旦' }],
      makeUpWorkdays: [],
      version: 'admin-2027-draft',
    };
    const calendar = aCalendar({ schedules: [...defaultNationalSchedules(), loaded2027] });
    expect(calendar.dueInstant(cst('2026-12-28T10:00'), { amount: 5, unit: 'working_days' }).toISOString()).toBe(
      cst('2027-01-05T17:30').toISOString(),
    );
  });

  it('refuses two schedules for the same year and region', () => {
    expect(() => aCalendar({ schedules: [...schedules, { ...guangxi2026 }] })).toThrow(InvalidScheduleError);
  });
});

describe('arguments', () => {
  const calendar = aCalendar();
  it.each([
    ['negative days', () => calendar.addWorkingDays(cst('2026-03-02T10:00'), -1)],
    [
      'a quarter working day',
      () => calendar.dueInstant(cst('2026-03-02T10:00'), { amount: 1.25, unit: 'working_days' }),
    ],
    ['negative hours', () => calendar.addWorkingHours(cst('2026-03-02T10:00'), -1)],
    ['an invalid Date', () => calendar.addWorkingHours(new Date('not a date'), 1)],
    [
      'an unknown unit',
      () => calendar.dueInstant(cst('2026-03-02T10:00'), { amount: 1, unit: 'fortnights' } as unknown as TimeLimit),
    ],
    ['to before from', () => calendar.workingTimeBetween(cst('2026-03-03T10:00'), cst('2026-03-02T10:00'))],
    [
      'a pause ending before it starts',
      () =>
        calendar.workingTimeBetween(cst('2026-03-02T10:00'), cst('2026-03-03T10:00'), [
          { start: cst('2026-03-02T12:00'), end: cst('2026-03-02T11:00') },
        ]),
    ],
    ['a date that does not exist', () => calendar.isWorkingDay('2026-02-30')],
  ])('refuses %s', (_title, compute) => {
    const error = caught(compute);
    expect(error).toBeInstanceOf(InvalidCalendarArgumentError);
    expect(error).toMatchObject({ name: 'InvalidCalendarArgumentError' });
  });

  it('refuses a malformed region code', () => {
    expect(() => aCalendar({ regionCode: '34' })).toThrow(/regionCode/);
  });
});

describe('limitText', () => {
  it('prints a limit with its unit as guides and notices do', () => {
    expect(limitText({ amount: 20, unit: LimitUnits.workingDays })).toBe('20个工作日');
    expect(limitText({ amount: 30, unit: LimitUnits.naturalDays })).toBe('30个自然日');
    expect(limitText({ amount: 4, unit: LimitUnits.workingHours })).toBe('4个工作小时');
    expect(limitText({ amount: 0.5, unit: LimitUnits.naturalHours })).toBe('0.5小时');
  });
});
