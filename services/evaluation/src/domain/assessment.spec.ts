import { evaluationV1 as pb } from '@govhall/contracts';
import {
  computeMonth,
  fullMarks,
  rulesViolations,
  summariseYear,
  type CaseMeasure,
  type MonthInput,
  type MonthResults,
  type RosterEntry,
} from './assessment';
import { liuchengRules, xianRules, zhangzhouRules } from './reference-rules';

const HALL = 'hall-zz';
const MS = pb.MonthStatus;

// ---- builders ----------------------------------------------------------------------------------------------

let factSeq = 0;
/** A live fact of quantity 1 on 2026-03-10 unless told otherwise. */
function aFact(f: Partial<pb.AssessmentFact> & { code: string }): pb.AssessmentFact {
  factSeq += 1;
  return pb.AssessmentFact.fromPartial({ id: `f-${factSeq}`, hallId: HALL, quantity: 1, day: '2026-03-10', ...f });
}
/** `times` facts of the same code for a staff member (one each). */
const facts = (staffId: string, code: string, times: number, extra: Partial<pb.AssessmentFact> = {}) =>
  Array.from({ length: times }, () => aFact({ code, staffId, ...extra }));

let caseSeq = 0;
function aCase(staffId: string, c: Partial<CaseMeasure> = {}): CaseMeasure {
  caseSeq += 1;
  return {
    caseId: `case-${caseSeq}`,
    staffId,
    windowId: '',
    departmentId: '',
    rated: false,
    satisfied: false,
    statutoryWorkingDays: 0,
    promisedWorkingDays: 0,
    takenWorkingDays: 0,
    ...c,
  };
}
const cases = (n: number, staffId: string, c: Partial<CaseMeasure> = {}) =>
  Array.from({ length: n }, () => aCase(staffId, c));

function monthInput(input: Partial<MonthInput> & Pick<MonthInput, 'rules' | 'roster'>): MonthInput {
  return { month: '2026-03', workingDays: [], windows: [], facts: [], cases: [], ...input };
}

const staffOf = (results: MonthResults, staffId: string): pb.StaffResult => {
  const found = results.staff.find((s) => s.staffId === staffId);
  if (!found) throw new Error(`no result for ${staffId}`);
  return found;
};
const windowOf = (results: MonthResults, windowId: string): pb.WindowResult => {
  const found = results.windows.find((w) => w.windowId === windowId);
  if (!found) throw new Error(`no result for ${windowId}`);
  return found;
};
const line = (code: string, label: string, quantity: number, points: number) => ({ code, label, quantity, points });

function closedMonth(month: string, results: MonthResults, status = MS.MONTH_STATUS_CLOSED): pb.AssessmentMonth {
  return pb.AssessmentMonth.fromPartial({
    hallId: HALL,
    month,
    status,
    staff: results.staff,
    windows: results.windows,
  });
}

// ---- Zhangzhou: monthly points -----------------------------------------------------------------------------

