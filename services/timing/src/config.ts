import { baseServiceEnv, loadConfig } from '@govhall/kit';
import { z } from 'zod';

/** The timing service's environment (see docs/services/timing.md). */
export const timingEnv = baseServiceEnv.extend({
  /** The catalogue's gRPC address (`host:port`): hall calendars. */
  CATALOGUE_ADDRESS: z.string().min(3),
  /** Longest sleep of the firing loop between looks at the timer table; it wakes earlier for a known next step. */
  TIMER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** Clocks claimed per firing transaction. */
  TIMER_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(500),
  /** At start, the loop waits until the consumers have handled no event for this long (a backlog read) ... */
  TIMER_CATCH_UP_QUIET_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** ... but no longer than this. */
  TIMER_CATCH_UP_MAX_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  /** Off in tests that fire by hand under a fake clock. */
  TIMER_LOOP: z.enum(['on', 'off']).default('on'),
  /** How often the calendar horizon (the coming year's data) is checked. */
  HORIZON_CHECK_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  /** How often the current month's indicator gauges (/metrics) are recomputed. */
  INDICATOR_REFRESH_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
  /** Off only in fault tests that need a committed change whose event has not left yet. */
  OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
});
export type TimingConfig = z.infer<typeof timingEnv>;

export function loadTimingConfig(env: NodeJS.ProcessEnv = process.env): TimingConfig {
  return loadConfig(timingEnv, env);
}
