import type { WorkingCalendar } from '@govhall/calendar';
import type { timingEventsV1, timingV1 } from '@govhall/contracts';
import type { CommandKey } from '@govhall/kit';
import type { AlertLevelName, ClockState } from '../domain/clock';
import type { CaseFacts, RegistrationFacts } from '../domain/indicators';
import type { LeaderChain } from '../domain/recipients';
import type { StageTrail } from '../domain/supervision';

/** Working calendars of halls, read from the catalogue outside any transaction. */
export interface TimingCalendars {
  /** The hall's calendar with the years from `fromYear` to two years after the current one (a missing year is absent). */
  calendarFor(hallId: string, fromYear: number): Promise<WorkingCalendar>;
  /** Forget what was kept: a year was loaded, or working hours changed. */
  forget(): void;
}

/** Events a use case raises, by contract name; the store builds the envelopes. */
export type TimingEventDraft =
  | { readonly name: 'warningIssued'; readonly payload: timingEventsV1.WarningIssued }
  | { readonly name: 'yellowCard' | 'redCard'; readonly payload: { card: timingV1.Card } }
  | { readonly name: 'cardCancelled'; readonly payload: { card: timingV1.Card } }
  | { readonly name: 'ruleBreached'; readonly payload: { breach: timingV1.RuleBreach } };

/** What a command's work sees: its transaction's reads and writes. Await only these inside it. */
export interface TimingTx {
  /** The clock with this key, locked. */
  clock(key: string): Promise<ClockState | undefined>;
  /** Every clock of a case, locked. */
  clocksOfCase(caseId: string): Promise<ClockState[]>;
  saveClock(clock: ClockState): Promise<void>;
  /** Cards issued on a clock (for cancelling those a late event shows were wrong). */
  cardsOfClock(clockId: string): Promise<timingV1.Card[]>;
  saveCard(card: timingV1.Card, historyEntry: timingV1.CardHistoryEntry): Promise<void>;
  card(cardId: string): Promise<timingV1.Card | undefined>;
  /** Records a breach once per key; false when it was already recorded. */
  addBreach(key: string, breach: timingV1.RuleBreach): Promise<boolean>;
  saveLeaderChain(chain: LeaderChain): Promise<void>;
  rules(hallId: string): Promise<timingV1.HallRules | undefined>;
  saveRules(rules: timingV1.HallRules): Promise<void>;
  registrationFacts(registrationId: string): Promise<RegistrationFacts | undefined>;
  saveRegistrationFacts(facts: RegistrationFacts): Promise<void>;
  caseFacts(caseId: string): Promise<CaseFacts | undefined>;
  saveCaseFacts(facts: CaseFacts): Promise<void>;
  stageTrail(caseId: string): Promise<StageTrail | undefined>;
  saveStageTrail(caseId: string, trail: StageTrail): Promise<void>;
  emit(event: TimingEventDraft, caseId?: string): void;
}

/** A clock claimed for firing, with the leaders of its department. */
export interface ClaimedClock {
  readonly clock: ClockState;
  readonly leaders: LeaderChain | undefined;
}

/** What the firing of one batch wrote: cards and warnings, to be stored and published with the claim's commit. */
export interface FiredBatch {
  readonly clocks: readonly ClockState[];
  /** Every step handled, with the instant it was due (the firing lag is measured from it). */
  readonly alerts: readonly { readonly level: AlertLevelName; readonly at: string }[];
  readonly cards: readonly timingV1.Card[];
  readonly warnings: readonly timingEventsV1.WarningIssued[];
}

export interface ListWindow {
  readonly offset: number;
  readonly limit: number;
}

export interface CardFilter {
  readonly hallId: string;
  readonly departmentId?: string;
  readonly level?: 'yellow' | 'red';
  readonly status?: string;
  readonly caseId?: string;
  readonly issuedFrom?: Date;
  readonly issuedTo?: Date;
}

export interface BreachFilter {
  readonly hallId: string;
  readonly departmentId?: string;
  readonly rule?: string;
  readonly caseId?: string;
}

export interface TimingStore {
  command<T>(key: CommandKey<T>, work: (tx: TimingTx) => Promise<T>): Promise<T>;
  clocksOf(ref: { caseId?: string; registrationId?: string }): Promise<ClockState[]>;
  overdue(hallId: string, departmentId: string | undefined, now: Date, window: ListWindow): Promise<ClockState[]>;
  cards(filter: CardFilter, window: ListWindow): Promise<timingV1.Card[]>;
  card(cardId: string): Promise<timingV1.Card | undefined>;
  breaches(filter: BreachFilter, window: ListWindow): Promise<timingV1.RuleBreach[]>;
  rules(hallId: string): Promise<timingV1.HallRules | undefined>;
  /**
   * Claims up to `limit` clocks with a step due at `now` (`FOR UPDATE SKIP LOCKED`, due first), lets `fire` decide
   * what they raise, and commits the clocks, the cards (once per clock and level) and the events together.
   * Returns how many clocks were claimed, and the cards and warnings actually written.
   */
  fireDue(now: Date, limit: number, fire: (claimed: readonly ClaimedClock[]) => FiredBatch): Promise<FiredBatch>;
  /** The earliest pending step instant, for the firing loop's next wake-up. */
  nextFireAt(): Promise<Date | undefined>;
  /** Parked clocks waiting for a year, a page at a time. */
  parkedClocks(year: number | undefined, limit: number): Promise<ClockState[]>;
  /** Halls with clocks not stopped (the halls whose calendar horizon matters), with their parked counts. */
  activeHalls(): Promise<{ hallId: string; parked: number }[]>;
  registrationFactsIn(hallId: string, from: Date, to: Date): Promise<RegistrationFacts[]>;
  /** Cases accepted or completed in [from, to), or open at `from`. */
  caseFactsFor(hallId: string, from: Date, to: Date): Promise<CaseFacts[]>;
  cardCounts(
    hallId: string,
    from: Date,
    to: Date,
  ): Promise<{ departmentId: string; windowId: string; itemId: string; level: string }[]>;
  /** Halls with registrations or cases since `since` (the halls the indicator gauges show). */
  indicatorHalls(since: Date): Promise<string[]>;
}
