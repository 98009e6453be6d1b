import { z } from 'zod';
import { REGION_CODE_PATTERN } from './events';
import { natsAuthEnv } from './bus/nats-connection';
import type { RetentionOptions } from './store/outbox';

export { ConfigError } from './config-error';
import { ConfigError } from './config-error';

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
const hours = z.coerce
  .number()
  .min(1 / 60)
  .max(24 * 3650);
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
export const baseServiceEnv = natsAuthEnv.extend({
  REGION_CODE: z.string().regex(REGION_CODE_PATTERN, 'must be a GB/T 2260 region code of 6, 9 or 12 digits'),
  GRPC_PORT: port.default(50051),
  HTTP_PORT: port.default(9464),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  NATS_URL: url(['nats:', 'tls:']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** How long committed events stay reserved for the process that wrote them (see OutboxRelay). */
  OUTBOX_LEASE_MS: z.coerce.number().int().min(200).max(60_000).default(3_000),
  OUTBOX_RETENTION_HOURS: hours.default(7 * 24),
  /** How long a request id is remembered (a retry after that runs the command again). */
  IDEMPOTENCY_RETENTION_HOURS: hours.default(7 * 24),
  /** How long handled event ids are remembered; keep it longer than any consumer may be replayed back. */
  INBOX_RETENTION_HOURS: hours.default(30 * 24),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** Trusted public keys of callers' tokens (JSON, see docs/kit.md); a Secret mounted as a file. */
  AUTH_TRUSTED_KEYS_FILE: z.string().min(1),
  /** This service's own Ed25519 private key (PKCS#8 PEM), for its service token when it calls others. */
  AUTH_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** The key id of AUTH_SIGNING_KEY_FILE as the trusted keys name it; default its JWK thumbprint. */
  AUTH_SIGNING_KEY_ID: z.string().min(1).optional(),
});
export type BaseServiceEnv = z.infer<typeof baseServiceEnv>;

/** The relay's retention settings from the base variables (`OutboxRelayOptions.retention`). */
export function retentionFrom(env: BaseServiceEnv): RetentionOptions {
  const ms = (h: number): number => Math.round(h * 3600 * 1000);
  return {
    outboxMs: ms(env.OUTBOX_RETENTION_HOURS),
    idempotencyMs: ms(env.IDEMPOTENCY_RETENTION_HOURS),
    inboxMs: ms(env.INBOX_RETENTION_HOURS),
  };
}
