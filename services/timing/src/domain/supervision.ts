import { catalogueItemsV1, timingV1 } from '@govhall/contracts';
import type { ClockState } from './clock';

const Stage = catalogueItemsV1.ProcessStage;

/** Chinese names of the stages, for the supervision office's findings. */
export const STAGE_NAMES: Readonly<Partial<Record<catalogueItemsV1.ProcessStage, string>>> = {
  [Stage.PROCESS_STAGE_ACCEPT]: '受理',
  [Stage.PROCESS_STAGE_PRE_REVIEW]: '初审',
  [Stage.PROCESS_STAGE_REVIEW]: '审核',
  [Stage.PROCESS_STAGE_VERIFY]: '核准',
  [Stage.PROCESS_STAGE_APPROVE]: '审批',
  [Stage.PROCESS_STAGE_ISSUE]: '发证办结',
  [Stage.PROCESS_STAGE_ARCHIVE]: '归档',
};
export const stageName = (stage: string): string =>
  STAGE_NAMES[stage as catalogueItemsV1.ProcessStage] ?? (stage || '未知环节');

/**
 * Where a case stands against its planned stages (环节完整性): the plan from case.case.opened, the last stage
 * completed and how, and whether it was refused (a refusal goes straight to 发证办结 to hand out the notice).
 */
export interface StageTrail {
  readonly planned: readonly string[];
  /** The last stage completed (ACCEPT once the case opens). */
  readonly lastCompleted: string;
  /** Set when the last completion was a send-back: the stage it sent the case to. */
  readonly sentBackTo: string;
  readonly refused: boolean;
}

export function newTrail(planned: readonly string[]): StageTrail {
  return { planned, lastCompleted: '', sentBackTo: '', refused: false };
}

export function stageCompleted(trail: StageTrail, stage: string, sentBackTo: string): StageTrail {
  return { ...trail, lastCompleted: stage, sentBackTo };
}

export function refused(trail: StageTrail): StageTrail {
  return { ...trail, refused: true };
}

/**
 * Checks a stage entered against the plan. Legitimate: the planned stage after the last one completed; the stage a
 * send-back named; 发证办结 after a refusal. Anything else is a finding: planned stages skipped, a stage entered out
 * of order, or a stage the plan does not have.
 */
export function stageEntryFinding(trail: StageTrail, stage: string): string | undefined {
  if (trail.sentBackTo)
    return trail.sentBackTo === stage ? undefined : `退回至${stageName(trail.sentBackTo)}，却进入${stageName(stage)}`;
  if (stage === String(Stage.PROCESS_STAGE_ISSUE) && trail.refused) return undefined;
  const at = trail.planned.indexOf(stage);
  if (at < 0) return `进入计划外环节：${stageName(stage)}`;
  const last = trail.lastCompleted ? trail.planned.indexOf(trail.lastCompleted) : -1;
  if (at === last + 1) return undefined;
  if (at > last + 1) {
    const skipped = trail.planned
      .slice(last + 1, at)
      .map(stageName)
      .join('、');
    return `跳过环节：${skipped}`;
  }
  return `环节顺序错误：${stageName(trail.lastCompleted)}之后进入${stageName(stage)}`;
}

/**
 * Fen as yuan with two decimals (`12000` → `120.00`, `-5` → `-0.05`), by integer arithmetic: money never passes
 * through a float. Throws a RangeError for a value that is not a whole number of fen.
 */
export function yuanOf(fen: number): string {
  const value = BigInt(fen);
  const magnitude = value < 0n ? -value : value;
  const cents = (magnitude % 100n).toString().padStart(2, '0');
  return `${value < 0n ? '-' : ''}${magnitude / 100n}.${cents}`;
}

/** What 收费监察 needs of a bill line charged above its published standard. */
export interface ChargedLine {
  readonly name: string;
  readonly feeCode: string;
  readonly standardFen: number;
  readonly chargedFen: number;
}

/** The finding of a charge above the standard, e.g. `超标准收费：城市基础设施配套费 标准90.00元，实收120.00元（收费单FJ001）`. */
export function chargeAboveStandardFinding(line: ChargedLine, billNumber: string): string {
  const bill = billNumber ? `（收费单${billNumber}）` : '';
  return `超标准收费：${line.name || line.feeCode} 标准${yuanOf(line.standardFen)}元，实收${yuanOf(line.chargedFen)}元${bill}`;
}

/**
 * The stage a case stands at as far as timing knows it: the stage of its latest stage clock still running (or
 * paused, or parked). '' when none is: the stage has no budget, or the case is not timed here.
 */
export function currentStageOf(clocks: readonly ClockState[]): string {
  let current: ClockState | undefined;
  for (const clock of clocks)
    if (clock.kind === 'stage' && clock.status !== 'stopped' && (!current || clock.stageSeq > current.stageSeq))
      current = clock;
  return current?.stage ?? '';
}

export const supervisionRuleCodec = {
  stage_order: timingV1.SupervisionRule.SUPERVISION_RULE_STAGE_ORDER,
  pre_review_late: timingV1.SupervisionRule.SUPERVISION_RULE_PRE_REVIEW_LATE,
  refusal_without_reason: timingV1.SupervisionRule.SUPERVISION_RULE_REFUSAL_WITHOUT_REASON,
  charge_above_standard: timingV1.SupervisionRule.SUPERVISION_RULE_CHARGE_ABOVE_STANDARD,
  missing_material_overdue: timingV1.SupervisionRule.SUPERVISION_RULE_MISSING_MATERIAL_OVERDUE,
} as const;
export type SupervisionRuleName = keyof typeof supervisionRuleCodec;
