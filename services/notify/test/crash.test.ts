// A SIGKILL between the provider's acceptance and the dispatch log's update. The provider took the message but
// the process died before recording it: the row stays `sending` under its lease. A second process takes it once
// the lease has run out and sends it again with the same idempotency key (the dispatch id); a provider that
// honours the key answers with the first message's id and sends nothing twice. Notify runs as real processes
// here (real mode, system clock); the rest of the platform in this process.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { notifyV1 } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import { startServiceProcess, waitFor, type ServiceProcess } from '@govhall/testing';
import { FOOD, at } from '../../case/test/case-test-helpers';
import { startNotifyForTest, type NotifyUnderTest } from './start-for-test';

const St = notifyV1.DispatchStatus;
const MAIN = join(__dirname, '..', 'src', 'main.ts');

let under: NotifyUnderTest;
const processes: ServiceProcess[] = [];
beforeAll(async () => {
  under = await startNotifyForTest({ honourIdempotencyKey: true });
}, 180_000);
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop('SIGKILL');
  await under?.stop();
});

/** Notify as its own process, with the harness's settings, the system clock and the dispatch loop on. */
async function notifyProcess(): Promise<ServiceProcess> {
  const keyFile = join(process.env['TMPDIR'] ?? '/tmp', `notify-signing-${process.pid}.pem`);
  const key = under.timing.cases.intake.signingKey;
  writeFileSync(keyFile, key.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const started = await startServiceProcess(MAIN, {
    ...under.env,
    AUTH_SIGNING_KEY_FILE: keyFile,
    AUTH_SIGNING_KEY_ID: key.keyId,
    DISPATCH_LOOP: 'on',
    DISPATCH_POLL_MS: '100',
    // The harness's events are stamped by its fake clock, weeks before this process's system clock.
    SMS_MAX_EVENT_AGE_HOURS: String(24 * 365),
    SMS_PROVIDER_TIMEOUT_MS: '8000',
    SMS_LEASE_MS: '9000',
    LOG_LEVEL: 'warn',
  });
  processes.push(started);
  return started;
}

it('never sends twice when the process dies after the provider accepted, once the provider honours the key', async () => {
  // Quiet hours off for the city hall: the processes run on the system clock, whatever the hour of the CI run.
  const admin = await under.client();
  const hallId = under.timing.cases.demo.halls['city']!;
  const current = (await callUnary(admin, 'getHallSettings', { hallId })).settings!;
  await callUnary(admin, 'setHallSettings', {
    requestId: `quiet-off-${Date.now()}`,
    settings: { ...current, quietHoursStart: '00:00', quietHoursEnd: '00:00' },
    expectedVersion: current.version,
  });

  under.clock.set(at('2026-10-12T09:30:00'));
  const { caseId } = await under.timing.cases.openCase(FOOD);
  const message = (await under.dispatchesOf(caseId, (d) => d.some((x) => x.templateCode === 'case_accepted'))).find(
    (d) => d.templateCode === 'case_accepted',
  )!;
  // The provider takes it and never answers; the process is killed as soon as the provider has it.
  under.provider.script('aliyun', 'accept_and_hang');
  const first = await notifyProcess();
  await waitFor(() => under.provider.accepted.some((m) => m.idempotencyKey === message.id), {
    timeoutMs: 20_000,
    what: 'the provider to accept the message',
  });
  await first.stop('SIGKILL');
  const stuck = (await callUnary(admin, 'getDispatch', { id: message.id })).dispatch!;
  expect(stuck).toMatchObject({ status: St.DISPATCH_STATUS_SENDING, attempts: 0 });

  // Another process takes it again when the lease is over, with the same key.
  await notifyProcess();
  await waitFor(
    async () =>
      (await callUnary(admin, 'getDispatch', { id: message.id })).dispatch!.status === St.DISPATCH_STATUS_SENT,
    { timeoutMs: 30_000, intervalMs: 200, what: 'the message to be recorded as sent' },
  );
  const sent = (await callUnary(admin, 'getDispatch', { id: message.id })).dispatch!;
  const accepted = under.provider.accepted.filter((m) => m.idempotencyKey === message.id);
  expect(accepted).toHaveLength(1);
  expect(under.provider.received.filter((m) => m.idempotencyKey === message.id)).toHaveLength(2);
  expect(sent).toMatchObject({ provider: 'aliyun', providerMessageId: accepted[0]!.providerMessageId, attempts: 1 });
}, 90_000);
