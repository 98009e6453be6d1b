import type { timingV1 } from '@govhall/contracts';

/** One registration as the indicators count it (received, accepted, acceptance time). */
export interface RegistrationFacts {
  readonly registrationId: string;
  readonly hallId: string;
  readonly departmentId: string;
  readonly windowId: string;
  readonly itemId: string;
  readonly itemName: string;
  readonly registeredAt: Date;
  readonly outcome?: 'accepted' | 'refused';
  readonly decidedAt?: Date;
  /** Working time from registration to the decision, 补正 excluded. */
  readonly acceptanceWorkingMs?: number;
}

/** One case as the indicators count it; limits and durations in working days of the hall's calendar. */
export interface CaseFacts {
  readonly caseId: string;
  readonly caseNumber: string;
  readonly hallId: string;
  readonly departmentId: string;
  readonly windowId: string;
  readonly itemId: string;
  readonly itemName: string;
  readonly acceptedAt: Date;
  readonly statutoryWorkingDays?: number;
  readonly promisedWorkingDays?: number;
  readonly promisedDueAt?: Date;
  readonly completedAt?: Date;
  readonly completedOnTheSpot: boolean;
  /** Working days from acceptance to completion, pauses excluded. */
  readonly actualWorkingDays?: number;
  /** Completed by the promised instant. */
  readonly onTime?: boolean;
  /** Completed at least one working day before the promised day. */
  readonly early?: boolean;
}

/** A yellow or red card issued in the period (cancelled ones left out by the store). */
export interface CardFact {
  readonly departmentId: string;
  readonly windowId: string;
  readonly itemId: string;
  /** `yellow` or `red`; anything else is not counted. */
  readonly level: string;
}

export const IndicatorGroupings = {
  hall: 'hall',
  department: 'department',
  window: 'window',
  item: 'item',
} as const;
export type IndicatorGroupingName = (typeof IndicatorGroupings)[keyof typeof IndicatorGroupings];

/** A working day of 7 hours (9:00–12:00, 13:00–17:00), the calendar's default. */
export const DEFAULT_WORKING_DAY_MS = 7 * 3_600_000;

export interface IndicatorInput {
  /** The period [from, to). */
  readonly from: Date;
  readonly to: Date;
  readonly grouping: IndicatorGroupingName;
  /** The hall the facts are of: the key of the one row when grouped by hall. */
  readonly hallId: string;
  /** Key and name of the total row: the hall, or the one department the request was narrowed to. */
  readonly total: { readonly key: string; readonly name: string };
  /** Registrations registered or decided in the period (others are ignored). */
  readonly registrations: readonly RegistrationFacts[];
  /** Cases accepted or completed in the period, or in progress at its start (others are ignored). */
  readonly cases: readonly CaseFacts[];
  /** Cards issued in the period. */
  readonly cards: readonly CardFact[];
  /**
   * When a case still open at the period's end is judged overdue (past its promised instant): the period's end,
   * or now for the running period.
   */
  readonly overdueAt: Date;
  /** The hall's working-day length, to turn acceptance working time into working days. */
  readonly workingDayMs?: number;
}

export interface IndicatorReport {
  readonly total: timingV1.Indicators;
  /** One row per group with anything to count, by key. */
  readonly rows: timingV1.Indicators[];
}

/**
 * How the numbers are defined, printed beside them (GetIndicatorsResponse.definitions). The speed-ups are ratios
 * of means, as the halls' monthly reports compute them: (20.77 − 13.12) ÷ 20.77 = 36.83%.
 */
