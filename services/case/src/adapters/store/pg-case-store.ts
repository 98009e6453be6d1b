import { CaseEvents, caseV1 } from '@govhall/contracts';
import {
  CommandRunner,
  PreconditionFailedError,
  eventFactory,
  type Clock,
  type CommandKey,
  type CommittedEventSink,
  type IdGenerator,
} from '@govhall/kit';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type {
  AttemptKey,
  AttemptRecord,
  BundleRecord,
  CaseFilter,
  CaseStore,
  CaseTx,
  Page,
  StoredCase,
  TodoScope,
} from '../../app/case-ports';
import { chainEntries } from '../../domain/action-log';
import type { Case, CaseEventDraft, Transition } from '../../domain/model';
import { decidingDepartmentOf } from '../../domain/stages';
import { DEEMABLE_STAGES } from '../../domain/system-steps';
import { todosOf } from '../../domain/todos';
import type { CaseTables, CasesTable } from './tables';

export interface CaseStoreOptions {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly regionCode: string;
  /** Regions this deployment handles (SERVED_REGIONS): a case handed up to one of them reports back. */
  readonly servesRegion: (regionCode: string) => boolean;
  readonly sink?: CommittedEventSink;
}

type Db = Kysely<CaseTables> | Transaction<CaseTables>;

function stored(row: Selectable<CasesTable>): StoredCase {
  return {
    case: caseV1.Case.fromJSON(row.state),
    queryPasswordHash: row.query_password_hash,
    mirror: row.mirror,
    head: row.log_seq > 0 ? { seq: row.log_seq, hash: row.log_head } : undefined,
  };
}

function departmentsOf(c: Case): string[] {
  return [
    ...new Set(
      [c.acceptingDepartmentId, c.approvingDepartmentId, c.leadDepartmentId, ...c.relatedDepartmentIds].filter(Boolean),
    ),
  ];
}

function columnsOf(c: Case) {
  return {
    case_number: c.caseNumber,
    version: c.version,
    status: c.status,
    current_stage: c.currentStage,
    accepting_hall_id: c.acceptingHallId,
    current_hall_id: c.currentHallId,
    approving_hall_id: c.approvingHallId,
    department_ids: departmentsOf(c),
    applicant_id: c.applicantId,
    decision: c.decision?.kind ?? '',
    publish_results: c.item?.content?.publishResults === true,
    accepted_at: c.acceptedAt ?? new Date(0),
    completed_at: c.completedAt ?? null,
    bundle_id: c.bundle?.bundleId || null,
    state: JSON.stringify(caseV1.Case.toJSON(c)),
    updated_at: c.updatedAt ?? new Date(),
  };
}

async function historyOf(db: Db, caseId: string): Promise<caseV1.ActionLogEntry[]> {
  const rows = await db.selectFrom('action_log').select('entry').where('case_id', '=', caseId).orderBy('seq').execute();
  return rows.map((r) => caseV1.ActionLogEntry.fromJSON(r.entry));
}

function bundleOf(row: {
  id: string;
  catalogue_bundle_id: string;
  name: string;
  hall_id: string;
  window_id: string;
  applicant_id: string;
  item_ids: string[];
  case_ids: string[];
  pickup_at: Date | null;
  issued_at: Date | null;
}): BundleRecord {
  return {
    id: row.id,
    catalogueBundleId: row.catalogue_bundle_id,
    name: row.name,
    hallId: row.hall_id,
    windowId: row.window_id,
    applicantId: row.applicant_id,
    itemIds: row.item_ids,
    caseIds: row.case_ids,
    pickupAt: row.pickup_at ?? undefined,
    issuedAt: row.issued_at ?? undefined,
  };
}

/** An archive batch row, its week's dates read as text (`week_start::text`, `week_end::text`). */
function batchOf(row: {
  id: string;
  hall_id: string;
  department_id: string;
  week_start_text: string;
  week_end_text: string;
  case_ids: string[];
  created_by: string;
  created_at: Date;
}): caseV1.ArchiveBatch {
  return {
    id: row.id,
    hallId: row.hall_id,
    departmentId: row.department_id,
    weekStart: row.week_start_text,
    weekEnd: row.week_end_text,
    caseIds: row.case_ids,
    createdByStaffId: row.created_by,
    createdAt: row.created_at,
  };
}

