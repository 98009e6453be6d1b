import { UTC_OFFSET_MS, localDateOf } from '@govhall/calendar';
import { timingV1 } from '@govhall/contracts';
import { ValidationError, enumCodec, type Actor, type Clock, type FieldViolation } from '@govhall/kit';
import {
  INDICATOR_DEFINITIONS,
  computeIndicators,
  type IndicatorGroupingName,
  type IndicatorInput,
} from '../domain/indicators';
import type { TimingStore } from './ports';
import { departmentScope } from './timing-queries';

/** China time, where the halls' months and days begin. */
const DAY_MS = 86_400_000;
const MAX_PERIOD_DAYS = 366;
const MONTH = /^(\d{4})-(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const indicatorGroupingCodec = enumCodec<IndicatorGroupingName>()(timingV1.IndicatorGrouping, {
  INDICATOR_GROUPING_HALL: 'hall',
  INDICATOR_GROUPING_DEPARTMENT: 'department',
  INDICATOR_GROUPING_WINDOW: 'window',
  INDICATOR_GROUPING_ITEM: 'item',
});

export interface TimingIndicatorsOptions {
  readonly store: TimingStore;
  readonly clock: Clock;
}

/** A period of whole China-time days: [from, to), and its first and last day as YYYY-MM-DD. */
export interface IndicatorPeriod {
  readonly from: Date;
  readonly to: Date;
  readonly fromDate: string;
  readonly toDate: string;
}

/** Midnight China time of a calendar day, as an instant; undefined when the day does not exist (2026-02-30). */
function chinaMidnight(year: number, month: number, day: number): Date | undefined {
  const utc = Date.UTC(year, month - 1, day);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return undefined;
  return new Date(utc - UTC_OFFSET_MS);
}

/** The China-time month of an instant, as YYYY-MM. */
export function chinaMonth(instant: Date): string {
  return localDateOf(instant).slice(0, 7);
}

function parseDay(value: string): Date | undefined {
  const match = DATE.exec(value);
  return match ? chinaMidnight(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
}

/**
 * The period of a request: `month` (YYYY-MM), or `from_date` and `to_date` (YYYY-MM-DD, both days included, at most
 * 366 days). Every problem is named by its field.
 */
export function periodOf(
  request: timingV1.GetIndicatorsRequest,
  violations: FieldViolation[],
): IndicatorPeriod | undefined {
  const bad = (field: string, description: string): undefined => void violations.push({ field, description });
  if (request.month) {
    if (request.fromDate || request.toDate) return bad('month', 'give a month or from_date and to_date, not both');
    const match = MONTH.exec(request.month);
    const year = Number(match?.[1]);
    const month = Number(match?.[2]);
    if (!match || month < 1 || month > 12) return bad('month', 'must be YYYY-MM');
    const from = chinaMidnight(year, month, 1);
    const to = chinaMidnight(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1);
    if (!from || !to) return bad('month', 'must be YYYY-MM');
    return { from, to, fromDate: localDateOf(from), toDate: localDateOf(new Date(to.getTime() - DAY_MS)) };
  }
  if (!request.fromDate && !request.toDate) return bad('month', 'give a month (YYYY-MM) or from_date and to_date');
  const first = parseDay(request.fromDate);
  const last = parseDay(request.toDate);
  if (!first) bad('from_date', request.fromDate ? 'must be a date, YYYY-MM-DD' : 'is required with to_date');
  if (!last) bad('to_date', request.toDate ? 'must be a date, YYYY-MM-DD' : 'is required with from_date');
  if (!first || !last) return undefined;
  const days = Math.round((last.getTime() - first.getTime()) / DAY_MS) + 1;
  if (days < 1) return bad('to_date', 'must not be before from_date');
  if (days > MAX_PERIOD_DAYS) return bad('to_date', `the period is at most ${MAX_PERIOD_DAYS} days`);
  return { from: first, to: new Date(last.getTime() + DAY_MS), fromDate: request.fromDate, toDate: request.toDate };
}

/**
 * 月度绩效指标: the monthly performance indicators of a hall, or of one department of it, from the facts the timing
 * service keeps. Supervisors read the whole hall; other staff only their own department (the facts are narrowed to it).
 */
export class TimingIndicators {
  constructor(private readonly options: TimingIndicatorsOptions) {}

  /** The current month in China time (the dashboard's gauges show it). */
  currentMonth(): string {
    return chinaMonth(this.options.clock.now());
  }

  async get(actor: Actor, request: timingV1.GetIndicatorsRequest): Promise<timingV1.GetIndicatorsResponse> {
    const violations: FieldViolation[] = [];
    if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    const period = periodOf(request, violations);
    const grouping =
      request.grouping === timingV1.IndicatorGrouping.INDICATOR_GROUPING_UNSPECIFIED
        ? 'department'
        : indicatorGroupingCodec.fromProto(request.grouping);
    if (!grouping) violations.push({ field: 'grouping', description: 'HALL, DEPARTMENT, WINDOW or ITEM' });
    ValidationError.throwIfAny(violations);
    if (!period || !grouping) throw new Error('unreachable: a valid request has a period and a grouping');

    const departmentId = departmentScope(actor, request.hallId, request.departmentId);

    const { store, clock } = this.options;
    const { from, to } = period;
    const overdueAt = new Date(Math.min(to.getTime(), clock.now().getTime()));
    const [registrations, cases, cards] = await Promise.all([
      store.registrationFactsIn(request.hallId, from, to),
      store.caseFactsFor(request.hallId, from, to),
      store.cardCounts(request.hallId, from, to),
    ]);
    const mine = <T extends { departmentId: string }>(facts: readonly T[]): readonly T[] =>
      departmentId ? facts.filter((f) => f.departmentId === departmentId) : facts;
    const input: IndicatorInput = {
      from,
      to,
      grouping,
      hallId: request.hallId,
      total: departmentId ? { key: departmentId, name: departmentId } : { key: request.hallId, name: request.hallId },
      registrations: mine(registrations),
      cases: mine(cases),
      cards: mine(cards),
      overdueAt,
    };
    const report = computeIndicators(input);
    return {
      hallId: request.hallId,
      fromDate: period.fromDate,
      toDate: period.toDate,
      total: report.total,
      rows: report.rows,
      definitions: INDICATOR_DEFINITIONS,
    };
  }
}
