import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notifyV1 } from '@govhall/contracts';
import { FakeClock, callUnary, type Logger } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import { startTimingForTest, type TimingUnderTest } from '@govhall/timing/testing';
import * as grpc from '@grpc/grpc-js';
import { loadNotifyConfig } from '../src/config';
import { startNotify, type RunningNotify } from '../src/main';
import { startFakeSmsProvider, type FakeSmsProvider } from './fake-sms-provider';

/** The city hall's administrator (中心管理员): templates, settings, the log, resends. */
export const ADMINISTRATOR = '700GLB07';

/** Catalogue, intake, case, timing and notify in this process on one fake clock; notify sends to a fake provider. */
export interface NotifyUnderTest {
  readonly timing: TimingUnderTest;
  readonly notify: RunningNotify;
  readonly provider: FakeSmsProvider;
  readonly clock: FakeClock;
  /** The environment notify started with (a second process gets the same). */
  readonly env: Record<string, string>;
  /** A NotifyService client acting as the demo staff member. */
  client(employeeNo?: string): Promise<notifyV1.NotifyServiceClient>;
  /** Sends everything due at the fake clock's now, claim after claim; answers how many attempts were made. */
  sendDue(): Promise<number>;
  /** A case's messages once `ready` holds for them (events are consumed asynchronously). */
  dispatchesOf(caseId: string, ready?: (d: notifyV1.Dispatch[]) => boolean): Promise<notifyV1.Dispatch[]>;
  stop(): Promise<void>;
}

/** Approved ids for every template at both providers, as a hall saves them once its texts are approved. */
async function approveTemplates(client: notifyV1.NotifyServiceClient): Promise<void> {
  const { templates } = await callUnary(client, 'listTemplates', {});
  let n = 0;
  for (const t of templates) {
    n++;
    await callUnary(client, 'saveTemplate', {
      requestId: `approve-${t.code}-${Date.now()}`,
      code: t.code,
      name: t.name,
      category: t.category,
      audience: t.audience,
      text: t.text,
      holdInQuietHours: t.holdInQuietHours,
      providers: [
        { provider: 'aliyun', templateId: `SMS_${470000000 + n}`, signName: '潍坊市政务服务中心' },
        { provider: 'tencent', templateId: String(2100000 + n), signName: '潍坊市政务服务中心' },
      ],
      expectedVersion: t.version,
    });
  }
}

export async function startNotifyForTest(
  options: { clock?: FakeClock; logger?: Logger; honourIdempotencyKey?: boolean; env?: Record<string, string> } = {},
): Promise<NotifyUnderTest> {
  const clock = options.clock ?? new FakeClock('2026-10-12T09:30:00+08:00');
  const timing = await startTimingForTest({ clock, ...(options.logger ? { logger: options.logger } : {}) });
  const provider = await startFakeSmsProvider({ honourIdempotencyKey: options.honourIdempotencyKey ?? false });
  const secrets = mkdtempSync(join(tmpdir(), 'govhall-sms-'));
  writeFileSync(join(secrets, 'aliyun'), 'LTAI5tTestAccessKeyId\nTestAccessKeySecret0123456789\n');
  writeFileSync(join(secrets, 'tencent'), 'AKIDTestSecretId\nTestSecretKey0123456789\n');
  const intake = timing.cases.intake;
  const env: Record<string, string> = {
    ...timing.env,
    INTAKE_ADDRESS: intake.address,
    CATALOGUE_ADDRESS: intake.catalogueAddress,
    SMS_PROVIDERS: 'aliyun,tencent',
    ALIYUN_SMS_ACCESS_KEY_FILE: join(secrets, 'aliyun'),
    ALIYUN_SMS_ENDPOINT: provider.url,
    TENCENT_SMS_SECRET_FILE: join(secrets, 'tencent'),
    TENCENT_SMS_SDK_APP_ID: '1400123456',
    TENCENT_SMS_ENDPOINT: provider.url,
    SMS_PROVIDER_TIMEOUT_MS: '2000',
    SMS_LEASE_MS: '5000',
    SMS_BACKOFF_BASE_MS: '1000',
    DISPATCH_LOOP: 'off',
    ...options.env,
  };
  const notify = await startNotify(loadNotifyConfig({ ...env, GRPC_PORT: '0', HTTP_PORT: '0' }), {
    clock,
    signer: intake.signer,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const address = `127.0.0.1:${notify.grpcPort}`;
  const clients = new Map<string, notifyV1.NotifyServiceClient>();
  const client = async (employeeNo = ADMINISTRATOR) => {
    let c = clients.get(employeeNo);
    if (!c) {
      c = new notifyV1.NotifyServiceClient(address, grpc.credentials.createInsecure(), await intake.as(employeeNo));
      clients.set(employeeNo, c);
    }
    return c;
  };
  await approveTemplates(await client());
  const sendDue = async (): Promise<number> => {
    let total = 0;
    for (let claim = 0; claim < 50; claim++) {
      const n = await notify.dispatcher.sendDue();
      total += n;
      if (n === 0) break;
    }
    return total;
  };
  const dispatchesOf = async (caseId: string, ready: (d: notifyV1.Dispatch[]) => boolean = (d) => d.length > 0) => {
    let found: notifyV1.Dispatch[] = [];
    const reader = await client();
    await waitFor(
      async () => {
        found = (
          await callUnary(
            reader,
            'listDispatches',
            notifyV1.ListDispatchesRequest.fromPartial({ caseId, pageSize: 200 }),
          )
        ).dispatches;
        return ready(found);
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `messages of case ${caseId}` },
    );
    return found;
  };
  return {
    timing,
    notify,
    provider,
    clock,
    env,
    client,
    sendDue,
    dispatchesOf,
    stop: async () => {
      for (const c of clients.values()) c.close();
      await notify.stop();
      await provider.close();
      await timing.stop();
    },
  };
}
