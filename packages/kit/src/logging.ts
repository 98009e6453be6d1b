import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Personal data (PIPL): resident ID numbers and mainland mobile numbers never reach a log line. They are
 * masked wherever they appear — in the message, in any field, at any depth — not only at known paths,
 * because they hide in free text ("申请人 张三 身份证 370702199001011234").
 */

// 18-character resident ID: 6-digit region, 8-digit birth date, 3-digit sequence, check digit or X.
const ID_NUMBER =
  /(?<![0-9A-Za-z])(\d{6})(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
// Mainland mobile: 11 digits starting 13-19, optionally with +86 / 86 before it.
const MOBILE = /(?<!\d)((?:\+?86)?1[3-9]\d)\d{4}(\d{4})(?!\d)/g;

/** Masks ID numbers as first 6 + last 4 (`370702********1234`) and mobiles as `138****5678`. */
export function maskPersonalData(text: string): string {
  return text
    .replace(ID_NUMBER, (match: string, region: string) => `${region}********${match.slice(-4)}`)
    .replace(MOBILE, (_match: string, head: string, tail: string) => `${head}****${tail}`);
}

/** Masks one mobile number for display (`13812345678` → `138****5678`); anything else is fully hidden. */
export function maskMobile(mobile: string): string {
  return /^1\d{10}$/.test(mobile) ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : '****';
}

/** Masks one ID number for display (`110105********1234`). */
export function maskIdNumber(idNumber: string): string {
  return idNumber.length >= 10
    ? `${idNumber.slice(0, 6)}${'*'.repeat(idNumber.length - 10)}${idNumber.slice(-4)}`
    : '****';
}

const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_ID_CHECK = '10X98765432';

/** ISO 7064 MOD 11-2 check character of a resident ID number's first 17 digits (GB 11643). */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('a resident ID check character needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i]!;
  return RESIDENT_ID_CHECK[sum % 11]!;
}

function maskDeep(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (typeof value === 'number' && Number.isInteger(value) && value > 1e10) return maskPersonalData(String(value));
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      type: value.name,
      message: maskPersonalData(value.message),
      stack: value.stack && maskPersonalData(value.stack),
    };
  }
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, seen));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = maskDeep(inner, seen);
  return out;
}

function maskError(error: Error): Error {
  const copy = new Error(maskPersonalData(error.message));
  copy.name = error.name;
  copy.stack = error.stack && maskPersonalData(error.stack);
  return copy;
}

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where to write; stdout by default. Tests pass a stream to read lines back. */
  destination?: DestinationStream;
}

/** Structured JSON logging (pino) with personal data masked in every line. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The trace a line belongs to, so a log line leads to its trace and back.
      mixin: () => {
        const span = trace.getActiveSpan();
        return span ? { traceId: span.spanContext().traceId } : {};
      },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => maskDeep(object, new WeakSet()) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => {
            if (typeof arg === 'string') return maskPersonalData(arg);
            // pino takes msg from an Error's message itself, after the log formatter: mask a copy first.
            if (arg instanceof Error) return maskError(arg);
            return arg;
          });
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

export type { Logger };
