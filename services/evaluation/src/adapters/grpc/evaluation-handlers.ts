import { evaluationV1 as pb } from '@govhall/contracts';
import { Access, grpcService, unary, type GrpcServiceRegistration } from '@govhall/kit';
import type { AssessmentService } from '../../app/assessment-service';
import type { EvaluationService } from '../../app/evaluation-service';

const STAFF = Access.staff();
const ADMINISTRATOR = Access.staff({ anyRole: ['administrator'] });
const SUPERVISION = Access.staff({ anyRole: ['supervisor', 'administrator'] });
const GATEWAY = Access.service('gateway');
const STAFF_OR_GATEWAY = Access.anyOf(Access.staff(), Access.service('gateway'));

/** Who may call each method; hall, assignee and role rules beyond these are the use cases'. */
export const EVALUATION_ACCESS = {
  setHallEvaluationSettings: ADMINISTRATOR,
  getHallEvaluationSettings: Access.public(),
  // The gateway serves the window devices, kiosks and the web; staff key in paper cards.
  rate: STAFF_OR_GATEWAY,
  issueRatingLink: STAFF_OR_GATEWAY,
  getRatingInvitation: GATEWAY,
  rateByLink: GATEWAY,
  getRating: STAFF,
  listRatings: STAFF,
  getEvaluationRates: STAFF,
  listRectifications: STAFF,
  getRectification: STAFF,
  resolveRectification: STAFF,
  appealRectification: STAFF,
  decideAppeal: SUPERVISION,
  listPublishedRectifications: Access.public(),
  listReturnVisits: SUPERVISION,
  recordReturnVisit: SUPERVISION,
  getReturnVisitCounts: STAFF,
  fileComplaint: STAFF_OR_GATEWAY,
  advanceComplaint: SUPERVISION,
  getComplaint: STAFF,
  listComplaints: STAFF,
  setAssessmentRules: ADMINISTRATOR,
  getAssessmentRules: STAFF,
  recordAssessmentFacts: SUPERVISION,
  importAttendance: SUPERVISION,
  voidAssessmentFact: SUPERVISION,
  listAssessmentFacts: STAFF,
  previewMonth: STAFF,
  closeMonth: SUPERVISION,
  publishMonth: SUPERVISION,
  correctMonth: SUPERVISION,
  getMonth: STAFF,
  getPublishedMonth: Access.public(),
  renderAssessmentNotice: STAFF,
  getYearSummary: STAFF,
} as const;

