import { CompiledQuery, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { EventBus } from '../bus/port';
import type { EventEnvelope } from '../events';
import type { CommittedEvent, CommittedEventSink } from './command';
import type { KitTables } from './tables';

export interface RetentionOptions {
  /** Published outbox rows are deleted after this long; default 7 days. */
  readonly outboxMs?: number;
  /** Request ids (and their stored answers) are forgotten after this long; default 7 days. */
  readonly idempotencyMs?: number;
  /**
   * Inbox rows (handled event ids) are deleted after this long; default 30 days. Keep it longer than any
   * consumer may be replayed back in time, or a replayed event is handled again.
   */
  readonly inboxMs?: number;
}

export interface OutboxRelayOptions<DB extends KitTables = KitTables> {
  /** The service's database (`createDatabase`): any schema that has the kit's tables. */
  readonly database: { readonly db: Kysely<DB>; readonly schema: string };
  readonly bus: EventBus;
  readonly logger: Logger;
  /** How often to sweep for events nobody is publishing (a crashed replica's, failed publishes); default 500 ms. */
  readonly pollMs?: number;
  readonly batchSize?: number;
  /**
   * How long events are reserved for the relay that holds them (its own commands' events from their commit,
   * a sweep's batch from its claim), renewed while it still holds them. After a crash, committed events are
   * published by whichever relay sweeps first once this is over. Default 3 s.
   */
  readonly leaseMs?: number;
  readonly retention?: RetentionOptions;
  /** How often to delete what retention let go; default every minute. */
  readonly housekeepingMs?: number;
  readonly onPublished?: (count: number) => void;
  readonly onPending?: (count: number) => void;
}

interface HeldEvent {
  readonly position: string;
  readonly event: EventEnvelope;
}

const DAY_MS = 24 * 3600 * 1000;
const MAX_BACKOFF_MS = 5_000;
const PRUNE_BATCH = 5_000;

/**
 * Publishes outbox rows and marks them published.
 *
 * Two ways in, one serial loop (so this process publishes in commit order):
 * - `committed(events)`: the `CommandRunner` hands over a command's events right after its commit; they are
 *   published at once, with no query to find them.
 * - the sweep: every `pollMs` it claims (`FOR UPDATE SKIP LOCKED`, one short statement) unpublished rows that
 *   no relay holds: a crashed process's events after their lease, and events whose publish failed.
 * Published rows are marked in one statement per batch. A mark that fails (database down) is kept and retried
 * before anything else, so a published event is not published again by this relay.
 *
 * At-least-once: a relay that dies after publishing and before marking leaves the row to be published again
 * after its lease; the bus drops the copy, since the event id is the `Nats-Msg-Id` (duplicate window 2 min).
 * Replicas share the table safely: rows are reserved by lease, and no transaction is held while publishing.
 * Order: within one process, the order of commits (a batch's publishes go out in order on one connection);
 * across replicas, or when a publish fails and later ones of its batch do not, an event may follow one committed
 * after it. Consumers must not assume more.
 */
export class OutboxRelay<DB extends KitTables = KitTables> implements CommittedEventSink {
  readonly leaseMs: number;
  private readonly db: Kysely<KitTables>;
  private readonly sql: Record<'claim' | 'mark' | 'release' | 'renew' | 'pending', string>;
  private readonly pruneSql: readonly { readonly sql: string; readonly retentionMs: number }[];
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly queue: HeldEvent[] = [];
  /** Events taken from the queue or claimed by a sweep and not yet marked or released. */
  private readonly inHand = new Map<string, HeldEvent>();
  private readonly unmarked: string[] = [];
  private nextSweepAt = 0;
  private nextHousekeepingAt = 0;
  private backoffMs = 0;
  private backoffUntil = 0;
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OutboxRelayOptions<DB>) {
    this.db = options.database.db as unknown as Kysely<KitTables>;
    this.leaseMs = options.leaseMs ?? 3_000;
    const s = options.database.schema;
    this.sql = {
      claim: `
        UPDATE ${s}.outbox SET claimed_until = now() + $1::interval, attempts = attempts + 1
        WHERE position IN (
          SELECT position FROM ${s}.outbox
          WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
          ORDER BY position LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING position::text AS position, event`,
      mark: `UPDATE ${s}.outbox SET published_at = now(), claimed_until = NULL, last_error = NULL
             WHERE position = ANY($1::bigint[])`,
      release: `UPDATE ${s}.outbox SET claimed_until = NULL, last_error = $2
                WHERE position = ANY($1::bigint[]) AND published_at IS NULL`,
      renew: `UPDATE ${s}.outbox SET claimed_until = now() + $2::interval
              WHERE position = ANY($1::bigint[]) AND published_at IS NULL`,
      pending: `SELECT count(*)::int AS pending FROM ${s}.outbox WHERE published_at IS NULL`,
    };
    const retention = options.retention ?? {};
    // Deleted a batch at a time, so pruning never holds many row locks or a long transaction.
    const prune = (table: string, column: string, extra = ''): string =>
      `DELETE FROM ${s}.${table} WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM ${s}.${table} WHERE ${column} < now() - $1::interval ${extra} LIMIT ${PRUNE_BATCH}))`;
    this.pruneSql = [
      {
        sql: prune('outbox', 'published_at', 'AND published_at IS NOT NULL'),
        retentionMs: retention.outboxMs ?? 7 * DAY_MS,
      },
      { sql: prune('idempotency_keys', 'created_at'), retentionMs: retention.idempotencyMs ?? 7 * DAY_MS },
      { sql: prune('inbox', 'processed_at'), retentionMs: retention.inboxMs ?? 30 * DAY_MS },
    ];
  }

  /** Starts the loop: a sweep at once (a previous process may have left events), then every `pollMs`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.nextSweepAt = 0;
    this.renewTimer = setInterval(() => void this.renewHeld(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
    this.loop = this.run();
  }

  /** A command's events, committed a moment ago: publish them now. Ignored while stopped or backing off. */
  committed(events: readonly CommittedEvent[]): void {
    // Left to the sweep (after their lease) while stopped or while the bus is failing.
    if (!this.running || Date.now() < this.backoffUntil) return;
    this.queue.push(...events);
    this.wake?.();
  }

  /** Stops after the batch in hand; what is still queued stays reserved until its lease ends. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    clearInterval(this.renewTimer);
    this.queue.length = 0;
    // A last try at marks that failed, so a restart does not publish those events again.
    await this.markPublished().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? 500;
    while (this.running) {
      try {
        await this.markPublished();
        // The sweep when it is due, even while this process's own commits keep the queue busy: a dead replica's
        // events must not wait for a quiet moment here.
        const now = Date.now();
        if (now >= this.nextSweepAt && now >= this.backoffUntil) {
          this.nextSweepAt = now + pollMs;
          await this.sweepOnce();
          await this.reportPending();
          await this.housekeeping();
        }
        if (this.queue.length > 0) await this.flushQueue();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'outbox relay pass failed; will retry');
        this.nextSweepAt = Date.now() + pollMs;
      }
      if (!this.running || this.queue.length > 0) continue;
      const waitMs = Math.max(0, Math.max(this.nextSweepAt, this.backoffUntil) - Date.now());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Publishes the next batch of this process's committed events, in order. */
  private async flushQueue(): Promise<number> {
    // One batch a pass, so the loop keeps sweeping on time under a steady stream of commits.
    return this.publish(this.queue.splice(0, this.options.batchSize ?? 100));
  }

  private async sweepOnce(): Promise<number> {
    const claimed = await this.db.executeQuery<HeldEvent>(
      CompiledQuery.raw(this.sql.claim, [`${this.leaseMs} milliseconds`, this.options.batchSize ?? 100]),
    );
    // RETURNING does not keep the subquery's order.
    const rows = [...claimed.rows].sort((a, b) => Number(a.position) - Number(b.position));
    return rows.length === 0 ? 0 : this.publish(rows);
  }

  /**
   * Publishes `batch`: every publish sent at once, in order, on the one connection (so the server stores them in
   * that order, and the client writes them to the socket together), then the acknowledgements awaited. Marks
   * what was stored; hands back what was not, and backs off.
   */
  private async publish(batch: readonly HeldEvent[]): Promise<number> {
    for (const held of batch) this.inHand.set(held.position, held);
    const outcomes = await Promise.allSettled(batch.map((held) => this.options.bus.publish(held.event)));
    const published: string[] = [];
    const rest: HeldEvent[] = [];
    let failure: unknown;
    outcomes.forEach((outcome, i) => {
      const held = batch[i]!;
      this.inHand.delete(held.position);
      if (outcome.status === 'fulfilled') published.push(held.position);
      else {
        failure ??= outcome.reason;
        rest.push(held);
      }
    });
    this.unmarked.push(...published);
    if (published.length > 0) this.options.onPublished?.(published.length);
    await this.markPublished();
    if (failure === undefined) {
      this.backoffMs = 0;
      return published.length;
    }
    // The queue's events are handed back too: while the bus fails, the sweep retries them with backoff.
    rest.push(...this.queue.splice(0));
    this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(250, this.backoffMs * 2));
    this.backoffUntil = Date.now() + this.backoffMs;
    const message = failure instanceof Error ? failure.message : 'publish failed';
    // If this fails too, the leases end by themselves.
    await this.db.executeQuery(
      CompiledQuery.raw(this.sql.release, [rest.map((held) => held.position), message.slice(0, 500)]),
    );
    throw new Error('publishing from the outbox failed', { cause: failure });
  }

  /** Marks published rows; a failure keeps them for the next attempt (the loop tries again first). */
  private async markPublished(): Promise<void> {
    if (this.unmarked.length === 0) return;
    const positions = this.unmarked.splice(0);
    try {
      await this.db.executeQuery(CompiledQuery.raw(this.sql.mark, [positions]));
    } catch (error) {
      this.unmarked.unshift(...positions);
      throw error;
    }
  }

  /** Extends the lease of everything this relay holds, so no other relay publishes it meanwhile. */
  private async renewHeld(): Promise<void> {
    const positions = [...this.inHand.keys(), ...this.queue.map((held) => held.position), ...this.unmarked];
    if (positions.length === 0) return;
    try {
      await this.db.executeQuery(CompiledQuery.raw(this.sql.renew, [positions, `${this.leaseMs} milliseconds`]));
    } catch (error) {
      this.options.logger.debug({ err: error }, 'outbox lease renewal failed');
    }
  }

  private async reportPending(): Promise<void> {
    if (!this.options.onPending) return;
    const result = await this.db.executeQuery<{ pending: number }>(CompiledQuery.raw(this.sql.pending));
    this.options.onPending(result.rows[0]?.pending ?? 0);
  }

  private async housekeeping(): Promise<void> {
    const now = Date.now();
    if (now < this.nextHousekeepingAt) return;
    this.nextHousekeepingAt = now + (this.options.housekeepingMs ?? 60_000);
    for (const { sql, retentionMs } of this.pruneSql) {
      for (;;) {
        const deleted = await this.db.executeQuery(CompiledQuery.raw(sql, [`${retentionMs} milliseconds`]));
        if (Number(deleted.numAffectedRows ?? 0) < PRUNE_BATCH) break;
      }
    }
  }
}
