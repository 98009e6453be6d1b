import { TimingEvents, timingV1 } from '@govhall/contracts';
import {
  CommandRunner,
  eventFactory,
  type Clock,
  type CommandKey,
  type CommittedEventSink,
  type IdGenerator,
} from '@govhall/kit';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { z } from 'zod';
import type {
  BreachFilter,
  CardFilter,
  ClaimedClock,
  FiredBatch,
  ListWindow,
  TimingEventDraft,
  TimingStore,
  TimingTx,
} from '../../app/ports';
import type { Adjustment, ClockState, Step } from '../../domain/clock';
import type { CaseFacts, RegistrationFacts } from '../../domain/indicators';
import type { LeaderChain } from '../../domain/recipients';
import type { StageTrail } from '../../domain/supervision';
import type { ClocksTable, TimingTables } from './tables';

export interface TimingStoreOptions {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly regionCode: string;
  readonly sink?: CommittedEventSink;
}

type ClockRow = Selectable<ClocksTable>;

const date = (value: Date | string | null | undefined): Date | undefined =>
  value === null || value === undefined ? undefined : new Date(value);

export function clockFromRow(row: ClockRow): ClockState {
  const dueAt = date(row.due_at);
  const pausedSince = date(row.paused_since);
  const nextFireAt = date(row.next_fire_at);
  const stoppedAt = date(row.stopped_at);
  return {
    id: row.id,
    key: row.clock_key,
    kind: row.kind as ClockState['kind'],
    status: row.status as ClockState['status'],
    caseId: row.case_id,
    caseNumber: row.case_number,
    registrationId: row.registration_id,
    itemId: row.item_id,
    itemName: row.item_name,
    applicantId: row.applicant_id,
    stage: row.stage,
    stageSeq: row.stage_seq,
    subtaskCode: row.subtask_code,
    hallId: row.hall_id,
    departmentId: row.department_id,
    windowId: row.window_id,
    handlerStaffId: row.handler_staff_id,
    budget: { amount: row.budget_amount, unit: row.budget_unit as ClockState['budget']['unit'] },
    startedAt: new Date(row.started_at),
    adjustments: row.adjustments as Adjustment[],
    ...(dueAt ? { dueAt } : {}),
    ...(pausedSince ? { pausedSince } : {}),
    pausedWorkingMs: Number(row.paused_working_ms),
    ...(row.parked_year !== null ? { parkedYear: row.parked_year } : {}),
    steps: row.steps as Step[],
    firedSteps: row.fired_steps,
    ...(nextFireAt ? { nextFireAt } : {}),
    ...(stoppedAt ? { stoppedAt } : {}),
    overdue: row.overdue,
  };
}

function clockColumns(c: ClockState) {
  return {
    clock_key: c.key,
    kind: c.kind,
    status: c.status,
    case_id: c.caseId,
    case_number: c.caseNumber,
    registration_id: c.registrationId,
    item_id: c.itemId,
    item_name: c.itemName,
    applicant_id: c.applicantId,
    stage: c.stage,
    stage_seq: c.stageSeq,
    subtask_code: c.subtaskCode,
    hall_id: c.hallId,
    department_id: c.departmentId,
    window_id: c.windowId,
    handler_staff_id: c.handlerStaffId,
    budget_amount: c.budget.amount,
    budget_unit: c.budget.unit,
    started_at: c.startedAt,
    adjustments: JSON.stringify(c.adjustments),
    due_at: c.dueAt ?? null,
    paused_since: c.pausedSince ?? null,
    paused_working_ms: c.pausedWorkingMs,
    parked_year: c.status === 'parked' ? (c.parkedYear ?? null) : null,
    steps: JSON.stringify(c.steps),
    fired_steps: c.firedSteps,
    next_fire_at: c.status === 'running' ? (c.nextFireAt ?? null) : null,
    stopped_at: c.stoppedAt ?? null,
    overdue: c.overdue,
    updated_at: new Date(),
  };
}

