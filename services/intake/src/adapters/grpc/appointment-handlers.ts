import { intakeAppointmentsV1 as pb } from '@govhall/contracts';
import { Access, grpcService, unary, type GrpcServiceRegistration } from '@govhall/kit';
import type { AppointmentService } from '../../app/appointment-service';

const ADMINISTRATOR = Access.staff({ anyRole: ['administrator'] });
/** Staff of the hall (checked in the use case), or the gateway (web and phone booking). */
const STAFF_OR_GATEWAY = Access.anyOf(Access.staff(), Access.service('gateway'));
export const APPOINTMENT_ACCESS = {
  setAppointmentSlots: ADMINISTRATOR,
  listAppointmentSlots: Access.public(),
  bookAppointment: STAFF_OR_GATEWAY,
  cancelAppointment: STAFF_OR_GATEWAY,
  rescheduleAppointment: STAFF_OR_GATEWAY,
  getAppointment: STAFF_OR_GATEWAY,
  checkInAppointment: STAFF_OR_GATEWAY,
  setBatchServicePolicy: ADMINISTRATOR,
  getBatchServicePolicy: STAFF_OR_GATEWAY,
  bookBatchService: STAFF_OR_GATEWAY,
  cancelBatchService: STAFF_OR_GATEWAY,
  listBatchServices: STAFF_OR_GATEWAY,
} as const;

/** Thin gRPC handlers: the use cases take and answer the contract messages (docs/adr/0017). */
export function appointmentHandlers(service: AppointmentService): pb.AppointmentServiceServer {
  return {
    setAppointmentSlots: unary('SetAppointmentSlots', (r: pb.SetAppointmentSlotsRequest, ctx) =>
      service.setSlots({ requestId: r.requestId, actor: ctx.actor }, r),
    ),
    listAppointmentSlots: unary('ListAppointmentSlots', async (r: pb.ListAppointmentSlotsRequest) => ({
      slots: await service.listSlots(r),
    })),
    bookAppointment: unary('BookAppointment', async (r: pb.BookAppointmentRequest, ctx) => ({
      appointment: await service.book({ requestId: r.requestId, actor: ctx.actor }, r),
    })),
    cancelAppointment: unary('CancelAppointment', async (r: pb.CancelAppointmentRequest, ctx) => ({
      appointment: await service.cancel({ requestId: r.requestId, actor: ctx.actor }, r),
    })),
    rescheduleAppointment: unary('RescheduleAppointment', async (r: pb.RescheduleAppointmentRequest, ctx) => ({
      appointment: await service.reschedule({ requestId: r.requestId, actor: ctx.actor }, r),
    })),
    getAppointment: unary('GetAppointment', async (r: pb.GetAppointmentRequest, ctx) => ({
      appointment: await service.get(ctx.actor, r),
    })),
    checkInAppointment: unary('CheckInAppointment', (r: pb.CheckInAppointmentRequest, ctx) =>
      service.checkIn({ requestId: r.requestId, actor: ctx.actor }, r),
    ),
    setBatchServicePolicy: unary('SetBatchServicePolicy', async (r: pb.SetBatchServicePolicyRequest, ctx) => ({
      policy: await service.setPolicy({ requestId: r.requestId, actor: ctx.actor }, r),
    })),
    getBatchServicePolicy: unary('GetBatchServicePolicy', async (r: pb.GetBatchServicePolicyRequest) => ({
      policy: await service.getPolicy(r.hallId),
    })),
    bookBatchService: unary('BookBatchService', async (r: pb.BookBatchServiceRequest, ctx) => ({
      booking: await service.bookBatch({ requestId: r.requestId, actor: ctx.actor }, r),
    })),
    cancelBatchService: unary('CancelBatchService', async (r: pb.CancelBatchServiceRequest, ctx) => ({
      booking: await service.cancelBatch({ requestId: r.requestId, actor: ctx.actor }, r),
    })),
    listBatchServices: unary('ListBatchServices', async (r: pb.ListBatchServicesRequest, ctx) => ({
      bookings: await service.listBatch(ctx.actor, r),
    })),
  };
}

export const appointmentGrpcService = (service: AppointmentService): GrpcServiceRegistration =>
  grpcService(pb.AppointmentServiceService, appointmentHandlers(service), APPOINTMENT_ACCESS);
