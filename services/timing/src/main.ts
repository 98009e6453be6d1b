// Tracing first: the gRPC instrumentation must patch grpc-js before anything loads it.
import { shutdownTelemetry } from '@govhall/kit/telemetry';
import { join } from 'node:path';
import { GrpcCatalogue } from '@govhall/catalogue-client';
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
import { consumeFeeBreaches, consumeTimingInputs } from './adapters/bus/consumers';
import { CatalogueCalendars } from './adapters/catalogue/calendars';
import { timingGrpcService } from './adapters/grpc/timing-handlers';
import { indicatorGauges } from './adapters/indicator-metrics';
import { timingMetrics } from './adapters/metrics';
import { PgTimingStore } from './adapters/store/pg-timing-store';
import type { TimingTables } from './adapters/store/tables';
import { FiringLoop } from './app/firing-loop';
import { CalendarHorizon } from './app/horizon';
import { TimingIndicators } from './app/indicators';
import type { TimingCalendars } from './app/ports';
import { TimingQueries } from './app/timing-queries';
import { TimingService } from './app/timing-service';
import { loadTimingConfig, type TimingConfig } from './config';

export const SERVICE_NAME = 'timing';
export const SCHEMA_NAME = 'timing';
export const MIGRATIONS_FOLDER = join(__dirname, '..', 'migrations');

export interface TimingDependencies {
  /** A bus shared with other services in one process (embedded mode); otherwise one is connected. */
  bus?: EventBus;
  verifier?: TokenVerifier;
  /** Hall calendars; otherwise read from the catalogue at `CATALOGUE_ADDRESS`. */
  calendars?: TimingCalendars;
  logger?: Logger;
  clock?: Clock;
  ids?: IdGenerator;
}

export interface RunningTiming {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly grpcServices: readonly string[];
  /** The use cases (tests fire by hand under a fake clock). */
  readonly service: TimingService;
  readonly horizon: CalendarHorizon;
  stop(): Promise<void>;
}

/** Wires the timing service: the only place adapters meet use cases. */
export async function startTiming(config: TimingConfig, deps: TimingDependencies = {}): Promise<RunningTiming> {
  const logger = deps.logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const metrics = createMetrics(SERVICE_NAME);
  const own = timingMetrics(metrics);
  const database = createDatabase<TimingTables>({
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
    // The streams read here; their services may start later.
    for (const source of ['intake', 'case', 'catalogue', 'fee'] as const)
      await bus.ensureStream(streamFor(source, config.REGION_CODE));
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
  const catalogue = deps.calendars ? undefined : new GrpcCatalogue({ address: config.CATALOGUE_ADDRESS });
  const calendars = deps.calendars ?? new CatalogueCalendars(catalogue!, clock);
  const store = new PgTimingStore(database, { clock, ids, regionCode: config.REGION_CODE, sink: relay });
  const service = new TimingService({ store, calendars, clock, ids, logger });
  const queries = new TimingQueries({ store, calendars, clock, service });
  const indicators = new TimingIndicators({ store, clock });
  // The current month's indicators of the halls with recent work, for the supervision dashboard.
  const gauges = indicatorGauges(metrics, indicators, () =>
    store.indicatorHalls(new Date(clock.now().getTime() - 62 * 86_400_000)),
  );
  const refreshGauges = (): void => {
    gauges.refresh().catch((error: unknown) => logger.warn({ err: error }, 'indicator gauges refresh failed'));
  };
  const gaugeTimer = setInterval(refreshGauges, config.INDICATOR_REFRESH_MS);
  gaugeTimer.unref();
  const horizon = new CalendarHorizon({ store, calendars, clock, logger, onReport: (r) => own.horizon(r) });
  const loop = new FiringLoop({
    service,
    store,
    clock,
    logger,
    pollMs: config.TIMER_POLL_MS,
    batchSize: config.TIMER_BATCH_SIZE,
    onFired: (batch, now) => own.fired(batch, now),
  });
  const inputs = await consumeTimingInputs(bus, service, config.REGION_CODE, async (year) => {
    const unparked = await service.calendarChanged(year);
    if (unparked > 0) {
      logger.info({ year, unparked }, 'calendar data changed: parked clocks recomputed');
      loop.wake();
    }
  });
  // 收费监察: the fee service's findings, apart from the clocks' inputs (the firing loop does not wait for them).
  const feeBreaches = await consumeFeeBreaches(bus, service, config.REGION_CODE);
  const subscriptions: readonly Subscription[] = [...inputs.subscriptions, feeBreaches];
  // After downtime the consumers start with a backlog: a step due meanwhile must not fire before the events that
  // stop its clock are read (a card for a case completed on time). The loop starts once they have been quiet a
  // moment, or after TIMER_CATCH_UP_MAX_MS at the latest.
  let gate: NodeJS.Timeout | undefined;
  if (config.TIMER_LOOP === 'on') {
    const opened = Date.now();
    const openWhenQuiet = (): void => {
      const quiet = Date.now() - inputs.lastHandledAt() >= config.TIMER_CATCH_UP_QUIET_MS;
      if (quiet || Date.now() - opened >= config.TIMER_CATCH_UP_MAX_MS) {
        logger.info({ waitedMs: Date.now() - opened }, 'event backlog read: firing due timers');
        loop.start();
      } else {
        gate = setTimeout(openWhenQuiet, 100);
        gate.unref();
      }
    };
    gate = setTimeout(openWhenQuiet, config.TIMER_CATCH_UP_QUIET_MS);
    gate.unref();
  }
  const checkHorizon = (): void => {
    horizon.check().catch((error: unknown) => logger.warn({ err: error }, 'calendar horizon check failed'));
  };
  const horizonTimer = setInterval(checkHorizon, config.HORIZON_CHECK_MS);
  horizonTimer.unref();
  setTimeout(checkHorizon, 5_000).unref();
  setTimeout(refreshGauges, 5_000).unref();

  const grpcServer = await startGrpcServer({
    port: config.GRPC_PORT,
    services: [timingGrpcService({ service, queries, indicators, horizon })],
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
    'timing ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpcServer.port,
    httpPort: sidePort.port,
    grpcServices: grpcServer.serviceNames,
    service,
    horizon,
    stop: () =>
      (stopping ??= (async () => {
        await grpcServer.shutdown();
        clearInterval(horizonTimer);
        if (gate) clearTimeout(gate);
        clearInterval(gaugeTimer);
        await loop.stop();
        for (const subscription of subscriptions) await subscription.stop();
        await relay.stop();
        catalogue?.close();
        if (ownsBus) await busForReadiness.close();
        await database.close();
        await sidePort.close();
        logger.info('timing stopped');
      })()),
  };
}

/** Real mode: one process, configured from the environment; SIGTERM / SIGINT drain and exit. */
async function main(): Promise<void> {
  const config = loadTimingConfig();
  const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const running = await startTiming(config, { logger });
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
