import { catalogueItemsV1, timingV1 } from '@govhall/contracts';
import type { ClockState, Step } from '../domain/clock';
import { alertLevelCodec, clockKindCodec } from '../domain/ladder';

const UNIT: Record<string, catalogueItemsV1.LimitUnit> = {
  working_days: catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_DAYS,
  natural_days: catalogueItemsV1.LimitUnit.LIMIT_UNIT_NATURAL_DAYS,
  working_hours: catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_HOURS,
  natural_hours: catalogueItemsV1.LimitUnit.LIMIT_UNIT_NATURAL_HOURS,
};

const STATUS: Record<ClockState['status'], timingV1.ClockStatus> = {
  running: timingV1.ClockStatus.CLOCK_STATUS_RUNNING,
  paused: timingV1.ClockStatus.CLOCK_STATUS_PAUSED,
  parked: timingV1.ClockStatus.CLOCK_STATUS_PARKED,
  stopped: timingV1.ClockStatus.CLOCK_STATUS_STOPPED,
};

/** The clock as the contract shows it; `remainingMs` computed by the caller (it needs the calendar). */
export function clockMessage(clock: ClockState, remainingMs: number | undefined): timingV1.Clock {
  return {
    id: clock.id,
    kind: clockKindCodec.toProto(clock.kind),
    status: STATUS[clock.status],
    caseId: clock.caseId,
    caseNumber: clock.caseNumber,
    registrationId: clock.registrationId,
    itemId: clock.itemId,
    itemName: clock.itemName,
    stage: (clock.stage || catalogueItemsV1.ProcessStage.PROCESS_STAGE_UNSPECIFIED) as catalogueItemsV1.ProcessStage,
    stageSeq: clock.stageSeq,
    subtaskCode: clock.subtaskCode,
    hallId: clock.hallId,
    departmentId: clock.departmentId,
    windowId: clock.windowId,
    handlerStaffId: clock.handlerStaffId,
    budget: { amount: clock.budget.amount, unit: UNIT[clock.budget.unit]! },
    startedAt: clock.startedAt,
    ...(clock.dueAt ? { dueAt: clock.dueAt } : {}),
    ...(clock.stoppedAt ? { stoppedAt: clock.stoppedAt } : {}),
    remainingWorkingMs: remainingMs ?? 0,
    pausedWorkingMs: clock.pausedWorkingMs,
    ...(clock.pausedSince ? { pausedSince: clock.pausedSince } : {}),
    parkedYear: clock.parkedYear ?? 0,
    steps: clock.steps.map((s) => ({
      level: alertLevelCodec.toProto(s.level),
      at: new Date(s.at),
      fired: s.fired ?? false,
      skipped: s.skipped ?? false,
    })),
    overdue: clock.overdue,
  };
}

const CASE_LEVEL_KINDS = new Set<ClockState['kind']>(['acceptance', 'promised', 'statutory']);

/** A card for a clock's yellow or red step, as the supervision archive keeps it. */
export function cardMessage(
  id: string,
  clock: ClockState,
  step: Step,
  recipients: timingV1.Recipient[],
  issuedAt: Date,
): timingV1.Card {
  return {
    id,
    level: alertLevelCodec.toProto(step.level),
    scope: CASE_LEVEL_KINDS.has(clock.kind) ? timingV1.CardScope.CARD_SCOPE_CASE : timingV1.CardScope.CARD_SCOPE_STAGE,
    status: timingV1.CardStatus.CARD_STATUS_ISSUED,
    clockId: clock.id,
    clockKind: clockKindCodec.toProto(clock.kind),
    caseId: clock.caseId,
    caseNumber: clock.caseNumber,
    registrationId: clock.registrationId,
    itemId: clock.itemId,
    itemName: clock.itemName,
    stage: (clock.stage || catalogueItemsV1.ProcessStage.PROCESS_STAGE_UNSPECIFIED) as catalogueItemsV1.ProcessStage,
    subtaskCode: clock.subtaskCode,
    hallId: clock.hallId,
    departmentId: clock.departmentId,
    windowId: clock.windowId,
    handlerStaffId: clock.handlerStaffId,
    ...(clock.dueAt ? { dueAt: clock.dueAt } : {}),
    issuedAt,
    overdueWorkingMs: Math.max(0, -step.remainingMs),
    recipients,
    history: [historyEntry(timingV1.CardStatus.CARD_STATUS_ISSUED, 'system', '', issuedAt)],
  };
}

export function historyEntry(
  status: timingV1.CardStatus,
  staffId: string,
  reason: string,
  at: Date,
): timingV1.CardHistoryEntry {
  return { status, staffId, reason, at };
}
