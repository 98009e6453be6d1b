// The supervision office's side of timing: a hall's rules as data, cards contested and reviewed, a card cancelled
// by a completion that came late, and the supervision rules other than time limits. Real cases where the real
// flow produces the finding; crafted case and intake events on their streams for the broken flows the real
// services never produce. Accepted Monday 12 October 2026 09:30 unless said.
import {
  CaseEvents,
  IntakeEvents,
  caseEventsV1,
  caseV1,
  catalogueItemsV1,
  intakeEventsV1,
  intakeV1,
  timingV1,
} from '@govhall/contracts';
import { callUnary, uuidV7Ids } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { FOOD, at, cityShortcuts, invalid, refused } from '../../case/test/case-test-helpers';
import { startTimingForTest, type TimingEvent, type TimingUnderTest } from './start-for-test';

const K = timingV1.ClockKind;
const L = timingV1.AlertLevel;
const R = timingV1.RecipientRole;
const C = timingV1.CardStatus;
const Rule = timingV1.SupervisionRule;
const P = catalogueItemsV1.ProcessStage;
const HOUR = 3_600_000;
const WORKING_HOURS = catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_HOURS;
const ALL_KINDS = [
  K.CLOCK_KIND_ACCEPTANCE,
  K.CLOCK_KIND_STAGE,
  K.CLOCK_KIND_SUBTASK,
  K.CLOCK_KIND_PROMISED,
  K.CLOCK_KIND_STATUTORY,
];

let under: TimingUnderTest;
beforeAll(async () => {
  under = await startTimingForTest();
}, 120_000);
afterAll(async () => {
  await under?.stop();
});

const shortcuts = cityShortcuts(() => under.cases);
const staff = (no: string) => shortcuts.staff(no);
let serial = 0;
const rid = (p: string) => `sup-${p}-${Date.now().toString(36)}-${++serial}`;

async function openFood(): Promise<{ caseId: string; applicantId: string }> {
  under.clock.set(at('2026-10-12T09:30:00'));
  const opened = await under.cases.openCase(FOOD);
  // The acceptance clock (stopped), the promised and statutory clocks, and the review stage's.
  await under.clocksOf(
    opened.caseId,
    (clocks) => clocks.some((c) => c.kind === K.CLOCK_KIND_STAGE) && clocks.length >= 4,
  );
  return opened;
}

// ---- crafted events ------------------------------------------------------------------------------------------

function caseRef(caseId: string): caseEventsV1.CaseRef {
  return caseEventsV1.CaseRef.fromPartial({
    caseId,
    caseNumber: `3707002026${String(90000 + ++serial)}`,
    itemId: under.cases.demo.items[FOOD.item]!,
    itemVersion: 1,
    itemName: '食品经营许可',
    applicantId: 'applicant-crafted',
    acceptingHallId: shortcuts.city(),
    currentHallId: shortcuts.city(),
    departmentId: shortcuts.scjg(),
    caseVersion: 1,
  });
}

const PLAN = [
  P.PROCESS_STAGE_ACCEPT,
  P.PROCESS_STAGE_REVIEW,
  P.PROCESS_STAGE_APPROVE,
  P.PROCESS_STAGE_ISSUE,
  P.PROCESS_STAGE_ARCHIVE,
];

