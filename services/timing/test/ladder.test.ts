// The ladder end to end: intake registers and accepts, the case service moves the case, timing builds clocks from
// their events (real PostgreSQL and nats-server) and fires on a fake clock. Accepted Monday 12 October 2026 09:30
// (食品经营许可: review 2 working days, promised 5, statutory 20).
import { caseV1, catalogueItemsV1, timingV1 } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import { FOOD, WINDOW_DELIVERY, at, cityShortcuts } from '../../case/test/case-test-helpers';
import { startTimingForTest, type TimingUnderTest } from './start-for-test';

const K = timingV1.ClockKind;
const L = timingV1.AlertLevel;
const R = timingV1.RecipientRole;
const P = catalogueItemsV1.ProcessStage;

let under: TimingUnderTest;
beforeAll(async () => {
  under = await startTimingForTest();
}, 120_000);
afterAll(async () => {
  await under?.stop();
});

const shortcuts = cityShortcuts(() => under.cases);
const clockOf = (clocks: timingV1.Clock[], kind: timingV1.ClockKind, stage?: catalogueItemsV1.ProcessStage) =>
  clocks.find((c) => c.kind === kind && (stage === undefined || c.stage === stage));

async function openFood(): Promise<string> {
  under.clock.set(at('2026-10-12T09:30:00'));
  const opened = await under.cases.openCase(FOOD);
  // The case's clocks: promised, statutory, the review stage (and acceptance, once intake's event is in).
  await under.clocksOf(opened.caseId, (clocks) =>
    [K.CLOCK_KIND_PROMISED, K.CLOCK_KIND_STATUTORY, K.CLOCK_KIND_STAGE].every((kind) => clockOf(clocks, kind)),
  );
  return opened.caseId;
}

