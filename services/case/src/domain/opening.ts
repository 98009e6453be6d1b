import { caseV1, catalogueItemsV1, type intakeEventsV1 } from '@govhall/contracts';
import {
  SYSTEM_ACTOR,
  Stage,
  type Case,
  type CaseEnvironment,
  type CaseEventDraft,
  type LogDraft,
  type Transition,
} from './model';
import { certificateIssuedEvent, decisionNumber } from './actions';
import { openingFeeStatus } from './fees';
import { caseRef, closeStage, enterStage, plannedStages } from './stages';
import { initialSubtasks, subtaskEvents } from './joint';

/** Where the case is handled, as the use case resolved it from the catalogue. */
export interface OpeningPlace {
  /** The department of the accepting clerk: it pre-reviews a cross-tier case (初审). */
  readonly acceptingDepartmentId: string;
  readonly approvingHallId: string;
  readonly approvingDepartmentId: string;
  /** Joint items: the lead under the item's lead rule. */
  readonly leadDepartmentId: string;
  readonly regionCode: string;
}

/**
 * Opens a case from intake's acceptance (受理): ACCEPT is done at `accepted_at`; the next planned stage starts.
 * A 即办件 completed on the spot (`completed_immediately`) opens already completed, waiting for its archive batch.
 * Joint parts start at once (抄告相关: every related department sees the case from the start); parts that depend
 * on another wait.
 */