describe('a Zhangzhou month (MONTHLY_POINTS, base 100, max 110)', () => {
  // Department d-market: windows w1 (s1, s2) and w2 (s3, s4); department d-tax: w3 (s5, s6) and w4 (s7, s8).
  const roster: RosterEntry[] = [
    { staffId: 's1', windowId: 'w1', departmentId: 'd-market' },
    { staffId: 's2', windowId: 'w1', departmentId: 'd-market' },
    { staffId: 's3', windowId: 'w2', departmentId: 'd-market' },
    { staffId: 's4', windowId: 'w2', departmentId: 'd-market' },
    { staffId: 's5', windowId: 'w3', departmentId: 'd-tax' },
    { staffId: 's6', windowId: 'w3', departmentId: 'd-tax' },
    { staffId: 's7', windowId: 'w4', departmentId: 'd-tax' },
    { staffId: 's8', windowId: 'w4', departmentId: 'd-tax' },
  ];
  const windows = [
    { windowId: 'w1', departmentId: 'd-market' },
    { windowId: 'w2', departmentId: 'd-market' },
    { windowId: 'w3', departmentId: 'd-tax' },
    { windowId: 'w4', departmentId: 'd-tax' },
  ];
  const vote = (staffId: string, quantity: number) => aFact({ code: 'staff_vote', staffId, quantity });
  const windowVote = (windowId: string, quantity: number) => aFact({ code: 'window_vote', windowId, quantity });
  const monthFacts = [
    // s1: 4 praise letters (2 each, capped at 6) and a banner (3): 100 + 6 + 3 = 109.
    ...facts('s1', 'praise_letter', 4),
    aFact({ code: 'banner', staffId: 's1' }),
    vote('s1', 5),
    // s2: nothing: full marks, 100.
    vote('s2', 3),
    // s3: a yellow and a red card on an overdue case: 100 − 5 − 5 = 90; the most votes do not beat points.
    aFact({ code: 'yellow_card', staffId: 's3', caseId: 'case-9' }),
    aFact({ code: 'red_card', staffId: 's3', caseId: 'case-9' }),
    vote('s3', 10),
    // s4: praise 2, banners 3 × 3 = 9 capped 6, 7 submissions capped 5: 100 + 13 = 113, clamped to 110.
    aFact({ code: 'praise_letter', staffId: 's4' }),
    ...facts('s4', 'banner', 3),
    aFact({ code: 'information_submission', staffId: 's4', quantity: 7 }),
    vote('s4', 1),
    // s5: late −1, one submission +1: 100.
    aFact({ code: 'late', staffId: 's5' }),
    aFact({ code: 'information_submission', staffId: 's5' }),
    vote('s5', 2),
    // s6: helped another post +1: 101; a yellow card entered by mistake was voided.
    aFact({ code: 'helping_other_post', staffId: 's6' }),
    aFact({ code: 'yellow_card', staffId: 's6', voided: true, voidReason: '录入错误' }),
    vote('s6', 3),
    // s7: nothing: 100, the same votes as s2.
    vote('s7', 3),
    // s8: −5 −3 −5 −2×2 −1 −2 −2 = −22: 78.
    aFact({ code: 'charge_above_standard', staffId: 's8' }),
    aFact({ code: 'rule_breach', staffId: 's8' }),
    aFact({ code: 'complaint_substantiated', staffId: 's8' }),
    aFact({ code: 'rating_bad', staffId: 's8', quantity: 2 }),
    aFact({ code: 'early_leave', staffId: 's8' }),
    aFact({ code: 'discipline', staffId: 's8' }),
    aFact({ code: 'video_patrol_finding', staffId: 's8' }),
    // The video patrol found w4's counter in disorder, nobody named: w4 only.
    aFact({ code: 'video_patrol_finding', windowId: 'w4', note: '窗口台面杂乱' }),
    windowVote('w1', 12),
    windowVote('w2', 8),
    windowVote('w3', 8),
    windowVote('w4', 20),
    // Ignored: no staff and no window; a staff member not on the roster.
    aFact({ code: 'late' }),
    aFact({ code: 'late', staffId: 's-other' }),
  ];
  const results = computeMonth(
    monthInput({ rules: zhangzhouRules(HALL), roster, windows, facts: monthFacts, workingDays: [] }),
  );

  it('scores each staff member from 100 by the rules, caps and the 110 ceiling', () => {
    expect(results.staff.map((s) => [s.staffId, s.points])).toEqual([
      ['s4', 110],
      ['s1', 109],
      ['s6', 101],
      ['s2', 100],
      ['s7', 100],
      ['s5', 100],
      ['s3', 90],
      ['s8', 78],
    ]);
  });

  it('publishes every reason the score moved, in the rules’ order, capped as counted', () => {
    expect(staffOf(results, 's1').lines).toEqual([
      line('praise_letter', '收到表扬信', 4, 6),
      line('banner', '收到锦旗', 1, 3),
    ]);
    // 2 + 6 + 5 = 13 published, though the total stops at 110.
    expect(staffOf(results, 's4').lines).toEqual([
      line('praise_letter', '收到表扬信', 1, 2),
      line('banner', '收到锦旗', 3, 6),
      line('information_submission', '信息投稿被采用', 7, 5),
    ]);
    expect(staffOf(results, 's8').lines).toEqual([
      line('charge_above_standard', '违规收费', 1, -5),
      line('rule_breach', '违反办件规定', 1, -3),
      line('complaint_substantiated', '群众投诉属实', 1, -5),
      line('rating_bad', '群众评价不满意', 2, -4),
      line('early_leave', '早退', 1, -1),
      line('discipline', '违反在岗、仪容等工作纪律', 1, -2),
      line('video_patrol_finding', '视频巡查发现问题', 1, -2),
    ]);
    // The voided yellow card leaves no trace.
    expect(staffOf(results, 's6').lines).toEqual([line('helping_other_post', '协助其他岗位工作', 1, 1)]);
    expect(staffOf(results, 's2').lines).toEqual([]);
  });

  it('ranks by points then votes; equal points and votes share a rank', () => {
    // s2 and s7: 100 with 3 votes each share 4th; s5 (100, 2 votes) is 6th; s3's 10 votes do not lift 90.
    expect(results.staff.map((s) => [s.staffId, s.rank, s.votes])).toEqual([
      ['s4', 1, 1],
      ['s1', 2, 5],
      ['s6', 3, 3],
      ['s2', 4, 3],
      ['s7', 4, 3],
      ['s5', 6, 2],
      ['s3', 7, 10],
      ['s8', 8, 0],
    ]);
  });

  it('gives 优秀 to floor(8 × 20%) = 1 of the six who reached 100; the others get 合格', () => {
    expect(results.staff.map((s) => [s.staffId, s.grade, s.failed])).toEqual([
      ['s4', '优秀', false],
      ['s1', '合格', false],
      ['s6', '合格', false],
      ['s2', '合格', false],
      ['s7', '合格', false],
      ['s5', '合格', false],
      ['s3', '合格', false],
      ['s8', '不合格', true],
    ]);
  });

  it('names 5 先进工作者 from the full-marks candidates by points, then votes', () => {
    // Candidates (≥ 100): s4 110, s1 109, s6 101, s2 100/3 votes, s7 100/3, s5 100/2 — s5 is sixth by votes.
    expect(results.staff.filter((s) => s.candidate).map((s) => s.staffId)).toEqual([
      's4',
      's1',
      's6',
      's2',
      's7',
      's5',
    ]);
    expect(results.staff.filter((s) => s.bestStaff).map((s) => s.staffId)).toEqual(['s4', 's1', 's6', 's2', 's7']);
  });

  it('reports 300 元 for the best staff and 200 元 per 100 points pro rata for the others', () => {
    expect(results.staff.map((s) => [s.staffId, s.bonusFen])).toEqual([
      ['s4', 30_000],
      ['s1', 30_000],
      ['s6', 30_000],
      ['s2', 30_000],
      ['s7', 30_000],
      ['s5', 20_000], // 20000 × 100 / 100
      ['s3', 18_000], // 20000 × 90 / 100
      ['s8', 15_600], // 20000 × 78 / 100
    ]);
  });

  it('scores windows by their staff’s mean plus window-only facts, and flags 3 red-flag windows', () => {
    // w1 (109 + 100) / 2 = 104.5; w3 (100 + 101) / 2 = 100.5; w2 (90 + 110) / 2 = 100; w4 (100 + 78) / 2 − 2 = 87.
    expect(results.windows.map((w) => [w.windowId, w.points, w.rank, w.votes, w.redFlag])).toEqual([
      ['w1', 104.5, 1, 12, true],
      ['w3', 100.5, 2, 8, true],
      ['w2', 100, 3, 8, true],
      ['w4', 87, 4, 20, false],
    ]);
    expect(windowOf(results, 'w4').lines).toEqual([line('video_patrol_finding', '视频巡查发现问题', 1, -2)]);
    expect(windowOf(results, 'w1').lines).toEqual([]);
  });

  it('counts a window’s month as up to 20 points of its department’s annual score', () => {
    // min(points / 100, 1) × 20: w1, w3, w2 reach full marks: 20; w4 87 / 100 × 20 = 17.4.
    expect(results.windows.map((w) => [w.windowId, w.departmentId, w.departmentAnnualPoints])).toEqual([
      ['w1', 'd-market', 20],
      ['w3', 'd-tax', 20],
      ['w2', 'd-market', 20],
      ['w4', 'd-tax', 17.4],
    ]);
  });
});

