import { caseV1, type feeEventsV1 } from '@govhall/contracts';
import { PreconditionFailedError } from '@govhall/kit';
import { Change, certificateIssuedEvent, handUpCase } from './actions';
import { isDecided, releaseDependents } from './joint';
import {
  SYSTEM_ACTOR,
  Stage,
  type Case,
  type CaseActor,
  type CaseEnvironment,
  type LogDraft,
  type Transition,
} from './model';
import { calendarLimit, caseRef, closeStage, decidingDepartmentOf, enterStage, nextStage } from './stages';

const St = caseV1.StageStatus;

/** Steps that 超时默认 may deem passed: reviews and parts, never a decision (审批) or an issue. */
export const DEEMABLE_STAGES: ReadonlySet<string> = new Set([Stage.preReview, Stage.review, Stage.verify]);

/**
 * 超时默认 (Gulou): when the hall turned it on, a review step or a joint part left overdue past the grace is deemed
 * passed, and the responsibility is recorded on the accepting window's unit ("由受理窗口单位承担责任").
 * Undefined when nothing is due.
 */
export function deemOverdueSteps(c: Case, env: CaseEnvironment): Transition | undefined {
  if (c.status !== caseV1.CaseStatus.CASE_STATUS_IN_PROGRESS) return undefined;
  const settings = env.settingsOf(c.approvingHallId);
  if (!settings.deemOverdueStepsPassed) return undefined;
  const calendar = env.calendarOf(c.approvingHallId);
  const grace = calendarLimit(settings.overdueGrace);
  const pastGrace = (due: Date | undefined): boolean =>
    due !== undefined && (grace ? calendar.dueInstant(due, grace) : due).getTime() < env.now.getTime();
  const change = new Change(c, SYSTEM_ACTOR, env);
  const { c: next, log, events } = change;
  const responsible = next.acceptingDepartmentId;
  // Parts of a decided case wait for nothing any more.
  for (const s of next.decision ? [] : next.subtasks) {
    if (isDecided(s) || s.status === caseV1.SubtaskStatus.SUBTASK_STATUS_WAITING || !pastGrace(s.dueAt)) continue;
    s.status = caseV1.SubtaskStatus.SUBTASK_STATUS_DEEMED_PASSED;
    s.decidedAt = env.now;
    s.opinion = '超时默认通过';
    s.responsibleDepartmentId = responsible;
    events.push({ name: 'subtaskDecided', payload: { case: caseRef(next), subtask: s } });
    log.push(
      systemEntry('deemed_passed', next, {
        subtaskCode: s.code,
        detail: { responsible, due_at: s.dueAt!.toISOString() },
      }),
    );
    releaseDependents(next, env, events);
  }
  const stage = next.stages[next.stages.length - 1];
  const jointOpen = next.subtasks.some((s) => !isDecided(s));
  if (
    stage?.status === St.STAGE_STATUS_ACTIVE &&
    DEEMABLE_STAGES.has(stage.stage) &&
    pastGrace(stage.dueAt) &&
    !(stage.stage === Stage.review && jointOpen)
  ) {
    stage.responsibleDepartmentId = responsible;
    log.push(systemEntry('deemed_passed', next, { detail: { responsible, due_at: stage.dueAt!.toISOString() } }));
    closeStage(next, stage, St.STAGE_STATUS_DEEMED_PASSED, env, events, '超时默认通过');
    // A deemed 初审 hands the case up like a reviewed one.
    if (stage.stage === Stage.preReview && next.approvingHallId !== next.acceptingHallId) {
      handUpCase(next, env, events, log, SYSTEM_ACTOR);
    } else {
      enterStage(next, nextStage(next, stage.stage)!, env, events);
    }
  }
  return log.length === 0 ? undefined : change.done();
}

function systemEntry(action: string, c: Case, extra: Partial<LogDraft>): LogDraft {
  return {
    action,
    actor: SYSTEM_ACTOR,
    role: 'system',
    stage: c.currentStage,
    departmentId: decidingDepartmentOf(c),
    hallId: c.currentHallId,
    ...extra,
  };
}

