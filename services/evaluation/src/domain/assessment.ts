/**
 * The monthly assessment engine (月考核): pure functions from a hall's rules (data), the month's facts and its
 * completed cases to every staff member's and window's result, and from closed months to the year. No I/O.
 *
 * Attribution. A fact counts for a staff member when its staff_id is theirs; a fact with a window_id and no
 * staff_id counts for that window only; a fact with neither is ignored, except as the department or hall-wide
 * value of an ENTERED_RATE indicator. Voided facts are ignored. Quantities are read as stored (the service stores
 * an absent quantity as 1). Votes are the facts `staff_vote` (staff_id, quantity = votes) and `window_vote`
 * (window_id, no staff_id); they only break ties, unless a point rule names their code.
 *
 * A rule's line: rule.points × Σ quantity of the period's facts of its code, clamped to ±cap when cap > 0. The
 * lines published are the rules that moved the score (points ≠ 0), in the rules' order, before any clamp of the
 * total to [0, max_points] — the exact 扣分 / 加分 reasons.
 * - MONTHLY_POINTS: base_points + Σ lines over the month; clamped to [0, max_points] when max_points > 0.
 * - DAILY_POINTS: each working day base_points + that day's lines (caps per day), clamped to [0, max_points] when
 *   max_points > 0; a day outside `workingDays` adds its lines with no base and no clamp. The month is the sum of
 *   the days; its lines are the days' lines added up per rule.
 * - WEIGHTED_INDICATORS: Σ weight × achievement, achievement = clamp((v − floor) / (target − floor), 0, 1) (also
 *   for lower-is-better, target < floor); with nothing to divide by (no cases, no ratings, no entered value) the
 *   achievement is 1 and the value 0. Point rules apply on top over the month; the total is clamped as MONTHLY.
 *   Speed-up measures leave out cases whose statutory limit, or promised / taken days, are 0 (unknown).
 *
 * Rounding. Every points figure is formed in whole hundredths of a point (half away from zero) where it arises —
 * a line after its cap, a day, an indicator's points, a window's mean — and totals are exact integer sums of
 * those, so a published total is the sum of its published parts and no float noise shows. Rates and achievements
 * are rounded to 4 decimals; an indicator's points are its weight × the published achievement.
 *
 * Grades, ranks, awards. The grade is the first band (best first) whose min_points the points reach, '' when none.
 * With excellent_quota_percent > 0 at most max(1, ⌊roster × pct / 100⌋) staff hold the first band, in rank order;
 * the others who reached it get the second band. failed = the failing grade. Ranks: points desc, then votes desc,
 * competition ranking (1, 1, 3); the listing order, the quota and the award cut-offs break a full tie by id
 * ascending. A candidate is not failed and, when the awards ask for it, has full marks or more; the best staff are
 * the first best_staff_count candidates. The bonus: best_staff_fen for a best staff member (when set), otherwise
 * fen_per_hundred_points pro rata, never below 0. A window: the mean of its roster staff's points (no staff: full
 * marks) + its window-only lines, not clamped; red flags are the first red_flag_window_count windows.
 */
import { evaluationV1 as pb } from '@govhall/contracts';
import type { FieldViolation } from '@govhall/kit';