function registrationFactsFrom(row: Selectable<TimingTables['registration_facts']>): RegistrationFacts {
  const decidedAt = date(row.decided_at);
  return {
    registrationId: row.registration_id,
    hallId: row.hall_id,
    departmentId: row.department_id,
    windowId: row.window_id,
    itemId: row.item_id,
    itemName: row.item_name,
    registeredAt: new Date(row.registered_at),
    ...(row.outcome ? { outcome: row.outcome as 'accepted' | 'refused' } : {}),
    ...(decidedAt ? { decidedAt } : {}),
    ...(row.acceptance_working_ms !== null ? { acceptanceWorkingMs: Number(row.acceptance_working_ms) } : {}),
  };
}

function caseFactsFrom(row: Selectable<TimingTables['case_facts']>): CaseFacts {
  const promisedDueAt = date(row.promised_due_at);
  const completedAt = date(row.completed_at);
  return {
    caseId: row.case_id,
    caseNumber: row.case_number,
    hallId: row.hall_id,
    departmentId: row.department_id,
    windowId: row.window_id,
    itemId: row.item_id,
    itemName: row.item_name,
    acceptedAt: new Date(row.accepted_at),
    ...(row.statutory_working_days !== null ? { statutoryWorkingDays: row.statutory_working_days } : {}),
    ...(row.promised_working_days !== null ? { promisedWorkingDays: row.promised_working_days } : {}),
    ...(promisedDueAt ? { promisedDueAt } : {}),
    ...(completedAt ? { completedAt } : {}),
    completedOnTheSpot: row.completed_on_the_spot,
    ...(row.actual_working_days !== null ? { actualWorkingDays: row.actual_working_days } : {}),
    ...(row.on_time !== null ? { onTime: row.on_time } : {}),
    ...(row.early !== null ? { early: row.early } : {}),
  };
}

function caseFactsColumns(f: CaseFacts) {
  return {
    case_id: f.caseId,
    case_number: f.caseNumber,
    hall_id: f.hallId,
    department_id: f.departmentId,
    window_id: f.windowId,
    item_id: f.itemId,
    item_name: f.itemName,
    accepted_at: f.acceptedAt,
    statutory_working_days: f.statutoryWorkingDays ?? null,
    promised_working_days: f.promisedWorkingDays ?? null,
    promised_due_at: f.promisedDueAt ?? null,
    completed_at: f.completedAt ?? null,
    completed_on_the_spot: f.completedOnTheSpot,
    actual_working_days: f.actualWorkingDays ?? null,
    on_time: f.onTime ?? null,
    early: f.early ?? null,
  };
}

const cardOf = (json: unknown): timingV1.Card => timingV1.Card.fromJSON(json);
const LEVEL_COLUMN: Partial<Record<timingV1.AlertLevel, string>> = {
  [timingV1.AlertLevel.ALERT_LEVEL_YELLOW_CARD]: 'yellow',
  [timingV1.AlertLevel.ALERT_LEVEL_RED_CARD]: 'red',
};
const CARD_STATUS_COLUMN: Record<string, string> = {
  [timingV1.CardStatus.CARD_STATUS_ISSUED]: 'issued',
  [timingV1.CardStatus.CARD_STATUS_CONTESTED]: 'contested',
  [timingV1.CardStatus.CARD_STATUS_UPHELD]: 'upheld',
  [timingV1.CardStatus.CARD_STATUS_CANCELLED]: 'cancelled',
};

interface ClaimRow extends ClockRow {
  chain_department_id: string | null;
  chief_representative_id: string | null;
  deputy_leader_id: string | null;
  principal_leader_id: string | null;
  chain_version: number | null;
}

/** The timing store over PostgreSQL (Kysely, schema `timing`). */
export class PgTimingStore implements TimingStore {
  private readonly runner: CommandRunner<TimingTables>;
  private readonly factory: ReturnType<typeof eventFactory>;

