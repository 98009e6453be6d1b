import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { privateNatsServer, sharedNatsUrl, uniqueRegionCode, waitFor } from '@govhall/testing';
import { DeadLetterHeaders, deliveryHeaders, JetStreamBus, type DeliveryInfo, type EventBus } from '../src/bus';
import { deadLetterStreamFor, deadLetterSubject, Services, streamFor, type EventEnvelope } from '../src/events';
import { describeBusContract, recordingObserver, type BusFixture } from './bus-contract';

/** Deletes the streams of one test's region from the shared server. */
async function removeRegionStreams(url: string, regionCode: string): Promise<void> {
  const nc = await connect({ servers: url, name: 'bus-contract-cleanup' });
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) {
      if (name.endsWith(`_${regionCode}`)) names.push(name);
    }
    await Promise.all(names.map((name) => jsm.streams.delete(name)));
  } finally {
    await nc.close();
  }
}

async function jetStreamFixture(): Promise<BusFixture> {
  const url = sharedNatsUrl();
  const regionCode = uniqueRegionCode();
  const observer = recordingObserver();
  const open = (): Promise<JetStreamBus> =>
    JetStreamBus.connect({ servers: url, name: `bus-contract-${regionCode}`, observer });
  let bus: EventBus = await open();
  return {
    get bus() {
      return bus;
    },
    regionCode,
    observed: observer.calls,
    restart: async () => {
      await bus.close();
      bus = await open();
      return bus;
    },
    dispose: async () => {
      await bus.close();
      await removeRegionStreams(url, regionCode);
    },
  };
}

describeBusContract('JetStreamBus', jetStreamFixture);

function anEvent(regionCode: string, n: number): EventEnvelope {
  return {
    id: `evt-${regionCode}-${n}`,
    type: 'case.case.created',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    regionCode,
    data: { n },
  };
}

describe('JetStreamBus specifics', () => {
  let bus: JetStreamBus;
  let region: string;

  beforeEach(async () => {
    region = uniqueRegionCode();
    bus = await JetStreamBus.connect({ servers: sharedNatsUrl(), name: 'bus-specifics' });
  });

  afterEach(async () => {
    await bus.close();
    await removeRegionStreams(sharedNatsUrl(), region);
  });

  it('provisions an explicit-ack durable the server never gives up on, and confirms acks on the server', async () => {
    const stream = streamFor(Services.case, region);
    await bus.ensureStream(stream);
    const durable = 'specifics-ack';
    const filterSubject = `hall.${region}.case.>`;
    let handled = 0;
    await bus.consume(
      { stream: stream.name, durable, regionCode: region, filterSubject, ackWaitMs: 5000, maxDeliver: 3 },
      () => {
        handled += 1;
        return Promise.resolve();
      },
    );
    const { seq } = await bus.publish(anEvent(region, 1));
    await waitFor(() => handled === 1, { what: 'delivery' });

    const nc = await connect({ servers: sharedNatsUrl(), name: 'bus-specifics-admin' });
    try {
      const jsm = await jetstreamManager(nc);
      await waitFor(
        async () => {
          const info = await jsm.consumers.info(stream.name, durable);
          return info.ack_floor.stream_seq === seq && info.num_ack_pending === 0;
        },
        { what: 'the ack floor to reach the event' },
      );
      const { config } = await jsm.consumers.info(stream.name, durable);
      expect(config).toMatchObject({
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(5000),
        max_deliver: -1,
        filter_subject: filterSubject,
      });
      expect((await jsm.streams.info(deadLetterStreamFor(region).name)).config.subjects).toEqual(
        deadLetterStreamFor(region).subjects,
      );
    } finally {
      await nc.close();
    }
  });

  it('dead-letters, without running the handler, an event whose earlier deliveries never settled', async () => {
    const stream = streamFor(Services.case, region);
    await bus.ensureStream(stream);
    const durable = 'specifics-crashed';
    const spec = { stream: stream.name, durable, regionCode: region, maxDeliver: 1, ackWaitMs: 1000, backoffMs: [50] };
    // Provision the durable, then stop: the next delivery goes to a "consumer that dies" below.
    const first = await bus.consume(spec, () => Promise.resolve());
    await first.stop();
    const event = anEvent(region, 1);
    await bus.publish(event);

    const nc = await connect({ servers: sharedNatsUrl(), name: 'bus-specifics-crash' });
    try {
      const consumer = await (await jetstreamManager(nc)).jetstream().consumers.get(stream.name, durable);
      const taken = await consumer.next({ expires: 5000 });
      expect(taken?.info.deliveryCount).toBe(1);
      // ...and it never acks: the process "crashed" mid-handler.
    } finally {
      await nc.close();
    }

    const dead: DeliveryInfo[] = [];
    await bus.consume(
      {
        stream: deadLetterStreamFor(region).name,
        durable: 'specifics-dlq-reader',
        regionCode: region,
        filterSubject: deadLetterSubject(region, stream.name, durable),
      },
      (_event, delivery) => {
        dead.push(delivery);
        return Promise.resolve();
      },
    );
    let handled = 0;
    await bus.consume(spec, () => {
      handled += 1;
      return Promise.resolve();
    });
    // Redelivered once the ack wait (1 s) expires, as delivery 2 of at most 1.
    await waitFor(() => dead.length === 1, { what: 'dead letter', timeoutMs: 15_000 });
    expect(handled).toBe(0);
    expect(deliveryHeaders(dead[0]!)).toMatchObject({
      [DeadLetterHeaders.errorName]: 'DeliveryLimitExceeded',
      [DeadLetterHeaders.deliveryCount]: '2',
    });
  }, 30_000);
});

describe('JetStreamBus over a restarted nats-server', () => {
  it('keeps a durable consumer’s position across a stop and restart of the server process', async () => {
    const server = await privateNatsServer();
    const region = uniqueRegionCode();
    const stream = streamFor(Services.case, region);
    const spec = { stream: stream.name, durable: 'restart-resume', regionCode: region, backoffMs: [50] };
    const event = (n: number): EventEnvelope => anEvent(region, n);
    const seen: string[] = [];
    const handler = (e: EventEnvelope): Promise<void> => {
      seen.push(e.id);
      return Promise.resolve();
    };
    let bus = await JetStreamBus.connect({ servers: server.url, name: 'restart-test' });
    try {
      await bus.ensureStream(stream);
      await bus.consume(spec, handler);
      await bus.publish(event(1));
      await waitFor(() => seen.length === 1, { what: 'event 1' });

      // The server process goes away and comes back over the same store; the running consumer carries on.
      await server.stop();
      await waitFor(async () => !(await bus.isHealthy()), { what: 'the bus to notice the outage' });
      await server.restart();
      await waitFor(() => bus.isHealthy(), { what: 'reconnection', timeoutMs: 20_000 });
      await bus.publish(event(2));
      await waitFor(() => seen.length === 2, { what: 'event 2 after the restart', timeoutMs: 20_000 });

      // A new process (new bus) on the same durable, with the server restarted again while nobody consumed.
      await bus.close();
      await server.restart();
      bus = await JetStreamBus.connect({ servers: server.url, name: 'restart-test-2' });
      await bus.publish(event(3));
      await bus.consume(spec, handler);
      await waitFor(() => seen.length === 3, { what: 'event 3' });
      // The dedupe window survived the restarts too: event 1 again is recognised as a duplicate.
      expect(await bus.publish(event(1))).toMatchObject({ duplicate: true });
      expect(seen).toEqual([event(1).id, event(2).id, event(3).id]);
    } finally {
      await bus.close();
      await server.remove();
    }
  }, 40_000);
});