export interface RosterEntry {
  readonly staffId: string;
  readonly windowId: string;
  readonly departmentId: string;
}
export interface WindowEntry {
  readonly windowId: string;
  readonly departmentId: string;
}
/** One completed case of the month, for the indicator measures. */
export interface CaseMeasure {
  readonly caseId: string;
  readonly staffId: string;
  readonly windowId: string;
  readonly departmentId: string;
  readonly rated: boolean;
  readonly satisfied: boolean;
  /** Working days: statutory limit, promised limit, actually taken; 0 when unknown (then the case is left out of the speed-up measures). */
  readonly statutoryWorkingDays: number;
  readonly promisedWorkingDays: number;
  readonly takenWorkingDays: number;
}
export interface MonthInput {
  readonly rules: pb.AssessmentRules;
  /** YYYY-MM. */
  readonly month: string;
  /** The month's working days, YYYY-MM-DD (DAILY_POINTS). */
  readonly workingDays: readonly string[];
  /** The staff assessed: every one gets a result, even with no facts. */
  readonly roster: readonly RosterEntry[];
  readonly windows: readonly WindowEntry[];
  /** The month's facts; voided ones are ignored. */
  readonly facts: readonly pb.AssessmentFact[];
  readonly cases: readonly CaseMeasure[];
}
export interface MonthResults {
  readonly staff: pb.StaffResult[];
  readonly windows: pb.WindowResult[];
}

/** Fact codes the engine reads by name. */
export const ASSESSMENT_FACT_CODES = {
  staffVote: 'staff_vote',
  windowVote: 'window_vote',
  complaintSubstantiated: 'complaint_substantiated',
} as const;

const SM = pb.ScoringMethod;
const IM = pb.IndicatorMeasure;

// ---- numbers -----------------------------------------------------------------------------------------------

/** Half away from zero; `+ 0` turns −0 into 0. */
const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x)) + 0;
/** A figure in whole hundredths of a point; toPrecision drops the float noise of × 100 (1.005 × 100 = 100.4999…). */
const toHundredths = (points: number): number => roundHalfAway(Number((points * 100).toPrecision(12)));
const fromHundredths = (hundredths: number): number => hundredths / 100;
const roundTo4 = (x: number): number => roundHalfAway(Number((x * 10_000).toPrecision(12))) / 10_000;
const clamp = (x: number, min: number, max: number): number => Math.min(max, Math.max(min, x));
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Points rounded to 2 decimals, as every published points figure is. */
export const roundPoints = (points: number): number => fromHundredths(toHundredths(points));

/** Full marks of a month under the rules (MONTHLY: base_points; DAILY: base_points × working days; WEIGHTED: sum of weights). */
export function fullMarks(rules: pb.AssessmentRules, workingDays: number): number {
  return fromHundredths(fullMarksHundredths(rules, workingDays));
}

function fullMarksHundredths(rules: pb.AssessmentRules, workingDays: number): number {
  switch (rules.method) {
    case SM.SCORING_METHOD_MONTHLY_POINTS:
      return toHundredths(rules.basePoints);
    case SM.SCORING_METHOD_DAILY_POINTS:
      return toHundredths(rules.basePoints) * workingDays;
    case SM.SCORING_METHOD_WEIGHTED_INDICATORS:
      return sum(rules.indicators.map((i) => toHundredths(i.weight)));
    case SM.SCORING_METHOD_UNSPECIFIED:
    case SM.UNRECOGNIZED:
      return 0;
  }
}

