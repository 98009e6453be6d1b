import { performance } from 'node:perf_hooks';
import { deadLetterStreamFor, deadLetterSubject, subjectFor, type EventEnvelope, type StreamSpec } from '../events';
import {
  DeadLetterHeaders,
  decideFailure,
  describeError,
  guardObserver,
  headerValue,
  outgoingTraceHeaders,
  runHandlerInSpan,
  type BusObserver,
  type DeliveryWithHeaders,
  type BusHandleOutcome,
} from './observer';
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_MAX_DELIVER,
  type ConsumerSpec,
  type EventBus,
  type EventHandler,
  type PublishResult,
  type Subscription,
} from './port';

/** Same as JetStream's default stream `duplicate_window`. */
const DUPLICATE_WINDOW_MS = 2 * 60_000;
/** Upper bound on remembered ids per stream, whatever the publish rate inside the window. */
const MAX_REMEMBERED_IDS = 100_000;

interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  /** The envelope as JSON: handlers get a fresh copy and cannot mutate what is stored. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

interface StoredStream {
  readonly name: string;
  subjects: readonly string[];
  /** `messages[seq - 1]`; nothing is ever removed (embedded mode only, like a limits stream without limits). */
  readonly messages: StoredMessage[];
  /** Message id -> stored sequence and time, oldest first (Map keeps insertion order). */
  readonly recentIds: Map<string, { readonly seq: number; readonly atMs: number }>;
}

interface PendingDelivery {
  deliveries: number;
  /** Handed to a worker right now; not eligible for another delivery. */
  inFlight: boolean;
  /** When a nak'd delivery may go out again (epoch ms). */
  dueAtMs: number;
}

/** The in-process counterpart of a durable JetStream consumer: its position outlives every subscription. */
class DurableState {
  filterSubject: string | undefined;
  /** Next stream sequence never delivered to this durable (deliver policy "all"). */
  private nextSeq = 1;
  /** Delivered and not yet acknowledged or terminated, by stream sequence. */
  private readonly pending = new Map<number, PendingDelivery>();
  readonly workers = new Set<InProcessWorker>();
  private timer: NodeJS.Timeout | undefined;
  private timerDueAtMs = Number.POSITIVE_INFINITY;

  constructor(
    readonly stream: StoredStream,
    readonly durable: string,
  ) {}

  /** The next delivery for a worker: a due redelivery first (lowest sequence), then the next new message. */
  take(nowMs: number): { message: StoredMessage; deliveryCount: number } | undefined {
    let due: number | undefined;
    for (const [seq, entry] of this.pending) {
      if (!entry.inFlight && entry.dueAtMs <= nowMs && (due === undefined || seq < due)) due = seq;
    }
    if (due !== undefined) {
      const entry = this.pending.get(due)!;
      entry.inFlight = true;
      entry.deliveries += 1;
      return { message: this.stream.messages[due - 1]!, deliveryCount: entry.deliveries };
    }
    while (this.nextSeq <= this.stream.messages.length) {
      const message = this.stream.messages[this.nextSeq - 1]!;
      this.nextSeq += 1;
      if (this.filterSubject === undefined || subjectMatches(this.filterSubject, message.subject)) {
        this.pending.set(message.seq, { deliveries: 1, inFlight: true, dueAtMs: 0 });
        return { message, deliveryCount: 1 };
      }
    }
    return undefined;
  }

  /** Acknowledged or terminated: never delivered again. */
  settle(seq: number): void {
    this.pending.delete(seq);
  }

  nak(seq: number, delayMs: number, nowMs: number): void {
    const entry = this.pending.get(seq);
    if (!entry) return;
    entry.inFlight = false;
    entry.dueAtMs = nowMs + delayMs;
    this.armTimer(nowMs);
  }

  wakeWorkers(): void {
    for (const worker of this.workers) worker.kick();
  }

