// SMS end to end: intake accepts a real case, the case service moves it, timing issues cards; notify reads their
// events from nats-server, keeps its log in PostgreSQL and sends through the real Aliyun and Tencent SDKs to a
// local server that plays both providers. Monday 12 October 2026, 09:30 in the city hall, on a fake clock.
import { Writable } from 'node:stream';
import { EvaluationEvents, TimingEvents, caseV1, catalogueItemsV1, notifyV1, timingV1 } from '@govhall/contracts';
import { callUnary, createLogger } from '@govhall/kit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { readStream, sharedNatsUrl, waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { FOOD, WINDOW_DELIVERY, at, cityShortcuts } from '../../case/test/case-test-helpers';
import { startNotifyForTest, type NotifyUnderTest } from './start-for-test';

const St = notifyV1.DispatchStatus;
const O = notifyV1.AttemptOutcome;

// Every line any service logs, to prove no full phone number is written.
const logLines: string[] = [];
const logger = createLogger({
  service: 'notify-test',
  level: 'debug',
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  }),
});

let under: NotifyUnderTest;
beforeAll(async () => {
  under = await startNotifyForTest({ logger });
}, 180_000);
afterAll(async () => {
  await under?.stop();
});

const shortcuts = cityShortcuts(() => under.timing.cases);

/** Messages of a durable consumer not yet acknowledged (delivered or not). */
async function consumerPending(stream: string, durable: string): Promise<number> {
  const nc = await connect({ servers: sharedNatsUrl() });
  try {
    const info = await (await jetstreamManager(nc)).consumers.info(stream, durable);
    return info.num_pending + info.num_ack_pending;
  } finally {
    await nc.close();
  }
}
const accepted = (d: notifyV1.Dispatch[]) => d.find((x) => x.templateCode === 'case_accepted');

async function openFood(): Promise<{ caseId: string; caseNumber: string }> {
  under.clock.set(at('2026-10-12T09:30:00'));
  return under.timing.cases.openCase(FOOD);
}

/** The acceptance SMS of a fresh case, once planned (not yet sent). */
async function acceptanceOfNewCase(): Promise<{ caseId: string; caseNumber: string; message: notifyV1.Dispatch }> {
  const { caseId, caseNumber } = await openFood();
  const message = accepted(await under.dispatchesOf(caseId, (d) => !!accepted(d)))!;
  return { caseId, caseNumber, message };
}

async function dispatch(id: string): Promise<notifyV1.Dispatch> {
  return (await callUnary(await under.client(), 'getDispatch', { id })).dispatch!;
}

/** Messages the fake provider accepted for one dispatch (its id is the idempotency key). */
const acceptedFor = (id: string) => under.provider.accepted.filter((m) => m.idempotencyKey === id);

