import type { TimeLimit, WorkingCalendar } from '@govhall/calendar';
import { catalogueItemsV1, timingV1 } from '@govhall/contracts';
import { enumCodec, type FieldViolation } from '@govhall/kit';
import type { AlertLevelName, ClockKindName, Step, StepPlanner } from './clock';

export type RecipientRoleName =
  'handler' | 'chief_representative' | 'deputy_leader' | 'principal_leader' | 'applicant' | 'supervisor';

export const clockKindCodec = enumCodec<ClockKindName>()(timingV1.ClockKind, {
  CLOCK_KIND_ACCEPTANCE: 'acceptance',
  CLOCK_KIND_STAGE: 'stage',
  CLOCK_KIND_SUBTASK: 'subtask',
  CLOCK_KIND_PROMISED: 'promised',
  CLOCK_KIND_STATUTORY: 'statutory',
});
export const alertLevelCodec = enumCodec<AlertLevelName>()(timingV1.AlertLevel, {
  ALERT_LEVEL_REMINDER: 'reminder',
  ALERT_LEVEL_PRE_WARNING: 'pre_warning',
  ALERT_LEVEL_APPLICANT_WARNING: 'applicant_warning',
  ALERT_LEVEL_YELLOW_CARD: 'yellow',
  ALERT_LEVEL_RED_CARD: 'red',
});
export const recipientRoleCodec = enumCodec<RecipientRoleName>()(timingV1.RecipientRole, {
  RECIPIENT_ROLE_HANDLER: 'handler',
  RECIPIENT_ROLE_CHIEF_REPRESENTATIVE: 'chief_representative',
  RECIPIENT_ROLE_DEPUTY_LEADER: 'deputy_leader',
  RECIPIENT_ROLE_PRINCIPAL_LEADER: 'principal_leader',
  RECIPIENT_ROLE_APPLICANT: 'applicant',
  RECIPIENT_ROLE_SUPERVISOR: 'supervisor',
});

const K = timingV1.ClockKind;
const L = timingV1.AlertLevel;
const ALL_CLOCK_KINDS = [
  K.CLOCK_KIND_ACCEPTANCE,
  K.CLOCK_KIND_STAGE,
  K.CLOCK_KIND_SUBTASK,
  K.CLOCK_KIND_PROMISED,
  K.CLOCK_KIND_STATUTORY,
];

/** 4 working hours from registration (Wuhu's 受理倒计时). */
export const DEFAULT_ACCEPTANCE_LIMIT: TimeLimit = { amount: 4, unit: 'working_hours' };

/**
 * Wuhu's rules, the default of every hall: 催办 to the handler at 80% of any clock's budget and again when it
 * falls due; a yellow card at due (overdue by less than one working day) to the deputy leader; a red card one
 * working day later to the principal leader. Xi'an's pre-warnings and Zhaoyuan's warnings to applicants are off
 * until a hall turns them on. Every other supervision rule is on.
 */
export function defaultHallRules(hallId: string): timingV1.HallRules {
  return {
    hallId,
    ladder: {
      preDue: [{ level: L.ALERT_LEVEL_REMINDER, percentOfBudget: 80, workingHoursBeforeDue: 0, clockKinds: [] }],
      remindAtDue: true,
      cardClockKinds: [...ALL_CLOCK_KINDS],
      redAfterWorkingDays: 1,
      preWarnChiefRepresentative: true,
      preWarnDeputyLeader: true,
    },
    rules: {
      stageOrder: true,
      preReviewLate: true,
      refusalWithoutReason: true,
      chargeAboveStandard: true,
      missingMaterialOverdue: true,
    },
    acceptanceLimit: { amount: 4, unit: catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_HOURS },
    version: 0,
    updatedByStaffId: '',
  };
}

const PRE_DUE_LEVELS: readonly timingV1.AlertLevel[] = [
  L.ALERT_LEVEL_REMINDER,
  L.ALERT_LEVEL_PRE_WARNING,
  L.ALERT_LEVEL_APPLICANT_WARNING,
];

