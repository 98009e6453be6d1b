import { performance } from 'node:perf_hooks';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamSource,
} from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { NatsConnectionOptions } from './nats-connection';
import {
  deadLetterStreamFor,
  deadLetterSubject,
  subjectFor,
  type EventEnvelope,
  type StreamSource as StreamSourceSpec,
  type StreamSpec,
} from '../events';
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
  DEFAULT_ACK_WAIT_MS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_MAX_DELIVER,
  type ConsumerSpec,
  type EventBus,
  type EventHandler,
  type PublishResult,
  type Subscription,
} from './port';

/** Same as the server default; the dedupe window `publish` relies on. */
const DUPLICATE_WINDOW_MS = 2 * 60_000;
/** How long to wait for the server to confirm an ack before moving on. */
const ACK_CONFIRM_TIMEOUT_MS = 2000;

export interface JetStreamBusOptions {
  /** One or more `nats://host:port` URLs. */
  readonly servers: string | readonly string[];
  /** Connection name shown by the server (`connz`), e.g. the service name. */
  readonly name: string;
  readonly observer?: BusObserver;
  /** Pause between reconnect attempts; default 1000 ms. The client reconnects forever. */
  readonly reconnectTimeWaitMs?: number;
  /**
   * How to authenticate and whether to use TLS: `user`/`pass`, `token`, `authenticator` (NKey, creds) and
   * `tls`, usually `natsConnectionOptions(config)` of the `NATS_*` variables. None: no credentials.
   */
  readonly connection?: NatsConnectionOptions;
}

/**
 * The event bus over NATS JetStream (nats-server 2.9 or later). Streams and durable pull consumers are
 * provisioned from code: `ensureStream` creates or updates a file-backed stream, `consume` creates or updates
 * a durable consumer with explicit acks.
 *
 * Delivery: a handler that resolves acks (and waits for the server to confirm it); a retryable failure naks
 * with the backoff delay; a non-retryable failure, the `maxDeliver`-th failure, or a delivery that already went
 * out more than `maxDeliver` times without an outcome (the process died mid-handler) copies the event to
 * `deadLetterSubject` and terminates it. The server's own `max_deliver` is unlimited, so the server never drops
 * an event the bus has not dead-lettered. While a handler runs, the delivery is kept in progress so `ackWaitMs`
 * only redelivers what a dead consumer left behind.
 */