/** [0, max_points] when max_points > 0; unclamped otherwise. */
function clampTotal(hundredths: number, maxPoints: number): number {
  return maxPoints > 0 ? clamp(hundredths, 0, toHundredths(maxPoints)) : hundredths;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const quantityOf = (facts: readonly pb.AssessmentFact[], code: string): number =>
  sum(facts.filter((f) => f.code === code).map((f) => f.quantity));

// ---- point rules -------------------------------------------------------------------------------------------

/** One rule's effect over a period, in hundredths. */
interface Line {
  readonly rule: pb.PointRule;
  readonly quantity: number;
  readonly hundredths: number;
}

/** Each rule over one period's facts (a month, or a day for DAILY_POINTS), its cap applied. */
function linesOf(rules: readonly pb.PointRule[], facts: readonly pb.AssessmentFact[]): Line[] {
  return rules.map((rule) => {
    const quantity = quantityOf(facts, rule.code);
    const raw = toHundredths(rule.points * quantity);
    const cap = toHundredths(rule.cap);
    return { rule, quantity, hundredths: cap > 0 ? clamp(raw, -cap, cap) : raw };
  });
}

/** The periods' lines added up rule by rule (the rules are the same list, in the same order, in every period). */
function addLines(periods: readonly Line[][], rules: readonly pb.PointRule[]): Line[] {
  return rules.map((rule, i) => ({
    rule,
    quantity: sum(periods.map((lines) => lines[i]?.quantity ?? 0)),
    hundredths: sum(periods.map((lines) => lines[i]?.hundredths ?? 0)),
  }));
}

const linesTotal = (lines: readonly Line[]): number => sum(lines.map((l) => l.hundredths));

/** The published reasons: the rules that moved the score. */
const scoreLines = (lines: readonly Line[]): pb.ScoreLine[] =>
  lines
    .filter((l) => l.hundredths !== 0)
    .map((l) =>
      pb.ScoreLine.fromPartial({
        code: l.rule.code,
        label: l.rule.label,
        quantity: roundTo4(l.quantity),
        points: fromHundredths(l.hundredths),
      }),
    );

/** A month's lines: one period, or (DAILY_POINTS) one per day with the caps per day. */
function monthLines(rules: pb.AssessmentRules, facts: readonly pb.AssessmentFact[]): Line[] {
  if (rules.method !== SM.SCORING_METHOD_DAILY_POINTS) return linesOf(rules.pointRules, facts);
  const days = [...groupBy(facts, (f) => f.day).values()].map((dayFacts) => linesOf(rules.pointRules, dayFacts));
  return addLines(days, rules.pointRules);
}

// ---- indicators --------------------------------------------------------------------------------------------

interface StaffContext {
  readonly entry: RosterEntry;
  readonly facts: readonly pb.AssessmentFact[];
  readonly cases: readonly CaseMeasure[];
  /** Every live fact of the month, for entered rates kept for a window, a department or the hall. */
  readonly allFacts: readonly pb.AssessmentFact[];
}

/** A measure's value, or undefined when there is nothing to divide by. */
function measure(indicator: pb.Indicator, s: StaffContext): number | undefined {
  const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : undefined);
  const mean = (xs: number[]) => (xs.length > 0 ? sum(xs) / xs.length : undefined);
  switch (indicator.measure) {
    case IM.INDICATOR_MEASURE_SATISFACTION_RATE: {
      const rated = s.cases.filter((c) => c.rated);
      return ratio(rated.filter((c) => c.satisfied).length, rated.length);
    }
    case IM.INDICATOR_MEASURE_RATING_RATE:
      return ratio(s.cases.filter((c) => c.rated).length, s.cases.length);
    case IM.INDICATOR_MEASURE_COMPLAINT_RATE:
      return ratio(quantityOf(s.facts, ASSESSMENT_FACT_CODES.complaintSubstantiated), s.cases.length);
    case IM.INDICATOR_MEASURE_FACT_COUNT:
      return quantityOf(s.facts, indicator.factCode);
    case IM.INDICATOR_MEASURE_ENTERED_RATE: {
      const entered = enteredRate(indicator.factCode, s);
      return entered === undefined ? undefined : entered / 100;
    }
    case IM.INDICATOR_MEASURE_COMMITMENT_SPEED_UP:
      return mean(
        s.cases
          .filter((c) => c.statutoryWorkingDays > 0 && c.promisedWorkingDays > 0)
          .map((c) => 1 - c.promisedWorkingDays / c.statutoryWorkingDays),
      );
    case IM.INDICATOR_MEASURE_ACTUAL_SPEED_UP:
      return mean(
        s.cases
          .filter((c) => c.statutoryWorkingDays > 0 && c.takenWorkingDays > 0)
          .map((c) => 1 - c.takenWorkingDays / c.statutoryWorkingDays),
      );
    case IM.INDICATOR_MEASURE_UNSPECIFIED:
    case IM.UNRECOGNIZED:
      return undefined;
  }
}

