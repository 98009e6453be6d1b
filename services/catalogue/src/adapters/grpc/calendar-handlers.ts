import { catalogueCalendarV1 as pb } from '@govhall/contracts';
import { Access, grpcService, unary, type GrpcServiceRegistration } from '@govhall/kit';
import { ADMINISTRATOR } from './organisation-handlers';
import type { CalendarService } from '../../app/calendar-service';
import {
  hallCalendarToProto,
  hallHoursToProto,
  historyOut,
  namedDatesIn,
  periodsIn,
  scheduleToProto,
} from '../proto/calendar';

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

/** Who may call each method: the administrators load the calendar data; every service and applicant reads it. */
export const CALENDAR_ACCESS = {
  loadYearSchedule: ADMINISTRATOR,
  getYearSchedule: Access.public(),
  listYearSchedules: Access.public(),
  setHallWorkingHours: ADMINISTRATOR,
  getHallCalendar: Access.public(),
} as const;

/** The calendar service as `startGrpcServer` takes it: `services: [..., calendarGrpcService(calendar)]`. */
export function calendarGrpcService(service: CalendarService): GrpcServiceRegistration {
  return grpcService(pb.CalendarServiceService, calendarHandlers(service), CALENDAR_ACCESS);
}
