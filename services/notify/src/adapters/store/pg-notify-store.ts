import { createHash } from 'node:crypto';
import { NotifyEvents, notifyV1 } from '@govhall/contracts';
import {
  CommandRunner,
  PreconditionFailedError,
  eventFactory,
  messageResult,
  type Clock,
  type CommittedEventSink,
  type IdGenerator,
} from '@govhall/kit';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { z } from 'zod';
import {
  dispatchKey,
  type AttemptRecord,
  type Dispatch,
  type DispatchStatus,
  type PlannedMessage,
  type Recipient,
} from '../../domain/dispatch';
import type { AttemptOutcomeKind } from '../../domain/policy';
import { variablesOf, type Template, type TemplateDraft } from '../../domain/templates';
import { dispatchToProto, templateFromProto, templateToProto } from '../../app/messages';
import type {
  AttemptResult,
  DispatchFilter,
  EventTx,
  NotifyEventDraft,
  NotifyStore,
  RegistrationFacts,
  WindowCounter,
} from '../../app/ports';
import type { DeliveryReceipt } from '../../app/sms-provider';
import type { DispatchesTable, NotifyTables } from './tables';

export interface NotifyStoreOptions {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly regionCode: string;
  readonly sink?: CommittedEventSink;
}

type DispatchRow = Selectable<DispatchesTable>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function dispatchFromRow(row: DispatchRow): Dispatch {
  return {
    id: row.id,
    dispatchKey: row.dispatch_key,
    eventId: row.event_id,
    eventType: row.event_type,
    caseId: row.case_id,
    caseNumber: row.case_number,
    hallId: row.hall_id,
    templateCode: row.template_code,
    templateVersion: row.template_version,
    variables: row.variables,
    recipient: { kind: row.recipient_kind as Recipient['kind'], id: row.recipient_id },
    phoneMasked: row.phone_masked,
    urgent: row.urgent,
    status: row.status as Dispatch['status'],
    waitingFor: row.waiting_for as Dispatch['waitingFor'],
    nextAttemptAt: row.next_attempt_at,
    cancelGroup: row.cancel_group,
    provider: row.provider,
    providerMessageId: row.provider_message_id,
    attempts: row.attempts,
    round: row.round,
    lastError: row.last_error,
    text: row.text,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    deliveredAt: row.delivered_at,
  };
}

/** The current version of each code named, read in the caller's transaction. */
async function currentVersions(trx: Transaction<NotifyTables>, codes: readonly string[]): Promise<Map<string, number>> {
  if (codes.length === 0) return new Map();
  const rows = await trx
    .selectFrom('templates')
    .select(['code', (eb) => eb.fn.max('version').as('version')])
    .where('code', 'in', [...new Set(codes)])
    .groupBy('code')
    .execute();
  return new Map(rows.map((r) => [r.code, Number(r.version)]));
}

/** Writes the messages not yet in the log; a code without a template is skipped (and counted out). */
async function insertMessages(
  trx: Transaction<NotifyTables>,
  ids: IdGenerator,
  now: Date,
  eventId: string,
  eventType: string,
  messages: readonly PlannedMessage[],
): Promise<string[]> {
  const versions = await currentVersions(
    trx,
    messages.map((m) => m.templateCode),
  );
  const rows = messages
    .filter((m) => versions.has(m.templateCode))
    .map((m) => ({
      id: ids.next(),
      dispatch_key: dispatchKey(eventId, m),
      event_id: eventId,
      event_type: eventType,
      case_id: m.caseId,
      case_number: m.caseNumber,
      hall_id: m.hallId,
      template_code: m.templateCode,
      template_version: versions.get(m.templateCode)!,
      variables: JSON.stringify(m.variables),
      recipient_kind: m.recipient.kind,
      recipient_id: m.recipient.id,
      urgent: m.urgent,
      status: 'pending',
      waiting_for: m.sendAt && m.sendAt.getTime() > now.getTime() ? 'scheduled' : '',
      next_attempt_at: m.sendAt && m.sendAt.getTime() > now.getTime() ? m.sendAt : now,
      cancel_group: m.cancelGroup ?? null,
      attempts: 0,
      created_at: now,
      updated_at: now,
    }));
  if (rows.length === 0) return [];
  const inserted = await trx
    .insertInto('dispatches')
    .values(rows)
    .onConflict((oc) => oc.column('dispatch_key').doNothing())
    .returning('id')
    .execute();
  return inserted.map((r) => r.id);
}

