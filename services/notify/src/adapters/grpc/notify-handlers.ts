import { notifyV1 as pb } from '@govhall/contracts';
import { Access, grpcService, unary, type GrpcServiceRegistration } from '@govhall/kit';
import type { NotifyService } from '../../app/notify-service';

const STAFF = Access.staff();
const ADMINISTRATOR = Access.staff({ anyRole: ['administrator'] });
const LOG_READERS = Access.anyOf(Access.staff({ anyRole: ['administrator', 'supervisor'] }), Access.service('gateway'));

/** Who may call each method; the hall scope of the log is the use cases'. */
export const NOTIFY_ACCESS = {
  saveTemplate: ADMINISTRATOR,
  getTemplate: STAFF,
  listTemplates: STAFF,
  renderTemplate: STAFF,
  send: Access.service('gateway', 'evaluation', 'fee', 'case', 'intake'),
  getDispatch: LOG_READERS,
  listDispatches: LOG_READERS,
  resend: ADMINISTRATOR,
  getHallSettings: STAFF,
  setHallSettings: ADMINISTRATOR,
} as const;

/** Thin gRPC handlers of `govhall.notify.v1.NotifyService`. */
export function notifyHandlers(service: NotifyService): pb.NotifyServiceServer {
  return {
    saveTemplate: unary('SaveTemplate', (r: pb.SaveTemplateRequest, ctx) => service.saveTemplate(ctx.actor, r)),
    getTemplate: unary('GetTemplate', (r: pb.GetTemplateRequest) => service.getTemplate(r)),
    listTemplates: unary('ListTemplates', () => service.listTemplates()),
    renderTemplate: unary('RenderTemplate', (r: pb.RenderTemplateRequest) => service.renderTemplate(r)),
    send: unary('Send', (r: pb.SendRequest) => service.send(r)),
    getDispatch: unary('GetDispatch', (r: pb.GetDispatchRequest, ctx) => service.getDispatch(ctx.actor, r)),
    listDispatches: unary('ListDispatches', (r: pb.ListDispatchesRequest, ctx) => service.listDispatches(ctx.actor, r)),
    resend: unary('Resend', (r: pb.ResendRequest, ctx) => service.resend(ctx.actor, r)),
    getHallSettings: unary('GetHallSettings', (r: pb.GetHallSettingsRequest) => service.getHallSettings(r)),
    setHallSettings: unary('SetHallSettings', (r: pb.SetHallSettingsRequest, ctx) =>
      service.setHallSettings(ctx.actor, r),
    ),
  };
}

export const notifyGrpcService = (service: NotifyService): GrpcServiceRegistration =>
  grpcService(pb.NotifyServiceService, notifyHandlers(service), NOTIFY_ACCESS);
