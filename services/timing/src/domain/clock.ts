import { ScheduleMissingError, localDateOf, type TimeLimit, type WorkingCalendar } from '@govhall/calendar';
import type { RecipientRoleName } from './ladder';

/** The calendar year of an instant in China time (schedules are per Chinese calendar year). */
export function chinaYearOf(instant: Date): number {
  return Number(localDateOf(instant).slice(0, 4));
}

export type ClockKindName = 'acceptance' | 'stage' | 'subtask' | 'promised' | 'statutory';
export type ClockStatusName = 'running' | 'paused' | 'parked' | 'stopped';
export type AlertLevelName = 'reminder' | 'pre_warning' | 'applicant_warning' | 'yellow' | 'red';

/** Cards are the two overdue levels; the rest are warnings. */
export const CARD_LEVELS: readonly AlertLevelName[] = ['yellow', 'red'];
export const isCardLevel = (level: AlertLevelName): level is 'yellow' | 'red' => level === 'yellow' || level === 'red';

/** Something that moved the clock, kept in order so the due instant can be recomputed from the start. */
export type Adjustment =
  | { readonly kind: 'pause'; readonly start: string; readonly end?: string }
  | { readonly kind: 'extend'; readonly amount: TimeLimit; readonly at: string };

/** One planned alert: its level, its instant, who it goes to; `fired` / `skipped` once handled. */
export interface Step {
  /** Unique within a clock's schedule (`pre:0`, `due`, `yellow`, `red`): a handled code is never planned again. */
  readonly code: string;
  readonly level: AlertLevelName;
  readonly at: string;
  readonly to: readonly RecipientRoleName[];
  /** Working time from the step to due when planned, ms (negative after due: the red card's overdue time). */
  readonly remainingMs: number;
  readonly fired?: boolean;
  readonly skipped?: boolean;
}

/** Who and what a clock times; fixed when it starts (the handler may change). */
export interface ClockSubject {
  readonly kind: ClockKindName;
  readonly key: string;
  readonly caseId: string;
  readonly caseNumber: string;
  readonly registrationId: string;
  readonly itemId: string;
  readonly itemName: string;
  readonly applicantId: string;
  /** The proto stage name (`PROCESS_STAGE_REVIEW`), or '' for case-level clocks. */
  readonly stage: string;
  readonly stageSeq: number;
  readonly subtaskCode: string;
  readonly hallId: string;
  readonly departmentId: string;
  readonly windowId: string;
  readonly handlerStaffId: string;
}

/** A clock as stored: its subject, its budget, what moved it, and its alert schedule. */
export interface ClockState extends ClockSubject {
  readonly id: string;
  readonly status: ClockStatusName;
  readonly budget: TimeLimit;
  readonly startedAt: Date;
  readonly adjustments: readonly Adjustment[];
  /** Absent while parked. */
  readonly dueAt?: Date;
  readonly pausedSince?: Date;
  readonly pausedWorkingMs: number;
  readonly parkedYear?: number;
  readonly steps: readonly Step[];
  readonly firedSteps: number;
  readonly nextFireAt?: Date;
  readonly stoppedAt?: Date;
  readonly overdue: boolean;
}

/** The ladder as a clock needs it: the steps it plans for a clock of a kind, in working time. */
export interface StepPlanner {
  /** Steps for a clock from its (pause-shifted) start to its due instant; instants computed in `calendar`. */
  plan(kind: ClockKindName, start: Date, due: Date, calendar: WorkingCalendar): Step[];
}

/** Where the due instant and the pause-shifted start of a clock stand after its adjustments. */
interface Timeline {
  readonly due: Date;
  readonly shiftedStart: Date;
  readonly pausedWorkingMs: number;
}

/**
 * Recomputes the clock's due instant from its start, its budget and its adjustments in order, the way the case
 * service moves deadlines: a closed pause moves the due instant (and the start the pre-due steps count from) by
 * the working time it covered (行政许可法 art. 45); an extension adds its amount to the due instant as a new
 * limit from there (延期, art. 42). A running pause does not move anything yet: the clock stands still.
 * @throws ScheduleMissingError when a year on the way has no calendar data.
 */
