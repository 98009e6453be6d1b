import { isIsoDate, localDateOf, type WorkingCalendar } from '@govhall/calendar';
import { enumName } from '@govhall/catalogue-client';
import {
  caseV1,
  catalogueItemsV1,
  catalogueV1,
  type caseEventsV1,
  type feeEventsV1,
  type intakeEventsV1,
} from '@govhall/contracts';
import {
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  ValidationError,
  nextPageToken,
  readPage,
  validateQueryPassword,
  verifyQueryPassword,
  messageResult,
  type Actor,
  type Clock,
  type FieldViolation,
  type IdGenerator,
  type Logger,
  type StaffActor,
} from '@govhall/kit';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { verifyChain } from '../domain/action-log';
import { act, acceptHandoff, requireRole, text } from '../domain/actions';
import { Roles, type Case, type CaseActor, type CaseEnvironment, type Transition } from '../domain/model';
import { openCase, type OpeningPlace } from '../domain/opening';
import { caseRef, decidingDepartmentOf } from '../domain/stages';
import { archiveCase, deemOverdueSteps, feesPaid, materialsSupplied, releaseBundle } from '../domain/system-steps';
import type { CaseCatalogue } from './catalogue';
import type { BundleRecord, CaseStore, CaseTx, StoredCase } from './case-ports';
import { progressOf, publishedResultOf } from './progress';

const PAGE = { defaultSize: 50, maxSize: 200 };
const SETTINGS_TTL_MS = 5_000;

/** Which halls this deployment serves: every hall (one deployment for the whole network), or halls of its regions. */
export type ServedRegions = '*' | readonly string[];

export interface CaseServiceOptions {
  readonly store: CaseStore;
  readonly catalogue: CaseCatalogue;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly regionCode: string;
  readonly servedRegions: ServedRegions;
  readonly logger: Logger;
  /** Wrong passwords a case or a client may try before the progress query locks (default 5 per case, 20 per client). */
  readonly progressLimits?: ProgressLimits;
}

export interface ProgressLimits {
  readonly perCase: number;
  readonly perClient: number;
  /** Failures count within this window. */
  readonly windowMs: number;
  readonly lockMs: number;
}

export const DEFAULT_PROGRESS_LIMITS: ProgressLimits = {
  perCase: 5,
  perClient: 20,
  windowMs: 15 * 60_000,
  lockMs: 30 * 60_000,
};

function staffOf(actor: Actor): StaffActor {
  if (actor.kind !== 'staff') throw new PermissionDeniedError('a staff member must call this');
  return actor;
}

function caseActor(actor: StaffActor): CaseActor {
  return { staffId: actor.staffId, roles: actor.roles, departmentId: actor.departmentId ?? '', hallId: actor.hallId };
}

const DEFAULT_SETTINGS = (hallId: string): caseV1.HallCaseSettings => ({
  hallId,
  deemOverdueStepsPassed: false,
  version: 0,
});

/** The case use cases: opening from intake, staff actions, reading, meetings, bundles, archive, hand-offs. */
export class CaseService {
  private readonly limits: ProgressLimits;
  private readonly servesRegion: (regionCode: string) => boolean;
  private readonly settings = new LRUCache<string, { value: caseV1.HallCaseSettings | undefined }>({
    max: 1_000,
    ttl: SETTINGS_TTL_MS,
  });

  constructor(private readonly o: CaseServiceOptions) {
    this.limits = o.progressLimits ?? DEFAULT_PROGRESS_LIMITS;
    this.servesRegion = servesRegion(o.servedRegions, o.regionCode);
  }

  // ---- opening ------------------------------------------------------------------------------------------------

  /**
   * Opens the case of an acceptance (`intake.application.accepted` or `completed_immediately`), once: the event
   * id is the command's request id. Catalogue reads happen before the transaction.
   */
  async openFromIntake(eventId: string, accepted: intakeEventsV1.Accepted, immediate: boolean): Promise<void> {
    if (await this.o.store.find({ caseId: accepted.caseId })) return;
    // A 即办件 joins no bundle: its catalogue bundles are not looked up.
    const [place, bundles] = await Promise.all([
      this.placeOf(accepted),
      immediate ? [] : this.o.catalogue.bundlesContaining(accepted.item?.id ?? '', accepted.hallId),
    ]);
    const env = await this.environment([accepted.hallId, place.approvingHallId]);
    const transition = openCase(accepted, place, env, immediate);
    await this.o.store.command(
      { requestId: `open:${eventId}`, operation: 'OpenCase', request: { caseId: accepted.caseId }, result: z.string() },
      async (tx) => {
        if (await tx.get(accepted.caseId)) return accepted.caseId;
        const bundle = immediate ? undefined : await this.joinBundle(tx, transition.case, bundles);
        // case.case.opened names the bundle the case joined (known only here, inside the transaction).
        if (bundle) for (const e of transition.events) if (e.name === 'opened') e.payload.bundleId = bundle.id;
        await tx.create(transition, { requestId: `open:${eventId}`, queryPasswordHash: accepted.queryPasswordHash });
        if (bundle) await this.linkBundle(tx, bundle, transition.case.id);
        return accepted.caseId;
      },
    );
  }

