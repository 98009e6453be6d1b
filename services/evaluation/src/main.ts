// Tracing first: the gRPC instrumentation must patch grpc-js before anything loads it.
import { shutdownTelemetry } from '@govhall/kit/telemetry';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GrpcCatalogue, type CatalogueReader } from '@govhall/catalogue-client';
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
import { consumeCases, consumeFees, consumeTiming } from './adapters/bus/consumers';
import { evaluationGrpcService } from './adapters/grpc/evaluation-handlers';
import { PgEvaluationStore } from './adapters/store/pg-evaluation-store';
import type { EvaluationTables } from './adapters/store/tables';
import { AssessmentService } from './app/assessment-service';
import { EvaluationService } from './app/evaluation-service';
import { loadEvaluationConfig, parseLinkKey, type EvaluationConfig } from './config';

export const SERVICE_NAME = 'evaluation';
export const SCHEMA_NAME = 'evaluation';
export const MIGRATIONS_FOLDER = join(__dirname, '..', 'migrations');

export interface EvaluationDependencies {
  /** A bus shared with other services in one process (embedded mode); otherwise one is connected. */
  bus?: EventBus;
  verifier?: TokenVerifier;
  catalogue?: CatalogueReader;
  logger?: Logger;
  clock?: Clock;
  ids?: IdGenerator;
}

export interface RunningEvaluation {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly grpcServices: readonly string[];
  readonly service: EvaluationService;
  readonly assessment: AssessmentService;
  stop(): Promise<void>;
}

/** Wires the evaluation service: the only place adapters meet use cases. */
export async function startEvaluation(
  config: EvaluationConfig,
  deps: EvaluationDependencies = {},
): Promise<RunningEvaluation> {
  const logger = deps.logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? uuidV7Ids;
  const metrics = createMetrics(SERVICE_NAME);
  const database = createDatabase<EvaluationTables>({
    url: config.DATABASE_URL,
    schema: SCHEMA_NAME,
    poolMax: config.DATABASE_POOL_MAX,
    logger,
  });
  const ownsBus = !deps.bus;
  let bus: EventBus | undefined = deps.bus;
  let verifier: TokenVerifier;
  let linkKey: Buffer;
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
    // Read here; they may start later.
    for (const source of ['case', 'timing', 'fee'] as const)
      await bus.ensureStream(streamFor(source, config.REGION_CODE));
    linkKey = parseLinkKey(await readFile(config.RATING_LINK_KEY_FILE, 'utf8'));
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

  const store = new PgEvaluationStore(database, { clock, ids, regionCode: config.REGION_CODE, sink: relay });
  const ownCatalogue = deps.catalogue ? undefined : new GrpcCatalogue({ address: config.CATALOGUE_ADDRESS });
  const catalogue = deps.catalogue ?? ownCatalogue!;
  const service = new EvaluationService({
    store,
    catalogue,
    clock,
    ids,
    logger,
    regionCode: config.REGION_CODE,
    linkKey,
  });
  const assessment = new AssessmentService({ store, catalogue, clock, ids });
  const subscriptions: Subscription[] = [
    await consumeCases(bus, service, config.REGION_CODE),
    await consumeTiming(bus, service, config.REGION_CODE),
    await consumeFees(bus, service, config.REGION_CODE),
  ];

  const grpcServer = await startGrpcServer({
    port: config.GRPC_PORT,
    services: [evaluationGrpcService(service, assessment)],
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
    'evaluation ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpcServer.port,
    httpPort: sidePort.port,
    grpcServices: grpcServer.serviceNames,
    service,
    assessment,
    stop: () =>
      (stopping ??= (async () => {
        await grpcServer.shutdown();
        for (const subscription of subscriptions) await subscription.stop();
        await relay.stop();
        ownCatalogue?.close();
        if (ownsBus) await busForReadiness.close();
        await database.close();
        await sidePort.close();
        logger.info('evaluation stopped');
      })()),
  };
}

/** Real mode: one process, configured from the environment; SIGTERM / SIGINT drain and exit. */
async function main(): Promise<void> {
  const config = loadEvaluationConfig();
  const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const running = await startEvaluation(config, { logger });
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
