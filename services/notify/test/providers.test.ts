import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, ValidationError } from '@govhall/kit';
import { AliyunSmsProvider } from '../src/adapters/sms/aliyun';
import { FileSmsProvider } from '../src/adapters/sms/file';
import { TencentSmsProvider } from '../src/adapters/sms/tencent';
import type { SendOutcome, SmsMessage, SmsProvider } from '../src/app/sms-provider';
import { startFakeSmsProvider, type FakeProviderName, type FakeSmsProvider } from './fake-sms-provider';

const PHONE = '13812345678';

function aMessage(overrides: Partial<SmsMessage> = {}): SmsMessage {
  return {
    idempotencyKey: 'dispatch-0001',
    phone: PHONE,
    signName: '某市政务服务中心',
    providerTemplateId: 'SMS_123456789',
    variables: [
      { name: 'caseNo', value: 'SL2026000123' },
      { name: 'deadline', value: '2026-01-12' },
    ],
    text: '【某市政务服务中心】您的申请SL2026000123已受理，预计2026-01-12办结。',
    ...overrides,
  };
}

/** 23:30 in China: the next midnight is 30 minutes away. */
const LATE_EVENING = '2026-01-05T23:30:00+08:00';
const HALF_HOUR_MS = 30 * 60_000;
const SHORT_TIMEOUT_MS = 300;

function expectKind<K extends SendOutcome['kind']>(
  outcome: SendOutcome,
  kind: K,
): asserts outcome is Extract<SendOutcome, { kind: K }> {
  expect(outcome).toMatchObject({ kind });
}

async function timed(run: () => Promise<SendOutcome>): Promise<{ outcome: SendOutcome; ms: number }> {
  const started = performance.now();
  const outcome = await run();
  return { outcome, ms: performance.now() - started };
}