/** The latest entered percentage for the staff member, else their window, department, or the whole hall. */
function enteredRate(code: string, s: StaffContext): number | undefined {
  const ofCode = s.allFacts.filter((f) => f.code === code);
  const scopes: Array<(f: pb.AssessmentFact) => boolean> = [
    (f) => f.staffId === s.entry.staffId,
    (f) => !f.staffId && !!f.windowId && f.windowId === s.entry.windowId,
    (f) => !f.staffId && !f.windowId && !!f.departmentId && f.departmentId === s.entry.departmentId,
    (f) => !f.staffId && !f.windowId && !f.departmentId,
  ];
  for (const inScope of scopes) {
    const latest = latestFact(ofCode.filter(inScope));
    if (latest) return latest.quantity;
  }
  return undefined;
}

/** By day, then recorded_at; on a full tie the later in the list. */
function latestFact(facts: readonly pb.AssessmentFact[]): pb.AssessmentFact | undefined {
  const recorded = (f: pb.AssessmentFact) => f.recordedAt?.getTime() ?? 0;
  let latest: pb.AssessmentFact | undefined;
  for (const f of facts) {
    if (!latest || f.day > latest.day || (f.day === latest.day && recorded(f) >= recorded(latest))) latest = f;
  }
  return latest;
}

function achievement(value: number, target: number, floor: number): number {
  if (target === floor) return value === target ? 1 : 0;
  return clamp((value - floor) / (target - floor), 0, 1);
}

interface IndicatorScore {
  readonly result: pb.IndicatorResult;
  readonly hundredths: number;
}

function scoreIndicator(indicator: pb.Indicator, s: StaffContext): IndicatorScore {
  const value = measure(indicator, s);
  const achieved = value === undefined ? 1 : roundTo4(achievement(value, indicator.target, indicator.floor));
  const hundredths = toHundredths(indicator.weight * achieved);
  return {
    hundredths,
    result: pb.IndicatorResult.fromPartial({
      code: indicator.code,
      name: indicator.name,
      value: value === undefined ? 0 : roundTo4(value),
      achievement: achieved,
      points: fromHundredths(hundredths),
    }),
  };
}

// ---- one staff member --------------------------------------------------------------------------------------

interface StaffScore {
  readonly entry: RosterEntry;
  readonly hundredths: number;
  readonly lines: pb.ScoreLine[];
  readonly indicators: pb.IndicatorResult[];
  readonly votes: number;
}

function scoreStaff(rules: pb.AssessmentRules, workingDays: readonly string[], s: StaffContext): StaffScore {
  const base = { entry: s.entry, votes: Math.round(quantityOf(s.facts, ASSESSMENT_FACT_CODES.staffVote)) };
  switch (rules.method) {
    case SM.SCORING_METHOD_DAILY_POINTS: {
      const byDay = groupBy(s.facts, (f) => f.day);
      const working = new Set(workingDays);
      const workingDayLines = [...working].map((day) => linesOf(rules.pointRules, byDay.get(day) ?? []));
      const otherDayLines = [...byDay]
        .filter(([day]) => !working.has(day))
        .map(([, dayFacts]) => linesOf(rules.pointRules, dayFacts));
      const days = workingDayLines.map((lines) =>
        clampTotal(toHundredths(rules.basePoints) + linesTotal(lines), rules.maxPoints),
      );
      const hundredths = sum(days) + sum(otherDayLines.map(linesTotal));
      const lines = addLines([...workingDayLines, ...otherDayLines], rules.pointRules);
      return { ...base, hundredths, lines: scoreLines(lines), indicators: [] };
    }
    case SM.SCORING_METHOD_WEIGHTED_INDICATORS: {
      const indicators = rules.indicators.map((i) => scoreIndicator(i, s));
      const lines = linesOf(rules.pointRules, s.facts);
      const total = sum(indicators.map((i) => i.hundredths)) + linesTotal(lines);
      return {
        ...base,
        hundredths: clampTotal(total, rules.maxPoints),
        lines: scoreLines(lines),
        indicators: indicators.map((i) => i.result),
      };
    }
    case SM.SCORING_METHOD_MONTHLY_POINTS:
    case SM.SCORING_METHOD_UNSPECIFIED:
    case SM.UNRECOGNIZED: {
      const lines = linesOf(rules.pointRules, s.facts);
      const total = toHundredths(rules.basePoints) + linesTotal(lines);
      return { ...base, hundredths: clampTotal(total, rules.maxPoints), lines: scoreLines(lines), indicators: [] };
    }
  }
}