describe('monthly points: edge cases', () => {
  const one = (staffId: string): RosterEntry => ({ staffId, windowId: 'w1', departmentId: 'd1' });

  it('applies a cap to the rule’s month total, both ways', () => {
    const rules = pb.AssessmentRules.fromPartial({
      ...zhangzhouRules(HALL),
      pointRules: [{ code: 'late', label: '迟到', points: -2, cap: 5 }],
    });
    const r = computeMonth(monthInput({ rules, roster: [one('a')], facts: facts('a', 'late', 4) }));
    // 4 × −2 = −8, capped at −5.
    expect(staffOf(r, 'a').points).toBe(95);
    expect(staffOf(r, 'a').lines).toEqual([line('late', '迟到', 4, -5)]);
  });

  it('clamps the month to 0 at the bottom when there is a ceiling', () => {
    const r = computeMonth(
      monthInput({
        rules: zhangzhouRules(HALL),
        roster: [one('a')],
        facts: [aFact({ code: 'absent_half_day', staffId: 'a', quantity: 40 })],
      }),
    );
    // 100 − 3 × 40 = −20 → 0; the line still says −120.
    expect(staffOf(r, 'a').points).toBe(0);
    expect(staffOf(r, 'a').lines).toEqual([line('absent_half_day', '旷工半天', 40, -120)]);
    expect(staffOf(r, 'a').bonusFen).toBe(0);
  });

  it('ignores voided facts entirely', () => {
    const r = computeMonth(
      monthInput({
        rules: zhangzhouRules(HALL),
        roster: [one('a')],
        facts: [
          aFact({ code: 'red_card', staffId: 'a', voided: true }),
          aFact({ code: 'staff_vote', staffId: 'a', quantity: 9, voided: true }),
        ],
      }),
    );
    expect(staffOf(r, 'a')).toMatchObject({ points: 100, lines: [], votes: 0 });
  });

  it('adds points without float noise (0.1 × 3 is 0.3)', () => {
    const rules = pb.AssessmentRules.fromPartial({
      ...zhangzhouRules(HALL),
      maxPoints: 0,
      pointRules: [
        { code: 'tidy_desk', label: '台面整洁', points: 0.1 },
        { code: 'late', label: '迟到', points: -0.35 },
      ],
    });
    const r = computeMonth(
      monthInput({ rules, roster: [one('a')], facts: [...facts('a', 'tidy_desk', 3), ...facts('a', 'late', 1)] }),
    );
    // 100 + 0.30 − 0.35 = 99.95
    expect(staffOf(r, 'a').points).toBe(99.95);
    expect(staffOf(r, 'a').lines.map((l) => l.points)).toEqual([0.3, -0.35]);
  });

  it('shares ranks on equal points and votes (1, 1, 3), listing the tie by staff id', () => {
    const r = computeMonth(
      monthInput({
        rules: zhangzhouRules(HALL),
        roster: [one('c'), one('b'), one('a')],
        facts: [aFact({ code: 'late', staffId: 'a' })],
      }),
    );
    expect(r.staff.map((s) => [s.staffId, s.points, s.rank])).toEqual([
      ['b', 100, 1],
      ['c', 100, 1],
      ['a', 99, 3],
    ]);
  });

  it('lets at least one staff member hold 优秀 when 20% of a small roster rounds down to 0', () => {
    const r = computeMonth(
      monthInput({
        rules: zhangzhouRules(HALL),
        roster: [one('a'), one('b'), one('c')],
        facts: [aFact({ code: 'staff_vote', staffId: 'b', quantity: 2 })],
      }),
    );
    // floor(3 × 20 / 100) = 0 → 1; b wins the tie on votes.
    expect(r.staff.map((s) => [s.staffId, s.grade])).toEqual([
      ['b', '优秀'],
      ['a', '合格'],
      ['c', '合格'],
    ]);
  });

  it('gives a window with no staff full marks, and breaks equal window points by window votes', () => {
    const r = computeMonth(
      monthInput({
        rules: zhangzhouRules(HALL),
        roster: [one('a')],
        windows: [
          { windowId: 'w1', departmentId: 'd1' },
          { windowId: 'w-empty', departmentId: 'd1' },
        ],
        facts: [aFact({ code: 'window_vote', windowId: 'w-empty', quantity: 4 })],
      }),
    );
    expect(r.windows.map((w) => [w.windowId, w.points, w.rank, w.votes])).toEqual([
      ['w-empty', 100, 1, 4],
      ['w1', 100, 2, 0],
    ]);
  });

  it('gives no bonus and no awards when the rules have none', () => {
    const rules = pb.AssessmentRules.fromPartial({ ...zhangzhouRules(HALL), awards: undefined, bonus: undefined });
    const r = computeMonth(monthInput({ rules, roster: [one('a')] }));
    expect(staffOf(r, 'a')).toMatchObject({ candidate: true, bestStaff: false, bonusFen: 0, grade: '优秀' });
  });
});

