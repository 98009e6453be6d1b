import { baseServiceEnv, loadConfig } from '@govhall/kit';
import { z } from 'zod';

/** The catalogue service's environment (see docs/services/catalogue.md). */
export const catalogueEnv = baseServiceEnv.extend({
  /** Off only in fault tests that need a committed change whose event has not left yet. */
  OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
});
export type CatalogueConfig = z.infer<typeof catalogueEnv>;

export function loadCatalogueConfig(env: NodeJS.ProcessEnv = process.env): CatalogueConfig {
  return loadConfig(catalogueEnv, env);
}
