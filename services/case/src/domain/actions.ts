import { isIsoDate, localDateOf } from '@govhall/calendar';
import { caseV1, catalogueItemsV1, type caseEventsV1 } from '@govhall/contracts';
import { PermissionDeniedError, PreconditionFailedError, ValidationError } from '@govhall/kit';
import { requireFeesPaidForIssue } from './fees';
import { decidePart, isDecided, isSettled, requireSubtaskDepartment, requireWorkable, subtaskOf } from './joint';
import {
  Roles,
  Stage,
  type Case,
  type CaseActor,
  type CaseEnvironment,
  type CaseEventDraft,
  type LogDraft,
  type ProcessStage,
  type StageRecord,
  type Transition,
} from './model';
import {
  calendarLimit,
  caseRef,
  closeStage,
  decidingDepartmentOf,
  enterStage,
  nextStage,
  plannedStages,
  requireActiveStage,
} from './stages';

const St = caseV1.StageStatus;
const CS = caseV1.CaseStatus;
const D = caseV1.DecisionKind;

type Action = Exclude<keyof caseV1.ActRequest, 'requestId' | 'caseId' | 'expectedVersion'>;

/** The one action a request carries, or INVALID_ARGUMENT on `action`. */
export function actionOf(request: caseV1.ActRequest): Action {
  const set = (Object.keys(request) as Array<keyof caseV1.ActRequest>).filter(
    (k): k is Action => k !== 'requestId' && k !== 'caseId' && k !== 'expectedVersion' && request[k] !== undefined,
  );
  if (set.length !== 1) throw ValidationError.single('action', 'exactly one action is required');
  return set[0]!;
}

/** Free text of a request: trimmed, within bounds, no control characters. */
export function text(value: string, path: string, options: { required?: boolean; min?: number; max: number }): string {
  const trimmed = value.trim();
  if (!trimmed) {
    if (options.required) throw ValidationError.single(path, 'is required');
    return '';
  }
  const length = [...trimmed].length;
  if (length < (options.min ?? 1) || length > options.max) {
    throw ValidationError.single(path, `must be ${options.min ?? 1} to ${options.max} characters`);
  }
  return trimmed;
}

export function requireRole(actor: CaseActor, roles: readonly string[], what: string): string {
  const role = roles.find((r) => actor.roles.includes(r));
  if (!role) {
    throw new PermissionDeniedError(
      `${what} needs one of the roles ${roles.join(', ')}; the caller has ${actor.roles.join(', ') || 'none'}`,
    );
  }
  return role;
}

function requireDepartment(actor: CaseActor, step: { departmentId: string; hallId: string }, what: string): void {
  if (actor.departmentId !== step.departmentId || actor.hallId !== step.hallId) {
    throw new PermissionDeniedError(
      `${what} is for department ${step.departmentId} of hall ${step.hallId}; the caller is of department ${actor.departmentId || 'none'} of hall ${actor.hallId || 'none'}`,
    );
  }
}

/** The step's handler acts; an untaken step is taken by whoever acts on it. */
function claim(step: { handlerStaffId: string }, actor: CaseActor, c: Case): void {
  if (step.handlerStaffId && step.handlerStaffId !== actor.staffId) {
    throw new PreconditionFailedError(
      `case ${c.caseNumber} is being handled by ${step.handlerStaffId} (version ${c.version}); take it over by assignment`,
    );
  }
  step.handlerStaffId = actor.staffId;
}

/** A case this deployment may change now. */
export function requireActionable(c: Case, options: { suspendedOk?: boolean } = {}): void {
  if (c.status === CS.CASE_STATUS_HANDED_UP) {
    throw new PreconditionFailedError(
      `case ${c.caseNumber} was handed up to hall ${c.handoff?.toHallId ?? ''} and is handled there now (version ${c.version})`,
    );
  }
  if (c.status === CS.CASE_STATUS_SUSPENDED && !options.suspendedOk) {
    const running = c.specialProcedures.find((p) => !p.endedAt);
    throw new PreconditionFailedError(
      `case ${c.caseNumber} is paused by special procedure ${running?.id ?? ''} (${running?.kind ?? ''}); end it first (version ${c.version})`,
    );
  }
  if (c.status === CS.CASE_STATUS_COMPLETED || c.status === CS.CASE_STATUS_ARCHIVED) {
    throw new PreconditionFailedError(`case ${c.caseNumber} is ${c.status} (version ${c.version})`);
  }
}

/** One change of a case: a deep copy to work on, its log entries and events; `done` stamps `updatedAt`. */
export class Change {
  readonly c: Case;
  readonly log: LogDraft[] = [];
  readonly events: CaseEventDraft[] = [];
  constructor(
    original: Case,
    readonly actor: CaseActor,
    readonly env: CaseEnvironment,
  ) {
    // A deep copy by the message's own fromPartial, not structuredClone: that one makes its Dates in Node's main
    // realm, which the calendar's `instanceof Date` refuses under jest's per-file realms (Dates are never mutated).
    this.c = caseV1.Case.fromPartial(original);
  }
  record(entry: Omit<LogDraft, 'actor'> & { actor?: CaseActor }): void {
    this.log.push({ actor: this.actor, ...entry });
  }
  done(): Transition {
    this.c.updatedAt = this.env.now;
    return { case: this.c, log: this.log, events: this.events };
  }
}

