/**
 * What the provider adapters share and neither SDK is needed for: China-time parsing of receipts, the daily-limit
 * wait, safe error text. Apart from both so that loading one adapter never loads the other's SDK.
 */
import { UTC_OFFSET_MS } from '@govhall/calendar';
import { maskPersonalData, ValidationError } from '@govhall/kit';
import { chinaTimeOfDayMs } from '../../domain/policy';

const DAY_MS = 86_400_000;

/** Milliseconds from `now` to the next 00:00 in China (UTC+08:00, no DST), when daily limits reset. */
export function untilNextChinaMidnight(now: Date): number {
  return DAY_MS - chinaTimeOfDayMs(now);
}

/**
 * An error message fit for the dispatch log: httpx puts the whole request URL in its network errors, query
 * string (PhoneNumbers, TemplateParam, Signature) included, so the query goes and personal data is masked.
 */
export function safeErrorMessage(message: string): string {
  return maskPersonalData(message.replace(/(\b[a-z]+:\/\/[^\s?]*)\?\S*/gi, '$1'));
}

/** The JSON array a receipt push carries; a string body is parsed first. */
export function receiptArray(body: unknown): unknown[] {
  let parsed = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      parsed = JSON.parse(body.toString());
    } catch {
      throw ValidationError.single('body', 'is not JSON');
    }
  }
  if (!Array.isArray(parsed)) throw ValidationError.single('body', 'must be a JSON array of reports');
  return parsed;
}

const CHINA_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** `yyyy-MM-dd HH:mm:ss` in China (+08:00) as an instant; `undefined` for anything else or an impossible date. */
export function parseChinaTime(value: string): Date | undefined {
  const m = CHINA_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(local);
  // Date.UTC rolls 02-30 over to March and 24:00 to the next day; a round trip refuses both.
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    back.getUTCHours() !== hour ||
    back.getUTCMinutes() !== minute ||
    back.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return new Date(local - UTC_OFFSET_MS);
}
