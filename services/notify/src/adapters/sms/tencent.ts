/**
 * Tencent Cloud SMS (腾讯云短信, API 3.0, version 2021-01-11) through tencentcloud-sdk-nodejs-sms.
 *
 * How the SDK behaves, and why the options below are set as they are:
 * - It POSTs JSON to `<protocol><endpoint>/` with `X-TC-Action: SendSms` and a TC3-HMAC-SHA256
 *   `Authorization`; `profile.httpProfile.{endpoint, protocol}` override the host and the scheme (`http://`
 *   for a fake). The signature's service name is the endpoint's first label (`sms` of sms.tencentcloudapi.com),
 *   so a real endpoint must stay a host name.
 * - A request-level error comes back as HTTP 200 `Response.Error {Code, Message}`, which the SDK throws as a
 *   TencentCloudSDKHttpException with `code`; a non-200 status as the same exception with `httpCode` and no
 *   code; a network error or timeout with neither. Per-number results (the usual refusals: limits, numbers,
 *   templates) come in `SendStatusSet[i].Code` of a successful answer.
 * - It never retries. Its timeout (`httpProfile.reqTimeout`) is in seconds, 60 by default.
 * - Without an `agent` it sends through `process.env.http_proxy` when that is set (NO_PROXY is not read); the
 *   adapter gives it its own agent so a proxy meant for something else never carries SMS.
 * - `SessionContext` is echoed in the SendSms answer (and in pulled statuses, where enabled) and is not a
 *   dedupe key: the API says nothing of idempotency.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { systemClock, ValidationError, type Clock, type FieldViolation } from '@govhall/kit';
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import type { DeliveryReceipt, SendOutcome, SmsMessage, SmsProvider } from '../../app/sms-provider';
import { parseChinaTime, receiptArray, safeErrorMessage, untilNextChinaMidnight } from './provider-common';

export interface TencentSmsOptions {
  readonly secretId: string;
  readonly secretKey: string;
  /** The SMS application (SdkAppId, e.g. 1400006666). */
  readonly smsSdkAppId: string;
  /** Default `ap-guangzhou`. */
  readonly region?: string;
  /** A host (default `sms.tencentcloudapi.com`, HTTPS) or a URL with its scheme, e.g. `http://127.0.0.1:8080`. */
  readonly endpoint?: string;
  /** Timeout of one attempt, ms (connect to the end of the answer); default 5000. */
  readonly timeoutMs?: number;
  /** Tells how long a daily limit lasts (until the next midnight in China). */
  readonly clock?: Clock;
}

type SmsClient = InstanceType<typeof sms.v20210111.Client>;
type SendSmsResponse = Awaited<ReturnType<SmsClient['SendSms']>>;

const DEFAULT_ENDPOINT = 'sms.tencentcloudapi.com';
const DEFAULT_TIMEOUT_MS = 5000;
const HOUR_MS = 3_600_000;

type Wait = number | 'next-midnight';
type Rule =
  | { readonly kind: 'throttled'; readonly wait: Wait }
  | { readonly kind: 'transient' | 'provider_refused' | 'invalid_recipient' };

const throttled = (wait: Wait): Rule => ({ kind: 'throttled', wait });
const TRANSIENT: Rule = { kind: 'transient' };
const REFUSED: Rule = { kind: 'provider_refused' };
const INVALID_RECIPIENT: Rule = { kind: 'invalid_recipient' };

/**
 * The codes of cloud.tencent.com/document/api/382/59177 (短信 API 3.0 发送错误码, also the SDKs' errors.go)
 * we know what to do with; the rest go by prefix (`tencentRuleFor`).
 */
