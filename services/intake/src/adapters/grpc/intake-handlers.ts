import { intakeV1 as pb } from '@govhall/contracts';
import { Access, grpcService, unary, type GrpcServiceRegistration } from '@govhall/kit';
import type { IntakeDocuments } from '../../app/intake-documents';
import type { IntakeService } from '../../app/intake-service';

const STAFF = Access.staff();

/** Who may call each method; finer rules (same hall, department, window) are the use cases'. */
export const INTAKE_ACCESS = {
  registerAgent: Access.staff({ anyRole: ['administrator'] }),
  listAgents: STAFF,
  register: STAFF,
  getRegistration: STAFF,
  listRegistrations: STAFF,
  listOnFile: STAFF,
  accept: STAFF,
  acceptWithMissing: STAFF,
  supplyMissingMaterials: STAFF,
  requestSupplement: STAFF,
  resubmit: STAFF,
  refuse: STAFF,
  completeImmediately: STAFF,
  reissueQueryPassword: STAFF,
  listRefusals: Access.staff({ anyRole: ['supervisor', 'administrator'] }),
  renderDocument: STAFF,
  setDocumentTemplate: Access.staff({ anyRole: ['administrator'] }),
  getDocumentTemplate: STAFF,
  // Phones leave intake for one purpose only: an SMS.
  getContact: Access.service('notify'),
} as const;

/** Thin gRPC handlers of `govhall.intake.v1.IntakeService`: the use cases take and answer the contract messages. */
export function intakeHandlers(service: IntakeService, documents: IntakeDocuments): pb.IntakeServiceServer {
  const m = (r: { requestId: string }) => ({ requestId: r.requestId });
  return {
    registerAgent: unary('RegisterAgent', (r: pb.RegisterAgentRequest, ctx) =>
      service.registerAgent(m(r), ctx.actor, r),
    ),
    listAgents: unary('ListAgents', (r: pb.ListAgentsRequest, ctx) => service.listAgents(ctx.actor, r)),
    register: unary('Register', (r: pb.RegisterRequest, ctx) => service.register(m(r), ctx.actor, r)),
    getRegistration: unary('GetRegistration', (r: pb.GetRegistrationRequest, ctx) =>
      service.getRegistration(ctx.actor, r),
    ),
    listRegistrations: unary('ListRegistrations', (r: pb.ListRegistrationsRequest, ctx) =>
      service.listRegistrations(ctx.actor, r),
    ),
    listOnFile: unary('ListOnFile', (r: pb.ListOnFileRequest, ctx) => service.listOnFile(ctx.actor, r)),
    accept: unary('Accept', (r: pb.AcceptRequest, ctx) => service.accept(m(r), ctx.actor, r)),
    acceptWithMissing: unary('AcceptWithMissing', (r: pb.AcceptWithMissingRequest, ctx) =>
      service.acceptWithMissing(m(r), ctx.actor, r),
    ),
    supplyMissingMaterials: unary('SupplyMissingMaterials', (r: pb.SupplyMissingMaterialsRequest, ctx) =>
      service.supplyMissingMaterials(m(r), ctx.actor, r),
    ),
    requestSupplement: unary('RequestSupplement', (r: pb.RequestSupplementRequest, ctx) =>
      service.requestSupplement(m(r), ctx.actor, r),
    ),
    resubmit: unary('Resubmit', (r: pb.ResubmitRequest, ctx) => service.resubmit(m(r), ctx.actor, r)),
    refuse: unary('Refuse', (r: pb.RefuseRequest, ctx) => service.refuse(m(r), ctx.actor, r)),
    completeImmediately: unary('CompleteImmediately', (r: pb.CompleteImmediatelyRequest, ctx) =>
      service.completeImmediately(m(r), ctx.actor, r),
    ),
    reissueQueryPassword: unary('ReissueQueryPassword', (r: pb.ReissueQueryPasswordRequest, ctx) =>
      service.reissueQueryPassword(m(r), ctx.actor, r),
    ),
    listRefusals: unary('ListRefusals', (r: pb.ListRefusalsRequest, ctx) => service.listRefusals(ctx.actor, r)),
    renderDocument: unary('RenderDocument', (r: pb.RenderDocumentRequest, ctx) => documents.render(ctx.actor, r)),
    setDocumentTemplate: unary('SetDocumentTemplate', (r: pb.SetDocumentTemplateRequest, ctx) =>
      documents.setTemplate(m(r), ctx.actor, r),
    ),
    getDocumentTemplate: unary('GetDocumentTemplate', async (r: pb.GetDocumentTemplateRequest, ctx) => ({
      template: await documents.getTemplate(ctx.actor, r.hallId),
    })),
    getContact: unary('GetContact', (r: pb.GetContactRequest) => service.getContact(r)),
  };
}

export const intakeGrpcService = (service: IntakeService, documents: IntakeDocuments): GrpcServiceRegistration =>
  grpcService(pb.IntakeServiceService, intakeHandlers(service, documents), INTAKE_ACCESS);
