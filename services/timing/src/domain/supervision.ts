import { catalogueItemsV1, timingV1 } from '@govhall/contracts';

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

export const supervisionRuleCodec = {
  stage_order: timingV1.SupervisionRule.SUPERVISION_RULE_STAGE_ORDER,
  pre_review_late: timingV1.SupervisionRule.SUPERVISION_RULE_PRE_REVIEW_LATE,
  refusal_without_reason: timingV1.SupervisionRule.SUPERVISION_RULE_REFUSAL_WITHOUT_REASON,
  charge_above_standard: timingV1.SupervisionRule.SUPERVISION_RULE_CHARGE_ABOVE_STANDARD,
  missing_material_overdue: timingV1.SupervisionRule.SUPERVISION_RULE_MISSING_MATERIAL_OVERDUE,
} as const;
export type SupervisionRuleName = keyof typeof supervisionRuleCodec;