  constructor(
    private readonly database: { readonly db: Kysely<TimingTables>; readonly schema: string },
    private readonly options: TimingStoreOptions,
  ) {
    this.runner = new CommandRunner({ database, ...(options.sink ? { sink: options.sink } : {}) });
    this.factory = eventFactory(options);
  }

  private get db(): Kysely<TimingTables> {
    return this.database.db;
  }

  private table(name: string) {
    return sql.raw(`${this.database.schema}.${name}`);
  }

  command<T>(key: CommandKey<T>, work: (tx: TimingTx) => Promise<T>): Promise<T> {
    return this.runner.run(key, (scope) =>
      work(new PgTimingTx(scope.trx, (event, caseId) => scope.emit(this.envelope(event, caseId)))),
    );
  }

  private envelope(event: TimingEventDraft, caseId: string | undefined) {
    const options = caseId ? { caseId } : undefined;
    switch (event.name) {
      case 'warningIssued':
        return this.factory.create(TimingEvents.warningIssued, event.payload, options);
      case 'yellowCard':
        return this.factory.create(TimingEvents.yellowCard, event.payload, options);
      case 'redCard':
        return this.factory.create(TimingEvents.redCard, event.payload, options);
      case 'cardCancelled':
        return this.factory.create(TimingEvents.cardCancelled, event.payload, options);
      case 'ruleBreached':
        return this.factory.create(TimingEvents.ruleBreached, event.payload, options);
    }
  }

  async clocksOf(ref: { caseId?: string; registrationId?: string }): Promise<ClockState[]> {
    if (!ref.caseId && !ref.registrationId) return [];
    let query = this.db.selectFrom('clocks').selectAll();
    query = ref.caseId
      ? query.where('case_id', '=', ref.caseId)
      : query.where('registration_id', '=', ref.registrationId ?? '');
    const rows = await query.orderBy('started_at').orderBy('stage_seq').execute();
    return rows.map(clockFromRow);
  }

  async overdue(
    hallId: string,
    departmentId: string | undefined,
    now: Date,
    window: ListWindow,
  ): Promise<ClockState[]> {
    let query = this.db
      .selectFrom('clocks')
      .selectAll()
      .where('status', '=', 'running')
      .where('hall_id', '=', hallId)
      .where('due_at', '<', now);
    if (departmentId) query = query.where('department_id', '=', departmentId);
    const rows = await query.orderBy('due_at').orderBy('id').limit(window.limit).offset(window.offset).execute();
    return rows.map(clockFromRow);
  }

