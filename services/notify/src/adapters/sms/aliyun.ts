/**
 * Aliyun SMS (阿里云短信服务, Dysmsapi 2017-05-25) through its v4 SDK.
 *
 * How the SDK behaves, and why the options below are set as they are:
 * - It sends SendSms as `POST /` with the parameters in the query string, `x-acs-action: SendSms` and an
 *   ACS3-HMAC-SHA256 `Authorization` header; the host is `config.endpoint` and the scheme `config.protocol`
 *   (the API's own `HTTPS` unless the config says otherwise), so `http://127.0.0.1:port` reaches a fake.
 * - Per-message refusals (`isv.*`, `isp.*`) come back as HTTP 200 with `Code` other than `OK`; credential and
 *   QPS problems as HTTP 4xx/5xx, which the SDK throws (`ClientError`, `ThrottlingError`, `ServerError`, each
 *   with `code` and `statusCode`).
 * - It retries only by `config.retryOptions` (the `RuntimeOptions` retry fields are not read by openapi-core 1.x);
 *   it is set to "never" so the dispatcher owns every retry and failover.
 * - Without timeouts it waits 3 s (httpx's default) for connect and for the answer.
 * - SendSms is not idempotent (its reference: "不支持幂等的能力，请您做好幂等控制"): `OutId` is only echoed in
 *   receipts (`out_id`).
 */
import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { systemClock, ValidationError, type Clock, type FieldViolation } from '@govhall/kit';
import type { DeliveryReceipt, SendOutcome, SmsMessage, SmsProvider } from '../../app/sms-provider';
import { parseChinaTime, receiptArray, safeErrorMessage, untilNextChinaMidnight } from './provider-common';

export interface AliyunSmsOptions {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** A host (default `dysmsapi.aliyuncs.com`, HTTPS) or a URL with its scheme, e.g. `http://127.0.0.1:8080`. */
  readonly endpoint?: string;
  /** Default `cn-hangzhou`. */
  readonly regionId?: string;
  /** Connect and answer timeout of one attempt, ms; default 5000 (Aliyun asks for at least 1 s). */
  readonly timeoutMs?: number;
  /** Tells how long a daily limit lasts (until the next midnight in China). */
  readonly clock?: Clock;
}

const DEFAULT_ENDPOINT = 'dysmsapi.aliyuncs.com';
const DEFAULT_TIMEOUT_MS = 5000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** A QPS limit (`Throttling.*`) without the server's `x-acs-retry-after`. */
const QPS_WAIT_MS = 1000;

type Wait = number | 'next-midnight' | 'from-message';
type Rule =
  | { readonly kind: 'throttled'; readonly wait: Wait }
  | { readonly kind: 'transient' | 'provider_refused' | 'invalid_recipient' };

const throttled = (wait: Wait): Rule => ({ kind: 'throttled', wait });
const TRANSIENT: Rule = { kind: 'transient' };
const REFUSED: Rule = { kind: 'provider_refused' };
const INVALID_RECIPIENT: Rule = { kind: 'invalid_recipient' };

/**
 * The codes of help.aliyun.com/document_detail/101346 (API 错误码) we know what to do with; the rest go by
 * prefix (`aliyunRuleFor`). The mapping table of docs/services/notify.md
 * follows this one.
 */
