import type { timingV1 } from '@govhall/contracts';
import {
  INDICATOR_DEFINITIONS,
  computeIndicators,
  type CardFact,
  type CaseFacts,
  type IndicatorInput,
  type RegistrationFacts,
} from './indicators';

/** An instant in China time. */
const cst = (local: string): Date => new Date(`${local}+08:00`);
const DAY = 7 * 3_600_000;

// October 2026 in China time.
const FROM = cst('2026-10-01T00:00');
const TO = cst('2026-11-01T00:00');

const A = { departmentId: 'dept-a', windowId: 'win-1' };
const B2 = { departmentId: 'dept-b', windowId: 'win-2' };
const B3 = { departmentId: 'dept-b', windowId: 'win-3' };
const FOOD = { itemId: 'item-food', itemName: '食品经营许可' };
const SOLE = { itemId: 'item-sole', itemName: '个体工商户登记' };
const PLAN = { itemId: 'item-plan', itemName: '建设工程规划许可' };

/** Where a fact belongs: department, window and item. */
interface Place {
  readonly departmentId: string;
  readonly windowId: string;
  readonly itemId: string;
  readonly itemName: string;
}

function registration(
  id: string,
  where: Place,
  registered: string,
  decided?: { at: string; outcome: 'accepted' | 'refused'; days: number },
): RegistrationFacts {
  return {
    registrationId: id,
    hallId: 'hall-1',
    ...where,
    registeredAt: cst(registered),
    ...(decided
      ? { outcome: decided.outcome, decidedAt: cst(decided.at), acceptanceWorkingMs: Math.round(decided.days * DAY) }
      : {}),
  };
}

function aCase(
  id: string,
  where: Place,
  accepted: string,
  limits: { statutory?: number; promised?: number; due?: string },
  done?: { at: string; actual: number; onTime: boolean; early: boolean; onTheSpot?: boolean },
): CaseFacts {
  return {
    caseId: id,
    caseNumber: `N-${id}`,
    hallId: 'hall-1',
    ...where,
    acceptedAt: cst(accepted),
    ...(limits.statutory !== undefined ? { statutoryWorkingDays: limits.statutory } : {}),
    ...(limits.promised !== undefined ? { promisedWorkingDays: limits.promised } : {}),
    ...(limits.due !== undefined ? { promisedDueAt: cst(limits.due) } : {}),
    completedOnTheSpot: done?.onTheSpot ?? false,
    ...(done
      ? { completedAt: cst(done.at), actualWorkingDays: done.actual, onTime: done.onTime, early: done.early }
      : {}),
  };
}

/*
 * The month, by hand (working day 7 h):
 * registrations  R1 A/food 10-08 accepted 0.2 d · R2 A/sole 10-09 accepted 0.5 d · R3 B2/plan 10-12 refused 0.3 d
 *                R4 B2/plan 10-20 pending · R5 A/food registered 09-29, accepted 10-08 1.0 d (decided, not received)
 *                R6 B2/plan registered 10-30, decided 11-02 (received, not decided) · R7 A 09-10 / 09-11 (ignored)
 * cases          C1 A/food  accepted 10-08 statutory 20 promised 10, completed 10-10 actual 2, on time, early
 *                C2 A/sole  accepted 10-09 statutory 5 promised 1, completed on the spot 10-09 actual 0, on time
 *                C3 B2/plan accepted 09-20 (open at the start) statutory 10 promised 8, completed 10-15 actual 9, late
 *                C4 B2/plan accepted 10-12 statutory 10 promised 5, open and overdue at the end
 *                C5 B3/plan accepted 09-25 statutory 20 promised 15, open (in progress at the start)
 *                C6 A/food  accepted 09-01, completed 09-28 (ignored)
 *                C7 A/sole  accepted 10-20 promised 3, no statutory limit, completed 10-22 actual 1, on time, early
 *                C8 B2/plan accepted 10-28 statutory 10 promised 5, completed 11-03 (accepted, not completed)
 * cards          yellow A/food · yellow B2/plan (C3) · red B2/plan (C3) · yellow B2/plan (C4)
 */