/** Applies one staff action to a case: the rules of each action, the next case, its log entry and events. */
export function act(c: Case, request: caseV1.ActRequest, actor: CaseActor, env: CaseEnvironment): Transition {
  const action = actionOf(request);
  const change = new Change(c, actor, env);
  switch (action) {
    case 'take':
      take(change, request.take!);
      break;
    case 'assign':
      assign(change, request.assign!);
      break;
    case 'review':
      review(change, request.review!);
      break;
    case 'verify':
      verify(change, request.verify!);
      break;
    case 'approve':
      approve(change, request.approve!);
      break;
    case 'refuse':
      refuse(change, request.refuse!);
      break;
    case 'sendBack':
      sendBack(change, request.sendBack!);
      break;
    case 'issue':
      issue(change, request.issue!);
      break;
    case 'deliver':
      deliver(change, request.deliver!);
      break;
    case 'complete':
      complete(change, request.complete!);
      break;
    case 'startSpecialProcedure':
      startSpecialProcedure(change, request.startSpecialProcedure!);
      break;
    case 'endSpecialProcedure':
      endSpecialProcedure(change, request.endSpecialProcedure!);
      break;
    case 'extend':
      extend(change, request.extend!);
      break;
    case 'decideSubtask':
      decideSubtask(change, request.decideSubtask!);
      break;
    case 'verifyCommitment':
      verifyCommitment(change, request.verifyCommitment!);
      break;
    case 'agreePickup':
      agreePickup(change, request.agreePickup!);
      break;
    default:
      throw ValidationError.single('action', `unknown action ${String(action satisfies never)}`);
  }
  return change.done();
}

function take(ch: Change, a: caseV1.TakeAction): void {
  const { c, actor } = ch;
  requireActionable(c, { suspendedOk: true });
  if (a.subtaskCode) {
    const subtask = subtaskOf(c, a.subtaskCode, 'action.take.subtask_code');
    requireSubtaskDepartment(subtask, actor);
    const role = requireRole(actor, Roles.handle, 'taking a part');
    requireWorkable(c, subtask);
    claim(subtask, actor, c);
    subtask.status = caseV1.SubtaskStatus.SUBTASK_STATUS_IN_PROGRESS;
    ch.events.push({ name: 'subtaskStarted', payload: { case: caseRef(c), subtask } });
    ch.record({ action: 'take', role, stage: c.currentStage, subtaskCode: subtask.code });
    return;
  }
  const stage = requireActiveStage(c, Stage.preReview, Stage.review, Stage.verify, Stage.approve, Stage.issue);
  requireDepartment(actor, stage, `stage ${stage.stage}`);
  const role = requireRole(actor, [...Roles.handle, ...Roles.decide], 'taking a stage');
  claim(stage, actor, c);
  ch.record({ action: 'take', role, stage: stage.stage });
  ch.events.push({ name: 'handlerAssigned', payload: handlerAssigned(c, stage) });
}

/** case.handler.assigned: who handles a stage or joint part now (timing sends 催办 to them). */
function handlerAssigned(c: Case, step: StageRecord | caseV1.Subtask): caseEventsV1.HandlerAssigned {
  const isStage = 'seq' in step;
  return {
    case: caseRef(c),
    stageSeq: isStage ? step.seq : 0,
    stage: isStage ? step.stage : c.currentStage,
    subtaskCode: isStage ? '' : step.code,
    handlerStaffId: step.handlerStaffId,
  };
}

function assign(ch: Change, a: caseV1.AssignAction): void {
  const { c, actor, env } = ch;
  requireActionable(c, { suspendedOk: true });
  const staff = env.staff(a.staffId);
  if (!staff || !staff.active)
    throw ValidationError.single('action.assign.staff_id', `no active staff member ${a.staffId}`);
  const step = a.subtaskCode
    ? subtaskOf(c, a.subtaskCode, 'action.assign.subtask_code')
    : requireActiveStage(c, Stage.preReview, Stage.review, Stage.verify, Stage.approve, Stage.issue);
  const place = 'hallId' in step ? step : { departmentId: step.departmentId, hallId: c.approvingHallId };
  requireDepartment(actor, place, 'assigning the step');
  const role = requireRole(actor, Roles.assign, 'assigning a step');
  if (staff.departmentId !== place.departmentId) {
    throw ValidationError.single('action.assign.staff_id', `${a.staffId} is not of department ${place.departmentId}`);
  }
  if ('dependsOn' in step) requireWorkable(c, step);
  step.handlerStaffId = staff.id;
  ch.events.push({ name: 'handlerAssigned', payload: handlerAssigned(c, step) });
  ch.record({
    action: 'assign',
    role,
    stage: c.currentStage,
    ...(a.subtaskCode ? { subtaskCode: a.subtaskCode } : {}),
    detail: { assignee: staff.id },
  });
}

function stageWork(
  ch: Change,
  stages: ProcessStage[],
  roles: readonly string[],
  what: string,
): { stage: StageRecord; role: string } {
  requireActionable(ch.c);
  const stage = requireActiveStage(ch.c, ...stages);
  requireDepartment(ch.actor, stage, what);
  const role = requireRole(ch.actor, roles, what);
  claim(stage, ch.actor, ch.c);
  return { stage, role };
}

