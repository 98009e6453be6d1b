import { createHash } from 'node:crypto';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { DomainError, ErrorKinds, PreconditionFailedError, UnavailableError, ValidationError } from '../errors';
import { outgoingTraceHeaders } from '../bus/observer';
import type { EventEnvelope } from '../events';
import { commitsTransaction } from './database';
import { alreadyExists, isUniqueViolation } from './database-errors';
import type { KitTables } from './tables';

/** What makes a command idempotent, and how its first answer is replayed. */
export interface CommandKey<T> {
  /** Chosen by the caller, unique per intended change (a UUID); 8 to 128 letters, digits or `._:-`. */
  readonly requestId: string;
  /** The command's name, e.g. `CreateHall`. */
  readonly operation: string;
  /** The request as received; its hash tells a retry from a different request reusing the id. */
  readonly request: unknown;
  /**
   * The schema of the answer. The first answer is stored as JSON with the request id; a retry gets it back
   * parsed by this schema (dates revived where the schema says `z.coerce.date()`, nothing guessed).
   */
  readonly result: z.ZodType<T>;
}

/**
 * The result schema of a command whose answer is a contract message (the services' use cases answer the generated
 * messages, docs/adr/0017): the runner stores the first answer as JSON, and a retry gets it back through the
 * generated `fromJSON`, which revives dates and fills defaults, so a replay is the same message as the first answer.
 */
export function messageResult<T>(message: { fromJSON(object: unknown): T }): z.ZodType<T> {
  return z.unknown().transform((stored) => message.fromJSON(stored));
}

/** What a command's work gets: its transaction, and the outbox. */
export interface CommandScope<DB> {
  /** The command's transaction. Await only its own queries inside the work (architecture.md). */
  readonly trx: Transaction<DB>;
  /**
   * Queues an event to leave with this command's commit (outbox). Nothing is published inside the
   * transaction; an event without trace headers takes the active trace context's.
   */
  emit(event: EventEnvelope): void;
}

/** One event written to the outbox by a committed command. */
export interface CommittedEvent {
  readonly position: string;
  readonly event: EventEnvelope;
}

/** Where committed events go to be published at once (the service's `OutboxRelay`). */
export interface CommittedEventSink {
  /** How long a command's events stay reserved for this process before any relay may sweep them. */
  readonly leaseMs: number;
  committed(events: readonly CommittedEvent[]): void;
}

export interface CommandRunnerOptions<DB extends KitTables> {
  readonly database: { readonly db: Kysely<DB>; readonly schema: string };
  /** Publishes committed events right after the commit; without one they wait for a relay's sweep. */
  readonly sink?: CommittedEventSink;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const DEFAULT_LEASE_MS = 3_000;

/**
 * What the finish statement raises when the request id is taken: a cast of a non-constant string to integer
 * (PostgreSQL folds constants at plan time, so the failing arm must depend on the query), SQLSTATE 22P02.
 */
const REQUEST_ID_TAKEN = 'govhall: request id taken ';
function isRequestIdTaken(error: unknown): boolean {
  const cause = error instanceof Error && error.cause ? error.cause : error;
  return cause instanceof Error && cause.message.includes(REQUEST_ID_TAKEN.trim());
}

/** The command's request id was already taken when it came to record it (a retry, or a concurrent twin). */
class RequestIdTaken extends Error {
  constructor() {
    super('request id already recorded');
    this.name = 'RequestIdTaken';
  }
}

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

/** The event with the trace context it was raised in, captured now (it may wait in the outbox). */
function withTraceHeaders(event: EventEnvelope): EventEnvelope {
  if (event.traceHeaders) return event;
  const headers = outgoingTraceHeaders(event);
  return Object.keys(headers).length > 0 ? { ...event, traceHeaders: headers } : event;
}

interface FinishRow {
  claimed: number;
  positions: string[] | null;
}

interface StoredKey {
  operation: string;
  request_hash: string;
  response: unknown;
}

/**
 * Runs commands: once per request id, in one transaction with their own writes, their events and the record of
 * their answer, and hands the committed events to the relay to publish at once.
 *
 * - First time: `work` runs; at its end one statement records the request id with the answer and writes the
 *   events to the outbox, reserved for this process for `leaseMs`; then the transaction commits and the events
 *   are published right away. If this process dies first, any relay publishes them once the lease is over.
 * - A retry (same request id, same request): the stored answer is returned, parsed by `key.result`. A retry
 *   whose work would now fail (the hall it created exists) or collide is answered from the record too.
 * - Same request id, different request or operation: FAILED_PRECONDITION, nothing changes.
 * - Two concurrent first attempts: both may run their work, but only one records the id (the other waits on
 *   the key, then rolls back) and the other replays the winner's answer.
 * - A command that throws leaves nothing behind, so a retry runs it again. A unique violation of the work's own
 *   writes is ALREADY_EXISTS; an outage is UNAVAILABLE (see `translateDatabaseError`).
 */
export class CommandRunner<DB extends KitTables> {
  private readonly db: Kysely<KitTables>;
  private readonly finishSql: string;
  private readonly lookupSql: string;

