import { join, resolve } from 'node:path';
import {
  createTokenSigner,
  ensureDevelopmentKeys,
  loadConfig,
  type DevelopmentKeys,
  type TokenSigner,
} from '@govhall/kit';
import { z } from 'zod';
import type { ServicePortDefaults } from './service-ports';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

const common = z.object({
  GOVHALL_DATA_DIR: z.string().default(join(REPO_ROOT, '.data')),
  GOVHALL_BUS: z.enum(['auto', 'nats', 'in-process']).default('auto'),
  GOVHALL_PG_PORT: port(55432),
  GOVHALL_NATS_PORT: port(54222),
  GOVHALL_REGION_CODE: z.string().default('370700'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});

/** The embedded start's own settings, and each service's ports (`CATALOGUE_GRPC_PORT`, ...); all have defaults. */
export type LauncherEnv = z.infer<typeof common> & {
  readonly ports: ReadonlyMap<string, { readonly grpc: number; readonly http: number }>;
};

const portVariables = (service: ServicePortDefaults): { grpc: string; http: string } => {
  const prefix = service.name.toUpperCase().replace(/-/g, '_');
  return { grpc: `${prefix}_GRPC_PORT`, http: `${prefix}_HTTP_PORT` };
};

/** Reads the environment once; every bad variable is reported together (`ConfigError`). */
export function loadLauncherEnv(
  services: readonly ServicePortDefaults[],
  source: NodeJS.ProcessEnv = process.env,
): LauncherEnv {
  const portShape: Record<string, z.ZodType<number>> = {};
  for (const service of services) {
    const names = portVariables(service);
    portShape[names.grpc] = port(service.defaultPorts.grpc);
    portShape[names.http] = port(service.defaultPorts.http);
  }
  const parsed = loadConfig(common.extend(portShape), source) as z.infer<typeof common> & Record<string, number>;
  const ports = new Map(
    services.map((service) => {
      const names = portVariables(service);
      return [service.name, { grpc: parsed[names.grpc]!, http: parsed[names.http]! }] as const;
    }),
  );
  return { ...common.parse(parsed), ports };
}

/** A service's ports from the environment (or its defaults). */
export function servicePorts(env: LauncherEnv, service: ServicePortDefaults): { grpc: number; http: number } {
  const ports = env.ports.get(service.name);
  if (!ports) throw new Error(`no ports for ${service.name}`);
  return ports;
}

/** The embedded start's key pair, in `<data>/keys` (made on the first start, kept with the data). */
export async function developmentKeys(
  env: Pick<LauncherEnv, 'GOVHALL_DATA_DIR'>,
): Promise<DevelopmentKeys & { readonly dir: string }> {
  const dir = join(env.GOVHALL_DATA_DIR, 'keys');
  return { ...(await ensureDevelopmentKeys(dir)), dir };
}

/**
 * The signer of the embedded start's tokens, over its key in `<data>/keys`: `pnpm -s staff-token` and the demo
 * loaders sign with the same key and issuer, so the services trust both.
 */
export function launcherSigner(keys: Pick<DevelopmentKeys, 'signingKey'>): TokenSigner {
  return createTokenSigner({ ...keys.signingKey, issuer: 'govhall-launcher' });
}