  /** Where the case is handled: approving hall and department, and the accepting clerk's department. */
  private async placeOf(accepted: intakeEventsV1.Accepted): Promise<OpeningPlace> {
    const content = accepted.item?.content;
    const [hall, clerk, itemDepartment] = await Promise.all([
      this.o.catalogue.hall(accepted.hallId),
      accepted.handlerStaffId ? this.o.catalogue.staff(accepted.handlerStaffId) : Promise.resolve(undefined),
      this.o.catalogue.department(content?.departmentId ?? ''),
    ]);
    const acceptingDepartmentId = clerk?.hallId === accepted.hallId ? clerk.departmentId : accepted.departmentId;
    const approveTier = enumName(content?.approveTier ?? catalogueV1.HallTier.HALL_TIER_UNSPECIFIED, 'HALL_TIER_');
    const approvedWhereAccepted = hall?.tier === approveTier || itemDepartment?.hallId === accepted.hallId;
    // Accepted at the approving tier (its own item, or one delegated down to it: 下放 / 委托): decided here, by the
    // item's department when it sits in this hall, else by the accepting clerk's. Otherwise the item's department
    // decides in its own hall, after this hall's 初审 (市县联动).
    const approvingHallId = approvedWhereAccepted ? accepted.hallId : (itemDepartment?.hallId ?? accepted.hallId);
    const approvingDepartmentId =
      approvedWhereAccepted && itemDepartment?.hallId !== accepted.hallId
        ? acceptingDepartmentId
        : (content?.departmentId ?? accepted.departmentId);
    return {
      acceptingDepartmentId,
      approvingHallId,
      approvingDepartmentId,
      leadDepartmentId: accepted.item?.derived?.jointLeadDepartmentId || content?.joint?.leadDepartmentId || '',
      regionCode: this.o.regionCode,
    };
  }

  /** 两证齐发: the case joins the applicant's open bundle of a catalogue bundle containing its item, or starts one. */
  private async joinBundle(
    tx: CaseTx,
    c: Case,
    bundles: readonly catalogueItemsV1.ItemBundle[],
  ): Promise<BundleRecord | undefined> {
    const catalogueBundle = bundles.find((b) => b.active && b.itemIds.includes(c.item?.id ?? ''));
    if (!catalogueBundle) return undefined;
    const open = await tx.openBundle(catalogueBundle.id, c.applicantId);
    const bundle: BundleRecord = open ?? {
      id: this.o.ids.next(),
      catalogueBundleId: catalogueBundle.id,
      name: catalogueBundle.name,
      hallId: catalogueBundle.hallId,
      windowId: catalogueBundle.windowId,
      applicantId: c.applicantId,
      itemIds: catalogueBundle.itemIds,
      caseIds: [],
      pickupAt: undefined,
      issuedAt: undefined,
    };
    c.bundle = {
      bundleId: bundle.id,
      catalogueBundleId: bundle.catalogueBundleId,
      partnerCaseIds: [...bundle.caseIds],
      issuingWindowId: bundle.windowId,
      // A pick-up time agreed before this case was accepted holds for it too.
      ...(bundle.pickupAt ? { pickupAt: bundle.pickupAt } : {}),
    };
    return bundle;
  }

  private async linkBundle(tx: CaseTx, bundle: BundleRecord, caseId: string): Promise<void> {
    await tx.saveBundle({ ...bundle, caseIds: [...bundle.caseIds, caseId] });
    // The partners learn of the new member (their own copies list it).
    for (const partnerId of bundle.caseIds) {
      const partner = await tx.get(partnerId);
      if (!partner) continue;
      const next = caseV1.Case.fromPartial(partner.case);
      next.bundle = { ...next.bundle!, partnerCaseIds: [...(next.bundle?.partnerCaseIds ?? []), caseId] };
      await tx.apply(partner, { case: next, log: [], events: [] }, `bundle:${caseId}`);
    }
  }

  // ---- staff actions -----------------------------------------------------------------------------------------

  async act(actor: Actor, request: caseV1.ActRequest): Promise<caseV1.ActResponse> {
    const staff = caseActor(staffOf(actor));
    const violations: FieldViolation[] = [];
    if (!request.caseId) violations.push({ field: 'case_id', description: 'is required' });
    if (request.expectedVersion < 0) violations.push({ field: 'expected_version', description: 'must be 0 or more' });
    ValidationError.throwIfAny(violations);
    const found = await this.o.store.find({ caseId: request.caseId });
    if (!found) throw new NotFoundError('case', request.caseId);
    if (found.mirror) {
      throw new PreconditionFailedError(
        `case ${found.case.caseNumber} was handed up to hall ${found.case.handoff?.toHallId ?? ''}; it is handled there now`,
      );
    }
    const env = await this.environment(hallsOf(found.case), request.assign?.staffId);
    return this.o.store.command(
      { requestId: request.requestId, operation: 'Act', request, result: messageResult(caseV1.ActResponse) },
      async (tx) => {
        // No second read: the write succeeds only over the version read above (optimistic), else FAILED_PRECONDITION.
        const current = found;
        if (request.expectedVersion > 0 && request.expectedVersion !== current.case.version) {
          throw new PreconditionFailedError(
            `case ${current.case.caseNumber} is at version ${current.case.version} (${current.case.status}, ${current.case.currentStage}), not ${request.expectedVersion}: read it again`,
          );
        }
        const transition = act(current.case, request, staff, env);
        const entries = await tx.apply(current, transition, request.requestId);
        const written = { ...transition.case, version: current.case.version + 1 };
        const bundled = request.issue && written.bundle?.bundleId ? await this.issueBundle(tx, written, env) : written;
        if (request.agreePickup && written.bundle?.bundleId)
          await this.agreeBundlePickup(tx, written, staff, transition.log[0]!.role, env);
        return { case: bundled, entry: entries[entries.length - 1] };
      },
    );
  }

  /** After one case of a bundle is issued: when every partner is, their certificates go out together. */
  private async issueBundle(tx: CaseTx, issued: Case, env: CaseEnvironment): Promise<Case> {
    const bundle = await tx.bundle(issued.bundle!.bundleId);
    if (!bundle || bundle.caseIds.length < bundle.itemIds.length) return issued;
    const members: StoredCase[] = [];
    for (const id of bundle.caseIds) {
      const member = await tx.get(id);
      if (member) members.push(member);
    }
    const changes = releaseBundle(
      members.map((m) => m.case),
      env,
    );
    let answer = issued;
    for (const change of changes) {
      const member = members.find((m) => m.case.id === change.case.id)!;
      await tx.apply(member, change, `bundle-issue:${bundle.id}`);
      if (change.case.id === issued.id) answer = { ...change.case, version: member.case.version + 1 };
    }
    if (changes.length > 0) await tx.saveBundle({ ...bundle, issuedAt: env.now });
    return answer;
  }

