// 收费监察: the fee service's `fee.line.above_standard` on the region's FEE stream becomes a rule breach. No fee
// service runs here: the events are crafted as it stamps them and published onto its stream, which timing created
// at start (no fee service had). A real case (食品经营许可, at 审核) places the finding in its stage.
import { FeeEvents, catalogueItemsV1, feeEventsV1, feeV1, timingV1 } from '@govhall/contracts';
import { JetStreamBus, callUnary, streamFor, uuidV7Ids, type EventEnvelope } from '@govhall/kit';
import { sharedNatsUrl, waitFor } from '@govhall/testing';
import { FOOD, at, cityShortcuts } from '../../case/test/case-test-helpers';
import { startTimingForTest, type TimingEvent, type TimingUnderTest } from './start-for-test';

const Rule = timingV1.SupervisionRule;
const P = catalogueItemsV1.ProcessStage;

let under: TimingUnderTest;
let bus: JetStreamBus;
beforeAll(async () => {
  under = await startTimingForTest();
  bus = await JetStreamBus.connect({ servers: sharedNatsUrl(), name: 'timing-fee-test' });
  // What the fee service does at its start; timing's start already made the stream, so this changes nothing.
  await bus.ensureStream(streamFor('fee', under.region));
}, 120_000);
afterAll(async () => {
  await bus?.close();
  await under?.stop();
});

const shortcuts = cityShortcuts(() => under.cases);
let serial = 0;

/** A line above standard as the fee service publishes it when a department confirms its part of a bill. */
function lineAboveStandard(
  over: { hallId?: string; caseId?: string; caseNumber?: string; line?: Partial<feeV1.BillLine> } = {},
): EventEnvelope {
  const caseId = over.caseId ?? uuidV7Ids.next();
  const billNumber = `FJ2026${String(++serial).padStart(6, '0')}`;
  return under.factory.create(
    FeeEvents.lineAboveStandard,
    feeEventsV1.LineAboveStandard.fromPartial({
      billId: `bill-${caseId}`,
      billNumber,
      hallId: over.hallId ?? shortcuts.city(),
      caseId,
      caseNumber: over.caseNumber ?? `3707002026${String(80000 + serial)}`,
      departmentId: shortcuts.scjg(),
      staffId: shortcuts.staff('700SCJG04'),
      line: feeV1.BillLine.fromPartial({
        id: `line-${serial}`,
        caseId,
        departmentId: shortcuts.scjg(),
        feeCode: 'F-CSJS',
        name: '城市基础设施配套费',
        kind: feeV1.FeeStandardKind.FEE_STANDARD_KIND_FIXED,
        standardFen: 9000,
        chargedFen: 12000,
        aboveStandard: true,
        ...over.line,
      }),
    }),
    { caseId },
  );
}
const payloadOf = (event: EventEnvelope) => feeEventsV1.LineAboveStandard.fromJSON(event.data);