  async cards(filter: CardFilter, window: ListWindow): Promise<timingV1.Card[]> {
    let query = this.db.selectFrom('cards').select('card').where('hall_id', '=', filter.hallId);
    if (filter.departmentId) query = query.where('department_id', '=', filter.departmentId);
    if (filter.level) query = query.where('level', '=', filter.level);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.caseId) query = query.where('case_id', '=', filter.caseId);
    if (filter.issuedFrom) query = query.where('issued_at', '>=', filter.issuedFrom);
    if (filter.issuedTo) query = query.where('issued_at', '<', filter.issuedTo);
    const rows = await query
      .orderBy('issued_at', 'desc')
      .orderBy('id', 'desc')
      .limit(window.limit)
      .offset(window.offset)
      .execute();
    return rows.map((r) => cardOf(r.card));
  }

  async card(cardId: string): Promise<timingV1.Card | undefined> {
    const row = await this.db.selectFrom('cards').select('card').where('id', '=', cardId).executeTakeFirst();
    return row ? cardOf(row.card) : undefined;
  }

  async breaches(filter: BreachFilter, window: ListWindow): Promise<timingV1.RuleBreach[]> {
    let query = this.db.selectFrom('rule_breaches').select('breach').where('hall_id', '=', filter.hallId);
    if (filter.departmentId) query = query.where('department_id', '=', filter.departmentId);
    if (filter.rule) query = query.where('rule', '=', filter.rule);
    if (filter.caseId) query = query.where('case_id', '=', filter.caseId);
    const rows = await query
      .orderBy('detected_at', 'desc')
      .orderBy('id', 'desc')
      .limit(window.limit)
      .offset(window.offset)
      .execute();
    return rows.map((r) => timingV1.RuleBreach.fromJSON(r.breach));
  }

  async rules(hallId: string): Promise<timingV1.HallRules | undefined> {
    const row = await this.db.selectFrom('hall_rules').select('rules').where('hall_id', '=', hallId).executeTakeFirst();
    return row ? timingV1.HallRules.fromJSON(row.rules) : undefined;
  }

  async fireDue(now: Date, limit: number, fire: (claimed: readonly ClaimedClock[]) => FiredBatch): Promise<FiredBatch> {
    let written: FiredBatch = { clocks: [], alerts: [], cards: [], warnings: [] };
    await this.runner.run(
      { requestId: `fire.${this.options.ids.next()}`, operation: 'FireDue', request: {}, result: z.number() },
      async (scope) => {
        const trx = scope.trx;
        const claimed = await sql<ClaimRow>`
          SELECT c.*, l.department_id AS chain_department_id, l.chief_representative_id, l.deputy_leader_id,
                 l.principal_leader_id, l.version AS chain_version
          FROM ${this.table('clocks')} c
          LEFT JOIN ${this.table('leader_chains')} l ON l.department_id = c.department_id
          WHERE c.next_fire_at <= ${now}
          ORDER BY c.next_fire_at
          LIMIT ${limit}
          FOR UPDATE OF c SKIP LOCKED`.execute(trx);
        if (claimed.rows.length === 0) return 0;
        const batch = fire(
          claimed.rows.map((row) => ({
            clock: clockFromRow(row),
            leaders: row.chain_department_id
              ? {
                  departmentId: row.chain_department_id,
                  chiefRepresentativeId: row.chief_representative_id ?? '',
                  deputyLeaderId: row.deputy_leader_id ?? '',
                  principalLeaderId: row.principal_leader_id ?? '',
                  version: row.chain_version ?? 0,
                }
              : undefined,
          })),
        );
        // Each card's JSON is built once, for its row and its event.
        const cardJson = new Map(batch.cards.map((card) => [card.id, timingV1.Card.toJSON(card)]));
        const cards = await this.insertCards(trx, batch.cards, cardJson);
        await sql`
          UPDATE ${this.table('clocks')} c
          SET steps = x.steps, fired_steps = x.fired_steps, next_fire_at = x.next_fire_at, updated_at = ${now}
          FROM jsonb_to_recordset(${JSON.stringify(
            batch.clocks.map((c) => ({
              id: c.id,
              steps: c.steps,
              fired_steps: c.firedSteps,
              next_fire_at: c.nextFireAt?.toISOString() ?? null,
            })),
          )}::jsonb) AS x(id uuid, steps jsonb, fired_steps integer, next_fire_at timestamptz)
          WHERE c.id = x.id`.execute(trx);
        for (const card of cards) {
          const contract =
            card.level === timingV1.AlertLevel.ALERT_LEVEL_RED_CARD ? TimingEvents.redCard : TimingEvents.yellowCard;
          scope.emit({
            id: this.options.ids.next(),
            type: contract.type,
            schemaVersion: contract.schemaVersion,
            occurredAt: this.options.clock.now().toISOString(),
            regionCode: this.options.regionCode,
            ...(card.caseId ? { caseId: card.caseId } : {}),
            data: { card: cardJson.get(card.id) },
          });
        }
        for (const warning of batch.warnings) {
          scope.emit(this.envelope({ name: 'warningIssued', payload: warning }, warning.clock?.caseId || undefined));
        }
        written = { clocks: batch.clocks, alerts: batch.alerts, cards, warnings: batch.warnings };
        return claimed.rows.length;
      },
    );
    return written;
  }

  /**
   * Cards once per clock and level: a card already written (a replica's, before a crash) is left as it is. The
   * issue itself is the card's first history entry, in the card; `card_history` rows record the changes after it.
   */
  private async insertCards(
    trx: Transaction<TimingTables>,
    cards: readonly timingV1.Card[],
    json: ReadonlyMap<string, unknown>,
  ): Promise<timingV1.Card[]> {
    if (cards.length === 0) return [];
    const rows = cards.map((card) => ({
      id: card.id,
      clock_id: card.clockId,
      level: LEVEL_COLUMN[card.level],
      status: 'issued',
      card: json.get(card.id),
      case_id: card.caseId,
      hall_id: card.hallId,
      department_id: card.departmentId,
      issued_at: card.issuedAt?.toISOString(),
    }));
    const inserted = await sql<{ id: string }>`
      INSERT INTO ${this.table('cards')} (id, clock_id, level, status, card, case_id, hall_id, department_id, issued_at)
      SELECT x.id, x.clock_id, x.level, x.status, x.card, x.case_id, x.hall_id, x.department_id, x.issued_at
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id uuid, clock_id uuid, level text, status text,
        card jsonb, case_id text, hall_id text, department_id text, issued_at timestamptz)
      ON CONFLICT (clock_id, level) DO NOTHING
      RETURNING id`.execute(trx);
    const ids = new Set(inserted.rows.map((r) => r.id));
    return cards.filter((c) => ids.has(c.id));
  }

  async nextFireAt(): Promise<Date | undefined> {
    const row = await this.db
      .selectFrom('clocks')
      .select('next_fire_at')
      .where('next_fire_at', 'is not', null)
      .orderBy('next_fire_at')
      .limit(1)
      .executeTakeFirst();
    return date(row?.next_fire_at);
  }

  async parkedClocks(year: number | undefined, limit: number): Promise<ClockState[]> {
    let query = this.db.selectFrom('clocks').selectAll().where('status', '=', 'parked');
    if (year !== undefined) query = query.where('parked_year', '=', year);
    const rows = await query.orderBy('started_at').limit(limit).execute();
    return rows.map(clockFromRow);
  }

  async activeHalls(): Promise<{ hallId: string; parked: number }[]> {
    const rows = await this.db
      .selectFrom('clocks')
      .select(['hall_id', sql<string>`count(*) FILTER (WHERE status = 'parked')`.as('parked')])
      .where('status', '<>', 'stopped')
      .groupBy('hall_id')
      .orderBy('hall_id')
      .execute();
    return rows.map((r) => ({ hallId: r.hall_id, parked: Number(r.parked) }));
  }

  async registrationFactsIn(hallId: string, from: Date, to: Date): Promise<RegistrationFacts[]> {
    const rows = await this.db
      .selectFrom('registration_facts')
      .selectAll()
      .where('hall_id', '=', hallId)
      .where((eb) =>
        eb.or([
          eb.and([eb('registered_at', '>=', from), eb('registered_at', '<', to)]),
          eb.and([eb('decided_at', '>=', from), eb('decided_at', '<', to)]),
        ]),
      )
      .execute();
    return rows.map(registrationFactsFrom);
  }

  async caseFactsFor(hallId: string, from: Date, to: Date): Promise<CaseFacts[]> {
    const rows = await this.db
      .selectFrom('case_facts')
      .selectAll()
      .where('hall_id', '=', hallId)
      .where('accepted_at', '<', to)
      .where((eb) => eb.or([eb('completed_at', 'is', null), eb('completed_at', '>=', from)]))
      .execute();
    return rows.map(caseFactsFrom);
  }

  async cardCounts(
    hallId: string,
    from: Date,
    to: Date,
  ): Promise<{ departmentId: string; windowId: string; itemId: string; level: string }[]> {
    const rows = await this.db
      .selectFrom('cards')
      .innerJoin('clocks', 'clocks.id', 'cards.clock_id')
      .select(['cards.department_id', 'clocks.window_id', 'clocks.item_id', 'cards.level'])
      .where('cards.hall_id', '=', hallId)
      .where('cards.status', '<>', 'cancelled')
      .where('cards.issued_at', '>=', from)
      .where('cards.issued_at', '<', to)
      .execute();
    return rows.map((r) => ({
      departmentId: r.department_id,
      windowId: r.window_id,
      itemId: r.item_id,
      level: r.level,
    }));
  }

  async indicatorHalls(since: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom('case_facts')
      .select('hall_id')
      .where((eb) => eb.or([eb('accepted_at', '>=', since), eb('completed_at', 'is', null)]))
      .union(this.db.selectFrom('registration_facts').select('hall_id').where('registered_at', '>=', since))
      .execute();
    return [...new Set(rows.map((r) => r.hall_id))].sort();
  }
}