  private async agreeBundlePickup(
    tx: CaseTx,
    agreed: Case,
    actor: CaseActor,
    role: string,
    env: CaseEnvironment,
  ): Promise<void> {
    const bundle = await tx.bundle(agreed.bundle!.bundleId);
    if (!bundle) return;
    const pickupAt = agreed.bundle!.pickupAt!;
    await tx.saveBundle({ ...bundle, pickupAt });
    const refs: caseEventsV1.CaseRef[] = [];
    for (const id of bundle.caseIds) {
      const member = await tx.get(id);
      if (!member) continue;
      if (id !== agreed.id) {
        const next = caseV1.Case.fromPartial(member.case);
        next.bundle = { ...next.bundle!, pickupAt };
        await tx.apply(
          member,
          {
            case: next,
            log: [
              {
                action: 'agree_pickup',
                actor,
                // The role the agreement was allowed by, on the partner's entry too.
                role,
                stage: next.currentStage,
                detail: { bundle: bundle.id, pickup_at: pickupAt.toISOString() },
              },
            ],
            events: [],
          },
          `pickup:${bundle.id}:${env.now.getTime()}`,
        );
      }
      // Each ref names the version its case has after this command (the agreed case's was written already).
      refs.push(id === agreed.id ? { ...caseRef(agreed), caseVersion: agreed.version } : caseRef(member.case));
    }
    tx.emit({
      name: 'pickupAgreed',
      payload: { bundleId: bundle.id, cases: refs, pickupAt, hallId: bundle.hallId, windowId: bundle.windowId },
    });
  }

  // ---- reading -----------------------------------------------------------------------------------------------

  async getCase(actor: Actor, request: caseV1.GetCaseRequest): Promise<caseV1.GetCaseResponse> {
    staffOf(actor);
    if (!request.caseId && !request.caseNumber)
      throw ValidationError.single('case_id', 'a case id or a case number is required');
    const found = await this.readableCase(
      actor,
      request.caseId ? { caseId: request.caseId } : { caseNumber: request.caseNumber },
    );
    return { case: found.case, history: await this.o.store.history(found.case.id) };
  }

  /** A case the caller may read (NOT_FOUND, or PERMISSION_DENIED outside their hall or department). */
  async readableCase(actor: Actor, ref: { caseId: string } | { caseNumber: string }): Promise<StoredCase> {
    const staff = staffOf(actor);
    const found = await this.o.store.find(ref);
    if (!found) throw new NotFoundError('case', 'caseId' in ref ? ref.caseId : ref.caseNumber);
    requireSees(staff, found.case);
    return found;
  }

  async listTodo(actor: Actor, request: caseV1.ListTodoRequest): Promise<caseV1.ListTodoResponse> {
    const staff = staffOf(actor);
    const scopes = [request.staffId, request.windowId, request.departmentId, request.hallId].filter(Boolean);
    const violations: FieldViolation[] = [];
    if (scopes.length !== 1)
      violations.push({ field: 'staff_id', description: 'exactly one of staff_id, window_id, department_id, hall_id' });
    const scopeKey = `todo:${request.staffId}:${request.windowId}:${request.departmentId}:${request.hallId}`;
    const window = readPage({ size: request.pageSize, token: request.pageToken }, PAGE, scopeKey, violations);
    ValidationError.throwIfAny(violations);
    if (
      request.staffId &&
      request.staffId !== staff.staffId &&
      !staff.roles.some((r) => (Roles.assign as readonly string[]).includes(r) || r === 'supervisor')
    ) {
      throw new PermissionDeniedError("only leaders and supervisors list another person's to-dos");
    }
    if (request.departmentId && request.departmentId !== staff.departmentId && !isHallWide(staff)) {
      throw new PermissionDeniedError(`department ${request.departmentId} is not the caller's`);
    }
    if (request.hallId && request.hallId !== staff.hallId)
      throw new PermissionDeniedError(`hall ${request.hallId} is not the caller's`);
    if (request.windowId) {
      const w = await this.o.catalogue.window(request.windowId);
      if (!w) throw ValidationError.single('window_id', `no window ${request.windowId}`);
      if (w.hallId !== staff.hallId)
        throw new PermissionDeniedError(`window ${request.windowId} is not in the caller's hall`);
    }
    const items = await this.o.store.todos(
      {
        ...(request.staffId ? { staffId: request.staffId } : {}),
        ...(request.windowId ? { windowId: request.windowId } : {}),
        ...(request.departmentId ? { departmentId: request.departmentId } : {}),
        ...(request.hallId ? { hallId: request.hallId } : {}),
      },
      { size: window.limit + 1, offset: window.offset },
    );
    return {
      items: items.slice(0, window.limit),
      nextPageToken: nextPageToken(window, items.length > window.limit, scopeKey),
    };
  }