export class JetStreamBus implements EventBus {
  readonly kind = 'jetstream' as const;
  private readonly js: JetStreamClient;
  private readonly observer: BusObserver;
  private readonly workers = new Set<JetStreamWorker>();
  private connected = true;
  private closing = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    observer: BusObserver | undefined,
  ) {
    this.js = jsm.jetstream();
    this.observer = guardObserver(observer);
    void this.watchConnection();
  }

  /** Connects and checks that JetStream is enabled; rejects when the server cannot be reached. */
  static async connect(options: JetStreamBusOptions): Promise<JetStreamBus> {
    const { user, pass, token, authenticator, tls } = options.connection ?? {};
    const nc = await connect({
      // only the auth and TLS fields, so a caller cannot override the reconnect policy below by accident
      ...(user !== undefined && { user, pass }),
      ...(token !== undefined && { token }),
      ...(authenticator !== undefined && { authenticator }),
      ...(tls !== undefined && { tls }),
      servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
      name: options.name,
      // A service waits out a nats-server restart instead of dying; `/readyz` reports it meanwhile.
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? 1000,
      // Without it every request (each JetStream publish) builds an Error for its stack, in case it fails: a third
      // of the publish path's CPU when the timing service fires a storm of cards (measured, issue 10).
      noAsyncTraces: true,
    });
    try {
      const jsm = await jetstreamManager(nc);
      return new JetStreamBus(nc, jsm, options.observer);
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  async ensureStream(spec: StreamSpec): Promise<void> {
    const subjects = [...spec.subjects];
    const sources = (spec.sources ?? []).map(toStreamSource);
    // Two attempts: another process may create the same stream between our look-up and our create.
    for (let attempt = 0; ; attempt += 1) {
      try {
        const info = await this.jsm.streams.info(spec.name);
        const current = [...(info.config.subjects ?? [])].sort();
        const sameSubjects = current.join('\n') === [...subjects].sort().join('\n');
        const sameSources = sourcesKey(info.config.sources ?? []) === sourcesKey(sources);
        if (!sameSubjects || !sameSources) {
          await this.jsm.streams.update(spec.name, { subjects, sources });
        }
        return;
      } catch (error) {
        if (!isApiError(error, JetStreamApiCodes.StreamNotFound) || attempt > 0) throw error;
      }
      try {
        await this.jsm.streams.add({
          name: spec.name,
          subjects,
          ...(sources.length > 0 && { sources }),
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          discard: DiscardPolicy.Old,
          duplicate_window: nanos(DUPLICATE_WINDOW_MS),
          num_replicas: 1,
        });
        return;
      } catch (error) {
        if (attempt > 0) throw error;
        // lost the race: loop once more to look it up and update it
      }
    }
  }

  async publish(event: EventEnvelope): Promise<PublishResult> {
    const subject = subjectFor(event);
    const headers = natsHeaders();
    for (const [key, value] of Object.entries(outgoingTraceHeaders(event))) headers.set(key, value);
    const ack = await this.js.publish(subject, JSON.stringify(event), { msgID: event.id, headers });
    this.observer.published(subject, ack.duplicate);
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  async consume(spec: ConsumerSpec, handler: EventHandler): Promise<Subscription> {
    if (this.closing) throw new Error('the JetStream bus is closed');
    const maxDeliver = spec.maxDeliver ?? DEFAULT_MAX_DELIVER;
    const backoffMs = spec.backoffMs ?? DEFAULT_BACKOFF_MS;
    const ackWaitMs = spec.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    if (!Number.isInteger(maxDeliver) || maxDeliver < 1)
      throw new Error(`maxDeliver must be a positive integer, got ${maxDeliver}`);
    if (backoffMs.length === 0) throw new Error('backoffMs needs at least one delay');
    if (!(ackWaitMs > 0)) throw new Error(`ackWaitMs must be positive, got ${ackWaitMs}`);

    // The dead-letter stream must exist before the first poison event needs it.
    await this.ensureStream(deadLetterStreamFor(spec.regionCode));
    await this.ensureConsumer(spec, ackWaitMs);
    const consumer = await this.js.consumers.get(spec.stream, spec.durable);
    // One message at a time: nothing sits in a client buffer while a slow handler runs.
    const messages = await consumer.consume({ max_messages: 1 });
    const worker = new JetStreamWorker(messages, spec, handler, {
      maxDeliver,
      backoffMs,
      ackWaitMs,
      observer: this.observer,
      deadLetter: (msg, error) => this.deadLetter(spec, msg, error),
    });
    this.workers.add(worker);
    worker.start();
    return {
      stop: async () => {
        await worker.stop();
        this.workers.delete(worker);
      },
    };
  }

  isHealthy(): Promise<boolean> {
    return Promise.resolve(this.connected && !this.closing && !this.nc.isClosed());
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const workers = [...this.workers];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.stop()));
    if (this.nc.isClosed()) return;
    // drain flushes the acks just sent; while disconnected there is nothing to flush and drain would wait
    // for a reconnection that may never come
    if (this.connected) await this.nc.drain();
    else await this.nc.close();
  }

  private async ensureConsumer(spec: ConsumerSpec, ackWaitMs: number): Promise<void> {
    const settings = {
      ack_wait: nanos(ackWaitMs),
      // Unlimited: the bus itself dead-letters after maxDeliver; a server-side limit would drop silently.
      max_deliver: -1,
      // undefined (not '') when absent: the client puts the filter into the create subject.
      filter_subject: spec.filterSubject,
    } satisfies Partial<ConsumerConfig>;
    let existing: ConsumerConfig | undefined;
    try {
      existing = (await this.jsm.consumers.info(spec.stream, spec.durable)).config;
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    }
    if (!existing) {
      await this.jsm.consumers.add(spec.stream, {
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        replay_policy: ReplayPolicy.Instant,
        ...settings,
      });
      return;
    }
    const same =
      existing.ack_wait === settings.ack_wait &&
      existing.max_deliver === settings.max_deliver &&
      (existing.filter_subject ?? '') === (settings.filter_subject ?? '');
    if (!same) await this.jsm.consumers.update(spec.stream, spec.durable, settings);
  }

  private async deadLetter(spec: ConsumerSpec, msg: JsMsg, error: unknown): Promise<void> {
    const { name, message } = describeError(error);
    const headers = natsHeaders();
    for (const [key, value] of Object.entries(headersToRecord(msg.headers))) {
      // keep trace context and the like; Nats-* headers belong to the original publish
      if (!key.toLowerCase().startsWith('nats-')) headers.set(key, value);
    }
    headers.set(DeadLetterHeaders.error, headerValue(message));
    headers.set(DeadLetterHeaders.errorName, headerValue(name));
    headers.set(DeadLetterHeaders.subject, msg.subject);
    headers.set(DeadLetterHeaders.stream, spec.stream);
    headers.set(DeadLetterHeaders.streamSeq, String(msg.seq));
    headers.set(DeadLetterHeaders.durable, spec.durable);
    headers.set(DeadLetterHeaders.deliveryCount, String(msg.info.deliveryCount));
    const subject = deadLetterSubject(spec.regionCode, spec.stream, spec.durable);
    const ack = await this.js.publish(subject, msg.data, {
      // One copy per stored event and durable, even if the term below is lost and the event comes back.
      msgID: `${spec.stream}.${spec.durable}.${msg.seq}`,
      headers,
    });
    this.observer.published(subject, ack.duplicate);
  }

  /** Tracks connection state for `isHealthy`; ends when the connection closes. */
  private async watchConnection(): Promise<void> {
    try {
      for await (const status of this.nc.status()) {
        if (status.type === 'disconnect') this.connected = false;
        else if (status.type === 'reconnect') this.connected = true;
      }
    } catch {
      // the iterator only ends with the connection
    }
    this.connected = false;
  }
}

