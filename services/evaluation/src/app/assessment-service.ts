import { localDateOf } from '@govhall/calendar';
import type { CatalogueReader } from '@govhall/catalogue-client';
import { evaluationV1 as pb } from '@govhall/contracts';
import { defaultTemplateFor, renderDocument } from '@govhall/documents';
import {
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  ValidationError,
  messageResult,
  nextPageToken,
  readPage,
  type Actor,
  type Clock,
  type FieldViolation,
  type IdGenerator,
} from '@govhall/kit';
import type { EvaluationTx, MonthCase, PgEvaluationStore } from '../adapters/store/pg-evaluation-store';
import {
  computeMonth,
  rulesViolations,
  summariseYear,
  type CaseMeasure,
  type RosterEntry,
  type WindowEntry,
} from '../domain/assessment';
import { parseAttendanceCsv } from '../domain/attendance';
import { requireHall, requireSupervision, staffOf } from './access';
import { factInputViolations, newFact } from './facts';

const PAGE = { defaultSize: 100, maxSize: 500 };
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MS = pb.MonthStatus;
const MonthResult = messageResult(pb.AssessmentMonth);

export interface AssessmentServiceOptions {
  readonly store: PgEvaluationStore;
  readonly catalogue: CatalogueReader;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** What a month's computation reads of the catalogue (before any transaction). */
interface MonthFrame {
  readonly roster: RosterEntry[];
  readonly windows: WindowEntry[];
  readonly workingDays: string[];
}

function monthViolations(hallId: string, month: string): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (!hallId) v.push({ field: 'hall_id', description: 'is required' });
  if (!MONTH.test(month)) v.push({ field: 'month', description: 'YYYY-MM' });
  return v;
}

const caseMeasure = (c: MonthCase): CaseMeasure => ({
  caseId: c.caseId,
  staffId: c.staffId,
  windowId: c.windowId,
  departmentId: c.departmentId,
  rated: c.rated,
  satisfied: c.satisfied,
  statutoryWorkingDays: c.statutoryWorkingDays,
  promisedWorkingDays: c.promisedWorkingDays,
  takenWorkingDays: c.takenWorkingDays,
});

const closed = (m: pb.AssessmentMonth | undefined): boolean =>
  !!m && (m.status === MS.MONTH_STATUS_CLOSED || m.status === MS.MONTH_STATUS_PUBLISHED);

/** The monthly assessment: rules (versioned data), facts entered or imported, months closed, published, corrected. */
export class AssessmentService {
  constructor(private readonly o: AssessmentServiceOptions) {}

  private get store(): PgEvaluationStore {
    return this.o.store;
  }

  private now(): Date {
    return this.o.clock.now();
  }

  // ---- rules --------------------------------------------------------------------------------------------------

  async setAssessmentRules(actor: Actor, r: pb.SetAssessmentRulesRequest): Promise<pb.SetAssessmentRulesResponse> {
    const staff = staffOf(actor);
    if (!staff.roles.includes('administrator'))
      throw new PermissionDeniedError("the assessment rules are set by the centre's administrators");
    const input = pb.AssessmentRules.fromPartial({ ...r.rules, version: 0 });
    ValidationError.throwIfAny(rulesViolations(input));
    requireHall(actor, input.hallId, 'SetAssessmentRules');
    const rules = await this.store.command(
      {
        requestId: r.requestId,
        operation: 'SetAssessmentRules',
        request: r,
        result: messageResult(pb.AssessmentRules),
      },
      async (tx) => {
        const next = pb.AssessmentRules.fromPartial({
          ...input,
          version: (await tx.latestRulesVersion(input.hallId)) + 1,
          createdAt: this.now(),
          createdByStaffId: staff.staffId,
        });
        await tx.insertRules(next);
        return next;
      },
    );
    return { rules };
  }