  async listCases(actor: Actor, request: caseV1.ListCasesRequest): Promise<caseV1.ListCasesResponse> {
    const staff = staffOf(actor);
    const violations: FieldViolation[] = [];
    if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    const scopeKey = `cases:${request.hallId}:${request.departmentId}:${request.status}`;
    const window = readPage({ size: request.pageSize, token: request.pageToken }, PAGE, scopeKey, violations);
    ValidationError.throwIfAny(violations);
    if (request.hallId !== staff.hallId) throw new PermissionDeniedError(`hall ${request.hallId} is not the caller's`);
    const departmentId = isHallWide(staff) ? request.departmentId : (staff.departmentId ?? '');
    if (request.departmentId && request.departmentId !== departmentId)
      throw new PermissionDeniedError(`department ${request.departmentId} is not the caller's`);
    const status = request.status === caseV1.CaseStatus.CASE_STATUS_UNSPECIFIED ? undefined : request.status;
    const cases = await this.o.store.list(
      { hallId: request.hallId, ...(departmentId ? { departmentId } : {}), ...(status ? { status } : {}) },
      { size: window.limit + 1, offset: window.offset },
    );
    return {
      cases: cases.slice(0, window.limit),
      nextPageToken: nextPageToken(window, cases.length > window.limit, scopeKey),
    };
  }

  async verifyActionLog(actor: Actor, request: caseV1.VerifyActionLogRequest): Promise<caseV1.VerifyActionLogResponse> {
    staffOf(actor);
    if (!request.caseId) throw ValidationError.single('case_id', 'is required');
    const found = await this.readableCase(actor, { caseId: request.caseId });
    const history = await this.o.store.history(found.case.id);
    const check = verifyChain(history);
    if (!check.intact) return check;
    // The case row keeps the log's length and head: entries dropped from the end show too.
    const last = history[history.length - 1];
    if ((found.head?.seq ?? 0) !== history.length || (found.head?.hash ?? '') !== (last?.hash ?? '')) {
      return {
        intact: false,
        entries: history.length,
        firstBrokenSeq: history.length + 1,
        problem: `the log ends at entry ${history.length}; the case was written after entry ${found.head?.seq ?? 0}`,
      };
    }
    return check;
  }

  /**
   * 办件进度查询 (public): by case number and query password. Wrong passwords count per case and per client
   * (`client`: the caller's address, or the one the gateway vouches for); past the limit the query locks for a
   * while, whatever password comes next.
   */
  async queryProgress(client: string, request: caseV1.QueryProgressRequest): Promise<caseV1.QueryProgressResponse> {
    const number = text(request.caseNumber, 'case_number', { required: true, max: 64 });
    ValidationError.throwIfAny(validateQueryPassword(request.password, 'password'));
    const now = this.o.clock.now();
    const found = await this.o.store.find({ caseNumber: number });
    await this.refuseWhenLocked(number, client, now);
    // Scrypt runs outside the transaction; a missing case costs the same as a wrong password.
    const ok = found?.queryPasswordHash ? await verifyQueryPassword(request.password, found.queryPasswordHash) : false;
    if (!ok || !found) {
      await this.recordFailure(number, client, now);
      throw new NotFoundError('case with this number and password', number);
    }
    await this.o.store.updateAttempts([{ scope: 'case', key: number }], () => undefined);
    const department = await this.o.catalogue.department(decidingDepartmentOf(found.case));
    return { progress: progressOf(found.case, department?.name ?? '') };
  }

  private async refuseWhenLocked(number: string, client: string, now: Date): Promise<void> {
    const records = await this.o.store.attempts([
      { scope: 'case', key: number },
      { scope: 'client', key: client },
    ]);
    const locked = records.find((r) => r?.lockedUntil && r.lockedUntil.getTime() > now.getTime());
    if (locked) {
      throw new PreconditionFailedError(
        `too many wrong passwords: the query is locked until ${locked.lockedUntil!.toISOString()}`,
      );
    }
  }

  /** A wrong password counts against the case and the client; the limit-th within the window locks for a while. */
  private async recordFailure(number: string, client: string, now: Date): Promise<void> {
    const limits = { case: this.limits.perCase, client: this.limits.perClient };
    await this.o.store.updateAttempts(
      [
        { scope: 'case', key: number },
        { scope: 'client', key: client },
      ],
      (k, attempt) => {
        const fresh = !attempt || now.getTime() - attempt.windowStartedAt.getTime() > this.limits.windowMs;
        const failures = fresh ? 1 : attempt.failures + 1;
        const lockedUntil = failures >= limits[k.scope] ? new Date(now.getTime() + this.limits.lockMs) : undefined;
        return {
          failures: lockedUntil ? 0 : failures,
          windowStartedAt: fresh || lockedUntil ? now : attempt.windowStartedAt,
          lockedUntil,
        };
      },
    );
  }

  async listPublishedResults(
    request: caseV1.ListPublishedResultsRequest,
  ): Promise<caseV1.ListPublishedResultsResponse> {
    const violations: FieldViolation[] = [];
    if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    const scopeKey = `published:${request.hallId}`;
    const window = readPage({ size: request.pageSize, token: request.pageToken }, PAGE, scopeKey, violations);
    ValidationError.throwIfAny(violations);
    const cases = await this.o.store.published(request.hallId, { size: window.limit + 1, offset: window.offset });
    const page = cases.slice(0, window.limit);
    const departmentIds = [...new Set(page.map(decidingDepartmentOf))];
    const departments = await Promise.all(departmentIds.map((id) => this.o.catalogue.department(id)));
    const names = new Map(departmentIds.map((id, i) => [id, departments[i]?.name ?? '']));
    const results = page.map((c) => publishedResultOf(c, names.get(decidingDepartmentOf(c)) ?? ''));
    return { results, nextPageToken: nextPageToken(window, cases.length > window.limit, scopeKey) };
  }

  // ---- joint meetings ------------------------------------------------------------------------------------------