const registrations: RegistrationFacts[] = [
  registration('R1', { ...A, ...FOOD }, '2026-10-08T09:00', { at: '2026-10-08T10:24', outcome: 'accepted', days: 0.2 }),
  registration('R2', { ...A, ...SOLE }, '2026-10-09T09:00', { at: '2026-10-09T12:30', outcome: 'accepted', days: 0.5 }),
  registration('R3', { ...B2, ...PLAN }, '2026-10-12T09:00', { at: '2026-10-12T11:06', outcome: 'refused', days: 0.3 }),
  registration('R4', { ...B2, ...PLAN }, '2026-10-20T09:00'),
  registration('R5', { ...A, ...FOOD }, '2026-09-29T15:00', { at: '2026-10-08T16:00', outcome: 'accepted', days: 1 }),
  registration('R6', { ...B2, ...PLAN }, '2026-10-30T16:00', {
    at: '2026-11-02T09:30',
    outcome: 'accepted',
    days: 0.1,
  }),
  registration('R7', { ...A, ...FOOD }, '2026-09-10T09:00', { at: '2026-09-11T09:00', outcome: 'accepted', days: 1 }),
];
const cases: CaseFacts[] = [
  aCase(
    'C1',
    { ...A, ...FOOD },
    '2026-10-08T10:24',
    { statutory: 20, promised: 10 },
    done('2026-10-10T10:00', 2, true, true),
  ),
  aCase(
    'C2',
    { ...A, ...SOLE },
    '2026-10-09T12:30',
    { statutory: 5, promised: 1 },
    {
      ...done('2026-10-09T12:40', 0, true, false),
      onTheSpot: true,
    },
  ),
  aCase(
    'C3',
    { ...B2, ...PLAN },
    '2026-09-20T10:00',
    { statutory: 10, promised: 8 },
    done('2026-10-15T10:00', 9, false, false),
  ),
  // Open at the end: C4 past its promised instant (overdue), C5 not yet due.
  aCase('C4', { ...B2, ...PLAN }, '2026-10-12T11:06', { statutory: 10, promised: 5, due: '2026-10-19T17:30' }),
  aCase('C5', { ...B3, ...PLAN }, '2026-09-25T10:00', { statutory: 20, promised: 15, due: '2026-11-13T17:30' }),
  aCase(
    'C6',
    { ...A, ...FOOD },
    '2026-09-01T10:00',
    { statutory: 20, promised: 10 },
    done('2026-09-28T10:00', 15, true, true),
  ),
  aCase('C7', { ...A, ...SOLE }, '2026-10-20T10:00', { promised: 3 }, done('2026-10-22T10:00', 1, true, true)),
  aCase(
    'C8',
    { ...B2, ...PLAN },
    '2026-10-28T10:00',
    { statutory: 10, promised: 5 },
    done('2026-11-03T10:00', 4, true, false),
  ),
];
const cards: CardFact[] = [
  { ...A, itemId: FOOD.itemId, level: 'yellow' },
  { ...B2, itemId: PLAN.itemId, level: 'yellow' },
  { ...B2, itemId: PLAN.itemId, level: 'red' },
  { ...B2, itemId: PLAN.itemId, level: 'yellow' },
];

function done(at: string, actual: number, onTime: boolean, early: boolean) {
  return { at, actual, onTime, early };
}

function month(overrides: Partial<IndicatorInput> = {}): IndicatorInput {
  return {
    from: FROM,
    to: TO,
    grouping: 'department',
    hallId: 'hall-1',
    total: { key: 'hall-1', name: '柳城县政务服务中心' },
    registrations,
    cases,
    cards,
    overdueAt: TO,
    ...overrides,
  };
}

const row = (rows: readonly timingV1.Indicators[], key: string): timingV1.Indicators => {
  const found = rows.find((r) => r.key === key);
  if (!found) throw new Error(`no row ${key} in ${rows.map((r) => r.key).join(', ')}`);
  return found;
};