function timelineOf(
  calendar: WorkingCalendar,
  startedAt: Date,
  budget: TimeLimit,
  adjustments: readonly Adjustment[],
): Timeline {
  let due = calendar.dueInstant(startedAt, budget);
  let shiftedStart = startedAt;
  let pausedWorkingMs = 0;
  for (const adjustment of adjustments) {
    if (adjustment.kind === 'extend') {
      due = calendar.dueInstant(due, adjustment.amount);
      continue;
    }
    if (!adjustment.end) continue;
    const start = new Date(Math.max(Date.parse(adjustment.start), startedAt.getTime()));
    const end = new Date(adjustment.end);
    if (end <= start) continue;
    const paused = calendar.workingTimeBetween(start, end);
    pausedWorkingMs += paused;
    due = calendar.addWorkingTime(due, paused);
    shiftedStart = calendar.addWorkingTime(shiftedStart, paused);
  }
  return { due, shiftedStart, pausedWorkingMs };
}

function nextPending(steps: readonly Step[], from: number): Date | undefined {
  const step = steps[from];
  return step ? new Date(step.at) : undefined;
}

/**
 * The clock after its inputs changed: due instant, schedule and next firing, recomputed. Steps already handled
 * keep their place (they are never fired twice); of the new schedule only steps after them remain pending. A year
 * missing from the calendar parks the clock (visible, `parkedYear`), instead of guessing or losing it.
 */
export function replan(clock: ClockState, calendar: WorkingCalendar, planner: StepPlanner): ClockState {
  if (clock.status === 'stopped') return clock;
  let timeline: Timeline;
  try {
    timeline = timelineOf(calendar, clock.startedAt, clock.budget, clock.adjustments);
  } catch (error) {
    if (!(error instanceof ScheduleMissingError)) throw error;
    const { dueAt: _due, nextFireAt: _next, ...rest } = clock;
    return {
      ...rest,
      status: 'parked',
      parkedYear: error.year,
      steps: clock.steps.slice(0, clock.firedSteps),
    };
  }
  const paused = clock.pausedSince !== undefined;
  const done = clock.steps.slice(0, clock.firedSteps);
  let planned: Step[];
  try {
    planned = planner.plan(clock.kind, timeline.shiftedStart, timeline.due, calendar);
  } catch (error) {
    if (!(error instanceof ScheduleMissingError)) throw error;
    // The due instant is known but a later step (the red card) falls in a missing year.
    const { nextFireAt: _next, ...rest } = clock;
    return { ...rest, status: 'parked', parkedYear: error.year, dueAt: timeline.due, steps: done };
  }
  // A handled step is not planned again: after a pause or an extension only what has not fired remains.
  const handled = new Set(done.map((s) => s.code));
  const pending = planned.filter((s) => !handled.has(s.code));
  const steps = [...done, ...pending];
  const { parkedYear: _year, nextFireAt: _next, ...rest } = clock;
  const next = paused ? undefined : nextPending(steps, clock.firedSteps);
  return {
    ...rest,
    status: paused ? 'paused' : 'running',
    dueAt: timeline.due,
    pausedWorkingMs: timeline.pausedWorkingMs,
    steps,
    ...(next ? { nextFireAt: next } : {}),
  };
}

/** A new running clock (not yet planned: pass it through {@link replan}). */
export function newClock(id: string, subject: ClockSubject, budget: TimeLimit, startedAt: Date): ClockState {
  return {
    ...subject,
    id,
    status: 'running',
    budget,
    startedAt,
    adjustments: [],
    pausedWorkingMs: 0,
    steps: [],
    firedSteps: 0,
    overdue: false,
  };
}

/** 补正 or a special procedure began: the clock stands still, nothing fires until it resumes. */
export function pause(clock: ClockState, at: Date): ClockState {
  if (clock.status === 'stopped' || clock.pausedSince) return clock;
  const { nextFireAt: _next, ...rest } = clock;
  return {
    ...rest,
    status: clock.status === 'parked' ? 'parked' : 'paused',
    pausedSince: at,
    adjustments: [...clock.adjustments, { kind: 'pause', start: at.toISOString() }],
  };
}

