/**
 * A local HTTP server that plays Aliyun's and Tencent Cloud's SendSms well enough for their real SDKs: point
 * `AliyunSmsProvider` / `TencentSmsProvider` at `url` and script what it answers.
 *
 * - Aliyun (v4 SDK, ACS3 style): `POST /?PhoneNumbers=…&SignName=…&TemplateCode=…&TemplateParam=…&OutId=…`
 *   with `x-acs-action: SendSms`; a form body (the older RPC style) is read too. Answers JSON
 *   `{Code, Message, BizId, RequestId}`, HTTP 200 for per-message refusals as Aliyun does.
 * - Tencent (API 3.0): `POST /` JSON with `X-TC-Action: SendSms`; answers `{Response: {SendStatusSet, RequestId}}`,
 *   or `{Response: {Error}}` for a request-level error.
 *
 * Signatures are not checked. Requests that are neither are answered 400 and not recorded.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeProviderName = 'aliyun' | 'tencent';

/**
 * What the fake answers one SendSms with. `hang` never answers (for timeouts). A custom `{ code }` is answered
 * as that provider answers a per-message refusal (Aliyun HTTP 200 `Code`, Tencent `SendStatusSet[0].Code`), or
 * with `level: 'request'` as a request-level error (Aliyun HTTP 400, Tencent `Response.Error`).
 */
export type FakeAnswer =
  | 'ok'
  | 'throttled'
  | 'invalid_number'
  | 'server_error'
  | 'template_refused'
  | 'hang'
  // Takes the message (it is delivered) and never answers: a process killed between the provider's acceptance
  // and its own record sees exactly this.
  | 'accept_and_hang'
  | { readonly code: string; readonly message?: string; readonly level?: 'message' | 'request' };

/** One SendSms that reached the fake, parsed. */
export interface FakeSmsRequest {
  readonly provider: FakeProviderName;
  /** 11 digits (Tencent's `+86` taken off). */
  readonly phone: string;
  /** As sent: `13812345678` (Aliyun `PhoneNumbers`), `+8613812345678` (Tencent `PhoneNumberSet[0]`). */
  readonly phoneAsSent: string;
  readonly signName: string;
  readonly templateId: string;
  /**
   * Aliyun: `TemplateParam` by name. Tencent: `TemplateParamSet` by position, keyed `'1'`..`'n'` like the
   * template's `{1}`..`{n}`.
   */
  readonly variables: Readonly<Record<string, string>>;
  /** Aliyun `OutId`, Tencent `SessionContext`. */
  readonly idempotencyKey: string | undefined;
  /** What the fake answered (`ok` for a repeat it deduped). */
  readonly answer: FakeAnswer;
}

/** A message the fake took (answered `ok`, a deduped repeat excepted). */
export interface FakeAcceptedMessage extends Omit<FakeSmsRequest, 'answer'> {
  readonly providerMessageId: string;
}

export interface FakeSmsProviderOptions {
  /**
   * Default false, like the real providers (neither dedupes on OutId / SessionContext). When true, a key the
   * provider already accepted is answered `ok` with the first id, without taking a scripted answer, and is not
   * added to `accepted` again.
   */
  readonly honourIdempotencyKey?: boolean;
}

export interface FakeSmsProvider {
  /** `http://127.0.0.1:<port>`: the `endpoint` of either adapter. */
  readonly url: string;
  /** `127.0.0.1:<port>`. */
  readonly hostPort: string;
  readonly received: readonly FakeSmsRequest[];
  readonly accepted: readonly FakeAcceptedMessage[];
  /** Queues answers for the next SendSms calls to `provider`; `ok` once the queue is empty. */
  script(provider: FakeProviderName, ...answers: FakeAnswer[]): void;
  /** Stops listening, drops hanging requests and open connections. */
  close(): Promise<void>;
}

type Parsed = Omit<FakeSmsRequest, 'answer'>;

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

const json = (status: number, value: unknown): Reply => ({
  status,
  body: JSON.stringify(value),
  contentType: 'application/json;charset=utf-8',
});

