// Tracing first: the gRPC instrumentation must patch grpc-js before anything loads it.
import { shutdownTelemetry } from '@govhall/kit/telemetry';
import { join } from 'node:path';
import { InProcessBus, createLogger, createTokenVerifier, loadTrustedKeys } from '@govhall/kit';
import { DemoClock } from './demo-clock';
import { startEmbeddedNats, natsServerOnPath, type EmbeddedNats } from './embedded-nats';
import { startEmbeddedPostgres } from './embedded-postgres';
import { developmentKeys, launcherSigner, loadLauncherEnv, servicePorts, type LauncherEnv } from './env';
import { PLATFORM_SERVICES, type DemoLines, type StartedService } from './platform';

interface BannerService {
  readonly name: string;
  readonly started: StartedService;
  readonly demo: DemoLines;
  readonly tryLines: readonly string[];
}

async function main(): Promise<void> {
  const env = loadLauncherEnv(PLATFORM_SERVICES);
  const logger = createLogger({ service: 'launcher', level: env.LOG_LEVEL });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
  };

  try {
    const keys = await developmentKeys(env);
    const verifier = createTokenVerifier({ trustedKeys: await loadTrustedKeys(keys.trustedKeysPath) });
    // The same key and issuer as `pnpm -s staff-token`: the demo loaders act as demo staff with it.
    const signer = launcherSigner(keys);
    const clock = new DemoClock();
    const postgres = await startEmbeddedPostgres(join(env.GOVHALL_DATA_DIR, 'pglite'), env.GOVHALL_PG_PORT);
    stops.push(() => postgres.stop());

    const useNats = env.GOVHALL_BUS === 'nats' || (env.GOVHALL_BUS === 'auto' && natsServerOnPath());
    let nats: EmbeddedNats | undefined;
    let sharedBus: InProcessBus | undefined;
    if (useNats) {
      nats = await startEmbeddedNats(join(env.GOVHALL_DATA_DIR, 'nats'), env.GOVHALL_NATS_PORT);
      stops.push(() => nats!.stop());
    } else {
      const bus = new InProcessBus();
      sharedBus = bus;
      stops.push(() => bus.close());
    }

    // The token command reads the same settings as this start: print those that were given.
    const given = ['GOVHALL_DATA_DIR', ...PLATFORM_SERVICES.map((s) => `${s.name.toUpperCase()}_GRPC_PORT`)]
      .filter((name) => process.env[name])
      .map((name) => `${name}=${process.env[name]}`);
    const staffToken = [...given, 'pnpm -s staff-token'].join(' ');
    const banner: BannerService[] = [];
    const peers = new Map<string, string>();
    const deferred: { order: number; load: () => Promise<void> }[] = [];
    for (const service of PLATFORM_SERVICES) {
      const ports = servicePorts(env, service);
      const started = await service.start({
        regionCode: env.GOVHALL_REGION_CODE,
        databaseUrl: postgres.url,
        // The in-process bus ignores the URL; the config schema still wants one.
        natsUrl: nats?.url ?? 'nats://127.0.0.1:4222',
        ...(sharedBus ? { bus: sharedBus } : {}),
        verifier,
        trustedKeysFile: keys.trustedKeysPath,
        logLevel: env.LOG_LEVEL,
        grpcPort: ports.grpc,
        httpPort: ports.http,
        keysDir: keys.dir,
        dataDir: env.GOVHALL_DATA_DIR,
        peers,
        signer,
        clock,
      });
      stops.push(() => started.stop());
      peers.set(service.name, `127.0.0.1:${started.grpcPort}`);
      const demo = async (): Promise<void> => {
        const lines = await started.loadDemo();
        banner.push({
          name: service.name,
          started,
          demo: lines,
          tryLines: await started.tryLines(`127.0.0.1:${ports.grpc}`, staffToken),
        });
      };
      if (service.demoLast) deferred.push({ order: service.demoOrder ?? 0, load: demo });
      else await demo();
    }
    // Stable: services of one order keep the list's.
    for (const demo of deferred.sort((a, b) => a.order - b.order)) await demo.load();
    printBanner(env, {
      postgresUrl: postgres.url,
      busLine: useNats
        ? `nats-server (JetStream) at ${nats!.url}`
        : `in-process bus (${env.GOVHALL_BUS === 'in-process' ? 'GOVHALL_BUS=in-process' : 'no nats-server on the PATH'})`,
      keysDir: keys.dir,
      services: banner,
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
  env: LauncherEnv,
  info: { postgresUrl: string; busLine: string; keysDir: string; services: readonly BannerService[] },
): void {
  const pad = (text: string): string => text.padEnd(12);
  const lines = [
    '',
    'govhall is ready — 政务服务平台 (embedded mode)',
    `  ${pad('data')}${env.GOVHALL_DATA_DIR} (kept between starts; delete it for a fresh demo)`,
    `  ${pad('postgres')}${info.postgresUrl} (embedded PGlite)`,
    `  ${pad('bus')}${info.busLine}`,
    `  ${pad('keys')}${info.keysDir} (tokens: pnpm -s staff-token <employee number>)`,
  ];
  for (const { name, demo } of info.services) {
    demo.forEach((line, i) => lines.push(`  ${pad(i === 0 ? `demo` : '')}${line}`));
    if (demo.length === 0) lines.push(`  ${pad('demo')}${name}: none`);
  }
  lines.push('');
  for (const { name, started } of info.services) {
    const grpc = `127.0.0.1:${started.grpcPort}`;
    const http = `http://127.0.0.1:${started.httpPort}`;
    lines.push(`  ${pad(name)}gRPC   ${grpc}   (reflection on: grpcurl -plaintext ${grpc} list)`);
    lines.push(`  ${pad('')}health ${http}/readyz   metrics ${http}/metrics`);
  }
  lines.push('');
  const tries = info.services.flatMap((s) => s.tryLines);
  tries.forEach((line, i) => lines.push(`  ${i === 0 ? 'try:  ' : '      '}${line}`));
  lines.push('', 'Ctrl-C stops everything.');
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  // Config errors list every bad variable; a start failure names its cause (port in use, ...).
  if (!(error instanceof Error)) throw error;
  const cause = error.cause instanceof Error ? `\n  cause: ${error.cause.message}` : '';
  console.error(`${error.message}${cause}`);
  process.exit(1);
});
