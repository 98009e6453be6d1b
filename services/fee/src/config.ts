import { baseServiceEnv, loadConfig } from '@govhall/kit';
import { z } from 'zod';

/** The fee service's environment (see docs/services/fee.md). */
export const feeEnv = baseServiceEnv.extend({
  /** The catalogue's gRPC address: department names, hall names, the working calendar (assessment due times). */
  CATALOGUE_ADDRESS: z.string().min(3),
  /** Off only in fault tests that need a committed change whose event has not left yet. */
  OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
});
export type FeeConfig = z.infer<typeof feeEnv>;

export function loadFeeConfig(env: NodeJS.ProcessEnv = process.env): FeeConfig {
  return loadConfig(feeEnv, env);
}