/** The case store over PostgreSQL (Kysely, schema `cases`). */
export class PgCaseStore implements CaseStore {
  private readonly runner: CommandRunner<CaseTables>;
  private readonly factory: ReturnType<typeof eventFactory>;

  constructor(
    private readonly database: { readonly db: Kysely<CaseTables>; readonly schema: string },
    private readonly options: CaseStoreOptions,
  ) {
    this.runner = new CommandRunner({ database, ...(options.sink ? { sink: options.sink } : {}) });
    this.factory = eventFactory(options);
  }

  private get db(): Kysely<CaseTables> {
    return this.database.db;
  }

  async find(ref: { caseId?: string; caseNumber?: string }): Promise<StoredCase | undefined> {
    let query = this.db.selectFrom('cases').selectAll();
    query = ref.caseId ? query.where('id', '=', ref.caseId) : query.where('case_number', '=', ref.caseNumber ?? '');
    const row = await query.executeTakeFirst();
    return row ? stored(row) : undefined;
  }

  history(caseId: string): Promise<caseV1.ActionLogEntry[]> {
    return historyOf(this.db, caseId);
  }

  command<T>(key: CommandKey<T>, work: (tx: CaseTx) => Promise<T>): Promise<T> {
    return this.runner.run(key, (scope) =>
      work(new PgCaseTx(scope.trx, (e) => scope.emit(e), this.factory, this.options)),
    );
  }

  async todos(scope: TodoScope, page: Page): Promise<caseV1.TodoItem[]> {
    let query = this.db
      .selectFrom('todos')
      .innerJoin('cases', 'cases.id', 'todos.case_id')
      .select(['todos.item', 'cases.version']);
    if (scope.staffId) query = query.where('todos.staff_id', '=', scope.staffId);
    if (scope.windowId) query = query.where('todos.window_id', '=', scope.windowId);
    if (scope.departmentId) query = query.where('todos.department_id', '=', scope.departmentId);
    if (scope.hallId) query = query.where('todos.hall_id', '=', scope.hallId);
    const rows = await query
      .orderBy(sql`todos.due_at asc nulls last`)
      .orderBy('todos.since')
      .orderBy('todos.case_id')
      .limit(page.size)
      .offset(page.offset)
      .execute();
    return rows.map((r) => ({ ...caseV1.TodoItem.fromJSON(r.item), caseVersion: r.version }));
  }

  async list(filter: CaseFilter, page: Page): Promise<caseV1.CaseSummary[]> {
    let query = this.db
      .selectFrom('cases')
      .select(['state'])
      .where((eb) =>
        eb.or([
          eb('accepting_hall_id', '=', filter.hallId),
          eb('current_hall_id', '=', filter.hallId),
          eb('approving_hall_id', '=', filter.hallId),
        ]),
      );
    if (filter.departmentId) query = query.where(sql<boolean>`${filter.departmentId} = ANY(department_ids)`);
    if (filter.status) query = query.where('status', '=', filter.status);
    const rows = await query
      .orderBy('accepted_at', 'desc')
      .orderBy('id')
      .limit(page.size)
      .offset(page.offset)
      .execute();
    return rows.map((r) => summaryOf(caseV1.Case.fromJSON(r.state)));
  }

  async published(hallId: string, page: Page): Promise<Case[]> {
    const rows = await this.db
      .selectFrom('cases')
      .select('state')
      .where('approving_hall_id', '=', hallId)
      .where('publish_results', '=', true)
      .where('completed_at', 'is not', null)
      .where('mirror', '=', false)
      // 双公示 publishes permits granted (and revoked), not refusals: a refusal is told to its applicant only.
      .where('decision', '!=', caseV1.DecisionKind.DECISION_KIND_REFUSED)
      .orderBy('completed_at', 'desc')
      .orderBy('id')
      .limit(page.size)
      .offset(page.offset)
      .execute();
    return rows.map((r) => caseV1.Case.fromJSON(r.state));
  }

  async meeting(meetingId: string): Promise<caseV1.JointMeeting | undefined> {
    const row = await this.db
      .selectFrom('joint_meetings')
      .select('record')
      .where('id', '=', meetingId)
      .executeTakeFirst();
    return row ? caseV1.JointMeeting.fromJSON(row.record) : undefined;
  }