describe('messages from events', () => {
  it('tells the applicant of the acceptance, with the case number and how to query, through the first provider', async () => {
    const { caseId, caseNumber, message } = await acceptanceOfNewCase();
    expect(message.status).toBe(St.DISPATCH_STATUS_PENDING);
    expect(await under.sendDue()).toBeGreaterThan(0);
    const sent = await dispatch(message.id);
    expect(sent).toMatchObject({ status: St.DISPATCH_STATUS_SENT, provider: 'aliyun', attempts: 1 });
    expect(sent.phoneMasked).toMatch(/^138\*{4}\d{4}$/);
    expect(sent.text).toContain(caseNumber);
    expect(sent.text).toMatch(/^【潍坊市政务服务中心】您申请的食品经营许可.*已受理.*政务服务网或大厅自助查询机/);
    const [request] = acceptedFor(sent.id);
    expect(request).toMatchObject({ provider: 'aliyun', signName: '潍坊市政务服务中心' });
    expect(request!.variables['caseNumber']).toBe(caseNumber);
    expect(request!.phone).toMatch(/^1380536\d{4}$/);
    expect(caseId).toBeTruthy();
  });

  it('sends the completion automatically, then the rating link evaluation issues, and the window delivery sends nothing more', async () => {
    const { caseId, caseNumber } = await openFood();
    await under.timing.cases.act('700SCJG02', { caseId, review: { opinion: '材料齐全', attachments: [] } });
    await shortcuts.approve('700SCJG04', caseId);
    await under.timing.cases.act('700SCJG01', {
      caseId,
      issue: caseV1.IssueAction.fromPartial({ certificateNumber: 'JY13707020000888' }),
    });
    await under.timing.cases.act('700SCJG01', { caseId, deliver: WINDOW_DELIVERY });
    await under.timing.cases.act('700SCJG01', { caseId, complete: { note: '已领取' } });
    await under.dispatchesOf(caseId, (d) => d.some((x) => x.templateCode === 'case_completed'));
    // The evaluation service's invitation (evaluation.rating.invited) carries its signed, single-use link.
    const token = 'AbCdEfGhIjK.0123456789abcdefghijkl';
    const url = `https://zwfw.example.gov.cn/rate/${token}`;
    await under.timing.publish(
      under.timing.factory.create(
        EvaluationEvents.ratingInvited,
        {
          caseId,
          caseNumber,
          itemName: '食品经营许可',
          hallId: shortcuts.city(),
          applicantId: (await under.timing.cases.getCase('700SCJG01', caseId)).case!.applicantId,
          url,
          token,
          expiresAt: new Date(under.clock.now().getTime() + 7 * 86_400_000),
        },
        { caseId },
      ),
    );
    const messages = await under.dispatchesOf(caseId, (d) => d.some((x) => x.templateCode === 'rating_invitation'));
    const codes = messages.map((d) => d.templateCode).sort();
    expect(codes).toEqual([
      'case_accepted',
      'case_completed',
      'certificate_ready',
      'pickup_reminder',
      'rating_invitation',
    ]);
    // Collected at the window: the pick-up reminder is no longer needed.
    expect(messages.find((d) => d.templateCode === 'pickup_reminder')!.status).toBe(St.DISPATCH_STATUS_CANCELLED);
    // One number, one message per 30 s (Tencent's default): the applicant's four go one after another.
    for (let step = 0; step < 5; step++) {
      await under.sendDue();
      under.clock.advance(31_000);
    }
    const sent = await Promise.all(
      messages.filter((d) => d.templateCode !== 'pickup_reminder').map((d) => dispatch(d.id)),
    );
    expect(sent.map((d) => d.status)).toEqual(sent.map(() => St.DISPATCH_STATUS_SENT));
    const times = sent.map((d) => d.sentAt!.getTime()).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(30_000);
    expect(sent.find((d) => d.templateCode === 'rating_invitation')!.text).toContain(url);
    const completed = sent.find((d) => d.templateCode === 'case_completed')!;
    expect(completed.text).toContain(`您的办件${caseNumber}`);
    expect(completed.text).toContain('已于10月12日 09:30办结');
    expect(completed.history.length).toBe(1);
  });

  it('sends one SMS for an event delivered three times', async () => {
    const { caseId, message } = await acceptanceOfNewCase();
    // The same acceptance event again, twice, under other message ids (a replay the server cannot dedupe).
    const stored = await readStream(sharedNatsUrl(), `INTAKE_${under.timing.region}`);
    const original = stored.find(
      (m) => (m.json as { id: string }).id === message.eventId && m.subject.endsWith('application.accepted'),
    )!;
    const nc = await connect({ servers: sharedNatsUrl() });
    try {
      const js = jetstream(nc);
      for (const n of [1, 2])
        await js.publish(original.subject, JSON.stringify(original.json), { msgID: `${message.eventId}-again-${n}` });
    } finally {
      await nc.close();
    }
    const inStream = (await readStream(sharedNatsUrl(), `INTAKE_${under.timing.region}`)).filter(
      (m) => (m.json as { id: string }).id === message.eventId,
    );
    expect(inStream).toHaveLength(3);
    // The consumer has read the copies once the stream's last message is acknowledged; then one row, one SMS.
    await waitFor(async () => (await consumerPending(`INTAKE_${under.timing.region}`, 'notify-intake')) === 0, {
      timeoutMs: 10_000,
      what: 'notify-intake to read the copies',
    });
    await under.sendDue();
    const rows = (await under.dispatchesOf(caseId)).filter((d) => d.templateCode === 'case_accepted');
    expect(rows).toHaveLength(1);
    expect(acceptedFor(message.id)).toHaveLength(1);
  });
});