// ---- Liucheng: weighted indicators -------------------------------------------------------------------------

describe('a Liucheng month (WEIGHTED_INDICATORS) and its year', () => {
  const roster: RosterEntry[] = [
    { staffId: 'l1', windowId: 'lw1', departmentId: 'ld1' },
    { staffId: 'l2', windowId: 'lw1', departmentId: 'ld1' },
    { staffId: 'l3', windowId: 'lw2', departmentId: 'ld2' },
  ];
  const at = (hhmm: string) => new Date(`2026-03-31T${hhmm}:00+08:00`);
  const marchFacts = [
    // Entered rates: hall-wide, a department's, a window's, a staff member's (the latest counts).
    aFact({ code: 'disclosure_rate', quantity: 100, day: '2026-03-31' }),
    aFact({ code: 'on_site_payment_rate', quantity: 90, day: '2026-03-31' }),
    aFact({ code: 'on_site_payment_rate', departmentId: 'ld1', quantity: 85, day: '2026-03-31' }),
    aFact({ code: 'on_site_payment_rate', windowId: 'lw2', quantity: 70, day: '2026-03-31' }),
    aFact({ code: 'instant_completion_rate', quantity: 90, day: '2026-03-31' }),
    aFact({ code: 'instant_completion_rate', staffId: 'l1', quantity: 95, day: '2026-03-28' }),
    aFact({ code: 'instant_completion_rate', staffId: 'l1', quantity: 60, day: '2026-03-10' }),
    aFact({
      code: 'instant_completion_rate',
      staffId: 'l2',
      quantity: 100,
      day: '2026-03-31',
      recordedAt: at('10:00'),
    }),
    aFact({ code: 'instant_completion_rate', staffId: 'l2', quantity: 50, day: '2026-03-31', recordedAt: at('09:00') }),
    ...facts('l1', 'late', 3),
    aFact({ code: 'complaint_substantiated', staffId: 'l2' }),
    aFact({ code: 'double_acceptance', staffId: 'l2' }),
    aFact({ code: 'violation', staffId: 'l2', quantity: 2 }),
    ...facts('l2', 'yellow_card', 2),
    aFact({ code: 'rule_breach', staffId: 'l2', quantity: 3 }),
    aFact({ code: 'absent_half_day', staffId: 'l2', quantity: 2 }),
  ];
  const marchCases = [
    // l1: 10 cases, 8 rated and satisfied; 20 days statutory, 10 promised, 8 taken.
    ...cases(8, 'l1', {
      rated: true,
      satisfied: true,
      statutoryWorkingDays: 20,
      promisedWorkingDays: 10,
      takenWorkingDays: 8,
    }),
    ...cases(2, 'l1', { statutoryWorkingDays: 20, promisedWorkingDays: 10, takenWorkingDays: 8 }),
    // l2: 20 cases, all rated, 19 satisfied; nothing promised faster than the law, 15 of 20 days taken.
    ...cases(19, 'l2', {
      rated: true,
      satisfied: true,
      statutoryWorkingDays: 20,
      promisedWorkingDays: 20,
      takenWorkingDays: 15,
    }),
    ...cases(1, 'l2', { rated: true, statutoryWorkingDays: 20, promisedWorkingDays: 20, takenWorkingDays: 15 }),
    // l3: 5 cases, all rated, 4 satisfied; limits unknown (left out of the speed-up measures).
    ...cases(4, 'l3', { rated: true, satisfied: true }),
    ...cases(1, 'l3', { rated: true }),
  ];
  const march = computeMonth(monthInput({ rules: liuchengRules(HALL), roster, facts: marchFacts, cases: marchCases }));
  const points = (r: MonthResults, staffId: string) =>
    Object.fromEntries(staffOf(r, staffId).indicators.map((i) => [i.code, i.points]));

  it('scores l1 weight × achievement, indicator by indicator', () => {
    expect(points(march, 'l1')).toEqual({
      satisfaction: 12, // 8 / 8 = 1 → 1
      complaint_rate: 8, // 0 / 10 → 1
      double_acceptance: 5,
      violations: 5,
      on_site_payment: 1, // the department's 85%: (0.85 − 0.8) / 0.2 = 0.25 × 4
      commitment_speed_up: 6, // 1 − 10 / 20 = 0.5 → 1
      actual_speed_up: 6, // 1 − 8 / 20 = 0.6 → 1
      disclosure: 2, // hall-wide 100%
      information_request: 2, // nothing entered → 1
      overdue_cases: 10,
      instant_completion: 7.5, // the latest, 95%: 0.75 × 10 (not the earlier 60%)
      rating_rate: 6, // 8 / 10 = 0.8: (0.8 − 0.5) / 0.4 = 0.75 × 8
      rule_breaches: 7,
      absences: 6,
      lateness: 2, // 3 late: (3 − 6) / (0 − 6) = 0.5 × 4
      training: 5,
    });
    expect(staffOf(march, 'l1').indicators.find((i) => i.code === 'rating_rate')).toEqual({
      code: 'rating_rate',
      name: '评价率',
      value: 0.8,
      achievement: 0.75,
      points: 6,
    });
    // 12 + 8 + 5 + 5 + 1 + 6 + 6 + 2 + 2 + 10 + 7.5 + 6 + 7 + 6 + 2 + 5
    expect(staffOf(march, 'l1')).toMatchObject({ points: 90.5, grade: '优秀', failed: false });
  });

  it('scores l2 below 60: graded 差, failed, no candidate', () => {
    expect(points(march, 'l2')).toEqual({
      satisfaction: 6, // 19 / 20 = 0.95: 0.5 × 12
      complaint_rate: 0, // 1 / 20 = 0.05 → 0
      double_acceptance: 3.33, // (1 − 3) / (0 − 3) = 0.6667 × 5 = 3.3335
      violations: 0, // 2 → 0
      on_site_payment: 1,
      commitment_speed_up: 0, // 1 − 20 / 20 = 0
      actual_speed_up: 2.5, // 1 − 15 / 20 = 0.25: 0.25 / 0.6 = 0.4167 × 6 = 2.5002
      disclosure: 2,
      information_request: 2,
      overdue_cases: 3.33, // 2 overdue: 0.3333 × 10
      instant_completion: 10, // the same day's later record, 100%
      rating_rate: 8,
      rule_breaches: 0,
      absences: 3, // 2 half-days: 0.5 × 6
      lateness: 4,
      training: 5,
    });
    // 6 + 3.33 + 1 + 2.5 + 2 + 2 + 3.33 + 10 + 8 + 3 + 4 + 5
    expect(staffOf(march, 'l2')).toMatchObject({ points: 50.16, grade: '差', failed: true, candidate: false });
  });

  it('scores l3 with no known limits as full speed-up marks, and the window’s entered rate before the hall’s', () => {
    expect(points(march, 'l3')).toMatchObject({
      satisfaction: 0, // 4 / 5 = 0.8 < the 0.9 floor
      on_site_payment: 0, // the window's 70%, not the hall's 90%
      commitment_speed_up: 6,
      actual_speed_up: 6,
      instant_completion: 5, // hall-wide 90%: 0.5 × 10
    });
    // 0 + 8 + 5 + 5 + 0 + 6 + 6 + 2 + 2 + 10 + 5 + 8 + 7 + 6 + 4 + 5
    expect(staffOf(march, 'l3')).toMatchObject({ points: 79, grade: '合格', failed: false });
  });

  it('ranks and awards only those not graded 差', () => {
    expect(march.staff.map((s) => [s.staffId, s.rank, s.candidate, s.bestStaff])).toEqual([
      ['l1', 1, true, true],
      ['l3', 2, true, true],
      ['l2', 3, false, false],
    ]);
  });

  it('fails the year of anyone graded 差 in one month (一月差，全年不合格)', () => {
    // April: nothing to measure, nothing entered: every achievement 1, 100 each.
    const april = computeMonth(monthInput({ rules: liuchengRules(HALL), roster, month: '2026-04' }));
    expect(april.staff.map((s) => s.points)).toEqual([100, 100, 100]);
    // An open month is a preview and does not count.
    const mayPreview = computeMonth(
      monthInput({ rules: liuchengRules(HALL), roster, month: '2026-05', facts: facts('l1', 'violation', 5) }),
    );
    const year = summariseYear(
      [
        closedMonth('2026-04', april, MS.MONTH_STATUS_PUBLISHED),
        closedMonth('2026-03', march),
        closedMonth('2026-05', mayPreview, MS.MONTH_STATUS_OPEN),
      ],
      pb.YearAggregation.YEAR_AGGREGATION_AVERAGE,
    );
    expect(year).toEqual([
      // (90.5 + 100) / 2
      {
        staffId: 'l1',
        months: 2,
        points: 95.25,
        poorMonths: [],
        failsYear: false,
        awardEligible: true,
        bestStaffMonths: 2,
      },
      // (79 + 100) / 2
      {
        staffId: 'l3',
        months: 2,
        points: 89.5,
        poorMonths: [],
        failsYear: false,
        awardEligible: true,
        bestStaffMonths: 2,
      },
      // (50.16 + 100) / 2
      {
        staffId: 'l2',
        months: 2,
        points: 75.08,
        poorMonths: ['2026-03'],
        failsYear: true,
        awardEligible: false,
        bestStaffMonths: 1,
      },
    ]);
  });
});

