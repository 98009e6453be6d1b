import type { catalogueEventsV1 } from '@govhall/contracts';
import {
  CaseEvents,
  CatalogueEvents,
  IntakeEvents,
  TimingEvents,
  contractDescriptors,
  contractRegistry,
} from '@govhall/contracts';
import {
  FakeClock,
  JetStreamBus,
  SequentialIds,
  consumeEvents,
  deadLetterStreamFor,
  eventDecoder,
  eventFactory,
  streamFor,
  type EventEnvelope,
  type EventOf,
  type EventRegistry,
} from '@govhall/kit';
import { readStream, sharedNatsUrl, uniqueRegionCode, waitFor } from '@govhall/testing';

type CatalogueEvent = EventOf<typeof CatalogueEvents>;

describe('event contracts', () => {
  it.each([
    ['catalogue', CatalogueEvents, []],
    // AcceptedMaterial is a part of Accepted, not a payload of its own.
    ['intake', IntakeEvents, ['AcceptedMaterial']],
    // CaseRef is a part of every case event, not a payload of its own.
    ['case', CaseEvents, ['CaseRef']],
    ['timing', TimingEvents, []],
  ] as const)(
    'registers every message of %s events.proto, each under a name the descriptors know',
    (service, events: EventRegistry, parts) => {
      const file = contractDescriptors().file.find((f) => f.name === `govhall/${service}/v1/events.proto`)!;
      const declared = file.messageType
        .filter((m) => !(parts as readonly string[]).includes(m.name))
        .map((m) => `govhall.${service}.v1.${m.name}`)
        .sort();
      const registered = [...new Set(Object.values(events).map((c) => c.messageName))].sort();
      expect(registered).toEqual(declared);
      for (const contract of Object.values(events)) {
        expect(contractRegistry().getMessage(contract.messageName)).toBeDefined();
        expect(contract.type.startsWith(`${service}.`)).toBe(true);
      }
    },
  );

  describe('over a real nats-server', () => {
    const region = uniqueRegionCode();
    const natsUrl = (): string => sharedNatsUrl();
    const events = eventFactory({
      clock: new FakeClock('2026-03-02T09:00:00+08:00'),
      ids: new SequentialIds(`e${region}`),
      regionCode: region,
    });
    const decode = eventDecoder(CatalogueEvents, contractRegistry());
    let bus: JetStreamBus;

    beforeAll(async () => {
      bus = await JetStreamBus.connect({ servers: natsUrl(), name: 'event-contracts-test' });
      await bus.ensureStream(streamFor('catalogue', region));
    });
    afterAll(async () => {
      await bus.close();
    });

    it('round-trips a typed payload: published from the message, received as the message', async () => {
      const hall: catalogueEventsV1.HallChanged = {
        hall: {
          id: 'hall-1',
          name: '潍坊市政务服务中心',
          tier: 'HALL_TIER_CITY' as never,
          regionCode: '370700',
          parentHallId: '',
          address: '福寿东街6396号',
          kind: 'HALL_KIND_MAIN' as never,
          complaintPhone: '0536-12345',
          complaintUrl: '',
          active: true,
          version: 3,
          createdAt: new Date('2026-01-05T01:00:00Z'),
          updatedAt: new Date('2026-03-02T01:00:00Z'),
        },
      };
      const envelope = events.create(CatalogueEvents.hallUpdated, hall);
      // The envelope stays JSON, with proto-JSON `data` (readable in `nats stream view`).
      expect(envelope.data).toMatchObject({ hall: { tier: 'HALL_TIER_CITY', createdAt: '2026-01-05T01:00:00.000Z' } });
      await bus.publish(envelope);

      const received: CatalogueEvent[] = [];
      const subscription = await consumeEvents(
        bus,
        { stream: streamFor('catalogue', region).name, durable: 'round-trip', regionCode: region },
        decode,
        (event) => {
          received.push(event);
          return Promise.resolve();
        },
      );
      await waitFor(() => received.length === 1, { what: 'the event' });
      await subscription.stop();
      const event = received[0]!;
      expect(event.type).toBe('catalogue.hall.updated');
      if (event.type !== 'catalogue.hall.updated') throw new Error('narrowed by type');
      // Typed: `event.data` is a HallChanged, dates revived.
      expect(event.data).toEqual(hall);
    });

    it('sends a malformed payload straight to the dead letter, on its first delivery', async () => {
      const good = events.create(CatalogueEvents.departmentCreated, {
        department: {
          id: 'dep-1',
          hallId: 'hall-1',
          code: 'SCJG',
          name: '市市场监督管理局',
          nature: 'BODY_NATURE_LEGAL_ORGAN' as never,
          tier: 'HALL_TIER_CITY' as never,
          regionCode: '370700',
          consultationPhone: '0536-8096001',
          upperDepartmentId: '',
          active: true,
          version: 1,
          createdAt: new Date(),
          updatedAt: new Date(),
        },
      });
      // A producer that got the contract wrong: a version number where a message belongs.
      const bad: EventEnvelope = { ...good, id: `${good.id}-bad`, data: { department: { version: 'three' } } };
      const unknownVersion: EventEnvelope = { ...good, id: `${good.id}-v9`, schemaVersion: 9 };
      for (const envelope of [bad, unknownVersion, good]) await bus.publish(envelope);

      const deliveries: Array<{ id: string; count: number }> = [];
      const subscription = await consumeEvents(
        bus,
        {
          stream: streamFor('catalogue', region).name,
          durable: 'malformed',
          filterSubject: `hall.${region}.catalogue.department.>`,
          regionCode: region,
          maxDeliver: 5,
          backoffMs: [50],
        },
        decode,
        (event, delivery) => {
          deliveries.push({ id: event.envelope.id, count: delivery.deliveryCount });
          return Promise.resolve();
        },
      );
      const deadLetters = async () => readStream(natsUrl(), deadLetterStreamFor(region).name);
      await waitFor(async () => (await deadLetters()).length === 2 && deliveries.length === 1, {
        what: 'two dead letters and the good event',
      });
      await subscription.stop();
      // The handler saw only the good one; the bad ones were never retried.
      expect(deliveries).toEqual([{ id: good.id, count: 1 }]);
      const dead = (await deadLetters()).map((m) => (m.json as EventEnvelope).id).sort();
      expect(dead).toEqual([bad.id, unknownVersion.id].sort());
    });
  });
});