/** The pause ended: its working time moves the due instant and the schedule (replanned). */
export function resume(clock: ClockState, at: Date, calendar: WorkingCalendar, planner: StepPlanner): ClockState {
  if (clock.status === 'stopped' || !clock.pausedSince) return clock;
  const adjustments = clock.adjustments.map((a, i) =>
    i === clock.adjustments.length - 1 && a.kind === 'pause' && !a.end ? { ...a, end: at.toISOString() } : a,
  );
  const { pausedSince: _since, ...rest } = clock;
  return replan({ ...rest, adjustments, status: 'running' }, calendar, planner);
}

/** 延期 granted: the due instant moves by the amount, as a new limit from the current due instant. */
export function extend(
  clock: ClockState,
  amount: TimeLimit,
  at: Date,
  calendar: WorkingCalendar,
  planner: StepPlanner,
): ClockState {
  if (clock.status === 'stopped') return clock;
  return replan(
    { ...clock, adjustments: [...clock.adjustments, { kind: 'extend', amount, at: at.toISOString() }] },
    calendar,
    planner,
  );
}

/** The step, part or case ended: nothing more fires; whether it ended after due is kept. */
export function stop(clock: ClockState, at: Date): ClockState {
  if (clock.status === 'stopped') return clock;
  const { nextFireAt: _next, ...rest } = clock;
  // A pause still running at the stop (a case closed while suspended) is closed at the stop.
  const adjustments = clock.adjustments.map((a) =>
    a.kind === 'pause' && !a.end ? { ...a, end: at.toISOString() } : a,
  );
  const { pausedSince: _since, ...stopped } = rest;
  return {
    ...stopped,
    adjustments,
    status: 'stopped',
    stoppedAt: at,
    overdue: clock.dueAt !== undefined && at.getTime() > clock.dueAt.getTime(),
  };
}

/**
 * Working time left at `now` (negative: overdue by that much). A paused clock is measured at its pause, a stopped
 * one at its stop. Undefined while parked (no due instant).
 */
export function remainingWorkingMs(clock: ClockState, now: Date, calendar: WorkingCalendar): number | undefined {
  if (!clock.dueAt) return undefined;
  const at = clock.stoppedAt ?? clock.pausedSince ?? now;
  try {
    return calendar.remainingWorkingTime(at, clock.dueAt);
  } catch (error) {
    if (error instanceof ScheduleMissingError) return undefined;
    throw error;
  }
}

/** What firing the due steps of a clock at `now` produced: the alerts to send and the clock after. */
export interface Firing {
  readonly clock: ClockState;
  readonly alerts: readonly Step[];
}

/**
 * Handles the next step of a clock whose instant has come (and, before it, any pre-due warning gone stale). After
 * downtime several may have come at once (catch-up): one step per call, so that the firing loop, which claims
 * clocks by their next instant, fires every clock's steps in due order across clocks (a clock's red card after
 * another clock's earlier yellow one). Cards always fire; a pre-due warning whose clock is already past due is
 * recorded as skipped, since the card or the reminder at due says more.
 */
export function fireDue(clock: ClockState, now: Date): Firing {
  if (clock.status !== 'running') return { clock, alerts: [] };
  const steps = [...clock.steps];
  const alerts: Step[] = [];
  let index = clock.firedSteps;
  const due = clock.dueAt?.getTime();
  while (index < steps.length && Date.parse(steps[index]!.at) <= now.getTime()) {
    const step = steps[index]!;
    const preDue = step.level !== 'yellow' && step.level !== 'red' && due !== undefined && Date.parse(step.at) < due;
    const stale = preDue && due !== undefined && now.getTime() >= due;
    index++;
    if (stale) {
      steps[index - 1] = { ...step, skipped: true };
      continue;
    }
    steps[index - 1] = { ...step, fired: true };
    alerts.push(step);
    break;
  }
  const { nextFireAt: _next, ...rest } = clock;
  const next = nextPending(steps, index);
  return { clock: { ...rest, steps, firedSteps: index, ...(next ? { nextFireAt: next } : {}) }, alerts };
}