// ---- ranking, grades, awards -------------------------------------------------------------------------------

interface Rankable {
  readonly id: string;
  readonly hundredths: number;
  readonly votes: number;
}

/** Points desc, votes desc, id asc (the last only orders a full tie; it does not split a rank). */
const byRank = (a: Rankable, b: Rankable): number =>
  b.hundredths - a.hundredths || b.votes - a.votes || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Competition ranks of a list in rank order: equal points and votes share a rank (1, 1, 3). */
function competitionRanks(sorted: readonly Rankable[]): number[] {
  const ranks: number[] = [];
  sorted.forEach((item, i) => {
    const before = sorted[i - 1];
    const tied = before !== undefined && before.hundredths === item.hundredths && before.votes === item.votes;
    ranks.push(tied ? ranks[i - 1]! : i + 1);
  });
  return ranks;
}

/** The first band (best first) whose min_points the points reach; -1 when none. */
const bandOf = (grades: readonly pb.GradeBand[], hundredths: number): number =>
  grades.findIndex((g) => toHundredths(g.minPoints) <= hundredths);

/** Bands of staff in rank order, the excellent quota applied. */
function bandsWithQuota(rules: pb.AssessmentRules, sorted: readonly Rankable[], rosterSize: number): number[] {
  const pct = rules.awards?.excellentQuotaPercent ?? 0;
  const quota =
    pct > 0 && rosterSize > 0 ? Math.max(1, Math.floor((rosterSize * pct) / 100)) : Number.POSITIVE_INFINITY;
  let holders = 0;
  return sorted.map((s) => {
    const band = bandOf(rules.grades, s.hundredths);
    if (band !== 0) return band;
    if (holders < quota || rules.grades.length < 2) {
      holders += 1;
      return 0;
    }
    return 1;
  });
}

function bonusFen(bonus: pb.BonusRules | undefined, bestStaff: boolean, hundredths: number): number {
  if (!bonus) return 0;
  if (bestStaff && bonus.bestStaffFen > 0) return bonus.bestStaffFen;
  return Math.max(0, Math.round((bonus.fenPerHundredPoints * hundredths) / 10_000));
}

// ---- the month ---------------------------------------------------------------------------------------------