const ALIYUN_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  // Per number and signature (and template): 1/min, 5/h, 10/day for codes, 50/day for notices by default;
  // the message says which ("触发分钟级流控Permits:1", "触发小时级流控…", "触发天级流控…").
  ['isv.BUSINESS_LIMIT_CONTROL', throttled('from-message')],
  ['isv.BUSINESS_LIMIT_HOUR', throttled(HOUR_MS)],
  ['isv.BUSINESS_LIMIT_DAY', throttled('next-midnight')],
  // The account's daily total set in the console: tomorrow, here; the other provider may send today.
  ['isv.DAY_LIMIT_CONTROL', throttled('next-midnight')],
  ['isv.MOBILE_NUMBER_ILLEGAL', INVALID_RECIPIENT],
  ['isv.PHONE_NUMBER_ILLEGAL', INVALID_RECIPIENT],
  // We send one number: "too many numbers" means the stored number is not one number.
  ['isv.MOBILE_COUNT_OVER_LIMIT', INVALID_RECIPIENT],
  ['isv.PHONE_NUMBER_COUNT_OVER_LIMIT', INVALID_RECIPIENT],
  // Template, signature, content: not approved, not matching, or refused here (another provider has its own).
  ['isv.SMS_TEMPLATE_ILLEGAL', REFUSED],
  ['isv.SMS_SIGNATURE_ILLEGAL', REFUSED],
  ['isv.SMS_SIGNATURE_SCENE_ILLEGAL', REFUSED],
  ['isv.SIGN_STATE_ILLEGAL', REFUSED],
  ['isv.SMS_SIGN_ILLEGAL', REFUSED],
  ['isv.TEMPLATE_MISSING_PARAMETERS', REFUSED],
  ['isv.INVALID_JSON_PARAM', REFUSED],
  ['isv.INVALID_PARAMETERS', REFUSED],
  ['isv.PARAM_LENGTH_LIMIT', REFUSED],
  ['isv.PARAM_NOT_SUPPORT_URL', REFUSED],
  ['isv.SMS_CONTENT_ILLEGAL', REFUSED],
  // A blacklisted keyword in the variables (模板变量中存在黑名单关键字): the content, not the recipient.
  ['isv.BLACK_KEY_CONTROL_LIMIT', REFUSED],
  ['isv.DOMESTIC_NUMBER_NOT_SUPPORTED', REFUSED],
  ['isv.EXTEND_CODE_ERROR', REFUSED],
  // Balance, account, the monthly total (a month is too long to wait).
  ['isv.AMOUNT_NOT_ENOUGH', REFUSED],
  ['isv.OUT_OF_SERVICE', REFUSED],
  ['isv.MONTH_LIMIT_CONTROL', REFUSED],
  ['isv.PRODUCT_UN_SUBSCRIPT', REFUSED],
  ['isv.PRODUCT_UNSUBSCRIBE', REFUSED],
  ['isv.ACCOUNT_NOT_EXISTS', REFUSED],
  ['isv.ACCOUNT_ABNORMAL', REFUSED],
  ['isv.DENY_IP_RANGE', REFUSED],
  // An `isp.` code, but the RAM user lacks dysms:SendSms: configuration, which no retry fixes.
  ['isp.RAM_PERMISSION_DENY', REFUSED],
  // Credentials (HTTP 4xx, thrown by the SDK).
  ['InvalidAccessKeyId.NotFound', REFUSED],
  ['InvalidAccessKeyId.Inactive', REFUSED],
  ['SignatureDoesNotMatch', REFUSED],
  ['IncompleteSignature', REFUSED],
  ['InvalidSecurityToken.Expired', REFUSED],
  ['Forbidden.RAM', REFUSED],
  ['Forbidden.AccessKeyDisabled', REFUSED],
  // Aliyun's side; a nonce "used" again can only be a retry of ours that reached it.
  ['isp.SYSTEM_ERROR', TRANSIENT],
  ['isp.GATEWAY_ERROR', TRANSIENT],
  ['isp.UNKNOWN', TRANSIENT],
  ['SignatureNonceUsed', TRANSIENT],
  ['ServiceUnavailable', TRANSIENT],
  ['InternalError', TRANSIENT],
]);

/** The rule for a code: the table, else by prefix and HTTP status. */
function aliyunRuleFor(code: string, httpStatus?: number): Rule {
  const known = ALIYUN_RULES.get(code);
  if (known) return known;
  if (code.startsWith('Throttling')) return throttled(QPS_WAIT_MS);
  if (code.startsWith('isp.')) return TRANSIENT;
  if (httpStatus !== undefined && httpStatus >= 500) return TRANSIENT;
  // Any other `isv.*`, `InvalidAccessKeyId.*`, `Forbidden.*`, … is a definite answer (HTTP 200 or 4xx) that a
  // retry here will not change; another provider may still send it.
  return REFUSED;
}

