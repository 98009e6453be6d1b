import type { WorkingCalendar } from '@govhall/calendar';
import { timingV1 } from '@govhall/contracts';
import {
  NotFoundError,
  PermissionDeniedError,
  ValidationError,
  nextPageToken,
  readPage,
  type Actor,
  type Clock,
  type FieldViolation,
} from '@govhall/kit';
import { chinaYearOf, remainingWorkingMs, type ClockState } from '../domain/clock';
import { clockMessage } from './messages';
import type { TimingCalendars, TimingStore } from './ports';
import { isSupervisor, type TimingService } from './timing-service';

const PAGE = { defaultSize: 50, maxSize: 200 };
const LEVEL: Partial<Record<timingV1.AlertLevel, 'yellow' | 'red'>> = {
  [timingV1.AlertLevel.ALERT_LEVEL_YELLOW_CARD]: 'yellow',
  [timingV1.AlertLevel.ALERT_LEVEL_RED_CARD]: 'red',
};
const CARD_STATUS: Partial<Record<timingV1.CardStatus, string>> = {
  [timingV1.CardStatus.CARD_STATUS_ISSUED]: 'issued',
  [timingV1.CardStatus.CARD_STATUS_CONTESTED]: 'contested',
  [timingV1.CardStatus.CARD_STATUS_UPHELD]: 'upheld',
  [timingV1.CardStatus.CARD_STATUS_CANCELLED]: 'cancelled',
};

export interface TimingQueriesOptions {
  readonly store: TimingStore;
  readonly calendars: TimingCalendars;
  readonly clock: Clock;
  readonly service: TimingService;
}

/**
 * The department a staff member may read: supervisors and administrators (督查科, 管委办) read the whole hall, or one
 * department of it; anyone else only their own department (an empty filter becomes theirs).
 */
export function departmentScope(actor: Actor, hallId: string, departmentId: string): string | undefined {
  if (actor.kind === 'service') return departmentId || undefined;
  if (actor.kind !== 'staff') throw new PermissionDeniedError('requires staff');
  if (isSupervisor(actor)) {
    if (actor.hallId !== hallId) throw new PermissionDeniedError(`hall ${hallId} is not yours (${actor.hallId})`);
    return departmentId || undefined;
  }
  if (departmentId && departmentId !== actor.departmentId)
    throw new PermissionDeniedError(`department ${departmentId} is not yours (${actor.departmentId})`);
  if (!actor.departmentId) throw new PermissionDeniedError('requires a department of your own or the supervisor role');
  return actor.departmentId;
}

function requireId(value: string, field: string, violations: FieldViolation[]): void {
  if (!value) violations.push({ field, description: 'is required' });
}

/** The reads: clocks with their remaining working time, overdue lists, the card archive, breaches, rules. */
export class TimingQueries {
  constructor(private readonly options: TimingQueriesOptions) {}

  private async withRemaining(clocks: readonly ClockState[]): Promise<timingV1.Clock[]> {
    const now = this.options.clock.now();
    const calendars = new Map<string, WorkingCalendar | undefined>();
    const answers: timingV1.Clock[] = [];
    for (const clock of clocks) {
      if (!calendars.has(clock.hallId)) {
        calendars.set(
          clock.hallId,
          await this.options.calendars.calendarFor(clock.hallId, chinaYearOf(clock.startedAt)).catch(() => undefined),
        );
      }
      const calendar = calendars.get(clock.hallId);
      answers.push(clockMessage(clock, calendar ? remainingWorkingMs(clock, now, calendar) : undefined));
    }
    return answers;
  }

  async caseClocks(request: timingV1.GetCaseClocksRequest): Promise<timingV1.GetCaseClocksResponse> {
    if (!request.caseId && !request.registrationId)
      throw ValidationError.single('case_id', 'give a case id or a registration id');
    const clocks = await this.options.store.clocksOf(
      request.caseId ? { caseId: request.caseId } : { registrationId: request.registrationId },
    );
    return { clocks: await this.withRemaining(clocks), asOf: this.options.clock.now() };
  }