export function computeMonth(input: MonthInput): MonthResults {
  const { rules } = input;
  const live = input.facts.filter((f) => !f.voided);
  const staffFacts = groupBy(
    live.filter((f) => f.staffId),
    (f) => f.staffId,
  );
  const windowFacts = groupBy(
    live.filter((f) => !f.staffId && f.windowId),
    (f) => f.windowId,
  );
  const staffCases = groupBy(input.cases, (c) => c.staffId);
  const roster = [...new Map(input.roster.map((r) => [r.staffId, r])).values()];
  const workingDays = [...new Set(input.workingDays)];
  const full = fullMarksHundredths(rules, workingDays.length);

  const scores = roster
    .map((entry) =>
      scoreStaff(rules, workingDays, {
        entry,
        facts: staffFacts.get(entry.staffId) ?? [],
        cases: staffCases.get(entry.staffId) ?? [],
        allFacts: live,
      }),
    )
    .map((s) => ({ ...s, id: s.entry.staffId }))
    .sort(byRank);
  const ranks = competitionRanks(scores);
  const bands = bandsWithQuota(rules, scores, roster.length);
  const awards = rules.awards;
  let bestStaffLeft = awards?.bestStaffCount ?? 0;
  const staff = scores.map((s, i) => {
    const grade = rules.grades[bands[i]!]?.grade ?? '';
    const failed = rules.failingGrade !== '' && grade === rules.failingGrade;
    const candidate = !failed && (!awards?.candidatesNeedFullMarks || s.hundredths >= full);
    const bestStaff = candidate && bestStaffLeft > 0;
    if (bestStaff) bestStaffLeft -= 1;
    return pb.StaffResult.fromPartial({
      staffId: s.entry.staffId,
      windowId: s.entry.windowId,
      departmentId: s.entry.departmentId,
      points: fromHundredths(s.hundredths),
      lines: s.lines,
      indicators: s.indicators,
      grade,
      rank: ranks[i]!,
      votes: s.votes,
      candidate,
      bestStaff,
      bonusFen: bonusFen(rules.bonus, bestStaff, s.hundredths),
      failed,
    });
  });

  const windows = computeWindows(input, staff, windowFacts, full);
  return { staff, windows };
}

function computeWindows(
  input: MonthInput,
  staff: readonly pb.StaffResult[],
  windowFacts: ReadonlyMap<string, pb.AssessmentFact[]>,
  full: number,
): pb.WindowResult[] {
  const { rules } = input;
  const entries = [...new Map(input.windows.map((w) => [w.windowId, w])).values()];
  const scores = entries
    .map((w) => {
      const members = staff.filter((s) => s.windowId === w.windowId).map((s) => toHundredths(s.points));
      const mean = members.length > 0 ? roundHalfAway(sum(members) / members.length) : full;
      const facts = windowFacts.get(w.windowId) ?? [];
      const lines = monthLines(rules, facts);
      return {
        entry: w,
        id: w.windowId,
        hundredths: mean + linesTotal(lines),
        lines: scoreLines(lines),
        votes: Math.round(quantityOf(facts, ASSESSMENT_FACT_CODES.windowVote)),
      };
    })
    .sort(byRank);
  const ranks = competitionRanks(scores);
  const redFlags = input.rules.awards?.redFlagWindowCount ?? 0;
  const share = rules.windowPointsInDepartmentAnnual;
  return scores.map((w, i) => {
    // With no full marks to fall short of (no working days), a window keeps its whole share.
    const ratio = full > 0 ? clamp(w.hundredths / full, 0, 1) : 1;
    return pb.WindowResult.fromPartial({
      windowId: w.entry.windowId,
      departmentId: w.entry.departmentId,
      points: fromHundredths(w.hundredths),
      lines: w.lines,
      rank: ranks[i]!,
      votes: w.votes,
      redFlag: i < redFlags,
      departmentAnnualPoints: roundPoints(ratio * share),
    });
  });
}

// ---- the year ----------------------------------------------------------------------------------------------

const countedStatuses: ReadonlySet<pb.MonthStatus> = new Set([
  pb.MonthStatus.MONTH_STATUS_CLOSED,
  pb.MonthStatus.MONTH_STATUS_PUBLISHED,
]);

/**
 * The year per staff member from that year's months: only closed and published ones count (an open month is a
 * preview). Points are the SUM of the monthly points, or their AVERAGE (also when unspecified), to 2 decimals. A
 * month graded with the failing grade is a poor month and fails the year (一月差，全年不合格), which removes award
 * eligibility. Listed by points desc, then staff id.
 */
