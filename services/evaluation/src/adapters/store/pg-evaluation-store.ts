import { EvaluationEvents, evaluationV1 as pb } from '@govhall/contracts';
import {
  CommandRunner,
  PreconditionFailedError,
  eventFactory,
  type Clock,
  type CommandKey,
  type CommittedEventSink,
  type IdGenerator,
  type PayloadOf,
} from '@govhall/kit';
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CaseRecord } from '../../domain/cases';
import type { EvaluationTables, FactsTable } from './tables';

export interface EvaluationStoreOptions {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly regionCode: string;
  readonly sink?: CommittedEventSink;
}

type Contracts = typeof EvaluationEvents;
export type EvaluationEventName = keyof Contracts;
export type EvaluationEventDraft = {
  [K in EvaluationEventName]: { readonly name: K; readonly payload: PayloadOf<Contracts[K]>; readonly caseId?: string };
}[EvaluationEventName];

type Db = Kysely<EvaluationTables> | Transaction<EvaluationTables>;

export interface Page {
  readonly size: number;
  readonly offset: number;
}

/** A rating with its rater, as stored: the rater is put back only for supervisors. */
export interface StoredRating {
  readonly rating: pb.Rating;
  readonly rater: pb.Rater | undefined;
}

export interface RatingFilter {
  readonly hallId: string;
  readonly departmentId?: string;
  readonly windowId?: string;
  readonly staffId?: string;
  readonly badOnly?: boolean;
}

export interface RectificationFilter {
  readonly hallId: string;
  readonly status?: string;
  readonly assigneeStaffId?: string;
  readonly overdueAt?: Date;
}

export interface ComplaintFilter {
  readonly hallId: string;
  readonly openOnly?: boolean;
  readonly overdueAt?: Date;
  readonly staffId?: string;
}

export interface RateRow {
  readonly key: string;
  readonly completed: number;
  readonly ratings: number;
  readonly satisfied: number;
  readonly bad: number;
}

const count = (value: string | number | bigint | null): number => Number(value ?? 0);

function caseOf(r: Selectable<EvaluationTables['cases']>): CaseRecord {
  return {
    caseId: r.case_id,
    caseNumber: r.case_number,
    hallId: r.hall_id,
    departmentId: r.department_id,
    windowId: r.window_id,
    staffId: r.staff_id,
    handlerStaffId: r.handler_staff_id,
    itemName: r.item_name,
    applicantId: r.applicant_id,
    acceptedAt: r.accepted_at ?? undefined,
    completedAt: r.completed_at ?? undefined,
    statutoryWorkingDays: r.statutory_working_days,
    promisedWorkingDays: r.promised_working_days,
    takenWorkingDays: r.taken_working_days,
  };
}

function ratingOf(r: { doc: object; rater_name: string; rater_phone_masked: string }): StoredRating {
  return {
    rating: pb.Rating.fromJSON(r.doc),
    rater: r.rater_name || r.rater_phone_masked ? { name: r.rater_name, phone: r.rater_phone_masked } : undefined,
  };
}

const factOf = (doc: object): pb.AssessmentFact => pb.AssessmentFact.fromJSON(doc);

/** The fact's month (YYYY-MM) from its day. */
export const monthOf = (day: string): string => day.slice(0, 7);

/** One command's transaction: awaits only its own queries. */
export class EvaluationTx {
  constructor(
    readonly trx: Transaction<EvaluationTables>,
    private readonly emitEvent: (event: EvaluationEventDraft) => void,
  ) {}

  emit(event: EvaluationEventDraft): void {
    this.emitEvent(event);
  }

  // ---- settings and rules ----

  async settings(hallId: string): Promise<pb.HallEvaluationSettings | undefined> {
    const row = await this.trx
      .selectFrom('hall_settings')
      .select('doc')
      .where('hall_id', '=', hallId)
      .forUpdate()
      .executeTakeFirst();
    return row ? pb.HallEvaluationSettings.fromJSON(row.doc) : undefined;
  }

  async saveSettings(s: pb.HallEvaluationSettings): Promise<void> {
    const doc = JSON.stringify(pb.HallEvaluationSettings.toJSON(s));
    await this.trx
      .insertInto('hall_settings')
      .values({ hall_id: s.hallId, version: s.version, doc })
      .onConflict((oc) => oc.column('hall_id').doUpdateSet({ version: s.version, doc }))
      .execute();
  }

