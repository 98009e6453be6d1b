import { baseServiceEnv, loadConfig } from '@govhall/kit';
import { z } from 'zod';
import { DEFAULT_CASE_NUMBER_FORMAT, validateNumberFormat } from './domain/numbering';

/** The intake service's environment (see docs/services/intake.md). */
export const intakeEnv = baseServiceEnv.extend({
  /** The catalogue's gRPC address (`host:port`): items, the directory, working calendars, opening hours. */
  CATALOGUE_ADDRESS: z.string().min(3),
  /**
   * Key material for personal data at rest (ID numbers, phones): SM4 encryption and the keyed SM3 look-up hash.
   * A file holding 32 bytes as hex or base64 (a Kubernetes Secret).
   */
  PERSONAL_DATA_KEY_FILE: z.string().min(1),
  /** 受理编号: `{region}`, `{date:YYYYMMDD}` or `{date:YYMMDD}`, `{seq:N}`, `{dept}` and literal text; checked at start-up. */
  CASE_NUMBER_FORMAT: z
    .string()
    .default(DEFAULT_CASE_NUMBER_FORMAT)
    .superRefine((format, ctx) => {
      for (const problem of validateNumberFormat(format, 'CASE_NUMBER_FORMAT')) {
        ctx.addIssue({ code: 'custom', message: problem.description });
      }
      // The directory gives departments a short code, halls none: a hall's part of a number is its region.
      if (format.includes('{hall}')) {
        ctx.addIssue({ code: 'custom', message: '{hall} is not available (halls have no short code): use {region}' });
      }
    }),
  /** How often overdue 容缺 supplements are looked for. */
  OVERDUE_SWEEP_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /** Off only in fault tests that need a committed change whose event has not left yet. */
  OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
});
export type IntakeConfig = z.infer<typeof intakeEnv>;

export function loadIntakeConfig(env: NodeJS.ProcessEnv = process.env): IntakeConfig {
  return loadConfig(intakeEnv, env);
}