  constructor(private readonly options: CommandRunnerOptions<DB>) {
    this.db = options.database.db as unknown as Kysely<KitTables>;
    const schema = options.database.schema;
    // Plain SQL, compiled once: this runs for every command.
    this.finishSql = `
      WITH key AS (
        INSERT INTO ${schema}.idempotency_keys (request_id, operation, request_hash, response)
        VALUES ($1, $2, $3, $4::jsonb)
        ON CONFLICT (request_id) DO NOTHING
        RETURNING 1
      ), events AS (
        INSERT INTO ${schema}.outbox (id, event, claimed_until, attempts)
        SELECT e.value->>'id', e.value, now() + $6::interval, 1
        FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS e(value, n)
        WHERE EXISTS (SELECT 1 FROM key)
        ORDER BY e.n
        RETURNING position
      )
      SELECT CASE WHEN EXISTS (SELECT 1 FROM key) THEN 1
                  ELSE CAST('${REQUEST_ID_TAKEN}' || (SELECT count(*) FROM key) AS integer) END AS claimed,
             (SELECT array_agg(position::text ORDER BY position) FROM events) AS positions`;
    this.lookupSql = `SELECT operation, request_hash, response FROM ${schema}.idempotency_keys WHERE request_id = $1`;
  }

  async run<T>(key: CommandKey<T>, work: (scope: CommandScope<DB>) => Promise<T>): Promise<T> {
    if (!REQUEST_ID.test(key.requestId)) {
      throw ValidationError.single('request_id', 'must be 8 to 128 letters, digits or ._:- (use a UUID per change)');
    }
    const requestHash = createHash('sha256').update(stableStringify(key.request)).digest('hex');
    const leaseMs = this.options.sink?.leaseMs ?? DEFAULT_LEASE_MS;
    let committed: CommittedEvent[] = [];
    let result: T;
    try {
      result = await this.db.transaction().execute(async (trx) => {
        const events: EventEnvelope[] = [];
        const scope: CommandScope<DB> = {
          trx: trx as unknown as Transaction<DB>,
          emit: (event) => void events.push(withTraceHeaders(event)),
        };
        const answer = await work(scope);
        // The last statement commits in the same round trip; it raises REQUEST_ID_TAKEN instead of committing
        // when the id was taken meanwhile, and the transaction rolls back.
        const finished = await trx
          .executeQuery<FinishRow>(
            commitsTransaction(
              CompiledQuery.raw(this.finishSql, [
                key.requestId,
                key.operation,
                requestHash,
                JSON.stringify(answer ?? null),
                JSON.stringify(events),
                `${leaseMs} milliseconds`,
              ]),
            ),
          )
          .catch((error: unknown) => {
            throw isRequestIdTaken(error) ? new RequestIdTaken() : error;
          });
        const row = finished.rows[0];
        if (!row || row.claimed !== 1) throw new RequestIdTaken();
        const positions = row.positions ?? [];
        committed = events.map((event, i) => ({ position: positions[i] ?? '', event }));
        return answer;
      });
    } catch (error) {
      return this.afterFailure(key, requestHash, error);
    }
    if (committed.length > 0) this.options.sink?.committed(committed);
    return result;
  }

  /** A failed attempt may be a retry of one that succeeded: answer from the record when there is one. */
  private async afterFailure<T>(key: CommandKey<T>, requestHash: string, error: unknown): Promise<T> {
    const mayBeRetry =
      error instanceof RequestIdTaken ||
      isUniqueViolation(error) ||
      (error instanceof DomainError && error.kind !== ErrorKinds.unavailable);
    if (mayBeRetry) {
      const previous = await this.lookup(key.requestId);
      if (previous) return this.replay(previous, key, requestHash);
    }
    if (error instanceof RequestIdTaken) {
      // Recorded a moment ago and gone now: pruned by retention in between. A retry runs afresh.
      throw new UnavailableError('request id changed concurrently; retry', { cause: error });
    }
    if (isUniqueViolation(error)) throw alreadyExists(error);
    throw error;
  }

  private async lookup(requestId: string): Promise<StoredKey | undefined> {
    const found = await this.db.executeQuery<StoredKey>(CompiledQuery.raw(this.lookupSql, [requestId]));
    return found.rows[0];
  }

  private replay<T>(previous: StoredKey, key: CommandKey<T>, requestHash: string): T {
    if (previous.operation !== key.operation || previous.request_hash !== requestHash) {
      throw new PreconditionFailedError(
        `request_id ${key.requestId} was already used for a different ${previous.operation} request`,
      );
    }
    const parsed = key.result.safeParse(previous.response);
    if (!parsed.success) {
      throw new Error(`the stored answer of ${key.operation} ${key.requestId} does not match its schema`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
}