// ---- Xi'an: daily points -----------------------------------------------------------------------------------

// 2026-03: 22 working days, no holiday.
const MARCH_2026 = [
  '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06',
  '2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13',
  '2026-03-16', '2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20',
  '2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27',
  '2026-03-30', '2026-03-31',
]; // prettier-ignore
// 2026-04: 21 working days (清明节 4-4 to 4-6 off).
const APRIL_2026 = [
  '2026-04-01', '2026-04-02', '2026-04-03',
  '2026-04-07', '2026-04-08', '2026-04-09', '2026-04-10',
  '2026-04-13', '2026-04-14', '2026-04-15', '2026-04-16', '2026-04-17',
  '2026-04-20', '2026-04-21', '2026-04-22', '2026-04-23', '2026-04-24',
  '2026-04-27', '2026-04-28', '2026-04-29', '2026-04-30',
]; // prettier-ignore

describe('a Xi’an month (DAILY_POINTS, 10 a working day) and its year (SUM)', () => {
  const roster: RosterEntry[] = [
    { staffId: 'x1', windowId: 'xw1', departmentId: 'xd1' },
    { staffId: 'x2', windowId: 'xw1', departmentId: 'xd1' },
    { staffId: 'x3', windowId: 'xw2', departmentId: 'xd2' },
  ];
  const marchFacts = [
    aFact({ code: 'late', staffId: 'x1', day: '2026-03-02' }),
    // 4 praises on one day: 1 each, capped at 3 that day; one more the next day.
    ...facts('x1', 'praise_letter', 4, { day: '2026-03-10' }),
    aFact({ code: 'praise_letter', staffId: 'x1', day: '2026-03-11' }),
    // Saturday duty: an emergency handled well adds 2, with no day's base.
    aFact({ code: 'emergency_handled', staffId: 'x1', day: '2026-03-14' }),
    aFact({ code: 'off_post', staffId: 'x2', day: '2026-03-20', quantity: 2 }),
    aFact({ code: 'absent_half_day', staffId: 'x3', day: '2026-03-05', quantity: 2 }),
    aFact({ code: 'late', staffId: 'x3', day: '2026-03-05' }),
  ];
  const march = computeMonth(
    monthInput({ rules: xianRules(HALL), roster, workingDays: MARCH_2026, facts: marchFacts }),
  );

  it('adds up the working days: 22 × 10 = 220 full marks, plus each day’s situations', () => {
    expect(fullMarks(xianRules(HALL), MARCH_2026.length)).toBe(220);
    expect(march.staff.map((s) => [s.staffId, s.points, s.rank])).toEqual([
      ['x1', 225, 1], // 220 − 1 + 3 + 1 + 2
      ['x2', 216, 2], // 220 − 2 × 2
      ['x3', 209, 3], // 220 − 5 × 2 − 1 (a day of −1: no ceiling, so no clamp)
    ]);
    expect(staffOf(march, 'x1').lines).toEqual([
      line('emergency_handled', '突发问题处理得当', 1, 2),
      line('praise_letter', '受到办事群众表扬', 5, 4),
      line('late', '迟到', 1, -1),
    ]);
  });

  it('clamps each day to [0, max_points] when a ceiling is set', () => {
    const capped = pb.AssessmentRules.fromPartial({ ...xianRules(HALL), maxPoints: 12 });
    const r = computeMonth(monthInput({ rules: capped, roster, workingDays: MARCH_2026, facts: marchFacts }));
    // x1: 03-10 is 10 + 3 = 13 → 12: 220 − 1 + 2 + 1 + 2 = 224. x3: 03-05 is 10 − 11 → 0: 220 − 10 = 210.
    expect(staffOf(r, 'x1').points).toBe(224);
    expect(staffOf(r, 'x3').points).toBe(210);
  });

  it('adds the months for the year (每年将月考核成绩累计相加作为年终考核的唯一依据)', () => {
    const april = computeMonth(
      monthInput({
        rules: xianRules(HALL),
        roster,
        month: '2026-04',
        workingDays: APRIL_2026,
        facts: [aFact({ code: 'innovation', staffId: 'x3', day: '2026-04-08' })],
      }),
    );
    // 21 × 10 = 210; x3 + 2.
    expect(april.staff.map((s) => [s.staffId, s.points])).toEqual([
      ['x3', 212],
      ['x1', 210],
      ['x2', 210],
    ]);
    const year = summariseYear(
      [closedMonth('2026-03', march), closedMonth('2026-04', april)],
      pb.YearAggregation.YEAR_AGGREGATION_SUM,
    );
    expect(year.map((y) => [y.staffId, y.months, y.points, y.failsYear])).toEqual([
      ['x1', 2, 435, false], // 225 + 210
      ['x2', 2, 426, false], // 216 + 210
      ['x3', 2, 421, false], // 209 + 212
    ]);
  });

  it('gives a staff member with no facts the full days', () => {
    const r = computeMonth(monthInput({ rules: xianRules(HALL), roster: roster.slice(0, 1), workingDays: APRIL_2026 }));
    expect(staffOf(r, 'x1')).toMatchObject({ points: 210, lines: [], grade: '合格' });
  });
});