/** Thin gRPC handlers of `govhall.evaluation.v1.EvaluationService`. */
export function evaluationHandlers(s: EvaluationService, a: AssessmentService): pb.EvaluationServiceServer {
  return {
    setHallEvaluationSettings: unary('SetHallEvaluationSettings', (r: pb.SetHallEvaluationSettingsRequest, ctx) =>
      s.setHallEvaluationSettings(ctx.actor, r),
    ),
    getHallEvaluationSettings: unary('GetHallEvaluationSettings', (r: pb.GetHallEvaluationSettingsRequest) =>
      s.getHallEvaluationSettings(r),
    ),
    rate: unary('Rate', (r: pb.RateRequest, ctx) => s.rate(ctx.actor, r)),
    issueRatingLink: unary('IssueRatingLink', (r: pb.IssueRatingLinkRequest, ctx) => s.issueRatingLink(ctx.actor, r)),
    getRatingInvitation: unary('GetRatingInvitation', (r: pb.GetRatingInvitationRequest) => s.getRatingInvitation(r)),
    rateByLink: unary('RateByLink', (r: pb.RateByLinkRequest) => s.rateByLink(r)),
    getRating: unary('GetRating', (r: pb.GetRatingRequest, ctx) => s.getRating(ctx.actor, r)),
    listRatings: unary('ListRatings', (r: pb.ListRatingsRequest, ctx) => s.listRatings(ctx.actor, r)),
    getEvaluationRates: unary('GetEvaluationRates', (r: pb.GetEvaluationRatesRequest, ctx) =>
      s.getEvaluationRates(ctx.actor, r),
    ),
    listRectifications: unary('ListRectifications', (r: pb.ListRectificationsRequest, ctx) =>
      s.listRectifications(ctx.actor, r),
    ),
    getRectification: unary('GetRectification', (r: pb.GetRectificationRequest, ctx) =>
      s.getRectification(ctx.actor, r),
    ),
    resolveRectification: unary('ResolveRectification', (r: pb.ResolveRectificationRequest, ctx) =>
      s.resolveRectification(ctx.actor, r),
    ),
    appealRectification: unary('AppealRectification', (r: pb.AppealRectificationRequest, ctx) =>
      s.appealRectification(ctx.actor, r),
    ),
    decideAppeal: unary('DecideAppeal', (r: pb.DecideAppealRequest, ctx) => s.decideAppeal(ctx.actor, r)),
    listPublishedRectifications: unary('ListPublishedRectifications', (r: pb.ListPublishedRectificationsRequest) =>
      s.listPublishedRectifications(r),
    ),
    listReturnVisits: unary('ListReturnVisits', (r: pb.ListReturnVisitsRequest, ctx) =>
      s.listReturnVisits(ctx.actor, r),
    ),
    recordReturnVisit: unary('RecordReturnVisit', (r: pb.RecordReturnVisitRequest, ctx) =>
      s.recordReturnVisit(ctx.actor, r),
    ),
    getReturnVisitCounts: unary('GetReturnVisitCounts', (r: pb.GetReturnVisitCountsRequest, ctx) =>
      s.getReturnVisitCounts(ctx.actor, r),
    ),
    fileComplaint: unary('FileComplaint', (r: pb.FileComplaintRequest, ctx) => s.fileComplaint(ctx.actor, r)),
    advanceComplaint: unary('AdvanceComplaint', (r: pb.AdvanceComplaintRequest, ctx) =>
      s.advanceComplaint(ctx.actor, r),
    ),
    getComplaint: unary('GetComplaint', (r: pb.GetComplaintRequest, ctx) => s.getComplaint(ctx.actor, r)),
    listComplaints: unary('ListComplaints', (r: pb.ListComplaintsRequest, ctx) => s.listComplaints(ctx.actor, r)),
    setAssessmentRules: unary('SetAssessmentRules', (r: pb.SetAssessmentRulesRequest, ctx) =>
      a.setAssessmentRules(ctx.actor, r),
    ),
    getAssessmentRules: unary('GetAssessmentRules', (r: pb.GetAssessmentRulesRequest, ctx) =>
      a.getAssessmentRules(ctx.actor, r),
    ),
    recordAssessmentFacts: unary('RecordAssessmentFacts', (r: pb.RecordAssessmentFactsRequest, ctx) =>
      a.recordAssessmentFacts(ctx.actor, r),
    ),
    importAttendance: unary('ImportAttendance', (r: pb.ImportAttendanceRequest, ctx) =>
      a.importAttendance(ctx.actor, r),
    ),
    voidAssessmentFact: unary('VoidAssessmentFact', (r: pb.VoidAssessmentFactRequest, ctx) =>
      a.voidAssessmentFact(ctx.actor, r),
    ),
    listAssessmentFacts: unary('ListAssessmentFacts', (r: pb.ListAssessmentFactsRequest, ctx) =>
      a.listAssessmentFacts(ctx.actor, r),
    ),
    previewMonth: unary('PreviewMonth', (r: pb.PreviewMonthRequest, ctx) => a.previewMonth(ctx.actor, r)),
    closeMonth: unary('CloseMonth', (r: pb.CloseMonthRequest, ctx) => a.closeMonth(ctx.actor, r)),
    publishMonth: unary('PublishMonth', (r: pb.PublishMonthRequest, ctx) => a.publishMonth(ctx.actor, r)),
    correctMonth: unary('CorrectMonth', (r: pb.CorrectMonthRequest, ctx) => a.correctMonth(ctx.actor, r)),
    getMonth: unary('GetMonth', (r: pb.GetMonthRequest, ctx) => a.getMonth(ctx.actor, r)),
    getPublishedMonth: unary('GetPublishedMonth', (r: pb.GetPublishedMonthRequest) => a.getPublishedMonth(r)),
    renderAssessmentNotice: unary('RenderAssessmentNotice', (r: pb.RenderAssessmentNoticeRequest, ctx) =>
      a.renderAssessmentNotice(ctx.actor, r),
    ),
    getYearSummary: unary('GetYearSummary', (r: pb.GetYearSummaryRequest, ctx) => a.getYearSummary(ctx.actor, r)),
  };
}

export const evaluationGrpcService = (s: EvaluationService, a: AssessmentService): GrpcServiceRegistration =>
  grpcService(pb.EvaluationServiceService, evaluationHandlers(s, a), EVALUATION_ACCESS);