class PgTimingTx implements TimingTx {
  constructor(
    private readonly trx: Transaction<TimingTables>,
    readonly emit: (event: TimingEventDraft, caseId?: string) => void,
  ) {}

  async clock(key: string): Promise<ClockState | undefined> {
    const row = await this.trx
      .selectFrom('clocks')
      .selectAll()
      .where('clock_key', '=', key)
      .forUpdate()
      .executeTakeFirst();
    return row ? clockFromRow(row) : undefined;
  }

  async clocksOfCase(caseId: string): Promise<ClockState[]> {
    const rows = await this.trx
      .selectFrom('clocks')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('started_at')
      .forUpdate()
      .execute();
    return rows.map(clockFromRow);
  }

  async saveClock(clock: ClockState): Promise<void> {
    const columns = clockColumns(clock);
    await this.trx
      .insertInto('clocks')
      .values({ id: clock.id, ...columns })
      .onConflict((oc) => oc.column('id').doUpdateSet(columns))
      .execute();
  }

  async cardsOfClock(clockId: string): Promise<timingV1.Card[]> {
    const rows = await this.trx
      .selectFrom('cards')
      .select('card')
      .where('clock_id', '=', clockId)
      .forUpdate()
      .execute();
    return rows.map((r) => cardOf(r.card));
  }