class PgEventTx implements EventTx {
  constructor(
    private readonly trx: Transaction<NotifyTables>,
    private readonly o: NotifyStoreOptions,
  ) {}

  async addMessages(eventId: string, eventType: string, messages: readonly PlannedMessage[]): Promise<number> {
    return (await insertMessages(this.trx, this.o.ids, this.o.clock.now(), eventId, eventType, messages)).length;
  }

  async cancelGroup(group: string): Promise<number> {
    const result = await this.trx
      .updateTable('dispatches')
      .set({ status: 'cancelled', waiting_for: '', next_attempt_at: null, updated_at: this.o.clock.now() })
      .where('cancel_group', '=', group)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async saveRegistration(f: RegistrationFacts): Promise<void> {
    await this.trx
      .insertInto('registrations')
      .values({
        registration_id: f.registrationId,
        registration_number: f.registrationNumber,
        item_name: f.itemName,
        hall_id: f.hallId,
        window_id: f.windowId,
      })
      .onConflict((oc) => oc.column('registration_id').doNothing())
      .execute();
  }

  async registration(registrationId: string): Promise<RegistrationFacts | undefined> {
    const row = await this.trx
      .selectFrom('registrations')
      .selectAll()
      .where('registration_id', '=', registrationId)
      .executeTakeFirst();
    return row
      ? {
          registrationId: row.registration_id,
          registrationNumber: row.registration_number,
          itemName: row.item_name,
          hallId: row.hall_id,
          windowId: row.window_id,
        }
      : undefined;
  }

  async saveCaseWindow(caseId: string, hallId: string, windowId: string): Promise<void> {
    await this.trx
      .insertInto('cases')
      .values({ case_id: caseId, hall_id: hallId, window_id: windowId })
      .onConflict((oc) => oc.column('case_id').doNothing())
      .execute();
  }

  async caseWindow(caseId: string): Promise<{ hallId: string; windowId: string } | undefined> {
    const row = await this.trx.selectFrom('cases').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    return row ? { hallId: row.hall_id, windowId: row.window_id } : undefined;
  }

  async count(hallId: string, windowId: string, day: string, counter: WindowCounter): Promise<void> {
    if (!hallId || !windowId) return;
    await this.trx
      .insertInto('window_days')
      .values({ hall_id: hallId, window_id: windowId, day, [counter]: 1 })
      .onConflict((oc) =>
        oc
          .columns(['hall_id', 'day', 'window_id'])
          .doUpdateSet({ [counter]: sql`window_days.${sql.ref(counter)} + 1` }),
      )
      .execute();
  }
}

/** The notify service's store over PostgreSQL: commands and event handling through the kit's runner. */
export class PgNotifyStore implements NotifyStore {
  private readonly runner: CommandRunner<NotifyTables>;
  private readonly factory: ReturnType<typeof eventFactory>;

  constructor(
    private readonly database: { readonly db: Kysely<NotifyTables>; readonly schema: string },
    private readonly o: NotifyStoreOptions,
  ) {
    this.runner = new CommandRunner({ database, ...(o.sink ? { sink: o.sink } : {}) });
    this.factory = eventFactory(o);
  }

  private get db(): Kysely<NotifyTables> {
    return this.database.db;
  }

  private table(name: string) {
    return sql.raw(`${this.database.schema}.${name}`);
  }

  private envelope(event: NotifyEventDraft) {
    const options = event.dispatch.caseId ? { caseId: event.dispatch.caseId } : undefined;
    return this.factory.create(NotifyEvents[event.name], { dispatch: event.dispatch }, options);
  }

  async handleEvent(eventId: string, eventType: string, work: (tx: EventTx) => Promise<void>): Promise<void> {
    await this.runner.run(
      { requestId: eventId, operation: 'HandleEvent', request: { eventType }, result: z.null() },
      async (scope) => {
        await work(new PgEventTx(scope.trx, this.o));
        return null;
      },
    );
  }

