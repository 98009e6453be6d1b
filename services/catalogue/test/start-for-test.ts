import { createDatabase, type Database } from '@govhall/kit';
import { createTestDatabase, sharedNatsUrl, uniqueRegionCode, type TestDatabase } from '@govhall/testing';
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
