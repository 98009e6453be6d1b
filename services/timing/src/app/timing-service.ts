import type { TimeLimit, WorkingCalendar } from '@govhall/calendar';
import { calendarLimitOf } from '@govhall/catalogue-client';
import {
  caseV1,
  catalogueItemsV1,
  timingV1,
  type caseEventsV1,
  type catalogueEventsV1,
  type feeEventsV1,
  type intakeEventsV1,
  type timingEventsV1,
} from '@govhall/contracts';
import {
  MalformedEventError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  UnavailableError,
  ValidationError,
  messageResult,
  type Actor,
  type Clock,
  type IdGenerator,
  type Logger,
} from '@govhall/kit';
import { z } from 'zod';
import {
  chinaYearOf,
  extend,
  fireDue,
  isCardLevel,
  newClock,
  pause,
  replan,
  resume,
  stop,
  type AlertLevelName,
  type ClockKindName,
  type ClockState,
  type ClockSubject,
  type StepPlanner,
} from '../domain/clock';
import type { CaseFacts } from '../domain/indicators';
import {
  DEFAULT_ACCEPTANCE_LIMIT,
  alertLevelCodec,
  defaultHallRules,
  ladderPlanner,
  ruleViolations,
} from '../domain/ladder';
import { recipientsOf } from '../domain/recipients';
import {
  chargeAboveStandardFinding,
  currentStageOf,
  newTrail,
  refused,
  stageCompleted,
  stageEntryFinding,
  supervisionRuleCodec,
  type SupervisionRuleName,
} from '../domain/supervision';
import { cardMessage, clockMessage, historyEntry } from './messages';
import type { ClaimedClock, FiredBatch, TimingCalendars, TimingStore, TimingTx } from './ports';

const Stage = catalogueItemsV1.ProcessStage;
/** How long a hall's rules are reused before they are read again (another replica may have changed them). */
const RULES_TTL_MS = 30_000;

export interface TimingServiceOptions {
  readonly store: TimingStore;
  readonly calendars: TimingCalendars;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

type Rules = timingV1.HallRules;

/**
 * The timing use cases: clocks from intake's and the case service's events, the firing of their alert ladders,
 * cards and their review, the other supervision rules, and the reads. Calendars and hall rules are read before a
 * transaction opens; inside one only its own queries are awaited.
 */
export class TimingService {
  private readonly rulesCache = new Map<string, { rules: Rules; until: number }>();

  constructor(private readonly options: TimingServiceOptions) {}

  private get store(): TimingStore {
    return this.options.store;
  }

  private now(): Date {
    return this.options.clock.now();
  }

  // ---- rules ----------------------------------------------------------------------------------------------

  /** The hall's rules, the defaults when it set none. Read outside transactions, kept briefly. */
  async rulesOf(hallId: string): Promise<Rules> {
    const known = this.rulesCache.get(hallId);
    if (known && known.until > Date.now()) return known.rules;
    const rules = (await this.store.rules(hallId)) ?? defaultHallRules(hallId);
    this.rulesCache.set(hallId, { rules, until: Date.now() + RULES_TTL_MS });
    return rules;
  }

  private async plannerOf(hallId: string): Promise<StepPlanner> {
    return ladderPlanner((await this.rulesOf(hallId)).ladder ?? defaultHallRules(hallId).ladder!);
  }

  private async ruleOn(hallId: string, rule: SupervisionRuleName): Promise<boolean> {
    const switches = (await this.rulesOf(hallId)).rules;
    if (!switches) return true;
    const on: Record<SupervisionRuleName, boolean> = {
      stage_order: switches.stageOrder,
      pre_review_late: switches.preReviewLate,
      refusal_without_reason: switches.refusalWithoutReason,
      charge_above_standard: switches.chargeAboveStandard,
      missing_material_overdue: switches.missingMaterialOverdue,
    };
    return on[rule];
  }