export function summariseYear(months: readonly pb.AssessmentMonth[], aggregation: pb.YearAggregation): pb.StaffYear[] {
  const counted = months.filter((m) => countedStatuses.has(m.status)).sort((a, b) => (a.month < b.month ? -1 : 1));
  const results = groupBy(
    counted.flatMap((m) => m.staff.map((result) => ({ month: m.month, result }))),
    (r) => r.result.staffId,
  );
  const years = [...results].map(([staffId, rows]) => {
    const total = sum(rows.map((r) => toHundredths(r.result.points)));
    const hundredths =
      aggregation === pb.YearAggregation.YEAR_AGGREGATION_SUM ? total : roundHalfAway(total / rows.length);
    const poorMonths = rows.filter((r) => r.result.failed).map((r) => r.month);
    return pb.StaffYear.fromPartial({
      staffId,
      months: rows.length,
      points: fromHundredths(hundredths),
      poorMonths,
      failsYear: poorMonths.length > 0,
      awardEligible: poorMonths.length === 0,
      bestStaffMonths: rows.filter((r) => r.result.bestStaff).length,
    });
  });
  return years.sort((a, b) => b.points - a.points || (a.staffId < b.staffId ? -1 : a.staffId > b.staffId ? 1 : 0));
}

// ---- validation --------------------------------------------------------------------------------------------

export const RULE_CODE = /^[a-z][a-z0-9_.]{1,47}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_RULES = 200;
const MAX_GRADES = 10;
const MAX_LABEL = 60;

