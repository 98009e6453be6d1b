import type { NamedDate, WorkingPeriod } from '@govhall/calendar';
import { catalogueCalendarV1 as pb } from '@govhall/contracts';
import { unary, type GrpcServiceRegistration } from '@govhall/kit';
import type { CalendarService } from '../../app/calendar-service';
import type {
  HallCalendar,
  HallCalendarYear,
  HallHoursView,
  RegionLevel,
  ScheduleSource,
  ScheduleView,
  YearScheduleHistory,
} from '../../domain/calendar-admin';

// ---- proto ↔ domain --------------------------------------------------------------------------------------

const namedDatesIn = (list: readonly pb.CalendarNamedDate[]): NamedDate[] =>
  list.map((d) => ({ date: d.date, name: d.name }));
const namedDatesOut = (list: readonly NamedDate[]): pb.CalendarNamedDate[] =>
  list.map((d) => ({ date: d.date, name: d.name }));
const periodsIn = (list: readonly pb.CalendarWorkingPeriod[]): WorkingPeriod[] =>
  list.map((p) => ({ start: p.start, end: p.end }));

const SOURCES: Record<ScheduleSource, pb.CalendarScheduleSource> = {
  stored: pb.CalendarScheduleSource.CALENDAR_SCHEDULE_SOURCE_STORED,
  chinese_days: pb.CalendarScheduleSource.CALENDAR_SCHEDULE_SOURCE_CHINESE_DAYS,
};
const LEVELS: Record<RegionLevel, pb.CalendarRegionLevel> = {
  village: pb.CalendarRegionLevel.CALENDAR_REGION_LEVEL_VILLAGE,
  township: pb.CalendarRegionLevel.CALENDAR_REGION_LEVEL_TOWNSHIP,
  county: pb.CalendarRegionLevel.CALENDAR_REGION_LEVEL_COUNTY,
  city: pb.CalendarRegionLevel.CALENDAR_REGION_LEVEL_CITY,
  province: pb.CalendarRegionLevel.CALENDAR_REGION_LEVEL_PROVINCE,
  national: pb.CalendarRegionLevel.CALENDAR_REGION_LEVEL_NATIONAL,
};

/** A year schedule on the wire. */
export function scheduleToProto(s: ScheduleView): pb.CalendarYearSchedule {
  return {
    regionCode: s.regionCode,
    regionLevel: LEVELS[s.regionLevel],
    year: s.year,
    source: SOURCES[s.source],
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

const historyOut = (h: YearScheduleHistory): pb.CalendarYearHistory => ({
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

const hallYearOut = (y: HallCalendarYear): pb.CalendarHallYear =>
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

// ---- handlers --------------------------------------------------------------------------------------------

/** Thin gRPC handlers of `govhall.catalogue.v1.CalendarService`: decode, call one use case, encode. */
export function calendarHandlers(service: CalendarService): pb.CalendarServiceServer {
  const handlers: { [K in keyof pb.CalendarServiceServer]: pb.CalendarServiceServer[K] } = {
    loadYearSchedule: unary('LoadYearSchedule', async (r: pb.LoadYearScheduleRequest) => {
      const result = await service.loadYearSchedule(
        { requestId: r.requestId },
        {
          regionCode: r.regionCode,
          year: r.year,
          holidays: namedDatesIn(r.holidays),
          makeUpWorkdays: namedDatesIn(r.makeUpWorkdays),
          note: r.note,
        },
      );
      return {
        schedule: scheduleToProto(result.schedule),
        supersededVersion: result.supersededVersion ?? 0,
        unchanged: result.unchanged,
      };
    }),
    getYearSchedule: unary('GetYearSchedule', async (r: pb.GetYearScheduleRequest) => ({
      schedule: scheduleToProto(await service.getYearSchedule(r.regionCode, r.year, r.version, r.includeDefault)),
    })),
    listYearSchedules: unary('ListYearSchedules', async (r: pb.ListYearSchedulesRequest) => ({
      years: (await service.listYearSchedules(r.regionCode)).map(historyOut),
    })),
    setHallWorkingHours: unary('SetHallWorkingHours', async (r: pb.SetHallWorkingHoursRequest) => {
      const result = await service.setHallWorkingHours(
        { requestId: r.requestId },
        r.hallId,
        periodsIn(r.periods),
        r.expectedVersion,
      );
      return { workingHours: hallHoursToProto(result.workingHours), unchanged: result.unchanged };
    }),
    getHallCalendar: unary('GetHallCalendar', async (r: pb.GetHallCalendarRequest) =>
      hallCalendarToProto(await service.getHallCalendar(r.hallId, r.years)),
    ),
  };
  return handlers;
}

/** The calendar service as `startGrpcServer` takes it: `services: [..., calendarGrpcService(calendar)]`. */
export function calendarGrpcService(service: CalendarService): GrpcServiceRegistration {
  return { definition: pb.CalendarServiceService, implementation: calendarHandlers(service) };
}