  /** 联席会议: one record, each listed part decided in one transaction (all or none). */
  async holdJointMeeting(
    actor: Actor,
    request: caseV1.HoldJointMeetingRequest,
  ): Promise<caseV1.HoldJointMeetingResponse> {
    const staff = staffOf(actor);
    const violations: FieldViolation[] = [];
    if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    const title = text(request.title, 'title', { required: true, min: 2, max: 100 });
    const minutes = text(request.minutes, 'minutes', { max: 4000 });
    if (request.decisions.length === 0) violations.push({ field: 'decisions', description: 'at least one decision' });
    if (request.decisions.length > 100) violations.push({ field: 'decisions', description: 'at most 100 decisions' });
    const seen = new Set<string>();
    request.decisions.forEach((d, i) => {
      if (!d.caseId) violations.push({ field: `decisions[${i}].case_id`, description: 'is required' });
      if (!d.subtaskCode) violations.push({ field: `decisions[${i}].subtask_code`, description: 'is required' });
      if (!d.approved && d.refusalReason.trim().length < 2)
        violations.push({ field: `decisions[${i}].refusal_reason`, description: 'a refusal needs its reason' });
      if (!d.opinion.trim()) violations.push({ field: `decisions[${i}].opinion`, description: 'is required' });
      const key = `${d.caseId}/${d.subtaskCode}`;
      if (seen.has(key)) violations.push({ field: `decisions[${i}]`, description: `part ${key} is listed twice` });
      seen.add(key);
    });
    ValidationError.throwIfAny(violations);
    if (request.hallId !== staff.hallId) throw new PermissionDeniedError(`hall ${request.hallId} is not the caller's`);
    const role = requireRole(
      caseActor(staff),
      ['administrator', 'chief_representative', 'deputy_leader', 'principal_leader'],
      'holding a joint meeting',
    );
    const caseIds = [...new Set(request.decisions.map((d) => d.caseId))];
    const loaded = await Promise.all(caseIds.map((id) => this.o.store.find({ caseId: id })));
    loaded.forEach((found, i) => {
      if (!found)
        throw ValidationError.single(
          `decisions[${request.decisions.findIndex((d) => d.caseId === caseIds[i])}].case_id`,
          `no case ${caseIds[i]}`,
        );
    });
    const halls = [...new Set(loaded.flatMap((f) => hallsOf(f!.case)))];
    const env = await this.environment(halls);
    const meetingId = this.o.ids.next();
    const meeting: caseV1.JointMeeting = {
      id: meetingId,
      hallId: request.hallId,
      title,
      heldAt: request.heldAt ?? env.now,
      attendingDepartmentIds: request.attendingDepartmentIds,
      decisions: request.decisions,
      convenedByStaffId: staff.staffId,
      minutes,
    };
    return this.o.store.command(
      {
        requestId: request.requestId,
        operation: 'HoldJointMeeting',
        request,
        result: messageResult(caseV1.HoldJointMeetingResponse),
      },
      async (tx) => {
        for (const caseId of caseIds) {
          const current = await tx.get(caseId);
          if (!current) throw new NotFoundError('case', caseId);
          if (current.case.approvingHallId !== request.hallId) {
            throw ValidationError.single(
              `decisions[${request.decisions.findIndex((d) => d.caseId === caseId)}].case_id`,
              `case ${current.case.caseNumber} is not handled in hall ${request.hallId}`,
            );
          }
          let c = current.case;
          const log: Transition['log'][number][] = [];
          const events: Transition['events'][number][] = [];
          for (const d of request.decisions.filter((x) => x.caseId === caseId)) {
            // Each part is decided as its own department would: the meeting speaks for every attending department.
            const subtask = c.subtasks.find((s) => s.code === d.subtaskCode);
            if (!subtask) {
              const known = c.subtasks.map((s) => s.code).join(', ') || 'none: not a joint case';
              throw ValidationError.single(
                `decisions[${request.decisions.indexOf(d)}].subtask_code`,
                `no part "${d.subtaskCode}" in case ${c.caseNumber} (parts: ${known})`,
              );
            }
            // The meeting speaks for the departments at the table only.
            if (!request.attendingDepartmentIds.includes(subtask.departmentId)) {
              throw ValidationError.single(
                'attending_department_ids',
                `must include department ${subtask.departmentId} of part ${d.subtaskCode} (decisions[${request.decisions.indexOf(d)}])`,
              );
            }
            const t = act(
              c,
              {
                requestId: request.requestId,
                caseId,
                expectedVersion: 0,
                decideSubtask: {
                  subtaskCode: d.subtaskCode,
                  approved: d.approved,
                  opinion: d.opinion,
                  refusalReason: d.refusalReason,
                  attachments: [],
                },
              },
              {
                staffId: staff.staffId,
                roles: ['approver'],
                departmentId: subtask.departmentId,
                hallId: request.hallId,
              },
              env,
            );
            const decided = t.case.subtasks.find((s) => s.code === d.subtaskCode);
            if (decided) decided.meetingId = meetingId;
            log.push(
              ...t.log.map((entry) => ({
                ...entry,
                action: 'meeting_decision',
                role,
                detail: { ...entry.detail, meeting: meetingId },
              })),
            );
            events.push(...t.events);
            c = t.case;
          }
          await tx.apply(current, { case: c, log, events }, request.requestId);
        }
        await tx.saveMeeting(meeting);
        return { meeting };
      },
    );
  }

  async getJointMeeting(actor: Actor, request: caseV1.GetJointMeetingRequest): Promise<caseV1.GetJointMeetingResponse> {
    const staff = staffOf(actor);
    if (!request.meetingId) throw ValidationError.single('meeting_id', 'is required');
    const meeting = await this.o.store.meeting(request.meetingId);
    if (!meeting || meeting.hallId !== staff.hallId) throw new NotFoundError('joint meeting', request.meetingId);
    return { meeting };
  }

  // ---- archive -----------------------------------------------------------------------------------------------

