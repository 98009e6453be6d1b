import type { notifyV1 } from '@govhall/contracts';
import type {
  AttemptRecord,
  Dispatch,
  DispatchStatus,
  PlannedMessage,
  Recipient,
  WaitingFor,
} from '../domain/dispatch';
import type { Template, TemplateDraft } from '../domain/templates';
import type { DeliveryReceipt } from './sms-provider';

/** A recipient's mobile, read from its owner (intake, the catalogue) for one attempt and not kept. */
export interface Contact {
  /** 11 digits; empty when the number on file reaches no SMS (a landline). */
  readonly mobile: string;
  readonly phoneMasked: string;
}

/** Where phones live: intake (applicants, appointments) and the catalogue (staff), asked as the notify service. */
export interface Contacts {
  /** Undefined when the recipient is unknown or has no phone; throws when the owner cannot be reached. */
  contactOf(recipient: Recipient): Promise<Contact | undefined>;
}

/** What the templates of events say of halls, departments and windows (the catalogue, cached). */
export interface Directory {
  hall(hallId: string): Promise<{ readonly name: string; readonly complaintPhone: string } | undefined>;
  departmentName(departmentId: string): Promise<string | undefined>;
  windowName(windowId: string): Promise<string | undefined>;
  /** Staff sitting at a window (for its daily summary). */
  staffAtWindow(hallId: string, windowId: string): Promise<readonly string[]>;
}

export interface RegistrationFacts {
  readonly registrationId: string;
  readonly registrationNumber: string;
  readonly itemName: string;
  readonly hallId: string;
  readonly windowId: string;
}

export type WindowCounter = 'accepted' | 'completed' | 'reminders' | 'yellow' | 'red';

/** Events the service raises; the store builds the envelopes. */
export type NotifyEventDraft = { readonly name: 'smsSent' | 'smsFailed'; readonly dispatch: notifyV1.Dispatch };

/** One event's writes, in one transaction (await only these inside it). */
export interface EventTx {
  /** Adds the messages not yet in the log (by dispatch key); answers how many were new. */
  addMessages(eventId: string, eventType: string, messages: readonly PlannedMessage[]): Promise<number>;
  /** Cancels the pending messages of a group (a reminder no longer needed). */
  cancelGroup(group: string): Promise<number>;
  saveRegistration(facts: RegistrationFacts): Promise<void>;
  registration(registrationId: string): Promise<RegistrationFacts | undefined>;
  saveCaseWindow(caseId: string, hallId: string, windowId: string): Promise<void>;
  caseWindow(caseId: string): Promise<{ hallId: string; windowId: string } | undefined>;
  count(hallId: string, windowId: string, day: string, counter: WindowCounter): Promise<void>;
}

export interface DispatchFilter {
  readonly hallId?: string;
  readonly caseId?: string;
  readonly status?: DispatchStatus;
  readonly templateCode?: string;
  readonly offset: number;
  readonly limit: number;
}

/** How an attempt ended, for the log. */
export interface AttemptResult {
  readonly attempt: AttemptRecord;
  readonly phoneMasked: string;
  readonly text: string;
  readonly next:
    | { readonly status: 'sent'; readonly providerMessageId: string }
    | { readonly status: 'pending'; readonly waitingFor: WaitingFor; readonly at: Date }
    | { readonly status: 'dead'; readonly reason: string };
}

export interface NotifyStore {
  /** Runs an event's writes once per event id (a redelivery changes nothing). */
  handleEvent(eventId: string, eventType: string, work: (tx: EventTx) => Promise<void>): Promise<void>;
  /** Runs a Send once per request id; answers the message's id. */
  send(requestId: string, request: unknown, message: PlannedMessage): Promise<string>;

  /** Takes up to `limit` due messages for one attempt each: pending ones due now, and sending ones whose lease ran out. */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<Dispatch[]>;
  /** Puts a claimed message back to wait (quiet hours, a limit) without counting an attempt. */
  hold(id: string, until: Date, waitingFor: WaitingFor, phoneMasked?: string): Promise<void>;
  recordAttempt(id: string, result: AttemptResult): Promise<Dispatch>;
  /** When messages went to this recipient since `since`. */
  sentTimes(recipient: Recipient, since: Date): Promise<Date[]>;
  /** Applies a receipt; false when it matches no message. */
  applyReceipt(receipt: DeliveryReceipt): Promise<boolean>;
  /** The accepting hall of a case, from its opening event. */
  caseHall(caseId: string): Promise<string | undefined>;
  /** The earliest pending instant (the loop sleeps until then at most). */
  nextDueAt(): Promise<Date | undefined>;

  dispatch(id: string): Promise<{ dispatch: Dispatch; history: AttemptRecord[] } | undefined>;
  listDispatches(filter: DispatchFilter): Promise<Dispatch[]>;
  /** A dead letter's new round, once per request id; undefined when the message is not dead (or unknown). */
  resend(requestId: string, id: string, templateVersion: number): Promise<Dispatch>;
  /** Counts for the gauges: due now, dead letters. */
  depth(now: Date): Promise<{ due: number; dead: number; sending: number }>;
  /** Messages by status and, while pending, what they wait for. */
  tally(): Promise<Array<{ status: DispatchStatus; waitingFor: string; count: number }>>;

  templates(): Promise<Template[]>;
  template(code: string, version?: number): Promise<Template | undefined>;
  /** Saves the next version; FAILED_PRECONDITION when `expectedVersion` is not the current one. */
  saveTemplate(requestId: string, draft: TemplateDraft, expectedVersion: number, savedBy: string): Promise<Template>;
  /** The built-in first versions of the codes that have none (idempotent). */
  seedTemplates(drafts: readonly TemplateDraft[]): Promise<number>;

  settings(hallId: string): Promise<notifyV1.HallSettings | undefined>;
  saveSettings(
    requestId: string,
    settings: notifyV1.HallSettings,
    expectedVersion: number,
  ): Promise<notifyV1.HallSettings>;
  /** Halls that asked for a daily summary. */
  dailySummaryHalls(): Promise<notifyV1.HallSettings[]>;
  /** The day's counts per window of a hall. */
  windowDay(hallId: string, day: string): Promise<Array<Record<WindowCounter, number> & { windowId: string }>>;
  /** Plans a hall's daily summary once per day; false when it was already planned. */
  planDailySummary(hallId: string, day: string, messages: readonly PlannedMessage[]): Promise<boolean>;
}
