// Tracing first: the gRPC instrumentation must patch grpc-js before anything loads it.
import { shutdownTelemetry } from '@govhall/kit/telemetry';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GrpcCatalogue } from '@govhall/catalogue-client';
import { contractDescriptors } from '@govhall/contracts';
import {
  JetStreamBus,
  OutboxRelay,
  ValidationError,
  busObserverFor,
  createDatabase,
  createLogger,
  createMetrics,
  createTokenSigner,
  createTokenVerifier,
  deadLetterStreamFor,
  loadSigningKey,
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
  type TokenSigner,
  type TokenVerifier,
} from '@govhall/kit';
import { consumeNotifyInputs } from './adapters/bus/consumers';
import { CatalogueDirectory, GrpcContacts } from './adapters/contacts/grpc-contacts';
import { notifyGrpcService } from './adapters/grpc/notify-handlers';
import { notifyMetrics } from './adapters/metrics';
import { FileSmsProvider } from './adapters/sms/file';
import { PgNotifyStore } from './adapters/store/pg-notify-store';
import type { NotifyTables } from './adapters/store/tables';
import { DispatchLoop } from './app/dispatch-loop';
import { Dispatcher } from './app/dispatcher';
import { NotifyService } from './app/notify-service';
import { Planner } from './app/planner';
import type { Contacts, Directory } from './app/ports';
import { HallSettingsBook } from './app/settings';
import type { SmsProvider } from './app/sms-provider';
import { loadNotifyConfig, type NotifyConfig } from './config';
import { backoffMs } from './domain/policy';
import { DEFAULT_TEMPLATES } from './domain/default-templates';

export const SERVICE_NAME = 'notify';
export const SCHEMA_NAME = 'notify';
export const MIGRATIONS_FOLDER = join(__dirname, '..', 'migrations');

export interface NotifyDependencies {
  /** A bus shared with other services in one process (embedded mode); otherwise one is connected. */
  bus?: EventBus;
  verifier?: TokenVerifier;
  /** Signs this service's token for intake and the catalogue; otherwise from AUTH_SIGNING_KEY_FILE. */
  signer?: TokenSigner;
  /** Providers in failover order (tests); otherwise from SMS_PROVIDERS. */
  providers?: readonly SmsProvider[];
  contacts?: Contacts;
  directory?: Directory;
  logger?: Logger;
  clock?: Clock;
  ids?: IdGenerator;
}

export interface RunningNotify {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly grpcServices: readonly string[];
  readonly service: NotifyService;
  readonly dispatcher: Dispatcher;
  /** Where the file provider writes, when it is configured. */
  readonly outboxFile: string | undefined;
  stop(): Promise<void>;
}

/** A Secret file of two lines: an id and its secret (Aliyun AccessKey, Tencent SecretId / SecretKey). */
async function keyPair(path: string, variable: string): Promise<[string, string]> {
  const lines = (await readFile(path, 'utf8'))
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length !== 2) throw new Error(`${variable}: ${path} must hold two lines, the id and the secret`);
  return [lines[0]!, lines[1]!];
}

async function providersFrom(config: NotifyConfig, clock: Clock): Promise<SmsProvider[]> {
  const providers: SmsProvider[] = [];
  // Each SDK is loaded only when its provider is configured: Aliyun's alone is ~30 MB, and the embedded start
  // (the file provider) needs neither.
  for (const name of config.SMS_PROVIDERS) {
    if (name === 'file') providers.push(new FileSmsProvider({ path: config.SMS_FILE_PATH!, clock }));
    if (name === 'aliyun') {
      const [accessKeyId, accessKeySecret] = await keyPair(
        config.ALIYUN_SMS_ACCESS_KEY_FILE!,
        'ALIYUN_SMS_ACCESS_KEY_FILE',
      );
      const { AliyunSmsProvider } = await import('./adapters/sms/aliyun.js');
      providers.push(
        new AliyunSmsProvider({
          accessKeyId,
          accessKeySecret,
          timeoutMs: config.SMS_PROVIDER_TIMEOUT_MS,
          clock,
          ...(config.ALIYUN_SMS_ENDPOINT ? { endpoint: config.ALIYUN_SMS_ENDPOINT } : {}),
        }),
      );
    }
    if (name === 'tencent') {
      const [secretId, secretKey] = await keyPair(config.TENCENT_SMS_SECRET_FILE!, 'TENCENT_SMS_SECRET_FILE');
      const { TencentSmsProvider } = await import('./adapters/sms/tencent.js');
      providers.push(
        new TencentSmsProvider({
          secretId,
          secretKey,
          smsSdkAppId: config.TENCENT_SMS_SDK_APP_ID!,
          timeoutMs: config.SMS_PROVIDER_TIMEOUT_MS,
          clock,
          ...(config.TENCENT_SMS_ENDPOINT ? { endpoint: config.TENCENT_SMS_ENDPOINT } : {}),
        }),
      );
    }
  }
  return providers;
}