  /** 每周移交一次: a department's cases completed in one ended week (Monday to Sunday), handed over once. */
  async createArchiveBatch(
    actor: Actor,
    request: caseV1.CreateArchiveBatchRequest,
  ): Promise<caseV1.CreateArchiveBatchResponse> {
    const staff = staffOf(actor);
    const violations: FieldViolation[] = [];
    if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (!request.departmentId) violations.push({ field: 'department_id', description: 'is required' });
    const week = weekOf(request.weekOf);
    if (!week) violations.push({ field: 'week_of', description: 'must be a date (YYYY-MM-DD)' });
    ValidationError.throwIfAny(violations);
    const now = this.o.clock.now();
    if (week!.end.getTime() > now.getTime())
      throw ValidationError.single('week_of', `the week ${week!.start.toISOString().slice(0, 10)} has not ended yet`);
    if (
      staff.hallId !== request.hallId ||
      (staff.departmentId !== request.departmentId && !staff.roles.includes('administrator'))
    ) {
      throw new PermissionDeniedError(
        `the archive of department ${request.departmentId} is handed over by its own staff or the hall's administrator`,
      );
    }
    const role = requireRole(caseActor(staff), [...Roles.handle, 'administrator'], 'handing cases to the archive');
    const env = await this.environment([request.hallId]);
    return this.o.store.command(
      {
        requestId: request.requestId,
        operation: 'CreateArchiveBatch',
        request,
        result: messageResult(caseV1.CreateArchiveBatchResponse),
      },
      async (tx) => {
        const weekStart = localDateOf(week!.start);
        const existing = await tx.archiveBatchFor(request.hallId, request.departmentId, weekStart);
        if (existing)
          throw new PreconditionFailedError(`the week of ${weekStart} was handed over already (batch ${existing.id})`);
        const batchId = this.o.ids.next();
        const cases = await tx.completedForArchive(request.hallId, request.departmentId, week!.start, week!.end);
        for (const stored of cases)
          await tx.apply(stored, archiveCase(stored.case, batchId, caseActor(staff), role, env), request.requestId);
        const batch: caseV1.ArchiveBatch = {
          id: batchId,
          hallId: request.hallId,
          departmentId: request.departmentId,
          weekStart,
          weekEnd: localDateOf(new Date(week!.end.getTime() - 1)),
          caseIds: cases.map((s) => s.case.id),
          createdByStaffId: staff.staffId,
          createdAt: now,
        };
        await tx.saveArchiveBatch(batch);
        return { batch };
      },
    );
  }

  async listArchiveBatches(
    actor: Actor,
    request: caseV1.ListArchiveBatchesRequest,
  ): Promise<caseV1.ListArchiveBatchesResponse> {
    const staff = staffOf(actor);
    const violations: FieldViolation[] = [];
    if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    const scopeKey = `batches:${request.hallId}:${request.departmentId}`;
    const window = readPage({ size: request.pageSize, token: request.pageToken }, PAGE, scopeKey, violations);
    ValidationError.throwIfAny(violations);
    if (request.hallId !== staff.hallId) throw new PermissionDeniedError(`hall ${request.hallId} is not the caller's`);
    const batches = await this.o.store.archiveBatches(request.hallId, request.departmentId, {
      size: window.limit + 1,
      offset: window.offset,
    });
    return {
      batches: batches.slice(0, window.limit),
      nextPageToken: nextPageToken(window, batches.length > window.limit, scopeKey),
    };
  }

  async getBundle(actor: Actor, request: caseV1.GetBundleRequest): Promise<caseV1.GetBundleResponse> {
    const staff = staffOf(actor);
    if (!request.bundleId) throw ValidationError.single('bundle_id', 'is required');
    const bundle = await this.o.store.bundle(request.bundleId);
    if (!bundle || bundle.hallId !== staff.hallId) throw new NotFoundError('bundle', request.bundleId);
    return {
      bundle: {
        id: bundle.id,
        catalogueBundleId: bundle.catalogueBundleId,
        name: bundle.name,
        hallId: bundle.hallId,
        windowId: bundle.windowId,
        applicantId: bundle.applicantId,
        caseIds: [...bundle.caseIds],
        ...(bundle.pickupAt ? { pickupAt: bundle.pickupAt } : {}),
        issued: bundle.issuedAt !== undefined,
        ...(bundle.issuedAt ? { issuedAt: bundle.issuedAt } : {}),
      },
    };
  }

  // ---- hall settings -------------------------------------------------------------------------------------------

  async setHallCaseSettings(
    actor: Actor,
    request: caseV1.SetHallCaseSettingsRequest,
  ): Promise<caseV1.SetHallCaseSettingsResponse> {
    const staff = staffOf(actor);
    const s = request.settings;
    const violations: FieldViolation[] = [];
    if (!s) throw ValidationError.single('settings', 'is required');
    if (!s.hallId) violations.push({ field: 'settings.hall_id', description: 'is required' });
    for (const [name, limit] of [
      ['overdue_grace', s.overdueGrace],
      ['commitment_verification_limit', s.commitmentVerificationLimit],
    ] as const) {
      if (!limit) continue;
      const working =
        limit.unit === catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_DAYS ||
        limit.unit === catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_HOURS;
      if (!working) violations.push({ field: `settings.${name}.unit`, description: 'working days or working hours' });
      if (!(limit.amount >= 0) || limit.amount > 200 || !Number.isInteger(limit.amount * 2))
        violations.push({ field: `settings.${name}.amount`, description: 'whole or half units, 0 to 200' });
    }
    ValidationError.throwIfAny(violations);
    if (staff.hallId !== s.hallId || !staff.roles.includes('administrator'))
      throw new PermissionDeniedError("a hall's case rules are set by its administrator");
    const answer = await this.o.store.command(
      {
        requestId: request.requestId,
        operation: 'SetHallCaseSettings',
        request,
        result: messageResult(caseV1.SetHallCaseSettingsResponse),
      },
      async (tx) => {
        const current = await tx.settings(s.hallId);
        if ((current?.version ?? 0) !== s.version) {
          throw new PreconditionFailedError(
            `the settings of hall ${s.hallId} are at version ${current?.version ?? 0}, not ${s.version}`,
          );
        }
        const next: caseV1.HallCaseSettings = { ...s, version: s.version + 1, updatedAt: this.o.clock.now() };
        await tx.saveSettings(next);
        return { settings: next };
      },
    );
    this.settings.delete(s.hallId);
    return answer;
  }