/** Field violations of a rule set, paths like `rules.point_rules[2].code`. */
export function rulesViolations(rules: pb.AssessmentRules): FieldViolation[] {
  const v: FieldViolation[] = [];
  const at = (field: string, description: string) => v.push({ field: `rules.${field}`, description });
  const finite = (field: string, n: number): boolean => {
    if (Number.isFinite(n)) return true;
    at(field, 'must be a finite number');
    return false;
  };
  const label = (field: string, text: string) => {
    if (text.trim().length < 1 || text.length > MAX_LABEL) at(field, `1 to ${MAX_LABEL} characters`);
  };
  const code = (field: string, text: string) => {
    if (!RULE_CODE.test(text)) at(field, 'a code: a lower-case letter, then letters, digits, _ or ., 2 to 48');
  };

  if (!rules.hallId) at('hall_id', 'is required');
  if (rules.name.length > 100) at('name', 'at most 100 characters');
  if (!MONTH.test(rules.effectiveFrom)) at('effective_from', 'the first month, YYYY-MM');
  const methodSet = rules.method !== SM.SCORING_METHOD_UNSPECIFIED && rules.method !== SM.UNRECOGNIZED;
  if (!methodSet) at('method', 'MONTHLY_POINTS, DAILY_POINTS or WEIGHTED_INDICATORS');
  if (rules.yearAggregation === pb.YearAggregation.UNRECOGNIZED) at('year_aggregation', 'AVERAGE or SUM');

  const pointsBased =
    rules.method === SM.SCORING_METHOD_MONTHLY_POINTS || rules.method === SM.SCORING_METHOD_DAILY_POINTS;
  if (finite('base_points', rules.basePoints) && pointsBased && rules.basePoints <= 0)
    at('base_points', 'must be more than 0');
  if (finite('max_points', rules.maxPoints)) {
    if (rules.maxPoints < 0) at('max_points', '0 (no limit) or more');
    else if (pointsBased && rules.maxPoints > 0 && rules.maxPoints < rules.basePoints)
      at('max_points', '0 (no limit) or at least base_points');
  }

  if (rules.pointRules.length > MAX_RULES) at('point_rules', `at most ${MAX_RULES}`);
  const ruleCodes = new Set<string>();
  rules.pointRules.forEach((r, i) => {
    const p = `point_rules[${i}]`;
    code(`${p}.code`, r.code);
    if (ruleCodes.has(r.code)) at(`${p}.code`, 'used by an earlier rule');
    ruleCodes.add(r.code);
    label(`${p}.label`, r.label);
    finite(`${p}.points`, r.points);
    if (finite(`${p}.cap`, r.cap) && r.cap < 0) at(`${p}.cap`, '0 (no limit) or more');
  });

  const weighted = rules.method === SM.SCORING_METHOD_WEIGHTED_INDICATORS;
  if (rules.indicators.length > MAX_RULES) at('indicators', `at most ${MAX_RULES}`);
  if (weighted && rules.indicators.length === 0) at('indicators', 'WEIGHTED_INDICATORS needs at least one');
  if (!weighted && methodSet && rules.indicators.length > 0) at('indicators', 'only for WEIGHTED_INDICATORS');
  const indicatorCodes = new Set<string>();
  rules.indicators.forEach((ind, i) => {
    const p = `indicators[${i}]`;
    code(`${p}.code`, ind.code);
    if (indicatorCodes.has(ind.code)) at(`${p}.code`, 'used by an earlier indicator');
    indicatorCodes.add(ind.code);
    label(`${p}.name`, ind.name);
    if (ind.layer.length > MAX_LABEL) at(`${p}.layer`, `at most ${MAX_LABEL} characters`);
    if (ind.category.length > MAX_LABEL) at(`${p}.category`, `at most ${MAX_LABEL} characters`);
    if (finite(`${p}.weight`, ind.weight) && ind.weight <= 0) at(`${p}.weight`, 'must be more than 0');
    if (ind.measure === IM.INDICATOR_MEASURE_UNSPECIFIED || ind.measure === IM.UNRECOGNIZED)
      at(`${p}.measure`, 'is required');
    const needsFactCode =
      ind.measure === IM.INDICATOR_MEASURE_FACT_COUNT || ind.measure === IM.INDICATOR_MEASURE_ENTERED_RATE;
    if (needsFactCode) code(`${p}.fact_code`, ind.factCode);
    if (finite(`${p}.target`, ind.target) && finite(`${p}.floor`, ind.floor) && ind.target === ind.floor)
      at(`${p}.target`, 'must differ from floor');
  });

  if (rules.grades.length === 0) at('grades', 'at least one grade');
  if (rules.grades.length > MAX_GRADES) at('grades', `at most ${MAX_GRADES}`);
  const gradeNames = new Set<string>();
  rules.grades.forEach((g, i) => {
    const p = `grades[${i}]`;
    if (g.grade.trim().length < 1 || g.grade.length > 20) at(`${p}.grade`, '1 to 20 characters');
    if (gradeNames.has(g.grade)) at(`${p}.grade`, 'named twice');
    gradeNames.add(g.grade);
    const before = rules.grades[i - 1];
    if (finite(`${p}.min_points`, g.minPoints) && before && !(g.minPoints < before.minPoints))
      at(`${p}.min_points`, 'must be below the band before (best first)');
  });
  if (rules.failingGrade && !gradeNames.has(rules.failingGrade)) at('failing_grade', 'must be one of the grades');

  const awards = rules.awards;
  if (awards) {
    const percentLike = (field: string, n: number) => {
      if (!Number.isInteger(n) || n < 0 || n > 100) at(`awards.${field}`, '0 to 100');
    };
    percentLike('best_staff_count', awards.bestStaffCount);
    percentLike('red_flag_window_count', awards.redFlagWindowCount);
    percentLike('excellent_quota_percent', awards.excellentQuotaPercent);
  }
  const bonus = rules.bonus;
  if (bonus) {
    for (const [field, fen] of [
      ['fen_per_hundred_points', bonus.fenPerHundredPoints],
      ['best_staff_fen', bonus.bestStaffFen],
    ] as const)
      if (!Number.isSafeInteger(fen) || fen < 0) at(`bonus.${field}`, 'whole fen, 0 or more');
  }
  const share = rules.windowPointsInDepartmentAnnual;
  if (finite('window_points_in_department_annual', share) && (share < 0 || share > 100))
    at('window_points_in_department_annual', '0 to 100');
  return v;
}