  async archiveBatches(hallId: string, departmentId: string, page: Page): Promise<caseV1.ArchiveBatch[]> {
    let query = this.db
      .selectFrom('archive_batches')
      .selectAll()
      .select([sql<string>`week_start::text`.as('week_start_text'), sql<string>`week_end::text`.as('week_end_text')])
      .where('hall_id', '=', hallId);
    if (departmentId) query = query.where('department_id', '=', departmentId);
    const rows = await query
      .orderBy('week_start', 'desc')
      .orderBy('department_id')
      .limit(page.size)
      .offset(page.offset)
      .execute();
    return rows.map(batchOf);
  }

  async bundle(bundleId: string): Promise<BundleRecord | undefined> {
    const row = await this.db.selectFrom('bundles').selectAll().where('id', '=', bundleId).executeTakeFirst();
    return row ? bundleOf(row) : undefined;
  }

  settings(hallId: string): Promise<caseV1.HallCaseSettings | undefined> {
    return settingsRow(this.db, hallId, false);
  }

  async attempts(keys: readonly AttemptKey[]): Promise<Array<AttemptRecord | undefined>> {
    return Promise.all(keys.map(async ({ scope, key }) => attemptOf(this.db, scope, key, false)));
  }

  async updateAttempts(
    keys: readonly AttemptKey[],
    update: (key: AttemptKey, current: AttemptRecord | undefined) => AttemptRecord | undefined,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const k of keys)
        await saveAttemptIn(trx, k.scope, k.key, update(k, await attemptOf(trx, k.scope, k.key, true)));
    });
  }

  /**
   * Cases with a step 超时默认 could deem, longest overdue first: a review stage or a joint part, of a case in
   * progress, in a hall that turned it on. Approvals overdue for weeks, or halls with it off, never fill the page.
   */
  async overdueCandidates(before: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('todos')
      .innerJoin('cases', 'cases.id', 'todos.case_id')
      .innerJoin('hall_settings', 'hall_settings.hall_id', 'cases.approving_hall_id')
      .select('todos.case_id')
      .where('todos.due_at', '<', before)
      .where((eb) =>
        eb.or([
          eb('todos.kind', '=', 'TODO_KIND_SUBTASK'),
          eb.and([eb('todos.kind', '=', 'TODO_KIND_STAGE'), eb('todos.stage', 'in', [...DEEMABLE_STAGES])]),
        ]),
      )
      .where('cases.status', '=', caseV1.CaseStatus.CASE_STATUS_IN_PROGRESS)
      .where('cases.mirror', '=', false)
      .where(sql<boolean>`(hall_settings.settings ->> 'deemOverdueStepsPassed')::boolean`, 'is', true)
      .groupBy('todos.case_id')
      .orderBy(sql`min(todos.due_at)`)
      .limit(limit)
      .execute();
    return rows.map((r) => r.case_id);
  }
}

export function summaryOf(c: Case): caseV1.CaseSummary {
  return {
    caseId: c.id,
    caseNumber: c.caseNumber,
    itemName: c.item?.content?.name ?? '',
    status: c.status,
    currentStage: c.currentStage,
    applicantName: c.applicantName,
    acceptingHallId: c.acceptingHallId,
    currentHallId: c.currentHallId,
    ...(c.acceptedAt ? { acceptedAt: c.acceptedAt } : {}),
    ...(c.promisedAt ? { promisedAt: c.promisedAt } : {}),
    decision: c.decision?.kind ?? caseV1.DecisionKind.DECISION_KIND_UNSPECIFIED,
    version: c.version,
  };
}

class PgCaseTx implements CaseTx {
  constructor(
    private readonly trx: Transaction<CaseTables>,
    private readonly emitEnvelope: (e: ReturnType<ReturnType<typeof eventFactory>['create']>) => void,
    private readonly factory: ReturnType<typeof eventFactory>,
    private readonly options: CaseStoreOptions,
  ) {}

