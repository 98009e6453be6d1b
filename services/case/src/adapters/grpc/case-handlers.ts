import { caseV1 as pb } from '@govhall/contracts';
import { Access, grpcService, unary, type CallContext, type GrpcServiceRegistration } from '@govhall/kit';
import type { CaseDocuments } from '../../app/case-documents';
import type { CaseService } from '../../app/case-service';

const STAFF = Access.staff();

/** Who may call each method; department, hall and step rules are the use cases'. */
export const CASE_ACCESS = {
  act: STAFF,
  getCase: STAFF,
  listTodo: STAFF,
  listCases: STAFF,
  verifyActionLog: STAFF,
  renderDecision: STAFF,
  queryProgress: Access.public(),
  listPublishedResults: Access.public(),
  holdJointMeeting: STAFF,
  getJointMeeting: STAFF,
  createArchiveBatch: STAFF,
  listArchiveBatches: STAFF,
  getBundle: STAFF,
  setHallCaseSettings: Access.staff({ anyRole: ['administrator'] }),
  getHallCaseSettings: STAFF,
} as const;

/**
 * Who is asking for a progress query, for the wrong-password limit: the gateway (a service) names the browser's
 * address in `x-client-address`; anyone else is their own connection's address (without the port).
 */
export function progressClient(ctx: CallContext): string {
  if (ctx.actor.kind === 'service') {
    const forwarded = ctx.metadata.get('x-client-address')[0];
    if (typeof forwarded === 'string' && /^[0-9A-Fa-f:.]{2,45}$/.test(forwarded)) return forwarded;
  }
  return ctx.peer.replace(/:\d+$/, '');
}

/** Thin gRPC handlers of `govhall.case.v1.CaseService`: the use cases take and answer the contract messages. */
export function caseHandlers(service: CaseService, documents: CaseDocuments): pb.CaseServiceServer {
  return {
    act: unary('Act', (r: pb.ActRequest, ctx) => service.act(ctx.actor, r)),
    getCase: unary('GetCase', (r: pb.GetCaseRequest, ctx) => service.getCase(ctx.actor, r)),
    listTodo: unary('ListTodo', (r: pb.ListTodoRequest, ctx) => service.listTodo(ctx.actor, r)),
    listCases: unary('ListCases', (r: pb.ListCasesRequest, ctx) => service.listCases(ctx.actor, r)),
    verifyActionLog: unary('VerifyActionLog', (r: pb.VerifyActionLogRequest, ctx) =>
      service.verifyActionLog(ctx.actor, r),
    ),
    renderDecision: unary('RenderDecision', (r: pb.RenderDecisionRequest, ctx) => documents.render(ctx.actor, r)),
    queryProgress: unary('QueryProgress', (r: pb.QueryProgressRequest, ctx) =>
      service.queryProgress(progressClient(ctx), r),
    ),
    listPublishedResults: unary('ListPublishedResults', (r: pb.ListPublishedResultsRequest) =>
      service.listPublishedResults(r),
    ),
    holdJointMeeting: unary('HoldJointMeeting', (r: pb.HoldJointMeetingRequest, ctx) =>
      service.holdJointMeeting(ctx.actor, r),
    ),
    getJointMeeting: unary('GetJointMeeting', (r: pb.GetJointMeetingRequest, ctx) =>
      service.getJointMeeting(ctx.actor, r),
    ),
    createArchiveBatch: unary('CreateArchiveBatch', (r: pb.CreateArchiveBatchRequest, ctx) =>
      service.createArchiveBatch(ctx.actor, r),
    ),
    listArchiveBatches: unary('ListArchiveBatches', (r: pb.ListArchiveBatchesRequest, ctx) =>
      service.listArchiveBatches(ctx.actor, r),
    ),
    getBundle: unary('GetBundle', (r: pb.GetBundleRequest, ctx) => service.getBundle(ctx.actor, r)),
    setHallCaseSettings: unary('SetHallCaseSettings', (r: pb.SetHallCaseSettingsRequest, ctx) =>
      service.setHallCaseSettings(ctx.actor, r),
    ),
    getHallCaseSettings: unary('GetHallCaseSettings', (r: pb.GetHallCaseSettingsRequest, ctx) =>
      service.getHallCaseSettings(ctx.actor, r),
    ),
  };
}

export const caseGrpcService = (service: CaseService, documents: CaseDocuments): GrpcServiceRegistration =>
  grpcService(pb.CaseServiceService, caseHandlers(service, documents), CASE_ACCESS);
