import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AlreadyExistsError, PreconditionFailedError, UnavailableError, ValidationError } from '../errors';
import type { KitTables } from './tables';

export interface IdempotencyKey {
  /** Chosen by the caller, unique per intended change (a UUID); 8 to 128 characters. */
  requestId: string;
  /** The command's name, e.g. `CreateHall`. */
  operation: string;
  /** The request as received; its hash tells a retry from a different request reusing the id. */
  request: unknown;
}

export interface ResponseCodec<T> {
  encode(value: T): unknown;
  decode(stored: unknown): T;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

function stableStringify(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Runs a command once per request id, in one transaction with the command's own writes.
 *
 * - First time: `command(trx)` runs; its result is stored with the key and returned.
 * - Same request id and same request again (a client retry): the stored result is returned, nothing runs.
 * - Same request id with a different request or operation: FAILED_PRECONDITION, nothing runs.
 * Two concurrent first attempts serialise on the key's primary key: the second waits, then replays.
 * A command that throws leaves no key behind, so a retry runs it again.
 */
export async function runIdempotent<DB extends KitTables, T>(
  db: Kysely<DB>,
  key: IdempotencyKey,
  codec: ResponseCodec<T>,
  command: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  if (!REQUEST_ID.test(key.requestId)) {
    throw ValidationError.single('request_id', 'must be 8 to 128 letters, digits or ._:- (use a UUID per change)');
  }
  const requestHash = createHash('sha256').update(stableStringify(key.request)).digest('hex');
  return translateDatabaseError(() =>
    (db as unknown as Kysely<KitTables>).transaction().execute(async (trx) => {
      // Claim the key first: a concurrent attempt with the same id waits here on the primary key until this
      // transaction ends, then finds the committed row and replays it.
      const claimed = await trx
        .insertInto('idempotency_keys')
        .values({ request_id: key.requestId, operation: key.operation, request_hash: requestHash, response: 'null' })
        .onConflict((oc) => oc.column('request_id').doNothing())
        .returning('request_id')
        .executeTakeFirst();
      if (!claimed) {
        const previous = await trx
          .selectFrom('idempotency_keys')
          .select(['operation', 'request_hash', 'response'])
          .where('request_id', '=', key.requestId)
          .executeTakeFirstOrThrow();
        return replay(previous, key, requestHash, codec);
      }
      const result = await command(trx as unknown as Transaction<DB>);
      await trx
        .updateTable('idempotency_keys')
        .set({ response: JSON.stringify(codec.encode(result)) })
        .where('request_id', '=', key.requestId)
        .execute();
      return result;
    }),
  );
}

/**
 * A constraint the database enforced (two concurrent creates passing the same uniqueness check) is the
 * caller's ALREADY_EXISTS, not an internal error; a serialisation failure or deadlock is worth a retry.
 */
async function translateDatabaseError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === '23505') {
      // The constraint's name, not its detail: the detail quotes the values, which may be personal data.
      const constraint = (error as { constraint?: unknown }).constraint;
      const what = typeof constraint === 'string' ? ` (${constraint})` : '';
      throw new AlreadyExistsError(`conflicts with an existing record${what}`, { cause: error });
    }
    if (code === '40001' || code === '40P01') throw new UnavailableError('concurrent change; retry', { cause: error });
    throw error;
  }
}

function replay<T>(
  previous: { operation: string; request_hash: string; response: unknown },
  key: IdempotencyKey,
  requestHash: string,
  codec: ResponseCodec<T>,
): T {
  if (previous.operation !== key.operation || previous.request_hash !== requestHash) {
    throw new PreconditionFailedError(
      `request_id ${key.requestId} was already used for a different ${previous.operation} request`,
    );
  }
  return codec.decode(previous.response);
}
