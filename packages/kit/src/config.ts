import { z } from 'zod';
import { REGION_CODE_PATTERN } from './events';

/** Every bad environment variable at once, so an operator fixes them in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once against a zod object schema whose keys are the variable names.
 * Throws `ConfigError` listing every missing or malformed variable.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
  );
}

const port = z.coerce.number().int().min(0).max(65_535);
const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

/**
 * Variables every service reads. A service extends this with its own (`baseServiceEnv.extend({...})`).
 * In embedded mode the launcher may hand a service an in-process bus instead; `NATS_URL` is then unused.
 * Port 0 picks a free port (tests).
 */
export const baseServiceEnv = z.object({
  REGION_CODE: z.string().regex(REGION_CODE_PATTERN, 'must be a GB/T 2260 region code of 6, 9 or 12 digits'),
  GRPC_PORT: port.default(50051),
  HTTP_PORT: port.default(9464),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  NATS_URL: url(['nats:', 'tls:']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});
export type BaseServiceEnv = z.infer<typeof baseServiceEnv>;
