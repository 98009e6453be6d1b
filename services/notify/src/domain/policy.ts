/**
 * When a message may go, and how: quiet hours, per-number limits, backoff between attempts, and which provider
 * an attempt uses (failover). Pure; the dispatcher applies it.
 */
import { UTC_OFFSET_MS } from '@govhall/calendar';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** `HH:MM` → minutes after midnight; undefined when malformed. */
export function minutesOfDay(value: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Milliseconds since the last midnight in China at `now`. */
export function chinaTimeOfDayMs(now: Date): number {
  const local = now.getTime() + UTC_OFFSET_MS;
  return local - Math.floor(local / DAY_MS) * DAY_MS;
}

/**
 * The end of the quiet hours `now` falls in (China time), or undefined when it falls in none. Start and end are
 * `HH:MM`; a start after the end runs past midnight (21:00 to 08:00); equal ones mean no quiet hours.
 */
export function quietUntil(now: Date, start: string, end: string): Date | undefined {
  const from = minutesOfDay(start);
  const to = minutesOfDay(end);
  if (from === undefined || to === undefined || from === to) return undefined;
  const sinceMidnight = chinaTimeOfDayMs(now);
  const midnight = now.getTime() + UTC_OFFSET_MS - sinceMidnight;
  const minute = sinceMidnight / MINUTE_MS;
  const inside = from < to ? minute >= from && minute < to : minute >= from || minute < to;
  if (!inside) return undefined;
  const endDay = from < to || minute < to ? midnight : midnight + DAY_MS;
  return new Date(endDay + to * MINUTE_MS - UTC_OFFSET_MS);
}

/** How often one number may be written to (defaults from the providers' rules; docs/services/notify.md). */
export interface NumberLimits {
  /** Tencent: one message per 30 s per number by default. */
  readonly minIntervalMs: number;
  readonly perHour: number;
  /** Per China day (the providers count natural days). */
  readonly perDay: number;
}

/**
 * The earliest instant a message to a number may go, given when earlier ones went (any order, the last 24 h are
 * enough): `now` when no limit stands in the way.
 */
export function nextAllowed(now: Date, sentAt: readonly Date[], limits: NumberLimits): Date {
  const times = sentAt.map((d) => d.getTime()).sort((a, b) => a - b);
  let at = now.getTime();
  const last = times[times.length - 1];
  if (last !== undefined) at = Math.max(at, last + limits.minIntervalMs);
  const hourly = times.filter((t) => t > at - HOUR_MS);
  if (hourly.length >= limits.perHour) at = Math.max(at, hourly[hourly.length - limits.perHour]! + HOUR_MS);
  const local = at + UTC_OFFSET_MS;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS - UTC_OFFSET_MS;
  if (times.filter((t) => t >= dayStart).length >= limits.perDay) at = Math.max(at, dayStart + DAY_MS);
  return new Date(at);
}

/** Exponential backoff with ±20 % jitter: base, 2×base, 4×base …, at most `maxMs`. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exact = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exact * (0.8 + 0.4 * random()));
}

/** What an attempt came to (the provider port's outcomes, and ours before any provider). */
export type AttemptOutcomeKind =
  'accepted' | 'throttled' | 'transient' | 'provider_refused' | 'invalid_recipient' | 'not_sendable';

export interface PastAttempt {
  /** Empty for an attempt that reached no provider. */
  readonly provider: string;
  readonly outcome: AttemptOutcomeKind;
}

/**
 * The provider of the next attempt: never one that refused this message; after a transient failure or a throttle
 * at one provider, the other one; otherwise the first configured. Undefined when every provider refused.
 */
export function chooseProvider<P extends string>(
  configured: readonly P[],
  history: readonly PastAttempt[],
  canSend: (provider: P) => boolean,
): P | undefined {
  const refused = new Set<string>(history.filter((a) => a.outcome === 'provider_refused').map((a) => a.provider));
  const usable = configured.filter((p) => !refused.has(p) && canSend(p));
  if (usable.length === 0) return undefined;
  const last = [...history].reverse().find((a) => a.provider);
  if (last && (last.outcome === 'transient' || last.outcome === 'throttled')) {
    const other = usable.find((p) => p !== last.provider);
    if (other) return other;
  }
  return usable[0];
}
