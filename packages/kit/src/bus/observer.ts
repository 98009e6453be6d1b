/**
 * What the two bus adapters share besides the port: the observer hooks for metrics, the dead-letter header
 * vocabulary, the failure policy (nak with backoff, or dead-letter) and trace-context plumbing. Kept here, in
 * one place, so the in-process stand-in cannot drift from JetStream.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isRetryable } from '../errors';
import type { EventEnvelope } from '../events';
import type { DeliveryInfo } from './port';

/** What became of one delivery: acknowledged, redelivery requested, or copied to the dead-letter subject. */
export const BusHandleOutcomes = {
  ack: 'ack',
  nak: 'nak',
  deadLetter: 'dead_letter',
} as const;
export type BusHandleOutcome = (typeof BusHandleOutcomes)[keyof typeof BusHandleOutcomes];

/**
 * Hooks the bus adapters call so metrics can be attached from outside without the bus importing prom-client.
 * Calls are synchronous and fire-and-forget; an observer that throws is ignored (see `guardObserver`), so a
 * broken metric can never stop an acknowledgement.
 */
export interface BusObserver {
  /** After the server stored (or recognised as a duplicate) one event: a publish, or a dead-letter copy. */
  published(subject: string, duplicate: boolean): void;
  /** After one delivery to `durable` was settled; `seconds` is the handler's run time. */
  handled(durable: string, outcome: BusHandleOutcome, seconds: number): void;
}

/** The observer used when none is given. */
export const noopBusObserver: BusObserver = {
  published: () => undefined,
  handled: () => undefined,
};

/** Wraps an observer so that an exception inside a hook is swallowed instead of breaking the bus. */
export function guardObserver(observer: BusObserver | undefined): BusObserver {
  if (!observer) return noopBusObserver;
  return {
    published: (subject, duplicate) => {
      try {
        observer.published(subject, duplicate);
      } catch {
        // metrics must never break publishing
      }
    },
    handled: (durable, outcome, seconds) => {
      try {
        observer.handled(durable, outcome, seconds);
      } catch {
        // metrics must never break acknowledgement
      }
    },
  };
}

/**
 * Headers both adapters put on a dead-lettered copy of an event (the body is the original envelope, unchanged).
 * Header values are single-line; long error messages are truncated.
 */
export const DeadLetterHeaders = {
  /** Message of the error that dead-lettered the event. */
  error: 'Govhall-Dlq-Error',
  /** `name` of that error (`ValidationError`, `Error`, ...). */
  errorName: 'Govhall-Dlq-Error-Name',
  /** Subject the event was originally published on. */
  subject: 'Govhall-Dlq-Subject',
  /** Stream and sequence it was stored at. */
  stream: 'Govhall-Dlq-Stream',
  streamSeq: 'Govhall-Dlq-Stream-Seq',
  /** Durable consumer that gave up on it. */
  durable: 'Govhall-Dlq-Durable',
  /** Deliveries made before it was dead-lettered (decimal). */
  deliveryCount: 'Govhall-Dlq-Delivery-Count',
} as const;
export type DeadLetterHeader = (typeof DeadLetterHeaders)[keyof typeof DeadLetterHeaders];

/**
 * What both adapters actually pass as the handler's second argument: the port's `DeliveryInfo` plus the
 * message headers (trace context, and on dead-lettered copies the `DeadLetterHeaders`). Read it with
 * `deliveryHeaders(delivery)`; the port itself does not promise headers.
 */
export interface DeliveryWithHeaders extends DeliveryInfo {
  readonly headers: Readonly<Record<string, string>>;
}

/** The headers of a delivery made by one of the kit's adapters; empty for a delivery from anywhere else. */
export function deliveryHeaders(delivery: DeliveryInfo): Readonly<Record<string, string>> {
  const headers = (delivery as Partial<DeliveryWithHeaders>).headers;
  return headers ?? {};
}

/** Limits one header value to a single line of at most `max` characters. */
export function headerValue(value: string, max = 512): string {
  const line = value.replace(/[\r\n]+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/** What to do with a delivery whose handler threw. */
export type FailureDecision = { readonly kind: 'nak'; readonly delayMs: number } | { readonly kind: 'dead_letter' };

/**
 * The failure policy of both adapters: a retryable error (see `isRetryable`) before the `maxDeliver`-th
 * delivery is redelivered after `backoffMs[deliveryCount - 1]` (the last entry repeats); a non-retryable error,
 * or any failure of the `maxDeliver`-th delivery, is dead-lettered.
 */
export function decideFailure(
  error: unknown,
  deliveryCount: number,
  maxDeliver: number,
  backoffMs: readonly number[],
): FailureDecision {
  if (!isRetryable(error) || deliveryCount >= maxDeliver) return { kind: 'dead_letter' };
  const index = Math.min(Math.max(deliveryCount, 1), backoffMs.length) - 1;
  return { kind: 'nak', delayMs: Math.max(0, backoffMs[index] ?? 0) };
}

/** A short, single-line description of a thrown value for the dead-letter headers. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: typeof error, message: String(error) };
}

/**
 * The trace headers to send with an event: the envelope's own `traceHeaders` when it carries them (captured where
 * the event was raised, e.g. before it waited in the outbox), otherwise the active context's.
 */
export function outgoingTraceHeaders(event: EventEnvelope): Record<string, string> {
  if (event.traceHeaders && Object.keys(event.traceHeaders).length > 0) return { ...event.traceHeaders };
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Where a delivery came from, for the consumer span. */
export interface HandlerSpanInfo {
  readonly system: 'nats' | 'in-process';
  readonly stream: string;
  readonly durable: string;
  readonly subject: string;
  readonly eventId?: string;
  readonly deliveryCount: number;
}

/**
 * Runs `handler` inside the trace context propagated in the delivery's headers (the root context when there is
 * none), under a consumer span. The span records a thrown error and rethrows it; settling is the caller's job.
 */
export async function runHandlerInSpan(
  headers: Readonly<Record<string, string>>,
  info: HandlerSpanInfo,
  handler: () => Promise<void>,
): Promise<void> {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const tracer = trace.getTracer('@govhall/kit/bus');
  const attributes = {
    'messaging.system': info.system,
    'messaging.destination.name': info.subject,
    'messaging.consumer.group.name': info.durable,
    'messaging.operation.type': 'process',
    'govhall.bus.stream': info.stream,
    'govhall.bus.delivery_count': info.deliveryCount,
    ...(info.eventId ? { 'messaging.message.id': info.eventId } : {}),
  };
  await tracer.startActiveSpan(
    `process ${info.stream}`,
    { kind: SpanKind.CONSUMER, attributes },
    parent,
    async (span) => {
      try {
        await handler();
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
