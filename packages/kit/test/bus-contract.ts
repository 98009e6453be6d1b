import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  type Context,
  type ContextManager,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { waitFor } from '@govhall/testing';
import {
  DeadLetterHeaders,
  deliveryHeaders,
  type BusHandleOutcome,
  type BusObserver,
  type ConsumerSpec,
  type DeliveryInfo,
  type EventBus,
  type EventHandler,
  type Subscription,
} from '../src/bus';
import { UnavailableError, ValidationError } from '../src/errors';
import {
  deadLetterStreamFor,
  deadLetterSubject,
  Services,
  streamFor,
  subjectFor,
  type EventEnvelope,
  type StreamSpec,
} from '../src/events';

/** What a `recordingObserver` saw, in call order. */
export interface ObservedCalls {
  readonly published: Array<readonly [subject: string, duplicate: boolean]>;
  readonly handled: Array<readonly [durable: string, outcome: BusHandleOutcome]>;
}

/** A bus observer that records its calls; fixtures pass it to every bus they open. */
export function recordingObserver(): BusObserver & { readonly calls: ObservedCalls } {
  const calls: ObservedCalls = { published: [], handled: [] };
  return {
    calls,
    published: (subject, duplicate) => {
      calls.published.push([subject, duplicate]);
    },
    handled: (durable, outcome, seconds) => {
      if (!(seconds >= 0)) throw new Error(`handled() got ${seconds} seconds`);
      calls.handled.push([durable, outcome]);
    },
  };
}

/** What one contract test gets from an adapter: a bus, a region nobody else uses, and a way to restart. */
export interface BusFixture {
  /** The current bus; `restart` replaces it. */
  readonly bus: EventBus;
  /** A region code no other test uses, so stream names (`CASE_<region>`) are unique to the test. */
  readonly regionCode: string;
  /** Calls to the observer every bus of this fixture was opened with (see `recordingObserver`). */
  readonly observed: ObservedCalls;
  /** Closes the current bus and opens a new one over the same server (or the same in-process state). */
  restart(): Promise<EventBus>;
  /** Closes the bus (if still open) and removes what the test left behind. */
  dispose(): Promise<void>;
}

interface Seen {
  readonly event: EventEnvelope;
  readonly delivery: DeliveryInfo;
}

/** Handler that records every delivery, then runs `behaviour` (which may throw). */
function recorder(behaviour?: (event: EventEnvelope, delivery: DeliveryInfo) => Promise<void> | void): {
  seen: Seen[];
  ids: () => string[];
  handler: EventHandler;
} {
  const seen: Seen[] = [];
  return {
    seen,
    ids: () => seen.map((s) => s.event.id),
    handler: async (event, delivery) => {
      seen.push({ event, delivery });
      await behaviour?.(event, delivery);
    },
  };
}

function anEvent(regionCode: string, overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  const id = randomUUID();
  return {
    id,
    type: 'case.case.created',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    regionCode,
    caseId: `case-${id.slice(0, 8)}`,
    data: { applicant: '张三', materials: ['身份证', '营业执照'], amountFen: 1200 },
    ...overrides,
  };
}

/** Minimal AsyncLocalStorage context manager, so trace context flows without the OpenTelemetry SDK. */
class TestContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

const TRACE_KEY = createContextKey('contract-traceparent');

/** Propagates one opaque `traceparent` value: enough to see inject at publish and extract at delivery. */
const testPropagator: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const value = ctx.getValue(TRACE_KEY);
    if (typeof value === 'string') setter.set(carrier, 'traceparent', value);
  },
  extract(ctx, carrier, getter) {
    const raw = getter.get(carrier, 'traceparent');
    const value = Array.isArray(raw) ? raw[0] : raw;
    return value ? ctx.setValue(TRACE_KEY, value) : ctx;
  },
  fields: () => ['traceparent'],
};

