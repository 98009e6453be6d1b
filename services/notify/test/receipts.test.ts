// Delivery receipts (回执) pushed by the providers to notify's side port, as the ingress routes them: a message
// the provider accepted becomes DELIVERED or UNDELIVERED, once, however often the provider pushes.
import { notifyV1 } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import { readStream, sharedNatsUrl } from '@govhall/testing';
import { FOOD, at } from '../../case/test/case-test-helpers';
import { startNotifyForTest, type NotifyUnderTest } from './start-for-test';

const St = notifyV1.DispatchStatus;

let under: NotifyUnderTest;
beforeAll(async () => {
  under = await startNotifyForTest();
}, 180_000);
afterAll(async () => {
  await under?.stop();
});

/** A fresh case's acceptance SMS, sent (through Tencent when Aliyun is scripted to fail). */
async function sentAcceptance(throughTencent = false): Promise<notifyV1.Dispatch> {
  under.clock.set(at('2026-10-12T09:30:00'));
  const { caseId } = await under.timing.cases.openCase(FOOD);
  const message = (await under.dispatchesOf(caseId, (d) => d.some((x) => x.templateCode === 'case_accepted'))).find(
    (x) => x.templateCode === 'case_accepted',
  )!;
  if (throughTencent) {
    under.provider.script('aliyun', 'server_error');
    await under.sendDue();
    // the retry after the backoff goes to the other provider
    under.clock.advance(2_000);
  }
  await under.sendDue();
  const sent = await dispatch(message.id);
  expect(sent).toMatchObject({ status: St.DISPATCH_STATUS_SENT, provider: throughTencent ? 'tencent' : 'aliyun' });
  expect(sent.providerMessageId).not.toBe('');
  return sent;
}

async function dispatch(id: string): Promise<notifyV1.Dispatch> {
  return (await callUnary(await under.client(), 'getDispatch', { id })).dispatch!;
}

async function push(provider: string, body: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`http://127.0.0.1:${under.notify.httpPort}/sms/receipts/${provider}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, json: await response.json() };
}

const failedEventsOf = async (id: string) =>
  (await readStream(sharedNatsUrl(), `NOTIFY_${under.timing.region}`)).filter(
    (m) =>
      m.subject.endsWith('sms.failed') && (m.json as { data: { dispatch: { id: string } } }).data.dispatch.id === id,
  );

const aliyunReport = (bizId: string, success: boolean, outId = '') => ({
  phone_number: '13800000000',
  send_time: '2026-10-12 09:30:01',
  report_time: '2026-10-12 09:30:05',
  success,
  err_code: success ? 'DELIVERED' : 'MK:0012',
  err_msg: success ? '用户接收成功' : '用户手机号码停机',
  sms_size: '1',
  biz_id: bizId,
  out_id: outId,
});

describe('delivery receipts on the side port', () => {
  it('marks an Aliyun message delivered once, however often the batch is pushed, and skips unknown ids', async () => {
    const sent = await sentAcceptance();
    const batch = JSON.stringify([aliyunReport(sent.providerMessageId, true, sent.id), aliyunReport('0^0', true)]);
    const first = await push('aliyun', batch);
    expect(first).toEqual({ status: 200, json: { code: 0, msg: '成功', matched: 1 } });
    const delivered = await dispatch(sent.id);
    expect(delivered).toMatchObject({ status: St.DISPATCH_STATUS_DELIVERED, attempts: 1, lastError: '' });
    expect(delivered.deliveredAt).toEqual(new Date('2026-10-12T01:30:05Z'));

    // Aliyun pushes again when it missed our answer: nothing changes.
    expect((await push('aliyun', batch)).status).toBe(200);
    expect(await dispatch(sent.id)).toEqual(delivered);
    expect(await failedEventsOf(sent.id)).toEqual([]);
  });

  it('marks a Tencent message undelivered with the operator’s code and tells the other services once', async () => {
    const sent = await sentAcceptance(true);
    const callback = JSON.stringify([
      {
        user_receive_time: '2026-10-12 09:30:09',
        nationcode: '86',
        mobile: '13800000000',
        report_status: 'FAIL',
        errmsg: 'MK:0001',
        description: '空号',
        sid: sent.providerMessageId,
      },
    ]);
    expect(await push('tencent', callback)).toEqual({ status: 200, json: { result: 0, errmsg: 'OK' } });
    expect(await push('tencent', callback)).toMatchObject({ status: 200 });
    const undelivered = await dispatch(sent.id);
    expect(undelivered).toMatchObject({ status: St.DISPATCH_STATUS_UNDELIVERED, provider: 'tencent' });
    expect(undelivered.lastError).toBe('MK:0001: 空号');
    expect(undelivered.deliveredAt).toBeUndefined();
    expect(await failedEventsOf(sent.id)).toHaveLength(1);
  });

  it('answers 400 to a push that is not one, and changes nothing', async () => {
    const sent = await sentAcceptance();
    const notJson = await push('aliyun', '{"biz_id": ');
    expect(notJson.status).toBe(400);
    const badField = await push(
      'aliyun',
      JSON.stringify([{ ...aliyunReport(sent.providerMessageId, true), success: 'yes' }]),
    );
    expect(badField.status).toBe(400);
    expect(JSON.stringify(badField.json)).toContain('success');
    expect((await dispatch(sent.id)).status).toBe(St.DISPATCH_STATUS_SENT);
  });
});
