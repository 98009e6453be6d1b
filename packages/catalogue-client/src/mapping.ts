import { LimitUnits, WorkingCalendar, type TimeLimit as CalendarLimit, type YearSchedule } from '@govhall/calendar';
import { catalogueItemsV1, type catalogueCalendarV1, type catalogueV1 } from '@govhall/contracts';
import {
  STAFF_ROLE_NAMES,
  type DepartmentView,
  type HallView,
  type StaffRoleName,
  type StaffView,
  type WindowKindName,
  type WindowView,
} from './catalogue-reader';

/** A catalogue enum value by its lower-case name: `HALL_TIER_CITY` → `city`. */
export const enumName = (value: string, prefix: string): string => value.slice(prefix.length).toLowerCase();

const STAFF_ROLES: ReadonlySet<string> = new Set(STAFF_ROLE_NAMES);
const isStaffRoleName = (name: string): name is StaffRoleName => STAFF_ROLES.has(name);

/**
 * The working calendar a GetHallCalendar answer describes: the hall's region and hours, and the schedule of every
 * year the answer has one for (a missing year is left out, so a computation that reaches it throws
 * `ScheduleMissingError` rather than counting a year without holidays).
 */
export function workingCalendarFromHallCalendar(answer: catalogueCalendarV1.GetHallCalendarResponse): WorkingCalendar {
  const schedules: YearSchedule[] = answer.years.flatMap((y) =>
    y.schedule
      ? [
          {
            regionCode: y.schedule.regionCode,
            year: y.schedule.year,
            holidays: y.schedule.holidays,
            makeUpWorkdays: y.schedule.makeUpWorkdays,
            version: y.schedule.dataVersion,
          },
        ]
      : [],
  );
  return new WorkingCalendar({
    regionCode: answer.regionCode,
    workingHours: { periods: answer.workingHours?.periods ?? [] },
    schedules,
  });
}

const LIMIT_UNITS: Partial<Record<catalogueItemsV1.LimitUnit, CalendarLimit['unit']>> = {
  [catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_DAYS]: LimitUnits.workingDays,
  [catalogueItemsV1.LimitUnit.LIMIT_UNIT_NATURAL_DAYS]: LimitUnits.naturalDays,
  [catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_HOURS]: LimitUnits.workingHours,
  [catalogueItemsV1.LimitUnit.LIMIT_UNIT_NATURAL_HOURS]: LimitUnits.naturalHours,
};

/** A catalogue time limit as the calendar computes with it; undefined for an absent one or an unspecified unit. */
export function calendarLimitOf(limit: catalogueItemsV1.TimeLimit | undefined): CalendarLimit | undefined {
  const unit = limit && LIMIT_UNITS[limit.unit];
  return unit ? { amount: limit.amount, unit } : undefined;
}

export function hallView(h: catalogueV1.Hall): HallView {
  return {
    id: h.id,
    name: h.name,
    tier: enumName(h.tier, 'HALL_TIER_'),
    regionCode: h.regionCode,
    parentId: h.parentHallId,
    complaintPhone: h.complaintPhone,
    complaintUrl: h.complaintUrl,
    active: h.active,
  };
}

export function departmentView(d: catalogueV1.Department): DepartmentView {
  return {
    id: d.id,
    hallId: d.hallId,
    code: d.code,
    name: d.name,
    regionCode: d.regionCode,
    consultationPhone: d.consultationPhone,
    upperDepartmentId: d.upperDepartmentId,
    active: d.active,
  };
}

export function windowView(w: catalogueV1.Window): WindowView {
  return {
    id: w.id,
    hallId: w.hallId,
    number: w.number,
    name: w.name,
    kind: enumName(w.kind, 'WINDOW_KIND_') as WindowKindName,
    departmentIds: w.departmentIds,
    active: w.active,
  };
}

export function staffView(s: catalogueV1.Staff): StaffView {
  return {
    id: s.id,
    hallId: s.hallId,
    departmentId: s.departmentId,
    employeeNo: s.employeeNo,
    name: s.name,
    // A role this build does not know (a newer catalogue's value) grants nothing here, so it is left out.
    roles: s.roles.map((r) => enumName(r, 'STAFF_ROLE_')).filter(isStaffRoleName),
    windowId: s.windowId,
    active: s.active,
  };
}
