import { baseServiceEnv, loadConfig, REGION_CODE_PATTERN } from '@govhall/kit';
import { z } from 'zod';

/** A comma-separated list, each part trimmed, empty parts dropped. */
const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

const regionList = z
  .string()
  .transform(commaList)
  .refine(
    (parts) => parts.every((p) => REGION_CODE_PATTERN.test(p)),
    'region codes of 6, 9 or 12 digits, comma-separated',
  );

/** The case service's environment (see docs/services/case.md). */
export const caseEnv = baseServiceEnv.extend({
  /** The catalogue's gRPC address (`host:port`): halls, departments, staff, calendars, bundles. */
  CATALOGUE_ADDRESS: z.string().min(3),
  /**
   * The regions whose halls this deployment handles: `*` for every hall (the embedded start, one deployment for
   * the whole network), else region codes; default: REGION_CODE alone. A case whose approving hall lies outside
   * is handed up by events (市县联动).
   */
  SERVED_REGIONS: z
    .string()
    .optional()
    .transform((value) => value?.trim() ?? '')
    .pipe(z.union([z.literal('*'), z.literal(''), regionList])),
  /**
   * Sourced streams holding other tiers' hand-off events for this deployment, comma-separated, e.g. at the city
   * `CASE_370705_AT_370700`, at the district `CASE_370700_AT_370705` (created by the operator: deploy/nats/sources.md).
   */
  HANDOFF_STREAMS: z
    .string()
    .default('')
    .transform(commaList)
    .refine((names) => names.every((n) => /^[A-Z0-9_]{3,64}$/.test(n)), 'stream names: capital letters, digits, _'),
  /** How often 超时默认 looks for overdue steps (halls that turned it on). */
  OVERDUE_SWEEP_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /** Off only in fault tests that need a committed change whose event has not left yet. */
  OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
});
export type CaseConfig = z.infer<typeof caseEnv>;

export function loadCaseConfig(env: NodeJS.ProcessEnv = process.env): CaseConfig {
  return loadConfig(caseEnv, env);
}