/** The events of one crafted case, stamped like the case service stamps them. */
function craftedCase(plan: catalogueItemsV1.ProcessStage[] = PLAN) {
  const caseId = uuidV7Ids.next();
  const ref = caseRef(caseId);
  const record = (seq: number, stage: catalogueItemsV1.ProcessStage, over: Partial<caseV1.StageRecord> = {}) =>
    caseV1.StageRecord.fromPartial({
      seq,
      stage,
      status: caseV1.StageStatus.STAGE_STATUS_ACTIVE,
      hallId: shortcuts.city(),
      departmentId: shortcuts.scjg(),
      ...over,
    });
  const budget = (hours: number) => ({ amount: hours, unit: WORKING_HOURS });
  return {
    caseId,
    opened: (acceptedAt: Date) =>
      under.factory.create(
        CaseEvents.opened,
        caseEventsV1.Opened.fromPartial({
          case: ref,
          stages: plan,
          acceptedAt,
          approvingHallId: shortcuts.city(),
          acceptingDepartmentId: shortcuts.scjg(),
          acceptingWindowId: under.cases.demo.windows['city/B02']!,
        }),
        { caseId },
      ),
    entered: (seq: number, stage: catalogueItemsV1.ProcessStage, enteredAt: Date, hours?: number) =>
      under.factory.create(
        CaseEvents.stageEntered,
        { case: ref, stage: record(seq, stage, { enteredAt, ...(hours ? { budget: budget(hours) } : {}) }) },
        { caseId },
      ),
    completed: (
      seq: number,
      stage: catalogueItemsV1.ProcessStage,
      completedAt: Date,
      sentBackTo: catalogueItemsV1.ProcessStage = P.PROCESS_STAGE_UNSPECIFIED,
    ) =>
      under.factory.create(
        CaseEvents.stageCompleted,
        {
          case: ref,
          stage: record(seq, stage, {
            completedAt,
            status:
              sentBackTo === P.PROCESS_STAGE_UNSPECIFIED
                ? caseV1.StageStatus.STAGE_STATUS_COMPLETED
                : caseV1.StageStatus.STAGE_STATUS_SENT_BACK,
          }),
          sentBackTo,
        },
        { caseId },
      ),
    refused: (decidedAt: Date, reason: string) =>
      under.factory.create(
        CaseEvents.decided,
        {
          case: ref,
          decision: caseV1.Decision.fromPartial({
            kind: caseV1.DecisionKind.DECISION_KIND_REFUSED,
            opinion: '不予许可',
            reason,
            decidedByStaffId: staff('700SCJG04'),
            departmentId: shortcuts.scjg(),
            decidedAt,
          }),
        },
        { caseId },
      ),
  };
}

function registered(registeredAt: Date, departmentId: string) {
  return under.factory.create(
    IntakeEvents.registered,
    intakeEventsV1.Registered.fromPartial({
      registrationId: uuidV7Ids.next(),
      registrationNumber: `SUP${String(++serial).padStart(6, '0')}`,
      hallId: shortcuts.city(),
      departmentId,
      windowId: '',
      itemId: under.cases.demo.items[FOOD.item]!,
      itemVersion: 1,
      itemName: '食品经营许可',
      channel: intakeV1.Channel.CHANNEL_HALL_WINDOW,
      applicantId: 'applicant-crafted',
      registeredAt,
      acceptanceLimit: { amount: 4, unit: WORKING_HOURS },
    }),
  );
}
const registrationIdOf = (envelope: ReturnType<typeof registered>) =>
  (envelope.data as { registrationId: string }).registrationId;

async function registrationClock(registrationId: string): Promise<timingV1.Clock> {
  const reader = await under.client('700GLB03');
  let clock: timingV1.Clock | undefined;
  await waitFor(
    async () => {
      [clock] = (await callUnary(reader, 'getCaseClocks', { caseId: '', registrationId })).clocks;
      return clock !== undefined;
    },
    { timeoutMs: 15_000, intervalMs: 50, what: `the clock of registration ${registrationId}` },
  );
  return clock!;
}

const eventsOfType = async <T extends TimingEvent['type']>(type: T, caseId?: string) =>
  (await under.events(caseId)).filter((e): e is Extract<TimingEvent, { type: T }> => e.type === type);

async function breachesOf(caseId: string, employeeNo = '700GLB03'): Promise<timingV1.RuleBreach[]> {
  const answer = await callUnary(
    await under.client(employeeNo),
    'listRuleBreaches',
    timingV1.ListRuleBreachesRequest.fromPartial({ hallId: shortcuts.city(), caseId }),
  );
  return answer.breaches;
}

async function breachesUntil(caseId: string, n: number): Promise<timingV1.RuleBreach[]> {
  let found: timingV1.RuleBreach[] = [];
  await waitFor(async () => (found = await breachesOf(caseId)).length >= n, {
    timeoutMs: 15_000,
    intervalMs: 50,
    what: `${n} breach(es) of case ${caseId}`,
  });
  return found;
}

// ---- the tests -----------------------------------------------------------------------------------------------