/** Wires the notify service: the only place adapters meet use cases. */
export async function startNotify(config: NotifyConfig, deps: NotifyDependencies = {}): Promise<RunningNotify> {
  const logger = deps.logger ?? createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? uuidV7Ids;
  const metrics = createMetrics(SERVICE_NAME);
  const own = notifyMetrics(metrics);
  const database = createDatabase<NotifyTables>({
    url: config.DATABASE_URL,
    schema: SCHEMA_NAME,
    poolMax: config.DATABASE_POOL_MAX,
    logger,
  });
  const ownsBus = !deps.bus;
  let bus: EventBus | undefined = deps.bus;
  let verifier: TokenVerifier;
  let signer: TokenSigner;
  let providers: readonly SmsProvider[];
  try {
    if (!deps.signer && !config.AUTH_SIGNING_KEY_FILE)
      throw new Error(
        'AUTH_SIGNING_KEY_FILE is required: notify reads phones from intake and the catalogue as the notify service',
      );
    signer =
      deps.signer ??
      createTokenSigner({
        ...(await loadSigningKey(config.AUTH_SIGNING_KEY_FILE!, {
          ...(config.AUTH_SIGNING_KEY_ID ? { keyId: config.AUTH_SIGNING_KEY_ID } : {}),
        })),
        issuer: SERVICE_NAME,
        clock,
      });
    providers = deps.providers ?? (await providersFrom(config, clock));
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
    for (const source of ['intake', 'case', 'timing', 'evaluation'] as const)
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

  const store = new PgNotifyStore(database, { clock, ids, regionCode: config.REGION_CODE, sink: relay });
  const seeded = await store.seedTemplates(DEFAULT_TEMPLATES);
  if (seeded > 0) logger.info({ seeded }, 'built-in SMS templates saved as version 1');
  const unapproved = (await store.templates()).flatMap((t) =>
    providers
      .filter((p) => p.name !== 'file' && !t.providers.some((a) => a.provider === p.name))
      .map((p) => `${t.code}@${p.name}`),
  );
  if (unapproved.length > 0)
    logger.warn(
      { templates: unapproved },
      'templates without an approved id at a configured provider: save a version with it (SaveTemplate)',
    );

  const catalogue = deps.directory ? undefined : new GrpcCatalogue({ address: config.CATALOGUE_ADDRESS });
  const directory = deps.directory ?? new CatalogueDirectory(catalogue!, config.CATALOGUE_ADDRESS);
  const contacts =
    deps.contacts ??
    new GrpcContacts({ intakeAddress: config.INTAKE_ADDRESS, catalogueAddress: config.CATALOGUE_ADDRESS, signer });
  const settings = new HallSettingsBook(store);
  const perNumber = (perHour: number, perDay: number) => ({
    minIntervalMs: config.SMS_NUMBER_MIN_INTERVAL_MS,
    perHour,
    perDay,
  });
  const dispatcher = new Dispatcher({
    store,
    contacts,
    settings,
    providers,
    clock,
    logger,
    limits: {
      applicant: perNumber(config.SMS_APPLICANT_PER_HOUR, config.SMS_APPLICANT_PER_DAY),
      staff: perNumber(config.SMS_STAFF_PER_HOUR, config.SMS_STAFF_PER_DAY),
    },
    retry: {
      maxAttempts: config.SMS_MAX_ATTEMPTS,
      backoffMs: (attempt) => backoffMs(attempt, config.SMS_BACKOFF_BASE_MS, config.SMS_BACKOFF_MAX_MS),
    },
    leaseMs: config.SMS_LEASE_MS,
    batchSize: config.DISPATCH_BATCH_SIZE,
    defaultSignName: config.SMS_DEFAULT_SIGN_NAME,
    onAttempt: (provider, template, outcome, seconds) => own.attempt(provider, template, outcome, seconds),
  });
  const service = new NotifyService({
    store,
    settings,
    directory,
    clock,
    logger,
    defaultSignName: config.SMS_DEFAULT_SIGN_NAME,
    onPlanned: () => loop.wake(),
  });
  const planner = new Planner({
    store,
    directory,
    settings,
    clock,
    logger,
    maxEventAgeMs: config.SMS_MAX_EVENT_AGE_HOURS * 3_600_000,
  });
  let lastSummaryCheck = 0;
  const loop: DispatchLoop = new DispatchLoop({
    dispatcher,
    store,
    clock,
    logger,
    pollMs: config.DISPATCH_POLL_MS,
    afterPass: async () => {
      own.depth(await store.depth(clock.now()));
      // The daily summaries are looked at once a minute.
      if (clock.now().getTime() - lastSummaryCheck >= 60_000) {
        lastSummaryCheck = clock.now().getTime();
        await service.planDailySummaries();
      }
    },
  });
  const subscriptions: Subscription[] = await consumeNotifyInputs(bus, planner, config.REGION_CODE, () => loop?.wake());
  if (config.DISPATCH_LOOP === 'on') loop.start();

  const grpcServer = await startGrpcServer({
    port: config.GRPC_PORT,
    services: [notifyGrpcService(service)],
    descriptors: contractDescriptors(),
    verifier,
    logger,
    metrics,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  });
  const busForReadiness = bus;
  // Receipt pushes (回执): Aliyun's HTTP batch push and Tencent's callback, routed here by the ingress.
  const receiptRoute = (provider: SmsProvider) => async (body: unknown) => {
    try {
      const matched = await service.receipts(provider.parseReceipts(body));
      // Both providers take any 2xx as "received" and re-push otherwise.
      return {
        status: 200,
        body: provider.name === 'tencent' ? { result: 0, errmsg: 'OK' } : { code: 0, msg: '成功', matched },
      };
    } catch (error) {
      if (error instanceof ValidationError) return { status: 400, body: { error: error.message } };
      throw error;
    }
  };
  const postRoutes = Object.fromEntries(
    providers.filter((p) => p.name !== 'file').map((p) => [`/sms/receipts/${p.name}`, receiptRoute(p)]),
  );
  const sidePort = await startSidePort({
    port: config.HTTP_PORT,
    registry: metrics.registry,
    readiness: { database: () => database.ping(), bus: () => busForReadiness.isHealthy() },
    logger,
    postRoutes,
  });
  logger.info(
    {
      grpcPort: grpcServer.port,
      httpPort: sidePort.port,
      region: config.REGION_CODE,
      bus: bus.kind,
      providers: providers.map((p) => p.name),
    },
    'notify ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpcServer.port,
    httpPort: sidePort.port,
    grpcServices: grpcServer.serviceNames,
    service,
    dispatcher,
    outboxFile: config.SMS_PROVIDERS.includes('file') ? config.SMS_FILE_PATH : undefined,
    stop: () =>
      (stopping ??= (async () => {
        await grpcServer.shutdown();
        await loop.stop();
        for (const subscription of subscriptions) await subscription.stop();
        await relay.stop();
        catalogue?.close();
        if (contacts instanceof GrpcContacts) contacts.close();
        if (directory instanceof CatalogueDirectory) directory.close();
        if (ownsBus) await busForReadiness.close();
        await database.close();
        await sidePort.close();
        logger.info('notify stopped');
      })()),
  };
}

/** Real mode: one process, configured from the environment; SIGTERM / SIGINT drain and exit. */
async function main(): Promise<void> {
  const config = loadNotifyConfig();
  const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
  const running = await startNotify(config, { logger });
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