const ALIYUN_REFUSALS = {
  throttled: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发小时级流控Permits:5' },
  invalid_number: { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' },
  template_refused: { Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: '模板不合法(不存在或被拉黑)' },
} as const;

const TENCENT_REFUSALS = {
  throttled: {
    Code: 'LimitExceeded.PhoneNumberThirtySecondLimit',
    Message: 'the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit',
  },
  invalid_number: { Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'incorrect phone number' },
  template_refused: {
    Code: 'FailedOperation.TemplateIncorrectOrUnapproved',
    Message: 'template is not approved or request content does not match the approved template content',
  },
} as const;

export async function startFakeSmsProvider(options: FakeSmsProviderOptions = {}): Promise<FakeSmsProvider> {
  const received: FakeSmsRequest[] = [];
  const accepted: FakeAcceptedMessage[] = [];
  const queues: Record<FakeProviderName, FakeAnswer[]> = { aliyun: [], tencent: [] };
  const firstIds = new Map<string, string>();
  const hanging = new Set<http.ServerResponse>();
  const counters: Record<FakeProviderName, number> = { aliyun: 0, tencent: 0 };

  const accept = (request: Parsed): string => {
    counters[request.provider] += 1;
    const id = `${request.provider}-${counters[request.provider]}`;
    accepted.push({ ...request, providerMessageId: id });
    if (request.idempotencyKey !== undefined && !firstIds.has(`${request.provider}:${request.idempotencyKey}`)) {
      firstIds.set(`${request.provider}:${request.idempotencyKey}`, id);
    }
    return id;
  };

  const answerFor = (request: Parsed): { answer: FakeAnswer; id?: string } => {
    const repeat =
      options.honourIdempotencyKey && request.idempotencyKey !== undefined
        ? firstIds.get(`${request.provider}:${request.idempotencyKey}`)
        : undefined;
    if (repeat) return { answer: 'ok', id: repeat };
    const answer = queues[request.provider].shift() ?? 'ok';
    return answer === 'ok' || answer === 'accept_and_hang' ? { answer, id: accept(request) } : { answer };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const request = parseRequest(req, body);
      if (!request) {
        send(res, json(400, { error: 'not a SendSms of Aliyun or Tencent Cloud' }));
        return;
      }
      const { answer, id } = answerFor(request);
      received.push({ ...request, answer });
      if (answer === 'hang' || answer === 'accept_and_hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      send(res, request.provider === 'aliyun' ? aliyunReply(answer, id) : tencentReply(request, answer, id));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    received,
    accepted,
    script(provider, ...answers) {
      queues[provider].push(...answers);
    },
    async close() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function send(res: http.ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

function parseRequest(req: http.IncomingMessage, body: string): Parsed | undefined {
  const aliyunAction = req.headers['x-acs-action'];
  const tencentAction = req.headers['x-tc-action'];
  if (aliyunAction === 'SendSms') return parseAliyun(req, body);
  if (tencentAction === 'SendSms') return parseTencent(body);
  return undefined;
}

function parseAliyun(req: http.IncomingMessage, body: string): Parsed {
  const params = new URL(req.url ?? '/', 'http://fake').searchParams;
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(body)) params.set(name, value);
  }
  const phone = params.get('PhoneNumbers') ?? '';
  const templateParam = params.get('TemplateParam');
  const variables = templateParam ? (JSON.parse(templateParam) as Record<string, string>) : {};
  return {
    provider: 'aliyun',
    phone,
    phoneAsSent: phone,
    signName: params.get('SignName') ?? '',
    templateId: params.get('TemplateCode') ?? '',
    variables,
    idempotencyKey: params.get('OutId') ?? undefined,
  };
}

function parseTencent(body: string): Parsed {
  const request = JSON.parse(body || '{}') as {
    PhoneNumberSet?: string[];
    SignName?: string;
    TemplateId?: string;
    TemplateParamSet?: string[];
    SessionContext?: string;
  };
  const phoneAsSent = request.PhoneNumberSet?.[0] ?? '';
  return {
    provider: 'tencent',
    phone: phoneAsSent.replace(/^(\+86|0086|86)(?=1\d{10}$)/, ''),
    phoneAsSent,
    signName: request.SignName ?? '',
    templateId: request.TemplateId ?? '',
    variables: Object.fromEntries((request.TemplateParamSet ?? []).map((value, i) => [String(i + 1), value])),
    idempotencyKey: request.SessionContext,
  };
}

function aliyunReply(answer: Exclude<FakeAnswer, 'hang' | 'accept_and_hang'>, id: string | undefined): Reply {
  const RequestId = randomUUID().toUpperCase();
  if (answer === 'ok') return json(200, { Code: 'OK', Message: 'OK', BizId: id, RequestId });
  if (answer === 'server_error') {
    return json(503, {
      Code: 'ServiceUnavailable',
      Message: 'The request has failed due to a temporary failure of the server.',
      RequestId,
    });
  }
  if (typeof answer === 'object') {
    const error = { Code: answer.code, Message: answer.message ?? answer.code, RequestId };
    return json(answer.level === 'request' ? 400 : 200, error);
  }
  return json(200, { ...ALIYUN_REFUSALS[answer], RequestId });
}

function tencentReply(
  request: Parsed,
  answer: Exclude<FakeAnswer, 'hang' | 'accept_and_hang'>,
  id: string | undefined,
): Reply {
  const RequestId = randomUUID();
  if (answer === 'server_error') {
    return { status: 503, body: 'Service Unavailable', contentType: 'text/plain' };
  }
  if (typeof answer === 'object' && answer.level === 'request') {
    return json(200, { Response: { Error: { Code: answer.code, Message: answer.message ?? answer.code }, RequestId } });
  }
  const status =
    answer === 'ok'
      ? { SerialNo: id, Fee: 1, Code: 'Ok', Message: 'send success' }
      : {
          SerialNo: '',
          Fee: 0,
          ...(typeof answer === 'object'
            ? { Code: answer.code, Message: answer.message ?? answer.code }
            : TENCENT_REFUSALS[answer]),
        };
  return json(200, {
    Response: {
      SendStatusSet: [
        { PhoneNumber: request.phoneAsSent, SessionContext: request.idempotencyKey ?? '', IsoCode: 'CN', ...status },
      ],
      RequestId,
    },
  });
}
