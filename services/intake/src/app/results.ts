import { z } from 'zod';

/**
 * The result schema of a command whose answer is a contract message (intake's use cases answer the contract's
 * messages, docs/adr/0017): the runner stores the first answer as JSON, and a retry gets it back through the
 * generated `fromJSON`, which revives dates and fills defaults, so a replay is the same message as the first answer.
 */
export function messageResult<T>(message: { fromJSON(object: unknown): T }): z.ZodType<T> {
  return z.unknown().transform((stored) => message.fromJSON(stored));
}
