import { calendarLimitOf } from '@govhall/catalogue-client';
import { caseV1, catalogueItemsV1, type caseEventsV1 } from '@govhall/contracts';
import { PreconditionFailedError } from '@govhall/kit';
import {
  Stage,
  type Case,
  type CaseEnvironment,
  type CaseEventDraft,
  type ProcessStage,
  type StageRecord,
  type TimeLimit,
} from './model';

/** A catalogue limit as the calendar takes it; undefined for an absent or unspecified one. */
export const calendarLimit = calendarLimitOf;

/**
 * The stages a case goes through: 即办件 ACCEPT, ISSUE, ARCHIVE; otherwise ACCEPT, [PRE_REVIEW], REVIEW,
 * [VERIFY], APPROVE, ISSUE, ARCHIVE — PRE_REVIEW when another hall approves (市县联动) or the item is reported
 * (上报件), VERIFY under 一审一核.
 */
export function plannedStages(c: Pick<Case, 'item' | 'acceptingHallId' | 'approvingHallId'>): ProcessStage[] {
  const content = c.item?.content;
  if (content?.caseType === catalogueItemsV1.CaseType.CASE_TYPE_IMMEDIATE) {
    return [Stage.accept, Stage.issue, Stage.archive];
  }
  const stages: ProcessStage[] = [Stage.accept];
  if (c.approvingHallId !== c.acceptingHallId || content?.reported) stages.push(Stage.preReview);
  stages.push(Stage.review);
  if (content?.reviewMode === catalogueItemsV1.ReviewMode.REVIEW_MODE_REVIEW_VERIFY) stages.push(Stage.verify);
  stages.push(Stage.approve, Stage.issue, Stage.archive);
  return stages;
}

export function nextStage(c: Case, after: ProcessStage): ProcessStage | undefined {
  const plan = plannedStages(c);
  return plan[plan.indexOf(after) + 1];
}

/** The stage being worked on (the last record, while active). */
export function activeStage(c: Case): StageRecord | undefined {
  const last = c.stages[c.stages.length - 1];
  return last?.status === caseV1.StageStatus.STAGE_STATUS_ACTIVE ? last : undefined;
}

export function requireActiveStage(c: Case, ...allowed: ProcessStage[]): StageRecord {
  const stage = activeStage(c);
  if (!stage || (allowed.length > 0 && !allowed.includes(stage.stage))) {
    throw new PreconditionFailedError(
      `case ${c.caseNumber} is at ${stage?.stage ?? c.status} (version ${c.version}); this action needs ${allowed.join(' or ')}`,
    );
  }
  return stage;
}

/** The department that decides the case: the lead of a joint case, else the approving department. */
export function decidingDepartmentOf(c: Pick<Case, 'leadDepartmentId' | 'approvingDepartmentId'>): string {
  return c.leadDepartmentId || c.approvingDepartmentId;
}

/** The hall and department that work a stage. */
export function placeOf(c: Case, stage: ProcessStage): { hallId: string; departmentId: string } {
  if (stage === Stage.accept || stage === Stage.preReview) {
    return { hallId: c.acceptingHallId, departmentId: c.acceptingDepartmentId };
  }
  return { hallId: c.approvingHallId, departmentId: decidingDepartmentOf(c) };
}

export function caseRef(c: Case): caseEventsV1.CaseRef {
  return {
    caseId: c.id,
    caseNumber: c.caseNumber,
    itemId: c.item?.id ?? '',
    itemVersion: c.item?.version ?? 0,
    itemName: c.item?.content?.name ?? '',
    applicantId: c.applicantId,
    acceptingHallId: c.acceptingHallId,
    currentHallId: c.currentHallId,
    departmentId: decidingDepartmentOf(c),
    ...(c.promisedAt ? { promisedAt: c.promisedAt } : {}),
    caseVersion: c.version + 1,
  };
}

/** Due instant of a budget from `start` in the hall's working time; undefined without a budget. */
export function dueAfter(
  env: CaseEnvironment,
  hallId: string,
  start: Date,
  budget: TimeLimit | undefined,
): Date | undefined {
  const limit = calendarLimit(budget);
  return limit ? env.calendarOf(hallId).dueInstant(start, limit) : undefined;
}

/** Starts a stage: a new record with the item's budget and its due time; raises case.stage.entered. */
export function enterStage(
  c: Case,
  stage: ProcessStage,
  env: CaseEnvironment,
  events: CaseEventDraft[],
  handlerStaffId = '',
): StageRecord {
  const place = placeOf(c, stage);
  const budget = c.item?.content?.stageBudgets.find((b) => b.stage === stage)?.limit;
  const dueAt =
    stage === Stage.accept || stage === Stage.archive ? undefined : dueAfter(env, place.hallId, env.now, budget);
  const record: StageRecord = {
    seq: c.stages.length + 1,
    stage,
    status: caseV1.StageStatus.STAGE_STATUS_ACTIVE,
    hallId: place.hallId,
    departmentId: place.departmentId,
    handlerStaffId,
    enteredAt: env.now,
    ...(budget && dueAt ? { budget, dueAt } : {}),
    opinion: '',
    responsibleDepartmentId: '',
  };
  c.stages.push(record);
  c.currentStage = stage;
  c.currentHallId = place.hallId;
  // A copy: the record may close within the same change (即办件), and the event says how it was entered.
  events.push({ name: 'stageEntered', payload: { case: caseRef(c), stage: { ...record } } });
  return record;
}

/** Ends the active stage with `status`; raises case.stage.completed. */
export function closeStage(
  c: Case,
  record: StageRecord,
  status: caseV1.StageStatus,
  env: CaseEnvironment,
  events: CaseEventDraft[],
  opinion = '',
  sentBackTo?: ProcessStage,
): void {
  record.status = status;
  record.completedAt = env.now;
  if (opinion) record.opinion = opinion;
  events.push({
    name: 'stageCompleted',
    payload: {
      case: caseRef(c),
      stage: record,
      sentBackTo: sentBackTo ?? catalogueItemsV1.ProcessStage.PROCESS_STAGE_UNSPECIFIED,
    },
  });
}