  async send(requestId: string, request: unknown, message: PlannedMessage): Promise<string> {
    return this.runner.run({ requestId, operation: 'Send', request, result: z.string() }, async (scope) => {
      const [id] = await insertMessages(
        scope.trx,
        this.o.ids,
        this.o.clock.now(),
        `request:${requestId}`,
        'notify.send',
        [message],
      );
      if (!id) throw new PreconditionFailedError(`template ${message.templateCode} has no version`);
      return id;
    });
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<Dispatch[]> {
    const leaseUntil = new Date(now.getTime() + leaseMs);
    return this.db.transaction().execute(async (trx) => {
      const due = await sql<{ id: string; recipient: string }>`
        SELECT id, recipient_kind || ':' || recipient_id AS recipient FROM ${this.table('dispatches')}
        WHERE status = 'pending' AND next_attempt_at <= ${now}
        ORDER BY next_attempt_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`.execute(trx);
      // A message whose attempt outlived its lease: its process died, or lost the database (same key again).
      const expired = await sql<{ id: string; recipient: string }>`
        SELECT id, recipient_kind || ':' || recipient_id AS recipient FROM ${this.table('dispatches')}
        WHERE status = 'sending' AND lease_until <= ${now}
        ORDER BY lease_until
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`.execute(trx);
      // One message per recipient per claim: the per-number limit is checked against what was already sent, so
      // two attempts to one number side by side would both pass it. The next claim takes the next one.
      const recipients = new Set<string>();
      const ids: string[] = [];
      for (const row of [...expired.rows, ...due.rows]) {
        if (recipients.has(row.recipient) || ids.length >= limit) continue;
        recipients.add(row.recipient);
        ids.push(row.id);
      }
      if (ids.length === 0) return [];
      const rows = await trx
        .updateTable('dispatches')
        .set({ status: 'sending', lease_until: leaseUntil, updated_at: now })
        .where('id', 'in', ids)
        .returningAll()
        .execute();
      return rows.map(dispatchFromRow);
    });
  }

  async hold(id: string, until: Date, waitingFor: Dispatch['waitingFor'], phoneMasked?: string): Promise<void> {
    await this.db
      .updateTable('dispatches')
      .set({
        status: 'pending',
        waiting_for: waitingFor,
        next_attempt_at: until,
        lease_until: null,
        updated_at: this.o.clock.now(),
        ...(phoneMasked ? { phone_masked: phoneMasked } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  async recordAttempt(id: string, result: AttemptResult): Promise<Dispatch> {
    const a = result.attempt;
    await this.runner.run(
      {
        requestId: `attempt.${id}.${a.round}.${a.number}`,
        operation: 'RecordAttempt',
        request: { id, round: a.round, number: a.number },
        result: z.string(),
      },
      async (scope) => {
        const trx = scope.trx;
        const now = this.o.clock.now();
        await trx
          .insertInto('attempts')
          .values({
            dispatch_id: id,
            number: a.number,
            round: a.round,
            provider: a.provider,
            outcome: a.outcome,
            code: a.code,
            message: a.message.slice(0, 500),
            at: a.at,
          })
          .execute();
        const next = result.next;
        const base = {
          attempts: a.number,
          lease_until: null,
          updated_at: now,
          ...(a.provider ? { provider: a.provider } : {}),
          ...(result.phoneMasked ? { phone_masked: result.phoneMasked } : {}),
          ...(result.text ? { text: result.text } : {}),
        };
        const update =
          next.status === 'sent'
            ? {
                ...base,
                status: 'sent',
                waiting_for: '',
                next_attempt_at: null,
                provider_message_id: next.providerMessageId,
                sent_at: now,
                last_error: '',
              }
            : next.status === 'pending'
              ? {
                  ...base,
                  status: 'pending',
                  waiting_for: next.waitingFor,
                  next_attempt_at: next.at,
                  last_error: `${a.code}: ${a.message}`.slice(0, 500),
                }
              : {
                  ...base,
                  status: 'dead',
                  waiting_for: '',
                  next_attempt_at: null,
                  last_error: next.reason.slice(0, 500),
                };
        const row = await trx
          .updateTable('dispatches')
          .set(update)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const dispatch = dispatchFromRow(row);
        if (next.status === 'sent') scope.emit(this.envelope({ name: 'smsSent', dispatch: dispatchToProto(dispatch) }));
        if (next.status === 'dead')
          scope.emit(this.envelope({ name: 'smsFailed', dispatch: dispatchToProto(dispatch) }));
        return id;
      },
    );
    return (await this.dispatch(id))!.dispatch;
  }

  async sentTimes(recipient: Recipient, since: Date): Promise<Date[]> {
    const rows = await this.db
      .selectFrom('dispatches')
      .select('sent_at')
      .where('recipient_kind', '=', recipient.kind)
      .where('recipient_id', '=', recipient.id)
      .where('sent_at', '>=', since)
      .execute();
    return rows.map((r) => r.sent_at!).filter(Boolean);
  }

  async applyReceipt(receipt: DeliveryReceipt): Promise<boolean> {
    const requestId = `receipt.${createHash('sha256')
      .update(`${receipt.provider}\0${receipt.providerMessageId}\0${receipt.idempotencyKey ?? ''}\0${receipt.code}`)
      .digest('hex')
      .slice(0, 40)}`;
    return this.runner.run(
      {
        requestId,
        operation: 'ApplyReceipt',
        request: { ...receipt, reportedAt: receipt.reportedAt.toISOString() },
        result: z.boolean(),
      },
      async (scope) => {
        const trx = scope.trx;
        let query = trx.selectFrom('dispatches').selectAll().forUpdate();
        const byKey = receipt.idempotencyKey && UUID.test(receipt.idempotencyKey) ? receipt.idempotencyKey : undefined;
        query = query.where((eb) =>
          eb.or([
            eb.and([eb('provider', '=', receipt.provider), eb('provider_message_id', '=', receipt.providerMessageId)]),
            ...(byKey ? [eb('id', '=', byKey)] : []),
          ]),
        );
        const row = await query.executeTakeFirst();
        if (!row || !['sending', 'sent', 'delivered', 'undelivered'].includes(row.status)) return false;
        const now = this.o.clock.now();
        const delivered = receipt.delivered;
        const updated = await trx
          .updateTable('dispatches')
          .set({
            status: delivered ? 'delivered' : 'undelivered',
            delivered_at: delivered ? receipt.reportedAt : null,
            provider: receipt.provider,
            provider_message_id: receipt.providerMessageId,
            // A receipt for a message still `sending`: the attempt was accepted before its process died.
            sent_at: row.sent_at ?? receipt.reportedAt,
            lease_until: null,
            next_attempt_at: null,
            waiting_for: '',
            last_error: delivered ? '' : `${receipt.code}: ${receipt.description}`.slice(0, 500),
            updated_at: now,
          })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (!delivered)
          scope.emit(this.envelope({ name: 'smsFailed', dispatch: dispatchToProto(dispatchFromRow(updated)) }));
        return true;
      },
    );
  }

  async caseHall(caseId: string): Promise<string | undefined> {
    if (!caseId) return undefined;
    const row = await this.db.selectFrom('cases').select('hall_id').where('case_id', '=', caseId).executeTakeFirst();
    return row?.hall_id;
  }

  async nextDueAt(): Promise<Date | undefined> {
    const row = await sql<{ at: Date | null }>`
      SELECT least(
        (SELECT min(next_attempt_at) FROM ${this.table('dispatches')} WHERE status = 'pending'),
        (SELECT min(lease_until) FROM ${this.table('dispatches')} WHERE status = 'sending')) AS at`.execute(this.db);
    const at = row.rows[0]?.at;
    return at ? new Date(at) : undefined;
  }

  async dispatch(id: string): Promise<{ dispatch: Dispatch; history: AttemptRecord[] } | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.db.selectFrom('dispatches').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const attempts = await this.db
      .selectFrom('attempts')
      .selectAll()
      .where('dispatch_id', '=', id)
      .orderBy('round')
      .orderBy('number')
      .execute();
    return {
      dispatch: dispatchFromRow(row),
      history: attempts.map((a) => ({
        number: a.number,
        round: a.round,
        provider: a.provider,
        outcome: a.outcome as AttemptOutcomeKind,
        code: a.code,
        message: a.message,
        at: a.at,
      })),
    };
  }

  async listDispatches(filter: DispatchFilter): Promise<Dispatch[]> {
    let query = this.db.selectFrom('dispatches').selectAll();
    if (filter.hallId) query = query.where('hall_id', '=', filter.hallId);
    if (filter.caseId) query = query.where('case_id', '=', filter.caseId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.templateCode) query = query.where('template_code', '=', filter.templateCode);
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(filter.offset)
      .limit(filter.limit)
      .execute();
    return rows.map(dispatchFromRow);
  }

  async resend(requestId: string, id: string, templateVersion: number): Promise<Dispatch> {
    await this.runner.run({ requestId, operation: 'Resend', request: { id }, result: z.string() }, async (scope) => {
      const row = await scope.trx
        .selectFrom('dispatches')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new PreconditionFailedError(`dispatch ${id} not found`);
      if (row.status !== 'dead' && row.status !== 'undelivered')
        throw new PreconditionFailedError(
          `dispatch ${id} is ${row.status}: only a dead letter or an undelivered message is resent`,
        );
      const now = this.o.clock.now();
      await scope.trx
        .updateTable('dispatches')
        .set({
          status: 'pending',
          waiting_for: '',
          next_attempt_at: now,
          round: row.round + 1,
          attempts: 0,
          template_version: templateVersion,
          provider_message_id: '',
          last_error: '',
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      return id;
    });
    return (await this.dispatch(id))!.dispatch;
  }

  async depth(now: Date): Promise<{ due: number; dead: number; sending: number }> {
    const row = await sql<{ due: string; dead: string; sending: string }>`
      SELECT
        (SELECT count(*) FROM ${this.table('dispatches')} WHERE status = 'pending' AND next_attempt_at <= ${now}) AS due,
        (SELECT count(*) FROM ${this.table('dispatches')} WHERE status = 'dead') AS dead,
        (SELECT count(*) FROM ${this.table('dispatches')} WHERE status = 'sending') AS sending`.execute(this.db);
    const r = row.rows[0]!;
    return { due: Number(r.due), dead: Number(r.dead), sending: Number(r.sending) };
  }

  async tally(): Promise<Array<{ status: DispatchStatus; waitingFor: string; count: number }>> {
    const rows = await sql<{ status: DispatchStatus; waiting_for: string; count: string }>`
      SELECT status, waiting_for, count(*) AS count FROM ${this.table('dispatches')}
      GROUP BY status, waiting_for ORDER BY status, waiting_for`.execute(this.db);
    return rows.rows.map((r) => ({ status: r.status, waitingFor: r.waiting_for, count: Number(r.count) }));
  }

  async templates(): Promise<Template[]> {
    const rows = await sql<{ doc: object }>`
      SELECT DISTINCT ON (code) doc FROM ${this.table('templates')} ORDER BY code, version DESC`.execute(this.db);
    return rows.rows.map((r) => templateFromProto(notifyV1.Template.fromJSON(r.doc)));
  }

  async template(code: string, version?: number): Promise<Template | undefined> {
    let query = this.db.selectFrom('templates').select('doc').where('code', '=', code);
    query = version ? query.where('version', '=', version) : query.orderBy('version', 'desc').limit(1);
    const row = await query.executeTakeFirst();
    return row ? templateFromProto(notifyV1.Template.fromJSON(row.doc)) : undefined;
  }

  async saveTemplate(
    requestId: string,
    draft: TemplateDraft,
    expectedVersion: number,
    savedBy: string,
  ): Promise<Template> {
    const saved = await this.runner.run(
      {
        requestId,
        operation: 'SaveTemplate',
        request: { draft, expectedVersion },
        result: messageResult(notifyV1.Template),
      },
      async (scope) => {
        const current = (await currentVersions(scope.trx, [draft.code])).get(draft.code) ?? 0;
        if (current !== expectedVersion)
          throw new PreconditionFailedError(
            `template ${draft.code} is at version ${current}; the save followed ${expectedVersion}`,
          );
        const template: Template = {
          ...draft,
          version: current + 1,
          variables: variablesOf(draft.text),
          savedAt: this.o.clock.now(),
          savedBy,
        };
        await scope.trx
          .insertInto('templates')
          .values({
            code: template.code,
            version: template.version,
            doc: JSON.stringify(notifyV1.Template.toJSON(templateToProto(template))),
            saved_at: template.savedAt,
          })
          .execute();
        return templateToProto(template);
      },
    );
    return templateFromProto(saved);
  }

  async seedTemplates(drafts: readonly TemplateDraft[]): Promise<number> {
    const now = this.o.clock.now();
    const rows = drafts.map((draft) => {
      const template: Template = {
        ...draft,
        version: 1,
        variables: variablesOf(draft.text),
        savedAt: now,
        savedBy: 'notify',
      };
      return {
        code: draft.code,
        version: 1,
        doc: JSON.stringify(notifyV1.Template.toJSON(templateToProto(template))),
        saved_at: now,
      };
    });
    const inserted = await this.db
      .insertInto('templates')
      .values(rows)
      .onConflict((oc) => oc.columns(['code', 'version']).doNothing())
      .returning('code')
      .execute();
    return inserted.length;
  }

  async settings(hallId: string): Promise<notifyV1.HallSettings | undefined> {
    const row = await this.db
      .selectFrom('hall_settings')
      .select('doc')
      .where('hall_id', '=', hallId)
      .executeTakeFirst();
    return row ? notifyV1.HallSettings.fromJSON(row.doc) : undefined;
  }

  async saveSettings(
    requestId: string,
    settings: notifyV1.HallSettings,
    expectedVersion: number,
  ): Promise<notifyV1.HallSettings> {
    return this.runner.run(
      {
        requestId,
        operation: 'SetHallSettings',
        request: notifyV1.HallSettings.toJSON(settings),
        result: messageResult(notifyV1.HallSettings),
      },
      async (scope) => {
        const row = await scope.trx
          .selectFrom('hall_settings')
          .select('version')
          .where('hall_id', '=', settings.hallId)
          .forUpdate()
          .executeTakeFirst();
        const current = row?.version ?? 0;
        if (current !== expectedVersion)
          throw new PreconditionFailedError(
            `the settings of hall ${settings.hallId} are at version ${current}; the change followed ${expectedVersion}`,
          );
        const saved = { ...settings, version: current + 1, isDefault: false };
        const doc = JSON.stringify(notifyV1.HallSettings.toJSON(saved));
        await scope.trx
          .insertInto('hall_settings')
          .values({ hall_id: saved.hallId, doc, version: saved.version })
          .onConflict((oc) => oc.column('hall_id').doUpdateSet({ doc, version: saved.version }))
          .execute();
        return saved;
      },
    );
  }

  async dailySummaryHalls(): Promise<notifyV1.HallSettings[]> {
    const rows = await sql<{ doc: object }>`
      SELECT doc FROM ${this.table('hall_settings')} WHERE (doc ->> 'dailySummary')::boolean`.execute(this.db);
    return rows.rows.map((r) => notifyV1.HallSettings.fromJSON(r.doc));
  }

  async windowDay(hallId: string, day: string): Promise<Array<Record<WindowCounter, number> & { windowId: string }>> {
    const rows = await this.db
      .selectFrom('window_days')
      .selectAll()
      .where('hall_id', '=', hallId)
      .where('day', '=', day)
      .orderBy('window_id')
      .execute();
    return rows.map((r) => ({
      windowId: r.window_id,
      accepted: r.accepted,
      completed: r.completed,
      reminders: r.reminders,
      yellow: r.yellow,
      red: r.red,
    }));
  }

  async planDailySummary(hallId: string, day: string, messages: readonly PlannedMessage[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const now = this.o.clock.now();
      const first = await trx
        .insertInto('daily_summaries')
        .values({ hall_id: hallId, day, planned_at: now })
        .onConflict((oc) => oc.columns(['hall_id', 'day']).doNothing())
        .returning('hall_id')
        .executeTakeFirst();
      if (!first) return false;
      await insertMessages(trx, this.o.ids, now, `daily:${hallId}:${day}`, 'notify.daily_summary', messages);
      return true;
    });
  }
}