  async setHallRules(actor: Actor, request: timingV1.SetHallRulesRequest): Promise<Rules> {
    const violations = ruleViolations(request.ladder);
    if (!request.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    const acceptance = request.acceptanceLimit ? calendarLimitOf(request.acceptanceLimit) : undefined;
    if (request.acceptanceLimit && (!acceptance || !(acceptance.amount > 0)))
      violations.push({ field: 'acceptance_limit', description: 'a positive limit with a unit' });
    ValidationError.throwIfAny(violations);
    requireHall(actor, request.hallId, 'setting a hall’s supervision rules');
    const rules = await this.store.command(
      {
        requestId: request.requestId,
        operation: 'SetHallRules',
        request,
        result: messageResult(timingV1.HallRules),
      },
      async (tx) => {
        const current = await tx.rules(request.hallId);
        const version = current?.version ?? 0;
        if (version !== request.expectedVersion) {
          throw new PreconditionFailedError(
            `the rules of hall ${request.hallId} are at version ${version}, not ${request.expectedVersion}; read them again`,
          );
        }
        const next: Rules = {
          hallId: request.hallId,
          ladder: request.ladder!,
          rules: request.rules ?? defaultHallRules(request.hallId).rules!,
          acceptanceLimit: request.acceptanceLimit ?? defaultHallRules(request.hallId).acceptanceLimit!,
          version: version + 1,
          updatedAt: this.now(),
          updatedByStaffId: actor.kind === 'staff' ? actor.staffId : '',
        };
        await tx.saveRules(next);
        return next;
      },
    );
    // Forgotten, not set to the answer: a retried request answers the rules it stored then, maybe older than
    // those in force now; the next read takes the stored ones.
    this.rulesCache.delete(rules.hallId);
    return rules;
  }

  // ---- calendars ------------------------------------------------------------------------------------------

  private async calendarsFor(
    clocks: readonly { hallId: string; startedAt: Date }[],
  ): Promise<Map<string, WorkingCalendar>> {
    const from = new Map<string, number>();
    for (const c of clocks) from.set(c.hallId, Math.min(from.get(c.hallId) ?? Infinity, chinaYearOf(c.startedAt)));
    const calendars = new Map<string, WorkingCalendar>();
    for (const [hallId, year] of from) calendars.set(hallId, await this.options.calendars.calendarFor(hallId, year));
    return calendars;
  }

  private async plannersFor(hallIds: Iterable<string>): Promise<Map<string, StepPlanner>> {
    const planners = new Map<string, StepPlanner>();
    for (const hallId of hallIds) if (!planners.has(hallId)) planners.set(hallId, await this.plannerOf(hallId));
    return planners;
  }

  /**
   * Runs an event's work once (the event id is the request id) with what its clocks need already read: the
   * calendars and ladders of the halls involved. `halls` names the halls of clocks the event starts; the halls of
   * a case's existing clocks are added.
   */
  private async onEvent(
    eventId: string,
    operation: string,
    scope: { caseId?: string; registrationId?: string; starts?: { hallId: string; startedAt: Date }[] },
    work: (tx: TimingTx, env: EventEnv) => Promise<void>,
  ): Promise<void> {
    const existing = scope.caseId || scope.registrationId ? await this.store.clocksOf(scope) : [];
    const involved = [...existing, ...(scope.starts ?? [])];
    const calendars = await this.calendarsFor(involved);
    const planners = await this.plannersFor(calendars.keys());
    const env: EventEnv = {
      calendar: (hallId) => {
        const calendar = calendars.get(hallId);
        // A clock of a hall not read beforehand (it appeared meanwhile): retried, then it is read.
        if (!calendar) throw new UnavailableError(`the calendar of hall ${hallId} was not read for this event`);
        return calendar;
      },
      planner: (hallId) => planners.get(hallId) ?? ladderPlanner(defaultHallRules(hallId).ladder!),
    };
    await this.store.command({ requestId: eventId, operation, request: { eventId }, result: z.null() }, async (tx) => {
      await work(tx, env);
      return null;
    });
  }

  private async startClock(
    tx: TimingTx,
    env: EventEnv,
    subject: ClockSubject,
    budget: TimeLimit,
    startedAt: Date,
  ): Promise<ClockState | undefined> {
    const known = await tx.clock(subject.key);
    if (known) return known;
    const clock = replan(
      newClock(this.options.ids.next(), subject, budget, startedAt),
      env.calendar(subject.hallId),
      env.planner(subject.hallId),
    );
    await tx.saveClock(clock);
    return clock;
  }

  /** Stops a clock; cards it raised before a stop that proves them wrong (the event came late) are cancelled. */
  private async stopClock(tx: TimingTx, clock: ClockState | undefined, at: Date): Promise<ClockState | undefined> {
    if (!clock || clock.status === 'stopped') return clock;
    const stopped = stop(clock, at);
    await tx.saveClock(stopped);
    if (!stopped.overdue && clock.firedSteps > 0) {
      for (const card of await tx.cardsOfClock(clock.id)) {
        if (card.status === timingV1.CardStatus.CARD_STATUS_CANCELLED) continue;
        const entry = historyEntry(
          timingV1.CardStatus.CARD_STATUS_CANCELLED,
          'system',
          `办结时间 ${at.toISOString()} 早于到期时间，事件晚到：自动撤销`,
          this.now(),
        );
        const cancelled = { ...card, status: entry.status, history: [...card.history, entry] };
        await tx.saveCard(cancelled, entry);
        tx.emit({ name: 'cardCancelled', payload: { card: cancelled } }, clock.caseId || undefined);
      }
    }
    return stopped;
  }

  private async breach(
    tx: TimingTx,
    key: string,
    rule: SupervisionRuleName,
    fields: Omit<timingV1.RuleBreach, 'id' | 'rule' | 'detectedAt'>,
    at: Date,
  ): Promise<void> {
    const breach: timingV1.RuleBreach = {
      id: this.options.ids.next(),
      rule: supervisionRuleCodec[rule],
      detectedAt: at,
      ...fields,
    };
    if (await tx.addBreach(`${rule}:${key}`, breach))
      tx.emit({ name: 'ruleBreached', payload: { breach } }, fields.caseId || undefined);
  }

  // ---- intake ---------------------------------------------------------------------------------------------

  /** intake.application.registered: the acceptance clock starts (Wuhu's 4-hour countdown). */
  async registered(eventId: string, e: intakeEventsV1.Registered): Promise<void> {
    const startedAt = e.registeredAt ?? this.now();
    const rules = await this.rulesOf(e.hallId);
    const budget =
      calendarLimitOf(e.acceptanceLimit) ?? calendarLimitOf(rules.acceptanceLimit) ?? DEFAULT_ACCEPTANCE_LIMIT;
    await this.onEvent(eventId, 'Registered', { starts: [{ hallId: e.hallId, startedAt }] }, async (tx, env) => {
      await this.startClock(
        tx,
        env,
        {
          kind: 'acceptance',
          key: `acceptance:${e.registrationId}`,
          caseId: '',
          caseNumber: '',
          registrationId: e.registrationId,
          itemId: e.itemId,
          itemName: e.itemName,
          applicantId: e.applicantId,
          stage: Stage.PROCESS_STAGE_ACCEPT,
          stageSeq: 0,
          subtaskCode: '',
          hallId: e.hallId,
          departmentId: e.departmentId,
          windowId: e.windowId,
          handlerStaffId: '',
        },
        budget,
        startedAt,
      );
      await tx.saveRegistrationFacts({
        registrationId: e.registrationId,
        hallId: e.hallId,
        departmentId: e.departmentId,
        windowId: e.windowId,
        itemId: e.itemId,
        itemName: e.itemName,
        registeredAt: startedAt,
      });
    });
  }

  /** 补正: the acceptance clock stands still until the applicant resubmits. */
  async supplementRequested(eventId: string, e: intakeEventsV1.SupplementRequested): Promise<void> {
    await this.onEvent(eventId, 'SupplementRequested', { registrationId: e.registrationId }, async (tx) => {
      const clock = await tx.clock(`acceptance:${e.registrationId}`);
      if (clock) await tx.saveClock(pause(clock, e.requestedAt ?? this.now()));
    });
  }

  async resubmitted(eventId: string, e: intakeEventsV1.Resubmitted): Promise<void> {
    await this.onEvent(eventId, 'Resubmitted', { registrationId: e.registrationId }, async (tx, env) => {
      const clock = await tx.clock(`acceptance:${e.registrationId}`);
      if (clock)
        await tx.saveClock(
          resume(clock, e.resubmittedAt ?? this.now(), env.calendar(clock.hallId), env.planner(clock.hallId)),
        );
    });
  }

  /** Accepted (or completed on the spot) or refused: the acceptance clock stops. */
  async registrationDecided(
    eventId: string,
    registrationId: string,
    outcome: 'accepted' | 'refused',
    at: Date,
    caseId = '',
  ): Promise<void> {
    await this.onEvent(eventId, `Registration${outcome}`, { registrationId }, async (tx, env) => {
      const clock = await tx.clock(`acceptance:${registrationId}`);
      const stopped = await this.stopClock(tx, clock ? { ...clock, caseId: caseId || clock.caseId } : undefined, at);
      const facts = await tx.registrationFacts(registrationId);
      if (!facts) return;
      let acceptanceWorkingMs: number | undefined;
      if (stopped) acceptanceWorkingMs = workingMsOf(stopped, env.calendar(stopped.hallId));
      await tx.saveRegistrationFacts({
        ...facts,
        outcome,
        decidedAt: at,
        ...(acceptanceWorkingMs !== undefined ? { acceptanceWorkingMs } : {}),
      });
    });
  }

  /** 容缺 materials not supplied by their due date. */
  async missingMaterialsOverdue(eventId: string, e: intakeEventsV1.MissingMaterialsOverdue): Promise<void> {
    if (!(await this.ruleOn(e.hallId, 'missing_material_overdue'))) return;
    await this.onEvent(eventId, 'MissingMaterialsOverdue', {}, async (tx) => {
      await this.breach(
        tx,
        `${e.caseId || e.registrationId}:${e.materialCodes.join(',')}`,
        'missing_material_overdue',
        {
          caseId: e.caseId,
          caseNumber: e.caseNumber,
          registrationId: e.registrationId,
          hallId: e.hallId,
          departmentId: e.departmentId,
          stage: Stage.PROCESS_STAGE_UNSPECIFIED,
          detail: `容缺材料逾期未补齐：${e.materialCodes.join('、')}（应于 ${e.supplementDueAt?.toISOString() ?? ''} 前补齐）`,
        },
        this.now(),
      );
    });
  }

  // ---- case -----------------------------------------------------------------------------------------------

  /** case.case.opened: the promised and statutory clocks start from acceptance; the plan is kept for 环节完整性. */
  async caseOpened(eventId: string, e: caseEventsV1.Opened): Promise<void> {
    const ref = e.case!;
    const hallId = e.approvingHallId || ref.currentHallId || ref.acceptingHallId;
    const acceptedAt = e.acceptedAt ?? this.now();
    await this.onEvent(
      eventId,
      'CaseOpened',
      { caseId: ref.caseId, starts: [{ hallId, startedAt: acceptedAt }] },
      async (tx, env) => {
        const subject = (kind: ClockKindName): ClockSubject => ({
          ...caseSubject(ref, kind, `${kind}:${ref.caseId}`),
          hallId,
          windowId: e.acceptingWindowId,
          handlerStaffId: '',
        });
        const promisedLimit = calendarLimitOf(e.promisedLimit);
        const statutoryLimit = calendarLimitOf(e.statutoryLimit);
        const promised = promisedLimit
          ? await this.startClock(tx, env, subject('promised'), promisedLimit, acceptedAt)
          : undefined;
        if (statutoryLimit) await this.startClock(tx, env, subject('statutory'), statutoryLimit, acceptedAt);
        const calendar = env.calendar(hallId);
        const facts: CaseFacts = {
          caseId: ref.caseId,
          caseNumber: ref.caseNumber,
          hallId: ref.acceptingHallId,
          departmentId: e.acceptingDepartmentId || ref.departmentId,
          windowId: e.acceptingWindowId,
          itemId: ref.itemId,
          itemName: ref.itemName,
          acceptedAt,
          completedOnTheSpot: e.completedOnTheSpot,
          ...limitDays('statutoryWorkingDays', calendar, acceptedAt, statutoryLimit),
          ...limitDays('promisedWorkingDays', calendar, acceptedAt, promisedLimit),
          ...(promised?.dueAt ? { promisedDueAt: promised.dueAt } : {}),
        };
        await tx.saveCaseFacts(facts);
        await tx.saveStageTrail(ref.caseId, newTrail(e.stages));
      },
    );
  }

  /** case.stage.entered: a stage clock starts from the item's stage budget; the entry is checked against the plan. */
  async stageEntered(eventId: string, e: caseEventsV1.StageEntered): Promise<void> {
    const ref = e.case!;
    const record = e.stage!;
    const budget = calendarLimitOf(record.budget);
    const enteredAt = record.enteredAt ?? this.now();
    const checkOrder = await this.ruleOn(record.hallId || ref.currentHallId, 'stage_order');
    await this.onEvent(
      eventId,
      'StageEntered',
      { caseId: ref.caseId, starts: budget ? [{ hallId: record.hallId, startedAt: enteredAt }] : [] },
      async (tx, env) => {
        if (budget && record.stage !== Stage.PROCESS_STAGE_ARCHIVE) {
          await this.startClock(
            tx,
            env,
            {
              ...caseSubject(ref, 'stage', `stage:${ref.caseId}:${record.seq}`),
              stage: record.stage,
              stageSeq: record.seq,
              hallId: record.hallId,
              departmentId: record.departmentId,
              handlerStaffId: record.handlerStaffId,
            },
            budget,
            enteredAt,
          );
        }
        const trail = await tx.stageTrail(ref.caseId);
        if (!trail) return;
        const finding = checkOrder ? stageEntryFinding(trail, record.stage) : undefined;
        if (finding) {
          await this.breach(
            tx,
            `${ref.caseId}:${record.seq}`,
            'stage_order',
            {
              caseId: ref.caseId,
              caseNumber: ref.caseNumber,
              registrationId: '',
              hallId: record.hallId,
              departmentId: record.departmentId,
              stage: record.stage,
              detail: finding,
            },
            enteredAt,
          );
        }
        await tx.saveStageTrail(ref.caseId, { ...trail, sentBackTo: '' });
      },
    );
  }

  /** case.handler.assigned: 催办 goes to whoever holds the step now. */
  async handlerAssigned(eventId: string, e: caseEventsV1.HandlerAssigned): Promise<void> {
    const ref = e.case!;
    await this.onEvent(eventId, 'HandlerAssigned', {}, async (tx) => {
      const key = e.subtaskCode ? `subtask:${ref.caseId}:${e.subtaskCode}` : `stage:${ref.caseId}:${e.stageSeq}`;
      const clock = await tx.clock(key);
      if (clock && clock.status !== 'stopped') await tx.saveClock({ ...clock, handlerStaffId: e.handlerStaffId });
    });
  }

  /** case.stage.completed: the stage clock stops; a 初审 handed up after its budget is a breach. */
  async stageCompleted(eventId: string, e: caseEventsV1.StageCompleted): Promise<void> {
    const ref = e.case!;
    const record = e.stage!;
    const at = record.completedAt ?? this.now();
    const checkPreReview = await this.ruleOn(record.hallId || ref.currentHallId, 'pre_review_late');
    await this.onEvent(eventId, 'StageCompleted', { caseId: ref.caseId }, async (tx) => {
      const stopped = await this.stopClock(tx, await tx.clock(`stage:${ref.caseId}:${record.seq}`), at);
      if (checkPreReview && record.stage === Stage.PROCESS_STAGE_PRE_REVIEW && stopped?.overdue && stopped.dueAt) {
        await this.breach(
          tx,
          `${ref.caseId}:${record.seq}`,
          'pre_review_late',
          {
            caseId: ref.caseId,
            caseNumber: ref.caseNumber,
            registrationId: '',
            hallId: record.hallId,
            departmentId: record.departmentId,
            stage: record.stage,
            detail: `初审逾期上报：应于 ${stopped.dueAt.toISOString()} 前完成，实际 ${at.toISOString()}`,
          },
          at,
        );
      }
      const trail = await tx.stageTrail(ref.caseId);
      const sentBackTo =
        record.status === caseV1.StageStatus.STAGE_STATUS_SENT_BACK && e.sentBackTo !== Stage.PROCESS_STAGE_UNSPECIFIED
          ? e.sentBackTo
          : '';
      if (trail) await tx.saveStageTrail(ref.caseId, stageCompleted(trail, record.stage, sentBackTo));
    });
  }

  /** A joint part became ready (its clock starts), was taken (its handler) or was decided (its clock stops). */
  async subtaskChanged(
    eventId: string,
    type: 'ready' | 'started' | 'decided',
    e: caseEventsV1.SubtaskChanged,
  ): Promise<void> {
    const ref = e.case!;
    const part = e.subtask!;
    const key = `subtask:${ref.caseId}:${part.code}`;
    const budget = calendarLimitOf(part.budget);
    const startedAt = part.readyAt ?? this.now();
    const hallId = ref.currentHallId || ref.acceptingHallId;
    await this.onEvent(
      eventId,
      `Subtask${type}`,
      { caseId: ref.caseId, starts: type === 'ready' && budget ? [{ hallId, startedAt }] : [] },
      async (tx, env) => {
        if (type === 'ready') {
          if (!budget) return;
          await this.startClock(
            tx,
            env,
            {
              ...caseSubject(ref, 'subtask', key),
              stage: Stage.PROCESS_STAGE_REVIEW,
              subtaskCode: part.code,
              hallId,
              departmentId: part.departmentId,
              handlerStaffId: part.handlerStaffId,
            },
            budget,
            startedAt,
          );
          return;
        }
        const clock = await tx.clock(key);
        if (!clock) return;
        if (type === 'started') {
          if (clock.status !== 'stopped') await tx.saveClock({ ...clock, handlerStaffId: part.handlerStaffId });
          return;
        }
        await this.stopClock(tx, clock, part.decidedAt ?? this.now());
      },
    );
  }

  /** 特别程序: every running clock of the case stands still, and resumes when it ends (moved by its working time). */
  async specialProcedure(eventId: string, started: boolean, e: caseEventsV1.SpecialProcedureChanged): Promise<void> {
    const ref = e.case!;
    const procedure = e.procedure!;
    await this.onEvent(
      eventId,
      started ? 'SpecialProcedureStarted' : 'SpecialProcedureEnded',
      { caseId: ref.caseId },
      async (tx, env) => {
        for (const clock of await tx.clocksOfCase(ref.caseId)) {
          if (clock.kind === 'acceptance' || clock.status === 'stopped') continue;
          const next = started
            ? pause(clock, procedure.startedAt ?? this.now())
            : resume(clock, procedure.endedAt ?? this.now(), env.calendar(clock.hallId), env.planner(clock.hallId));
          if (next === clock) continue;
          await tx.saveClock(next);
          if (next.kind === 'promised') await this.syncPromisedDue(tx, ref.caseId, next);
        }
      },
    );
  }

  /** 延期: the promised and statutory clocks move by the granted working days (art. 42 extends the decision limit). */
  async extended(eventId: string, e: caseEventsV1.Extended): Promise<void> {
    const ref = e.case!;
    const amount = calendarLimitOf(e.extension?.amount);
    if (!amount) return;
    await this.onEvent(eventId, 'Extended', { caseId: ref.caseId }, async (tx, env) => {
      for (const kind of ['promised', 'statutory'] as const) {
        const clock = await tx.clock(`${kind}:${ref.caseId}`);
        if (!clock || clock.status === 'stopped') continue;
        const at = e.extension?.grantedAt ?? this.now();
        const extended = extend(clock, amount, at, env.calendar(clock.hallId), env.planner(clock.hallId));
        await tx.saveClock(extended);
        if (kind === 'promised') await this.syncPromisedDue(tx, ref.caseId, extended);
      }
    });
  }

  /** case.case.decided: a refusal without a written reason is a breach; a refusal sends the case to 发证办结. */
  async decided(eventId: string, e: caseEventsV1.Decided): Promise<void> {
    const ref = e.case!;
    const decision = e.decision!;
    const isRefusal = decision.kind === caseV1.DecisionKind.DECISION_KIND_REFUSED;
    if (!isRefusal) return;
    const check = await this.ruleOn(ref.currentHallId || ref.acceptingHallId, 'refusal_without_reason');
    await this.onEvent(eventId, 'Decided', {}, async (tx) => {
      const trail = await tx.stageTrail(ref.caseId);
      if (trail) await tx.saveStageTrail(ref.caseId, refused(trail));
      if (check && decision.reason.trim().length === 0) {
        await this.breach(
          tx,
          ref.caseId,
          'refusal_without_reason',
          {
            caseId: ref.caseId,
            caseNumber: ref.caseNumber,
            registrationId: '',
            hallId: ref.currentHallId || ref.acceptingHallId,
            departmentId: decision.departmentId || ref.departmentId,
            stage: Stage.PROCESS_STAGE_UNSPECIFIED,
            detail: '不予许可决定未说明理由（行政许可法第三十八条）',
          },
          decision.decidedAt ?? this.now(),
        );
      }
    });
  }

  /** case.case.completed: 办结. Every clock of the case stops; the case's indicator facts are completed. */
  async completed(eventId: string, e: caseEventsV1.Completed): Promise<void> {
    const ref = e.case!;
    const at = e.completedAt ?? this.now();
    await this.onEvent(eventId, 'CaseCompleted', { caseId: ref.caseId }, async (tx, env) => {
      let promised: ClockState | undefined;
      for (const clock of await tx.clocksOfCase(ref.caseId)) {
        if (clock.kind === 'acceptance') continue;
        const stopped = await this.stopClock(tx, clock, at);
        if (clock.kind === 'promised') promised = stopped;
      }
      const facts = await tx.caseFacts(ref.caseId);
      if (!facts) return;
      const calendar = env.calendar(promised?.hallId ?? facts.hallId);
      const actual = promised
        ? workingMsOf(promised, calendar) / calendar.workingDayLength
        : calendar.workingTimeBetween(facts.acceptedAt, at) / calendar.workingDayLength;
      const due = promised?.dueAt;
      await tx.saveCaseFacts({
        ...facts,
        completedAt: at,
        actualWorkingDays: round4(actual),
        ...(due
          ? {
              onTime: at.getTime() <= due.getTime(),
              // 提前办结: done on a working day before the promised one.
              early: calendar.workingDaysBetween(at, due) >= 1,
            }
          : { onTime: true, early: false }),
      });
    });
  }

  /** The indicators judge "overdue" against the promised instant as pauses and extensions moved it. */
  private async syncPromisedDue(tx: TimingTx, caseId: string, promised: ClockState): Promise<void> {
    const facts = await tx.caseFacts(caseId);
    if (facts && promised.dueAt) await tx.saveCaseFacts({ ...facts, promisedDueAt: promised.dueAt });
  }

  // ---- fee ------------------------------------------------------------------------------------------------

  /**
   * fee.line.above_standard: a department confirmed a line charged above the published standard (收费监察). One
   * breach per bill line and amount charged: the same finding sent again under another id is not a second one.
   */
  async chargeAboveStandard(eventId: string, e: feeEventsV1.LineAboveStandard, at: Date): Promise<void> {
    const line = e.line;
    if (!line || !e.hallId || !e.billId)
      throw new MalformedEventError(`fee.line.above_standard ${eventId} names no bill, hall or line`);
    if (!(await this.ruleOn(e.hallId, 'charge_above_standard'))) return;
    const caseId = e.caseId || line.caseId;
    // Read before the transaction, unlocked: the stage only places the finding, it decides nothing.
    const stage = caseId ? currentStageOf(await this.store.clocksOf({ caseId })) : '';
    await this.onEvent(eventId, 'ChargeAboveStandard', {}, async (tx) => {
      await this.breach(
        tx,
        `${e.billId}:${line.id || line.feeCode}:${line.chargedFen}`,
        'charge_above_standard',
        {
          caseId,
          caseNumber: e.caseNumber,
          registrationId: '',
          hallId: e.hallId,
          departmentId: e.departmentId || line.departmentId,
          stage: (stage || Stage.PROCESS_STAGE_UNSPECIFIED) as catalogueItemsV1.ProcessStage,
          detail: chargeAboveStandardFinding(line, e.billNumber || e.billId),
        },
        at,
      );
    });
  }

  // ---- catalogue ------------------------------------------------------------------------------------------

  async leaderChainSet(eventId: string, e: catalogueEventsV1.LeaderChainSet): Promise<void> {
    const chain = e.leaderChain;
    if (!chain) return;
    await this.onEvent(eventId, 'LeaderChainSet', {}, async (tx) => {
      await tx.saveLeaderChain({
        departmentId: chain.departmentId,
        chiefRepresentativeId: chain.chiefRepresentativeId,
        deputyLeaderId: chain.deputyLeaderId,
        principalLeaderId: chain.principalLeaderId,
        version: chain.version,
      });
    });
  }

  /**
   * A year's calendar (or a hall's hours) changed: the kept calendars are forgotten and the clocks parked for want
   * of that year are recomputed, a page at a time; each fires what has fallen due since, in due order.
   */
  async calendarChanged(year?: number): Promise<number> {
    this.options.calendars.forget();
    let recomputed = 0;
    for (;;) {
      const parked = await this.store.parkedClocks(year, 200);
      if (parked.length === 0) return recomputed;
      let progressed = 0;
      const calendars = await this.calendarsFor(parked);
      const planners = await this.plannersFor(calendars.keys());
      for (const clock of parked) {
        const moved = await this.store.command(
          {
            requestId: `unpark:${clock.id}:${this.options.ids.next()}`,
            operation: 'Unpark',
            request: {},
            result: z.boolean(),
          },
          async (tx) => {
            const current = await tx.clock(clock.key);
            if (!current || current.status !== 'parked') return false;
            const next = replan(current, calendars.get(current.hallId)!, planners.get(current.hallId)!);
            await tx.saveClock(next);
            return next.status !== 'parked';
          },
        );
        if (moved) progressed++;
      }
      recomputed += progressed;
      // Still parked (another year missing): stop rather than loop over the same page.
      if (progressed === 0) return recomputed;
    }
  }

  // ---- firing ---------------------------------------------------------------------------------------------

  /**
   * Fires one batch of due steps: claimed with `FOR UPDATE SKIP LOCKED`, so replicas share the work and never fire
   * a step twice; a card is written once per clock and level even so (the unique key). Returns what was fired.
   */
  fireDueBatch(limit = 500): Promise<FiredBatch> {
    const now = this.now();
    return this.store.fireDue(now, limit, (claimed) => this.fire(claimed, now));
  }

  private fire(claimed: readonly ClaimedClock[], now: Date): FiredBatch {
    const clocks: ClockState[] = [];
    const cards: timingV1.Card[] = [];
    const warnings: timingEventsV1.WarningIssued[] = [];
    const alerts: { level: AlertLevelName; at: string }[] = [];
    for (const { clock, leaders } of claimed) {
      const firing = fireDue(clock, now);
      clocks.push(firing.clock);
      for (const step of firing.alerts) {
        alerts.push({ level: step.level, at: step.at });
        const recipients = recipientsOf(step, firing.clock, leaders);
        if (isCardLevel(step.level)) {
          cards.push(cardMessage(this.options.ids.next(), firing.clock, step, recipients, now));
        } else {
          warnings.push({
            warningId: this.options.ids.next(),
            level: alertLevelCodec.toProto(step.level),
            clock: clockMessage(firing.clock, step.remainingMs),
            recipients,
            remainingWorkingMs: step.remainingMs,
            issuedAt: now,
          });
        }
      }
    }
    return { clocks, alerts, cards, warnings };
  }

  // ---- cards ----------------------------------------------------------------------------------------------

  async contestCard(actor: Actor, request: timingV1.ContestCardRequest): Promise<timingV1.Card> {
    const reason = request.reason.trim();
    if (reason.length < 2 || reason.length > 1000)
      throw ValidationError.single('reason', 'a reason of 2 to 1000 characters');
    if (!request.cardId) throw ValidationError.single('card_id', 'is required');
    return this.store.command(
      { requestId: request.requestId, operation: 'ContestCard', request, result: messageResult(timingV1.Card) },
      async (tx) => {
        const card = await tx.card(request.cardId);
        if (!card) throw new NotFoundError('card', request.cardId);
        requireDepartmentOf(actor, card, 'contesting a card');
        if (card.status !== timingV1.CardStatus.CARD_STATUS_ISSUED)
          throw new PreconditionFailedError(`card ${card.id} is ${card.status}; only an issued card can be contested`);
        const entry = historyEntry(timingV1.CardStatus.CARD_STATUS_CONTESTED, staffIdOf(actor), reason, this.now());
        const next = { ...card, status: entry.status, history: [...card.history, entry] };
        await tx.saveCard(next, entry);
        return next;
      },
    );
  }

  async reviewCard(actor: Actor, request: timingV1.ReviewCardRequest): Promise<timingV1.Card> {
    const reason = request.reason.trim();
    const violations = [];
    if (reason.length < 2 || reason.length > 1000)
      violations.push({ field: 'reason', description: 'a reason of 2 to 1000 characters' });
    const O = timingV1.CardReviewOutcome;
    if (request.outcome !== O.CARD_REVIEW_OUTCOME_CANCEL && request.outcome !== O.CARD_REVIEW_OUTCOME_UPHOLD)
      violations.push({ field: 'outcome', description: 'CANCEL or UPHOLD' });
    if (!request.cardId) violations.push({ field: 'card_id', description: 'is required' });
    ValidationError.throwIfAny(violations);
    return this.store.command(
      { requestId: request.requestId, operation: 'ReviewCard', request, result: messageResult(timingV1.Card) },
      async (tx) => {
        const card = await tx.card(request.cardId);
        if (!card) throw new NotFoundError('card', request.cardId);
        requireHall(actor, card.hallId, 'reviewing a card');
        const S = timingV1.CardStatus;
        if (card.status === S.CARD_STATUS_CANCELLED)
          throw new PreconditionFailedError(`card ${card.id} is already cancelled`);
        const cancel = request.outcome === O.CARD_REVIEW_OUTCOME_CANCEL;
        if (!cancel && card.status !== S.CARD_STATUS_CONTESTED)
          throw new PreconditionFailedError(`card ${card.id} is ${card.status}; only a contested card is upheld`);
        const status = cancel ? S.CARD_STATUS_CANCELLED : S.CARD_STATUS_UPHELD;
        const entry = historyEntry(status, staffIdOf(actor), reason, this.now());
        const next = { ...card, status, history: [...card.history, entry] };
        await tx.saveCard(next, entry);
        if (cancel) tx.emit({ name: 'cardCancelled', payload: { card: next } }, card.caseId || undefined);
        return next;
      },
    );
  }
}

/** What an event's work gets, read before its transaction. */
interface EventEnv {
  calendar(hallId: string): WorkingCalendar;
  planner(hallId: string): StepPlanner;
}

function caseSubject(ref: caseEventsV1.CaseRef, kind: ClockKindName, key: string): ClockSubject {
  return {
    kind,
    key,
    caseId: ref.caseId,
    caseNumber: ref.caseNumber,
    registrationId: '',
    itemId: ref.itemId,
    itemName: ref.itemName,
    applicantId: ref.applicantId,
    stage: '',
    stageSeq: 0,
    subtaskCode: '',
    hallId: ref.currentHallId || ref.acceptingHallId,
    departmentId: ref.departmentId,
    windowId: '',
    handlerStaffId: '',
  };
}

/** Working time a stopped clock ran, its pauses excluded. */
function workingMsOf(clock: ClockState, calendar: WorkingCalendar): number {
  const end = clock.stoppedAt ?? new Date();
  try {
    return Math.max(0, calendar.workingTimeBetween(clock.startedAt, end) - clock.pausedWorkingMs);
  } catch {
    return Math.max(0, end.getTime() - clock.startedAt.getTime() - clock.pausedWorkingMs);
  }
}

/** A limit in working days of the hall's calendar (a natural-day limit counts the working days it spans). */
function limitDays<K extends 'statutoryWorkingDays' | 'promisedWorkingDays'>(
  key: K,
  calendar: WorkingCalendar,
  start: Date,
  limit: TimeLimit | undefined,
): Partial<Record<K, number>> {
  if (!limit) return {};
  if (limit.unit === 'working_days') return { [key]: limit.amount } as Record<K, number>;
  try {
    const due = calendar.dueInstant(start, limit);
    return { [key]: round4(calendar.workingTimeBetween(start, due) / calendar.workingDayLength) } as Record<K, number>;
  } catch {
    return {};
  }
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function staffIdOf(actor: Actor): string {
  return actor.kind === 'staff' ? actor.staffId : actor.kind === 'service' ? `service:${actor.service}` : '';
}

const SUPERVISORS = ['supervisor', 'administrator'];

export function isSupervisor(actor: Actor): boolean {
  return actor.kind === 'staff' && actor.roles.some((r) => SUPERVISORS.includes(r));
}

/** Supervisors and administrators of a hall (the supervision office) act on its rules and cards. */
function requireHall(actor: Actor, hallId: string, what: string): void {
  if (!isSupervisor(actor)) throw new PermissionDeniedError(`${what} requires a supervisor or administrator`);
  if (actor.kind === 'staff' && actor.hallId !== hallId)
    throw new PermissionDeniedError(`${what}: hall ${hallId} is not yours (${actor.hallId})`);
}

/** Who answers for a department's cards: its leaders and its chief representative (a hall supervisor too). */
const CARD_ANSWERERS = ['chief_representative', 'deputy_leader', 'principal_leader'];

function requireDepartmentOf(actor: Actor, card: timingV1.Card, what: string): void {
  if (actor.kind !== 'staff') throw new PermissionDeniedError(`${what} requires staff`);
  if (isSupervisor(actor) && actor.hallId === card.hallId) return;
  if (actor.departmentId !== card.departmentId)
    throw new PermissionDeniedError(`${what}: the card is of department ${card.departmentId}, not yours`);
  if (!actor.roles.some((r) => CARD_ANSWERERS.includes(r)))
    throw new PermissionDeniedError(`${what} requires the department's chief representative or a leader`);
}