describe('SMS provider adapters on the real SDKs against the fake providers', () => {
  let fake: FakeSmsProvider;
  beforeEach(async () => {
    fake = await startFakeSmsProvider();
  });
  afterEach(async () => {
    await fake.close();
  });

  const adapters: Record<FakeProviderName, (options?: { timeoutMs?: number; clock?: FakeClock }) => SmsProvider> = {
    aliyun: (options = {}) =>
      new AliyunSmsProvider({ accessKeyId: 'test-ak', accessKeySecret: 'test-secret', endpoint: fake.url, ...options }),
    tencent: (options = {}) =>
      new TencentSmsProvider({
        secretId: 'test-id',
        secretKey: 'test-key',
        smsSdkAppId: '1400006666',
        endpoint: fake.url,
        ...options,
      }),
  };

  describe('Aliyun', () => {
    it('sends PhoneNumbers, SignName, TemplateCode, the variables by name and OutId, and answers the BizId', async () => {
      const outcome = await adapters.aliyun().send(aMessage());
      expect(fake.received).toEqual([
        {
          provider: 'aliyun',
          phone: PHONE,
          phoneAsSent: PHONE,
          signName: '某市政务服务中心',
          templateId: 'SMS_123456789',
          variables: { caseNo: 'SL2026000123', deadline: '2026-01-12' },
          idempotencyKey: 'dispatch-0001',
          answer: 'ok',
        },
      ]);
      expect(fake.accepted).toHaveLength(1);
      expect(outcome).toEqual({ kind: 'accepted', providerMessageId: fake.accepted[0]!.providerMessageId });
    });

    it('reads the per-number limit from the message: an hour, a minute, or until midnight in China', async () => {
      const clock = new FakeClock(LATE_EVENING);
      const aliyun = adapters.aliyun({ clock });
      fake.script(
        'aliyun',
        'throttled',
        { code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发分钟级流控Permits:1' },
        { code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发天级流控Permits:10' },
        { code: 'isv.DAY_LIMIT_CONTROL', message: '触发日发送限额' },
      );
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push(await aliyun.send(aMessage()));
      expect(answers.map((a) => (a.kind === 'throttled' ? [a.code, a.retryAfterMs] : a.kind))).toEqual([
        ['isv.BUSINESS_LIMIT_CONTROL', 3_600_000],
        ['isv.BUSINESS_LIMIT_CONTROL', 60_000],
        ['isv.BUSINESS_LIMIT_CONTROL', HALF_HOUR_MS],
        ['isv.DAY_LIMIT_CONTROL', HALF_HOUR_MS],
      ]);
      expect(fake.accepted).toHaveLength(0);
    });

    it('answers invalid_recipient for an illegal number and provider_refused for a template it refuses', async () => {
      fake.script('aliyun', 'invalid_number', 'template_refused');
      const aliyun = adapters.aliyun();
      expect(await aliyun.send(aMessage())).toEqual({
        kind: 'invalid_recipient',
        code: 'isv.MOBILE_NUMBER_ILLEGAL',
        message: '非法手机号',
      });
      expect(await aliyun.send(aMessage())).toMatchObject({
        kind: 'provider_refused',
        code: 'isv.SMS_TEMPLATE_ILLEGAL',
      });
    });

    it('classifies what the SDK throws: 5xx transient, bad credentials refused, QPS throttled; never retries', async () => {
      fake.script(
        'aliyun',
        'server_error',
        { code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.', level: 'request' },
        { code: 'Throttling.User', message: 'Request was denied due to user flow control.', level: 'request' },
        { code: 'isp.SYSTEM_ERROR', message: 'isp.SYSTEM_ERROR' },
      );
      const aliyun = adapters.aliyun();
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push(await aliyun.send(aMessage()));
      expect(answers).toMatchObject([
        { kind: 'transient', code: 'ServiceUnavailable' },
        { kind: 'provider_refused', code: 'InvalidAccessKeyId.NotFound' },
        { kind: 'throttled', code: 'Throttling.User', retryAfterMs: 1000 },
        { kind: 'transient', code: 'isp.SYSTEM_ERROR' },
      ]);
      // One request per send: an SDK retry would have sent the 5xx'd message again.
      expect(fake.received).toHaveLength(4);
    });

    it('gives up on a hanging provider within its timeout, as transient, without trying again', async () => {
      fake.script('aliyun', 'hang');
      const { outcome, ms } = await timed(() => adapters.aliyun({ timeoutMs: SHORT_TIMEOUT_MS }).send(aMessage()));
      expect(outcome).toMatchObject({ kind: 'transient', code: 'Timeout' });
      // The SDK's own default is 3 s; ours 5 s.
      expect(ms).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(2000);
      expect(fake.received).toHaveLength(1);
    });

    it('answers transient when nothing listens, without the number in the message', async () => {
      const endpoint = fake.url;
      await fake.close();
      const outcome = await new AliyunSmsProvider({ accessKeyId: 'ak', accessKeySecret: 's', endpoint }).send(
        aMessage(),
      );
      expectKind(outcome, 'transient');
      expect(outcome.code).toBe('ECONNREFUSED');
      // httpx writes the whole URL, query string (PhoneNumbers=…) included, into the error.
      expect(outcome.message).toContain('127.0.0.1');
      expect(outcome.message).not.toContain(PHONE);
      expect(outcome.message).not.toContain('PhoneNumbers');
      fake = await startFakeSmsProvider();
    });
  });

  describe('Tencent Cloud', () => {
    it('sends +86 and the number, SignName, TemplateId, the variables in order and SessionContext', async () => {
      const outcome = await adapters.tencent().send(aMessage({ providerTemplateId: '1234567' }));
      expect(fake.received).toEqual([
        {
          provider: 'tencent',
          phone: PHONE,
          phoneAsSent: `+86${PHONE}`,
          signName: '某市政务服务中心',
          templateId: '1234567',
          variables: { '1': 'SL2026000123', '2': '2026-01-12' },
          idempotencyKey: 'dispatch-0001',
          answer: 'ok',
        },
      ]);
      expect(outcome).toEqual({ kind: 'accepted', providerMessageId: fake.accepted[0]!.providerMessageId });
    });

    it('throttles per number for 30 s, an hour, or until midnight in China', async () => {
      const clock = new FakeClock(LATE_EVENING);
      const tencent = adapters.tencent({ clock });
      fake.script(
        'tencent',
        'throttled',
        { code: 'LimitExceeded.PhoneNumberOneHourLimit' },
        { code: 'LimitExceeded.PhoneNumberDailyLimit' },
        { code: 'LimitExceeded.PhoneNumberSameContentDailyLimit' },
        {
          code: 'RequestLimitExceeded',
          message: 'Your current request times equals to `3001` in a second.',
          level: 'request',
        },
      );
      const answers = [];
      for (let i = 0; i < 5; i += 1) answers.push(await tencent.send(aMessage()));
      expect(answers.map((a) => (a.kind === 'throttled' ? [a.code, a.retryAfterMs] : a.kind))).toEqual([
        ['LimitExceeded.PhoneNumberThirtySecondLimit', 30_000],
        ['LimitExceeded.PhoneNumberOneHourLimit', 3_600_000],
        ['LimitExceeded.PhoneNumberDailyLimit', HALF_HOUR_MS],
        ['LimitExceeded.PhoneNumberSameContentDailyLimit', HALF_HOUR_MS],
        ['RequestLimitExceeded', 1000],
      ]);
    });

    it('answers invalid_recipient for a wrong or blacklisted number, provider_refused for template and credentials', async () => {
      fake.script(
        'tencent',
        'invalid_number',
        { code: 'FailedOperation.PhoneNumberInBlacklist' },
        'template_refused',
        { code: 'FailedOperation.InsufficientBalanceInSmsPackage' },
        { code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found', level: 'request' },
      );
      const tencent = adapters.tencent();
      const answers = [];
      for (let i = 0; i < 5; i += 1) answers.push(await tencent.send(aMessage()));
      expect(answers).toMatchObject([
        { kind: 'invalid_recipient', code: 'InvalidParameterValue.IncorrectPhoneNumber' },
        { kind: 'invalid_recipient', code: 'FailedOperation.PhoneNumberInBlacklist' },
        { kind: 'provider_refused', code: 'FailedOperation.TemplateIncorrectOrUnapproved' },
        { kind: 'provider_refused', code: 'FailedOperation.InsufficientBalanceInSmsPackage' },
        { kind: 'provider_refused', code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found' },
      ]);
      expect(fake.accepted).toHaveLength(0);
    });

    it('answers transient for a 5xx and for its internal errors, once each', async () => {
      fake.script(
        'tencent',
        'server_error',
        { code: 'InternalError.OtherError' },
        { code: 'InternalError', message: 'internal error', level: 'request' },
      );
      const tencent = adapters.tencent();
      const answers = [];
      for (let i = 0; i < 3; i += 1) answers.push(await tencent.send(aMessage()));
      expect(answers).toMatchObject([
        { kind: 'transient', code: 'HTTP_503' },
        { kind: 'transient', code: 'InternalError.OtherError' },
        { kind: 'transient', code: 'InternalError' },
      ]);
      expect(fake.received).toHaveLength(3);
    });

    it('does not go through http_proxy, which the SDK would otherwise use for every request', async () => {
      const before = process.env['http_proxy'];
      process.env['http_proxy'] = 'http://127.0.0.1:9';
      try {
        expect(await adapters.tencent().send(aMessage())).toMatchObject({ kind: 'accepted' });
      } finally {
        if (before === undefined) delete process.env['http_proxy'];
        else process.env['http_proxy'] = before;
      }
      expect(fake.received).toHaveLength(1);
    });

    it('gives up on a hanging provider within its timeout, as transient', async () => {
      fake.script('tencent', 'hang');
      const { outcome, ms } = await timed(() => adapters.tencent({ timeoutMs: SHORT_TIMEOUT_MS }).send(aMessage()));
      expect(outcome).toMatchObject({ kind: 'transient', code: 'Timeout' });
      // The SDK's own default is 60 s.
      expect(ms).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(2000);
      expect(fake.received).toHaveLength(1);
    });
  });

  describe('the fake', () => {
    it('takes a repeated key twice, like the real providers, unless told to honour it', async () => {
      const aliyun = adapters.aliyun();
      const first = await aliyun.send(aMessage());
      const again = await aliyun.send(aMessage());
      expectKind(first, 'accepted');
      expectKind(again, 'accepted');
      expect(again.providerMessageId).not.toBe(first.providerMessageId);
      expect(fake.accepted).toHaveLength(2);

      const honouring = await startFakeSmsProvider({ honourIdempotencyKey: true });
      try {
        const tencent = new TencentSmsProvider({
          secretId: 'i',
          secretKey: 'k',
          smsSdkAppId: '1',
          endpoint: honouring.url,
        });
        honouring.script('tencent', 'ok', 'template_refused');
        const one = await tencent.send(aMessage());
        const two = await tencent.send(aMessage());
        expect(two).toEqual(one);
        expect(honouring.accepted).toHaveLength(1);
        expect(honouring.received).toHaveLength(2);
        // The repeat took no scripted answer: the next new key gets the refusal.
        expect(await tencent.send(aMessage({ idempotencyKey: 'dispatch-0002' }))).toMatchObject({
          kind: 'provider_refused',
        });
      } finally {
        await honouring.close();
      }
    });
  });
});

describe('delivery receipts', () => {
  const aliyun = new AliyunSmsProvider({ accessKeyId: 'ak', accessKeySecret: 's', endpoint: 'http://127.0.0.1:9' });
  const tencent = new TencentSmsProvider({ secretId: 'i', secretKey: 'k', smsSdkAppId: '1', endpoint: '127.0.0.1:9' });

  it('maps an Aliyun SmsReport push, China time to instants and out_id to our key', () => {
    const body = [
      {
        phone_number: PHONE,
        send_time: '2026-01-05 09:00:58',
        report_time: '2026-01-05 09:01:02',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '用户接收成功',
        sms_size: '1',
        biz_id: '900619746936498440^0',
        out_id: 'dispatch-0001',
      },
      {
        phone_number: PHONE,
        send_time: '2026-01-05 09:00:58',
        report_time: '2026-01-05 23:59:59',
        success: false,
        err_code: 'MK:0012',
        err_msg: '用户手机号码停机',
        sms_size: '1',
        biz_id: '900619746936498441^0',
        out_id: '',
      },
    ];
    expect(aliyun.parseReceipts(body)).toEqual([
      {
        provider: 'aliyun',
        providerMessageId: '900619746936498440^0',
        idempotencyKey: 'dispatch-0001',
        delivered: true,
        code: 'DELIVERED',
        description: '用户接收成功',
        reportedAt: new Date('2026-01-05T01:01:02Z'),
      },
      {
        provider: 'aliyun',
        providerMessageId: '900619746936498441^0',
        delivered: false,
        code: 'MK:0012',
        description: '用户手机号码停机',
        reportedAt: new Date('2026-01-05T15:59:59Z'),
      },
    ]);
    // The same push as the raw JSON text.
    expect(aliyun.parseReceipts(JSON.stringify(body))).toHaveLength(2);
    expect(aliyun.parseReceipts([])).toEqual([]);
  });

  it('refuses an Aliyun push that is not one, naming every bad field', () => {
    expect(violationsOf(() => aliyun.parseReceipts({ biz_id: '1' }))).toEqual(['body']);
    expect(violationsOf(() => aliyun.parseReceipts('not json'))).toEqual(['body']);
    expect(
      violationsOf(() =>
        aliyun.parseReceipts([
          { biz_id: '1', success: true, report_time: '2026-01-05 09:01:02' },
          { success: 'yes', report_time: '2026-01-05T09:01:02+08:00', err_code: 7 },
          'DELIVERED',
          { biz_id: '2', success: false, report_time: '2026-02-30 10:00:00' },
        ]),
      ),
    ).toEqual(['[1].biz_id', '[1].success', '[1].report_time', '[1].err_code', '[2]', '[3].report_time']);
  });

  it('maps a Tencent status callback: SUCCESS / FAIL, errmsg as the code, no key', () => {
    const receipts = tencent.parseReceipts([
      {
        user_receive_time: '2026-01-05 08:03:04',
        nationcode: '86',
        mobile: PHONE,
        report_status: 'SUCCESS',
        errmsg: 'DELIVRD',
        description: '用户短信送达成功',
        sid: '2433:319116624816628765700',
      },
      {
        user_receive_time: '2026-01-05 08:03:05',
        nationcode: '86',
        mobile: PHONE,
        report_status: 'FAIL',
        errmsg: 'MK:0001',
        description: '空号',
        sid: '2433:319116624816628765701',
      },
    ]);
    expect(receipts).toEqual([
      {
        provider: 'tencent',
        providerMessageId: '2433:319116624816628765700',
        delivered: true,
        code: 'DELIVRD',
        description: '用户短信送达成功',
        reportedAt: new Date('2026-01-05T00:03:04Z'),
      },
      {
        provider: 'tencent',
        providerMessageId: '2433:319116624816628765701',
        delivered: false,
        code: 'MK:0001',
        description: '空号',
        reportedAt: new Date('2026-01-05T00:03:05Z'),
      },
    ]);
  });

  it('refuses a Tencent callback that is not one', () => {
    expect(violationsOf(() => tencent.parseReceipts({ Response: {} }))).toEqual(['body']);
    expect(
      violationsOf(() =>
        tencent.parseReceipts([
          { user_receive_time: '2026-01-05 08:03:04', report_status: 'DELIVERED', sid: 'x' },
          { user_receive_time: '1736035384', report_status: 'FAIL', errmsg: 1, description: '空号' },
        ]),
      ),
    ).toEqual(['[0].report_status', '[1].sid', '[1].user_receive_time', '[1].errmsg']);
  });
});

describe('FileSmsProvider', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notify-sms-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const readLines = async (path: string) =>
    (await readFile(path, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes one line per message, the number masked, in a folder it creates', async () => {
    const path = join(dir, 'outbox', 'sms.jsonl');
    const clock = new FakeClock('2026-01-05T09:00:00+08:00');
    const file = new FileSmsProvider({ path, clock });
    const text = '【某市政务服务中心】您的申请SL2026000123已受理，咨询请致电13905361111。';
    const outcome = await file.send(aMessage({ text }));
    expect(outcome).toEqual({ kind: 'accepted', providerMessageId: 'file-1' });
    expect(await readLines(path)).toEqual([
      {
        id: 'file-1',
        at: '2026-01-05T01:00:00.000Z',
        key: 'dispatch-0001',
        phone: '138****5678',
        sign: '某市政务服务中心',
        template: 'SMS_123456789',
        text: '【某市政务服务中心】您的申请SL2026000123已受理，咨询请致电139****1111。',
      },
    ]);
    const raw = await readFile(path, 'utf8');
    expect(raw).not.toContain(PHONE);
    expect(raw).not.toContain('13905361111');
  });

  it('answers a key it has written with the same id and writes nothing, also after a restart', async () => {
    const path = join(dir, 'sms.jsonl');
    const file = new FileSmsProvider({ path });
    // Two attempts of one dispatch at once, then a third later.
    const [first, second] = await Promise.all([file.send(aMessage()), file.send(aMessage())]);
    const before = await readFile(path, 'utf8');
    expect(await file.send(aMessage())).toEqual(first);
    expect(second).toEqual(first);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readLines(path)).toHaveLength(1);

    const restarted = new FileSmsProvider({ path });
    expect(await restarted.send(aMessage())).toEqual(first);
    expect(await restarted.send(aMessage({ idempotencyKey: 'dispatch-0002' }))).toEqual({
      kind: 'accepted',
      providerMessageId: 'file-2',
    });
    expect((await readLines(path)).map((line) => line['key'])).toEqual(['dispatch-0001', 'dispatch-0002']);
  });

  it('has no receipts', () => {
    const file = new FileSmsProvider({ path: join(dir, 'sms.jsonl') });
    expect(() => file.parseReceipts([])).toThrow(ValidationError);
  });
});

function violationsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.violations.map((v) => v.field);
    throw error;
  }
  throw new Error('expected a ValidationError');
}
