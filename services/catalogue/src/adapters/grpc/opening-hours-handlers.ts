import { catalogueOpeningHoursV1 as pb } from '@govhall/contracts';
import { Access, grpcService, required, unary, type GrpcServiceRegistration } from '@govhall/kit';
import { ADMINISTRATOR } from './organisation-handlers';
import type { OpeningHoursService } from '../../app/opening-hours-service';
import { openTimesOut, openingHoursOut, scheduleIn, scopeIn } from '../proto/opening-hours';

/** Thin gRPC handlers of `govhall.catalogue.v1.OpeningHoursService`: decode, call one use case, encode. */
export function openingHoursHandlers(service: OpeningHoursService): pb.OpeningHoursServiceServer {
  const handlers: { [K in keyof pb.OpeningHoursServiceServer]: pb.OpeningHoursServiceServer[K] } = {
    setOpeningHours: unary('SetOpeningHours', async (r: pb.SetOpeningHoursRequest) => {
      const result = await service.setOpeningHours(
        { requestId: r.requestId },
        scopeIn(r),
        scheduleIn(required(r.schedule, 'schedule')),
        r.expectedVersion,
      );
      return { openingHours: openingHoursOut(result.openingHours), unchanged: result.unchanged };
    }),
    clearOpeningHours: unary('ClearOpeningHours', async (r: pb.ClearOpeningHoursRequest) => {
      const result = await service.clearOpeningHours({ requestId: r.requestId }, scopeIn(r), r.expectedVersion);
      return { cleared: openingHoursOut(result.cleared), clearedAt: result.clearedAt };
    }),
    getOpeningHours: unary('GetOpeningHours', async (r: pb.GetOpeningHoursRequest) => ({
      openingHours: openingHoursOut(await service.getOpeningHours(scopeIn(r))),
    })),
    listOpeningHours: unary('ListOpeningHours', async (r: pb.ListOpeningHoursRequest) => ({
      openingHours: (await service.listOpeningHours(r.hallId)).map(openingHoursOut),
    })),
    getOpenTimes: unary('GetOpenTimes', async (r: pb.GetOpenTimesRequest) =>
      openTimesOut(await service.getOpenTimes(r.hallId, r.windowId, r.fromDate, r.days)),
    ),
  };
  return handlers;
}

/** Who may call each method: administrators set and clear; opening hours are public information. */
export const OPENING_HOURS_ACCESS = {
  setOpeningHours: ADMINISTRATOR,
  clearOpeningHours: ADMINISTRATOR,
  getOpeningHours: Access.public(),
  listOpeningHours: Access.public(),
  getOpenTimes: Access.public(),
} as const;

/** The opening-hours service as `startGrpcServer` takes it: `services: [..., openingHoursGrpcService(hours)]`. */
export function openingHoursGrpcService(service: OpeningHoursService): GrpcServiceRegistration {
  return grpcService(pb.OpeningHoursServiceService, openingHoursHandlers(service), OPENING_HOURS_ACCESS);
}
