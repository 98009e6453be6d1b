import { ScheduleMissingError, WorkingCalendar, regionLookupChain } from '@govhall/calendar';
import { DEFAULT_WORKING_HOURS, chineseDaysDefault, resolveYear, toYearSchedule } from './calendar-admin';
import {
  calendarDays,
  openDays,
  openIntervalsOn,
  resolveOpeningSource,
  scopeOf,
  validateOpenTimesRange,
  validateOpeningSchedule,
  workingHoursSchedule,
  yearsOfRange,
  type OpeningSchedule,
  type OpeningScheduleInput,
  type OpeningSessionInput,
  type OpeningWindow,
  type StoredOpeningHours,
} from './opening-hours';

const WEEKDAYS = [1, 2, 3, 4, 5];
const session = (overrides: Partial<OpeningSessionInput> = {}): OpeningSessionInput => ({
  weekdays: WEEKDAYS,
  start: '08:30',
  end: '12:00',
  kind: 'regular',
  ...overrides,
});
const schedule = (sessions: OpeningSessionInput[], overrides: Partial<OpeningScheduleInput> = {}) => ({
  sessions,
  openOnPublicHolidays: false,
  note: '',
  ...overrides,
});
const fields = (input: OpeningScheduleInput): string[] => validateOpeningSchedule(input).map((v) => v.field);

/** The city hall's department windows of the demo: leader sessions Monday, Wednesday, Friday afternoons. */
const departmentWindows: OpeningSchedule = {
  sessions: [
    { weekdays: WEEKDAYS, start: '08:30', end: '12:00', kind: 'regular' },
    { weekdays: [2, 4], start: '14:00', end: '17:30', kind: 'regular' },
    { weekdays: [1, 3, 5], start: '14:00', end: '14:30', kind: 'regular' },
    { weekdays: [1, 3, 5], start: '14:30', end: '17:30', kind: 'leader_on_site' },
    { weekdays: WEEKDAYS, start: '17:30', end: '19:00', kind: 'extended' },
    { weekdays: [6], start: '08:30', end: '17:00', kind: 'weekend' },
  ],
  openOnPublicHolidays: false,
  note: '',
};

/** The 2026 national year from chinese-days, resolved for Kuiwen district as GetHallCalendar resolves it. */
const REGION = '370705';
const year2026 = resolveYear(regionLookupChain(REGION), 2026, {
  inForce: () => undefined,
  nationalDefault: chineseDaysDefault,
});
const daysFrom = (fromDate: string, days: number) => calendarDays(fromDate, days, [year2026], REGION);
const dayOf = (date: string) => daysFrom(date, 1)[0]!;

describe('opening hours: schedules', () => {
  it('accepts sessions that touch, a session to 24:00, and the demo department windows', () => {
    expect(
      validateOpeningSchedule(
        schedule([
          session(),
          session({ start: '12:00', end: '14:00', kind: 'extended' }),
          session({ weekdays: [6, 7], start: '20:00', end: '24:00', kind: 'weekend' }),
        ]),
      ),
    ).toEqual([]);
    expect(validateOpeningSchedule(departmentWindows)).toEqual([]);
  });

  it('refuses sessions of one weekday that overlap, naming the later one and the day', () => {
    const violations = validateOpeningSchedule(
      schedule([
        session({ weekdays: [2, 4], start: '14:00', end: '17:30' }),
        session({ weekdays: [1], start: '14:00', end: '17:30' }),
        session({ weekdays: [1, 3, 5], start: '14:30', end: '17:30', kind: 'leader_on_site' }),
      ]),
    );
    expect(violations).toEqual([
      { field: 'schedule.sessions[2]', description: 'overlaps sessions[1] (14:00–17:30) on 星期一' },
    ]);
    // The same hours on other weekdays do not overlap.
    expect(fields(schedule([session({ weekdays: [1] }), session({ weekdays: [2] })]))).toEqual([]);
  });

  it('refuses a start at or after the end, and times that are not HH:MM', () => {
    expect(fields(schedule([session(), session({ start: '17:30', end: '17:30' })]))).toEqual([
      'schedule.sessions[1].end',
    ]);
    expect(fields(schedule([session({ start: '19:00', end: '08:00' })]))).toEqual(['schedule.sessions[0].end']);
    expect(fields(schedule([session({ start: '8:30', end: '24:01' })]))).toEqual([
      'schedule.sessions[0].start',
      'schedule.sessions[0].end',
    ]);
    expect(fields(schedule([session({ start: '24:00' })]))).toEqual(['schedule.sessions[0].start']);
  });

  it('refuses weekdays outside 1–7, repeated, missing, and a WEEKEND session on a weekday', () => {
    expect(fields(schedule([session(), session({ weekdays: [0, 8, 1.5], start: '14:00', end: '17:00' })]))).toEqual([
      'schedule.sessions[1].weekdays[0]',
      'schedule.sessions[1].weekdays[1]',
      'schedule.sessions[1].weekdays[2]',
    ]);
    expect(validateOpeningSchedule(schedule([session({ weekdays: [3, 3] })]))).toEqual([
      { field: 'schedule.sessions[0].weekdays[1]', description: 'repeats 星期三' },
    ]);
    expect(fields(schedule([session({ weekdays: [] })]))).toEqual(['schedule.sessions[0].weekdays']);
    expect(fields(schedule([session({ weekdays: [5, 6], kind: 'weekend' })]))).toEqual([
      'schedule.sessions[0].weekdays[0]',
    ]);
  });

  it('refuses a session without a kind, no sessions, too many sessions and a long note', () => {
    expect(fields(schedule([session({ kind: undefined })]))).toEqual(['schedule.sessions[0].kind']);
    expect(fields(schedule([]))).toEqual(['schedule.sessions']);
    const many = Array.from({ length: 51 }, (_, i) =>
      session({
        weekdays: [1],
        start: `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`,
        end: '23:59',
      }),
    );
    expect(fields(schedule(many))).toContain('schedule.sessions');
    expect(fields(schedule([session()], { note: '周'.repeat(201) }))).toEqual(['schedule.note']);
    expect(fields(schedule([session()], { note: `  ${'周'.repeat(200)}  ` }))).toEqual([]);
  });
});

