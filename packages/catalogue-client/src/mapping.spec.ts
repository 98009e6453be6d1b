import { ScheduleMissingError } from '@govhall/calendar';
import { catalogueCalendarV1 as cal, catalogueItemsV1 as items, catalogueV1 as org } from '@govhall/contracts';
import {
  calendarLimitOf,
  departmentView,
  enumName,
  hallView,
  staffView,
  windowView,
  workingCalendarFromHallCalendar,
} from './mapping';

/** A district hall (奎文区 370705) whose 2026 is its city's correction (潍坊市 370700) and whose 2027 is missing. */
const anAnswer = (overrides: Partial<cal.GetHallCalendarResponse> = {}): cal.GetHallCalendarResponse =>
  cal.GetHallCalendarResponse.fromPartial({
    hallId: 'hall-kuiwen',
    regionCode: '370705',
    lookupChain: ['370705', '370700', '370000', '000000'],
    workingHours: {
      periods: [
        { start: '09:00', end: '12:00' },
        { start: '13:30', end: '17:30' },
      ],
      version: 2,
    },
    years: [
      {
        year: 2026,
        missing: false,
        schedule: {
          regionCode: '370700',
          year: 2026,
          version: 3,
          dataVersion: 'catalogue:370700/2026@v3',
          holidays: [
            { date: '2026-01-01', name: '元旦' },
            { date: '2026-02-16', name: '春节' },
          ],
          makeUpWorkdays: [{ date: '2026-02-14', name: '春节' }],
        },
      },
      { year: 2027, missing: true },
    ],
    missingYears: [2027],
    ...overrides,
  });

const cst = (local: string): Date => new Date(`${local}+08:00`);

describe('workingCalendarFromHallCalendar', () => {
  it("builds the hall's calendar from the answer: its region, its hours, the schedule in force with its version", () => {
    const calendar = workingCalendarFromHallCalendar(anAnswer());
    expect(calendar.regionCode).toBe('370705');
    expect(calendar.years).toEqual([2026]);
    expect(calendar.scheduleFor(2026)).toMatchObject({ regionCode: '370700', version: 'catalogue:370700/2026@v3' });
    // 3 h + 4 h.
    expect(calendar.workingDayLength).toBe(7 * 3_600_000);
    expect(calendar.isWorkingDay('2026-02-16')).toBe(false); // a holiday on a Monday
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true); // a make-up Saturday
    expect(calendar.isWorkingDay('2026-02-15')).toBe(false); // an ordinary Sunday
    // Friday 17:00 plus one working hour: 30 min on Friday, 30 min from the Saturday make-up day's 09:00.
    expect(calendar.addWorkingHours(cst('2026-02-13T17:00:00'), 1)).toEqual(cst('2026-02-14T09:30:00'));
  });

  it('leaves a missing year out, so a computation that reaches it fails instead of assuming no holidays', () => {
    const calendar = workingCalendarFromHallCalendar(anAnswer());
    expect(() => calendar.addWorkingDays(cst('2026-12-30T10:00:00'), 5)).toThrow(ScheduleMissingError);
    expect(() => calendar.isWorkingDay('2027-01-04')).toThrow(ScheduleMissingError);
  });
});

describe('calendarLimitOf', () => {
  it('gives a catalogue limit in the calendar’s units, and none for an absent limit or an unspecified unit', () => {
    const U = items.LimitUnit;
    expect(calendarLimitOf({ amount: 20, unit: U.LIMIT_UNIT_WORKING_DAYS })).toEqual({
      amount: 20,
      unit: 'working_days',
    });
    expect(calendarLimitOf({ amount: 30, unit: U.LIMIT_UNIT_NATURAL_DAYS })).toEqual({
      amount: 30,
      unit: 'natural_days',
    });
    expect(calendarLimitOf({ amount: 4, unit: U.LIMIT_UNIT_WORKING_HOURS })).toEqual({
      amount: 4,
      unit: 'working_hours',
    });
    expect(calendarLimitOf({ amount: 48, unit: U.LIMIT_UNIT_NATURAL_HOURS })).toEqual({
      amount: 48,
      unit: 'natural_hours',
    });
    expect(calendarLimitOf({ amount: 5, unit: U.LIMIT_UNIT_UNSPECIFIED })).toBeUndefined();
    expect(calendarLimitOf(undefined)).toBeUndefined();
  });
});

describe('enumName', () => {
  it('gives a catalogue enum value by its lower-case name', () => {
    expect(enumName(org.HallTier.HALL_TIER_TOWNSHIP, 'HALL_TIER_')).toBe('township');
    expect(enumName(org.WindowKind.WINDOW_KIND_SHIFT_LEADER, 'WINDOW_KIND_')).toBe('shift_leader');
    expect(enumName(org.StaffRole.STAFF_ROLE_CHIEF_REPRESENTATIVE, 'STAFF_ROLE_')).toBe('chief_representative');
  });
});

describe('views', () => {
  it("gives a hall's parent, and '' for the top hall", () => {
    const district = org.Hall.fromPartial({
      id: 'h2',
      tier: org.HallTier.HALL_TIER_DISTRICT,
      regionCode: '370705',
      parentHallId: 'h1',
    });
    expect(hallView(district)).toMatchObject({ id: 'h2', tier: 'district', parentId: 'h1' });
    expect(hallView(org.Hall.fromPartial({ id: 'h1', tier: org.HallTier.HALL_TIER_CITY })).parentId).toBe('');
  });

  it('gives a staff member’s employee number and roles by name, leaving out values it does not know', () => {
    const staff = org.Staff.fromPartial({
      id: 's1',
      hallId: 'h1',
      departmentId: 'd1',
      employeeNo: '705SCJG03',
      name: '李审核',
      roles: [
        org.StaffRole.STAFF_ROLE_REVIEWER,
        org.StaffRole.STAFF_ROLE_UNSPECIFIED,
        org.StaffRole.STAFF_ROLE_DEPUTY_LEADER,
        org.StaffRole.UNRECOGNIZED,
      ],
      windowId: '',
      active: true,
    });
    expect(staffView(staff)).toEqual({
      id: 's1',
      hallId: 'h1',
      departmentId: 'd1',
      employeeNo: '705SCJG03',
      name: '李审核',
      roles: ['reviewer', 'deputy_leader'],
      windowId: '',
      active: true,
    });
  });

  it('gives a department its upper department (对口上级部门), empty when it names none', () => {
    const district = org.Department.fromPartial({
      id: 'd2',
      hallId: 'h2',
      code: 'QSCJ',
      name: '奎文区市场监督管理局',
      regionCode: '370705',
      upperDepartmentId: 'd1',
      active: true,
    });
    expect(departmentView(district)).toMatchObject({ id: 'd2', hallId: 'h2', code: 'QSCJ', upperDepartmentId: 'd1' });
    expect(departmentView(org.Department.fromPartial({ id: 'd1', hallId: 'h1' })).upperDepartmentId).toBe('');
  });

  it("gives a window's kind by name", () => {
    const room = org.Window.fromPartial({
      id: 'w1',
      kind: org.WindowKind.WINDOW_KIND_BATCH_ROOM,
      departmentIds: ['d1'],
    });
    expect(windowView(room)).toMatchObject({ kind: 'batch_room', departmentIds: ['d1'] });
  });
});
