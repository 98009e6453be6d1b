import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { timingV1 } from '@govhall/contracts';
import {
  ErrorKinds,
  FakeClock,
  PermissionDeniedError,
  ValidationError,
  createMetrics,
  migrate,
  createDatabase,
  toGrpcError,
  uuidV7Ids,
  type Actor,
  type Database,
} from '@govhall/kit';
import { aStaffMember } from '@govhall/kit/testing';
import { createTestDatabase, uniqueRegionCode, type TestDatabase } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { z } from 'zod';
import { indicatorGauges } from '../src/adapters/indicator-metrics';
import { PgTimingStore } from '../src/adapters/store/pg-timing-store';
import type { TimingTables } from '../src/adapters/store/tables';
import { TimingIndicators } from '../src/app/indicators';
import type { TimingTx } from '../src/app/ports';
import type { CaseFacts, RegistrationFacts } from '../src/domain/indicators';

const HALL = 'hall-lc';
const OTHER_HALL = 'hall-other';
const DAY = 7 * 3_600_000;
/** An instant in China time. */
const cst = (local: string): Date => new Date(`${local}+08:00`);

const supervisor: Actor = {
  kind: 'staff',
  ...aStaffMember({ staffId: 'staff-sup', roles: ['supervisor'], departmentId: null, hallId: HALL }),
};
const clerkOfA: Actor = {
  kind: 'staff',
  ...aStaffMember({ staffId: 'staff-a', roles: ['clerk'], departmentId: 'dept-a', hallId: HALL }),
};

const request = (overrides: Partial<timingV1.GetIndicatorsRequest> = {}): timingV1.GetIndicatorsRequest => ({
  hallId: HALL,
  month: '2026-10',
  fromDate: '',
  toDate: '',
  grouping: timingV1.IndicatorGrouping.INDICATOR_GROUPING_UNSPECIFIED,
  departmentId: '',
  ...overrides,
});

const A = { departmentId: 'dept-a', windowId: 'win-1', itemId: 'item-food', itemName: '食品经营许可' };
const B = { departmentId: 'dept-b', windowId: 'win-2', itemId: 'item-plan', itemName: '建设工程规划许可' };

function registration(
  id: string,
  where: typeof A,
  registered: string,
  decided?: { at: string; outcome: 'accepted' | 'refused'; days: number },
  hallId = HALL,
): RegistrationFacts {
  return {
    registrationId: id,
    hallId,
    ...where,
    registeredAt: cst(registered),
    ...(decided
      ? { outcome: decided.outcome, decidedAt: cst(decided.at), acceptanceWorkingMs: Math.round(decided.days * DAY) }
      : {}),
  };
}

function aCase(
  id: string,
  where: typeof A,
  accepted: string,
  limits: { statutory: number; promised: number; due: string },
  done?: { at: string; actual: number; onTime: boolean; early: boolean; onTheSpot?: boolean },
  hallId = HALL,
): CaseFacts {
  return {
    caseId: id,
    caseNumber: `LC-${id}`,
    hallId,
    ...where,
    acceptedAt: cst(accepted),
    statutoryWorkingDays: limits.statutory,
    promisedWorkingDays: limits.promised,
    promisedDueAt: cst(limits.due),
    completedOnTheSpot: done?.onTheSpot ?? false,
    ...(done
      ? { completedAt: cst(done.at), actualWorkingDays: done.actual, onTime: done.onTime, early: done.early }
      : {}),
  };
}

/**
 * October 2026 in hall-lc, by hand (working day 7 h):
 * registrations R1 A 10-01 00:30 China time (still 09-30 in UTC) accepted 0.2 d · R2 B 10-12 refused 0.4 d ·
 *               R3 B 10-20 pending · R4 A 11-01 00:30 China time (10-31 in UTC): November · R5 of another hall
 * cases         C1 A accepted 10-08 statutory 20 promised 10, completed 10-10 actual 2, on time, early
 *               C2 A accepted 10-09 statutory 5 promised 1, completed on the spot, actual 0, on time
 *               C3 B accepted 09-20 statutory 10 promised 8, completed 10-15 actual 9, late
 *               C4 B accepted 10-12 statutory 10 promised 5, due 10-19, open (overdue at the month's end)
 *               C8 B accepted 10-28 statutory 10 promised 3, due 11-03, open (not overdue at the month's end)
 *               C10 A accepted 11-02, completed 11-03 (November) · C9 of another hall
 * cards         yellow C3 10-10 · yellow C4 10-20 · red C4 10-21 · yellow C1 cancelled · red C8 11-04 (November)
 */