/** Passes the active stage on to the next planned one (hand-up after 初审). */
function passOn(ch: Change, stage: StageRecord, opinion: string): void {
  const { c, env, events } = { c: ch.c, env: ch.env, events: ch.events };
  closeStage(c, stage, St.STAGE_STATUS_COMPLETED, env, events, opinion);
  const next = nextStage(c, stage.stage)!;
  if (stage.stage === Stage.preReview && c.approvingHallId !== c.acceptingHallId) {
    handUp(ch);
    return;
  }
  enterStage(c, next, env, events);
}

/**
 * 市县联动: after 初审 the case goes to the approving hall. Served here too (one deployment for both tiers), the
 * next stage starts at once; otherwise the case leaves as `case.handoff.requested` and this copy mirrors the
 * upper tier from then on.
 */
function handUp(ch: Change): void {
  handUpCase(ch.c, ch.env, ch.events, ch.log, ch.actor);
}

/** Hands a case up after its 初审 (by the reviewer's action, or deemed passed by 超时默认). */
export function handUpCase(
  c: Case,
  env: CaseEnvironment,
  events: CaseEventDraft[],
  log: LogDraft[],
  actor: CaseActor,
): void {
  const remote = !env.servesHall(c.approvingHallId);
  c.handoff = {
    fromHallId: c.acceptingHallId,
    fromRegionCode: env.regionOf(c.acceptingHallId),
    toHallId: c.approvingHallId,
    toRegionCode: env.regionOf(c.approvingHallId),
    status: remote ? caseV1.HandoffStatus.HANDOFF_STATUS_REQUESTED : caseV1.HandoffStatus.HANDOFF_STATUS_ACCEPTED,
    requestedAt: env.now,
    ...(remote ? {} : { acceptedAt: env.now }),
    remote,
  };
  log.push({
    action: 'hand_up',
    actor,
    role: 'system',
    stage: Stage.preReview,
    departmentId: c.acceptingDepartmentId,
    hallId: c.acceptingHallId,
    detail: { to_hall: c.approvingHallId, to_region: c.handoff.toRegionCode, remote: String(remote) },
  });
  if (remote) {
    c.status = CS.CASE_STATUS_HANDED_UP;
    c.currentHallId = c.approvingHallId;
    c.currentStage = Stage.review;
    // The use case adds the history and the query password's hash, which the rules do not hold.
    events.push({
      name: 'handoffRequested',
      payload: { case: c, history: [], toRegionCode: c.handoff.toRegionCode, queryPasswordHash: '' },
    });
    return;
  }
  enterStage(c, Stage.review, env, events);
}

/** The upper tier takes over a case handed up to it: its copy continues the same record at REVIEW. */
export function acceptHandoff(c: Case, env: CaseEnvironment): Transition {
  const ch = new Change(
    c,
    { staffId: 'system', roles: ['system'], departmentId: c.approvingDepartmentId, hallId: c.approvingHallId },
    env,
  );
  const next = ch.c;
  if (
    next.status !== CS.CASE_STATUS_HANDED_UP ||
    next.handoff?.status !== caseV1.HandoffStatus.HANDOFF_STATUS_REQUESTED
  ) {
    throw new PreconditionFailedError(`case ${next.caseNumber} is not waiting to be handed up (${next.status})`);
  }
  next.status = CS.CASE_STATUS_IN_PROGRESS;
  next.handoff = { ...next.handoff, status: caseV1.HandoffStatus.HANDOFF_STATUS_ACCEPTED, acceptedAt: env.now };
  ch.record({
    action: 'handoff_accepted',
    role: 'system',
    stage: Stage.review,
    detail: { from_hall: next.acceptingHallId },
  });
  ch.events.push({
    name: 'handoffAccepted',
    payload: {
      caseId: next.id,
      caseNumber: next.caseNumber,
      toHallId: next.approvingHallId,
      fromRegionCode: next.handoff.fromRegionCode,
      acceptedAt: env.now,
    },
  });
  enterStage(next, Stage.review, env, ch.events);
  return ch.done();
}

function review(ch: Change, a: caseV1.ReviewAction): void {
  const opinion = text(a.opinion, 'action.review.opinion', { required: true, max: 2000 });
  const { stage, role } = stageWork(ch, [Stage.preReview, Stage.review], Roles.review, 'reviewing');
  const { c } = ch;
  if (stage.stage === Stage.review && c.subtasks.length > 0) {
    // 联办: the lead joins the parts before the decision.
    const open = c.subtasks.filter((s) => !isDecided(s));
    if (open.length > 0) {
      throw new PreconditionFailedError(
        `the lead joins the parts once each is decided; waiting for ${open.map((s) => `${s.code} (${s.status})`).join(', ')} (version ${c.version})`,
      );
    }
  }
  ch.record({
    action: stage.stage === Stage.preReview ? 'pre_review' : 'review',
    role,
    stage: stage.stage,
    opinion,
    attachments: a.attachments,
  });
  passOn(ch, stage, opinion);
}