  /**
   * Keeps one timer for the earliest future redelivery, only while a worker is attached. Deliveries already
   * due need no timer: an active worker's loop takes them, an idle one was kicked when they were nak'd.
   */
  armTimer(nowMs: number): void {
    if (this.workers.size === 0) {
      this.clearTimer();
      return;
    }
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of this.pending.values()) {
      if (!entry.inFlight && entry.dueAtMs > nowMs) earliest = Math.min(earliest, entry.dueAtMs);
    }
    if (earliest === this.timerDueAtMs && this.timer) return;
    this.clearTimer();
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.timerDueAtMs = earliest;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueAtMs = Number.POSITIVE_INFINITY;
      this.wakeWorkers();
      this.armTimer(Date.now());
    }, earliest - nowMs);
  }

  clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAtMs = Number.POSITIVE_INFINITY;
  }
}

/**
 * The in-memory "server" of the in-process bus: streams, stored events and durable consumer positions. Several
 * `InProcessBus` instances may share one state (every embedded service in the process, or a bus "restarted"
 * over the same state); it lives as long as the process.
 */
export class InProcessBusState {
  /** @internal */
  readonly streams = new Map<string, StoredStream>();
  /** @internal keyed by `<stream>\0<durable>` */
  readonly durables = new Map<string, DurableState>();
}

export interface InProcessBusOptions {
  /** Shared state; a fresh one when omitted. Pass the same state to a new bus to "restart" over it. */
  readonly state?: InProcessBusState;
  readonly observer?: BusObserver;
}

/**
 * The event bus for the embedded mode only (every service in one Node process, no nats-server on the PATH).
 * It honours the same contract as `JetStreamBus` and passes the same contract suite: streams capture subjects by
 * NATS wildcard match (`*`, `>`), publishes are deduplicated by event id within a 2-minute window per stream,
 * durable consumers resume after their last acknowledged event, failures are nak'd with the backoff delay or
 * dead-lettered.
 *
 * Differences that cannot matter inside one process: nothing survives the process; there is no ack-wait
 * redelivery (a handler's promise is the only outcome, so `ackWaitMs` is ignored); stored events are never
 * trimmed; no stream sourcing (`StreamSpec.sources` is refused: one process is one deployment for every tier).
 */
