import { baseServiceEnv, loadConfig } from '@govhall/kit';
import { z } from 'zod';

/** The evaluation service's environment (see docs/services/evaluation.md). */
export const evaluationEnv = baseServiceEnv.extend({
  /** The catalogue's gRPC address: hall calendars (deadlines in working days), staff and windows (the roster). */
  CATALOGUE_ADDRESS: z.string().min(3),
  /** A file holding the key that signs SMS rating links: 64 hex digits (32 bytes), e.g. `openssl rand -hex 32`. */
  RATING_LINK_KEY_FILE: z.string().min(1),
  /** Off only in fault tests that need a committed change whose event has not left yet. */
  OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
});
export type EvaluationConfig = z.infer<typeof evaluationEnv>;

export function loadEvaluationConfig(env: NodeJS.ProcessEnv = process.env): EvaluationConfig {
  return loadConfig(evaluationEnv, env);
}

/** The link key from its file's content: 64 (or more) hex digits. */
export function parseLinkKey(text: string): Buffer {
  const value = text.trim();
  if (!/^[0-9a-fA-F]{64,128}$/.test(value) || value.length % 2 !== 0)
    throw new Error('RATING_LINK_KEY_FILE must hold 64 to 128 hex digits (openssl rand -hex 32)');
  return Buffer.from(value, 'hex');
}