function verify(ch: Change, a: caseV1.VerifyAction): void {
  const opinion = text(a.opinion, 'action.verify.opinion', { required: true, max: 2000 });
  const { c, actor } = ch;
  const reviewer = [...c.stages]
    .reverse()
    .find((s) => s.stage === Stage.review && s.status === St.STAGE_STATUS_COMPLETED);
  // 一审一核: the verifier is not the reviewer.
  if (reviewer?.handlerStaffId === actor.staffId) {
    throw new PermissionDeniedError('一审一核: the verifier must be another person than the reviewer');
  }
  const { stage, role } = stageWork(ch, [Stage.verify], Roles.verify, 'verifying');
  ch.record({ action: 'verify', role, stage: stage.stage, opinion, attachments: a.attachments });
  passOn(ch, stage, opinion);
}

function requireJointSettled(c: Case): void {
  const unsettled = c.subtasks.filter((s) => !isSettled(s));
  if (unsettled.length > 0) {
    throw new PreconditionFailedError(
      `approval needs every part approved; ${unsettled.map((s) => `${s.code} ${s.status}${s.refusalReason ? `: ${s.refusalReason}` : ''}`).join('; ')} (version ${c.version})`,
    );
  }
}

function approve(ch: Change, a: caseV1.ApproveAction): void {
  const opinion = text(a.opinion, 'action.approve.opinion', { required: true, max: 2000 });
  const upperAuthority = text(a.upperAuthority, 'action.approve.upper_authority', { max: 100 });
  const { stage, role } = stageWork(ch, [Stage.approve], Roles.decide, 'approving');
  const { c, env } = ch;
  requireJointSettled(c);
  const onCommitment = c.item?.content?.notificationCommitment === true;
  c.decision = decisionOf(
    c,
    onCommitment ? D.DECISION_KIND_APPROVED_ON_COMMITMENT : D.DECISION_KIND_APPROVED,
    opinion,
    '',
    ch,
    upperAuthority,
  );
  if (onCommitment) {
    const limit = env.settingsOf(c.approvingHallId).commitmentVerificationLimit ?? DEFAULT_VERIFICATION_LIMIT;
    c.commitmentVerification = {
      status: caseV1.VerificationStatus.VERIFICATION_STATUS_PENDING,
      dueAt: env.calendarOf(c.approvingHallId).dueInstant(env.now, calendarLimit(limit)!),
      departmentId: stage.departmentId,
      verifiedByStaffId: '',
      note: '',
    };
  }
  ch.record({
    action: 'approve',
    role,
    stage: stage.stage,
    opinion,
    attachments: a.attachments,
    detail: { decision: c.decision.kind },
  });
  ch.events.push({ name: 'decided', payload: { case: caseRef(c), decision: c.decision } });
  passOn(ch, stage, opinion);
}

/** 告知承诺 verification deadline when the hall set none: 20 working days. */
export const DEFAULT_VERIFICATION_LIMIT: catalogueItemsV1.TimeLimit = {
  amount: 20,
  unit: catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_DAYS,
};

/**
 * 决定书文号. One decision per case: the case number makes it unique without a counter. A 文号 (GB/T 9704, as
 * @govhall/documents checks it) takes at most 10 digits after the year: the case number's last 10 (in the
 * default format the acceptance date and the day's sequence).
 */
export function decisionNumber(kind: caseV1.DecisionKind, caseNumber: string, now: Date): string {
  const word = kind === D.DECISION_KIND_REFUSED ? '不予许可' : '准予许可';
  return `${word}〔${localDateOf(now).slice(0, 4)}〕第${caseNumber.replace(/\D/g, '').slice(-10) || '0'}号`;
}

function decisionOf(
  c: Case,
  kind: caseV1.DecisionKind,
  opinion: string,
  reason: string,
  ch: Change,
  upperAuthority: string,
): caseV1.Decision {
  return {
    kind,
    opinion,
    reason,
    decidedByStaffId: ch.actor.staffId,
    departmentId: ch.actor.departmentId,
    decidedAt: ch.env.now,
    documentNumber: decisionNumber(kind, c.caseNumber, ch.env.now),
    upperAuthority,
    issuedByStaffId: '',
  };
}

function refuse(ch: Change, a: caseV1.RefuseAction): void {
  const reason = text(a.reason, 'action.refuse.reason', { required: true, min: 2, max: 1000 });
  const opinion = text(a.opinion, 'action.refuse.opinion', { max: 2000 });
  const upperAuthority = text(a.upperAuthority, 'action.refuse.upper_authority', { max: 100 });
  const { stage, role } = stageWork(ch, [Stage.review, Stage.verify, Stage.approve], Roles.decide, 'refusing');
  const { c, env } = ch;
  c.decision = decisionOf(c, D.DECISION_KIND_REFUSED, opinion || reason, reason, ch, upperAuthority);
  ch.record({ action: 'refuse', role, stage: stage.stage, opinion: reason, attachments: a.attachments });
  ch.events.push({ name: 'decided', payload: { case: caseRef(c), decision: c.decision } });
  closeStage(c, stage, St.STAGE_STATUS_COMPLETED, env, ch.events, reason);
  // The refusal decision (不予许可决定书) is issued to the applicant like a certificate.
  enterStage(c, Stage.issue, env, ch.events);
}