  async get(caseId: string): Promise<StoredCase | undefined> {
    const row = await this.trx.selectFrom('cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirst();
    return row ? stored(row) : undefined;
  }

  async create(
    transition: Transition,
    meta: {
      requestId: string;
      queryPasswordHash: string;
      entries?: readonly caseV1.ActionLogEntry[];
    },
  ): Promise<caseV1.ActionLogEntry[]> {
    const c = { ...transition.case, version: transition.case.version + 1 };
    const previous = meta.entries?.[meta.entries.length - 1];
    const written = [
      ...(meta.entries ?? []),
      ...chainEntries(previous, transition.log, {
        caseId: c.id,
        at: this.options.clock.now(),
        requestId: meta.requestId,
      }),
    ];
    const last = written[written.length - 1];
    await this.trx
      .insertInto('cases')
      .values({
        id: c.id,
        ...columnsOf(c),
        mirror: false,
        query_password_hash: meta.queryPasswordHash,
        ...(last ? { log_seq: last.seq, log_head: last.hash } : {}),
      })
      .execute();
    await this.insertEntries(written);
    await this.writeTodos(c);
    for (const event of transition.events) this.emit(withVersion(event, c), c.id);
    const added = written.slice(meta.entries?.length ?? 0);
    if (meta.entries && c.handoff?.remote) {
      this.emit(
        { name: 'handoffProgressed', payload: { case: c, entries: added, fromRegionCode: c.handoff.fromRegionCode } },
        c.id,
      );
    }
    return added;
  }

  async apply(storedCase: StoredCase, transition: Transition, requestId: string): Promise<caseV1.ActionLogEntry[]> {
    const c = { ...transition.case, version: storedCase.case.version + 1 };
    const entries = chainEntries(storedCase.head, transition.log, {
      caseId: c.id,
      at: this.options.clock.now(),
      requestId,
    });
    const last = entries[entries.length - 1];
    // Optimistic: written only over the version the change was computed from.
    const updated = await this.trx
      .updateTable('cases')
      .set({ ...columnsOf(c), ...(last ? { log_seq: last.seq, log_head: last.hash } : {}) })
      .where('id', '=', c.id)
      .where('version', '=', storedCase.case.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      const now = await this.trx
        .selectFrom('cases')
        .select(['version', 'current_stage', 'status'])
        .where('id', '=', c.id)
        .executeTakeFirst();
      throw new PreconditionFailedError(
        `case ${c.caseNumber} changed meanwhile: now version ${now?.version ?? '?'}, ${now?.status ?? ''} at ${now?.current_stage ?? ''}`,
      );
    }
    await this.insertEntries(entries);
    await this.writeTodos(c, storedCase.case);
    for (const event of transition.events) {
      if (event.name === 'handoffRequested') {
        // The upper tier continues the same record: the whole history and the query password travel with it.
        const history = await historyOf(this.trx, c.id);
        this.emit(
          {
            name: 'handoffRequested',
            payload: { ...event.payload, case: c, history, queryPasswordHash: storedCase.queryPasswordHash },
          },
          c.id,
        );
        continue;
      }
      this.emit(withVersion(event, c), c.id);
    }
    const handedUpHere = c.handoff?.remote === true && this.options.servesRegion(c.handoff.toRegionCode);
    if (handedUpHere && entries.length > 0) {
      // The lower tier mirrors a case handed up to this deployment: every change goes back to it.
      this.emit(
        { name: 'handoffProgressed', payload: { case: c, entries, fromRegionCode: c.handoff!.fromRegionCode } },
        c.id,
      );
    }
    return entries;
  }

  async mirror(storedCase: StoredCase, next: Case, entries: readonly caseV1.ActionLogEntry[]): Promise<void> {
    const fresh = entries.filter((e) => e.seq > (storedCase.head?.seq ?? 0));
    const last = fresh[fresh.length - 1];
    await this.trx
      .updateTable('cases')
      .set({ ...columnsOf(next), mirror: true, ...(last ? { log_seq: last.seq, log_head: last.hash } : {}) })
      .where('id', '=', next.id)
      .execute();
    await this.insertEntries(fresh);
    await this.trx.deleteFrom('todos').where('case_id', '=', next.id).execute();
  }

  history(caseId: string): Promise<caseV1.ActionLogEntry[]> {
    return historyOf(this.trx, caseId);
  }

  emit(event: CaseEventDraft, caseId?: string): void {
    this.emitEnvelope(this.factory.create(CaseEvents[event.name], event.payload, caseId ? { caseId } : undefined));
  }

  async setQueryPasswordHash(caseId: string, hash: string): Promise<void> {
    await this.trx.updateTable('cases').set({ query_password_hash: hash }).where('id', '=', caseId).execute();
  }

  async openBundle(catalogueBundleId: string, applicantId: string): Promise<BundleRecord | undefined> {
    const row = await this.trx
      .selectFrom('bundles')
      .selectAll()
      .where('catalogue_bundle_id', '=', catalogueBundleId)
      .where('applicant_id', '=', applicantId)
      .where('issued_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    return row ? bundleOf(row) : undefined;
  }

  async saveBundle(bundle: BundleRecord): Promise<void> {
    const values = {
      id: bundle.id,
      catalogue_bundle_id: bundle.catalogueBundleId,
      name: bundle.name,
      hall_id: bundle.hallId,
      window_id: bundle.windowId,
      applicant_id: bundle.applicantId,
      item_ids: [...bundle.itemIds],
      case_ids: [...bundle.caseIds],
      pickup_at: bundle.pickupAt ?? null,
      issued_at: bundle.issuedAt ?? null,
      created_at: this.options.clock.now(),
    };
    await this.trx
      .insertInto('bundles')
      .values(values)
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet({ case_ids: values.case_ids, pickup_at: values.pickup_at, issued_at: values.issued_at }),
      )
      .execute();
  }

  async bundle(bundleId: string): Promise<BundleRecord | undefined> {
    const row = await this.trx
      .selectFrom('bundles')
      .selectAll()
      .where('id', '=', bundleId)
      .forUpdate()
      .executeTakeFirst();
    return row ? bundleOf(row) : undefined;
  }

  async saveMeeting(meeting: caseV1.JointMeeting): Promise<void> {
    await this.trx
      .insertInto('joint_meetings')
      .values({
        id: meeting.id,
        hall_id: meeting.hallId,
        record: JSON.stringify(caseV1.JointMeeting.toJSON(meeting)),
        held_at: meeting.heldAt ?? this.options.clock.now(),
      })
      .execute();
  }

  async completedForArchive(hallId: string, departmentId: string, from: Date, to: Date): Promise<StoredCase[]> {
    const rows = await this.trx
      .selectFrom('cases')
      .selectAll()
      .where('approving_hall_id', '=', hallId)
      .where(sql<boolean>`${departmentId} = ANY(department_ids)`)
      .where('status', '=', caseV1.CaseStatus.CASE_STATUS_COMPLETED)
      .where('mirror', '=', false)
      .where('completed_at', '>=', from)
      .where('completed_at', '<', to)
      .orderBy('completed_at')
      .forUpdate()
      .execute();
    const out: StoredCase[] = [];
    for (const row of rows) {
      const c = caseV1.Case.fromJSON(row.state);
      // A case belongs to the batch of the department that decided it (the lead of a joint case).
      if (decidingDepartmentOf(c) !== departmentId) continue;
      out.push(stored(row));
    }
    return out;
  }

  async saveArchiveBatch(batch: caseV1.ArchiveBatch): Promise<void> {
    await this.trx
      .insertInto('archive_batches')
      .values({
        id: batch.id,
        hall_id: batch.hallId,
        department_id: batch.departmentId,
        week_start: batch.weekStart,
        week_end: batch.weekEnd,
        case_ids: [...batch.caseIds],
        created_by: batch.createdByStaffId,
        created_at: batch.createdAt ?? this.options.clock.now(),
      })
      .execute();
  }

  async archiveBatchFor(
    hallId: string,
    departmentId: string,
    weekStart: string,
  ): Promise<caseV1.ArchiveBatch | undefined> {
    const row = await this.trx
      .selectFrom('archive_batches')
      .selectAll()
      .select([sql<string>`week_start::text`.as('week_start_text'), sql<string>`week_end::text`.as('week_end_text')])
      .where('hall_id', '=', hallId)
      .where('department_id', '=', departmentId)
      .where('week_start', '=', weekStart)
      .executeTakeFirst();
    return row ? batchOf(row) : undefined;
  }

  async saveSettings(settings: caseV1.HallCaseSettings): Promise<void> {
    const values = {
      hall_id: settings.hallId,
      settings: JSON.stringify(caseV1.HallCaseSettings.toJSON({ ...settings, version: 0, updatedAt: undefined })),
      version: settings.version,
      updated_at: settings.updatedAt ?? this.options.clock.now(),
    };
    await this.trx
      .insertInto('hall_settings')
      .values(values)
      .onConflict((oc) =>
        oc
          .column('hall_id')
          .doUpdateSet({ settings: values.settings, version: values.version, updated_at: values.updated_at }),
      )
      .execute();
  }

  settings(hallId: string): Promise<caseV1.HallCaseSettings | undefined> {
    return settingsRow(this.trx, hallId, true);
  }

  private async insertEntries(entries: readonly caseV1.ActionLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.trx
      .insertInto('action_log')
      .values(
        entries.map((e) => ({
          case_id: e.caseId,
          seq: e.seq,
          entry: JSON.stringify(caseV1.ActionLogEntry.toJSON(e)),
          hash: e.hash,
          at: e.at ?? this.options.clock.now(),
        })),
      )
      .execute();
  }

  /** Rewrites the case's to-dos, unless the change left them as they were (`previous`). */
  private async writeTodos(c: Case, previous?: Case): Promise<void> {
    const todos = todosOf(c);
    if (previous && JSON.stringify(todosOf(previous)) === JSON.stringify(todos)) return;
    await this.trx.deleteFrom('todos').where('case_id', '=', c.id).execute();
    if (todos.length === 0) return;
    await this.trx
      .insertInto('todos')
      .values(
        todos.map((t) => ({
          case_id: t.caseId,
          kind: t.kind,
          stage: t.stage,
          subtask_code: t.subtaskCode,
          hall_id: t.hallId,
          department_id: t.departmentId,
          window_id: t.windowId,
          staff_id: t.staffId,
          due_at: t.dueAt ?? null,
          since: t.since ?? null,
          item: JSON.stringify(caseV1.TodoItem.toJSON({ ...t, caseVersion: 0 })),
        })),
      )
      .execute();
  }
}

async function settingsRow(db: Db, hallId: string, lock: boolean): Promise<caseV1.HallCaseSettings | undefined> {
  let query = db
    .selectFrom('hall_settings')
    .select(['settings', 'version', 'updated_at'])
    .where('hall_id', '=', hallId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row
    ? { ...caseV1.HallCaseSettings.fromJSON(row.settings), version: row.version, updatedAt: row.updated_at }
    : undefined;
}

async function attemptOf(db: Db, scope: string, key: string, lock: boolean): Promise<AttemptRecord | undefined> {
  let query = db.selectFrom('progress_attempts').selectAll().where('scope', '=', scope).where('key', '=', key);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row
    ? { failures: row.failures, windowStartedAt: row.window_started_at, lockedUntil: row.locked_until ?? undefined }
    : undefined;
}

async function saveAttemptIn(db: Db, scope: string, key: string, record: AttemptRecord | undefined): Promise<void> {
  if (!record) {
    await db.deleteFrom('progress_attempts').where('scope', '=', scope).where('key', '=', key).execute();
    return;
  }
  const values = {
    scope,
    key,
    failures: record.failures,
    window_started_at: record.windowStartedAt,
    locked_until: record.lockedUntil ?? null,
  };
  await db
    .insertInto('progress_attempts')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['scope', 'key']).doUpdateSet({
        failures: values.failures,
        window_started_at: values.window_started_at,
        locked_until: values.locked_until,
      }),
    )
    .execute();
}

/** Events carry the version the change wrote. */
function withVersion(event: CaseEventDraft, c: Case): CaseEventDraft {
  const payload = event.payload as { case?: unknown };
  if (payload.case && typeof payload.case === 'object' && 'caseVersion' in payload.case) {
    return {
      ...event,
      payload: { ...event.payload, case: { ...(payload.case as object), caseVersion: c.version } },
    } as CaseEventDraft;
  }
  if (event.name === 'handoffRequested' || event.name === 'handoffProgressed') {
    return { ...event, payload: { ...event.payload, case: c } } as CaseEventDraft;
  }
  return event;
}
