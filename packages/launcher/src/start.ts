// Tracing first: the gRPC instrumentation must patch grpc-js before anything loads it.
import { shutdownTelemetry } from '@govhall/kit/telemetry';
import { join, resolve } from 'node:path';
import {
  loadCatalogueConfig,
  loadDemoItems,
  loadDemoOrganisation,
  startCatalogue,
  type RunningCatalogue,
} from '@govhall/catalogue';
import { InProcessBus, createLogger, loadConfig, type EventBus } from '@govhall/kit';
import { z } from 'zod';
import { startEmbeddedNats, natsServerOnPath, type EmbeddedNats } from './embedded-nats';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

/** The embedded start's own settings; every one has a default so `pnpm start` needs none. */
const launcherEnv = z.object({
  GOVHALL_DATA_DIR: z.string().default(join(REPO_ROOT, '.data')),
  GOVHALL_BUS: z.enum(['auto', 'nats', 'in-process']).default('auto'),
  GOVHALL_PG_PORT: port(55432),
  GOVHALL_NATS_PORT: port(54222),
  GOVHALL_REGION_CODE: z.string().default('370700'),
  CATALOGUE_GRPC_PORT: port(50051),
  CATALOGUE_HTTP_PORT: port(9401),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});

async function main(): Promise<void> {
  const env = loadConfig(launcherEnv);
  const logger = createLogger({ service: 'launcher', level: env.LOG_LEVEL });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
  };

  try {
    const postgres: EmbeddedPostgres = await startEmbeddedPostgres(
      join(env.GOVHALL_DATA_DIR, 'pglite'),
      env.GOVHALL_PG_PORT,
    );
    stops.push(() => postgres.stop());

    const useNats = env.GOVHALL_BUS === 'nats' || (env.GOVHALL_BUS === 'auto' && natsServerOnPath());
    let nats: EmbeddedNats | undefined;
    let sharedBus: EventBus | undefined;
    if (useNats) {
      nats = await startEmbeddedNats(join(env.GOVHALL_DATA_DIR, 'nats'), env.GOVHALL_NATS_PORT);
      stops.push(() => nats!.stop());
    } else {
      const bus = new InProcessBus();
      sharedBus = bus;
      stops.push(() => bus.close());
    }

    const catalogue: RunningCatalogue = await startCatalogue(
      loadCatalogueConfig({
        REGION_CODE: env.GOVHALL_REGION_CODE,
        DATABASE_URL: postgres.url,
        // The in-process bus ignores the URL; the schema still wants one.
        NATS_URL: nats?.url ?? 'nats://127.0.0.1:4222',
        GRPC_PORT: String(env.CATALOGUE_GRPC_PORT),
        HTTP_PORT: String(env.CATALOGUE_HTTP_PORT),
        LOG_LEVEL: env.LOG_LEVEL,
        DATABASE_POOL_MAX: '4',
      }),
      {
        ...(sharedBus ? { bus: sharedBus } : {}),
        logger: createLogger({ service: 'catalogue', level: env.LOG_LEVEL }),
      },
    );
    stops.push(() => catalogue.stop());

    const demo = await loadDemoOrganisation(catalogue.organisation);
    const demoItems = await loadDemoItems(catalogue.items, catalogue.organisation);
    printBanner(env, {
      postgresUrl: postgres.url,
      busLine: useNats
        ? `nats-server (JetStream) at ${nats!.url}`
        : `in-process bus (${env.GOVHALL_BUS === 'in-process' ? 'GOVHALL_BUS=in-process' : 'no nats-server on the PATH'})`,
      demo,
      demoItems,
    });
  } catch (error) {
    await stopAll();
    throw error;
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping govhall ...`);
    stopAll()
      .then(() => shutdownTelemetry())
      .then(
        () => {
          console.log('govhall stopped');
          process.exit(0);
        },
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  // `on`, not `once`: a terminal's Ctrl-C reaches this process twice (directly and relayed by tsx), and the
  // second must not kill it mid-shutdown.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function printBanner(
  env: z.infer<typeof launcherEnv>,
  info: {
    postgresUrl: string;
    busLine: string;
    demo: { halls: number; departments: number; windows: number; staff: number };
    demoItems: { items: number; departments: number; delegated: number; bundles: number };
  },
): void {
  const grpc = `127.0.0.1:${env.CATALOGUE_GRPC_PORT}`;
  const http = `http://127.0.0.1:${env.CATALOGUE_HTTP_PORT}`;
  console.log(
    [
      '',
      'govhall is ready — 政务服务平台 (embedded mode)',
      `  data        ${env.GOVHALL_DATA_DIR} (kept between starts; delete it for a fresh demo)`,
      `  postgres    ${info.postgresUrl} (embedded PGlite)`,
      `  bus         ${info.busLine}`,
      `  demo        Weifang 370700: ${info.demo.halls} halls, ${info.demo.departments} departments, ${info.demo.windows} windows, ${info.demo.staff} staff`,
      `              ${info.demoItems.items} published items (事项) of ${info.demoItems.departments} departments, ${info.demoItems.delegated} delegated to the township, ${info.demoItems.bundles} bundle(s)`,
      '',
      '  catalogue   gRPC   ' + grpc + '   (reflection on: grpcurl -plaintext ' + grpc + ' list)',
      `              health ${http}/readyz   metrics ${http}/metrics`,
      '',
      `  try:  grpcurl -plaintext -d '{"tier":"HALL_TIER_CITY"}' ${grpc} govhall.catalogue.v1.OrganisationService/ListHalls`,
      `        grpcurl -plaintext -d '{"query":"营业执照"}' ${grpc} govhall.catalogue.v1.ItemService/SearchGuide`,
      '',
      'Ctrl-C stops everything.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  // Config errors list every bad variable; a start failure names its cause (port in use, ...).
  if (!(error instanceof Error)) throw error;
  const cause = error.cause instanceof Error ? `\n  cause: ${error.cause.message}` : '';
  console.error(`${error.message}${cause}`);
  process.exit(1);
});