/** The server's form of a source: another domain's stream is reached through that domain's API prefix. */
function toStreamSource(source: StreamSourceSpec): StreamSource {
  return {
    name: source.name,
    ...(source.filterSubject !== undefined && { filter_subject: source.filterSubject }),
    ...(source.domain !== undefined && { external: { api: `$JS.${source.domain}.API` } }),
  };
}

/** What decides whether a stream's sources need updating (the server fills in defaults such as `deliver`). */
function sourcesKey(sources: readonly StreamSource[]): string {
  return sources
    .map((source) => [source.name, source.filter_subject ?? '', source.external?.api ?? ''].join('\u0000'))
    .sort()
    .join('\n');
}

interface WorkerPolicy {
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
  readonly ackWaitMs: number;
  readonly observer: BusObserver;
  readonly deadLetter: (msg: JsMsg, error: unknown) => Promise<void>;
}

/** One subscription: handles the messages of one `consume()` iterator in order. */
class JetStreamWorker {
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly messages: ConsumerMessages,
    private readonly spec: ConsumerSpec,
    private readonly handler: EventHandler,
    private readonly policy: WorkerPolicy,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      // Ends the iterator after what it already holds; the loop hands that back (nak) unhandled.
      void this.messages.close().catch(() => undefined);
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    try {
      for await (const msg of this.messages) {
        if (this.stopping) {
          // Pulled but not handled: give it back at once instead of waiting out the ack wait.
          msg.nak();
          continue;
        }
        await this.handle(msg);
      }
    } catch {
      // the iterator fails only when the connection closes; the durable consumer keeps our position
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const started = performance.now();
    const deliveryCount = msg.info.deliveryCount;
    const headers = headersToRecord(msg.headers);
    let outcome: BusHandleOutcome;
    try {
      const event = parseEnvelope(msg);
      if (deliveryCount > this.policy.maxDeliver) {
        // Earlier deliveries never settled (the consumer died or hung past the ack wait): a poison suspect.
        throw new DeliveryLimitExceeded(deliveryCount, this.policy.maxDeliver);
      }
      const delivery: DeliveryWithHeaders = { deliveryCount, streamSeq: msg.seq, subject: msg.subject, headers };
      await this.whileInProgress(msg, () =>
        runHandlerInSpan(
          headers,
          {
            system: 'nats',
            stream: this.spec.stream,
            durable: this.spec.durable,
            subject: msg.subject,
            eventId: event.id,
            deliveryCount,
          },
          () => this.handler(event, delivery),
        ),
      );
      outcome = 'ack';
    } catch (error) {
      outcome = await this.fail(msg, deliveryCount, error);
    }
    if (outcome === 'ack') {
      // Confirmed ack: once `stop`/`close` return, a restarted consumer will not see this event again. The
      // short timeout bounds the stall when the connection drops mid-ack; a lost ack only means a redelivery
      // after the ack wait, which idempotent handlers absorb.
      await msg.ackAck({ timeout: ACK_CONFIRM_TIMEOUT_MS }).catch(() => false);
    }
    this.policy.observer.handled(this.spec.durable, outcome, (performance.now() - started) / 1000);
  }

