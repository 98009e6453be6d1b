import { baseServiceEnv, loadConfig } from '@govhall/kit';
import { z } from 'zod';

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const count = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const PROVIDERS = ['aliyun', 'tencent', 'file'] as const;

/** The notify service's environment (see docs/services/notify.md). Provider secrets come from mounted files. */
export const notifyEnv = baseServiceEnv
  .extend({
    /** The catalogue's gRPC address: staff mobiles (GetStaffContact), hall names, windows. */
    CATALOGUE_ADDRESS: z.string().min(3),
    /** Intake's gRPC address: applicants' and appointments' mobiles (GetContact). */
    INTAKE_ADDRESS: z.string().min(3),
    /** The providers in failover order, comma-separated: aliyun, tencent, file (the embedded start's). */
    SMS_PROVIDERS: z
      .string()
      .default('aliyun,tencent')
      .transform((value) =>
        value
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.enum(PROVIDERS))
          .min(1)
          .refine((list) => new Set(list).size === list.length, 'a provider is listed twice'),
      ),
    /** The signature the file provider writes (real providers use each template's approved one). */
    SMS_DEFAULT_SIGN_NAME: z.string().min(2).max(12).default('政务服务中心'),
    /** The file provider's outbox: one JSON line per message, phones masked. */
    SMS_FILE_PATH: z.string().min(1).optional(),
    /** Aliyun: an AccessKey file of two lines (id, secret), a Kubernetes Secret. */
    ALIYUN_SMS_ACCESS_KEY_FILE: z.string().min(1).optional(),
    ALIYUN_SMS_ENDPOINT: z.string().min(3).optional(),
    /** Tencent Cloud: a SecretId / SecretKey file of two lines, and the SMS application id. */
    TENCENT_SMS_SECRET_FILE: z.string().min(1).optional(),
    TENCENT_SMS_SDK_APP_ID: z
      .string()
      .regex(/^\d{6,12}$/)
      .optional(),
    TENCENT_SMS_ENDPOINT: z.string().min(3).optional(),
    /** One provider call, ms. */
    SMS_PROVIDER_TIMEOUT_MS: ms(500, 60_000, 10_000),
    /** Attempts per round before a message is a dead letter. */
    SMS_MAX_ATTEMPTS: count(20, 6),
    SMS_BACKOFF_BASE_MS: ms(100, 600_000, 2_000),
    SMS_BACKOFF_MAX_MS: ms(1_000, 86_400_000, 600_000),
    /** How long an attempt is one process's before another may take the message again (above the call timeout). */
    SMS_LEASE_MS: ms(1_000, 3_600_000, 60_000),
    /** Per-number limits (Tencent's defaults: one per 30 s; 10 a day to an applicant). */
    SMS_NUMBER_MIN_INTERVAL_MS: ms(0, 3_600_000, 30_000),
    SMS_APPLICANT_PER_HOUR: count(1_000, 5),
    SMS_APPLICANT_PER_DAY: count(1_000, 10),
    /** Staff and leaders get more (a hall agrees a higher limit with its provider for their numbers). */
    SMS_STAFF_PER_HOUR: count(10_000, 30),
    SMS_STAFF_PER_DAY: count(10_000, 100),
    /** Events older than this (a backlog after an outage) send nothing. */
    SMS_MAX_EVENT_AGE_HOURS: z.coerce
      .number()
      .min(1)
      .max(24 * 365)
      .default(72),
    /** Longest sleep of the dispatch loop. */
    DISPATCH_POLL_MS: ms(20, 60_000, 1_000),
    DISPATCH_BATCH_SIZE: count(1_000, 50),
    /** Off in tests that send by hand under a fake clock. */
    DISPATCH_LOOP: z.enum(['on', 'off']).default('on'),
    /** Off only in fault tests that need a committed change whose event has not left yet. */
    OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
  })
  .superRefine((env, ctx) => {
    const need = (when: boolean, path: string, message: string) => {
      if (when) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    need(
      env.SMS_PROVIDERS.includes('aliyun') && !env.ALIYUN_SMS_ACCESS_KEY_FILE,
      'ALIYUN_SMS_ACCESS_KEY_FILE',
      'is required with aliyun in SMS_PROVIDERS',
    );
    need(
      env.SMS_PROVIDERS.includes('tencent') && !env.TENCENT_SMS_SECRET_FILE,
      'TENCENT_SMS_SECRET_FILE',
      'is required with tencent in SMS_PROVIDERS',
    );
    need(
      env.SMS_PROVIDERS.includes('tencent') && !env.TENCENT_SMS_SDK_APP_ID,
      'TENCENT_SMS_SDK_APP_ID',
      'is required with tencent in SMS_PROVIDERS',
    );
    need(
      env.SMS_PROVIDERS.includes('file') && !env.SMS_FILE_PATH,
      'SMS_FILE_PATH',
      'is required with file in SMS_PROVIDERS',
    );
    need(
      env.SMS_LEASE_MS <= env.SMS_PROVIDER_TIMEOUT_MS,
      'SMS_LEASE_MS',
      'must be longer than SMS_PROVIDER_TIMEOUT_MS',
    );
  });
export type NotifyConfig = z.infer<typeof notifyEnv>;

export function loadNotifyConfig(env: NodeJS.ProcessEnv = process.env): NotifyConfig {
  return loadConfig(notifyEnv, env);
}
