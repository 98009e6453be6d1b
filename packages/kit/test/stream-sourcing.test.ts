import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { readStream, startNatsHubAndLeaf, waitFor, type NatsHubAndLeaf } from '@govhall/testing';
import { InProcessBus, JetStreamBus, type EventBus, type Subscription } from '../src/bus';
import { ensureSourcedStream, sourcedStreamFromArgs } from '../src/bus/ensure-sources';
import { systemClock } from '../src/clock';
import { ConfigError } from '../src/config-error';
import { eventFactory } from '../src/event-codec';
import {
  Services,
  sourcedStreamFor,
  sourcedStreamName,
  streamFor,
  type EventContract,
  type EventEnvelope,
} from '../src/events';
import { uuidV7Ids } from '../src/ids';

const CITY = '370700';
const DISTRICT = '370705';

interface Handoff {
  readonly caseId: string;
  readonly step: number;
}
const asJson = { fromJSON: (object: unknown) => object as Handoff, toJSON: (message: Handoff) => message };
const contract = (type: string, messageName: string): EventContract<Handoff> => ({
  type,
  schemaVersion: 1,
  messageName,
  message: asJson,
});
const handoffRequested = contract('case.handoff.requested', 'govhall.case.v1.HandoffRequested');
const handoffAccepted = contract('case.handoff.accepted', 'govhall.case.v1.HandoffAccepted');
const caseCreated = contract('case.case.created', 'govhall.case.v1.CaseCreated');

const eventsOf = (regionCode: string) => eventFactory({ clock: systemClock, ids: uuidV7Ids, regionCode });

describe('sourcedStreamFor', () => {
  it('names the copy by owner and keeper and sources the owner’s stream through its domain', () => {
    expect(
      sourcedStreamFor(Services.case, DISTRICT, CITY, {
        ownerDomain: 'district-370705',
        filterSubject: 'hall.370705.case.handoff.>',
      }),
    ).toEqual({
      name: 'CASE_370705_AT_370700',
      subjects: [],
      sources: [{ name: 'CASE_370705', domain: 'district-370705', filterSubject: 'hall.370705.case.handoff.>' }],
    });
    expect(sourcedStreamName(Services.case, CITY, DISTRICT)).toBe('CASE_370700_AT_370705');
    expect(sourcedStreamFor(Services.catalogue, CITY, '370705001', { ownerDomain: 'city-370700' })).toEqual({
      name: 'CATALOGUE_370700_AT_370705001',
      subjects: [],
      sources: [{ name: 'CATALOGUE_370700', domain: 'city-370700' }],
    });
  });

  it('refuses a filter outside the owner’s subjects, its own region, a bad domain or region', () => {
    const domain = { ownerDomain: 'district-370705' };
    expect(() =>
      sourcedStreamFor(Services.case, DISTRICT, CITY, { ...domain, filterSubject: 'hall.370700.case.>' }),
    ).toThrow('filter subject must lie inside hall.370705.case.>, got "hall.370700.case.>"');
    expect(() =>
      sourcedStreamFor(Services.case, DISTRICT, CITY, { ...domain, filterSubject: 'hall.370705.case.' }),
    ).toThrow(/filter subject must lie inside/);
    expect(() => sourcedStreamFor(Services.case, DISTRICT, DISTRICT, domain)).toThrow(
      'a region does not source its own stream CASE_370705',
    );
    expect(() => sourcedStreamFor(Services.case, DISTRICT, CITY, { ownerDomain: 'district.370705' })).toThrow(
      /JetStream domain must be letters, digits/,
    );
    expect(() => sourcedStreamFor(Services.case, DISTRICT, '3707', domain)).toThrow(/region code must be/);
  });

  it('is refused by the in-process bus, which serves every tier in one deployment', async () => {
    const bus = new InProcessBus();
    try {
      await expect(
        bus.ensureStream(sourcedStreamFor(Services.case, DISTRICT, CITY, { ownerDomain: 'district-370705' })),
      ).rejects.toThrow(
        'stream CASE_370705_AT_370700 sources CASE_370705: the in-process bus cannot source streams from other deployments',
      );
    } finally {
      await bus.close();
    }
  });
});