  private async fail(msg: JsMsg, deliveryCount: number, error: unknown): Promise<BusHandleOutcome> {
    const { maxDeliver, backoffMs } = this.policy;
    const decision =
      error instanceof MalformedEvent || error instanceof DeliveryLimitExceeded
        ? ({ kind: 'dead_letter' } as const)
        : decideFailure(error, deliveryCount, maxDeliver, backoffMs);
    if (decision.kind === 'nak') {
      msg.nak(decision.delayMs);
      return 'nak';
    }
    try {
      await this.policy.deadLetter(msg, error);
    } catch {
      // Could not store the dead letter (server trouble): keep the event and try again later.
      msg.nak(backoffMs[backoffMs.length - 1] ?? 0);
      return 'nak';
    }
    // No reason text: nats-server 2.9 only understands a bare +TERM (a reason arrived in 2.10).
    msg.term();
    return 'dead_letter';
  }

  /** Tells the server the delivery is still being worked on, so a slow handler is not redelivered meanwhile. */
  private async whileInProgress(msg: JsMsg, work: () => Promise<void>): Promise<void> {
    const timer = setInterval(() => msg.working(), Math.max(100, Math.floor(this.policy.ackWaitMs / 2)));
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
  }
}

/** The body is not an event envelope: no retry can fix it. */
class MalformedEvent extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedEvent';
  }
}

/** Delivered more than `maxDeliver` times without a settled outcome. */
class DeliveryLimitExceeded extends Error {
  constructor(deliveryCount: number, maxDeliver: number) {
    super(`delivered ${deliveryCount} times (limit ${maxDeliver}) without being acknowledged`);
    this.name = 'DeliveryLimitExceeded';
  }
}

function parseEnvelope(msg: JsMsg): EventEnvelope {
  let value: unknown;
  try {
    value = msg.json<unknown>();
  } catch (error) {
    throw new MalformedEvent(`message ${msg.seq} on ${msg.subject} is not JSON`, { cause: error });
  }
  if (typeof value !== 'object' || value === null) {
    throw new MalformedEvent(`message ${msg.seq} on ${msg.subject} is not an event envelope`);
  }
  const candidate = value as Partial<Record<keyof EventEnvelope, unknown>>;
  if (typeof candidate.id !== 'string' || typeof candidate.type !== 'string') {
    throw new MalformedEvent(`message ${msg.seq} on ${msg.subject} has no event id or type`);
  }
  return value as EventEnvelope;
}

function headersToRecord(headers: MsgHdrs | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (!headers) return record;
  for (const key of headers.keys()) record[key] = headers.get(key);
  return record;
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