const TENCENT_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  // Per-number limits of the application's frequency settings (短信频率限制).
  ['LimitExceeded.PhoneNumberThirtySecondLimit', throttled(30_000)],
  ['LimitExceeded.PhoneNumberOneHourLimit', throttled(HOUR_MS)],
  ['LimitExceeded.PhoneNumberDailyLimit', throttled('next-midnight')],
  ['LimitExceeded.PhoneNumberSameContentDailyLimit', throttled('next-midnight')],
  // "命中了频率限制策略" without saying which: a minute.
  ['LimitExceeded.DeliveryFrequencyLimit', throttled(60_000)],
  // The application's daily total (and the international one): tomorrow, here.
  ['LimitExceeded.AppDailyLimit', throttled('next-midnight')],
  ['LimitExceeded.DailyLimit', throttled('next-midnight')],
  // API calls per second (request level).
  ['RequestLimitExceeded', throttled(1000)],
  ['LimitExceeded', throttled(1000)],
  ['InvalidParameterValue.IncorrectPhoneNumber', INVALID_RECIPIENT],
  // 免打扰名单: the recipient unsubscribed, or the carrier's do-not-disturb list; no provider gets through.
  ['FailedOperation.PhoneNumberInBlacklist', INVALID_RECIPIENT],
  ['UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber', INVALID_RECIPIENT],
  ['UnsupportedOperation.UnsuportedRegion', INVALID_RECIPIENT],
  // We send one number: "none" or "too many" means the stored number is not one number.
  ['MissingParameter.EmptyPhoneNumberSet', INVALID_RECIPIENT],
  ['LimitExceeded.PhoneNumberCountLimit', INVALID_RECIPIENT],
  ['FailedOperation.TemplateIncorrectOrUnapproved', REFUSED],
  ['FailedOperation.SignatureIncorrectOrUnapproved', REFUSED],
  ['FailedOperation.InsufficientBalanceInSmsPackage', REFUSED],
  ['FailedOperation.ContainSensitiveWord', REFUSED],
  ['FailedOperation.MarketingSendTimeConstraint', REFUSED],
  ['InvalidParameterValue.TemplateParameterFormatError', REFUSED],
  ['InvalidParameterValue.TemplateParameterLengthLimit', REFUSED],
  ['InvalidParameterValue.ContentLengthLimit', REFUSED],
  ['InvalidParameterValue.ProhibitedUseUrlInTemplateParameter', REFUSED],
  ['InvalidParameterValue.SdkAppIdNotExist', REFUSED],
  ['UnauthorizedOperation.SerivceSuspendDueToArrears', REFUSED],
  ['UnauthorizedOperation.SdkAppIdIsDisabled', REFUSED],
  // `InternalError.` codes that are not Tencent's trouble: our clock (>10 min off), a legacy signature.
  ['InternalError.RequestTimeException', REFUSED],
  ['InternalError.SigVerificationFail', REFUSED],
  ['InternalError.SigFieldMissing', REFUSED],
  ['InternalError.RestApiInterfaceNotExist', REFUSED],
  ['InternalError.Timeout', TRANSIENT],
  ['InternalError.SendAndRecvFail', TRANSIENT],
  ['InternalError.OtherError', TRANSIENT],
  ['InternalError.UnknownError', TRANSIENT],
]);

const REFUSED_PREFIXES = [
  'AuthFailure',
  'UnauthorizedOperation',
  'FailedOperation',
  'InvalidParameter',
  'MissingParameter',
  'UnsupportedOperation',
  'InvalidAction',
  'ActionOffline',
  'NoSuchVersion',
  'NoSuchProduct',
  'IpInBlacklist',
  'IpNotInWhitelist',
];

/** The rule for a code: the table, else by prefix; anything unknown is presumed passing. */
function tencentRuleFor(code: string): Rule {
  const known = TENCENT_RULES.get(code);
  if (known) return known;
  if (code.startsWith('RequestLimitExceeded')) return throttled(1000);
  if (code.startsWith('LimitExceeded')) return throttled(60_000);
  if (code.startsWith('InternalError')) return TRANSIENT;
  if (REFUSED_PREFIXES.some((prefix) => code === prefix || code.startsWith(`${prefix}.`))) return REFUSED;
  // ResourceUnavailable.*, ServiceUnavailable, codes added later.
  return TRANSIENT;
}

/** Classifies a refusal of Tencent Cloud, per number (`SendStatusSet[].Code`) or for the request (`Error.Code`). */
export function classifyTencentRefusal(
  refusal: { readonly code: string; readonly message: string },
  now: Date,
): Exclude<SendOutcome, { kind: 'accepted' }> {
  const { code, message } = refusal;
  const rule = tencentRuleFor(code);
  switch (rule.kind) {
    case 'throttled':
      return {
        kind: 'throttled',
        code,
        message,
        retryAfterMs: rule.wait === 'next-midnight' ? untilNextChinaMidnight(now) : rule.wait,
      };
    case 'transient':
    case 'provider_refused':
    case 'invalid_recipient':
      return { kind: rule.kind, code, message };
  }
}

interface ThrownByTencent {
  readonly code?: unknown;
  readonly httpCode?: unknown;
  readonly message?: unknown;
}