function sendBack(ch: Change, a: caseV1.SendBackAction): void {
  const reason = text(a.reason, 'action.send_back.reason', { required: true, min: 2, max: 1000 });
  const { stage, role } = stageWork(
    ch,
    [Stage.review, Stage.verify, Stage.approve],
    [...Roles.review, ...Roles.decide],
    'sending back',
  );
  const { c, env } = ch;
  const plan = plannedStages(c);
  const target = a.toStage;
  const earlier = plan.indexOf(target) >= 1 && plan.indexOf(target) < plan.indexOf(stage.stage);
  if (!earlier || target === Stage.accept) {
    throw ValidationError.single(
      'action.send_back.to_stage',
      `must be a stage before ${stage.stage} after acceptance (${plan.join(', ')})`,
    );
  }
  if (target === Stage.preReview && c.handoff) {
    throw ValidationError.single(
      'action.send_back.to_stage',
      '初审 was done by the lower tier; a handed-up case cannot be sent back across tiers',
    );
  }
  ch.record({ action: 'send_back', role, stage: stage.stage, opinion: reason, detail: { to_stage: target } });
  closeStage(c, stage, St.STAGE_STATUS_SENT_BACK, env, ch.events, reason, target);
  // Back to the person who did that stage last.
  const last = [...c.stages].reverse().find((s) => s.stage === target);
  enterStage(c, target, env, ch.events, last?.handlerStaffId ?? '');
}

function issue(ch: Change, a: caseV1.IssueAction): void {
  const { stage, role } = stageWork(ch, [Stage.issue], Roles.issue, 'issuing');
  const { c, env } = ch;
  if (!c.decision) throw new PreconditionFailedError(`case ${c.caseNumber} has no decision yet`);
  if (c.decision.issuedAt)
    throw new PreconditionFailedError(`case ${c.caseNumber} was issued at ${c.decision.issuedAt.toISOString()}`);
  // 一费制: a granted decision's certificate waits for the case's fees (fee.case.fees_paid).
  requireFeesPaidForIssue(c);
  const approved = c.decision.kind !== D.DECISION_KIND_REFUSED;
  const result = c.item?.content?.result;
  const needsNumber = approved && result?.kind !== catalogueItemsV1.ResultKind.RESULT_KIND_OTHER;
  const number = text(a.certificateNumber, 'action.issue.certificate_number', { required: needsNumber, max: 64 });
  if (a.validUntil && (!isIsoDate(a.validUntil) || a.validUntil <= localDateOf(env.now))) {
    throw ValidationError.single('action.issue.valid_until', 'must be a date (YYYY-MM-DD) after today');
  }
  c.decision.issuedAt = env.now;
  c.decision.issuedByStaffId = ch.actor.staffId;
  if (approved && number) {
    const waitForPartners = Boolean(c.bundle?.bundleId);
    const certificate: caseV1.Certificate = {
      id: env.newId(),
      name: result?.name ?? '',
      number,
      kind: result?.kind ?? catalogueItemsV1.ResultKind.RESULT_KIND_UNSPECIFIED,
      validUntil: a.validUntil,
      // 两证齐发: a bundle's certificates are handed out together; the use case releases them.
      status: waitForPartners
        ? caseV1.CertificateStatus.CERTIFICATE_STATUS_PREPARED
        : caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED,
      issuedByStaffId: ch.actor.staffId,
      preparedAt: env.now,
      ...(waitForPartners ? {} : { issuedAt: env.now }),
      departmentId: stage.departmentId,
    };
    c.certificates.push(certificate);
    if (!waitForPartners) ch.events.push(certificateIssuedEvent(c, certificate, env));
  }
  ch.record({
    action: 'issue',
    role,
    stage: stage.stage,
    detail: { document: c.decision.documentNumber, ...(number ? { certificate: number } : {}) },
  });
}

export function certificateIssuedEvent(c: Case, certificate: caseV1.Certificate, env: CaseEnvironment): CaseEventDraft {
  return {
    name: 'certificateIssued',
    payload: {
      caseId: c.id,
      caseNumber: c.caseNumber,
      certificateId: certificate.id,
      certificateName: certificate.name,
      certificateNumber: certificate.number,
      applicantId: c.applicantId,
      holderName: c.applicantName,
      issuingDepartmentId: certificate.departmentId,
      issuingDepartmentName: env.departmentName(certificate.departmentId),
      issuedAt: certificate.issuedAt ?? env.now,
      validUntil: certificate.validUntil,
    },
  };
}

