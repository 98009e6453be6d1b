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
  createTokenVerifier,
  deadLetterStreamFor,
  loadTrustedKeys,
  migrate,
  natsConnectionOptions,
  retentionFrom,
  startGrpcServer,
  startSidePort,
  streamFor,
  systemClock,
  uuidV7Ids,
  type Clock,
  type EventBus,
  type IdGenerator,
  type Logger,
  type Subscription,
  type TokenVerifier,
} from '@govhall/kit';
import { consumeFees, consumeHandoffs, consumeIntake } from './adapters/bus/consumers';
import { GrpcCaseCatalogue } from './adapters/catalogue/grpc-case-catalogue';
import { caseGrpcService } from './adapters/grpc/case-handlers';
import { PgCaseStore } from './adapters/store/pg-case-store';
import type { CaseTables } from './adapters/store/tables';
import type { CaseCatalogue } from './app/catalogue';
import { CaseDocuments } from './app/case-documents';
import { CaseService, servesRegion, type ProgressLimits } from './app/case-service';
import { loadCaseConfig, type CaseConfig } from './config';

export const SERVICE_NAME = 'case';
/** `case` is a reserved word in SQL: the schema is `cases`. */
export const SCHEMA_NAME = 'cases';
export const MIGRATIONS_FOLDER = join(__dirname, '..', 'migrations');

export interface CaseDependencies {
  /** A bus shared with other services in one process (embedded mode); otherwise one is connected. */
  bus?: EventBus;
  verifier?: TokenVerifier;
  /** The catalogue; otherwise a gRPC client of `CATALOGUE_ADDRESS`. */
  catalogue?: CaseCatalogue;
  logger?: Logger;
  clock?: Clock;
  ids?: IdGenerator;
  progressLimits?: ProgressLimits;
}

export interface RunningCase {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly grpcServices: readonly string[];
  /** The use cases (demo loader, sweeps in tests). */
  readonly service: CaseService;
  stop(): Promise<void>;
}

/** Wires the case service: the only place adapters meet use cases. */
export async function startCase(config: CaseConfig, deps: CaseDependencies = {}): Promise<RunningCase> {
  const logger = deps.logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const metrics = createMetrics(SERVICE_NAME);
  const database = createDatabase<CaseTables>({
    url: config.DATABASE_URL,
    schema: SCHEMA_NAME,
    poolMax: config.DATABASE_POOL_MAX,
    logger,
  });
  const ownsBus = !deps.bus;
  let bus: EventBus | undefined = deps.bus;
  let verifier: TokenVerifier;
  try {
    verifier =
      deps.verifier ?? createTokenVerifier({ trustedKeys: await loadTrustedKeys(config.AUTH_TRUSTED_KEYS_FILE) });
    await migrate({ pool: database.pool, schema: SCHEMA_NAME, folder: MIGRATIONS_FOLDER, logger });
    bus ??= await JetStreamBus.connect({
      servers: config.NATS_URL,
      name: SERVICE_NAME,
      observer: busObserverFor(metrics),
      connection: natsConnectionOptions(config),
    });
    await bus.ensureStream(streamFor(SERVICE_NAME, config.REGION_CODE));
    await bus.ensureStream(deadLetterStreamFor(config.REGION_CODE));
    // Intake publishes acceptances here; the case service may start first.
    await bus.ensureStream(streamFor('intake', config.REGION_CODE));
    // The fee service publishes fees paid here (一费制); it may start after the case service, or not yet be deployed.
    await bus.ensureStream(streamFor('fee', config.REGION_CODE));
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
  const ownsCatalogue = !deps.catalogue;
  const catalogue = deps.catalogue ?? new GrpcCaseCatalogue({ address: config.CATALOGUE_ADDRESS });
  const servedRegions = config.SERVED_REGIONS === '' ? [config.REGION_CODE] : config.SERVED_REGIONS;
  const store = new PgCaseStore(database, {
    clock,
    ids,
    regionCode: config.REGION_CODE,
    servesRegion: servesRegion(servedRegions, config.REGION_CODE),
    sink: relay,
  });
  const service = new CaseService({
    store,
    catalogue,
    clock,
    ids,
    regionCode: config.REGION_CODE,
    servedRegions,
    logger,
    ...(deps.progressLimits ? { progressLimits: deps.progressLimits } : {}),
  });
  const documents = new CaseDocuments({ service, catalogue, clock });
  const subscriptions: Subscription[] = [
    await consumeIntake(bus, service, config.REGION_CODE),
    await consumeFees(bus, service, config.REGION_CODE),
  ];
  subscriptions.push(...(await consumeHandoffs(bus, service, config.REGION_CODE, config.HANDOFF_STREAMS)));
  const sweepTimer = setInterval(() => {
    service.sweepOverdueSteps().catch((error: unknown) => logger.warn({ err: error }, '超时默认 sweep failed'));
  }, config.OVERDUE_SWEEP_MS);
  sweepTimer.unref();

  const grpcServer = await startGrpcServer({
    port: config.GRPC_PORT,
    services: [caseGrpcService(service, documents)],
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
    'case ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpcServer.port,
    httpPort: sidePort.port,
    grpcServices: grpcServer.serviceNames,
    service,
    stop: () =>
      (stopping ??= (async () => {
        await grpcServer.shutdown();
        clearInterval(sweepTimer);
        for (const subscription of subscriptions) await subscription.stop();
        await relay.stop();
        if (ownsCatalogue && catalogue instanceof GrpcCaseCatalogue) catalogue.close();
        if (ownsBus) await busForReadiness.close();
        await database.close();
        await sidePort.close();
        logger.info('case stopped');
      })()),
  };
}

/** Real mode: one process, configured from the environment; SIGTERM / SIGINT drain and exit. */
async function main(): Promise<void> {
  const config = loadCaseConfig();
  const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const running = await startCase(config, { logger });
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