async function breachesOf(caseId: string): Promise<timingV1.RuleBreach[]> {
  const answer = await callUnary(
    await under.client('700GLB03'),
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

async function breachedEventsUntil(caseId: string, n: number) {
  let found: Extract<TimingEvent, { type: 'timing.rule.breached' }>[] = [];
  await waitFor(
    async () =>
      (found = (await under.events(caseId)).filter(
        (e): e is Extract<TimingEvent, { type: 'timing.rule.breached' }> => e.type === 'timing.rule.breached',
      )).length >= n,
    { timeoutMs: 10_000, intervalMs: 50, what: `${n} timing.rule.breached of case ${caseId}` },
  );
  return found;
}

describe('收费监察 (fee.line.above_standard)', () => {
  it('records a charge above the standard once, at the case’s current stage, and publishes it', async () => {
    under.clock.set(at('2026-10-12T09:30:00'));
    const opened = await under.cases.openCase(FOOD);
    const clocks = await under.clocksOf(opened.caseId, (c) =>
      c.some((clock) => clock.kind === timingV1.ClockKind.CLOCK_KIND_STAGE),
    );
    const stageClock = clocks.find((c) => c.kind === timingV1.ClockKind.CLOCK_KIND_STAGE)!;
    expect(stageClock.stage).toBe(P.PROCESS_STAGE_REVIEW);

    under.clock.set(at('2026-10-12T10:15:00'));
    const charged = lineAboveStandard({ caseId: opened.caseId, caseNumber: opened.caseNumber });
    const billNumber = payloadOf(charged).billNumber;
    expect((await under.publish(charged)).duplicate).toBe(false);
    // The same id again: JetStream keeps one.
    expect((await under.publish(charged)).duplicate).toBe(true);

    const [{ id, ...breach }] = (await breachesUntil(opened.caseId, 1)) as [timingV1.RuleBreach];
    expect(id).not.toBe('');
    expect(breach).toEqual({
      rule: Rule.SUPERVISION_RULE_CHARGE_ABOVE_STANDARD,
      caseId: opened.caseId,
      caseNumber: opened.caseNumber,
      registrationId: '',
      hallId: shortcuts.city(),
      departmentId: shortcuts.scjg(),
      stage: P.PROCESS_STAGE_REVIEW,
      detail: `超标准收费：城市基础设施配套费 标准90.00元，实收120.00元（收费单${billNumber}）`,
      detectedAt: at('2026-10-12T10:15:00'),
    });

    // Delivered again past the stream's duplicate window (the handler run again with the same id), and sent again
    // under a new id: the same finding, not a second one. Then another line of the bill, last on the stream: once
    // it is recorded, the copies before it were handled (one consumer, in order).
    await under.timing.service.chargeAboveStandard(charged.id, payloadOf(charged), new Date(charged.occurredAt));
    await under.publish({ ...charged, id: uuidV7Ids.next() });
    const other = lineAboveStandard({
      caseId: opened.caseId,
      caseNumber: opened.caseNumber,
      line: { id: 'line-deposit', name: '', feeCode: 'F-BZJ', standardFen: 50, chargedFen: 105 },
    });
    await under.publish(other);
    const both = await breachesUntil(opened.caseId, 2);
    expect(both.map((b) => b.detail).sort()).toEqual(
      [
        `超标准收费：城市基础设施配套费 标准90.00元，实收120.00元（收费单${billNumber}）`,
        `超标准收费：F-BZJ 标准0.50元，实收1.05元（收费单${payloadOf(other).billNumber}）`,
      ].sort(),
    );
    expect(new Set(both.map((b) => b.rule))).toEqual(new Set([Rule.SUPERVISION_RULE_CHARGE_ABOVE_STANDARD]));

    // Filtered by the rule, and on timing's stream like every other breach: one event per finding.
    const byRule = await callUnary(
      await under.client('700GLB03'),
      'listRuleBreaches',
      timingV1.ListRuleBreachesRequest.fromPartial({
        hallId: shortcuts.city(),
        rule: Rule.SUPERVISION_RULE_CHARGE_ABOVE_STANDARD,
      }),
    );
    expect(byRule.breaches.map((b) => b.id)).toEqual(expect.arrayContaining(both.map((b) => b.id)));
    const published = await breachedEventsUntil(opened.caseId, 2);
    expect(published.map((e) => e.data.breach?.id).sort()).toEqual(both.map((b) => b.id).sort());
  }, 60_000);

  it('records nothing while the hall has switched the rule off', async () => {
    const city = shortcuts.city();
    const supervisor = await under.client('700GLB03');
    const { rules } = await callUnary(supervisor, 'getHallRules', { hallId: city });
    await callUnary(
      supervisor,
      'setHallRules',
      timingV1.SetHallRulesRequest.fromPartial({
        requestId: `fee-rules-${uuidV7Ids.next()}`,
        hallId: city,
        ladder: rules!.ladder!,
        rules: { ...rules!.rules!, chargeAboveStandard: false },
        acceptanceLimit: rules!.acceptanceLimit!,
        expectedVersion: rules!.version,
      }),
    );

    const ignored = lineAboveStandard();
    await under.publish(ignored);
    // After it on the stream, in a hall with the default rules (switched on): once this one is published as a
    // breach, the one before was handled.
    const barrier = lineAboveStandard({ hallId: `hall-fee-barrier-${uuidV7Ids.next()}` });
    await under.publish(barrier);
    const [barrierBreach] = await breachedEventsUntil(payloadOf(barrier).caseId, 1);
    expect(barrierBreach?.data.breach?.rule).toBe(Rule.SUPERVISION_RULE_CHARGE_ABOVE_STANDARD);

    const ignoredCase = payloadOf(ignored).caseId;
    expect(await breachesOf(ignoredCase)).toEqual([]);
    expect(await under.events(ignoredCase)).toEqual([]);
    // Handled directly too: still nothing.
    await under.timing.service.chargeAboveStandard(ignored.id, payloadOf(ignored), new Date(ignored.occurredAt));
    expect(await breachesOf(ignoredCase)).toEqual([]);
  }, 60_000);
});