/**
 * 两证齐发: once every case of a bundle is issued, the prepared certificates go out together. Returns the changes
 * (none while a partner is not ready).
 */
export function releaseBundle(cases: readonly Case[], env: CaseEnvironment): Transition[] {
  const ready = cases.every((c) => c.decision?.issuedAt);
  if (!ready) return [];
  const out: Transition[] = [];
  for (const c of cases) {
    const prepared = c.certificates.filter((x) => x.status === caseV1.CertificateStatus.CERTIFICATE_STATUS_PREPARED);
    if (prepared.length === 0) continue;
    const change = new Change(c, SYSTEM_ACTOR, env);
    const next = change.c;
    for (const certificate of next.certificates) {
      if (certificate.status !== caseV1.CertificateStatus.CERTIFICATE_STATUS_PREPARED) continue;
      certificate.status = caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED;
      certificate.issuedAt = env.now;
      change.events.push(certificateIssuedEvent(next, certificate, env));
    }
    change.log.push(
      systemEntry('bundle_issued', next, {
        detail: { bundle: next.bundle?.bundleId ?? '', partners: cases.map((x) => x.caseNumber).join(',') },
      }),
    );
    out.push(change.done());
  }
  return out;
}

/** 归档: a completed case handed to the archive in its department's weekly batch. */
export function archiveCase(
  c: Case,
  batchId: string,
  actor: CaseActor,
  role: string,
  env: CaseEnvironment,
): Transition {
  if (c.status !== caseV1.CaseStatus.CASE_STATUS_COMPLETED) {
    throw new PreconditionFailedError(`case ${c.caseNumber} is ${c.status}, not completed`);
  }
  const change = new Change(c, actor, env);
  const { c: next, events } = change;
  const stage = next.stages[next.stages.length - 1]!;
  closeStage(next, stage, St.STAGE_STATUS_COMPLETED, env, events);
  next.status = caseV1.CaseStatus.CASE_STATUS_ARCHIVED;
  next.archivedAt = env.now;
  next.archiveBatchId = batchId;
  events.push({ name: 'archived', payload: { case: caseRef(next), archiveBatchId: batchId, archivedAt: env.now } });
  change.record({ action: 'archive', role, stage: Stage.archive, detail: { batch: batchId } });
  return change.done();
}

/** 容缺: intake says owed materials arrived; the case may complete once none are owed. */
export function materialsSupplied(
  c: Case,
  codes: readonly string[],
  allSupplied: boolean,
  env: CaseEnvironment,
): Transition | undefined {
  const owed = allSupplied ? [] : c.missingMaterialCodes.filter((code) => !codes.includes(code));
  if (owed.length === c.missingMaterialCodes.length) return undefined;
  const change = new Change(c, SYSTEM_ACTOR, env);
  change.c.missingMaterialCodes = owed;
  change.log.push(
    systemEntry('materials_supplied', change.c, { detail: { materials: codes.join(','), owed: owed.join(',') } }),
  );
  return change.done();
}

/**
 * 一费制: the fee service reports every bill of the case paid or exempt (fee.case.fees_paid): PAID from `paidAt`,
 * logged by the system. Recorded whatever the case's status (a 即办件 completed at the window, a refused case, an
 * old case opened before the fee service): the fact stands. Undefined when the case is PAID already.
 */
export function feesPaid(
  c: Case,
  paid: feeEventsV1.CaseFeesPaid,
  paidAt: Date,
  env: CaseEnvironment,
): Transition | undefined {
  if (c.feeStatus === caseV1.CaseFeeStatus.CASE_FEE_STATUS_PAID) return undefined;
  const change = new Change(c, SYSTEM_ACTOR, env);
  change.c.feeStatus = caseV1.CaseFeeStatus.CASE_FEE_STATUS_PAID;
  change.c.feesPaidAt = paidAt;
  change.log.push(
    systemEntry('fees_paid', change.c, {
      detail: { bills: paid.billIds.join(','), paid_fen: String(paid.paidFen), previous: c.feeStatus },
    }),
  );
  return change.done();
}