  async card(cardId: string): Promise<timingV1.Card | undefined> {
    const row = await this.trx
      .selectFrom('cards')
      .select('card')
      .where('id', '=', cardId)
      .forUpdate()
      .executeTakeFirst();
    return row ? cardOf(row.card) : undefined;
  }

  async saveCard(card: timingV1.Card, entry: timingV1.CardHistoryEntry): Promise<void> {
    await this.trx
      .updateTable('cards')
      .set({ status: CARD_STATUS_COLUMN[card.status] ?? 'issued', card: JSON.stringify(timingV1.Card.toJSON(card)) })
      .where('id', '=', card.id)
      .execute();
    await this.trx
      .insertInto('card_history')
      .values({
        card_id: card.id,
        seq: card.history.length,
        status: CARD_STATUS_COLUMN[entry.status] ?? 'issued',
        staff_id: entry.staffId,
        reason: entry.reason,
        at: entry.at ?? new Date(),
      })
      .execute();
  }

  async addBreach(key: string, breach: timingV1.RuleBreach): Promise<boolean> {
    const inserted = await this.trx
      .insertInto('rule_breaches')
      .values({
        id: breach.id,
        breach_key: key,
        rule: breach.rule,
        breach: JSON.stringify(timingV1.RuleBreach.toJSON(breach)),
        case_id: breach.caseId,
        hall_id: breach.hallId,
        department_id: breach.departmentId,
        detected_at: breach.detectedAt ?? new Date(),
      })
      .onConflict((oc) => oc.column('breach_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async saveLeaderChain(chain: LeaderChain): Promise<void> {
    const columns = {
      chief_representative_id: chain.chiefRepresentativeId,
      deputy_leader_id: chain.deputyLeaderId,
      principal_leader_id: chain.principalLeaderId,
      version: chain.version,
    };
    await this.trx
      .insertInto('leader_chains')
      .values({ department_id: chain.departmentId, ...columns })
      // Events of one department come in order, but a replay must not step back to an older chain.
      .onConflict((oc) =>
        oc.column('department_id').doUpdateSet(columns).where('leader_chains.version', '<', chain.version),
      )
      .execute();
  }

  async rules(hallId: string): Promise<timingV1.HallRules | undefined> {
    const row = await this.trx
      .selectFrom('hall_rules')
      .select('rules')
      .where('hall_id', '=', hallId)
      .forUpdate()
      .executeTakeFirst();
    return row ? timingV1.HallRules.fromJSON(row.rules) : undefined;
  }

  async saveRules(rules: timingV1.HallRules): Promise<void> {
    const columns = {
      rules: JSON.stringify(timingV1.HallRules.toJSON(rules)),
      version: rules.version,
      updated_at: rules.updatedAt ?? new Date(),
      updated_by: rules.updatedByStaffId,
    };
    await this.trx
      .insertInto('hall_rules')
      .values({ hall_id: rules.hallId, ...columns })
      .onConflict((oc) => oc.column('hall_id').doUpdateSet(columns))
      .execute();
  }

  async registrationFacts(registrationId: string): Promise<RegistrationFacts | undefined> {
    const row = await this.trx
      .selectFrom('registration_facts')
      .selectAll()
      .where('registration_id', '=', registrationId)
      .forUpdate()
      .executeTakeFirst();
    return row ? registrationFactsFrom(row) : undefined;
  }

  async saveRegistrationFacts(f: RegistrationFacts): Promise<void> {
    const columns = {
      hall_id: f.hallId,
      department_id: f.departmentId,
      window_id: f.windowId,
      item_id: f.itemId,
      item_name: f.itemName,
      registered_at: f.registeredAt,
      outcome: f.outcome ?? null,
      decided_at: f.decidedAt ?? null,
      acceptance_working_ms: f.acceptanceWorkingMs ?? null,
    };
    await this.trx
      .insertInto('registration_facts')
      .values({ registration_id: f.registrationId, ...columns })
      .onConflict((oc) => oc.column('registration_id').doUpdateSet(columns))
      .execute();
  }

  async caseFacts(caseId: string): Promise<CaseFacts | undefined> {
    const row = await this.trx
      .selectFrom('case_facts')
      .selectAll()
      .where('case_id', '=', caseId)
      .forUpdate()
      .executeTakeFirst();
    return row ? caseFactsFrom(row) : undefined;
  }

  async saveCaseFacts(f: CaseFacts): Promise<void> {
    const { case_id, ...columns } = caseFactsColumns(f);
    await this.trx
      .insertInto('case_facts')
      .values({ case_id, ...columns })
      .onConflict((oc) => oc.column('case_id').doUpdateSet(columns))
      .execute();
  }

  async stageTrail(caseId: string): Promise<StageTrail | undefined> {
    const row = await this.trx
      .selectFrom('stage_trails')
      .select('trail')
      .where('case_id', '=', caseId)
      .forUpdate()
      .executeTakeFirst();
    return row ? (row.trail as unknown as StageTrail) : undefined;
  }

  async saveStageTrail(caseId: string, trail: StageTrail): Promise<void> {
    const value = JSON.stringify(trail);
    await this.trx
      .insertInto('stage_trails')
      .values({ case_id: caseId, trail: value })
      .onConflict((oc) => oc.column('case_id').doUpdateSet({ trail: value }))
      .execute();
  }
}
