// Tracing first: the gRPC instrumentation must patch grpc-js before anything loads it.
import { shutdownTelemetry } from '@govhall/kit/telemetry';
import { join } from 'node:path';
import { contractDescriptors } from '@govhall/contracts';
import {
  JetStreamBus,
  OutboxRelay,
  busObserverFor,
  createDatabase,
  createLogger,
  createMetrics,
  deadLetterStreamFor,
  migrate,
  createTokenVerifier,
  loadTrustedKeys,
  natsConnectionOptions,
  retentionFrom,
  startGrpcServer,
  startSidePort,
  streamFor,
  systemClock,
  uuidV7Ids,
  type Clock,
  type Database,
  type EventBus,
  type IdGenerator,
  type Logger,
  type TokenVerifier,
} from '@govhall/kit';
import { CalendarService } from './app/calendar-service';
import { FeeCatalogueService } from './app/fee-catalogue-service';
import { ItemService } from './app/item-service';
import { OpeningHoursService } from './app/opening-hours-service';
import { OrganisationService } from './app/organisation-service';
import { PgCalendarStore } from './adapters/store/pg-calendar-store';
import { PgFeeCatalogueStore } from './adapters/store/pg-fee-catalogue-store';
import { PgItemStore } from './adapters/store/pg-item-store';
import { PgOpeningHoursStore } from './adapters/store/pg-opening-hours-store';
import { PgOrganisationStore, type CatalogueTables } from './adapters/store/pg-organisation-store';
import { calendarGrpcService } from './adapters/grpc/calendar-handlers';
import { feeCatalogueGrpcService } from './adapters/grpc/fee-catalogue-handlers';
import { itemGrpcService } from './adapters/grpc/item-handlers';
import { openingHoursGrpcService } from './adapters/grpc/opening-hours-handlers';
import { organisationGrpcService } from './adapters/grpc/organisation-handlers';
import { catalogueCommands, type CatalogueCommandOptions } from './adapters/store/commands';
import { loadCatalogueConfig, type CatalogueConfig } from './config';

export const SERVICE_NAME = 'catalogue';
export const MIGRATIONS_FOLDER = join(__dirname, '..', 'migrations');

export interface CatalogueDependencies {
  /** A bus shared with other services in one process (embedded mode); otherwise one is connected. */
  bus?: EventBus;
  /** Verifies callers' tokens; otherwise one over `AUTH_TRUSTED_KEYS_FILE`. */
  verifier?: TokenVerifier;
  logger?: Logger;
  clock?: Clock;
  ids?: IdGenerator;
}

export interface RunningCatalogue {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Full names of the gRPC services it serves (`govhall.catalogue.v1.ItemService`, ...). */
  readonly grpcServices: readonly string[];
  readonly organisation: OrganisationService;
  readonly items: ItemService;
  readonly calendar: CalendarService;
  readonly openingHours: OpeningHoursService;
  readonly feeCatalogue: FeeCatalogueService;
  /** Stops taking calls, lets in-flight calls finish, stops the relay, closes what it opened. */
  stop(): Promise<void>;
}

export interface CatalogueUseCases {
  readonly organisation: OrganisationService;
  readonly items: ItemService;
  readonly calendar: CalendarService;
  readonly openingHours: OpeningHoursService;
  readonly feeCatalogue: FeeCatalogueService;
}

/**
 * The catalogue's use cases over its stores in `database` (the wiring `startCatalogue` uses; tests that need
 * no gRPC call it directly). Without a `sink` committed events wait in the outbox for a relay's sweep.
 */
export function catalogueUseCases(
  database: Database<CatalogueTables>,
  options: CatalogueCommandOptions,
): CatalogueUseCases {
  const commands = catalogueCommands(database, options);
  const calendar = new CalendarService(new PgCalendarStore(commands), options.clock, options.ids);
  return {
    organisation: new OrganisationService(new PgOrganisationStore(commands), options.clock, options.ids),
    items: new ItemService(new PgItemStore(commands), options.clock, options.ids),
    calendar,
    // Opening days are read from the hall's calendar as CalendarService resolves it.
    openingHours: new OpeningHoursService(new PgOpeningHoursStore(commands), calendar, options.clock),
    feeCatalogue: new FeeCatalogueService(new PgFeeCatalogueStore(commands), options.clock, options.ids),
  };
}