  async getAssessmentRules(actor: Actor, r: pb.GetAssessmentRulesRequest): Promise<pb.GetAssessmentRulesResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (r.month && !MONTH.test(r.month))
      violations.push({ field: 'month', description: 'YYYY-MM, or empty for the latest' });
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'GetAssessmentRules');
    const rules = await this.store.rulesFor(r.hallId, r.month);
    if (!rules) throw new NotFoundError('assessment rules of hall', r.hallId);
    return { rules, versions: await this.store.rulesVersions(r.hallId) };
  }

  // ---- facts --------------------------------------------------------------------------------------------------

  /** Facts may be entered, imported or voided while their month is open; after closing, CorrectMonth. */
  private async requireOpen(tx: EvaluationTx, hallId: string, months: Iterable<string>): Promise<void> {
    for (const month of new Set(months)) {
      const m = await tx.month(hallId, month);
      if (closed(m))
        throw new PreconditionFailedError(`the month ${month} is closed: change it with CorrectMonth, on the record`);
    }
  }

  /** The fact codes the rules in force read as an entered percentage (ENTERED_RATE): there 0 means 0%. */
  private async rateCodes(hallId: string, months: Iterable<string>): Promise<Set<string>> {
    const codes = new Set<string>();
    for (const month of new Set(months))
      for (const i of (await this.store.rulesFor(hallId, month))?.indicators ?? [])
        if (i.measure === pb.IndicatorMeasure.INDICATOR_MEASURE_ENTERED_RATE) codes.add(i.factCode);
    return codes;
  }

  private entered(
    hallId: string,
    f: pb.FactInput,
    source: pb.FactSource,
    sourceRef: string,
    staffId: string,
    now: Date,
    rates: ReadonlySet<string> = new Set(),
  ): pb.AssessmentFact {
    return newFact(this.o.ids.next(), {
      hallId,
      code: f.code,
      quantity: f.quantity || (rates.has(f.code) ? 0 : 1),
      day: f.day,
      staffId: f.staffId,
      windowId: f.windowId,
      departmentId: f.departmentId,
      caseId: f.caseId,
      note: f.note,
      sourceRef,
      recordedAt: now,
      source,
      recordedByStaffId: staffId,
    });
  }

  async recordAssessmentFacts(
    actor: Actor,
    r: pb.RecordAssessmentFactsRequest,
  ): Promise<pb.RecordAssessmentFactsResponse> {
    const staff = requireSupervision(actor, 'RecordAssessmentFacts');
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (r.facts.length === 0 || r.facts.length > 500)
      violations.push({ field: 'facts', description: '1 to 500 facts' });
    r.facts.forEach((f, i) => violations.push(...factInputViolations(f, `facts[${i}]`)));
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'RecordAssessmentFacts');
    const rates = await this.rateCodes(
      r.hallId,
      r.facts.map((f) => f.day.slice(0, 7)),
    );
    const facts = await this.store.command(
      {
        requestId: r.requestId,
        operation: 'RecordAssessmentFacts',
        request: r,
        result: messageResult(pb.RecordAssessmentFactsResponse),
      },
      async (tx) => {
        await this.requireOpen(
          tx,
          r.hallId,
          r.facts.map((f) => f.day.slice(0, 7)),
        );
        const now = this.now();
        const made = r.facts.map((f) => {
          const id = this.o.ids.next();
          return {
            ...this.entered(r.hallId, f, pb.FactSource.FACT_SOURCE_ENTERED, `entered:${id}`, staff.staffId, now, rates),
          };
        });
        return { facts: await tx.insertFacts(made) };
      },
    );
    return facts;
  }

  async importAttendance(actor: Actor, r: pb.ImportAttendanceRequest): Promise<pb.ImportAttendanceResponse> {
    const staff = requireSupervision(actor, 'ImportAttendance');
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (!r.csv) violations.push({ field: 'csv', description: 'the export, UTF-8 CSV with a header row' });
    if (r.csv.length > 4_000_000) violations.push({ field: 'csv', description: 'at most 4 MB' });
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'ImportAttendance');
    const people = await this.o.catalogue.staffOf(r.hallId);
    const byNumber = new Map(people.map((p) => [p.employeeNo, p]));
    const staffIdOf = (no: string) => byNumber.get(no)?.id;
    // A day with no punches is 旷工 only on a working day of the hall's calendar (a year it holds no schedule for
    // counts every row as a working day: the export lists the days people were due).
    const days = new Set(parseAttendanceCsv(r.csv, staffIdOf).facts.map((f) => f.day));
    const years = [...days].map((d) => Number(d.slice(0, 4)));
    const working = new Set<string>();
    if (years.length > 0) {
      const from = Math.min(...years);
      const calendar = await this.o.catalogue.workingCalendar(r.hallId, from, Math.max(...years) - from + 1);
      for (const day of days) {
        try {
          if (calendar.isWorkingDay(day)) working.add(day);
        } catch {
          working.add(day);
        }
      }
    }
    const parsed = parseAttendanceCsv(r.csv, staffIdOf, undefined, working);
    ValidationError.throwIfAny(parsed.violations);
    const staffById = new Map(people.map((p) => [p.id, p]));
    return this.store.command(
      {
        requestId: r.requestId,
        operation: 'ImportAttendance',
        request: r,
        result: messageResult(pb.ImportAttendanceResponse),
      },
      async (tx) => {
        await this.requireOpen(
          tx,
          r.hallId,
          parsed.facts.map((f) => f.day.slice(0, 7)),
        );
        const now = this.now();
        const seen = new Map<string, number>();
        const made = parsed.facts.map((f) => {
          const person = staffById.get(f.staffId);
          const key = `attendance:${f.staffId}:${f.day}:${f.code}`;
          const nth = (seen.get(key) ?? 0) + 1;
          seen.set(key, nth);
          return this.entered(
            r.hallId,
            {
              ...f,
              windowId: f.windowId || person?.windowId || '',
              departmentId: f.departmentId || person?.departmentId || '',
            },
            pb.FactSource.FACT_SOURCE_ATTENDANCE_IMPORT,
            // The same export imported twice adds nothing: the facts are keyed by person, day and code.
            `${key}:${nth}`,
            staff.staffId,
            now,
          );
        });
        return { facts: await tx.insertFacts(made), rows: parsed.rows, presentDays: parsed.presentDays };
      },
    );
  }

  async voidAssessmentFact(actor: Actor, r: pb.VoidAssessmentFactRequest): Promise<pb.VoidAssessmentFactResponse> {
    requireSupervision(actor, 'VoidAssessmentFact');
    const violations: FieldViolation[] = [];
    if (!r.id) violations.push({ field: 'id', description: 'is required' });
    if (r.reason.trim().length < 2 || r.reason.length > 200)
      violations.push({ field: 'reason', description: 'why it no longer counts, 2 to 200 characters' });
    ValidationError.throwIfAny(violations);
    const fact = await this.store.command(
      { requestId: r.requestId, operation: 'VoidAssessmentFact', request: r, result: messageResult(pb.AssessmentFact) },
      async (tx) => {
        const current = await tx.fact(r.id);
        if (!current) throw new NotFoundError('assessment fact', r.id);
        requireHall(actor, current.hallId, 'VoidAssessmentFact');
        if (current.voided) throw new PreconditionFailedError('the fact was voided already');
        await this.requireOpen(tx, current.hallId, [current.day.slice(0, 7)]);
        return tx.voidFact(current, r.reason.trim());
      },
    );
    return { fact };
  }

  async listAssessmentFacts(actor: Actor, r: pb.ListAssessmentFactsRequest): Promise<pb.ListAssessmentFactsResponse> {
    const violations = monthViolations(r.hallId, r.month);
    const scope = [r.hallId, r.month, r.staffId].join('|');
    const window = readPage({ size: r.pageSize, token: r.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'ListAssessmentFacts');
    const rows = await this.store.facts(
      { hallId: r.hallId, month: r.month, ...(r.staffId ? { staffId: r.staffId } : {}) },
      { size: window.limit, offset: window.offset },
    );
    return {
      facts: rows.slice(0, window.limit),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  // ---- months -------------------------------------------------------------------------------------------------

  /** The hall's window staff, its windows with staff, and the month's working days, from the catalogue. */
  private async frame(hallId: string, month: string): Promise<MonthFrame> {
    const people = await this.o.catalogue.staffOf(hallId);
    const roster = people
      .filter((p) => p.windowId)
      .map((p) => ({ staffId: p.id, windowId: p.windowId, departmentId: p.departmentId }));
    const staffed = new Set(roster.map((p) => p.windowId));
    const windows = (await this.o.catalogue.windowsOf(hallId))
      .filter((w) => staffed.has(w.id))
      .map((w) => ({ windowId: w.id, departmentId: w.departmentIds[0] ?? '' }));
    const calendar = await this.o.catalogue.workingCalendar(hallId, Number(month.slice(0, 4)));
    const workingDays: string[] = [];
    const first = new Date(`${month}-01T12:00:00+08:00`);
    for (let day = first; localDateOf(day).startsWith(month); day = new Date(day.getTime() + 86_400_000))
      if (calendar.isWorkingDay(localDateOf(day))) workingDays.push(localDateOf(day));
    return { roster, windows, workingDays };
  }

  private compute(
    frame: MonthFrame,
    rules: pb.AssessmentRules,
    month: string,
    facts: readonly pb.AssessmentFact[],
    cases: readonly MonthCase[],
  ): Pick<pb.AssessmentMonth, 'staff' | 'windows'> {
    const results = computeMonth({
      rules,
      month,
      workingDays: frame.workingDays,
      roster: frame.roster,
      windows: frame.windows,
      facts: facts.filter((f) => !f.voided),
      cases: cases.map(caseMeasure),
    });
    return { staff: results.staff, windows: results.windows };
  }

  private async rulesOf(hallId: string, month: string): Promise<pb.AssessmentRules> {
    const rules = await this.store.rulesFor(hallId, month);
    if (!rules) throw new PreconditionFailedError(`the hall has no assessment rules in force for ${month}`);
    return rules;
  }

  async previewMonth(actor: Actor, r: pb.PreviewMonthRequest): Promise<pb.PreviewMonthResponse> {
    ValidationError.throwIfAny(monthViolations(r.hallId, r.month));
    requireHall(actor, r.hallId, 'PreviewMonth');
    staffOf(actor);
    const stored = await this.store.month(r.hallId, r.month);
    if (closed(stored)) return { month: stored };
    const rules = await this.rulesOf(r.hallId, r.month);
    const frame = await this.frame(r.hallId, r.month);
    const computed = this.compute(
      frame,
      rules,
      r.month,
      await this.store.monthFacts(r.hallId, r.month),
      await this.store.monthCases(r.hallId, r.month),
    );
    return {
      month: pb.AssessmentMonth.fromPartial({
        hallId: r.hallId,
        month: r.month,
        status: MS.MONTH_STATUS_OPEN,
        rulesVersion: rules.version,
        ...computed,
      }),
    };
  }

  async closeMonth(actor: Actor, r: pb.CloseMonthRequest): Promise<pb.CloseMonthResponse> {
    requireSupervision(actor, 'CloseMonth');
    ValidationError.throwIfAny(monthViolations(r.hallId, r.month));
    requireHall(actor, r.hallId, 'CloseMonth');
    if (localDateOf(this.now()).slice(0, 7) <= r.month)
      throw new PreconditionFailedError(`the month ${r.month} has not ended yet`);
    const rules = await this.rulesOf(r.hallId, r.month);
    const frame = await this.frame(r.hallId, r.month);
    const month = await this.store.command(
      { requestId: r.requestId, operation: 'CloseMonth', request: r, result: MonthResult },
      async (tx) => {
        const current = await tx.month(r.hallId, r.month);
        if (closed(current)) throw new PreconditionFailedError(`the month ${r.month} is closed already`);
        const computed = this.compute(
          frame,
          rules,
          r.month,
          await tx.monthFacts(r.hallId, r.month),
          await tx.monthCases(r.hallId, r.month),
        );
        return tx.saveMonth(
          pb.AssessmentMonth.fromPartial({
            hallId: r.hallId,
            month: r.month,
            status: MS.MONTH_STATUS_CLOSED,
            rulesVersion: rules.version,
            ...computed,
            closedAt: this.now(),
          }),
          current?.version ?? 0,
        );
      },
    );
    return { month };
  }

  async publishMonth(actor: Actor, r: pb.PublishMonthRequest): Promise<pb.PublishMonthResponse> {
    requireSupervision(actor, 'PublishMonth');
    ValidationError.throwIfAny(monthViolations(r.hallId, r.month));
    requireHall(actor, r.hallId, 'PublishMonth');
    const month = await this.store.command(
      { requestId: r.requestId, operation: 'PublishMonth', request: r, result: MonthResult },
      async (tx) => {
        const current = await tx.month(r.hallId, r.month);
        if (!current || current.status !== MS.MONTH_STATUS_CLOSED)
          throw new PreconditionFailedError(
            current?.status === MS.MONTH_STATUS_PUBLISHED
              ? `the month ${r.month} is published already`
              : `close the month ${r.month} first`,
          );
        const saved = await tx.saveMonth(
          { ...current, status: MS.MONTH_STATUS_PUBLISHED, publishedAt: this.now() },
          current.version,
        );
        tx.emit({ name: 'monthPublished', payload: { month: saved } });
        return saved;
      },
    );
    return { month };
  }

  /**
   * A correction of a closed or published month: facts added (source CORRECTION) or voided, the results computed
   * again by the rules version the month was closed with, and the change kept as a numbered correction with whose
   * points moved from what to what. Never a silent change.
   */
  async correctMonth(actor: Actor, r: pb.CorrectMonthRequest): Promise<pb.CorrectMonthResponse> {
    const staff = requireSupervision(actor, 'CorrectMonth');
    const violations = monthViolations(r.hallId, r.month);
    if (r.reason.trim().length < 4 || r.reason.length > 500)
      violations.push({ field: 'reason', description: 'why the month is corrected, 4 to 500 characters' });
    if (r.add.length + r.voidFactIds.length === 0)
      violations.push({ field: 'add', description: 'add or void at least one fact' });
    if (r.add.length > 100) violations.push({ field: 'add', description: 'at most 100 facts' });
    r.add.forEach((f, i) => {
      violations.push(...factInputViolations(f, `add[${i}]`));
      if (!f.day.startsWith(r.month)) violations.push({ field: `add[${i}].day`, description: `a day of ${r.month}` });
    });
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'CorrectMonth');
    const stored = await this.store.month(r.hallId, r.month);
    if (!closed(stored))
      throw new PreconditionFailedError(`the month ${r.month} is not closed: enter or void facts instead`);
    const rules = await this.store.rulesVersion(r.hallId, stored!.rulesVersion);
    if (!rules) throw new PreconditionFailedError(`rules version ${stored!.rulesVersion} is missing`);
    const frame = await this.frame(r.hallId, r.month);
    // 0 means 0% for the codes the month's own rules version reads as entered rates.
    const rateCodes = new Set(
      rules.indicators
        .filter((i) => i.measure === pb.IndicatorMeasure.INDICATOR_MEASURE_ENTERED_RATE)
        .map((i) => i.factCode),
    );
    const month = await this.store.command(
      { requestId: r.requestId, operation: 'CorrectMonth', request: r, result: MonthResult },
      async (tx) => {
        const current = await tx.month(r.hallId, r.month);
        if (!current || !closed(current)) throw new PreconditionFailedError(`the month ${r.month} is not closed`);
        const now = this.now();
        const voided: string[] = [];
        for (const id of r.voidFactIds) {
          const fact = await tx.fact(id);
          if (!fact || fact.hallId !== r.hallId || !fact.day.startsWith(r.month))
            throw ValidationError.single('void_fact_ids', `${id} is not a fact of the hall's ${r.month}`);
          if (fact.voided) throw ValidationError.single('void_fact_ids', `${id} was voided already`);
          await tx.voidFact(fact, `更正：${r.reason.trim()}`);
          voided.push(id);
        }
        const added = await tx.insertFacts(
          r.add.map((f) => {
            const id = this.o.ids.next();
            return this.entered(
              r.hallId,
              f,
              pb.FactSource.FACT_SOURCE_CORRECTION,
              `correction:${id}`,
              staff.staffId,
              now,
              rateCodes,
            );
          }),
        );
        const computed = this.compute(
          frame,
          rules,
          r.month,
          await tx.monthFacts(r.hallId, r.month),
          await tx.monthCases(r.hallId, r.month),
        );
        const correction = pb.Correction.fromPartial({
          seq: current.corrections.length + 1,
          reason: r.reason.trim(),
          byStaffId: staff.staffId,
          correctedAt: now,
          addedFactIds: added.map((f) => f.id),
          voidedFactIds: voided,
          changes: pointChanges(current, computed),
        });
        const saved = await tx.saveMonth(
          { ...current, ...computed, corrections: [...current.corrections, correction] },
          current.version,
        );
        if (saved.status === MS.MONTH_STATUS_PUBLISHED) tx.emit({ name: 'monthCorrected', payload: { month: saved } });
        return saved;
      },
    );
    return { month };
  }

  async getMonth(actor: Actor, r: pb.GetMonthRequest): Promise<pb.GetMonthResponse> {
    ValidationError.throwIfAny(monthViolations(r.hallId, r.month));
    requireHall(actor, r.hallId, 'GetMonth');
    staffOf(actor);
    const month = await this.store.month(r.hallId, r.month);
    if (!month) throw new NotFoundError('assessment month', `${r.hallId} ${r.month}`);
    return { month };
  }

  /** Anyone: a published month (公示), with its deduction reasons and corrections. */
  async getPublishedMonth(r: pb.GetPublishedMonthRequest): Promise<pb.GetPublishedMonthResponse> {
    ValidationError.throwIfAny(monthViolations(r.hallId, r.month));
    const month = await this.store.month(r.hallId, r.month);
    if (!month || month.status !== MS.MONTH_STATUS_PUBLISHED)
      throw new NotFoundError('published assessment month', `${r.hallId} ${r.month}`);
    return { month };
  }

  /** The written notice of a published month to one department's leaders (书面通报). */
  async renderAssessmentNotice(
    actor: Actor,
    r: pb.RenderAssessmentNoticeRequest,
  ): Promise<pb.RenderAssessmentNoticeResponse> {
    const violations = monthViolations(r.hallId, r.month);
    if (!r.departmentId) violations.push({ field: 'department_id', description: 'is required' });
    const format = r.format === 'pdf' || r.format === 'html' ? r.format : undefined;
    if (!format) violations.push({ field: 'format', description: 'html or pdf' });
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'RenderAssessmentNotice');
    staffOf(actor);
    const month = await this.store.month(r.hallId, r.month);
    if (!month || month.status !== MS.MONTH_STATUS_PUBLISHED)
      throw new PreconditionFailedError(`the month ${r.month} is not published`);
    const [hall, department] = [
      await this.o.catalogue.hall(r.hallId),
      await this.o.catalogue.department(r.departmentId),
    ];
    if (!department || department.hallId !== r.hallId)
      throw ValidationError.single('department_id', 'is not a department of the hall');
    const staff = month.staff.filter((s) => s.departmentId === r.departmentId);
    if (staff.length === 0)
      throw new PreconditionFailedError(`no staff of ${department.name} were assessed in ${r.month}`);
    const windowName = async (id: string) => {
      const w = id ? await this.o.catalogue.window(id) : undefined;
      return w ? `${w.number}窗口` : '—';
    };
    const rows = [];
    for (const s of staff)
      rows.push({
        name: (await this.o.catalogue.staff(s.staffId))?.name || s.staffId,
        window: await windowName(s.windowId),
        points: s.points,
        grade: s.grade || '—',
        rank: s.rank,
        bestStaff: s.bestStaff,
        reasons: s.lines.map((l) => ({ label: l.label || l.code, points: l.points })),
      });
    const windows = [];
    for (const w of month.windows.filter((x) => x.departmentId === r.departmentId))
      windows.push({
        window: await windowName(w.windowId),
        points: w.points,
        rank: w.rank,
        redFlag: w.redFlag,
        departmentAnnualPoints: w.departmentAnnualPoints,
      });
    const [year, m] = r.month.split('-');
    const hallName = hall?.name ?? '';
    return renderDocument(
      {
        kind: 'assessment_notice',
        number: `考核通报〔${year}〕${Number(m)}号`,
        hallName: hallName || '政务服务中心',
        departmentName: department.name,
        addressee: `${department.name}分管领导`,
        month: r.month,
        // Issued again after a correction: the notice is dated when its last correction was made.
        issuedAt: [month.publishedAt!, ...month.corrections.map((c) => c.correctedAt!)].reduce((a, b) =>
          b > a ? b : a,
        ),
        staff: rows,
        windows,
        corrections: month.corrections.map((c) => ({ seq: c.seq, reason: c.reason, correctedAt: c.correctedAt! })),
      },
      defaultTemplateFor({ hallName: hallName || '政务服务中心', complaintPhone: hall?.complaintPhone || '12345' }),
      format!,
    );
  }

  async getYearSummary(actor: Actor, r: pb.GetYearSummaryRequest): Promise<pb.GetYearSummaryResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (!Number.isInteger(r.year) || r.year < 2000 || r.year > 2100)
      violations.push({ field: 'year', description: '2000 to 2100' });
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'GetYearSummary');
    staffOf(actor);
    const months = (await this.store.monthsOfYear(r.hallId, r.year)).filter(closed);
    const latest = await this.store.rulesFor(r.hallId, `${r.year}-12`);
    const aggregation = latest?.yearAggregation ?? pb.YearAggregation.YEAR_AGGREGATION_AVERAGE;
    return { staff: summariseYear(months, aggregation) };
  }
}

/** Whose points a correction moved, staff and windows, from → to. */
function pointChanges(
  before: pb.AssessmentMonth,
  after: Pick<pb.AssessmentMonth, 'staff' | 'windows'>,
): pb.PointChange[] {
  const changes: pb.PointChange[] = [];
  for (const s of after.staff) {
    const was = before.staff.find((x) => x.staffId === s.staffId)?.points ?? 0;
    if (was !== s.points) changes.push({ staffId: s.staffId, windowId: '', before: was, after: s.points });
  }
  for (const w of after.windows) {
    const was = before.windows.find((x) => x.windowId === w.windowId)?.points ?? 0;
    if (was !== w.points) changes.push({ staffId: '', windowId: w.windowId, before: was, after: w.points });
  }
  return changes;
}
