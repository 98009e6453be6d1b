import { CatalogueEvents, contractRegistry } from '@govhall/contracts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bearerInterceptor,
  createDatabase,
  eventDecoder,
  type Database,
  type EventEnvelope,
  type EventOf,
} from '@govhall/kit';
import { aStaffMember, createTestKey } from '@govhall/kit/testing';
import type * as grpc from '@grpc/grpc-js';
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
  /** Client options that call as a centre administrator (the role every catalogue write needs). */
  readonly asAdministrator: grpc.ChannelOptions & { interceptors: grpc.Interceptor[] };
  /** A token of a staff member with `roles` (for access tests). */
  tokenFor(roles: readonly string[]): Promise<string>;
  stop(): Promise<void>;
}

/** A key trusted by the catalogue under test, written where AUTH_TRUSTED_KEYS_FILE points. */
export function testCallerKey(): { key: ReturnType<typeof createTestKey>; trustedKeysFile: string } {
  const key = createTestKey();
  const trustedKeysFile = join(mkdtempSync(join(tmpdir(), 'govhall-keys-')), 'trusted-keys.json');
  writeFileSync(trustedKeysFile, JSON.stringify({ keys: [key.entry] }));
  return { key, trustedKeysFile };
}

export interface CatalogueForTestOptions {
  /** A database of the caller's, who drops it (another service shares it); default a fresh one, dropped by stop(). */
  readonly databaseUrl?: string;
  /** Default the shared nats-server. */
  readonly natsUrl?: string;
  /** Default a region (so streams) of its own. */
  readonly region?: string;
  /** The key callers sign with (a caller that signs its own tokens too); default a fresh one. */
  readonly callerKey?: ReturnType<typeof testCallerKey>;
}

/**
 * The catalogue as main.ts wires it, on a fresh database, the shared nats-server and a region (so streams) of
 * its own unless `options` name them; free ports.
 */
export async function startCatalogueForTest(options: CatalogueForTestOptions = {}): Promise<CatalogueUnderTest> {
  const region = options.region ?? uniqueRegionCode();
  const testDatabase: TestDatabase | undefined = options.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? testDatabase!.url;
  const { key, trustedKeysFile } = options.callerKey ?? testCallerKey();
  const signer = key.signer();
  const tokenFor = (roles: readonly string[]): Promise<string> =>
    signer.signStaff(aStaffMember({ roles: [...roles], regionCode: region }));
  const administrator = await tokenFor(['administrator']);
  const running = await startCatalogue(
    loadCatalogueConfig({
      REGION_CODE: region,
      DATABASE_URL: databaseUrl,
      NATS_URL: options.natsUrl ?? sharedNatsUrl(),
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      OUTBOX_POLL_MS: '50',
      AUTH_TRUSTED_KEYS_FILE: trustedKeysFile,
    }),
  );
  const database = createDatabase<CatalogueTables>({ url: databaseUrl, schema: 'catalogue', poolMax: 2 });
  return {
    region,
    running,
    address: `127.0.0.1:${running.grpcPort}`,
    database,
    asAdministrator: { interceptors: [bearerInterceptor(administrator)] },
    tokenFor,
    stop: async () => {
      await database.close();
      await running.stop();
      await testDatabase?.drop();
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
