import { caseV1 } from '@govhall/contracts';
import { feesHoldIssue } from '../domain/fees';
import { SPECIAL_PROCEDURE_NAMES, STAGE_NAMES, Stage, type Case } from '../domain/model';

/**
 * The public progress view: stages with their times, the current stage and the promised date. No personal data:
 * no applicant, no staff, no opinions or reasons (those are for the decision document).
 */
export function progressOf(c: Case, departmentName: string): caseV1.Progress {
  return {
    caseNumber: c.caseNumber,
    itemName: c.item?.content?.name ?? '',
    departmentName,
    status: c.status === caseV1.CaseStatus.CASE_STATUS_HANDED_UP ? caseV1.CaseStatus.CASE_STATUS_IN_PROGRESS : c.status,
    currentStage: c.currentStage,
    currentStageName: currentStageName(c),
    ...(c.acceptedAt ? { acceptedAt: c.acceptedAt } : {}),
    ...(c.promisedAt ? { promisedAt: c.promisedAt } : {}),
    stages: c.stages.map((s) => ({
      stage: s.stage,
      name: STAGE_NAMES[s.stage] ?? '',
      status: s.status,
      ...(s.enteredAt ? { enteredAt: s.enteredAt } : {}),
      ...(s.completedAt ? { completedAt: s.completedAt } : {}),
    })),
    pauses: c.specialProcedures.map((p) => ({
      kind: p.kind,
      name: SPECIAL_PROCEDURE_NAMES[p.kind] ?? '',
      ...(p.startedAt ? { startedAt: p.startedAt } : {}),
      ...(p.endedAt ? { endedAt: p.endedAt } : {}),
    })),
    decision: c.decision?.kind ?? caseV1.DecisionKind.DECISION_KIND_UNSPECIFIED,
    ...(c.completedAt ? { completedAt: c.completedAt } : {}),
    deliveryMethod: c.delivery?.method ?? caseV1.DeliveryMethod.DELIVERY_METHOD_UNSPECIFIED,
    ...(c.bundle?.pickupAt ? { pickupAt: c.bundle.pickupAt } : {}),
  };
}

/**
 * What the applicant reads as the case's stage: at 发证办结 with the fees still due (一费制), 发证办结（待缴费）, so
 * the applicant knows the certificate waits for the bill to be paid.
 */
function currentStageName(c: Case): string {
  const name = STAGE_NAMES[c.currentStage] ?? '';
  const waitsForFees = c.currentStage === Stage.issue && !c.decision?.issuedAt && feesHoldIssue(c);
  return waitsForFees ? `${name}（待缴费）` : name;
}

/** 结果公示: case number, item, the masked applicant, the result. */
export function publishedResultOf(c: Case, departmentName: string): caseV1.PublishedResult {
  const certificate = c.certificates.find((x) => x.status === caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED);
  return {
    caseNumber: c.caseNumber,
    itemName: c.item?.content?.name ?? '',
    applicantName: maskName(c.applicantName),
    decision: c.decision?.kind ?? caseV1.DecisionKind.DECISION_KIND_UNSPECIFIED,
    ...(c.decision?.decidedAt ? { decidedAt: c.decision.decidedAt } : {}),
    certificateName: certificate?.name ?? '',
    certificateNumber: certificate?.number ?? '',
    departmentName,
  };
}

/**
 * 结果公示 is public, and intake hands the name over in full (staff and the decision documents need it): the
 * first character stays, and past two characters the last one, the rest hidden (张*, 王*明, 欧**花).
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.length === 1 ? '*' : '';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