  async overdue(actor: Actor, request: timingV1.ListOverdueRequest): Promise<timingV1.ListOverdueResponse> {
    const violations: FieldViolation[] = [];
    requireId(request.hallId, 'hall_id', violations);
    const scope = `${request.hallId}|${request.departmentId}`;
    const window = readPage({ size: request.pageSize, token: request.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    const departmentId = departmentScope(actor, request.hallId, request.departmentId);
    const now = this.options.clock.now();
    const rows = await this.options.store.overdue(request.hallId, departmentId, now, {
      offset: window.offset,
      limit: window.limit + 1,
    });
    return {
      clocks: await this.withRemaining(rows.slice(0, window.limit)),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
      asOf: now,
    };
  }

  async cards(actor: Actor, request: timingV1.ListCardsRequest): Promise<timingV1.ListCardsResponse> {
    const violations: FieldViolation[] = [];
    requireId(request.hallId, 'hall_id', violations);
    const level = LEVEL[request.level];
    if (request.level !== timingV1.AlertLevel.ALERT_LEVEL_UNSPECIFIED && !level)
      violations.push({ field: 'level', description: 'YELLOW_CARD, RED_CARD or unspecified (both)' });
    if (request.issuedFrom && request.issuedTo && request.issuedTo <= request.issuedFrom)
      violations.push({ field: 'issued_to', description: 'must be after issued_from' });
    const scope = [
      request.hallId,
      request.departmentId,
      request.level,
      request.status,
      request.caseId,
      request.issuedFrom?.toISOString() ?? '',
      request.issuedTo?.toISOString() ?? '',
    ].join('|');
    const window = readPage({ size: request.pageSize, token: request.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    const departmentId = departmentScope(actor, request.hallId, request.departmentId);
    const status = CARD_STATUS[request.status];
    const rows = await this.options.store.cards(
      {
        hallId: request.hallId,
        ...(departmentId ? { departmentId } : {}),
        ...(level ? { level } : {}),
        ...(status ? { status } : {}),
        ...(request.caseId ? { caseId: request.caseId } : {}),
        ...(request.issuedFrom ? { issuedFrom: request.issuedFrom } : {}),
        ...(request.issuedTo ? { issuedTo: request.issuedTo } : {}),
      },
      { offset: window.offset, limit: window.limit + 1 },
    );
    return {
      cards: rows.slice(0, window.limit),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  async card(actor: Actor, request: timingV1.GetCardRequest): Promise<timingV1.Card> {
    if (!request.cardId) throw ValidationError.single('card_id', 'is required');
    const card = await this.options.store.card(request.cardId);
    if (!card) throw new NotFoundError('card', request.cardId);
    departmentScope(actor, card.hallId, card.departmentId);
    return card;
  }

  async breaches(actor: Actor, request: timingV1.ListRuleBreachesRequest): Promise<timingV1.ListRuleBreachesResponse> {
    const violations: FieldViolation[] = [];
    requireId(request.hallId, 'hall_id', violations);
    const scope = [request.hallId, request.departmentId, request.rule, request.caseId].join('|');
    const window = readPage({ size: request.pageSize, token: request.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    const departmentId = departmentScope(actor, request.hallId, request.departmentId);
    const rows = await this.options.store.breaches(
      {
        hallId: request.hallId,
        ...(departmentId ? { departmentId } : {}),
        ...(request.rule !== timingV1.SupervisionRule.SUPERVISION_RULE_UNSPECIFIED ? { rule: request.rule } : {}),
        ...(request.caseId ? { caseId: request.caseId } : {}),
      },
      { offset: window.offset, limit: window.limit + 1 },
    );
    return {
      breaches: rows.slice(0, window.limit),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  async hallRules(request: timingV1.GetHallRulesRequest): Promise<timingV1.HallRules> {
    if (!request.hallId) throw ValidationError.single('hall_id', 'is required');
    return this.options.service.rulesOf(request.hallId);
  }
}
