import { CatalogueEvents, contractRegistry } from '@govhall/contracts';
import { createDatabase, eventDecoder, type Database, type EventEnvelope, type EventOf } from '@govhall/kit';
import { createTestDatabase, readStream, sharedNatsUrl, uniqueRegionCode, type TestDatabase } from '@govhall/testing';
import type { CatalogueTables } from '../src/adapters/store/pg-organisation-store';
import { loadCatalogueConfig } from '../src/config';
import { startCatalogue, type RunningCatalogue } from '../src/main';

export interface CatalogueUnderTest {
  readonly region: string;
  readonly running: RunningCatalogue;
  /** `127.0.0.1:<grpc port>` */
  readonly address: string;
  /** The service's own database, for assertions made straight in SQL. */
  readonly database: Database<CatalogueTables>;
  stop(): Promise<void>;
}

/**
 * The catalogue as main.ts wires it, on a fresh database, the shared nats-server and a region (so streams) of
 * its own; free ports.
 */
export async function startCatalogueForTest(): Promise<CatalogueUnderTest> {
  const region = uniqueRegionCode();
  const testDatabase: TestDatabase = await createTestDatabase();
  const running = await startCatalogue(
    loadCatalogueConfig({
      REGION_CODE: region,
      DATABASE_URL: testDatabase.url,
      NATS_URL: sharedNatsUrl(),
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      OUTBOX_POLL_MS: '50',
    }),
  );
  const database = createDatabase<CatalogueTables>({ url: testDatabase.url, schema: 'catalogue', poolMax: 2 });
  return {
    region,
    running,
    address: `127.0.0.1:${running.grpcPort}`,
    database,
    stop: async () => {
      await database.close();
      await running.stop();
      await testDatabase.drop();
    },
  };
}

export type CatalogueEvent = EventOf<typeof CatalogueEvents>;
const decode = eventDecoder(CatalogueEvents, contractRegistry());

/**
 * Every event on a region's catalogue stream, decoded through the contracts as a consumer would: an event that
 * is not its contract's message fails the test.
 */
export async function catalogueEventsOn(region: string): Promise<CatalogueEvent[]> {
  const stored = await readStream(sharedNatsUrl(), `CATALOGUE_${region}`);
  return stored.map((message) => {
    const event = decode(message.json as EventEnvelope);
    if (!event) throw new Error(`event of an unknown type on the stream: ${JSON.stringify(message.json)}`);
    return event;
  });
}

/** The events of one type, with their payloads typed. */
export async function catalogueEventsOf<T extends CatalogueEvent['type']>(
  region: string,
  type: T,
): Promise<Extract<CatalogueEvent, { type: T }>[]> {
  return (await catalogueEventsOn(region)).filter((e): e is Extract<CatalogueEvent, { type: T }> => e.type === type);
}