describe('the alert ladder on a real case', () => {
  it('builds the case’s clocks from its events, each with its budget and due instant in the hall’s working time', async () => {
    const caseId = await openFood();
    const clocks = await under.clocksOf(caseId);
    expect(clockOf(clocks, K.CLOCK_KIND_STAGE, P.PROCESS_STAGE_REVIEW)).toMatchObject({
      status: timingV1.ClockStatus.CLOCK_STATUS_RUNNING,
      dueAt: at('2026-10-14T17:30:00'),
      departmentId: shortcuts.scjg(),
      // 2.5 + 3.5 h on Monday from 09:30, 7 h on Tuesday and Wednesday: 20 working hours.
      remainingWorkingMs: 20 * 3_600_000,
    });
    expect(clockOf(clocks, K.CLOCK_KIND_PROMISED)?.dueAt).toEqual(at('2026-10-19T17:30:00'));
    expect(clockOf(clocks, K.CLOCK_KIND_STATUTORY)?.dueAt).toEqual(at('2026-11-09T17:30:00'));
  });

  it('sends 催办 to the handler at 80%, a yellow card to the deputy leader after due, a red one to the principal leader a working day later', async () => {
    const caseId = await openFood();
    await under.cases.act('700SCJG02', { caseId, take: { subtaskCode: '' } });
    await under.clocksOf(
      caseId,
      (clocks) => clockOf(clocks, K.CLOCK_KIND_STAGE)?.handlerStaffId === shortcuts.staff('700SCJG02'),
    );

    // 80% of 20 working hours = 16 h: Monday 6 h, Tuesday 7 h, Wednesday 3 h → 11:30.
    under.clock.set(at('2026-10-14T11:29:59'));
    expect((await under.fire()).alerts).toHaveLength(0);
    under.clock.set(at('2026-10-14T11:30:00'));
    const reminder = await under.fire();
    const mine = reminder.warnings.filter((w) => w.clock?.caseId === caseId);
    expect(mine).toEqual([
      expect.objectContaining({
        level: L.ALERT_LEVEL_REMINDER,
        recipients: [{ role: R.RECIPIENT_ROLE_HANDLER, staffId: shortcuts.staff('700SCJG02'), applicantId: '' }],
        remainingWorkingMs: 4 * 3_600_000,
      }),
    ]);

    under.clock.set(at('2026-10-14T17:31:00'));
    const yellow = (await under.fire()).cards.filter((c) => c.caseId === caseId);
    expect(yellow).toEqual([
      expect.objectContaining({
        level: L.ALERT_LEVEL_YELLOW_CARD,
        scope: timingV1.CardScope.CARD_SCOPE_STAGE,
        stage: P.PROCESS_STAGE_REVIEW,
        departmentId: shortcuts.scjg(),
        handlerStaffId: shortcuts.staff('700SCJG02'),
        dueAt: at('2026-10-14T17:30:00'),
      }),
    ]);
    expect(yellow[0]!.recipients).toContainEqual({
      role: R.RECIPIENT_ROLE_DEPUTY_LEADER,
      staffId: shortcuts.staff('700SCJG06'),
      applicantId: '',
    });

    // Thursday 17:29: still yellow only; Thursday 17:30, one working day after due: red.
    under.clock.set(at('2026-10-15T17:29:00'));
    expect((await under.fire()).cards.filter((c) => c.caseId === caseId)).toEqual([]);
    under.clock.set(at('2026-10-15T17:30:00'));
    const red = (await under.fire()).cards.filter((c) => c.caseId === caseId);
    expect(red).toEqual([
      expect.objectContaining({
        level: L.ALERT_LEVEL_RED_CARD,
        overdueWorkingMs: 7 * 3_600_000,
      }),
    ]);
    expect(red[0]!.recipients).toContainEqual({
      role: R.RECIPIENT_ROLE_PRINCIPAL_LEADER,
      staffId: shortcuts.staff('700SCJG07'),
      applicantId: '',
    });

    // The cards are on the stream, once each; the archive lists them for the supervisor.
    await waitFor(
      async () => (await under.events(caseId)).filter((e) => e.type.startsWith('timing.card.')).length === 2,
      { timeoutMs: 10_000, what: 'two card events' },
    );
    const events = await under.events(caseId);
    expect(events.map((e) => e.type).filter((t) => t.startsWith('timing.card.'))).toEqual([
      'timing.card.yellow',
      'timing.card.red',
    ]);
    const archive = await callUnary(await under.client('700GLB03'), 'listCards', {
      ...timingV1.ListCardsRequest.fromPartial({ hallId: shortcuts.city(), caseId }),
    });
    expect(archive.cards.map((c) => c.level)).toEqual([L.ALERT_LEVEL_RED_CARD, L.ALERT_LEVEL_YELLOW_CARD]);
    // Firing again changes nothing.
    expect((await under.fire()).cards.filter((c) => c.caseId === caseId)).toEqual([]);
  });

  it('gives no card to a case completed on time, however late the clock is looked at', async () => {
    const caseId = await openFood();
    await under.cases.act('700SCJG02', { caseId, review: { opinion: '材料齐全', attachments: [] } });
    await shortcuts.approve('700SCJG04', caseId);
    await under.cases.act('700SCJG01', {
      caseId,
      issue: caseV1.IssueAction.fromPartial({ certificateNumber: 'JY13707020000777' }),
    });
    await under.cases.act('700SCJG01', { caseId, deliver: WINDOW_DELIVERY });
    await under.cases.act('700SCJG01', { caseId, complete: { note: '已领取' } });
    const stopped = await under.clocksOf(caseId, (clocks) =>
      clocks.every((c) => c.status === timingV1.ClockStatus.CLOCK_STATUS_STOPPED),
    );
    expect(stopped.map((c) => c.overdue)).not.toContain(true);
    under.clock.set(at('2026-12-31T17:00:00'));
    await under.fire();
    const events = await under.events(caseId);
    expect(events.filter((e) => e.type.startsWith('timing.card.'))).toEqual([]);
  });

  it('stands still during a special procedure and resumes moved by the working time it took', async () => {
    const caseId = await openFood();
    await under.cases.act('700SCJG02', { caseId, take: { subtaskCode: '' } });
    under.clock.set(at('2026-10-13T14:00:00'));
    const started = await under.cases.act('700SCJG02', {
      caseId,
      startSpecialProcedure: {
        kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_INSPECTION,
        reason: '现场核查经营场所',
      },
    });
    const procedureId = started.case!.specialProcedures[0]!.id;
    await under.clocksOf(
      caseId,
      (clocks) => clocks.filter((c) => c.status === timingV1.ClockStatus.CLOCK_STATUS_PAUSED).length === 3,
    );
    // Nothing fires while paused, even past the old due instant.
    under.clock.set(at('2026-10-14T14:00:00'));
    expect((await under.fire()).alerts).toEqual([]);
    await under.cases.act('700SCJG02', {
      caseId,
      endSpecialProcedure: { procedureId, resultNote: '核查合格' },
    });
    // Paused Tuesday 14:00–17:30 and Wednesday 08:30–12:00: 7 working hours; review due Thursday 17:30.
    // The acceptance clock stopped at acceptance; the other three run again.
    const resumed = await under.clocksOf(
      caseId,
      (clocks) => clocks.filter((c) => c.status === timingV1.ClockStatus.CLOCK_STATUS_RUNNING).length === 3,
    );
    const review = clockOf(resumed, K.CLOCK_KIND_STAGE, P.PROCESS_STAGE_REVIEW)!;
    expect(review).toMatchObject({ dueAt: at('2026-10-15T17:30:00'), pausedWorkingMs: 7 * 3_600_000 });
    // The case service moved its own deadline the same way.
    const { case: c } = await under.cases.getCase('700SCJG02', caseId);
    expect(c?.stages[1]?.dueAt).toEqual(review.dueAt);
    expect(clockOf(resumed, K.CLOCK_KIND_PROMISED)?.dueAt).toEqual(c?.promisedAt);
  });

  it('moves the promised and statutory clocks by an approved extension (延期), as the case service moves its limit', async () => {
    const caseId = await openFood();
    await under.cases.act('700SCJG06', {
      caseId,
      extend: {
        amount: { amount: 2, unit: catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_DAYS },
        reason: '需补充现场核查',
      },
    });
    // Promised Monday 19 October 17:30 + 2 working days → Wednesday 21 October; statutory 9 → 11 November.
    const moved = await under.clocksOf(
      caseId,
      (clocks) => clockOf(clocks, K.CLOCK_KIND_PROMISED)?.dueAt?.getTime() === at('2026-10-21T17:30:00').getTime(),
    );
    expect(clockOf(moved, K.CLOCK_KIND_STATUTORY)?.dueAt).toEqual(at('2026-11-11T17:30:00'));
    const { case: c } = await under.cases.getCase('700SCJG02', caseId);
    expect(c?.promisedAt).toEqual(clockOf(moved, K.CLOCK_KIND_PROMISED)?.dueAt);
  });
});
