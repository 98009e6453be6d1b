/** A message in the dispatch log (发送记录) and what happens to it after an attempt. Pure. */
import type { AttemptOutcomeKind } from './policy';

export type RecipientKind = 'applicant' | 'staff' | 'appointment';
export type DispatchStatus = 'pending' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'dead' | 'cancelled';
/** Why a pending message waits. */
export type WaitingFor = '' | 'scheduled' | 'quiet_hours' | 'number_limit' | 'retry';

export interface Recipient {
  readonly kind: RecipientKind;
  readonly id: string;
}

/** A message an event (or a Send) asks for, before it is stored. */
export interface PlannedMessage {
  readonly templateCode: string;
  readonly recipient: Recipient;
  readonly variables: Readonly<Record<string, string>>;
  readonly caseId: string;
  readonly caseNumber: string;
  readonly hallId: string;
  /** Leader alerts: no quiet hours. */
  readonly urgent: boolean;
  /** A reminder: not before this instant. */
  readonly sendAt?: Date;
  /** Reminders a later event cancels share a group. */
  readonly cancelGroup?: string;
}

export interface AttemptRecord {
  readonly number: number;
  readonly round: number;
  readonly provider: string;
  readonly outcome: AttemptOutcomeKind;
  readonly code: string;
  readonly message: string;
  readonly at: Date;
}

export interface Dispatch {
  readonly id: string;
  readonly dispatchKey: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly caseId: string;
  readonly caseNumber: string;
  readonly hallId: string;
  readonly templateCode: string;
  readonly templateVersion: number;
  readonly variables: Readonly<Record<string, string>>;
  readonly recipient: Recipient;
  readonly phoneMasked: string;
  readonly urgent: boolean;
  readonly status: DispatchStatus;
  readonly waitingFor: WaitingFor;
  readonly nextAttemptAt: Date | null;
  readonly cancelGroup: string | null;
  readonly provider: string;
  readonly providerMessageId: string;
  readonly attempts: number;
  readonly round: number;
  readonly lastError: string;
  readonly text: string;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  readonly deliveredAt: Date | null;
}

/** The key that makes a redelivered event (or a retried Send) add nothing. */
export function dispatchKey(eventId: string, m: Pick<PlannedMessage, 'recipient' | 'templateCode'>): string {
  return `${eventId}:${m.recipient.kind}:${m.recipient.id}:${m.templateCode}`;
}

export interface RetrySettings {
  /** Attempts per round before a message is a dead letter. */
  readonly maxAttempts: number;
  readonly backoffMs: (attempt: number) => number;
}

/** What a message becomes after an attempt with this outcome. */
export type NextState =
  | { readonly status: 'sent'; readonly providerMessageId: string }
  | { readonly status: 'pending'; readonly waitingFor: 'retry'; readonly at: Date }
  | { readonly status: 'dead'; readonly reason: string };

export function afterAttempt(
  now: Date,
  attemptNumber: number,
  outcome:
    | { kind: 'accepted'; providerMessageId: string }
    | { kind: 'throttled'; retryAfterMs: number; code: string }
    | { kind: 'transient' | 'provider_refused' | 'invalid_recipient' | 'not_sendable'; code: string },
  retry: RetrySettings,
  anotherProviderLeft: boolean,
): NextState {
  if (outcome.kind === 'accepted') return { status: 'sent', providerMessageId: outcome.providerMessageId };
  if (outcome.kind === 'invalid_recipient' || outcome.kind === 'not_sendable')
    return { status: 'dead', reason: outcome.code };
  if (outcome.kind === 'provider_refused' && !anotherProviderLeft)
    return { status: 'dead', reason: `${outcome.code}: no provider will send it` };
  if (attemptNumber >= retry.maxAttempts)
    return { status: 'dead', reason: `${outcome.code} after ${attemptNumber} attempts` };
  // A refusal moves to the other provider at once; a throttle waits at least as long as the provider asked.
  const wait =
    outcome.kind === 'provider_refused'
      ? 0
      : Math.max(retry.backoffMs(attemptNumber), outcome.kind === 'throttled' ? outcome.retryAfterMs : 0);
  return { status: 'pending', waitingFor: 'retry', at: new Date(now.getTime() + wait) };
}