describe('attempts, failover and dead letters', () => {
  it('after a provider 5xx fails over, and sends one SMS in two attempts', async () => {
    const { message } = await acceptanceOfNewCase();
    under.provider.script('aliyun', 'server_error');
    await under.sendDue();
    const waiting = await dispatch(message.id);
    expect(waiting).toMatchObject({ status: St.DISPATCH_STATUS_PENDING, waitingFor: 'retry', attempts: 1 });
    // Backoff: about a second (SMS_BACKOFF_BASE_MS, ±20 %), not at once.
    expect(waiting.nextAttemptAt!.getTime() - under.clock.now().getTime()).toBeGreaterThanOrEqual(800);
    expect(await under.sendDue()).toBe(0);
    under.clock.advance(2_000);
    await under.sendDue();
    const sent = await dispatch(message.id);
    expect(sent.status).toBe(St.DISPATCH_STATUS_SENT);
    expect(sent.history.map((a) => [a.provider, a.outcome])).toEqual([
      ['aliyun', O.ATTEMPT_OUTCOME_TRANSIENT],
      ['tencent', O.ATTEMPT_OUTCOME_ACCEPTED],
    ]);
    expect(acceptedFor(message.id).map((m) => m.provider)).toEqual(['tencent']);
  });

  it('honours a throttle: nothing goes before the provider’s wait is over', async () => {
    const { message } = await acceptanceOfNewCase();
    under.provider.script('aliyun', 'throttled'); // 触发小时级流控: an hour
    await under.sendDue();
    const waiting = await dispatch(message.id);
    expect(waiting.history.map((a) => a.outcome)).toEqual([O.ATTEMPT_OUTCOME_THROTTLED]);
    expect(waiting.nextAttemptAt!.getTime() - under.clock.now().getTime()).toBeGreaterThanOrEqual(3_600_000);
    under.clock.advance(30 * 60_000);
    await under.sendDue();
    expect((await dispatch(message.id)).status).toBe(St.DISPATCH_STATUS_PENDING);
    under.clock.advance(31 * 60_000);
    await under.sendDue();
    expect(await dispatch(message.id)).toMatchObject({ status: St.DISPATCH_STATUS_SENT, provider: 'tencent' });
    expect(acceptedFor(message.id)).toHaveLength(1);
  });

  it('puts an invalid number in the dead letter at once, and an operator resends it', async () => {
    const { message } = await acceptanceOfNewCase();
    under.provider.script('aliyun', 'invalid_number');
    await under.sendDue();
    const dead = await dispatch(message.id);
    expect(dead).toMatchObject({ status: St.DISPATCH_STATUS_DEAD, attempts: 1 });
    expect(dead.lastError).toContain('isv.MOBILE_NUMBER_ILLEGAL');
    const admin = await under.client();
    const letters = await callUnary(
      admin,
      'listDispatches',
      notifyV1.ListDispatchesRequest.fromPartial({ hallId: message.hallId, status: St.DISPATCH_STATUS_DEAD }),
    );
    expect(letters.dispatches.map((d) => d.id)).toContain(message.id);
    const failed = (await readStream(sharedNatsUrl(), `NOTIFY_${under.timing.region}`)).filter(
      (m) =>
        m.subject.endsWith('sms.failed') &&
        (m.json as { data: { dispatch: { id: string } } }).data.dispatch.id === message.id,
    );
    expect(failed).toHaveLength(1);
    const metrics = await (await fetch(`http://127.0.0.1:${under.notify.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/govhall_notify_sms_attempts_total\{[^}]*outcome="invalid_recipient"[^}]*\} [1-9]/);

    // Only the hall's own administrators resend, once per request id.
    await expect(
      callUnary(await under.client('700SCJG01'), 'resend', { requestId: `resend-${message.id}`, id: message.id }),
    ).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    const resent = await callUnary(admin, 'resend', { requestId: `resend-${message.id}`, id: message.id });
    expect(resent.dispatch).toMatchObject({ status: St.DISPATCH_STATUS_PENDING, attempts: 0 });
    await under.sendDue();
    const sent = await dispatch(message.id);
    expect(sent.status).toBe(St.DISPATCH_STATUS_SENT);
    expect(sent.history.map((a) => a.outcome)).toEqual([
      O.ATTEMPT_OUTCOME_INVALID_RECIPIENT,
      O.ATTEMPT_OUTCOME_ACCEPTED,
    ]);
    // Resending what is not a dead letter is refused.
    await expect(
      callUnary(admin, 'resend', { requestId: `resend-again-${message.id}`, id: message.id }),
    ).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
  });
});

describe('quiet hours', () => {
  it('holds an applicant message until morning and sends a red card to the principal leader at once', async () => {
    const { caseId, caseNumber, message } = await acceptanceOfNewCase();
    under.clock.set(at('2026-10-12T22:30:00'));
    const principal = shortcuts.staff('700SCJG07'); // 朱立新, 13905360013
    const card = timingV1.Card.fromPartial({
      id: `card-${caseId}`,
      level: timingV1.AlertLevel.ALERT_LEVEL_RED_CARD,
      clockKind: timingV1.ClockKind.CLOCK_KIND_STAGE,
      caseId,
      caseNumber,
      itemName: '食品经营许可证核发',
      stage: catalogueItemsV1.ProcessStage.PROCESS_STAGE_REVIEW,
      hallId: shortcuts.city(),
      departmentId: shortcuts.scjg(),
      overdueWorkingMs: 8 * 3_600_000,
      issuedAt: under.clock.now(),
      recipients: [
        { role: timingV1.RecipientRole.RECIPIENT_ROLE_PRINCIPAL_LEADER, staffId: principal, applicantId: '' },
      ],
    });
    await under.timing.publish(under.timing.factory.create(TimingEvents.redCard, { card }, { caseId }));
    const red = (await under.dispatchesOf(caseId, (d) => d.some((x) => x.templateCode === 'red_card'))).find(
      (d) => d.templateCode === 'red_card',
    )!;
    await under.sendDue();
    const held = await dispatch(message.id);
    expect(held).toMatchObject({ status: St.DISPATCH_STATUS_PENDING, waitingFor: 'quiet_hours' });
    expect(held.nextAttemptAt).toEqual(at('2026-10-13T08:00:00'));
    const alert = await dispatch(red.id);
    expect(alert).toMatchObject({ status: St.DISPATCH_STATUS_SENT, urgent: true, phoneMasked: '139****0013' });
    expect(alert.text).toContain(`红牌督办：`);
    expect(alert.text).toContain(`${caseNumber}（食品经营许可证核发）审核环节已超时8个工作小时`);
    under.clock.set(at('2026-10-13T08:00:00'));
    await under.sendDue();
    expect((await dispatch(message.id)).status).toBe(St.DISPATCH_STATUS_SENT);
  });
});

describe('daily summary (每日情况通报)', () => {
  it('sends each window’s staff the day’s counts at the hall’s hour, once a day', async () => {
    const admin = await under.client();
    const hallId = shortcuts.city();
    const { settings } = await callUnary(admin, 'getHallSettings', { hallId });
    await callUnary(admin, 'setHallSettings', {
      requestId: 'daily-summary-on-1',
      settings: { ...settings!, dailySummary: true, dailySummaryAt: '17:30' },
      expectedVersion: settings!.version,
    });
    under.clock.set(at('2026-10-14T09:30:00'));
    // B01, where the clerk 700SCJG01 sits (B02 has nobody in the demo directory)
    const { caseId } = await under.timing.cases.openCase({ ...FOOD, acceptWindow: 'B01' });
    await under.dispatchesOf(caseId, (d) => !!accepted(d));
    under.clock.set(at('2026-10-14T17:29:00'));
    expect(await under.notify.service.planDailySummaries()).toBe(0);
    under.clock.set(at('2026-10-14T17:31:00'));
    const planned = await under.notify.service.planDailySummaries();
    expect(planned).toBeGreaterThan(0);
    expect(await under.notify.service.planDailySummaries()).toBe(0);
    const { dispatches } = await callUnary(
      admin,
      'listDispatches',
      notifyV1.ListDispatchesRequest.fromPartial({ hallId, templateCode: 'daily_summary' }),
    );
    expect(dispatches).toHaveLength(planned);
    expect(new Set(dispatches.map((d) => d.recipient!.kind))).toEqual(
      new Set([notifyV1.RecipientKind.RECIPIENT_KIND_STAFF]),
    );
    const clerk = shortcuts.staff('700SCJG01');
    const toClerk = dispatches.find((d) => d.recipient!.id === clerk)!;
    await under.sendDue();
    const sent = await dispatch(toClerk.id);
    expect(sent).toMatchObject({ status: St.DISPATCH_STATUS_SENT, phoneMasked: '139****0007' });
    // Today's acceptance, counted at its window (the case opened above); the text is rendered as it is sent.
    expect(sent.text).toBe(
      '【潍坊市政务服务中心】每日通报（2026年10月14日）：B01窗口受理1件，办结0件，催办0次，黄牌0张，红牌0张。',
    );
  });
});

describe('personal data', () => {
  it('never writes a full phone number in a log line', () => {
    expect(logLines.length).toBeGreaterThan(50);
    const withNumber = logLines.filter((line) => /(?<!\d)1[3-9]\d{9}(?!\d)/.test(line));
    expect(withNumber).toEqual([]);
  });
});
