// Tracing first: the gRPC instrumentation must patch grpc-js before anything loads it.
import { shutdownTelemetry } from '@govhall/kit/telemetry';
import { readFile } from 'node:fs/promises';
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
  type EventBus,
  type GrpcServiceRegistration,
  type IdGenerator,
  type Logger,
  type TokenVerifier,
} from '@govhall/kit';
import { GrpcCatalogue, type CatalogueReader } from '@govhall/catalogue-client';
import { intakeCommands } from './adapters/store/commands';
import type { IntakeTables } from './adapters/store/tables';
import { loadIntakeConfig, type IntakeConfig } from './config';
import { consumeCertificates } from './adapters/bus/certificate-consumer';
import { intakeGrpcService } from './adapters/grpc/intake-handlers';
import { PgRegistrationStore } from './adapters/store/pg-registration-store';
import { IntakeDocuments } from './app/intake-documents';
import { IntakeService } from './app/intake-service';
import { PersonalDataCipher } from './domain/personal-data';
import { appointmentGrpcService } from './adapters/grpc/appointment-handlers';
import { queueGrpcService } from './adapters/grpc/queue-handlers';
import { PgQueueStore } from './adapters/store/pg-queue-store';
import { AppointmentService } from './app/appointment-service';
import { QueueService, queueMetrics } from './app/queue-service';

export const SERVICE_NAME = 'intake';
export const MIGRATIONS_FOLDER = join(__dirname, '..', 'migrations');

export interface IntakeDependencies {
  /** A bus shared with other services in one process (embedded mode); otherwise one is connected. */
  bus?: EventBus;
  /** Verifies callers' tokens; otherwise one over `AUTH_TRUSTED_KEYS_FILE`. */
  verifier?: TokenVerifier;
  /** The catalogue; otherwise a gRPC client of `CATALOGUE_ADDRESS`. */
  catalogue?: CatalogueReader;
  logger?: Logger;
  clock?: Clock;
  ids?: IdGenerator;
}

export interface RunningIntake {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Full names of the gRPC services it serves. */
  readonly grpcServices: readonly string[];
  /** The queue and appointment use cases (the demo loader runs through them). */
  readonly queue: QueueService;
  readonly appointments: AppointmentService;
  /** The registration use cases (demo loader, overdue sweep in tests). */
  readonly intake: IntakeService;
  /** Stops taking calls, lets in-flight calls finish, stops consumers and the relay, closes what it opened. */
  stop(): Promise<void>;
}

/** Wires the intake service: the only place adapters meet use cases. */
export async function startIntake(config: IntakeConfig, deps: IntakeDependencies = {}): Promise<RunningIntake> {
  const logger = deps.logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const metrics = createMetrics(SERVICE_NAME);
  const database = createDatabase<IntakeTables>({
    url: config.DATABASE_URL,
    schema: SERVICE_NAME,
    poolMax: config.DATABASE_POOL_MAX,
    logger,
  });
  const ownsBus = !deps.bus;
  let bus: EventBus | undefined = deps.bus;
  let verifier: TokenVerifier;
  let personalDataKey: string;
  try {
    verifier =
      deps.verifier ?? createTokenVerifier({ trustedKeys: await loadTrustedKeys(config.AUTH_TRUSTED_KEYS_FILE) });
    personalDataKey = (await readFile(config.PERSONAL_DATA_KEY_FILE, 'utf8')).trim();
    await migrate({ pool: database.pool, schema: SERVICE_NAME, folder: MIGRATIONS_FOLDER, logger });
    bus ??= await JetStreamBus.connect({
      servers: config.NATS_URL,
      name: SERVICE_NAME,
      observer: busObserverFor(metrics),
      connection: natsConnectionOptions(config),
    });
    await bus.ensureStream(streamFor(SERVICE_NAME, config.REGION_CODE));
    await bus.ensureStream(deadLetterStreamFor(config.REGION_CODE));
    // The case service publishes certificates here; intake may start first.
    await bus.ensureStream(streamFor('case', config.REGION_CODE));
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
  const catalogue = deps.catalogue ?? new GrpcCatalogue({ address: config.CATALOGUE_ADDRESS });
  const commands = intakeCommands(database, { clock, ids, regionCode: config.REGION_CODE, sink: relay });
  const cipher = PersonalDataCipher.fromKeyMaterial(personalDataKey);
  const services: GrpcServiceRegistration[] = [];
  const stopBackground: Array<() => Promise<void>> = [];
  const registrationStore = new PgRegistrationStore(commands);
  const intake = new IntakeService({
    store: registrationStore,
    catalogue,
    cipher,
    clock,
    ids,
    regionCode: config.REGION_CODE,
    caseNumberFormat: config.CASE_NUMBER_FORMAT,
    logger,
  });
  const intakeDocuments = new IntakeDocuments({ store: registrationStore, catalogue, service: intake, clock });
  services.push(intakeGrpcService(intake, intakeDocuments));
  const queueStore = new PgQueueStore(commands);
  const queue = new QueueService(queueStore, catalogue, cipher, clock, ids, queueMetrics(metrics.registry));
  const appointments = new AppointmentService(queueStore, catalogue, queue, cipher, clock, ids);
  services.push(queueGrpcService(queue), appointmentGrpcService(appointments));
  const certificates = await consumeCertificates(bus, database.db, config.REGION_CODE);
  stopBackground.push(() => certificates.stop());
  const overdueTimer = setInterval(() => {
    intake.sweepOverdueSupplements().catch((error: unknown) => logger.warn({ err: error }, 'overdue sweep failed'));
  }, config.OVERDUE_SWEEP_MS);
  overdueTimer.unref();
  stopBackground.push(() => Promise.resolve(clearInterval(overdueTimer)));

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
    'intake ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpcServer.port,
    httpPort: sidePort.port,
    grpcServices: grpcServer.serviceNames,
    queue,
    appointments,
    intake,
    stop: () =>
      (stopping ??= (async () => {
        await grpcServer.shutdown();
        for (const stop of stopBackground) await stop();
        await relay.stop();
        if (ownsCatalogue && catalogue instanceof GrpcCatalogue) catalogue.close();
        if (ownsBus) await busForReadiness.close();
        await database.close();
        await sidePort.close();
        logger.info('intake stopped');
      })()),
  };
}

/** Real mode: one process, configured from the environment; SIGTERM / SIGINT drain and exit. */
async function main(): Promise<void> {
  const config = loadIntakeConfig();
  const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const running = await startIntake(config, { logger });
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
