import { randomUUID } from 'node:crypto';
import { catalogueV1 as pb } from '@govhall/contracts';
import { bearerInterceptor, callUnary, type EventEnvelope } from '@govhall/kit';
import {
  createTestDatabase,
  readStream,
  sharedNatsUrl,
  uniqueRegionCode,
  waitFor,
  type TestDatabase,
} from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { startServiceProcess, testCallers } from './processes';

/**
 * The outbox promise: a state change that committed is published exactly once, even when the process dies
 * between the commit and the publish, or between the publish and marking the row published.
 */
describe('outbox survives a killed service process', () => {
  const region = uniqueRegionCode();
  const callers = testCallers();
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  const env = (relay: 'on' | 'off'): Record<string, string> => ({
    REGION_CODE: region,
    DATABASE_URL: database.url,
    NATS_URL: sharedNatsUrl(),
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_MS: '50',
    OUTBOX_RELAY: relay,
    AUTH_TRUSTED_KEYS_FILE: callers.trustedKeysFile,
  });

  const hallCreatedEvents = async (hallId: string): Promise<EventEnvelope[]> =>
    (await readStream(sharedNatsUrl(), `CATALOGUE_${region}`))
      .map((m) => m.json as EventEnvelope)
      .filter((e) => e.type === 'catalogue.hall.created' && (e.data as { hall?: { id: string } }).hall?.id === hallId);

  async function createHall(port: number, regionCode: string): Promise<string> {
    const client = new pb.OrganisationServiceClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      interceptors: [bearerInterceptor(() => callers.administrator())],
    });
    try {
      const { hall } = await callUnary(client, 'createHall', {
        requestId: randomUUID(),
        hall: {
          name: '潍坊市政务服务中心',
          tier: pb.HallTier.HALL_TIER_CITY,
          regionCode,
          parentHallId: '',
          address: '',
          kind: pb.HallKind.HALL_KIND_MAIN,
          complaintPhone: '12345',
          complaintUrl: '',
        },
      });
      return hall!.id;
    } finally {
      client.close();
    }
  }

  it('publishes, after a restart, the event of a change committed just before SIGKILL', async () => {
    // Relay off: the change commits with its outbox row, and nothing is published before the kill.
    const first = await startServiceProcess('services/catalogue/src/main.ts', env('off'));
    const hallId = await createHall(first.grpcPort, '370700');
    expect(await first.stop('SIGKILL')).toBeNull();
    expect(await hallCreatedEvents(hallId)).toHaveLength(0);

    const second = await startServiceProcess('services/catalogue/src/main.ts', env('on'));
    try {
      await waitFor(async () => (await hallCreatedEvents(hallId)).length > 0, {
        what: 'the event after restart',
        timeoutMs: 20_000,
      });
      const client = new Client({ connectionString: database.url });
      await client.connect();
      await waitFor(
        async () => {
          const { rows } = await client.query<{ n: string }>(
            'select count(*) as n from catalogue.outbox where published_at is null',
          );
          return rows[0]?.n === '0';
        },
        { what: 'outbox drained' },
      );
      await client.end();
      expect(await hallCreatedEvents(hallId)).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('publishes once when the process died after publishing but before marking the row', async () => {
    const first = await startServiceProcess('services/catalogue/src/main.ts', env('on'));
    const hallId = await createHall(first.grpcPort, '370200');
    await waitFor(async () => (await hallCreatedEvents(hallId)).length === 1, {
      what: 'first publish',
      timeoutMs: 20_000,
    });
    expect(await first.stop('SIGKILL')).toBeNull();

    // The state such a crash leaves: the event is on the stream, the row still says unpublished.
    const client = new Client({ connectionString: database.url });
    await client.connect();
    const reset = await client.query(
      `update catalogue.outbox set published_at = null, claimed_until = null
        where event->>'type' = 'catalogue.hall.created' and event->'data'->'hall'->>'id' = $1`,
      [hallId],
    );
    expect(reset.rowCount).toBe(1);

    const second = await startServiceProcess('services/catalogue/src/main.ts', env('on'));
    try {
      await waitFor(
        async () => {
          const { rows } = await client.query<{ n: string }>(
            `select count(*) as n from catalogue.outbox where published_at is null`,
          );
          return rows[0]?.n === '0';
        },
        { what: 'the row published again' },
      );
      // Published twice, stored once: the stream dropped the copy by its Nats-Msg-Id.
      expect(await hallCreatedEvents(hallId)).toHaveLength(1);
    } finally {
      await client.end();
      await second.stop();
    }
  });
});
