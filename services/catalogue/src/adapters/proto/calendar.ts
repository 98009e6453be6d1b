import type { NamedDate, WorkingPeriod } from '@govhall/calendar';
import type { catalogueCalendarV1 as pb } from '@govhall/contracts';
import type {
  HallCalendar,
  HallCalendarYear,
  HallHoursView,
  ScheduleView,
  YearScheduleHistory,
} from '../../domain/calendar-admin';
import { regionLevel, scheduleSource } from './enums';

/** The calendar data's messages: proto → domain inputs, domain → proto (answers and event payloads). */

// ---- proto ↔ domain --------------------------------------------------------------------------------------

export const namedDatesIn = (list: readonly pb.CalendarNamedDate[]): NamedDate[] =>
  list.map((d) => ({ date: d.date, name: d.name }));
export const namedDatesOut = (list: readonly NamedDate[]): pb.CalendarNamedDate[] =>
  list.map((d) => ({ date: d.date, name: d.name }));
export const periodsIn = (list: readonly pb.CalendarWorkingPeriod[]): WorkingPeriod[] =>
  list.map((p) => ({ start: p.start, end: p.end }));

/** A year schedule on the wire. */
export function scheduleToProto(s: ScheduleView): pb.CalendarYearSchedule {
  return {
    regionCode: s.regionCode,
    regionLevel: regionLevel.toProto(s.regionLevel),
    year: s.year,
    source: scheduleSource.toProto(s.source),
    version: s.version,
    dataVersion: s.dataVersion,
    holidays: namedDatesOut(s.holidays),
    makeUpWorkdays: namedDatesOut(s.makeUpWorkdays),
    note: s.note,
    loadedAt: s.loadedAt ?? undefined,
  };
}

/** A hall's working hours on the wire. */
export function hallHoursToProto(h: HallHoursView): pb.CalendarHallHours {
  return {
    hallId: h.hallId,
    periods: h.periods.map((p) => ({ start: p.start, end: p.end })),
    version: h.version,
    isDefault: h.isDefault,
    setAt: h.setAt ?? undefined,
  };
}

export const historyOut = (h: YearScheduleHistory): pb.CalendarYearHistory => ({
  year: h.year,
  versionInForce: h.versionInForce,
  versions: h.versions.map((v) => ({
    version: v.version,
    loadedAt: v.loadedAt,
    note: v.note,
    holidayCount: v.holidayCount,
    makeUpWorkdayCount: v.makeUpWorkdayCount,
  })),
});

export const hallYearOut = (y: HallCalendarYear): pb.CalendarHallYear =>
  y.missing
    ? { year: y.year, missing: true, schedule: undefined }
    : { year: y.year, missing: false, schedule: scheduleToProto(y.schedule) };

/** A hall's calendar on the wire: what `GetHallCalendar` answers. */
export function hallCalendarToProto(c: HallCalendar): pb.GetHallCalendarResponse {
  return {
    hallId: c.hallId,
    regionCode: c.regionCode,
    lookupChain: [...c.lookupChain],
    workingHours: hallHoursToProto(c.workingHours),
    years: c.years.map(hallYearOut),
    missingYears: [...c.missingYears],
  };
}