describe('computeIndicators', () => {
  it('computes every field of the total from the hand-counted month', () => {
    const { total } = computeIndicators(month());
    expect(total).toEqual({
      key: 'hall-1',
      name: '柳城县政务服务中心',
      received: 5, // R1 R2 R3 R4 R6
      accepted: 5, // C1 C2 C4 C7 C8
      completed: 4, // C1 C2 C3 C7
      completionRate: 0.5714, // 4 ÷ (5 accepted + 2 in progress at the start: C3 C5)
      onSiteCompletionRate: 0.25, // C2 ÷ 4
      onTimeRate: 0.75, // C1 C2 C7 ÷ 4
      earlyCompletionRate: 0.5, // C1 C7 ÷ 4
      averageAcceptanceWorkingDays: 0.5, // (0.2 + 0.5 + 0.3 + 1.0) ÷ 4, R1 R2 R3 R5
      averageCompletionWorkingDays: 3, // (2 + 0 + 9 + 1) ÷ 4
      overdue: 2, // C3 completed late, C4 open and overdue
      yellowCards: 3,
      redCards: 1,
      commitmentSpeedUp: 0.5333, // (11.25 − 5.25) ÷ 11.25 over C1 C2 C4 C8 (C7 has no statutory limit)
      actualSpeedUp: 0.6857, // (35/3 − 11/3) ÷ 35/3 = 24/35 over C1 C2 C3
      meanStatutoryWorkingDays: 11.25, // (20 + 5 + 10 + 10) ÷ 4
      meanPromisedWorkingDays: 5.25, // (10 + 1 + 5 + 5) ÷ 4
      meanActualWorkingDays: 3.67, // (2 + 0 + 9) ÷ 3
      completedOnSite: 1,
      completedOnTime: 3,
      completedEarly: 2,
    });
  });

  it('groups by department: every field of each row, and the rows add up to the total counts', () => {
    const { rows, total } = computeIndicators(month());
    expect(rows.map((r) => r.key)).toEqual(['dept-a', 'dept-b']);
    expect(row(rows, 'dept-a')).toEqual({
      key: 'dept-a',
      name: 'dept-a',
      received: 2, // R1 R2
      accepted: 3, // C1 C2 C7
      completed: 3,
      completionRate: 1, // 3 ÷ (3 + 0)
      onSiteCompletionRate: 0.3333, // C2 ÷ 3
      onTimeRate: 1,
      earlyCompletionRate: 0.6667, // C1 C7 ÷ 3
      averageAcceptanceWorkingDays: 0.57, // (0.2 + 0.5 + 1.0) ÷ 3 = 0.5667
      averageCompletionWorkingDays: 1, // (2 + 0 + 1) ÷ 3
      overdue: 0,
      yellowCards: 1,
      redCards: 0,
      commitmentSpeedUp: 0.56, // (12.5 − 5.5) ÷ 12.5 over C1 C2
      actualSpeedUp: 0.92, // (12.5 − 1) ÷ 12.5 over C1 C2
      meanStatutoryWorkingDays: 12.5,
      meanPromisedWorkingDays: 5.5,
      meanActualWorkingDays: 1,
      completedOnSite: 1,
      completedOnTime: 3,
      completedEarly: 2,
    });
    expect(row(rows, 'dept-b')).toEqual({
      key: 'dept-b',
      name: 'dept-b',
      received: 3, // R3 R4 R6
      accepted: 2, // C4 C8
      completed: 1, // C3
      completionRate: 0.25, // 1 ÷ (2 + 2: C3 C5)
      onSiteCompletionRate: 0,
      onTimeRate: 0,
      earlyCompletionRate: 0,
      averageAcceptanceWorkingDays: 0.3, // R3 (a refusal is a decision too)
      averageCompletionWorkingDays: 9,
      overdue: 2, // C3 C4
      yellowCards: 2,
      redCards: 1,
      commitmentSpeedUp: 0.5, // (10 − 5) ÷ 10 over C4 C8
      actualSpeedUp: 0.1, // (10 − 9) ÷ 10 over C3
      meanStatutoryWorkingDays: 10,
      meanPromisedWorkingDays: 5,
      meanActualWorkingDays: 9,
      completedOnSite: 0,
      completedOnTime: 0,
      completedEarly: 0,
    });
    for (const field of ['received', 'accepted', 'completed', 'overdue', 'yellowCards', 'redCards'] as const) {
      expect(rows.reduce((sum, r) => sum + r[field], 0)).toBe(total[field]);
    }
  });

  it('takes the speed-ups as ratios of means, not means of ratios', () => {
    // Commitment, C1 C2 C4 C8: per-case ratios 0.5, 0.8, 0.5, 0.5 average 0.575; the ratio of means is 0.5333.
    // Actual, C1 C2 C3: per-case ratios 0.9, 1.0, 0.1 average 0.6667; the ratio of means is 0.6857.
    const { total } = computeIndicators(month());
    expect(total.commitmentSpeedUp).toBe(0.5333);
    expect(total.commitmentSpeedUp).not.toBe(0.575);
    expect(total.actualSpeedUp).toBe(0.6857);
    expect(total.actualSpeedUp).not.toBe(0.6667);

    // Two cases where the forms are far apart: 20 → 2 days (0.9) and 2 → 2 days (0): 0.45 as a mean of ratios.
    const two = computeIndicators(
      month({
        registrations: [],
        cards: [],
        cases: [
          aCase(
            'X1',
            { ...A, ...FOOD },
            '2026-10-08T09:00',
            { statutory: 20, promised: 4 },
            done('2026-10-12T09:00', 2, true, true),
          ),
          aCase(
            'X2',
            { ...A, ...FOOD },
            '2026-10-08T09:00',
            { statutory: 2, promised: 2 },
            done('2026-10-12T09:00', 2, true, false),
          ),
        ],
      }),
    ).total;
    expect(two.actualSpeedUp).toBe(0.8182); // (11 − 2) ÷ 11
    expect(two.commitmentSpeedUp).toBe(0.7273); // (11 − 3) ÷ 11, against (0.8 + 0) ÷ 2 = 0.4
    expect(two.meanStatutoryWorkingDays).toBe(11);
    expect(two.meanPromisedWorkingDays).toBe(3);
    expect(two.meanActualWorkingDays).toBe(2);
  });

  it('reproduces the seeds’ commitment speed-up: statutory 20.77 → promised 13.12 is 36.83%', () => {
    const { total } = computeIndicators(
      month({
        registrations: [],
        cards: [],
        cases: [
          aCase('S1', { ...A, ...FOOD }, '2026-10-08T09:00', { statutory: 30, promised: 20 }),
          aCase('S2', { ...A, ...FOOD }, '2026-10-09T09:00', { statutory: 11.54, promised: 6.24 }),
        ],
      }),
    );
    expect(total.meanStatutoryWorkingDays).toBe(20.77);
    expect(total.meanPromisedWorkingDays).toBe(13.12);
    expect(total.commitmentSpeedUp).toBe(0.3683);
  });

  it('gives 0 for every rate and mean with a zero denominator', () => {
    const { total, rows } = computeIndicators(month({ registrations: [], cases: [], cards: [] }));
    expect(rows).toEqual([]);
    expect(total).toEqual({
      key: 'hall-1',
      name: '柳城县政务服务中心',
      received: 0,
      accepted: 0,
      completed: 0,
      completionRate: 0,
      onSiteCompletionRate: 0,
      onTimeRate: 0,
      earlyCompletionRate: 0,
      averageAcceptanceWorkingDays: 0,
      averageCompletionWorkingDays: 0,
      overdue: 0,
      yellowCards: 0,
      redCards: 0,
      commitmentSpeedUp: 0,
      actualSpeedUp: 0,
      meanStatutoryWorkingDays: 0,
      meanPromisedWorkingDays: 0,
      meanActualWorkingDays: 0,
      completedOnSite: 0,
      completedOnTime: 0,
      completedEarly: 0,
    });
    // A case open since before the month and nothing else: a denominator of 1, nothing completed.
    const open = computeIndicators(month({ grouping: 'window' })).rows.find((r) => r.key === 'win-3');
    expect(open).toMatchObject({
      received: 0,
      accepted: 0,
      completed: 0,
      completionRate: 0,
      onTimeRate: 0,
      averageAcceptanceWorkingDays: 0,
      commitmentSpeedUp: 0,
      actualSpeedUp: 0,
      meanStatutoryWorkingDays: 0,
    });
  });

  it('groups by window, by item (named from the facts) and by hall (one row, the total)', () => {
    const byWindow = computeIndicators(month({ grouping: 'window' })).rows;
    expect(byWindow.map((r) => [r.key, r.name, r.received, r.accepted, r.completed, r.completionRate])).toEqual([
      ['win-1', 'win-1', 2, 3, 3, 1],
      ['win-2', 'win-2', 3, 2, 1, 0.3333], // C3 ÷ (C4 C8 + C3)
      ['win-3', 'win-3', 0, 0, 0, 0], // C5 only
    ]);

    const byItem = computeIndicators(month({ grouping: 'item' })).rows;
    expect(byItem.map((r) => [r.key, r.name])).toEqual([
      ['item-food', '食品经营许可'],
      ['item-plan', '建设工程规划许可'],
      ['item-sole', '个体工商户登记'],
    ]);
    expect(row(byItem, 'item-food')).toMatchObject({
      received: 1, // R1 (R5 was received in September)
      accepted: 1,
      completed: 1,
      averageAcceptanceWorkingDays: 0.6, // (0.2 + 1.0) ÷ 2
      commitmentSpeedUp: 0.5, // (20 − 10) ÷ 20
      actualSpeedUp: 0.9, // (20 − 2) ÷ 20
      yellowCards: 1,
    });
    expect(row(byItem, 'item-sole')).toMatchObject({
      received: 1,
      accepted: 2, // C2 C7
      completed: 2,
      onSiteCompletionRate: 0.5,
      earlyCompletionRate: 0.5, // C7
      averageCompletionWorkingDays: 0.5,
      commitmentSpeedUp: 0.8, // C2 only: (5 − 1) ÷ 5
      actualSpeedUp: 1, // C2 only: (5 − 0) ÷ 5
    });

    const byHall = computeIndicators(month({ grouping: 'hall' }));
    expect(byHall.rows).toEqual([byHall.total]);
    // Narrowed to a department, the total is the department's and the one row is still keyed by the hall.
    const narrowed = computeIndicators(month({ grouping: 'hall', total: { key: 'dept-a', name: 'dept-a' } }));
    expect(narrowed.rows.map((r) => [r.key, r.name])).toEqual([['hall-1', 'hall-1']]);
  });

  it('counts the period as [from, to): a case accepted at `from` is in, one completed at `to` is not', () => {
    const { total } = computeIndicators(
      month({
        registrations: [registration('E1', { ...A, ...FOOD }, '2026-11-01T00:00')],
        cards: [],
        cases: [
          aCase(
            'E2',
            { ...A, ...FOOD },
            '2026-10-01T00:00',
            { statutory: 5, promised: 2 },
            done('2026-11-01T00:00', 20, false, false),
          ),
        ],
      }),
    );
    expect(total).toMatchObject({ received: 0, accepted: 1, completed: 0, completionRate: 0, overdue: 0 });
  });

  it('judges an open case overdue at the period end, or now for the running month', () => {
    expect(computeIndicators(month()).total.overdue).toBe(2); // C3 completed late, C4 open past 19 Oct
    // Judged on 15 October, C4 (due 19 October) is not overdue yet.
    expect(computeIndicators(month({ overdueAt: cst('2026-10-15T12:00') })).total.overdue).toBe(1);
  });

  it('turns acceptance working time into days of the hall’s working-day length', () => {
    // 0.5 of a 7-hour day on average = 3.5 h = 0.4375 of an 8-hour day.
    expect(computeIndicators(month({ workingDayMs: 8 * 3_600_000 })).total.averageAcceptanceWorkingDays).toBe(0.44);
  });

  it('defines the speed-ups and the completion rate in Chinese and English', () => {
    for (const phrase of ['承诺提速', '实际提速', '当月办结率', 'ratio of means', 'Completion rate']) {
      expect(INDICATOR_DEFINITIONS).toContain(phrase);
    }
  });
});