export function openCase(
  accepted: intakeEventsV1.Accepted,
  place: OpeningPlace,
  env: CaseEnvironment,
  immediateCompletion: boolean,
): Transition {
  const item = accepted.item;
  const content = item?.content;
  const joint = content?.caseType === catalogueItemsV1.CaseType.CASE_TYPE_JOINT ? content.joint : undefined;
  const subtasks = joint ? initialSubtasks(joint, place.approvingHallId, env) : [];
  const c: Case = caseV1.Case.fromPartial({
    id: accepted.caseId,
    caseNumber: accepted.caseNumber,
    version: 0,
    status: caseV1.CaseStatus.CASE_STATUS_IN_PROGRESS,
    item,
    applicantId: accepted.applicantId,
    applicantName: accepted.applicantName,
    acceptedAt: accepted.acceptedAt ?? env.now,
    promisedLimit: accepted.promisedLimit,
    promisedAt: accepted.promisedAt,
    acceptingHallId: accepted.hallId,
    acceptingDepartmentId: place.acceptingDepartmentId,
    acceptingWindowId: accepted.windowId,
    acceptingStaffId: accepted.handlerStaffId,
    approvingHallId: place.approvingHallId,
    approvingDepartmentId: place.approvingDepartmentId,
    currentHallId: accepted.hallId,
    leadDepartmentId: joint ? place.leadDepartmentId : '',
    relatedDepartmentIds: [...new Set(subtasks.map((s) => s.departmentId))],
    subtasks,
    missingMaterialCodes: accepted.commitment
      ? accepted.materials.filter((m) => m.acceptedMissing).map((m) => m.code)
      : [],
    regionCode: place.regionCode,
    projectName: accepted.projectName,
    updatedAt: env.now,
    // A 即办件 with fees opens DUE too: the fee is paid at the window before the result is handed over, so it
    // holds nothing back here, and fee.case.fees_paid still records it PAID when the fee service reports it.
    feeStatus: openingFeeStatus(item),
  });
  const events: CaseEventDraft[] = [];
  const acceptedAt = c.acceptedAt ?? env.now;
  c.stages.push({
    seq: 1,
    stage: Stage.accept,
    status: caseV1.StageStatus.STAGE_STATUS_ACTIVE,
    hallId: accepted.hallId,
    departmentId: accepted.departmentId,
    handlerStaffId: accepted.handlerStaffId,
    enteredAt: acceptedAt,
    opinion: '',
    responsibleDepartmentId: '',
  });
  c.currentStage = Stage.accept;
  const log: LogDraft[] = [
    {
      action: 'opened',
      actor: { ...SYSTEM_ACTOR, staffId: accepted.handlerStaffId || SYSTEM_ACTOR.staffId },
      role: 'clerk',
      stage: Stage.accept,
      departmentId: accepted.departmentId,
      hallId: accepted.hallId,
      detail: {
        item: `${item?.id ?? ''}@${item?.version ?? 0}`,
        registration: accepted.registrationNumber,
        ...(c.missingMaterialCodes.length > 0 ? { missing: c.missingMaterialCodes.join(',') } : {}),
      },
    },
  ];
  events.push({
    name: 'opened',
    payload: {
      case: caseRef(c),
      stages: plannedStages(c),
      ...(c.promisedLimit ? { promisedLimit: c.promisedLimit } : {}),
      acceptedAt,
      caseType: content?.caseType ?? catalogueItemsV1.CaseType.CASE_TYPE_UNSPECIFIED,
      relatedDepartmentIds: c.relatedDepartmentIds,
      leadDepartmentId: c.leadDepartmentId,
      crossTier: c.approvingHallId !== c.acceptingHallId,
      bundleId: '',
      ...(content?.statutoryLimit ? { statutoryLimit: content.statutoryLimit } : {}),
      approvingHallId: c.approvingHallId,
      acceptingDepartmentId: c.acceptingDepartmentId,
      acceptingWindowId: c.acceptingWindowId,
      acceptingStaffId: c.acceptingStaffId,
      completedOnTheSpot: immediateCompletion,
    },
  });
  const accept = c.stages[0]!;
  const acceptEnv = { ...env, now: acceptedAt };
  closeStage(c, accept, caseV1.StageStatus.STAGE_STATUS_COMPLETED, acceptEnv, events);
  if (immediateCompletion) {
    // 即办件: decided and issued at the window when accepted.
    const issue = enterStage(c, Stage.issue, acceptEnv, events, accepted.handlerStaffId);
    c.decision = {
      kind: caseV1.DecisionKind.DECISION_KIND_APPROVED,
      opinion: accepted.resultNote,
      reason: '',
      decidedByStaffId: accepted.handlerStaffId,
      departmentId: accepted.departmentId,
      decidedAt: accepted.completedAt ?? acceptedAt,
      // Decided on the spot, still in writing (行政许可法 art. 34): the 许可决定书 prints like any other.
      documentNumber: decisionNumber(
        caseV1.DecisionKind.DECISION_KIND_APPROVED,
        accepted.caseNumber,
        accepted.completedAt ?? acceptedAt,
      ),
      upperAuthority: '',
      issuedAt: accepted.completedAt ?? acceptedAt,
      issuedByStaffId: accepted.handlerStaffId,
    };
    events.push({ name: 'decided', payload: { case: caseRef(c), decision: c.decision } });
    if (accepted.certificateNumber) {
      const certificate: caseV1.Certificate = {
        id: env.newId(),
        name: content?.result?.name ?? '',
        number: accepted.certificateNumber,
        kind: content?.result?.kind ?? catalogueItemsV1.ResultKind.RESULT_KIND_UNSPECIFIED,
        validUntil: '',
        status: caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED,
        issuedByStaffId: accepted.handlerStaffId,
        preparedAt: c.decision.issuedAt,
        issuedAt: c.decision.issuedAt,
        departmentId: accepted.departmentId,
      };
      c.certificates.push(certificate);
      // intake's 证照库 keeps every certificate from this event, the ones issued at the window too.
      events.push(certificateIssuedEvent(c, certificate, env));
    }
    c.delivery = {
      method: caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW,
      windowId: accepted.windowId,
      expressCompany: '',
      trackingNumber: '',
      deliveredAt: c.decision.issuedAt,
      deliveredByStaffId: accepted.handlerStaffId,
    };
    closeStage(c, issue, caseV1.StageStatus.STAGE_STATUS_COMPLETED, acceptEnv, events, accepted.resultNote);
    c.completedAt = c.decision.issuedAt;
    c.status = caseV1.CaseStatus.CASE_STATUS_COMPLETED;
    enterStage(c, Stage.archive, acceptEnv, events);
    events.push({
      name: 'completed',
      payload: {
        case: caseRef(c),
        completedAt: c.completedAt,
        decision: c.decision.kind,
        deliveryMethod: c.delivery.method,
      },
    });
    log.push({
      action: 'completed_immediately',
      actor: { ...SYSTEM_ACTOR, staffId: accepted.handlerStaffId || SYSTEM_ACTOR.staffId },
      role: 'clerk',
      stage: Stage.issue,
      opinion: accepted.resultNote,
      departmentId: accepted.departmentId,
      hallId: accepted.hallId,
      ...(accepted.certificateNumber ? { detail: { certificate: accepted.certificateNumber } } : {}),
    });
    return { case: c, log, events };
  }
  const next = plannedStages(c)[1]!;
  enterStage(c, next, env, events);
  events.push(...subtaskEvents(c, c.subtasks));
  return { case: c, log, events };
}