function deliver(ch: Change, a: caseV1.DeliverAction): void {
  const { stage, role } = stageWork(ch, [Stage.issue], Roles.issue, 'delivering');
  const { c, env } = ch;
  if (!c.decision?.issuedAt)
    throw new PreconditionFailedError(`case ${c.caseNumber} is not issued yet (version ${c.version})`);
  if (c.certificates.some((x) => x.status === caseV1.CertificateStatus.CERTIFICATE_STATUS_PREPARED)) {
    throw new PreconditionFailedError(
      `case ${c.caseNumber} waits for its bundle partners to be issued together (两证齐发)`,
    );
  }
  const M = caseV1.DeliveryMethod;
  const delivery: caseV1.Delivery = {
    method: a.method,
    windowId: '',
    expressCompany: '',
    trackingNumber: '',
    deliveredAt: env.now,
    deliveredByStaffId: ch.actor.staffId,
  };
  switch (a.method) {
    case M.DELIVERY_METHOD_WINDOW:
      delivery.windowId = a.windowId || c.bundle?.issuingWindowId || c.acceptingWindowId;
      break;
    case M.DELIVERY_METHOD_APPOINTMENT:
      if (!a.appointmentAt)
        throw ValidationError.single('action.deliver.appointment_at', 'is required for an appointment');
      delivery.appointmentAt = a.appointmentAt;
      delivery.windowId = a.windowId || c.bundle?.issuingWindowId || c.acceptingWindowId;
      break;
    case M.DELIVERY_METHOD_EXPRESS:
      delivery.expressCompany = text(a.expressCompany, 'action.deliver.express_company', {
        required: true,
        min: 2,
        max: 50,
      });
      delivery.trackingNumber = text(a.trackingNumber, 'action.deliver.tracking_number', {
        required: true,
        min: 6,
        max: 40,
      });
      if (!/^[A-Za-z0-9-]+$/.test(delivery.trackingNumber)) {
        throw ValidationError.single('action.deliver.tracking_number', 'letters, digits and dashes only');
      }
      break;
    case M.DELIVERY_METHOD_UNSPECIFIED:
    case M.UNRECOGNIZED:
      throw ValidationError.single('action.deliver.method', 'WINDOW, APPOINTMENT or EXPRESS');
  }
  // 两证齐发: a bundle's certificates are handed over together, at the bundle's one window.
  const bundleWindow = c.bundle?.issuingWindowId;
  if (bundleWindow && delivery.windowId && delivery.windowId !== bundleWindow) {
    throw ValidationError.single(
      'action.deliver.window_id',
      `the bundle's certificates are handed over at window ${bundleWindow}`,
    );
  }
  c.delivery = delivery;
  ch.events.push({
    name: 'certificateDelivered',
    payload: { case: caseRef(c), delivery, certificates: c.certificates },
  });
  ch.record({
    action: 'deliver',
    role,
    stage: stage.stage,
    detail: {
      method: a.method,
      ...(delivery.trackingNumber ? { tracking: delivery.trackingNumber } : {}),
      ...(delivery.windowId ? { window: delivery.windowId } : {}),
    },
  });
}

function complete(ch: Change, a: caseV1.CompleteAction): void {
  const note = text(a.note, 'action.complete.note', { max: 500 });
  const { stage, role } = stageWork(ch, [Stage.issue], Roles.issue, 'completing');
  const { c, env } = ch;
  if (!c.delivery)
    throw new PreconditionFailedError(`case ${c.caseNumber} has no delivery recorded (version ${c.version})`);
  if (c.missingMaterialCodes.length > 0) {
    throw new PreconditionFailedError(
      `容缺: materials ${c.missingMaterialCodes.join(', ')} are still owed; the case cannot complete`,
    );
  }
  ch.record({ action: 'complete', role, stage: stage.stage, opinion: note });
  closeStage(c, stage, St.STAGE_STATUS_COMPLETED, env, ch.events, note);
  c.status = CS.CASE_STATUS_COMPLETED;
  c.completedAt = env.now;
  enterStage(c, Stage.archive, env, ch.events);
  ch.events.push({
    name: 'completed',
    payload: { case: caseRef(c), completedAt: env.now, decision: c.decision!.kind, deliveryMethod: c.delivery.method },
  });
}

/** The step a special procedure, an extension or a verification is about: the active stage's department. */
function currentDepartment(c: Case): { departmentId: string; hallId: string } {
  const stage = c.stages[c.stages.length - 1];
  return stage ? { departmentId: stage.departmentId, hallId: stage.hallId } : { departmentId: '', hallId: '' };
}

function startSpecialProcedure(ch: Change, a: caseV1.StartSpecialProcedureAction): void {
  const { c, actor, env } = ch;
  if (
    a.kind === caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_UNSPECIFIED ||
    !(a.kind in caseV1.SpecialProcedureKind)
  ) {
    throw ValidationError.single('action.start_special_procedure.kind', 'is required');
  }
  const reason = text(a.reason, 'action.start_special_procedure.reason', { required: true, min: 2, max: 500 });
  requireActionable(c);
  requireActiveStage(c, Stage.preReview, Stage.review, Stage.verify, Stage.approve);
  const place = currentDepartment(c);
  const inPart = c.subtasks.some((s) => s.departmentId === actor.departmentId && !isDecided(s));
  if (!inPart) requireDepartment(actor, place, 'a special procedure');
  const role = requireRole(actor, [...Roles.handle, ...Roles.decide], 'a special procedure');
  const procedure: caseV1.SpecialProcedure = {
    id: env.newId(),
    kind: a.kind,
    reason,
    startedAt: env.now,
    startedByStaffId: actor.staffId,
    endedByStaffId: '',
    resultNote: '',
    stage: c.currentStage,
  };
  c.specialProcedures.push(procedure);
  c.status = CS.CASE_STATUS_SUSPENDED;
  ch.record({
    action: 'special_procedure_started',
    role,
    stage: c.currentStage,
    opinion: reason,
    detail: { kind: a.kind, procedure: procedure.id },
  });
  ch.events.push({ name: 'specialProcedureStarted', payload: { case: caseRef(c), procedure } });
}