export const INDICATOR_DEFINITIONS = [
  '当月办结率 = 本期办结件数 ÷（本期受理件数 + 期初在办件数）。期初在办：期初前受理、期初时尚未办结的件。',
  'Completion rate = cases completed in the period ÷ (cases accepted in the period + cases in progress at its start: accepted before it and not completed by then).',
  '承诺提速 =（平均法定时限 − 平均承诺时限）÷ 平均法定时限，统计本期受理且法定、承诺时限均有的件，单位为工作日；为均值之比，不是各件比值的平均。',
  'Commitment speed-up = (mean statutory limit − mean promised limit) ÷ mean statutory limit, over the cases accepted in the period that have both, in working days: a ratio of means, not a mean of ratios.',
  '实际提速 =（平均法定时限 − 平均实际办理时间）÷ 平均法定时限，统计本期办结且有法定时限的件，单位为工作日，暂停（补正、特别程序）不计；亦为均值之比。',
  'Actual speed-up = (mean statutory limit − mean actual working days) ÷ mean statutory limit, over the cases completed in the period that have a statutory limit, pauses excluded: also a ratio of means.',
  '平均法定时限、平均承诺时限取承诺提速的统计范围；平均实际办理时间取实际提速的统计范围。分母为零时比率记为 0。',
  'Mean statutory and mean promised days are over the commitment speed-up cases; mean actual days over the actual speed-up cases. A rate with a zero denominator is 0.',
].join('\n');

/** Sums of one group, turned into a row at the end. */
class Tally {
  received = 0;
  accepted = 0;
  inProgressAtStart = 0;
  completed = 0;
  completedOnSite = 0;
  completedOnTime = 0;
  completedEarly = 0;
  readonly overdueCases = new Set<string>();
  yellowCards = 0;
  redCards = 0;
  acceptanceMs = new Mean();
  completionDays = new Mean();
  commitmentStatutory = new Mean();
  commitmentPromised = new Mean();
  actualStatutory = new Mean();
  actualDays = new Mean();

  constructor(
    readonly key: string,
    public name: string,
  ) {}

  row(workingDayMs: number): timingV1.Indicators {
    const completed = this.completed;
    return {
      key: this.key,
      name: this.name,
      received: this.received,
      accepted: this.accepted,
      completed,
      completionRate: rate(completed, this.accepted + this.inProgressAtStart),
      onSiteCompletionRate: rate(this.completedOnSite, completed),
      onTimeRate: rate(this.completedOnTime, completed),
      earlyCompletionRate: rate(this.completedEarly, completed),
      averageAcceptanceWorkingDays: days(this.acceptanceMs.value() / workingDayMs),
      averageCompletionWorkingDays: days(this.completionDays.value()),
      overdue: this.overdueCases.size,
      yellowCards: this.yellowCards,
      redCards: this.redCards,
      commitmentSpeedUp: speedUp(this.commitmentStatutory.value(), this.commitmentPromised.value()),
      actualSpeedUp: speedUp(this.actualStatutory.value(), this.actualDays.value()),
      meanStatutoryWorkingDays: days(this.commitmentStatutory.value()),
      meanPromisedWorkingDays: days(this.commitmentPromised.value()),
      meanActualWorkingDays: days(this.actualDays.value()),
      completedOnSite: this.completedOnSite,
      completedOnTime: this.completedOnTime,
      completedEarly: this.completedEarly,
    };
  }
}