describe('supervision', () => {
  it('keeps a hall’s rules as data: Wuhu’s by default, a Xi’an pre-warning and a warning to applicants once set', async () => {
    const city = shortcuts.city();
    const supervisor = await under.client('700GLB03');
    const { rules: defaults } = await callUnary(supervisor, 'getHallRules', { hallId: city });
    expect(defaults).toEqual({
      hallId: city,
      ladder: {
        preDue: [{ level: L.ALERT_LEVEL_REMINDER, percentOfBudget: 80, workingHoursBeforeDue: 0, clockKinds: [] }],
        remindAtDue: true,
        cardClockKinds: ALL_KINDS,
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
      acceptanceLimit: { amount: 4, unit: WORKING_HOURS },
      version: 0,
      updatedByStaffId: '',
    });

    const xian: timingV1.AlertLadder = {
      ...defaults!.ladder!,
      preDue: [
        ...defaults!.ladder!.preDue,
        { level: L.ALERT_LEVEL_PRE_WARNING, percentOfBudget: 0, workingHoursBeforeDue: 4, clockKinds: [] },
        {
          level: L.ALERT_LEVEL_APPLICANT_WARNING,
          percentOfBudget: 50,
          workingHoursBeforeDue: 0,
          clockKinds: [K.CLOCK_KIND_PROMISED],
        },
      ],
    };
    const setRequest = (ladder: timingV1.AlertLadder, expectedVersion: number) =>
      timingV1.SetHallRulesRequest.fromPartial({
        requestId: rid('rules'),
        hallId: city,
        ladder,
        rules: defaults!.rules!,
        acceptanceLimit: defaults!.acceptanceLimit!,
        expectedVersion,
      });
    const send = async (request: timingV1.SetHallRulesRequest, employeeNo = '700GLB03') =>
      callUnary(await under.client(employeeNo), 'setHallRules', request);
    const set = (ladder: timingV1.AlertLadder, expectedVersion: number, employeeNo = '700GLB03') =>
      send(setRequest(ladder, expectedVersion), employeeNo);
    const first = setRequest(xian, 0);
    const { rules: changed } = await send(first);
    expect(changed).toMatchObject({
      ladder: xian,
      version: 1,
      updatedByStaffId: staff('700GLB03'),
      updatedAt: at('2026-10-12T09:30:00'),
    });
    expect((await callUnary(supervisor, 'getHallRules', { hallId: city })).rules?.version).toBe(1);
    // Somebody else's change was read as version 0: refused, not overwritten.
    await refused(set({ ...xian, redAfterWorkingDays: 2 }, 0), grpc.status.FAILED_PRECONDITION, 'version 1');
    await invalid(set({ ...xian, redAfterWorkingDays: 0.3 }, 1), 'ladder.red_after_working_days');
    await refused(set(xian, 1, '700SCJG01'), grpc.status.PERMISSION_DENIED);
    expect((await callUnary(supervisor, 'getHallRules', { hallId: city })).rules?.ladder).toEqual(xian);

    try {
      // A case opened after the change: its review stage (20 working hours, due Wednesday 17:30) pre-warns 4
      // working hours before due, at 11:30; its promised clock (41 working hours, due Monday 19 October 17:30)
      // warns the applicant at half of it: Thursday 09:00.
      const { caseId, applicantId } = await openFood();
      const warningsOf = (batch: Awaited<ReturnType<TimingUnderTest['fire']>>, level: timingV1.AlertLevel) =>
        batch.warnings.filter((w) => w.clock?.caseId === caseId && w.level === level);
      under.clock.set(at('2026-10-14T11:29:59'));
      expect(warningsOf(await under.fire(), L.ALERT_LEVEL_PRE_WARNING)).toEqual([]);
      under.clock.set(at('2026-10-14T11:30:00'));
      const atPreWarning = await under.fire();
      const shown = (w: Awaited<ReturnType<TimingUnderTest['fire']>>['warnings'][number]) => ({
        kind: w.clock?.kind,
        stage: w.clock?.stage,
        recipients: w.recipients,
        remainingWorkingMs: w.remainingWorkingMs,
      });
      expect(warningsOf(atPreWarning, L.ALERT_LEVEL_PRE_WARNING).map(shown)).toEqual([
        {
          kind: K.CLOCK_KIND_STAGE,
          stage: P.PROCESS_STAGE_REVIEW,
          recipients: [
            { role: R.RECIPIENT_ROLE_CHIEF_REPRESENTATIVE, staffId: staff('700SCJG05'), applicantId: '' },
            { role: R.RECIPIENT_ROLE_DEPUTY_LEADER, staffId: staff('700SCJG06'), applicantId: '' },
          ],
          remainingWorkingMs: 4 * HOUR,
        },
      ]);
      // Wuhu's 80 % reminder stays (80 % of 20 h is the same instant here).
      expect(warningsOf(atPreWarning, L.ALERT_LEVEL_REMINDER)).toHaveLength(1);

      under.clock.set(at('2026-10-15T08:59:59'));
      expect(warningsOf(await under.fire(), L.ALERT_LEVEL_APPLICANT_WARNING)).toEqual([]);
      under.clock.set(at('2026-10-15T09:00:00'));
      expect(warningsOf(await under.fire(), L.ALERT_LEVEL_APPLICANT_WARNING).map(shown)).toEqual([
        {
          kind: K.CLOCK_KIND_PROMISED,
          stage: P.PROCESS_STAGE_UNSPECIFIED,
          recipients: [{ role: R.RECIPIENT_ROLE_APPLICANT, staffId: '', applicantId }],
          remainingWorkingMs: 20.5 * HOUR,
        },
      ]);

      // On the stream: the pre-warning and the applicant warning, once each.
      let warnings: Extract<TimingEvent, { type: 'timing.warning.issued' }>[] = [];
      await waitFor(
        async () =>
          (warnings = (await eventsOfType('timing.warning.issued', caseId)).filter(
            (e) => e.data.level !== L.ALERT_LEVEL_REMINDER,
          )).length >= 2,
        { timeoutMs: 10_000, what: 'the pre-warning and the applicant warning on the stream' },
      );
      expect(warnings.map((e) => [e.data.level, e.data.recipients.map((r) => r.staffId || r.applicantId)])).toEqual([
        [L.ALERT_LEVEL_PRE_WARNING, [staff('700SCJG05'), staff('700SCJG06')]],
        [L.ALERT_LEVEL_APPLICANT_WARNING, [applicantId]],
      ]);
    } finally {
      // Back to Wuhu's ladder for the rest of the file.
      const { rules: restored } = await set(defaults!.ladder!, 1);
      expect(restored).toMatchObject({ ladder: defaults!.ladder, version: 2 });
      // A retry of the first change answers what it answered then, and changes nothing: not even what this
      // replica keeps of the rules.
      expect((await send(first)).rules).toEqual(changed);
      expect((await callUnary(supervisor, 'getHallRules', { hallId: city })).rules).toMatchObject({
        ladder: defaults!.ladder,
        version: 2,
      });
    }
  }, 60_000);

  it('lets the department contest a card and the supervisor uphold or cancel it, keeping every step of its history', async () => {
    const { caseId } = await openFood();
    // A registration at the housing bureau's window, never accepted: its acceptance clock runs overdue too.
    const zjj = under.cases.demo.departments['city/ZJJ']!;
    const elsewhere = registered(at('2026-10-12T09:30:00'), zjj);
    await under.publish(elsewhere);
    const zjjClock = await registrationClock(registrationIdOf(elsewhere));

    under.clock.set(at('2026-10-14T17:31:00'));
    const { cards } = await under.fire();
    const yellow = cards.find(
      (c) => c.caseId === caseId && c.clockKind === K.CLOCK_KIND_STAGE && c.level === L.ALERT_LEVEL_YELLOW_CARD,
    )!;
    const other = cards.find((c) => c.clockId === zjjClock.id && c.level === L.ALERT_LEVEL_YELLOW_CARD)!;
    expect(yellow).toMatchObject({
      status: C.CARD_STATUS_ISSUED,
      departmentId: shortcuts.scjg(),
      stage: P.PROCESS_STAGE_REVIEW,
    });
    expect(other).toMatchObject({ status: C.CARD_STATUS_ISSUED, departmentId: zjj });

    const contest = (employeeNo: string, cardId: string, reason: string) =>
      under
        .client(employeeNo)
        .then((client) => callUnary(client, 'contestCard', { requestId: rid('contest'), cardId, reason }));
    const review = (employeeNo: string, cardId: string, outcome: timingV1.CardReviewOutcome, reason: string) =>
      under
        .client(employeeNo)
        .then((client) => callUnary(client, 'reviewCard', { requestId: rid('review'), cardId, outcome, reason }));
    const O = timingV1.CardReviewOutcome;

    // Only the card's department contests it.
    await refused(contest('700ZJJ01', yellow.id, '不是本部门的卡'), grpc.status.PERMISSION_DENIED, 'department');
    // Within the department, its leaders and chief representative answer for a card, not a clerk.
    await refused(contest('700SCJG01', yellow.id, '我来申诉'), grpc.status.PERMISSION_DENIED, 'chief representative');
    under.clock.set(at('2026-10-14T17:40:00'));
    const contestReason = '现场核查期间未启动特别程序，系操作失误';
    const { card: contested } = await contest('700SCJG06', yellow.id, contestReason);
    expect(contested?.status).toBe(C.CARD_STATUS_CONTESTED);
    // A clerk is no supervisor: may not review.
    await refused(review('700SCJG01', yellow.id, O.CARD_REVIEW_OUTCOME_CANCEL, '撤销'), grpc.status.PERMISSION_DENIED);
    under.clock.set(at('2026-10-15T09:00:00'));
    const upholdReason = '特别程序应由承办人在系统中启动，黄牌维持';
    const { card: upheld } = await review('700GLB03', yellow.id, O.CARD_REVIEW_OUTCOME_UPHOLD, upholdReason);
    expect(upheld?.status).toBe(C.CARD_STATUS_UPHELD);
    expect(upheld?.history).toEqual([
      { status: C.CARD_STATUS_ISSUED, staffId: 'system', reason: '', at: at('2026-10-14T17:31:00') },
      {
        status: C.CARD_STATUS_CONTESTED,
        staffId: staff('700SCJG06'),
        reason: contestReason,
        at: at('2026-10-14T17:40:00'),
      },
      { status: C.CARD_STATUS_UPHELD, staffId: staff('700GLB03'), reason: upholdReason, at: at('2026-10-15T09:00:00') },
    ]);

    // The other card: contested by its own department, cancelled by the supervisor.
    const zjjReason = '系统切换期间登记，窗口未能及时受理';
    await contest('700ZJJ06', other.id, zjjReason);
    const cancelReason = '经核实为系统切换所致，撤销黄牌';
    const { card: cancelled } = await review('700GLB03', other.id, O.CARD_REVIEW_OUTCOME_CANCEL, cancelReason);
    expect(cancelled?.status).toBe(C.CARD_STATUS_CANCELLED);
    const { card: stored } = await callUnary(await under.client('700GLB03'), 'getCard', { cardId: other.id });
    expect(stored?.history.map((h) => [h.status, h.staffId, h.reason])).toEqual([
      [C.CARD_STATUS_ISSUED, 'system', ''],
      [C.CARD_STATUS_CONTESTED, staff('700ZJJ06'), zjjReason],
      [C.CARD_STATUS_CANCELLED, staff('700GLB03'), cancelReason],
    ]);
    await refused(
      review('700GLB03', other.id, O.CARD_REVIEW_OUTCOME_CANCEL, '再次撤销'),
      grpc.status.FAILED_PRECONDITION,
    );
    let cancelledEvents: Extract<TimingEvent, { type: 'timing.card.cancelled' }>[] = [];
    await waitFor(
      async () =>
        (cancelledEvents = (await eventsOfType('timing.card.cancelled')).filter((e) => e.data.card?.id === other.id))
          .length > 0,
      { timeoutMs: 10_000, what: 'timing.card.cancelled' },
    );
    expect(cancelledEvents).toHaveLength(1);
    expect(cancelledEvents[0]!.data.card?.history.at(-1)).toMatchObject({
      staffId: staff('700GLB03'),
      reason: cancelReason,
    });

    // The archive: a department's clerk sees the department's cards, the supervisor the hall's.
    const list = async (employeeNo: string) =>
      (
        await callUnary(
          await under.client(employeeNo),
          'listCards',
          timingV1.ListCardsRequest.fromPartial({ hallId: shortcuts.city(), pageSize: 200 }),
        )
      ).cards;
    const mine = await list('700SCJG01');
    expect(mine.map((c) => c.id)).toContain(yellow.id);
    expect(mine.map((c) => c.id)).not.toContain(other.id);
    expect(new Set(mine.map((c) => c.departmentId))).toEqual(new Set([shortcuts.scjg()]));
    const hall = await list('700GLB03');
    expect(hall.map((c) => c.id)).toEqual(expect.arrayContaining([yellow.id, other.id]));
    expect(new Set(hall.map((c) => c.departmentId))).toEqual(new Set([shortcuts.scjg(), zjj]));
    await refused(
      callUnary(
        await under.client('700SCJG01'),
        'listCards',
        timingV1.ListCardsRequest.fromPartial({ hallId: shortcuts.city(), departmentId: zjj }),
      ),
      grpc.status.PERMISSION_DENIED,
    );

    // 监察大屏: running clocks past due, most overdue first.
    const { clocks: overdue } = await callUnary(
      await under.client('700GLB03'),
      'listOverdue',
      timingV1.ListOverdueRequest.fromPartial({ hallId: shortcuts.city(), pageSize: 200 }),
    );
    const ids = overdue.map((c) => c.id);
    const review2 = (await under.clocksOf(caseId)).find((c) => c.kind === K.CLOCK_KIND_STAGE)!;
    expect(ids).toEqual(expect.arrayContaining([zjjClock.id, review2.id]));
    // Due Monday 15:30 before due Wednesday 17:30.
    expect(ids.indexOf(zjjClock.id)).toBeLessThan(ids.indexOf(review2.id));
    const dues = overdue.map((c) => c.dueAt!.getTime());
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    for (const c of overdue) {
      expect(c.status).toBe(timingV1.ClockStatus.CLOCK_STATUS_RUNNING);
      expect(c.dueAt!.getTime()).toBeLessThan(at('2026-10-15T09:00:00').getTime());
      expect(c.remainingWorkingMs).toBeLessThan(0);
    }
    const remaining = overdue.map((c) => c.remainingWorkingMs);
    expect(remaining).toEqual([...remaining].sort((a, b) => a - b));
  }, 60_000);

  it('cancels a card by itself when the stage’s completion, before due, arrives after the card', async () => {
    // 审核 entered Tuesday 09:00 with 2 working hours: due 11:00. The completion at 10:45 reaches timing only
    // after the yellow card fired at 11:00:00.001.
    const crafted = craftedCase();
    under.clock.set(at('2026-10-13T09:00:00'));
    await under.publish(crafted.entered(2, P.PROCESS_STAGE_REVIEW, at('2026-10-13T09:00:00'), 2));
    const [clock] = await under.clocksOf(crafted.caseId);
    expect(clock).toMatchObject({ kind: K.CLOCK_KIND_STAGE, dueAt: at('2026-10-13T11:00:00') });
    under.clock.set(new Date(at('2026-10-13T11:00:00').getTime() + 1));
    const card = (await under.fire()).cards.find((c) => c.caseId === crafted.caseId)!;
    expect(card).toMatchObject({ level: L.ALERT_LEVEL_YELLOW_CARD, status: C.CARD_STATUS_ISSUED });

    under.clock.set(at('2026-10-13T11:05:00'));
    await under.publish(crafted.completed(2, P.PROCESS_STAGE_REVIEW, at('2026-10-13T10:45:00')));
    const supervisor = await under.client('700GLB03');
    let current: timingV1.Card | undefined;
    await waitFor(
      async () =>
        (current = (await callUnary(supervisor, 'getCard', { cardId: card.id })).card)?.status ===
        C.CARD_STATUS_CANCELLED,
      { timeoutMs: 15_000, intervalMs: 50, what: 'the card cancelled' },
    );
    expect(current!.history.at(-1)).toMatchObject({
      status: C.CARD_STATUS_CANCELLED,
      staffId: 'system',
      at: at('2026-10-13T11:05:00'),
    });
    expect(current!.history.at(-1)?.reason).toContain('早于到期时间');
    const [stopped] = await under.clocksOf(crafted.caseId, (clocks) =>
      clocks.every((c) => c.status === timingV1.ClockStatus.CLOCK_STATUS_STOPPED),
    );
    expect(stopped).toMatchObject({ stoppedAt: at('2026-10-13T10:45:00'), overdue: false });
    let cancelled: Extract<TimingEvent, { type: 'timing.card.cancelled' }>[] = [];
    await waitFor(async () => (cancelled = await eventsOfType('timing.card.cancelled', crafted.caseId)).length > 0, {
      timeoutMs: 10_000,
      what: 'timing.card.cancelled',
    });
    expect(cancelled.map((e) => e.data.card?.id)).toEqual([card.id]);
  }, 60_000);

  it('finds the broken flows: a stage skipped or left after a send-back, a refusal without reason, 容缺 overdue, 初审 late; each once', async () => {
    under.clock.set(at('2026-10-13T09:00:00'));
    const t = (hm: string) => at(`2026-10-13T${hm}:00`);

    // 审核 skipped.
    const skipped = craftedCase();
    // Sent back from 审批 to 审核, and 审核 entered again: legitimate.
    const sentBack = craftedCase();
    // Sent back to 审核, but 审批 entered instead.
    const strayed = craftedCase();
    // 不予许可 without a written reason; its event delivered again, and copied under a new id.
    const refusal = craftedCase();
    // 初审 (district pre-review) handed up after its 2 working hours.
    const late = craftedCase([P.PROCESS_STAGE_ACCEPT, P.PROCESS_STAGE_PRE_REVIEW, P.PROCESS_STAGE_APPROVE]);

    const decided = refusal.refused(t('10:00'), '');
    const events = [
      skipped.opened(t('09:00')),
      skipped.completed(1, P.PROCESS_STAGE_ACCEPT, t('09:00')),
      skipped.entered(2, P.PROCESS_STAGE_APPROVE, t('09:00')),
      sentBack.opened(t('09:00')),
      sentBack.completed(1, P.PROCESS_STAGE_ACCEPT, t('09:00')),
      sentBack.entered(2, P.PROCESS_STAGE_REVIEW, t('09:00'), 7),
      sentBack.completed(2, P.PROCESS_STAGE_REVIEW, t('09:30')),
      sentBack.entered(3, P.PROCESS_STAGE_APPROVE, t('09:30'), 7),
      sentBack.completed(3, P.PROCESS_STAGE_APPROVE, t('10:00'), P.PROCESS_STAGE_REVIEW),
      sentBack.entered(4, P.PROCESS_STAGE_REVIEW, t('10:00'), 7),
      strayed.opened(t('09:00')),
      strayed.completed(1, P.PROCESS_STAGE_ACCEPT, t('09:00')),
      strayed.entered(2, P.PROCESS_STAGE_REVIEW, t('09:00')),
      strayed.completed(2, P.PROCESS_STAGE_REVIEW, t('09:30')),
      strayed.entered(3, P.PROCESS_STAGE_APPROVE, t('09:30')),
      strayed.completed(3, P.PROCESS_STAGE_APPROVE, t('10:00'), P.PROCESS_STAGE_REVIEW),
      strayed.entered(4, P.PROCESS_STAGE_APPROVE, t('10:00')),
      decided,
    ];
    for (const event of events) await under.publish(event);
    expect((await under.publish(decided)).duplicate).toBe(true);
    await under.publish({ ...decided, id: uuidV7Ids.next() });
    // Last on the stream, so once it is found everything before it was handled (one consumer, in order).
    await under.publish(late.opened(t('09:00')));
    await under.publish(late.completed(1, P.PROCESS_STAGE_ACCEPT, t('09:00')));
    await under.publish(late.entered(2, P.PROCESS_STAGE_PRE_REVIEW, t('09:00'), 2));
    await under.publish(late.completed(2, P.PROCESS_STAGE_PRE_REVIEW, t('14:30')));

    // 容缺 materials overdue (intake's stream), also copied under a new id; a registration after it as a barrier.
    const missing = under.factory.create(
      IntakeEvents.missingMaterialsOverdue,
      intakeEventsV1.MissingMaterialsOverdue.fromPartial({
        caseId: refusal.caseId,
        caseNumber: '370700202690001',
        registrationId: uuidV7Ids.next(),
        hallId: shortcuts.city(),
        departmentId: shortcuts.scjg(),
        materialCodes: ['M07'],
        supplementDueAt: at('2026-10-12T17:30:00'),
        applicantId: 'applicant-crafted',
      }),
      { caseId: refusal.caseId },
    );
    await under.publish(missing);
    await under.publish({ ...missing, id: uuidV7Ids.next() });
    const barrier = registered(t('09:00'), shortcuts.scjg());
    await under.publish(barrier);

    const [preReview] = await breachesUntil(late.caseId, 1);
    expect(preReview).toMatchObject({
      rule: Rule.SUPERVISION_RULE_PRE_REVIEW_LATE,
      stage: P.PROCESS_STAGE_PRE_REVIEW,
      departmentId: shortcuts.scjg(),
      detectedAt: t('14:30'),
      detail: `初审逾期上报：应于 ${t('11:00').toISOString()} 前完成，实际 ${t('14:30').toISOString()}`,
    });
    await registrationClock(registrationIdOf(barrier));

    expect(await breachesOf(skipped.caseId)).toEqual([
      expect.objectContaining({
        rule: Rule.SUPERVISION_RULE_STAGE_ORDER,
        stage: P.PROCESS_STAGE_APPROVE,
        detail: '跳过环节：审核',
        detectedAt: t('09:00'),
      }),
    ]);
    expect(await breachesOf(sentBack.caseId)).toEqual([]);
    expect((await under.clocksOf(sentBack.caseId)).map((c) => c.stageSeq)).toEqual([2, 3, 4]);
    expect(await breachesOf(strayed.caseId)).toEqual([
      expect.objectContaining({ rule: Rule.SUPERVISION_RULE_STAGE_ORDER, detail: '退回至审核，却进入审批' }),
    ]);
    const refusalBreaches = await breachesOf(refusal.caseId);
    expect(refusalBreaches.map((b) => b.rule).sort()).toEqual(
      [Rule.SUPERVISION_RULE_REFUSAL_WITHOUT_REASON, Rule.SUPERVISION_RULE_MISSING_MATERIAL_OVERDUE].sort(),
    );
    expect(refusalBreaches.find((b) => b.rule === Rule.SUPERVISION_RULE_REFUSAL_WITHOUT_REASON)).toMatchObject({
      detail: '不予许可决定未说明理由（行政许可法第三十八条）',
      detectedAt: t('10:00'),
    });
    expect(refusalBreaches.find((b) => b.rule === Rule.SUPERVISION_RULE_MISSING_MATERIAL_OVERDUE)?.detail).toBe(
      `容缺材料逾期未补齐：M07（应于 ${at('2026-10-12T17:30:00').toISOString()} 前补齐）`,
    );

    // Filtered by rule; and on the stream, one event per finding however often its event came.
    const byRule = await callUnary(
      await under.client('700GLB03'),
      'listRuleBreaches',
      timingV1.ListRuleBreachesRequest.fromPartial({
        hallId: shortcuts.city(),
        rule: Rule.SUPERVISION_RULE_STAGE_ORDER,
      }),
    );
    expect(byRule.breaches.map((b) => b.caseId)).toEqual(expect.arrayContaining([skipped.caseId, strayed.caseId]));
    expect(new Set(byRule.breaches.map((b) => b.rule))).toEqual(new Set([Rule.SUPERVISION_RULE_STAGE_ORDER]));
    const caseIds = [skipped.caseId, sentBack.caseId, strayed.caseId, refusal.caseId, late.caseId];
    let breached: Extract<TimingEvent, { type: 'timing.rule.breached' }>[] = [];
    await waitFor(
      async () =>
        (breached = (await eventsOfType('timing.rule.breached')).filter((e) => caseIds.includes(e.data.breach!.caseId)))
          .length >= 5,
      { timeoutMs: 10_000, what: 'five timing.rule.breached' },
    );
    expect(breached.map((e) => `${e.data.breach!.caseId}:${e.data.breach!.rule}`).sort()).toEqual(
      [
        `${skipped.caseId}:${Rule.SUPERVISION_RULE_STAGE_ORDER}`,
        `${strayed.caseId}:${Rule.SUPERVISION_RULE_STAGE_ORDER}`,
        `${refusal.caseId}:${Rule.SUPERVISION_RULE_REFUSAL_WITHOUT_REASON}`,
        `${refusal.caseId}:${Rule.SUPERVISION_RULE_MISSING_MATERIAL_OVERDUE}`,
        `${late.caseId}:${Rule.SUPERVISION_RULE_PRE_REVIEW_LATE}`,
      ].sort(),
    );
  }, 60_000);
});