function endSpecialProcedure(ch: Change, a: caseV1.EndSpecialProcedureAction): void {
  const { c, actor, env } = ch;
  const note = text(a.resultNote, 'action.end_special_procedure.result_note', { required: true, min: 2, max: 1000 });
  const procedure = c.specialProcedures.find((p) => p.id === a.procedureId);
  if (!procedure)
    throw ValidationError.single(
      'action.end_special_procedure.procedure_id',
      `no special procedure ${a.procedureId} on this case`,
    );
  if (procedure.endedAt)
    throw new PreconditionFailedError(`special procedure ${procedure.id} ended at ${procedure.endedAt.toISOString()}`);
  const starterDepartment = procedure.startedByStaffId === actor.staffId;
  if (!starterDepartment) requireDepartment(actor, currentDepartment(c), 'ending a special procedure');
  const role = requireRole(actor, [...Roles.handle, ...Roles.decide], 'ending a special procedure');
  procedure.endedAt = env.now;
  procedure.endedByStaffId = actor.staffId;
  procedure.resultNote = note;
  c.status = CS.CASE_STATUS_IN_PROGRESS;
  // 行政许可法 art. 45: the time is not counted; every running deadline moves by the paused working time.
  const calendar = env.calendarOf(c.approvingHallId);
  const paused = calendar.workingTimeBetween(procedure.startedAt!, env.now);
  const shift = (at: Date | undefined): Date | undefined => (at ? calendar.addWorkingTime(at, paused) : undefined);
  const stage = c.stages[c.stages.length - 1];
  if (stage?.status === St.STAGE_STATUS_ACTIVE && stage.dueAt) stage.dueAt = shift(stage.dueAt);
  for (const s of c.subtasks) if (!isDecided(s) && s.dueAt) s.dueAt = shift(s.dueAt);
  if (c.promisedAt) c.promisedAt = shift(c.promisedAt);
  ch.record({
    action: 'special_procedure_ended',
    role,
    stage: c.currentStage,
    opinion: note,
    detail: { procedure: procedure.id, paused_ms: String(paused) },
  });
  ch.events.push({ name: 'specialProcedureEnded', payload: { case: caseRef(c), procedure } });
}

/** 延期 bound of the item: its own, else 15 working days for a joint item (art. 42: 45 + 15), else 10. */
export function extensionBound(c: Case): catalogueItemsV1.TimeLimit {
  const own = c.item?.content?.extensionLimit;
  if (own) return own;
  const joint = c.item?.content?.caseType === catalogueItemsV1.CaseType.CASE_TYPE_JOINT;
  return { amount: joint ? 15 : 10, unit: catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_DAYS };
}

function extend(ch: Change, a: caseV1.ExtendAction): void {
  const { c, actor, env } = ch;
  const reason = text(a.reason, 'action.extend.reason', { required: true, min: 2, max: 500 });
  const amount = a.amount;
  if (!amount || amount.unit !== catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_DAYS) {
    throw ValidationError.single('action.extend.amount.unit', 'an extension is counted in working days');
  }
  if (!(amount.amount > 0) || !Number.isInteger(amount.amount * 2)) {
    throw ValidationError.single('action.extend.amount.amount', 'whole or half working days, more than 0');
  }
  requireActionable(c, { suspendedOk: true });
  requireActiveStage(c, Stage.preReview, Stage.review, Stage.verify, Stage.approve);
  if (c.decision)
    throw new PreconditionFailedError(`case ${c.caseNumber} is decided; the limit can no longer be extended`);
  requireDepartment(actor, { departmentId: decidingDepartmentOf(c), hallId: c.approvingHallId }, 'an extension');
  const role = requireRole(actor, Roles.extend, 'granting an extension (延期)');
  const bound = extensionBound(c);
  const used = c.extensions.reduce((sum, e) => sum + (e.amount?.amount ?? 0), 0);
  if (used + amount.amount > bound.amount) {
    throw new PreconditionFailedError(
      `the item allows ${bound.amount} working days of extension; ${used} granted already, ${amount.amount} more exceeds it`,
    );
  }
  const previous = c.promisedAt ?? env.now;
  const promisedAt = env.calendarOf(c.approvingHallId).dueInstant(previous, calendarLimit(amount)!);
  const extension: caseV1.Extension = {
    amount,
    reason,
    grantedByStaffId: actor.staffId,
    grantedAt: env.now,
    previousPromisedAt: previous,
    promisedAt,
  };
  c.extensions.push(extension);
  c.promisedAt = promisedAt;
  ch.record({
    action: 'extend',
    role,
    stage: c.currentStage,
    opinion: reason,
    detail: { days: String(amount.amount), promised_at: promisedAt.toISOString() },
  });
  ch.events.push({ name: 'extended', payload: { case: caseRef(c), extension } });
}