describe('ensure-sources arguments', () => {
  it('builds the stream from the arguments', () => {
    expect(
      sourcedStreamFromArgs(['--service', 'case', '--owner', CITY, '--owner-domain', 'city-370700', '--at', DISTRICT]),
    ).toEqual(sourcedStreamFor(Services.case, CITY, DISTRICT, { ownerDomain: 'city-370700' }));
  });

  it('names every missing argument, an unknown service and a bad filter', () => {
    const problems = (argv: string[]): readonly string[] => {
      try {
        sourcedStreamFromArgs(argv);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      throw new Error('no ConfigError');
    };
    expect(problems(['--service', 'case', '--at', CITY])).toEqual([
      '--owner: required',
      '--owner-domain: required',
      expect.stringContaining('usage: ensure-sources'),
    ]);
    expect(problems(['--service', 'cases', '--owner', DISTRICT, '--owner-domain', 'd', '--at', CITY])).toEqual([
      expect.stringContaining('--service: must be one of catalogue, intake, case'),
    ]);
    expect(
      problems(['--service', 'case', '--owner', DISTRICT, '--owner-domain', 'd', '--at', CITY, '--filter', 'hall.>']),
    ).toEqual(['filter subject must lie inside hall.370705.case.>, got "hall.>"']);
    expect(problems(['--service', 'case', '--wat'])[0]).toMatch(/Unknown option '--wat'/);
  });
});

describe('stream sourcing across a leaf link', () => {
  let net: NatsHubAndLeaf;
  const buses: EventBus[] = [];
  const open = async (servers: string, name: string): Promise<JetStreamBus> => {
    const bus = await JetStreamBus.connect({ servers, name, reconnectTimeWaitMs: 200 });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    net = await startNatsHubAndLeaf();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  afterAll(async () => {
    await net?.stop();
  });

  it('copies the district’s hand-offs to the city once each, through consumer downtime, a cut link and a hub restart', async () => {
    const district = await open(net.leafUrl, 'case-370705');
    const city = await open(net.hubUrl, 'case-370700');
    const own = streamFor(Services.case, DISTRICT);
    await district.ensureStream(own);
    const filterSubject = `hall.${DISTRICT}.case.handoff.>`;
    const copy = sourcedStreamFor(Services.case, DISTRICT, CITY, { ownerDomain: net.leafDomain, filterSubject });
    await city.ensureStream(copy);
    await city.ensureStream(copy); // idempotent: nothing to update

    const nc = await connect({ servers: net.hubUrl, name: 'sourcing-inspect' });
    try {
      const { config } = await (await jetstreamManager(nc)).streams.info(copy.name);
      expect(config.subjects ?? []).toEqual([]);
      expect(config.sources).toMatchObject([
        { name: own.name, filter_subject: filterSubject, external: { api: `$JS.${net.leafDomain}.API` } },
      ]);
    } finally {
      await nc.close();
    }

    const factory = eventsOf(DISTRICT);
    const published: EventEnvelope[] = [];
    const handOff = async (step: number): Promise<void> => {
      const event = factory.create(handoffRequested, { caseId: 'case-1', step }, { caseId: 'case-1' });
      expect(await district.publish(event)).toMatchObject({ duplicate: false });
      published.push(event);
    };
    const received: string[] = [];
    const consumer = {
      stream: copy.name,
      durable: 'case-handoffs-370705',
      regionCode: CITY,
      backoffMs: [100],
    };
    const handler = (event: EventEnvelope): Promise<void> => {
      received.push(event.id);
      return Promise.resolve();
    };
    const storedAtCity = async (): Promise<number> => (await readStream(net.hubUrl, copy.name)).length;
    let subscription: Subscription = await city.consume(consumer, handler);

    await handOff(1);
    // not a hand-off: stays in the district
    await district.publish(factory.create(caseCreated, { caseId: 'case-2', step: 0 }));
    await handOff(2);
    await waitFor(() => received.length === 2, { what: 'the first hand-offs at the city', timeoutMs: 20_000 });

    // The city's case service is down: the copy keeps filling, the durable consumer picks up where it was.
    await subscription.stop();
    await handOff(3);
    await handOff(4);
    await waitFor(async () => (await storedAtCity()) === 4, { what: 'the copy while nobody consumes' });
    expect(received).toHaveLength(2);
    subscription = await city.consume(consumer, handler);
    // The stopped subscription's last pull request may still be open at the server (a pull cannot be withdrawn,
    // it expires): an event delivered to it comes back after the ack wait (30 s), not at once.
    await waitFor(() => received.length === 4, { what: 'the backlog after the consumer restarts', timeoutMs: 45_000 });

    // The WAN link is down: the district keeps publishing into its own domain; the copy catches up afterwards.
    await net.cutLink();
    await waitFor(async () => !(await net.linked()), { what: 'the link to drop' });
    await handOff(5);
    await handOff(6);
    // a retried publish of the same event is recognised by its id at the owner
    expect(await district.publish(published[5]!)).toMatchObject({ duplicate: true });
    expect(await storedAtCity()).toBe(4);
    await net.restoreLink();
    await waitFor(() => received.length === 6, {
      what: 'the copy to catch up after the link is back',
      timeoutMs: 60_000,
    });

    // The city's server restarts: the copy resumes from where its store stopped.
    await net.stopHub();
    await handOff(7);
    await net.startHub();
    // After a hub restart the copy resumes on the server's source-retry schedule and the consumer on its
    // reconnect; under CI load that once took past 60 s. A stall names the side that stalled.
    await waitFor(() => received.length === 7, { what: 'the copy after the hub restarts', timeoutMs: 150_000 }).catch(
      async (error: unknown) => {
        throw new Error(
          `${String(error)} (copy at the city holds ${await storedAtCity()}, consumer got ${received.length})`,
        );
      },
    );
    await subscription.stop();

    const ids = published.map((event) => event.id);
    expect(received).toEqual(ids);
    const stored = await readStream(net.hubUrl, copy.name);
    expect(stored.map((message) => message.msgId)).toEqual(ids);
    expect(new Set(stored.map((message) => message.subject))).toEqual(
      new Set([`hall.${DISTRICT}.case.handoff.requested`]),
    );
    expect(await readStream(net.leafUrl, own.name)).toHaveLength(8);
  }, 300_000);

  it('copies the city’s answers to the district with a stream made by ensure-sources', async () => {
    const city = await open(net.hubUrl, 'case-370700');
    const district = await open(net.leafUrl, 'case-370705');
    await city.ensureStream(streamFor(Services.case, CITY));
    const copy = await ensureSourcedStream(
      [
        '--service',
        'case',
        '--owner',
        CITY,
        '--owner-domain',
        net.hubDomain,
        '--at',
        DISTRICT,
        '--filter',
        `hall.${CITY}.case.handoff.>`,
      ],
      { NATS_URL: net.leafUrl },
    );
    expect(copy.name).toBe('CASE_370700_AT_370705');

    const received: EventEnvelope[] = [];
    await district.consume({ stream: copy.name, durable: 'case-handoffs-370700', regionCode: DISTRICT }, (event) => {
      received.push(event);
      return Promise.resolve();
    });
    const factory = eventsOf(CITY);
    await city.publish(factory.create(caseCreated, { caseId: 'case-9', step: 0 }));
    const accepted = factory.create(handoffAccepted, { caseId: 'case-1', step: 1 }, { caseId: 'case-1' });
    await city.publish(accepted);
    await waitFor(() => received.length === 1, { what: 'the answer at the district', timeoutMs: 20_000 });
    expect(received[0]).toEqual(accepted);
    expect(await readStream(net.leafUrl, copy.name)).toHaveLength(1);

    // Run again with another filter: the stream is updated in place.
    const narrower = `hall.${CITY}.case.handoff.accepted`;
    await ensureSourcedStream(
      ['--service', 'case', '--owner', CITY, '--owner-domain', net.hubDomain, '--at', DISTRICT, '--filter', narrower],
      { NATS_URL: net.leafUrl },
    );
    const nc = await connect({ servers: net.leafUrl, name: 'sourcing-inspect' });
    try {
      const { config } = await (await jetstreamManager(nc)).streams.info(copy.name);
      expect(config.sources).toMatchObject([{ name: 'CASE_370700', filter_subject: narrower }]);
    } finally {
      await nc.close();
    }
  }, 60_000);
});