  async getHallCaseSettings(
    actor: Actor,
    request: caseV1.GetHallCaseSettingsRequest,
  ): Promise<caseV1.GetHallCaseSettingsResponse> {
    staffOf(actor);
    if (!request.hallId) throw ValidationError.single('hall_id', 'is required');
    return { settings: (await this.o.store.settings(request.hallId)) ?? DEFAULT_SETTINGS(request.hallId) };
  }

  // ---- from intake ---------------------------------------------------------------------------------------------

  async materialsSupplied(eventId: string, event: intakeEventsV1.MissingMaterialsSupplied): Promise<void> {
    const found = await this.o.store.find({ caseId: event.caseId });
    if (!found || found.mirror) return;
    const env = await this.environment(hallsOf(found.case));
    await this.o.store.command(
      { requestId: `supplied:${eventId}`, operation: 'MaterialsSupplied', request: event, result: z.boolean() },
      async (tx) => {
        const current = await tx.get(event.caseId);
        const change = current && materialsSupplied(current.case, event.materialCodes, event.allSupplied, env);
        if (current && change) await tx.apply(current, change, `supplied:${eventId}`);
        return true;
      },
    );
  }

  async queryPasswordReissued(eventId: string, event: intakeEventsV1.QueryPasswordReissued): Promise<void> {
    await this.o.store.command(
      { requestId: `password:${eventId}`, operation: 'QueryPasswordReissued', request: event, result: z.boolean() },
      async (tx) => {
        if (await tx.get(event.caseId)) await tx.setQueryPasswordHash(event.caseId, event.queryPasswordHash);
        return true;
      },
    );
  }

  // ---- from the fee service ------------------------------------------------------------------------------------

  /**
   * 一费制: `fee.case.fees_paid`, once per event (its id is the command's request id): the case's fees are PAID
   * from `occurredAt` (the fee service's commit; the service clock when it is missing or unreadable), and its
   * certificate may be issued. An unknown case, or one PAID already, changes nothing. A copy handed up to another
   * deployment is not changed: it mirrors the upper tier, which holds the case now.
   */
  async feesPaid(eventId: string, event: feeEventsV1.CaseFeesPaid, occurredAt?: string): Promise<void> {
    const found = await this.o.store.find({ caseId: event.caseId });
    if (!found || found.case.feeStatus === caseV1.CaseFeeStatus.CASE_FEE_STATUS_PAID) return;
    if (found.mirror) {
      this.o.logger.warn(
        { caseId: event.caseId, caseNumber: found.case.caseNumber, toHall: found.case.handoff?.toHallId },
        'fees paid for a case handed up to another deployment: this copy mirrors the upper tier and is not changed',
      );
      return;
    }
    const env = await this.environment(hallsOf(found.case));
    const reported = occurredAt ? new Date(occurredAt) : undefined;
    const paidAt = reported && !Number.isNaN(reported.getTime()) ? reported : env.now;
    const requestId = `fees-paid:${eventId}`;
    await this.o.store.command(
      { requestId, operation: 'FeesPaid', request: event, result: z.boolean() },
      async (tx) => {
        const current = await tx.get(event.caseId);
        const change = current && !current.mirror && feesPaid(current.case, event, paidAt, env);
        if (current && change) await tx.apply(current, change, requestId);
        return true;
      },
    );
  }

  // ---- across tiers ------------------------------------------------------------------------------------------

  /** The upper tier: a case handed up to one of its halls continues here with its whole history. */
  async handoffRequested(eventId: string, event: caseEventsV1.HandoffRequested): Promise<void> {
    const handed = event.case;
    if (!handed || !this.servesRegion(event.toRegionCode)) return;
    if (await this.o.store.find({ caseId: handed.id })) return;
    const env = await this.environment(hallsOf(handed));
    const transition = acceptHandoff(handed, env);
    await this.o.store.command(
      {
        requestId: `handoff:${eventId}`,
        operation: 'AcceptHandoff',
        request: { caseId: handed.id },
        result: z.boolean(),
      },
      async (tx) => {
        if (await tx.get(handed.id)) return true;
        await tx.create(
          { ...transition, case: { ...transition.case, version: handed.version } },
          { requestId: `handoff:${eventId}`, queryPasswordHash: event.queryPasswordHash, entries: event.history },
        );
        return true;
      },
    );
  }

  /** The lower tier: its copy of a handed-up case follows what the upper tier reports. */
  async handoffProgressed(eventId: string, event: caseEventsV1.HandoffProgressed): Promise<void> {
    const next = event.case;
    if (!next || !this.servesRegion(event.fromRegionCode)) return;
    await this.o.store.command(
      {
        requestId: `progressed:${eventId}`,
        operation: 'MirrorHandoff',
        request: { caseId: next.id, version: next.version },
        result: z.boolean(),
      },
      async (tx) => {
        const current = await tx.get(next.id);
        // Older reports arrive late sometimes: only a newer version replaces the copy.
        if (!current || next.version <= current.case.version) return true;
        const history = await tx.history(next.id);
        const known = new Set(history.map((e) => e.seq));
        await tx.mirror(
          current,
          next,
          event.entries.filter((e) => !known.has(e.seq)),
        );
        return true;
      },
    );
  }

  // ---- 超时默认 ---------------------------------------------------------------------------------------------