function decideSubtask(ch: Change, a: caseV1.DecideSubtaskAction): void {
  const { c, actor, env } = ch;
  const subtask = subtaskOf(c, a.subtaskCode, 'action.decide_subtask.subtask_code');
  const opinion = text(a.opinion, 'action.decide_subtask.opinion', { required: true, max: 2000 });
  const refusalReason = text(a.refusalReason, 'action.decide_subtask.refusal_reason', {
    required: !a.approved,
    min: 2,
    max: 1000,
  });
  requireActionable(c);
  requireSubtaskDepartment(subtask, actor);
  const role = requireRole(actor, Roles.decide, "deciding a department's part");
  requireWorkable(c, subtask);
  claimPart(subtask, actor, c);
  decidePart(c, subtask, { approved: a.approved, opinion, refusalReason }, actor.staffId, env, ch.events);
  ch.record({
    action: 'decide_subtask',
    role,
    stage: c.currentStage,
    subtaskCode: subtask.code,
    opinion: a.approved ? opinion : refusalReason,
    attachments: a.attachments,
    detail: { approved: String(a.approved) },
  });
}

/** Who may take a step over from the person handling it. */
const LEADERS = ['chief_representative', 'deputy_leader', 'principal_leader'];

/** A part's decision may come from its handler or, untaken, from any decider of its department. */
function claimPart(subtask: caseV1.Subtask, actor: CaseActor, c: Case): void {
  if (
    subtask.handlerStaffId &&
    subtask.handlerStaffId !== actor.staffId &&
    !LEADERS.some((r) => actor.roles.includes(r))
  ) {
    throw new PreconditionFailedError(
      `part ${subtask.code} is handled by ${subtask.handlerStaffId} (version ${c.version})`,
    );
  }
}

function verifyCommitment(ch: Change, a: caseV1.VerifyCommitmentAction): void {
  const { c, actor, env } = ch;
  const verification = c.commitmentVerification;
  if (!verification || c.decision?.kind !== D.DECISION_KIND_APPROVED_ON_COMMITMENT) {
    throw new PreconditionFailedError(`case ${c.caseNumber} has no commitment (告知承诺) approval to verify`);
  }
  if (verification.status !== caseV1.VerificationStatus.VERIFICATION_STATUS_PENDING) {
    throw new PreconditionFailedError(
      `the commitment of case ${c.caseNumber} was verified already (${verification.status})`,
    );
  }
  const note = text(a.note, 'action.verify_commitment.note', { required: !a.passed, min: 2, max: 1000 });
  requireDepartment(
    actor,
    { departmentId: verification.departmentId, hallId: c.approvingHallId },
    'verifying a commitment',
  );
  const role = requireRole(actor, [...Roles.review, ...Roles.decide], 'verifying a commitment');
  verification.status = a.passed
    ? caseV1.VerificationStatus.VERIFICATION_STATUS_PASSED
    : caseV1.VerificationStatus.VERIFICATION_STATUS_FAILED;
  verification.verifiedByStaffId = actor.staffId;
  verification.verifiedAt = env.now;
  verification.note = note;
  ch.record({
    action: 'verify_commitment',
    role,
    stage: c.currentStage,
    opinion: note,
    detail: { passed: String(a.passed) },
  });
  ch.events.push({ name: 'commitmentVerified', payload: { case: caseRef(c), verification } });
  if (!a.passed) {
    // 承诺不实: the approval is revoked and the certificate with it.
    // The original decision's number and date stay: the revocation (its own document) cites them.
    c.decision = { ...c.decision, kind: D.DECISION_KIND_REVOKED, reason: note };
    for (const certificate of c.certificates) certificate.status = caseV1.CertificateStatus.CERTIFICATE_STATUS_REVOKED;
    ch.record({ action: 'revoke', role, stage: c.currentStage, opinion: note });
    ch.events.push({ name: 'decided', payload: { case: caseRef(c), decision: c.decision } });
  }
}

function agreePickup(ch: Change, a: caseV1.AgreePickupAction): void {
  const { c, actor, env } = ch;
  if (!c.bundle?.bundleId) throw new PreconditionFailedError(`case ${c.caseNumber} is not in a bundle (两证齐发)`);
  if (!a.pickupAt || a.pickupAt.getTime() <= env.now.getTime()) {
    throw ValidationError.single('action.agree_pickup.pickup_at', 'must be a time after now');
  }
  requireActionable(c, { suspendedOk: true });
  if (actor.hallId !== c.acceptingHallId) {
    throw new PermissionDeniedError(
      `the pick-up is agreed at hall ${c.acceptingHallId}; the caller is of ${actor.hallId || 'none'}`,
    );
  }
  // Agreed by the case's own department (each department of a bundle acts through its own case).
  if (actor.departmentId !== c.acceptingDepartmentId && actor.departmentId !== c.approvingDepartmentId) {
    throw new PermissionDeniedError(
      `the pick-up of case ${c.caseNumber} is agreed by its department ${c.approvingDepartmentId}; the caller is of ${actor.departmentId || 'none'}`,
    );
  }
  const role = requireRole(actor, Roles.handle, 'agreeing a pick-up time');
  c.bundle.pickupAt = a.pickupAt;
  ch.record({
    action: 'agree_pickup',
    role,
    stage: c.currentStage,
    detail: { bundle: c.bundle.bundleId, pickup_at: a.pickupAt.toISOString() },
  });
}