class Mean {
  private sum = 0;
  private count = 0;
  add(value: number): void {
    this.sum += value;
    this.count += 1;
  }
  /** 0 when nothing was added. */
  value(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
}

const round = (value: number, places: number): number => {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
};
/** A rate to 4 decimals; 0 when there is nothing to divide by. */
const rate = (numerator: number, denominator: number): number =>
  denominator === 0 ? 0 : round(numerator / denominator, 4);
const days = (value: number): number => round(value, 2);
/** (mean statutory − mean other) ÷ mean statutory, from the unrounded means. */
const speedUp = (statutory: number, other: number): number =>
  statutory === 0 ? 0 : round((statutory - other) / statutory, 4);

const within = (at: Date | undefined, from: Date, to: Date): at is Date =>
  at !== undefined && at.getTime() >= from.getTime() && at.getTime() < to.getTime();

/**
 * The monthly performance indicators (月度绩效指标) of a period, for the whole and per group, as the proto's
 * `Indicators` fields define them. Pure: the facts are filtered to the period here, so a caller may pass more.
 */
export function computeIndicators(input: IndicatorInput): IndicatorReport {
  const { from, to, grouping } = input;
  const workingDayMs = input.workingDayMs ?? DEFAULT_WORKING_DAY_MS;
  const total = new Tally(input.total.key, input.total.name);
  const groups = new Map<string, Tally>();
  const keyOf = (fact: { departmentId: string; windowId: string; itemId: string }): string => {
    switch (grouping) {
      case 'hall':
        return input.hallId;
      case 'department':
        return fact.departmentId;
      case 'window':
        return fact.windowId;
      case 'item':
        return fact.itemId;
    }
  };
  /** The total and the fact's group; an item's name is the one its facts carry, other groups are named by id. */
  const tallies = (fact: { departmentId: string; windowId: string; itemId: string; itemName?: string }): Tally[] => {
    const key = keyOf(fact);
    let group = groups.get(key);
    if (!group) {
      group = new Tally(key, grouping === 'hall' && key === input.total.key ? input.total.name : key);
      groups.set(key, group);
    }
    if (grouping === 'item' && fact.itemName && group.name === key) group.name = fact.itemName;
    return [total, group];
  };

  for (const r of input.registrations) {
    const registered = within(r.registeredAt, from, to);
    const decided = within(r.decidedAt, from, to) && r.acceptanceWorkingMs !== undefined;
    if (!registered && !decided) continue;
    for (const t of tallies(r)) {
      if (registered) t.received += 1;
      if (decided) t.acceptanceMs.add(r.acceptanceWorkingMs ?? 0);
    }
  }

  const overdueAt = input.overdueAt.getTime();
  for (const c of input.cases) {
    const accepted = within(c.acceptedAt, from, to);
    const completedAt = c.completedAt?.getTime();
    const inProgressAtStart =
      c.acceptedAt.getTime() < from.getTime() && (completedAt === undefined || completedAt >= from.getTime());
    const completed = within(c.completedAt, from, to);
    const openAtEnd =
      c.acceptedAt.getTime() < to.getTime() && (completedAt === undefined || completedAt >= to.getTime());
    const openOverdue = openAtEnd && c.promisedDueAt !== undefined && c.promisedDueAt.getTime() < overdueAt;
    const overdue = (completed && c.onTime === false) || openOverdue;
    if (!accepted && !inProgressAtStart && !completed) continue;
    const commitment = accepted && c.statutoryWorkingDays !== undefined && c.promisedWorkingDays !== undefined;
    const actual = completed && c.statutoryWorkingDays !== undefined && c.actualWorkingDays !== undefined;
    for (const t of tallies(c)) {
      if (accepted) t.accepted += 1;
      if (inProgressAtStart) t.inProgressAtStart += 1;
      if (overdue) t.overdueCases.add(c.caseId);
      if (commitment) {
        t.commitmentStatutory.add(c.statutoryWorkingDays ?? 0);
        t.commitmentPromised.add(c.promisedWorkingDays ?? 0);
      }
      if (!completed) continue;
      t.completed += 1;
      if (c.completedOnTheSpot) t.completedOnSite += 1;
      if (c.onTime === true) t.completedOnTime += 1;
      if (c.early === true) t.completedEarly += 1;
      if (c.actualWorkingDays !== undefined) t.completionDays.add(c.actualWorkingDays);
      if (actual) {
        t.actualStatutory.add(c.statutoryWorkingDays ?? 0);
        t.actualDays.add(c.actualWorkingDays ?? 0);
      }
    }
  }

  for (const card of input.cards) {
    if (card.level !== 'yellow' && card.level !== 'red') continue;
    for (const t of tallies(card)) {
      if (card.level === 'yellow') t.yellowCards += 1;
      else t.redCards += 1;
    }
  }

  const rows = [...groups.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((t) => t.row(workingDayMs));
  return { total: total.row(workingDayMs), rows };
}