describe('opening hours: scopes', () => {
  it('names the window, else the window kind, else the hall; not both, and only known kinds', () => {
    expect(scopeOf({ hallId: 'h', windowKind: null, windowId: '' }).scope).toEqual({ level: 'hall' });
    expect(scopeOf({ hallId: 'h', windowKind: 'department', windowId: '' }).scope).toEqual({
      level: 'window_kind',
      windowKind: 'department',
    });
    expect(scopeOf({ hallId: 'h', windowKind: null, windowId: 'w' }).scope).toEqual({ level: 'window', windowId: 'w' });
    expect(scopeOf({ hallId: 'h', windowKind: 'department', windowId: 'w' }).violations.map((v) => v.field)).toEqual([
      'window_kind',
    ]);
    expect(scopeOf({ hallId: 'h', windowKind: undefined, windowId: '' }).violations).toEqual([
      { field: 'window_kind', description: 'is not a known window kind' },
    ]);
    expect(scopeOf({ hallId: '', windowKind: null, windowId: '' }).violations.map((v) => v.field)).toEqual(['hall_id']);
  });

  it('resolves a window: its own schedule, else its kind in its hall, else the hall, else the working hours', () => {
    const window: OpeningWindow = { id: 'b03', hallId: 'h', number: 'B03', kind: 'department', active: true };
    const stored = (scope: StoredOpeningHours['scope'], version: number): StoredOpeningHours => ({
      hallId: 'h',
      scope,
      schedule: { ...departmentWindows, note: `v${version}` },
      version,
      setAt: new Date('2026-03-02T01:00:00Z'),
    });
    const own = stored({ level: 'window', windowId: 'b03' }, 4);
    const kind = stored({ level: 'window_kind', windowKind: 'department' }, 3);
    const otherKind = stored({ level: 'window_kind', windowKind: 'cashier' }, 7);
    const hall = stored({ level: 'hall' }, 2);
    const hours = { periods: DEFAULT_WORKING_HOURS.periods, version: 0 };
    const levelOf = (schedules: StoredOpeningHours[], w: OpeningWindow | null = window) => {
      const source = resolveOpeningSource(w, schedules, hours);
      return [source.level, source.version];
    };
    expect(levelOf([hall, otherKind, kind, own])).toEqual(['window', 4]);
    expect(levelOf([hall, otherKind, kind])).toEqual(['window_kind', 3]);
    expect(levelOf([hall, otherKind])).toEqual(['hall', 2]);
    expect(levelOf([otherKind])).toEqual(['working_hours', 0]);
    // The hall itself: only the hall's schedule, never a window's or a kind's.
    expect(levelOf([otherKind, kind, own], null)).toEqual(['working_hours', 0]);
    expect(levelOf([hall, kind, own], null)).toEqual(['hall', 2]);
    const fallback = resolveOpeningSource(window, [], { periods: [{ start: '09:00', end: '17:00' }], version: 3 });
    expect(fallback.schedule.sessions).toEqual([
      { weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', kind: 'regular' },
    ]);
    expect(fallback.version).toBe(3);
  });
});

describe('opening hours: days', () => {
  it('reads holidays and make-up working days from the resolved year', () => {
    expect(dayOf('2026-10-01')).toMatchObject({
      weekday: 4,
      holiday: { date: '2026-10-01', name: '国庆节' },
      makeUpWorkday: null,
      calendarDataVersion: expect.stringMatching(/^chinese-days@/) as unknown,
    });
    expect(dayOf('2026-10-10')).toMatchObject({ weekday: 6, holiday: null, makeUpWorkday: { date: '2026-10-10' } });
    expect(dayOf('2026-10-17')).toMatchObject({ weekday: 6, holiday: null, makeUpWorkday: null });
  });

  it('closes on a public holiday, weekend days of the holiday block included, unless open on public holidays', () => {
    // Thursday 1 October and Saturday 3 October 2026 (国庆节).
    expect(openIntervalsOn(departmentWindows, dayOf('2026-10-01'))).toEqual([]);
    expect(openIntervalsOn(departmentWindows, dayOf('2026-10-03'))).toEqual([]);
    const fivePlusTwo = { ...departmentWindows, openOnPublicHolidays: true };
    expect(openIntervalsOn(fivePlusTwo, dayOf('2026-10-01')).map((i) => `${i.start}-${i.end} ${i.kind}`)).toEqual([
      '08:30-12:00 regular',
      '14:00-17:30 regular',
      '17:30-19:00 extended',
    ]);
    expect(openIntervalsOn(fivePlusTwo, dayOf('2026-10-03'))).toEqual([
      { start: '08:30', end: '17:00', kind: 'weekend' },
    ]);
  });

  it("opens a make-up working day with a Monday's hours: no weekend session, the leader's afternoon as regular hours", () => {
    // Saturday 10 October 2026 works for National Day: not the Saturday session; Monday's leader afternoon is open.
    expect(openIntervalsOn(departmentWindows, dayOf('2026-10-10'))).toEqual([
      { start: '08:30', end: '12:00', kind: 'regular' },
      { start: '14:00', end: '14:30', kind: 'regular' },
      { start: '14:30', end: '17:30', kind: 'regular' },
      { start: '17:30', end: '19:00', kind: 'extended' },
    ]);
  });

  it('opens an ordinary Saturday with its weekend session and a Monday with its leader session, in order of start', () => {
    expect(openIntervalsOn(departmentWindows, dayOf('2026-10-17'))).toEqual([
      { start: '08:30', end: '17:00', kind: 'weekend' },
    ]);
    expect(openIntervalsOn(departmentWindows, dayOf('2026-10-19'))).toEqual([
      { start: '08:30', end: '12:00', kind: 'regular' },
      { start: '14:00', end: '14:30', kind: 'regular' },
      { start: '14:30', end: '17:30', kind: 'leader_on_site' },
      { start: '17:30', end: '19:00', kind: 'extended' },
    ]);
    // Sundays have no session here.
    expect(openIntervalsOn(departmentWindows, dayOf('2026-10-18'))).toEqual([]);
  });

  it('the working hours as a schedule open on exactly the working days of the calendar', () => {
    const calendar = new WorkingCalendar({
      regionCode: REGION,
      workingHours: DEFAULT_WORKING_HOURS,
      schedules: year2026.missing ? [] : [toYearSchedule(year2026.schedule)],
    });
    const hours = workingHoursSchedule(DEFAULT_WORKING_HOURS.periods);
    for (let month = 0; month < 12; month++) {
      const from = `2026-${String(month + 1).padStart(2, '0')}-01`;
      for (const day of openDays(hours, daysFrom(from, 28))) {
        expect([day.date, day.intervals.length > 0]).toEqual([day.date, calendar.isWorkingDay(day.date)]);
      }
    }
  });

  it('refuses a year with no schedule, naming it, even when the range only ends in it', () => {
    expect(yearsOfRange('2026-12-20', 20)).toEqual([2026, 2027]);
    const far = resolveYear(regionLookupChain(REGION), 2099, {
      inForce: () => undefined,
      nationalDefault: chineseDaysDefault,
    });
    expect(far).toEqual({ year: 2099, missing: true });
    const refusal = (): unknown => calendarDays('2026-12-20', 20, [year2026, { year: 2027, missing: true }], REGION);
    expect(refusal).toThrow(ScheduleMissingError);
    expect(refusal).toThrow(/2027/);
    expect(() => calendarDays('2026-12-20', 12, [year2026], REGION)).not.toThrow();
  });

  it('checks the range: a real date, 1 to 31 days, ending by 9999', () => {
    expect(validateOpenTimesRange('2026-10-01', 31)).toEqual([]);
    expect(validateOpenTimesRange('2026-02-30', 1).map((v) => v.field)).toEqual(['from_date']);
    expect(validateOpenTimesRange('2026-10-1', 1).map((v) => v.field)).toEqual(['from_date']);
    expect(validateOpenTimesRange('2026-10-01', 0).map((v) => v.field)).toEqual(['days']);
    expect(validateOpenTimesRange('2026-10-01', 32).map((v) => v.field)).toEqual(['days']);
    expect(validateOpenTimesRange('9999-12-31', 2).map((v) => v.field)).toEqual(['days']);
  });
});