  /** The hall's latest rules version number (0: none), the hall's row locked by the rules' primary key order. */
  async latestRulesVersion(hallId: string): Promise<number> {
    const row = await sql<{ version: number | null }>`
      SELECT max(version) AS version FROM evaluation.assessment_rules WHERE hall_id = ${hallId}`.execute(this.trx);
    return row.rows[0]?.version ?? 0;
  }

  async insertRules(rules: pb.AssessmentRules): Promise<void> {
    await this.trx
      .insertInto('assessment_rules')
      .values({
        hall_id: rules.hallId,
        version: rules.version,
        effective_from: rules.effectiveFrom,
        doc: JSON.stringify(pb.AssessmentRules.toJSON(rules)),
      })
      .execute();
  }

  rulesFor(hallId: string, month: string): Promise<pb.AssessmentRules | undefined> {
    return rulesIn(this.trx, hallId, month);
  }

  // ---- cases ----

  async caseRecord(caseId: string): Promise<CaseRecord | undefined> {
    const row = await this.trx
      .selectFrom('cases')
      .selectAll()
      .where('case_id', '=', caseId)
      .forUpdate()
      .executeTakeFirst();
    return row ? caseOf(row) : undefined;
  }

  async saveCase(c: CaseRecord): Promise<void> {
    const values = {
      case_number: c.caseNumber,
      hall_id: c.hallId,
      department_id: c.departmentId,
      window_id: c.windowId,
      staff_id: c.staffId,
      handler_staff_id: c.handlerStaffId,
      item_name: c.itemName,
      applicant_id: c.applicantId,
      accepted_at: c.acceptedAt ?? null,
      completed_at: c.completedAt ?? null,
      completed_day: c.completedDay ?? null,
      statutory_working_days: c.statutoryWorkingDays,
      promised_working_days: c.promisedWorkingDays,
      taken_working_days: c.takenWorkingDays,
    };
    await this.trx
      .insertInto('cases')
      .values({ case_id: c.caseId, ...values })
      .onConflict((oc) => oc.column('case_id').doUpdateSet(values))
      .execute();
  }

  // ---- ratings and links ----

  async ratingOfCase(caseId: string): Promise<StoredRating | undefined> {
    const row = await this.trx
      .selectFrom('ratings')
      .select(['doc', 'rater_name', 'rater_phone_masked'])
      .where('case_id', '=', caseId)
      .forUpdate()
      .executeTakeFirst();
    return row ? ratingOf(row) : undefined;
  }