/** Which per-number limit an `isv.BUSINESS_LIMIT_CONTROL` hit, from its message; a minute when it does not say. */
function businessLimitWait(message: string, now: Date): number {
  if (/分钟|minute/i.test(message)) return MINUTE_MS;
  if (/小时|hour/i.test(message)) return HOUR_MS;
  if (/天|日级|day/i.test(message)) return untilNextChinaMidnight(now);
  return MINUTE_MS;
}

function waitOf(wait: Wait, refusal: { readonly message: string; readonly retryAfterMs?: number }, now: Date): number {
  if (wait === 'next-midnight') return untilNextChinaMidnight(now);
  if (wait === 'from-message') return businessLimitWait(refusal.message, now);
  return refusal.retryAfterMs !== undefined && refusal.retryAfterMs > 0 ? refusal.retryAfterMs : wait;
}

/**
 * Classifies a refusal of Aliyun (any `Code` other than `OK`). `retryAfterMs` is the server's hint of a QPS
 * limit (`x-acs-retry-after`), used when given.
 */
export function classifyAliyunRefusal(
  refusal: {
    readonly code: string;
    readonly message: string;
    readonly httpStatus?: number;
    readonly retryAfterMs?: number;
  },
  now: Date,
): Exclude<SendOutcome, { kind: 'accepted' }> {
  const { code, message } = refusal;
  const rule = aliyunRuleFor(code, refusal.httpStatus);
  switch (rule.kind) {
    case 'throttled':
      return { kind: 'throttled', code, message, retryAfterMs: waitOf(rule.wait, refusal, now) };
    case 'transient':
    case 'provider_refused':
    case 'invalid_recipient':
      return { kind: rule.kind, code, message };
  }
}

/** Splits `http://host:port` / `host` into the SDK's protocol and endpoint (host[:port]). */
function splitEndpoint(endpoint: string): { protocol: 'http' | 'https'; host: string } {
  const match = /^(https?):\/\/([^/]+)\/?$/i.exec(endpoint);
  if (match) return { protocol: match[1]!.toLowerCase() as 'http' | 'https', host: match[2]! };
  return { protocol: 'https', host: endpoint };
}

interface ThrownByAliyun {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly retryAfter?: unknown;
  readonly data?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
}

function noAnswerCode(thrown: ThrownByAliyun): string {
  const name = typeof thrown.name === 'string' ? thrown.name : '';
  if (name.includes('Timeout')) return 'Timeout';
  if (name === 'SyntaxError') return 'MalformedAnswer';
  // ECONNREFUSED, ECONNRESET, ENOTFOUND, …
  return typeof thrown.code === 'string' && thrown.code !== '' ? thrown.code : 'NetworkError';
}

export class AliyunSmsProvider implements SmsProvider {
  readonly name = 'aliyun' as const;
  private readonly client: Dysmsapi;
  private readonly runtime: $dara.RuntimeOptions;
  private readonly clock: Clock;

  constructor(options: AliyunSmsOptions) {
    const { protocol, host } = splitEndpoint(options.endpoint ?? DEFAULT_ENDPOINT);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.clock = options.clock ?? systemClock;
    this.client = new Dysmsapi(
      new $OpenApiUtil.Config({
        accessKeyId: options.accessKeyId,
        accessKeySecret: options.accessKeySecret,
        endpoint: host,
        protocol,
        regionId: options.regionId ?? 'cn-hangzhou',
        readTimeout: timeoutMs,
        connectTimeout: timeoutMs,
        // An SDK retry would send a second SMS behind the dispatcher's back (SendSms is not idempotent).
        retryOptions: new $dara.RetryOptions({ retryable: false }),
      }),
    );
    this.runtime = new $dara.RuntimeOptions({ readTimeout: timeoutMs, connectTimeout: timeoutMs, autoretry: false });
  }