  /** Deems overdue steps passed in the halls that turned it on; returns how many cases changed. */
  async sweepOverdueSteps(limit = 200): Promise<number> {
    const now = this.o.clock.now();
    const candidates = await this.o.store.overdueCandidates(now, limit);
    let changed = 0;
    for (const caseId of candidates) {
      const found = await this.o.store.find({ caseId });
      if (!found || found.mirror) continue;
      const settings =
        (await this.settingsOf(found.case.approvingHallId)) ?? DEFAULT_SETTINGS(found.case.approvingHallId);
      if (!settings.deemOverdueStepsPassed) continue;
      const env = await this.environment(hallsOf(found.case));
      // Still within its grace: nothing to write (the command below deems only over this same version).
      if (!deemOverdueSteps(found.case, env)) continue;
      // Keyed by the sweep's instant and the settings' version too: an earlier sweep that found the step still
      // within its grace stored `false` for this case version, and replaying that would never deem the step. The
      // version check below keeps two sweeps from deeming twice.
      const requestId = `deem:${caseId}:${found.case.version}:${settings.version}:${now.getTime()}`;
      const done = await this.o.store.command(
        {
          requestId,
          operation: 'DeemOverdue',
          request: { caseId, version: found.case.version, settings: settings.version, at: now.toISOString() },
          result: z.boolean(),
        },
        async (tx) => {
          const current = await tx.get(caseId);
          if (!current || current.case.version !== found.case.version) return false;
          const change = deemOverdueSteps(current.case, env);
          if (!change) return false;
          await tx.apply(current, change, requestId);
          return true;
        },
      );
      if (done) changed += 1;
    }
    return changed;
  }

  // ---- environment -------------------------------------------------------------------------------------------

  /**
   * A hall's case rules, kept for a few seconds: every action reads them, an administrator changes them rarely
   * (another replica sees a change within SETTINGS_TTL_MS).
   */
  private async settingsOf(hallId: string): Promise<caseV1.HallCaseSettings | undefined> {
    const known = this.settings.get(hallId);
    if (known) return known.value;
    const value = await this.o.store.settings(hallId);
    this.settings.set(hallId, { value });
    return value;
  }

  /**
   * Everything the rules read, loaded outside the transaction: calendars, settings, regions, names, and the staff
   * member an action names (`assigneeId`, looked up in the catalogue).
   */
  async environment(hallIds: readonly string[], assigneeId?: string): Promise<CaseEnvironment> {
    const now = this.o.clock.now();
    const year = Number(localDateOf(now).slice(0, 4));
    const halls = [...new Set(hallIds.filter(Boolean))];
    const [calendars, settings, views, departments, assignee] = await Promise.all([
      Promise.all(halls.map((id) => this.o.catalogue.workingCalendar(id, year, 2))),
      Promise.all(halls.map((id) => this.settingsOf(id))),
      Promise.all(halls.map((id) => this.o.catalogue.hall(id))),
      Promise.all(halls.map((id) => this.o.catalogue.departmentsOf(id))),
      assigneeId ? this.o.catalogue.staff(assigneeId) : undefined,
    ]);
    const calendarByHall = new Map<string, WorkingCalendar>(halls.map((id, i) => [id, calendars[i]!]));
    const departmentNames = new Map<string, string>();
    for (const list of departments) for (const d of list) departmentNames.set(d.id, d.name);
    const served = this.o.servedRegions;
    return {
      now,
      calendarOf: (hallId) => {
        const calendar = calendarByHall.get(hallId);
        if (!calendar) throw new Error(`no calendar loaded for hall ${hallId}`);
        return calendar;
      },
      settingsOf: (hallId) => settings[halls.indexOf(hallId)] ?? DEFAULT_SETTINGS(hallId),
      newId: () => this.o.ids.next(),
      servesHall: (hallId) => served === '*' || served.includes(views[halls.indexOf(hallId)]?.regionCode ?? ''),
      regionOf: (hallId) => views[halls.indexOf(hallId)]?.regionCode ?? '',
      staff: (staffId) => (assignee?.id === staffId ? assignee : undefined),
      departmentName: (departmentId) => departmentNames.get(departmentId) ?? '',
    };
  }
}

/** A region whose halls this deployment handles (a district deployment may serve its townships too). */
export function servesRegion(served: ServedRegions, ownRegionCode: string): (regionCode: string) => boolean {
  return (regionCode) => (served === '*' ? regionCode === ownRegionCode : served.includes(regionCode));
}

function hallsOf(c: Case): string[] {
  return [c.acceptingHallId, c.approvingHallId, c.currentHallId];
}

function isHallWide(staff: StaffActor): boolean {
  return staff.roles.includes('administrator') || staff.roles.includes('supervisor');
}

/** A staff member sees the cases of their hall (accepting, approving or holding) in their department, or all of them as hall-wide staff. */
function requireSees(staff: StaffActor, c: Case): void {
  const halls = new Set(hallsOf(c));
  if (!halls.has(staff.hallId))
    throw new PermissionDeniedError(`case ${c.caseNumber} is not handled in the caller's hall`);
  if (isHallWide(staff)) return;
  const departments = new Set([
    c.acceptingDepartmentId,
    c.approvingDepartmentId,
    c.leadDepartmentId,
    ...c.relatedDepartmentIds,
  ]);
  if (!departments.has(staff.departmentId ?? ''))
    throw new PermissionDeniedError(`case ${c.caseNumber} is not one of the caller's department`);
}

/** The Monday 00:00 and the next Monday 00:00 (Beijing time) of the week of `day`. */
function weekOf(day: string): { start: Date; end: Date } | undefined {
  if (!isIsoDate(day)) return undefined;
  const noon = new Date(`${day}T12:00:00+08:00`);
  const weekday = (noon.getUTCDay() + 6) % 7;
  const start = new Date(`${day}T00:00:00+08:00`).getTime() - weekday * 86_400_000;
  return { start: new Date(start), end: new Date(start + 7 * 86_400_000) };
}