export class TencentSmsProvider implements SmsProvider {
  readonly name = 'tencent' as const;
  private readonly client: SmsClient;
  private readonly smsSdkAppId: string;
  private readonly clock: Clock;

  constructor(options: TencentSmsOptions) {
    const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
    const url = /^(https?):\/\/([^/]+)\/?$/i.exec(endpoint);
    const protocol = url ? `${url[1]!.toLowerCase()}://` : 'https://';
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.smsSdkAppId = options.smsSdkAppId;
    this.clock = options.clock ?? systemClock;
    this.client = new sms.v20210111.Client({
      credential: { secretId: options.secretId, secretKey: options.secretKey },
      region: options.region ?? 'ap-guangzhou',
      profile: {
        httpProfile: {
          endpoint: url ? url[2]! : endpoint,
          protocol,
          reqMethod: 'POST',
          reqTimeout: timeoutMs / 1000,
          agent: protocol === 'http://' ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true }),
        },
      },
    });
  }

  async send(message: SmsMessage): Promise<SendOutcome> {
    let answer: SendSmsResponse;
    try {
      answer = await this.client.SendSms({
        PhoneNumberSet: [`+86${message.phone}`],
        SmsSdkAppId: this.smsSdkAppId,
        SignName: message.signName,
        TemplateId: message.providerTemplateId,
        TemplateParamSet: message.variables.map((v) => v.value),
        SessionContext: message.idempotencyKey,
      });
    } catch (error) {
      return this.classifyThrown(error);
    }
    const status = answer.SendStatusSet?.[0];
    if (!status?.Code) {
      return { kind: 'transient', code: 'MalformedAnswer', message: 'SendSms answered without a SendStatusSet' };
    }
    if (status.Code === 'Ok') {
      // Without a SerialNo the message still left: answering "accepted" beats sending it twice.
      return { kind: 'accepted', providerMessageId: status.SerialNo || `request:${answer.RequestId ?? 'unknown'}` };
    }
    return classifyTencentRefusal(
      { code: status.Code, message: safeErrorMessage(status.Message ?? '') },
      this.clock.now(),
    );
  }

  private classifyThrown(error: unknown): SendOutcome {
    const thrown = (typeof error === 'object' && error !== null ? error : {}) as ThrownByTencent;
    const message = safeErrorMessage(typeof thrown.message === 'string' ? thrown.message : String(error));
    if (typeof thrown.code === 'string' && thrown.code !== '') {
      return classifyTencentRefusal({ code: thrown.code, message }, this.clock.now());
    }
    if (typeof thrown.httpCode === 'number') {
      return { kind: 'transient', code: `HTTP_${thrown.httpCode}`, message };
    }
    // node-fetch: "network timeout at: <url>" for the timeout, "request to <url> failed, reason: …" otherwise.
    return { kind: 'transient', code: /timeout/i.test(message) ? 'Timeout' : 'NetworkError', message };
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
      const sid = report['sid'];
      if (typeof sid !== 'string' || sid === '') violations.push({ field: `${at}.sid`, description: 'is required' });
      const status = report['report_status'];
      if (status !== 'SUCCESS' && status !== 'FAIL') {
        violations.push({ field: `${at}.report_status`, description: 'must be SUCCESS or FAIL' });
      }
      const receivedAt = report['user_receive_time'];
      const reportedAt = typeof receivedAt === 'string' ? parseChinaTime(receivedAt) : undefined;
      if (!reportedAt) {
        violations.push({ field: `${at}.user_receive_time`, description: 'must be a China time yyyy-MM-dd HH:mm:ss' });
      }
      const errmsg = report['errmsg'];
      if (errmsg !== undefined && typeof errmsg !== 'string') {
        violations.push({ field: `${at}.errmsg`, description: 'must be a string' });
      }
      const description = report['description'];
      if (description !== undefined && typeof description !== 'string') {
        violations.push({ field: `${at}.description`, description: 'must be a string' });
      }
      if (violations.length > before) return;
      receipts.push({
        provider: 'tencent',
        providerMessageId: sid as string,
        delivered: status === 'SUCCESS',
        // errmsg is the carrier's status code (DELIVRD, MK:0001, …); report_status when it is missing.
        code: (errmsg as string | undefined) || (status as string),
        description: (description as string | undefined) ?? '',
        reportedAt: reportedAt!,
      });
    });
    ValidationError.throwIfAny(violations);
    return receipts;
  }
}