const registrations = [
  registration('R1', A, '2026-10-01T00:30', { at: '2026-10-08T10:00', outcome: 'accepted', days: 0.2 }),
  registration('R2', B, '2026-10-12T09:00', { at: '2026-10-12T11:48', outcome: 'refused', days: 0.4 }),
  registration('R3', B, '2026-10-20T09:00'),
  registration('R4', A, '2026-11-01T00:30'),
  registration('R5', A, '2026-10-10T09:00', { at: '2026-10-10T10:00', outcome: 'accepted', days: 1 }, OTHER_HALL),
];
const cases = [
  aCase(
    'C1',
    A,
    '2026-10-08T10:00',
    { statutory: 20, promised: 10, due: '2026-10-22T10:00' },
    {
      at: '2026-10-10T10:00',
      actual: 2,
      onTime: true,
      early: true,
    },
  ),
  aCase(
    'C2',
    A,
    '2026-10-09T10:00',
    { statutory: 5, promised: 1, due: '2026-10-12T10:00' },
    {
      at: '2026-10-09T10:10',
      actual: 0,
      onTime: true,
      early: false,
      onTheSpot: true,
    },
  ),
  aCase(
    'C3',
    B,
    '2026-09-20T10:00',
    { statutory: 10, promised: 8, due: '2026-10-09T10:00' },
    {
      at: '2026-10-15T10:00',
      actual: 9,
      onTime: false,
      early: false,
    },
  ),
  aCase('C4', B, '2026-10-12T11:48', { statutory: 10, promised: 5, due: '2026-10-19T11:48' }),
  aCase('C8', B, '2026-10-28T10:00', { statutory: 10, promised: 3, due: '2026-11-03T10:00' }),
  aCase(
    'C10',
    A,
    '2026-11-02T10:00',
    { statutory: 10, promised: 5, due: '2026-11-09T10:00' },
    {
      at: '2026-11-03T10:00',
      actual: 1,
      onTime: true,
      early: true,
    },
  ),
  aCase('C9', A, '2026-10-10T10:00', { statutory: 10, promised: 5, due: '2026-10-17T10:00' }, undefined, OTHER_HALL),
];