  async rating(id: string): Promise<StoredRating | undefined> {
    const row = await this.trx
      .selectFrom('ratings')
      .select(['doc', 'rater_name', 'rater_phone_masked'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row ? ratingOf(row) : undefined;
  }

  /** Inserts a rating; the case's unique key refuses a second one (the caller turns it into ALREADY_EXISTS). */
  async insertRating(r: pb.Rating, rater: pb.Rater | undefined, satisfied: boolean): Promise<void> {
    await this.trx
      .insertInto('ratings')
      .values({
        id: r.id,
        case_id: r.caseId,
        hall_id: r.hallId,
        department_id: r.departmentId,
        window_id: r.windowId,
        staff_id: r.staffId,
        channel: r.channel,
        bad: r.bad,
        satisfied,
        withdrawn: r.withdrawn,
        rated_at: r.ratedAt!,
        doc: JSON.stringify(pb.Rating.toJSON({ ...r, rater: undefined })),
        rater_name: rater?.name ?? '',
        rater_phone_masked: rater?.phone ?? '',
      })
      .execute();
  }

  async withdrawRating(r: pb.Rating): Promise<void> {
    await this.trx
      .updateTable('ratings')
      .set({ withdrawn: true, doc: JSON.stringify(pb.Rating.toJSON({ ...r, rater: undefined, withdrawn: true })) })
      .where('id', '=', r.id)
      .execute();
  }

  async insertLink(link: { id: string; caseId: string; expiresAt: Date; issuedAt: Date }): Promise<void> {
    await this.trx
      .insertInto('rating_links')
      .values({ id: link.id, case_id: link.caseId, expires_at: link.expiresAt, issued_at: link.issuedAt })
      .execute();
  }

  async link(
    id: string,
  ): Promise<{ id: string; caseId: string; expiresAt: Date; issuedAt: Date; usedAt: Date | undefined } | undefined> {
    const row = await this.trx
      .selectFrom('rating_links')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row
      ? {
          id: row.id,
          caseId: row.case_id,
          expiresAt: row.expires_at,
          issuedAt: row.issued_at,
          usedAt: row.used_at ?? undefined,
        }
      : undefined;
  }

  async useLink(id: string, at: Date): Promise<void> {
    await this.trx.updateTable('rating_links').set({ used_at: at }).where('id', '=', id).execute();
  }

  // ---- rectifications ----

  async rectification(id: string): Promise<pb.Rectification | undefined> {
    const row = await this.trx
      .selectFrom('rectifications')
      .select('doc')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row ? pb.Rectification.fromJSON(row.doc) : undefined;
  }

  async saveRectification(r: pb.Rectification, expectedVersion: number): Promise<pb.Rectification> {
    const next = pb.Rectification.fromPartial({ ...r, version: expectedVersion + 1 });
    const values = {
      hall_id: next.hallId,
      status: next.status,
      assignee_staff_id: next.assigneeStaffId,
      due_at: next.dueAt!,
      opened_at: next.openedAt!,
      resolved_at: next.resolvedAt ?? null,
      version: next.version,
      doc: JSON.stringify(pb.Rectification.toJSON(next)),
    };
    if (expectedVersion === 0) {
      await this.trx
        .insertInto('rectifications')
        .values({ id: next.id, rating_id: next.ratingId, ...values })
        .execute();
      return next;
    }
    const updated = await this.trx
      .updateTable('rectifications')
      .set(values)
      .where('id', '=', next.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new PreconditionFailedError(`rectification ${next.id} changed meanwhile; retry`);
    return next;
  }

  // ---- return visits ----

  async returnVisit(id: string): Promise<pb.ReturnVisit | undefined> {
    const row = await this.trx
      .selectFrom('return_visits')
      .select(['doc', 'contact_name', 'contact_phone_masked'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row ? visitOf(row) : undefined;
  }

  async saveReturnVisit(v: pb.ReturnVisit, isNew: boolean): Promise<void> {
    const values = {
      hall_id: v.hallId,
      kind: v.kind,
      status: v.status,
      channel: v.channel,
      rectification_id: v.rectificationId || null,
      complaint_id: v.complaintId || null,
      case_id: v.caseId,
      visited_at: v.visitedAt ?? null,
      created_at: v.createdAt!,
      contact_name: v.contact?.name ?? '',
      contact_phone_masked: v.contact?.phone ?? '',
      doc: JSON.stringify(pb.ReturnVisit.toJSON({ ...v, contact: undefined })),
    };
    if (isNew)
      await this.trx
        .insertInto('return_visits')
        .values({ id: v.id, ...values })
        .execute();
    else await this.trx.updateTable('return_visits').set(values).where('id', '=', v.id).execute();
  }

  // ---- complaints ----

  async complaint(id: string): Promise<{ complaint: pb.Complaint; complainant: pb.Rater | undefined } | undefined> {
    const row = await this.trx
      .selectFrom('complaints')
      .select(['doc', 'complainant_name', 'complainant_phone_masked'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row ? complaintOf(row) : undefined;
  }

  async saveComplaint(
    c: pb.Complaint,
    complainant: pb.Rater | undefined,
    expectedVersion: number,
  ): Promise<pb.Complaint> {
    const next = pb.Complaint.fromPartial({ ...c, version: expectedVersion + 1, complainant: undefined });
    const pending = next.steps.find((s) => !s.doneAt);
    const values = {
      hall_id: next.hallId,
      step: next.step,
      staff_id: next.staffId,
      next_due_at: pending?.dueAt ?? null,
      filed_at: next.filedAt!,
      version: next.version,
      complainant_name: complainant?.name ?? '',
      complainant_phone_masked: complainant?.phone ?? '',
      doc: JSON.stringify(pb.Complaint.toJSON(next)),
    };
    if (expectedVersion === 0) {
      await this.trx
        .insertInto('complaints')
        .values({ id: next.id, number: next.number, ...values })
        .execute();
      return next;
    }
    const updated = await this.trx
      .updateTable('complaints')
      .set(values)
      .where('id', '=', next.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new PreconditionFailedError(`complaint ${next.number} changed meanwhile; retry`);
    return next;
  }

  /** The next number of a counter (1, 2, ...): complaint numbers per day, notice numbers per year. */
  async nextNumber(scope: string): Promise<number> {
    const row = await this.trx
      .insertInto('counters')
      .values({ scope, next: 1 })
      .onConflict((oc) => oc.column('scope').doUpdateSet({ next: sql`evaluation.counters.next + 1` }))
      .returning('next')
      .executeTakeFirstOrThrow();
    return count(row.next);
  }

  // ---- facts ----

  /** Inserts facts; one per source and code (an event read twice adds nothing). Answers those inserted. */
  async insertFacts(facts: readonly pb.AssessmentFact[]): Promise<pb.AssessmentFact[]> {
    const inserted: pb.AssessmentFact[] = [];
    for (const f of facts) {
      const row = await this.trx
        .insertInto('facts')
        .values(factRow(f))
        .onConflict((oc) => oc.columns(['source_ref', 'code']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row) inserted.push(f);
    }
    return inserted;
  }

  async fact(id: string): Promise<pb.AssessmentFact | undefined> {
    const row = await this.trx.selectFrom('facts').select('doc').where('id', '=', id).forUpdate().executeTakeFirst();
    return row ? factOf(row.doc) : undefined;
  }

  async factsBySource(sourceRef: string): Promise<pb.AssessmentFact[]> {
    const rows = await this.trx
      .selectFrom('facts')
      .select('doc')
      .where('source_ref', '=', sourceRef)
      .forUpdate()
      .execute();
    return rows.map((r) => factOf(r.doc));
  }

  async voidFact(f: pb.AssessmentFact, reason: string): Promise<pb.AssessmentFact> {
    const next = pb.AssessmentFact.fromPartial({ ...f, voided: true, voidReason: reason });
    await this.trx
      .updateTable('facts')
      .set({ voided: true, doc: JSON.stringify(pb.AssessmentFact.toJSON(next)) })
      .where('id', '=', f.id)
      .execute();
    return next;
  }

  monthFacts(hallId: string, month: string): Promise<pb.AssessmentFact[]> {
    return factsIn(this.trx, hallId, month);
  }

  monthCases(hallId: string, month: string): Promise<MonthCase[]> {
    return casesIn(this.trx, hallId, month);
  }

  // ---- months ----

  async month(hallId: string, month: string): Promise<pb.AssessmentMonth | undefined> {
    const row = await this.trx
      .selectFrom('months')
      .select('doc')
      .where('hall_id', '=', hallId)
      .where('month', '=', month)
      .forUpdate()
      .executeTakeFirst();
    return row ? pb.AssessmentMonth.fromJSON(row.doc) : undefined;
  }

  async saveMonth(m: pb.AssessmentMonth, expectedVersion: number): Promise<pb.AssessmentMonth> {
    const next = pb.AssessmentMonth.fromPartial({ ...m, version: expectedVersion + 1 });
    const values = { status: next.status, version: next.version, doc: JSON.stringify(pb.AssessmentMonth.toJSON(next)) };
    if (expectedVersion === 0) {
      await this.trx
        .insertInto('months')
        .values({ hall_id: next.hallId, month: next.month, ...values })
        .execute();
      return next;
    }
    const updated = await this.trx
      .updateTable('months')
      .set(values)
      .where('hall_id', '=', next.hallId)
      .where('month', '=', next.month)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new PreconditionFailedError(`the month ${next.month} changed meanwhile; retry`);
    return next;
  }
}

/** A completed case of a month, with whether it was rated and how (for the indicators and rates). */
export interface MonthCase extends CaseRecord {
  readonly rated: boolean;
  readonly satisfied: boolean;
}

function factRow(f: pb.AssessmentFact): Insertable<FactsTable> {
  return {
    id: f.id,
    hall_id: f.hallId,
    code: f.code,
    quantity: f.quantity,
    day: f.day,
    month: monthOf(f.day),
    staff_id: f.staffId,
    window_id: f.windowId,
    department_id: f.departmentId,
    case_id: f.caseId,
    source: f.source,
    source_ref: f.sourceRef,
    voided: f.voided,
    recorded_at: f.recordedAt!,
    doc: JSON.stringify(pb.AssessmentFact.toJSON(f)),
  };
}

function visitOf(r: { doc: object; contact_name: string; contact_phone_masked: string }): pb.ReturnVisit {
  const visit = pb.ReturnVisit.fromJSON(r.doc);
  return r.contact_name || r.contact_phone_masked
    ? { ...visit, contact: { name: r.contact_name, phone: r.contact_phone_masked } }
    : visit;
}

function complaintOf(r: { doc: object; complainant_name: string; complainant_phone_masked: string }): {
  complaint: pb.Complaint;
  complainant: pb.Rater | undefined;
} {
  return {
    complaint: pb.Complaint.fromJSON(r.doc),
    complainant:
      r.complainant_name || r.complainant_phone_masked
        ? { name: r.complainant_name, phone: r.complainant_phone_masked }
        : undefined,
  };
}

async function rulesIn(db: Db, hallId: string, month: string): Promise<pb.AssessmentRules | undefined> {
  let q = db.selectFrom('assessment_rules').select('doc').where('hall_id', '=', hallId);
  if (month) q = q.where('effective_from', '<=', month);
  const row = await q.orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row ? pb.AssessmentRules.fromJSON(row.doc) : undefined;
}

async function factsIn(db: Db, hallId: string, month: string): Promise<pb.AssessmentFact[]> {
  const rows = await db
    .selectFrom('facts')
    .select('doc')
    .where('hall_id', '=', hallId)
    .where('month', '=', month)
    .orderBy('day')
    .orderBy('recorded_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => factOf(r.doc));
}

async function casesIn(db: Db, hallId: string, month: string): Promise<MonthCase[]> {
  const rows = await sql<Selectable<EvaluationTables['cases']> & { rated: boolean | null; satisfied: boolean | null }>`
    SELECT c.*, (r.id IS NOT NULL) AS rated, coalesce(r.satisfied, false) AS satisfied
    FROM evaluation.cases c
    LEFT JOIN evaluation.ratings r ON r.case_id = c.case_id AND NOT r.withdrawn
    WHERE c.hall_id = ${hallId} AND to_char(c.completed_day, 'YYYY-MM') = ${month}
    ORDER BY c.case_id`.execute(db);
  return rows.rows.map((r) => ({ ...caseOf(r), rated: Boolean(r.rated), satisfied: Boolean(r.satisfied) }));
}

/** The evaluation service's store: commands in one transaction each; reads outside any. */
export class PgEvaluationStore {
  private readonly runner: CommandRunner<EvaluationTables>;
  private readonly factory: ReturnType<typeof eventFactory>;

  constructor(
    private readonly database: { readonly db: Kysely<EvaluationTables>; readonly schema: string },
    o: EvaluationStoreOptions,
  ) {
    this.runner = new CommandRunner({ database, ...(o.sink ? { sink: o.sink } : {}) });
    this.factory = eventFactory(o);
  }

  private get db(): Kysely<EvaluationTables> {
    return this.database.db;
  }

  /** Runs an idempotent command in one transaction; its events leave with the commit. */
  command<T>(key: CommandKey<T>, work: (tx: EvaluationTx) => Promise<T>): Promise<T> {
    return this.runner.run(key, (scope) =>
      work(
        new EvaluationTx(scope.trx, (event) =>
          scope.emit(
            this.factory.create(
              EvaluationEvents[event.name] as never,
              event.payload as never,
              event.caseId ? { caseId: event.caseId } : undefined,
            ),
          ),
        ),
      ),
    );
  }

  async settings(hallId: string): Promise<pb.HallEvaluationSettings | undefined> {
    const row = await this.db
      .selectFrom('hall_settings')
      .select('doc')
      .where('hall_id', '=', hallId)
      .executeTakeFirst();
    return row ? pb.HallEvaluationSettings.fromJSON(row.doc) : undefined;
  }

  rulesFor(hallId: string, month: string): Promise<pb.AssessmentRules | undefined> {
    return rulesIn(this.db, hallId, month);
  }

  async rulesVersions(hallId: string): Promise<number[]> {
    const rows = await this.db
      .selectFrom('assessment_rules')
      .select('version')
      .where('hall_id', '=', hallId)
      .orderBy('version')
      .execute();
    return rows.map((r) => r.version);
  }

  async rulesVersion(hallId: string, version: number): Promise<pb.AssessmentRules | undefined> {
    const row = await this.db
      .selectFrom('assessment_rules')
      .select('doc')
      .where('hall_id', '=', hallId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? pb.AssessmentRules.fromJSON(row.doc) : undefined;
  }

  async caseRecord(ref: { caseId?: string; caseNumber?: string }): Promise<CaseRecord | undefined> {
    let q = this.db.selectFrom('cases').selectAll();
    q = ref.caseId ? q.where('case_id', '=', ref.caseId) : q.where('case_number', '=', ref.caseNumber ?? '');
    const row = await q.executeTakeFirst();
    return row ? caseOf(row) : undefined;
  }

  async link(
    id: string,
  ): Promise<{ id: string; caseId: string; expiresAt: Date; issuedAt: Date; usedAt: Date | undefined } | undefined> {
    const row = await this.db.selectFrom('rating_links').selectAll().where('id', '=', id).executeTakeFirst();
    return row
      ? {
          id: row.id,
          caseId: row.case_id,
          expiresAt: row.expires_at,
          issuedAt: row.issued_at,
          usedAt: row.used_at ?? undefined,
        }
      : undefined;
  }

  async ratingOfCase(caseId: string): Promise<StoredRating | undefined> {
    const row = await this.db
      .selectFrom('ratings')
      .select(['doc', 'rater_name', 'rater_phone_masked'])
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    return row ? ratingOf(row) : undefined;
  }

  async ratings(filter: RatingFilter, page: Page): Promise<StoredRating[]> {
    let q = this.db
      .selectFrom('ratings')
      .select(['doc', 'rater_name', 'rater_phone_masked'])
      .where('hall_id', '=', filter.hallId);
    if (filter.departmentId) q = q.where('department_id', '=', filter.departmentId);
    if (filter.windowId) q = q.where('window_id', '=', filter.windowId);
    if (filter.staffId) q = q.where('staff_id', '=', filter.staffId);
    if (filter.badOnly) q = q.where('bad', '=', true);
    const rows = await q
      .orderBy('rated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.size + 1)
      .offset(page.offset)
      .execute();
    return rows.map(ratingOf);
  }

  /** Completed cases of a period, their ratings and satisfied ratings, per key (hall, department, window, staff). */
  async rates(
    hallId: string,
    from: string,
    to: string,
    keyColumn: 'hall' | 'department' | 'window' | 'staff',
  ): Promise<RateRow[]> {
    const key = {
      hall: sql`''`,
      department: sql`c.department_id`,
      window: sql`c.window_id`,
      staff: sql`c.staff_id`,
    }[keyColumn];
    const rows = await sql<{ key: string; completed: string; ratings: string; satisfied: string; bad: string }>`
      SELECT ${key} AS key, count(*) AS completed, count(r.id) AS ratings,
        count(r.id) FILTER (WHERE r.satisfied) AS satisfied, count(r.id) FILTER (WHERE r.bad) AS bad
      FROM evaluation.cases c
      LEFT JOIN evaluation.ratings r ON r.case_id = c.case_id AND NOT r.withdrawn
      WHERE c.hall_id = ${hallId} AND c.completed_day BETWEEN ${from}::date AND ${to}::date
      GROUP BY 1 ORDER BY 1`.execute(this.db);
    return rows.rows.map((r) => ({
      key: r.key,
      completed: count(r.completed),
      ratings: count(r.ratings),
      satisfied: count(r.satisfied),
      bad: count(r.bad),
    }));
  }

  async rectification(id: string): Promise<pb.Rectification | undefined> {
    const row = await this.db.selectFrom('rectifications').select('doc').where('id', '=', id).executeTakeFirst();
    return row ? pb.Rectification.fromJSON(row.doc) : undefined;
  }

  async rectifications(filter: RectificationFilter, page: Page): Promise<pb.Rectification[]> {
    let q = this.db.selectFrom('rectifications').select('doc').where('hall_id', '=', filter.hallId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.assigneeStaffId) q = q.where('assignee_staff_id', '=', filter.assigneeStaffId);
    if (filter.overdueAt)
      q = q
        .where('status', 'in', [
          pb.RectificationStatus.RECTIFICATION_STATUS_OPEN,
          pb.RectificationStatus.RECTIFICATION_STATUS_APPEALED,
        ])
        .where('due_at', '<', filter.overdueAt);
    const rows = await q
      .orderBy('opened_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.size + 1)
      .offset(page.offset)
      .execute();
    return rows.map((r) => pb.Rectification.fromJSON(r.doc));
  }

  async resolvedRectifications(hallId: string, from: Date, to: Date): Promise<pb.Rectification[]> {
    const rows = await this.db
      .selectFrom('rectifications')
      .select('doc')
      .where('hall_id', '=', hallId)
      .where('resolved_at', '>=', from)
      .where('resolved_at', '<', to)
      .orderBy('resolved_at')
      .limit(10_000)
      .execute();
    return rows.map((r) => pb.Rectification.fromJSON(r.doc));
  }

  async returnVisits(
    filter: { hallId: string; status?: string; kind?: string },
    page: Page,
  ): Promise<pb.ReturnVisit[]> {
    let q = this.db
      .selectFrom('return_visits')
      .select(['doc', 'contact_name', 'contact_phone_masked'])
      .where('hall_id', '=', filter.hallId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.size + 1)
      .offset(page.offset)
      .execute();
    return rows.map(visitOf);
  }

  async returnVisitCounts(
    hallId: string,
    from: Date,
    to: Date,
  ): Promise<Array<{ channel: string; kind: string; visits: number }>> {
    const rows = await sql<{ channel: string; kind: string; visits: string }>`
      SELECT channel, kind, count(*) AS visits FROM evaluation.return_visits
      WHERE hall_id = ${hallId} AND status = ${pb.ReturnVisitStatus.RETURN_VISIT_STATUS_DONE}
        AND visited_at >= ${from} AND visited_at < ${to}
      GROUP BY channel, kind ORDER BY channel, kind`.execute(this.db);
    return rows.rows.map((r) => ({ channel: r.channel, kind: r.kind, visits: count(r.visits) }));
  }

  async complaint(id: string): Promise<{ complaint: pb.Complaint; complainant: pb.Rater | undefined } | undefined> {
    const row = await this.db
      .selectFrom('complaints')
      .select(['doc', 'complainant_name', 'complainant_phone_masked'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? complaintOf(row) : undefined;
  }

  async complaints(
    filter: ComplaintFilter,
    page: Page,
  ): Promise<Array<{ complaint: pb.Complaint; complainant: pb.Rater | undefined }>> {
    let q = this.db
      .selectFrom('complaints')
      .select(['doc', 'complainant_name', 'complainant_phone_masked'])
      .where('hall_id', '=', filter.hallId);
    if (filter.openOnly) q = q.where('step', '<>', pb.ComplaintStep.COMPLAINT_STEP_ARCHIVED);
    if (filter.overdueAt) q = q.where('next_due_at', '<', filter.overdueAt);
    if (filter.staffId) q = q.where('staff_id', '=', filter.staffId);
    const rows = await q
      .orderBy('filed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.size + 1)
      .offset(page.offset)
      .execute();
    return rows.map(complaintOf);
  }

  async facts(filter: { hallId: string; month: string; staffId?: string }, page: Page): Promise<pb.AssessmentFact[]> {
    let q = this.db
      .selectFrom('facts')
      .select('doc')
      .where('hall_id', '=', filter.hallId)
      .where('month', '=', filter.month);
    if (filter.staffId) q = q.where('staff_id', '=', filter.staffId);
    const rows = await q
      .orderBy('day')
      .orderBy('id')
      .limit(page.size + 1)
      .offset(page.offset)
      .execute();
    return rows.map((r) => factOf(r.doc));
  }

  monthFacts(hallId: string, month: string): Promise<pb.AssessmentFact[]> {
    return factsIn(this.db, hallId, month);
  }

  monthCases(hallId: string, month: string): Promise<MonthCase[]> {
    return casesIn(this.db, hallId, month);
  }

  async month(hallId: string, month: string): Promise<pb.AssessmentMonth | undefined> {
    const row = await this.db
      .selectFrom('months')
      .select('doc')
      .where('hall_id', '=', hallId)
      .where('month', '=', month)
      .executeTakeFirst();
    return row ? pb.AssessmentMonth.fromJSON(row.doc) : undefined;
  }

  async monthsOfYear(hallId: string, year: number): Promise<pb.AssessmentMonth[]> {
    const rows = await this.db
      .selectFrom('months')
      .select('doc')
      .where('hall_id', '=', hallId)
      .where('month', 'like', `${year}-%`)
      .orderBy('month')
      .execute();
    return rows.map((r) => pb.AssessmentMonth.fromJSON(r.doc));
  }
}