export class InProcessBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly state: InProcessBusState;
  private readonly observer: BusObserver;
  private readonly workers = new Set<InProcessWorker>();
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.state = options.state ?? new InProcessBusState();
    this.observer = guardObserver(options.observer);
  }

  ensureStream(spec: StreamSpec): Promise<void> {
    try {
      this.defineStream(spec);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  publish(event: EventEnvelope): Promise<PublishResult> {
    try {
      this.assertOpen();
      const subject = subjectFor(event);
      const result = this.store(subject, JSON.stringify(event), event.id, outgoingTraceHeaders(event));
      this.observer.published(subject, result.duplicate);
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  async consume(spec: ConsumerSpec, handler: EventHandler): Promise<Subscription> {
    this.assertOpen();
    const maxDeliver = spec.maxDeliver ?? DEFAULT_MAX_DELIVER;
    const backoffMs = spec.backoffMs ?? DEFAULT_BACKOFF_MS;
    if (!Number.isInteger(maxDeliver) || maxDeliver < 1)
      throw new Error(`maxDeliver must be a positive integer, got ${maxDeliver}`);
    if (backoffMs.length === 0) throw new Error('backoffMs needs at least one delay');
    // Validated as JetStream does, though unused here, so a spec that works embedded works in production.
    if (spec.ackWaitMs !== undefined && !(spec.ackWaitMs > 0)) {
      throw new Error(`ackWaitMs must be positive, got ${spec.ackWaitMs}`);
    }
    const stream = this.state.streams.get(spec.stream);
    if (!stream) throw new Error(`stream not found: ${spec.stream}`);
    await this.ensureStream(deadLetterStreamFor(spec.regionCode));

    const key = `${spec.stream}\u0000${spec.durable}`;
    let durable = this.state.durables.get(key);
    if (!durable) {
      durable = new DurableState(stream, spec.durable);
      this.state.durables.set(key, durable);
    }
    durable.filterSubject = spec.filterSubject;

    const worker = new InProcessWorker(durable, spec, handler, {
      maxDeliver,
      backoffMs,
      observer: this.observer,
      deadLetter: (message, error, deliveryCount) => this.deadLetter(spec, message, error, deliveryCount),
    });
    durable.workers.add(worker);
    this.workers.add(worker);
    durable.armTimer(Date.now());
    worker.kick();
    return {
      stop: async () => {
        await worker.stop();
        this.workers.delete(worker);
      },
    };
  }

  isHealthy(): Promise<boolean> {
    return Promise.resolve(!this.closed);
  }

  /** Stops this bus's consumers (each finishes the event in hand); the shared state and its events remain. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const workers = [...this.workers];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.stop()));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-process bus is closed');
  }

  private defineStream(spec: StreamSpec): void {
    this.assertOpen();
    if (spec.sources && spec.sources.length > 0) {
      // Sourcing copies another deployment's stream over a leaf link; the embedded mode is one deployment
      // serving every tier, so a spec with sources here is a wiring mistake, not something to imitate.
      throw new Error(
        `stream ${spec.name} sources ${spec.sources.map((source) => source.name).join(', ')}: the in-process bus ` +
          'cannot source streams from other deployments; run nats-server (JetStreamBus) for cross-tier streams',
      );
    }
    if (spec.subjects.length === 0) throw new Error(`stream ${spec.name} needs at least one subject`);
    // JetStream refuses a stream whose subjects overlap another stream's; so does the stand-in.
    for (const other of this.state.streams.values()) {
      if (other.name === spec.name) continue;
      const clash = spec.subjects.find((subject) => other.subjects.some((theirs) => subjectsOverlap(subject, theirs)));
      if (clash) {
        throw new Error(`subjects overlap with an existing stream: ${clash} (stream ${other.name})`);
      }
    }
    const existing = this.state.streams.get(spec.name);
    if (existing) existing.subjects = [...spec.subjects];
    else
      this.state.streams.set(spec.name, {
        name: spec.name,
        subjects: [...spec.subjects],
        messages: [],
        recentIds: new Map(),
      });
  }

  /** Stores one message in the stream that captures `subject`, or reports the duplicate. */
  private store(subject: string, body: string, msgId: string, headers: Record<string, string>): PublishResult {
    const stream = [...this.state.streams.values()].find((s) => s.subjects.some((p) => subjectMatches(p, subject)));
    // JetStream answers "no responders" when no stream captures a subject; a silent drop would hide a bug.
    if (!stream) throw new Error(`no stream captures subject ${subject}`);
    const nowMs = Date.now();
    forgetOldIds(stream, nowMs);
    const seen = stream.recentIds.get(msgId);
    if (seen) return { seq: seen.seq, duplicate: true };
    const seq = stream.messages.length + 1;
    // As on the wire: the id travels as the Nats-Msg-Id header.
    stream.messages.push({ seq, subject, body, headers: { ...headers, 'Nats-Msg-Id': msgId } });
    stream.recentIds.set(msgId, { seq, atMs: nowMs });
    for (const durable of this.state.durables.values()) {
      if (durable.stream === stream) durable.wakeWorkers();
    }
    return { seq, duplicate: false };
  }

  private deadLetter(spec: ConsumerSpec, message: StoredMessage, error: unknown, deliveryCount: number): void {
    const { name, message: text } = describeError(error);
    const subject = deadLetterSubject(spec.regionCode, spec.stream, spec.durable);
    const traceHeaders = Object.fromEntries(
      Object.entries(message.headers).filter(([key]) => !key.toLowerCase().startsWith('nats-')),
    );
    const { duplicate } = this.store(
      subject,
      message.body,
      // One copy per stored event and durable, even if a crash between copy and settle repeats it.
      `${spec.stream}.${spec.durable}.${message.seq}`,
      {
        ...traceHeaders,
        [DeadLetterHeaders.error]: headerValue(text),
        [DeadLetterHeaders.errorName]: headerValue(name),
        [DeadLetterHeaders.subject]: message.subject,
        [DeadLetterHeaders.stream]: spec.stream,
        [DeadLetterHeaders.streamSeq]: String(message.seq),
        [DeadLetterHeaders.durable]: spec.durable,
        [DeadLetterHeaders.deliveryCount]: String(deliveryCount),
      },
    );
    this.observer.published(subject, duplicate);
  }
}

interface WorkerPolicy {
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
  readonly observer: BusObserver;
  readonly deadLetter: (message: StoredMessage, error: unknown, deliveryCount: number) => void;
}

/** One subscription: handles its durable's deliveries one at a time, woken by publishes and redelivery timers. */
class InProcessWorker {
  private stopping = false;
  /** True from a kick until the loop finds nothing to do; guards against two loops. */
  private active = false;
  private immediate: NodeJS.Immediate | undefined;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly durable: DurableState,
    private readonly spec: ConsumerSpec,
    private readonly handler: EventHandler,
    private readonly policy: WorkerPolicy,
  ) {}

  kick(): void {
    if (this.stopping || this.active) return;
    this.active = true;
    // setImmediate: `publish` resolves before any handler runs, as it would over a network.
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.loop = this.drain();
    });
  }

  async stop(): Promise<void> {
    if (this.stopping) return this.loop;
    this.stopping = true;
    if (this.immediate) {
      clearImmediate(this.immediate);
      this.immediate = undefined;
      this.active = false;
    }
    await this.loop;
    this.durable.workers.delete(this);
    this.durable.armTimer(Date.now());
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.stopping ? undefined : this.durable.take(Date.now());
      if (!next) {
        // Cleared in the same synchronous step as the empty `take`, so no kick can fall between them.
        this.active = false;
        return;
      }
      await this.deliver(next.message, next.deliveryCount);
    }
  }

  private async deliver(message: StoredMessage, deliveryCount: number): Promise<void> {
    const started = performance.now();
    const event = JSON.parse(message.body) as EventEnvelope;
    const delivery: DeliveryWithHeaders = {
      deliveryCount,
      streamSeq: message.seq,
      subject: message.subject,
      headers: { ...message.headers },
    };
    let outcome: BusHandleOutcome;
    try {
      await runHandlerInSpan(
        message.headers,
        {
          system: 'in-process',
          stream: this.spec.stream,
          durable: this.spec.durable,
          subject: message.subject,
          eventId: event.id,
          deliveryCount,
        },
        () => this.handler(event, delivery),
      );
      this.durable.settle(message.seq);
      outcome = 'ack';
    } catch (error) {
      outcome = this.fail(message, deliveryCount, error);
    }
    this.policy.observer.handled(this.spec.durable, outcome, (performance.now() - started) / 1000);
  }

  private fail(message: StoredMessage, deliveryCount: number, error: unknown): BusHandleOutcome {
    const { maxDeliver, backoffMs } = this.policy;
    const decision = decideFailure(error, deliveryCount, maxDeliver, backoffMs);
    if (decision.kind === 'nak') {
      this.durable.nak(message.seq, decision.delayMs, Date.now());
      return 'nak';
    }
    try {
      this.policy.deadLetter(message, error, deliveryCount);
    } catch {
      // The dead-letter stream is gone: keep the event rather than lose it, and try again later.
      this.durable.nak(message.seq, backoffMs[backoffMs.length - 1] ?? 0, Date.now());
      return 'nak';
    }
    this.durable.settle(message.seq);
    return 'dead_letter';
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function forgetOldIds(stream: StoredStream, nowMs: number): void {
  for (const [id, seen] of stream.recentIds) {
    if (nowMs - seen.atMs < DUPLICATE_WINDOW_MS && stream.recentIds.size <= MAX_REMEMBERED_IDS) break;
    stream.recentIds.delete(id);
  }
}

/** NATS subject match: `*` is exactly one token, a final `>` is one or more tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split('.');
  const have = subject.split('.');
  for (let i = 0; i < want.length; i += 1) {
    const token = want[i];
    if (token === '>') return have.length > i;
    if (i >= have.length) return false;
    if (token !== '*' && token !== have[i]) return false;
  }
  return want.length === have.length;
}

/** Whether some subject matches both patterns (how JetStream rejects overlapping streams). */
export function subjectsOverlap(a: string, b: string): boolean {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const x = left[i];
    const y = right[i];
    if (x === '>' || y === '>') return true;
    if (x !== '*' && y !== '*' && x !== y) return false;
  }
  return left.length === right.length;
}
