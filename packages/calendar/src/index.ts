/**
 * @govhall/calendar: working-time calendar (工作日历) of the halls. Working days per year and region
 * (weekends, public holidays, make-up working days 调休), a hall's working hours, and the deadline
 * arithmetic the timing service needs. Pure: plain data in, values out; no I/O, no clock.
 */
export { WorkingCalendar, LimitUnits, limitText } from './calendar';
export type { LimitUnit, PausedInterval, TimeLimit, WorkingCalendarOptions } from './calendar';
export {
  DEFAULT_SCHEDULE_FIRST_YEAR,
  DEFAULT_SCHEDULE_VERSION,
  defaultNationalSchedule,
  defaultNationalSchedules,
} from './default-schedule';
export {
  CalendarError,
  InvalidCalendarArgumentError,
  InvalidScheduleError,
  InvalidWorkingHoursError,
  ScheduleMissingError,
} from './errors';
export type { CalendarViolation } from './errors';
export { NATIONAL_REGION_CODE, REGION_CODE_PATTERN, regionLookupChain, validateYearSchedule } from './schedule';
export type { NamedDate, YearSchedule } from './schedule';
export { UTC_OFFSET_MS, isIsoDate, localDateOf } from './time';
export type { IsoDate } from './time';
export { validateWorkingHours } from './working-hours';
export type { WorkingHours, WorkingPeriod } from './working-hours';