/** Every problem of a hall's rules, named by request field (`ladder.pre_due[0].percent_of_budget`). */
export function ruleViolations(ladder: timingV1.AlertLadder | undefined): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (!ladder) return [{ field: 'ladder', description: 'is required' }];
  if (ladder.preDue.length > 10) violations.push({ field: 'ladder.pre_due', description: 'at most 10 steps' });
  ladder.preDue.forEach((step, i) => {
    const at = `ladder.pre_due[${i}]`;
    if (!PRE_DUE_LEVELS.includes(step.level))
      violations.push({ field: `${at}.level`, description: 'REMINDER, PRE_WARNING or APPLICANT_WARNING' });
    const percent = step.percentOfBudget;
    const hours = step.workingHoursBeforeDue;
    if (percent === 0 && hours === 0)
      violations.push({
        field: `${at}.percent_of_budget`,
        description: 'give a share of the budget or hours before due',
      });
    if (percent !== 0 && !(Number.isInteger(percent) && percent >= 1 && percent <= 99))
      violations.push({ field: `${at}.percent_of_budget`, description: 'a whole percentage from 1 to 99' });
    if (hours !== 0 && !(Number.isFinite(hours) && hours > 0 && hours <= 24 * 60))
      violations.push({ field: `${at}.working_hours_before_due`, description: 'more than 0, at most 1440 hours' });
    step.clockKinds.forEach((kind, j) => {
      if (!ALL_CLOCK_KINDS.includes(kind))
        violations.push({ field: `${at}.clock_kinds[${j}]`, description: 'a clock kind other than UNSPECIFIED' });
    });
    if (step.level === L.ALERT_LEVEL_PRE_WARNING && !ladder.preWarnChiefRepresentative && !ladder.preWarnDeputyLeader)
      violations.push({
        field: 'ladder.pre_warn_deputy_leader',
        description: 'a pre-warning needs a recipient: the chief representative, the deputy leader or both',
      });
  });
  ladder.cardClockKinds.forEach((kind, j) => {
    if (!ALL_CLOCK_KINDS.includes(kind))
      violations.push({ field: `ladder.card_clock_kinds[${j}]`, description: 'a clock kind other than UNSPECIFIED' });
  });
  const red = ladder.redAfterWorkingDays;
  if (!(Number.isFinite(red) && red > 0 && red <= 30 && Number.isInteger(red * 2)))
    violations.push({ field: 'ladder.red_after_working_days', description: 'whole or half working days, 0.5 to 30' });
  return violations;
}

function appliesTo(kinds: readonly timingV1.ClockKind[], kind: ClockKindName): boolean {
  return kinds.length === 0 || kinds.includes(clockKindCodec.toProto(kind));
}

/**
 * The hall's ladder as a {@link StepPlanner}. Working time throughout: a share of the budget and hours before due
 * count working time from the (pause-shifted) start; the red card comes `red_after_working_days` of working time
 * after due, so a holiday never brings it closer (Wuhu's "超时小于24小时" read as one working day: a natural 24
 * hours would fire red cards over National Day).
 */
export function ladderPlanner(ladder: timingV1.AlertLadder): StepPlanner {
  const preWarned: RecipientRoleName[] = [
    ...(ladder.preWarnChiefRepresentative ? (['chief_representative'] as const) : []),
    ...(ladder.preWarnDeputyLeader ? (['deputy_leader'] as const) : []),
  ];
  const recipients = (level: AlertLevelName): RecipientRoleName[] => {
    if (level === 'reminder') return ['handler'];
    if (level === 'pre_warning') return preWarned;
    if (level === 'applicant_warning') return ['applicant'];
    if (level === 'yellow') return ['handler', 'deputy_leader'];
    return ['handler', 'principal_leader'];
  };
  return {
    plan(kind: ClockKindName, start: Date, due: Date, calendar: WorkingCalendar): Step[] {
      const steps: Step[] = [];
      const budgetMs = due > start ? calendar.workingTimeBetween(start, due) : 0;
      ladder.preDue.forEach((step, i) => {
        if (!appliesTo(step.clockKinds, kind)) return;
        const level = alertLevelCodec.fromProto(step.level);
        if (!level) return;
        const candidates: number[] = [];
        if (step.percentOfBudget > 0) candidates.push(Math.floor((budgetMs * step.percentOfBudget) / 100));
        const before = Math.round(step.workingHoursBeforeDue * 3_600_000);
        if (before > 0 && before < budgetMs) candidates.push(budgetMs - before);
        if (candidates.length === 0) return;
        const elapsed = Math.min(...candidates);
        const at = calendar.addWorkingTime(start, elapsed);
        if (at >= due) return;
        steps.push({
          code: `pre:${i}`,
          level,
          at: at.toISOString(),
          to: recipients(level),
          remainingMs: budgetMs - elapsed,
        });
      });
      const at = due.toISOString();
      if (ladder.remindAtDue) steps.push({ code: 'due', level: 'reminder', at, to: ['handler'], remainingMs: 0 });
      if (appliesTo(ladder.cardClockKinds, kind) && ladder.cardClockKinds.length > 0) {
        // Overdue means past due: the yellow card comes the first millisecond after it.
        const yellow = new Date(due.getTime() + 1).toISOString();
        steps.push({ code: 'yellow', level: 'yellow', at: yellow, to: recipients('yellow'), remainingMs: 0 });
        const redAfter = Math.round(ladder.redAfterWorkingDays * calendar.workingDayLength);
        const red = calendar.addWorkingTime(due, redAfter).toISOString();
        steps.push({ code: 'red', level: 'red', at: red, to: recipients('red'), remainingMs: -redAfter });
      }
      // Stable by instant; at one instant the reminder before the card (the order of the pushes).
      return steps
        .map((step, order) => ({ step, order }))
        .sort((a, b) => Date.parse(a.step.at) - Date.parse(b.step.at) || a.order - b.order)
        .map(({ step }) => step);
    },
  };
}
