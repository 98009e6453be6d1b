import type { EventEnvelope, StreamSpec } from '../events';

/**
 * The event bus port. Two adapters implement it and pass one contract suite:
 * `JetStreamBus` (NATS JetStream, every real deployment and CI) and `InProcessBus` (embedded mode only,
 * when no nats-server is on the PATH).
 *
 * Semantics both adapters honour:
 * - `publish` is deduplicated by `event.id` (JetStream's `Nats-Msg-Id` within the stream's duplicate window);
 * - consumers are durable: a consumer started again under the same `durable` name resumes after the last
 *   acknowledged event;
 * - a handler that resolves acknowledges the event; one that throws a retryable error (see `isRetryable`) is
 *   redelivered after the backoff delay; a non-retryable error, or the `maxDeliver`-th failure, terminates the
 *   delivery and copies the event to the dead-letter subject (`deadLetterSubject`).
 */
export interface EventBus {
  /** Human-readable adapter name for the start-up line and metrics (`jetstream` or `in-process`). */
  readonly kind: 'jetstream' | 'in-process';
  /**
   * Creates the stream if it does not exist, or updates its subjects and sources. Idempotent. A spec with
   * `sources` (another deployment's stream copied in) needs JetStream; the in-process bus refuses it.
   */
  ensureStream(spec: StreamSpec): Promise<void>;
  /** Publishes one event to `subjectFor(event)`. Resolves once the server has stored it. */
  publish(event: EventEnvelope): Promise<PublishResult>;
  /** Starts a durable pull consumer; events are handled one at a time in stream order. */
  consume(spec: ConsumerSpec, handler: EventHandler): Promise<Subscription>;
  /** True while the bus can publish (used by `/readyz`). */
  isHealthy(): Promise<boolean>;
  /** Stops every consumer (finishing the event in hand) and closes the connection. */
  close(): Promise<void>;
}

export interface PublishResult {
  /** Stream sequence the event was stored at. */
  readonly seq: number;
  /** True when the server already had an event with this id and stored nothing new. */
  readonly duplicate: boolean;
}

export interface ConsumerSpec {
  /** Stream to read (see `streamFor`). */
  readonly stream: string;
  /** Durable consumer name; unique per consuming service and purpose, e.g. `timing-case-events`. */
  readonly durable: string;
  /** Subjects to receive; defaults to the whole stream. */
  readonly filterSubject?: string;
  /** Region whose dead-letter stream receives poison events. */
  readonly regionCode: string;
  /** Deliveries before an event is dead-lettered; default 5. */
  readonly maxDeliver?: number;
  /** Redelivery delays in ms after the 1st, 2nd, ... failure (the last repeats); default [1000, 5000, 30000]. */
  readonly backoffMs?: readonly number[];
  /** How long a delivery may stay unacknowledged before it is redelivered; default 30 s. */
  readonly ackWaitMs?: number;
}

export interface DeliveryInfo {
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  readonly streamSeq: number;
  readonly subject: string;
}

export type EventHandler = (event: EventEnvelope, delivery: DeliveryInfo) => Promise<void>;

export interface Subscription {
  /** Stops fetching, waits for the event in hand to finish; the durable consumer stays on the server. */
  stop(): Promise<void>;
}

export const DEFAULT_MAX_DELIVER = 5;
export const DEFAULT_BACKOFF_MS: readonly number[] = [1000, 5000, 30_000];
export const DEFAULT_ACK_WAIT_MS = 30_000;