/** Wires the catalogue service: the only place adapters meet use cases. */
export async function startCatalogue(
  config: CatalogueConfig,
  deps: CatalogueDependencies = {},
): Promise<RunningCatalogue> {
  const logger = deps.logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const metrics = createMetrics(SERVICE_NAME);
  const database = createDatabase<CatalogueTables>({
    url: config.DATABASE_URL,
    schema: SERVICE_NAME,
    poolMax: config.DATABASE_POOL_MAX,
    logger,
  });
  const ownsBus = !deps.bus;
  let bus: EventBus | undefined = deps.bus;
  let verifier: TokenVerifier;
  try {
    verifier =
      deps.verifier ?? createTokenVerifier({ trustedKeys: await loadTrustedKeys(config.AUTH_TRUSTED_KEYS_FILE) });
    await migrate({ pool: database.pool, schema: SERVICE_NAME, folder: MIGRATIONS_FOLDER, logger });
    bus ??= await JetStreamBus.connect({
      servers: config.NATS_URL,
      name: SERVICE_NAME,
      observer: busObserverFor(metrics),
      connection: natsConnectionOptions(config),
    });
    await bus.ensureStream(streamFor(SERVICE_NAME, config.REGION_CODE));
    await bus.ensureStream(deadLetterStreamFor(config.REGION_CODE));
  } catch (error) {
    if (ownsBus) await bus?.close();
    await database.close();
    throw error;
  }

  const relay = new OutboxRelay({
    database,
    bus,
    logger,
    pollMs: config.OUTBOX_POLL_MS,
    leaseMs: config.OUTBOX_LEASE_MS,
    retention: retentionFrom(config),
    onPublished: (count) => metrics.outboxPublished.inc(count),
    onPending: (count) => metrics.outboxPending.set(count),
  });
  if (config.OUTBOX_RELAY === 'on') relay.start();

  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? uuidV7Ids;
  const { organisation, items, calendar, openingHours, feeCatalogue } = catalogueUseCases(database, {
    clock,
    ids,
    regionCode: config.REGION_CODE,
    sink: relay,
  });
  // Guide search: index published versions that predate the index, and follow department renames.
  const reindexed = await items.refreshGuideIndex();
  if (reindexed > 0) logger.info({ reindexed }, 'guide index refreshed');
  const services = [
    organisationGrpcService(organisation),
    itemGrpcService(items),
    calendarGrpcService(calendar),
    openingHoursGrpcService(openingHours),
    feeCatalogueGrpcService(feeCatalogue),
  ];
  const grpcServer = await startGrpcServer({
    port: config.GRPC_PORT,
    services,
    descriptors: contractDescriptors(),
    verifier,
    logger,
    metrics,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  });
  const busForReadiness = bus;
  const sidePort = await startSidePort({
    port: config.HTTP_PORT,
    registry: metrics.registry,
    readiness: { database: () => database.ping(), bus: () => busForReadiness.isHealthy() },
    logger,
  });
  logger.info(
    { grpcPort: grpcServer.port, httpPort: sidePort.port, region: config.REGION_CODE, bus: bus.kind },
    'catalogue ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpcServer.port,
    httpPort: sidePort.port,
    grpcServices: grpcServer.serviceNames,
    organisation,
    items,
    calendar,
    openingHours,
    feeCatalogue,
    stop: () =>
      (stopping ??= (async () => {
        await grpcServer.shutdown();
        await relay.stop();
        if (ownsBus) await busForReadiness.close();
        await database.close();
        await sidePort.close();
        logger.info('catalogue stopped');
      })()),
  };
}

/** Real mode: one process, configured from the environment; SIGTERM / SIGINT drain and exit. */
async function main(): Promise<void> {
  const config = loadCatalogueConfig();
  const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const running = await startCatalogue(config, { logger });
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    running
      .stop()
      .then(() => shutdownTelemetry())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // Config errors list every bad variable; print them plainly for the operator.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