/** Lets already-scheduled callbacks run once, without waiting on a clock. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The one contract every `EventBus` adapter must pass (see `bus/port.ts`). Registers jest `describe` blocks;
 * `factory` is called once per test and must give a fresh region code.
 */
export function describeBusContract(name: string, factory: () => Promise<BusFixture>): void {
  describe(`EventBus contract: ${name}`, () => {
    let fx: BusFixture;
    let region: string;
    let stream: StreamSpec;
    const subscriptions: Subscription[] = [];

    const consumerSpec = (durable: string, extra: Partial<ConsumerSpec> = {}): ConsumerSpec => ({
      stream: stream.name,
      durable,
      regionCode: region,
      backoffMs: [50],
      ...extra,
    });

    const consume = async (bus: EventBus, spec: ConsumerSpec, handler: EventHandler): Promise<Subscription> => {
      const subscription = await bus.consume(spec, handler);
      subscriptions.push(subscription);
      return subscription;
    };

    beforeEach(async () => {
      fx = await factory();
      region = fx.regionCode;
      stream = streamFor(Services.case, region);
      await fx.bus.ensureStream(stream);
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
      await fx.dispose();
    });

    it('delivers the exact envelope to a durable consumer and, once acknowledged, never again', async () => {
      const event = anEvent(region);
      const published = await fx.bus.publish(event);
      expect(published.duplicate).toBe(false);
      expect(published.seq).toBeGreaterThan(0);

      const first = recorder();
      const subscription = await consume(fx.bus, consumerSpec('contract-ack'), first.handler);
      await waitFor(() => first.seen.length === 1, { what: 'first delivery' });
      expect(first.seen[0]!.event).toEqual(event);
      expect(first.seen[0]!.delivery).toMatchObject({
        deliveryCount: 1,
        streamSeq: published.seq,
        subject: subjectFor(event),
      });

      // Same durable again: the acknowledged event stays acknowledged, a later one arrives.
      await subscription.stop();
      const later = anEvent(region);
      await fx.bus.publish(later);
      const second = recorder();
      await consume(fx.bus, consumerSpec('contract-ack'), second.handler);
      await waitFor(() => second.seen.length === 1, { what: 'the later event' });
      expect(second.ids()).toEqual([later.id]);
      expect(first.ids()).toEqual([event.id]);
    });

    it('redelivers after a retryable failure, with the delivery count raised', async () => {
      const attempts = recorder((_event, delivery) => {
        if (delivery.deliveryCount === 1) throw new UnavailableError('database briefly unavailable');
      });
      await consume(fx.bus, consumerSpec('contract-retry'), attempts.handler);
      const event = anEvent(region);
      const { seq } = await fx.bus.publish(event);

      await waitFor(() => attempts.seen.length >= 2, { what: 'redelivery' });
      const marker = anEvent(region);
      await fx.bus.publish(marker);
      await waitFor(() => attempts.ids().includes(marker.id), { what: 'marker' });

      expect(attempts.seen.map((s) => [s.event.id, s.delivery.deliveryCount, s.delivery.streamSeq])).toEqual([
        [event.id, 1, seq],
        [event.id, 2, seq],
        [marker.id, 1, seq + 1],
      ]);
    });

    it('waits the backoff delay for the delivery count before redelivering, repeating the last delay', async () => {
      const receivedAt: number[] = [];
      const attempts = recorder((_event, delivery) => {
        receivedAt.push(performance.now());
        if (delivery.deliveryCount < 4) throw new Error('still failing');
      });
      await consume(
        fx.bus,
        consumerSpec('contract-backoff', { backoffMs: [40, 200], maxDeliver: 4 }),
        attempts.handler,
      );
      await fx.bus.publish(anEvent(region));
      await waitFor(() => attempts.seen.length === 4, { what: 'four deliveries' });
      expect(attempts.seen.map((s) => s.delivery.deliveryCount)).toEqual([1, 2, 3, 4]);
      // Lower bounds only (a delay is never shorter; it may be longer on a busy machine); 10 ms timer slack.
      const gaps = receivedAt.slice(1).map((at, i) => at - receivedAt[i]!);
      expect(gaps[0]).toBeGreaterThanOrEqual(30);
      expect(gaps[1]).toBeGreaterThanOrEqual(190);
      expect(gaps[2]).toBeGreaterThanOrEqual(190);
    });

    it('deduplicates a repeated event id: reported as duplicate, delivered once', async () => {
      const event = anEvent(region);
      const first = await fx.bus.publish(event);
      const again = await fx.bus.publish(event);
      // The id alone decides, not the content.
      const altered = await fx.bus.publish({ ...event, data: { changed: true } });
      expect(first.duplicate).toBe(false);
      expect(again).toEqual({ seq: first.seq, duplicate: true });
      expect(altered).toEqual({ seq: first.seq, duplicate: true });

      const marker = anEvent(region);
      expect(await fx.bus.publish(marker)).toEqual({ seq: first.seq + 1, duplicate: false });
      const seen = recorder();
      await consume(fx.bus, consumerSpec('contract-dedupe'), seen.handler);
      await waitFor(() => seen.ids().includes(marker.id), { what: 'marker' });
      expect(seen.ids()).toEqual([event.id, marker.id]);
      expect(seen.seen[0]!.event).toEqual(event);
    });

    it('dead-letters an event after maxDeliver failures and moves on', async () => {
      const durable = 'contract-poison';
      const poison = anEvent(region);
      const failures: number[] = [];
      const handled = recorder((event, delivery) => {
        if (event.id === poison.id) {
          failures.push(delivery.deliveryCount);
          throw new Error('handler keeps failing');
        }
      });
      await consume(fx.bus, consumerSpec(durable, { maxDeliver: 3 }), handled.handler);

      const dlq = deadLetterStreamFor(region);
      await fx.bus.ensureStream(dlq);
      const dead = recorder();
      await consume(
        fx.bus,
        {
          stream: dlq.name,
          durable: 'contract-dlq-reader',
          regionCode: region,
          filterSubject: deadLetterSubject(region, stream.name, durable),
        },
        dead.handler,
      );

      const { seq } = await fx.bus.publish(poison);
      await waitFor(() => dead.seen.length === 1, { what: 'dead letter' });
      expect(failures).toEqual([1, 2, 3]);
      expect(dead.seen[0]!.event).toEqual(poison);
      expect(dead.seen[0]!.delivery.subject).toBe(deadLetterSubject(region, stream.name, durable));
      expect(deliveryHeaders(dead.seen[0]!.delivery)).toMatchObject({
        [DeadLetterHeaders.error]: 'handler keeps failing',
        [DeadLetterHeaders.errorName]: 'Error',
        [DeadLetterHeaders.subject]: subjectFor(poison),
        [DeadLetterHeaders.stream]: stream.name,
        [DeadLetterHeaders.streamSeq]: String(seq),
        [DeadLetterHeaders.durable]: durable,
        [DeadLetterHeaders.deliveryCount]: '3',
      });

      // The original consumer is done with the poison event and handles what comes next.
      const marker = anEvent(region);
      await fx.bus.publish(marker);
      await waitFor(() => handled.ids().includes(marker.id), { what: 'marker after the poison event' });
      expect(failures).toEqual([1, 2, 3]);
      expect(dead.seen).toHaveLength(1);
    });

    it('dead-letters a non-retryable error on the first delivery', async () => {
      const durable = 'contract-invalid';
      const invalid = anEvent(region, { data: { applicant: '' } });
      const attempts = recorder((event) => {
        if (event.id === invalid.id) throw ValidationError.single('data.applicant', 'must not be empty');
      });
      await consume(fx.bus, consumerSpec(durable, { maxDeliver: 5 }), attempts.handler);
      const dead = recorder();
      await consume(
        fx.bus,
        {
          stream: deadLetterStreamFor(region).name,
          durable: 'contract-dlq-reader',
          regionCode: region,
          filterSubject: deadLetterSubject(region, stream.name, durable),
        },
        dead.handler,
      );

      await fx.bus.publish(invalid);
      await waitFor(() => dead.seen.length === 1, { what: 'dead letter' });
      const marker = anEvent(region);
      await fx.bus.publish(marker);
      await waitFor(() => attempts.ids().includes(marker.id), { what: 'marker' });

      expect(attempts.seen.map((s) => [s.event.id, s.delivery.deliveryCount])).toEqual([
        [invalid.id, 1],
        [marker.id, 1],
      ]);
      expect(dead.seen[0]!.event).toEqual(invalid);
      expect(deliveryHeaders(dead.seen[0]!.delivery)).toMatchObject({
        [DeadLetterHeaders.error]: 'data.applicant: must not be empty',
        [DeadLetterHeaders.errorName]: 'ValidationError',
        [DeadLetterHeaders.deliveryCount]: '1',
      });
    });

    it('resumes a durable consumer where it stopped, across a restart of the bus', async () => {
      const durable = 'contract-resume';
      const seen = recorder();
      const before = [anEvent(region), anEvent(region)];
      const subscription = await consume(fx.bus, consumerSpec(durable), seen.handler);
      for (const event of before) await fx.bus.publish(event);
      await waitFor(() => seen.seen.length === 2, { what: 'events before the stop' });
      await subscription.stop();

      const whileStopped = anEvent(region);
      await fx.bus.publish(whileStopped);
      const bus = await fx.restart();
      const afterRestart = anEvent(region);
      await bus.publish(afterRestart);
      expect(seen.seen).toHaveLength(2);

      await consume(bus, consumerSpec(durable), seen.handler);
      await waitFor(() => seen.ids().includes(afterRestart.id), { what: 'events after the restart' });
      expect(seen.ids()).toEqual([...before.map((e) => e.id), whileStopped.id, afterRestart.id]);
      expect(seen.seen.every((s) => s.delivery.deliveryCount === 1)).toBe(true);
    });

    it('stop() finishes the event in hand and acknowledges it', async () => {
      const durable = 'contract-graceful';
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const finished: string[] = [];
      const slow = recorder(async (event) => {
        await gate;
        finished.push(event.id);
      });
      const subscription = await consume(fx.bus, consumerSpec(durable), slow.handler);
      const event = anEvent(region);
      await fx.bus.publish(event);
      await waitFor(() => slow.seen.length === 1, { what: 'handler started' });

      let stopped = false;
      const stopping = subscription.stop().then(() => {
        stopped = true;
      });
      await nextTurn();
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(finished).toEqual([event.id]);

      const marker = anEvent(region);
      await fx.bus.publish(marker);
      const again = recorder();
      await consume(fx.bus, consumerSpec(durable), again.handler);
      await waitFor(() => again.seen.length === 1, { what: 'marker' });
      expect(again.ids()).toEqual([marker.id]);
    });

    it('delivers only the subjects a filtered consumer asks for', async () => {
      const stage = anEvent(region, { type: 'case.stage.entered' });
      const other = anEvent(region, { type: 'case.case.completed' });
      const filtered = recorder();
      const everything = recorder();
      await consume(
        fx.bus,
        consumerSpec('contract-filtered', { filterSubject: `hall.${region}.case.stage.*` }),
        filtered.handler,
      );
      await consume(fx.bus, consumerSpec('contract-everything'), everything.handler);
      await fx.bus.publish(other);
      await fx.bus.publish(stage);
      await waitFor(() => filtered.seen.length === 1 && everything.seen.length === 2, { what: 'deliveries' });
      expect(filtered.ids()).toEqual([stage.id]);
      expect(everything.ids()).toEqual([other.id, stage.id]);
    });

    it('ensureStream is idempotent and adds subjects to an existing stream', async () => {
      const event = anEvent(region);
      const { seq } = await fx.bus.publish(event);
      await fx.bus.ensureStream(stream);
      const widened: StreamSpec = { name: stream.name, subjects: [...stream.subjects, `hall.${region}.archive.>`] };
      await fx.bus.ensureStream(widened);
      const archived = anEvent(region, { type: 'archive.case.stored' });
      expect(await fx.bus.publish(archived)).toEqual({ seq: seq + 1, duplicate: false });

      const seen = recorder();
      await consume(fx.bus, consumerSpec('contract-widened'), seen.handler);
      await waitFor(() => seen.seen.length === 2, { what: 'both events' });
      expect(seen.ids()).toEqual([event.id, archived.id]);
    });

    it('rejects a publish that no stream captures', async () => {
      const stray = anEvent(region, { type: 'fee.bill.issued' });
      await expect(fx.bus.publish(stray)).rejects.toThrow();
    });

    it('reports publishes and delivery outcomes to its observer', async () => {
      const durable = 'contract-observed';
      const ok = anEvent(region);
      const poison = anEvent(region);
      const outcomes = (): BusHandleOutcome[] =>
        fx.observed.handled.filter(([name]) => name === durable).map(([, outcome]) => outcome);
      await consume(
        fx.bus,
        consumerSpec(durable, { maxDeliver: 2 }),
        recorder((event) => {
          if (event.id === poison.id) throw new UnavailableError('still down');
        }).handler,
      );
      await fx.bus.publish(ok);
      await fx.bus.publish(ok);
      await fx.bus.publish(poison);
      await waitFor(() => outcomes().length === 3, { what: 'three outcomes' });
      expect([...outcomes()].sort()).toEqual(['ack', 'dead_letter', 'nak']);
      expect(fx.observed.published).toEqual(
        expect.arrayContaining([
          [subjectFor(ok), false],
          [subjectFor(ok), true],
          [subjectFor(poison), false],
          [deadLetterSubject(region, stream.name, durable), false],
        ]),
      );
    });

    it('reports healthy while open and unhealthy once closed', async () => {
      expect(await fx.bus.isHealthy()).toBe(true);
      await fx.bus.close();
      expect(await fx.bus.isHealthy()).toBe(false);
    });

    describe('trace context', () => {
      const manager = new TestContextManager();

      beforeAll(() => {
        context.setGlobalContextManager(manager);
        propagation.setGlobalPropagator(testPropagator);
      });

      afterAll(() => {
        propagation.disable();
        context.disable();
      });

      it('carries the publisher’s context, or the envelope’s own trace headers, into the handler', async () => {
        const observed = new Map<string, unknown>();
        const seen = recorder((event) => {
          observed.set(event.id, context.active().getValue(TRACE_KEY));
        });
        await consume(fx.bus, consumerSpec('contract-trace'), seen.handler);

        const fromContext = anEvent(region);
        const fromEnvelope = anEvent(region, { traceHeaders: { traceparent: 'from-the-envelope' } });
        const publishing = context.active().setValue(TRACE_KEY, 'from-the-publisher');
        await context.with(publishing, async () => {
          await fx.bus.publish(fromContext);
          await fx.bus.publish(fromEnvelope);
        });
        const untraced = anEvent(region);
        await fx.bus.publish(untraced);

        await waitFor(() => observed.size === 3, { what: 'three deliveries' });
        expect(observed.get(fromContext.id)).toBe('from-the-publisher');
        expect(observed.get(fromEnvelope.id)).toBe('from-the-envelope');
        expect(observed.get(untraced.id)).toBeUndefined();
        // The envelope is delivered unchanged: no trace headers are written into it.
        expect(seen.seen.find((s) => s.event.id === fromContext.id)!.event).toEqual(fromContext);
        expect(deliveryHeaders(seen.seen[0]!.delivery)['traceparent']).toBe('from-the-publisher');
      });
    });
  });
}