  async send(message: SmsMessage): Promise<SendOutcome> {
    const request = new SendSmsRequest({
      phoneNumbers: message.phone,
      signName: message.signName,
      templateCode: message.providerTemplateId,
      templateParam:
        message.variables.length > 0
          ? JSON.stringify(Object.fromEntries(message.variables.map((v) => [v.name, v.value])))
          : undefined,
      outId: message.idempotencyKey,
    });
    let body: { code?: string; message?: string; bizId?: string; requestId?: string } | undefined;
    try {
      body = (await this.client.sendSmsWithOptions(request, this.runtime)).body;
    } catch (error) {
      return this.classifyThrown(error);
    }
    if (body?.code === 'OK') {
      // Without a BizId the message still left: answering "accepted" beats sending it twice.
      return { kind: 'accepted', providerMessageId: body.bizId || `request:${body.requestId ?? 'unknown'}` };
    }
    if (!body?.code) return { kind: 'transient', code: 'MalformedAnswer', message: 'SendSms answered without a Code' };
    return classifyAliyunRefusal(
      { code: body.code, message: safeErrorMessage(body.message ?? ''), httpStatus: 200 },
      this.clock.now(),
    );
  }

  private classifyThrown(error: unknown): SendOutcome {
    const thrown = (typeof error === 'object' && error !== null ? error : {}) as ThrownByAliyun;
    const message = safeErrorMessage(typeof thrown.message === 'string' ? thrown.message : String(error));
    if (typeof thrown.statusCode === 'number') {
      // An HTTP answer of Aliyun (ClientError / ThrottlingError / ServerError); the SDK writes a missing code
      // as the string "undefined".
      const code =
        typeof thrown.code === 'string' && thrown.code !== '' && thrown.code !== 'undefined'
          ? thrown.code
          : `HTTP_${thrown.statusCode}`;
      return classifyAliyunRefusal(
        {
          code,
          message,
          httpStatus: thrown.statusCode,
          retryAfterMs: typeof thrown.retryAfter === 'number' ? thrown.retryAfter : undefined,
        },
        this.clock.now(),
      );
    }
    // No answer: refused connection, reset, timeout (httpx names those RequestTimeoutError), a body that is
    // not JSON.
    return { kind: 'transient', code: noAnswerCode(thrown), message };
  }

  parseReceipts(body: unknown): DeliveryReceipt[] {
    const items = receiptArray(body);
    const violations: FieldViolation[] = [];
    const receipts: DeliveryReceipt[] = [];
    items.forEach((item, index) => {
      const at = `[${index}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        violations.push({ field: at, description: 'must be an object' });
        return;
      }
      const report = item as Record<string, unknown>;
      const before = violations.length;
      const bizId = report['biz_id'];
      if (typeof bizId !== 'string' || bizId === '')
        violations.push({ field: `${at}.biz_id`, description: 'is required' });
      const success = report['success'];
      if (typeof success !== 'boolean')
        violations.push({ field: `${at}.success`, description: 'must be true or false' });
      const reportTime = report['report_time'];
      const reportedAt = typeof reportTime === 'string' ? parseChinaTime(reportTime) : undefined;
      if (!reportedAt) {
        violations.push({ field: `${at}.report_time`, description: 'must be a China time yyyy-MM-dd HH:mm:ss' });
      }
      const errCode = optionalString(report, 'err_code', at, violations);
      const errMsg = optionalString(report, 'err_msg', at, violations);
      const outId = optionalString(report, 'out_id', at, violations);
      if (violations.length > before) return;
      receipts.push({
        provider: 'aliyun',
        providerMessageId: bizId as string,
        ...(outId ? { idempotencyKey: outId } : {}),
        delivered: success as boolean,
        code: errCode || (success ? 'DELIVERED' : 'UNKNOWN'),
        description: errMsg ?? '',
        reportedAt: reportedAt!,
      });
    });
    ValidationError.throwIfAny(violations);
    return receipts;
  }
}

function optionalString(
  report: Record<string, unknown>,
  key: string,
  at: string,
  violations: FieldViolation[],
): string | undefined {
  const value = report[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    violations.push({ field: `${at}.${key}`, description: 'must be a string' });
    return undefined;
  }
  return value;
}