// ---- full marks and validation -----------------------------------------------------------------------------

describe('fullMarks', () => {
  it('is the base for MONTHLY, base × days for DAILY, the weights for WEIGHTED', () => {
    expect(fullMarks(zhangzhouRules(HALL), 22)).toBe(100);
    expect(fullMarks(xianRules(HALL), 21)).toBe(210);
    expect(fullMarks(liuchengRules(HALL), 22)).toBe(100);
  });
});

describe('rulesViolations', () => {
  const fields = (rules: pb.AssessmentRules) => rulesViolations(rules).map((v) => v.field);

  it('accepts the three reference rule sets', () => {
    expect(rulesViolations(zhangzhouRules(HALL))).toEqual([]);
    expect(rulesViolations(liuchengRules(HALL))).toEqual([]);
    expect(rulesViolations(xianRules(HALL))).toEqual([]);
  });

  it('gives Liucheng ≥ 9 indicators over the 4 layers with weights summing to 100', () => {
    const rules = liuchengRules(HALL);
    expect(rules.indicators.length).toBeGreaterThanOrEqual(9);
    expect(new Set(rules.indicators.map((i) => i.layer))).toEqual(
      new Set(['提高群众满意度', '提高工作效能', '优化内部流程', '加强自身素质']),
    );
    expect(rules.indicators.reduce((a, i) => a + i.weight, 0)).toBe(100);
  });

  it('names each bad field of a points rule set by its path', () => {
    const good = zhangzhouRules(HALL);
    const bad = pb.AssessmentRules.fromPartial({
      ...good,
      hallId: '',
      effectiveFrom: '2026-13',
      maxPoints: 90,
      pointRules: [
        good.pointRules[0]!,
        { ...good.pointRules[1]!, label: '' },
        { ...good.pointRules[2]!, code: 'Bad Code' },
        { ...good.pointRules[3]!, code: good.pointRules[0]!.code },
        { ...good.pointRules[4]!, points: Number.NaN },
        { ...good.pointRules[5]!, cap: -1 },
      ],
      grades: [
        { grade: '优秀', minPoints: 100 },
        { grade: '合格', minPoints: 100 },
        { grade: '合格', minPoints: 0 },
      ],
      failingGrade: '差',
      awards: { ...good.awards!, excellentQuotaPercent: 120, bestStaffCount: -1 },
      bonus: { fenPerHundredPoints: 1.5, bestStaffFen: 0 },
      windowPointsInDepartmentAnnual: Number.POSITIVE_INFINITY,
    });
    expect(fields(bad)).toEqual([
      'rules.hall_id',
      'rules.effective_from',
      'rules.max_points',
      'rules.point_rules[1].label',
      'rules.point_rules[2].code',
      'rules.point_rules[3].code',
      'rules.point_rules[4].points',
      'rules.point_rules[5].cap',
      'rules.grades[1].min_points',
      'rules.grades[2].grade',
      'rules.failing_grade',
      'rules.awards.best_staff_count',
      'rules.awards.excellent_quota_percent',
      'rules.bonus.fen_per_hundred_points',
      'rules.window_points_in_department_annual',
    ]);
  });

  it('requires a method, a base for points methods, and grades', () => {
    expect(
      fields(
        pb.AssessmentRules.fromPartial({
          ...zhangzhouRules(HALL),
          method: pb.ScoringMethod.SCORING_METHOD_UNSPECIFIED,
        }),
      ),
    ).toEqual(['rules.method']);
    expect(fields(pb.AssessmentRules.fromPartial({ ...xianRules(HALL), basePoints: 0, grades: [] }))).toEqual([
      'rules.base_points',
      'rules.grades',
    ]);
  });

  it('names each bad indicator field', () => {
    const good = liuchengRules(HALL);
    const [i0, i1, i2, i3, i4] = good.indicators;
    const bad = pb.AssessmentRules.fromPartial({
      ...good,
      indicators: [
        { ...i0!, weight: 0 },
        { ...i1!, target: 0.05, floor: 0.05 },
        { ...i2!, factCode: '' },
        { ...i3!, measure: pb.IndicatorMeasure.INDICATOR_MEASURE_UNSPECIFIED },
        { ...i4!, code: i0!.code },
      ],
    });
    expect(fields(bad)).toEqual([
      'rules.indicators[0].weight',
      'rules.indicators[1].target',
      'rules.indicators[2].fact_code',
      'rules.indicators[3].measure',
      'rules.indicators[4].code',
    ]);
    expect(fields(pb.AssessmentRules.fromPartial({ ...good, indicators: [] }))).toEqual(['rules.indicators']);
    expect(fields(pb.AssessmentRules.fromPartial({ ...zhangzhouRules(HALL), indicators: [i0!] }))).toEqual([
      'rules.indicators',
    ]);
  });

  it('caps the list sizes', () => {
    const many = Array.from({ length: 201 }, (_, i) => ({ code: `rule_${i}`, label: `规则${i}`, points: -1 }));
    const grades = Array.from({ length: 11 }, (_, i) => ({ grade: `等次${i}`, minPoints: 100 - i * 10 }));
    expect(
      fields(pb.AssessmentRules.fromPartial({ ...zhangzhouRules(HALL), pointRules: many, grades, failingGrade: '' })),
    ).toEqual(['rules.point_rules', 'rules.grades']);
  });
});