describe('indicators (real PostgreSQL)', () => {
  let testDatabase: TestDatabase;
  let database: Database<TimingTables>;
  let store: PgTimingStore;
  const clock = new FakeClock('2026-11-05T10:00:00+08:00');
  let indicators: TimingIndicators;

  async function aClock(
    caseId: string,
    where: typeof A,
    kind: 'promised' | 'statutory',
    status: 'running' | 'stopped',
    due: string,
  ): Promise<string> {
    const id = randomUUID();
    await database.pool.query(
      `INSERT INTO timing.clocks (id, clock_key, kind, status, case_id, item_id, hall_id, department_id, window_id,
         budget_amount, budget_unit, started_at, due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 5, 'working_days', $10, $11)`,
      [
        id,
        `${kind}:${caseId}`,
        kind,
        status,
        caseId,
        where.itemId,
        HALL,
        where.departmentId,
        where.windowId,
        cst('2026-09-01T09:00'),
        cst(due),
      ],
    );
    return id;
  }

  async function aCard(
    clockId: string,
    caseId: string,
    departmentId: string,
    level: string,
    issued: string,
    status = 'issued',
  ) {
    await database.pool.query(
      `INSERT INTO timing.cards (id, clock_id, level, status, card, case_id, hall_id, department_id, issued_at)
       VALUES ($1, $2, $3, $4, '{}', $5, $6, $7, $8)`,
      [randomUUID(), clockId, level, status, caseId, HALL, departmentId, cst(issued)],
    );
  }

  beforeAll(async () => {
    testDatabase = await createTestDatabase('timing_ind');
    database = createDatabase<TimingTables>({ url: testDatabase.url, schema: 'timing' });
    await migrate({ pool: database.pool, schema: 'timing', folder: join(__dirname, '..', 'migrations') });
    store = new PgTimingStore(database, { clock, ids: uuidV7Ids, regionCode: uniqueRegionCode() });
    indicators = new TimingIndicators({ store, clock });

    await store.command(
      { requestId: 'seed-indicator-facts', operation: 'SeedFacts', request: {}, result: z.number() },
      async (tx: TimingTx) => {
        for (const facts of registrations) await tx.saveRegistrationFacts(facts);
        for (const facts of cases) await tx.saveCaseFacts(facts);
        return registrations.length + cases.length;
      },
    );
    const c1 = await aClock('C1', A, 'promised', 'stopped', '2026-10-22T10:00');
    const c3 = await aClock('C3', B, 'promised', 'stopped', '2026-10-09T10:00');
    const c4 = await aClock('C4', B, 'promised', 'running', '2026-10-19T11:48');
    const c8 = await aClock('C8', B, 'promised', 'running', '2026-11-03T10:00');
    // A statutory clock past due is not a promise broken: not counted as overdue.
    await aClock('C8', B, 'statutory', 'running', '2026-10-30T10:00');
    await aCard(c3, 'C3', 'dept-b', 'yellow', '2026-10-10T10:00');
    await aCard(c4, 'C4', 'dept-b', 'yellow', '2026-10-20T10:00');
    await aCard(c4, 'C4', 'dept-b', 'red', '2026-10-21T10:00');
    await aCard(c1, 'C1', 'dept-a', 'yellow', '2026-10-12T10:00', 'cancelled');
    await aCard(c8, 'C8', 'dept-b', 'red', '2026-11-04T10:00');
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('answers a supervisor the hall month by department, every value as counted by hand', async () => {
    const answer = await indicators.get(supervisor, request());
    expect(answer.hallId).toBe(HALL);
    expect([answer.fromDate, answer.toDate]).toEqual(['2026-10-01', '2026-10-31']);
    expect(answer.definitions).toContain('承诺提速');
    expect(answer.total).toEqual({
      key: HALL,
      name: HALL,
      received: 3, // R1 (October in China time) R2 R3
      accepted: 4, // C1 C2 C4 C8
      completed: 3, // C1 C2 C3
      completionRate: 0.6, // 3 ÷ (4 + C3 in progress on 10-01)
      onSiteCompletionRate: 0.3333,
      onTimeRate: 0.6667,
      earlyCompletionRate: 0.3333,
      averageAcceptanceWorkingDays: 0.3, // (0.2 + 0.4) ÷ 2
      averageCompletionWorkingDays: 3.67, // (2 + 0 + 9) ÷ 3
      overdue: 2, // C3 late, C4 open past due on 11-01 (C8 fell due on 11-03, after the month)
      yellowCards: 2, // C3 C4 (C1's was cancelled)
      redCards: 1, // C4 (C8's is November's)
      commitmentSpeedUp: 0.5778, // (11.25 − 4.75) ÷ 11.25; the mean of the ratios would be 0.625
      actualSpeedUp: 0.6857, // (35/3 − 11/3) ÷ 35/3
      meanStatutoryWorkingDays: 11.25,
      meanPromisedWorkingDays: 4.75,
      meanActualWorkingDays: 3.67,
      completedOnSite: 1,
      completedOnTime: 2,
      completedEarly: 1,
    });
    expect(answer.rows.map((r) => r.key)).toEqual(['dept-a', 'dept-b']);
    expect(answer.rows[0]).toEqual({
      key: 'dept-a',
      name: 'dept-a',
      received: 1,
      accepted: 2,
      completed: 2,
      completionRate: 1,
      onSiteCompletionRate: 0.5,
      onTimeRate: 1,
      earlyCompletionRate: 0.5,
      averageAcceptanceWorkingDays: 0.2,
      averageCompletionWorkingDays: 1,
      overdue: 0,
      yellowCards: 0,
      redCards: 0,
      commitmentSpeedUp: 0.56, // (12.5 − 5.5) ÷ 12.5
      actualSpeedUp: 0.92, // (12.5 − 1) ÷ 12.5
      meanStatutoryWorkingDays: 12.5,
      meanPromisedWorkingDays: 5.5,
      meanActualWorkingDays: 1,
      completedOnSite: 1,
      completedOnTime: 2,
      completedEarly: 1,
    });
    expect(answer.rows[1]).toEqual({
      key: 'dept-b',
      name: 'dept-b',
      received: 2,
      accepted: 2,
      completed: 1,
      completionRate: 0.3333, // 1 ÷ (2 + 1)
      onSiteCompletionRate: 0,
      onTimeRate: 0,
      earlyCompletionRate: 0,
      averageAcceptanceWorkingDays: 0.4,
      averageCompletionWorkingDays: 9,
      overdue: 2,
      yellowCards: 2,
      redCards: 1,
      commitmentSpeedUp: 0.6, // (10 − 4) ÷ 10
      actualSpeedUp: 0.1, // (10 − 9) ÷ 10
      meanStatutoryWorkingDays: 10,
      meanPromisedWorkingDays: 4,
      meanActualWorkingDays: 9,
      completedOnSite: 0,
      completedOnTime: 0,
      completedEarly: 0,
    });
  });

  it('reads a date range in China time, and groups by item with the items’ names', async () => {
    // 10-01 to 10-09 inclusive: R1; C1 C2 accepted and completed; C3 in progress; C3's yellow card is 10-10.
    const answer = await indicators.get(
      supervisor,
      request({
        month: '',
        fromDate: '2026-10-01',
        toDate: '2026-10-09',
        grouping: timingV1.IndicatorGrouping.INDICATOR_GROUPING_ITEM,
      }),
    );
    expect([answer.fromDate, answer.toDate]).toEqual(['2026-10-01', '2026-10-09']);
    expect(answer.total).toMatchObject({
      received: 1,
      accepted: 2,
      completed: 1,
      completionRate: 0.3333,
      yellowCards: 0,
    });
    expect(answer.rows.map((r) => [r.key, r.name, r.accepted, r.completed])).toEqual([
      ['item-food', '食品经营许可', 2, 1], // C2 completed on 10-09; C1 on 10-10, after the range
      ['item-plan', '建设工程规划许可', 0, 0], // C3, in progress since September
    ]);
  });

  it('counts the cases overdue and open now when the period has not ended', async () => {
    // November so far (now 11-05): C4 and C8 are open past their promised instants.
    const answer = await indicators.get(
      supervisor,
      request({ month: '2026-11', grouping: timingV1.IndicatorGrouping.INDICATOR_GROUPING_HALL }),
    );
    expect(answer.rows.map((r) => r.key)).toEqual([HALL]);
    expect(answer.total).toMatchObject({
      received: 1, // R4
      accepted: 1, // C10
      completed: 1,
      completionRate: 0.3333, // 1 ÷ (1 + C4 C8 in progress on 11-01)
      overdue: 2,
      redCards: 1,
    });
  });

  it('shows a department clerk only their department', async () => {
    const answer = await indicators.get(clerkOfA, request());
    expect(answer.total).toMatchObject({
      key: 'dept-a',
      received: 1,
      accepted: 2,
      completed: 2,
      overdue: 0,
      yellowCards: 0,
      commitmentSpeedUp: 0.56,
    });
    expect(answer.rows.map((r) => r.key)).toEqual(['dept-a']);
    const byWindow = await indicators.get(
      clerkOfA,
      request({ grouping: timingV1.IndicatorGrouping.INDICATOR_GROUPING_WINDOW }),
    );
    expect(byWindow.rows.map((r) => r.key)).toEqual(['win-1']);
    await expect(indicators.get(clerkOfA, request({ departmentId: 'dept-b' }))).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    // Front-desk staff of the hall itself, no department and no supervisor role: not the whole hall.
    const frontDesk: Actor = {
      kind: 'staff',
      ...aStaffMember({ staffId: 'staff-desk', roles: ['clerk'], departmentId: null, hallId: HALL }),
    };
    await expect(indicators.get(frontDesk, request())).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('refuses a bad period as INVALID_ARGUMENT naming the field', async () => {
    const refusal = async (overrides: Partial<timingV1.GetIndicatorsRequest>): Promise<ValidationError> => {
      const error: unknown = await indicators.get(supervisor, request(overrides)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      return error as ValidationError;
    };
    const month = await refusal({ month: '2026-13' });
    expect(month.kind).toBe(ErrorKinds.invalid);
    expect(toGrpcError(month).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(month.violations.map((v) => v.field)).toEqual(['month']);
    expect((await refusal({ month: '' })).violations.map((v) => v.field)).toEqual(['month']);
    expect((await refusal({ month: '', fromDate: '2026-10-09', toDate: '2026-10-01' })).violations).toEqual([
      { field: 'to_date', description: 'must not be before from_date' },
    ]);
    // 367 days, both ends included.
    expect((await refusal({ month: '', fromDate: '2026-01-01', toDate: '2027-01-02' })).violations[0]?.field).toBe(
      'to_date',
    );
    expect((await refusal({ month: '', fromDate: '2026-02-30', toDate: '2026-03-01' })).violations[0]?.field).toBe(
      'from_date',
    );
    expect((await refusal({ hallId: '' })).violations.map((v) => v.field)).toEqual(['hall_id']);
    // 366 days is allowed (2028 is a leap year).
    await expect(
      indicators.get(supervisor, request({ month: '', fromDate: '2028-01-01', toDate: '2028-12-31' })),
    ).resolves.toMatchObject({
      toDate: '2028-12-31',
    });
  });

  it('sets the dashboard gauges for the current month, and keeps the halls that could be read', async () => {
    const metrics = createMetrics('timing-indicators-test');
    const halls = ['', HALL];
    const gauges = indicatorGauges(metrics, indicators, () => Promise.resolve(halls));
    // The empty hall id is refused by validation: the refresh fails, after setting hall-lc's gauges.
    await expect(gauges.refresh()).rejects.toThrow(/reading halls .*failed/);
    const value = async (name: string, hallId: string, indicator: string): Promise<number | undefined> => {
      const metric = await metrics.registry.getSingleMetric(name)?.get();
      return metric?.values.find((v) => v.labels['hall_id'] === hallId && v.labels['indicator'] === indicator)?.value;
    };
    // November (now 11-05), as in the hall grouping above.
    expect(await value('govhall_timing_indicator_count', HALL, 'received')).toBe(1);
    expect(await value('govhall_timing_indicator_count', HALL, 'overdue')).toBe(2);
    expect(await value('govhall_timing_indicator_count', HALL, 'red_cards')).toBe(1);
    expect(await value('govhall_timing_indicator_ratio', HALL, 'completion_rate')).toBe(0.3333);
    expect(await value('govhall_timing_indicator_ratio', HALL, 'on_time_rate')).toBe(1);
    expect(await value('govhall_timing_indicator_ratio', HALL, 'commitment_speed_up')).toBe(0.5); // (10 − 5) ÷ 10
    expect(await value('govhall_timing_indicator_ratio', HALL, 'actual_speed_up')).toBe(0.9); // (10 − 1) ÷ 10
    expect(await value('govhall_timing_indicator_count', '', 'received')).toBeUndefined();

    halls.splice(0, 1, OTHER_HALL);
    await gauges.refresh();
    expect(await value('govhall_timing_indicator_count', OTHER_HALL, 'received')).toBe(0);
    expect(await value('govhall_timing_indicator_count', HALL, 'received')).toBe(1);
  });
});
