import { context, propagation } from '@opentelemetry/api';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { EventBus } from '../bus/port';
import type { EventEnvelope } from '../events';
import type { KitTables } from './tables';

/**
 * Writes events in the same transaction as the state change they describe. Nothing is published here:
 * the relay publishes after commit, so a transaction never waits on the bus. An event without trace headers
 * takes those of the active context (the command's gRPC call), so its trace continues across the relay.
 */
export async function appendToOutbox<DB extends KitTables>(
  trx: Transaction<DB>,
  events: readonly EventEnvelope[],
): Promise<void> {
  if (events.length === 0) return;
  await (trx as unknown as Transaction<KitTables>)
    .insertInto('outbox')
    .values(events.map((event) => ({ id: event.id, event: JSON.stringify(withTraceHeaders(event)) })))
    .execute();
}

function withTraceHeaders(event: EventEnvelope): EventEnvelope {
  if (event.traceHeaders) return event;
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return Object.keys(headers).length > 0 ? { ...event, traceHeaders: headers } : event;
}

export interface OutboxRelayOptions<DB extends KitTables = KitTables> {
  /** The service's database; any schema that has the kit's tables. */
  db: Kysely<DB>;
  bus: EventBus;
  logger: Logger;
  /** How often to look for events when nobody kicks the relay; default 500 ms. */
  pollMs?: number;
  batchSize?: number;
  /** How long a claimed batch is reserved for this relay before another replica may take it over. */
  claimMs?: number;
  /** Published rows are deleted after this long; default 7 days. */
  retentionMs?: number;
  onPublished?: (count: number) => void;
  onPending?: (count: number) => void;
}

interface ClaimedRow {
  id: string;
  event: EventEnvelope;
  position: string;
}

/**
 * Publishes outbox rows in the order they were written and marks them published. (Two transactions that
 * commit out of their insert order may publish in insert order; consumers must not assume more.)
 *
 * At-least-once: a relay that dies after publishing and before marking publishes the row again on restart;
 * the bus drops the copy because the event id is the `Nats-Msg-Id`. Replicas share the table safely: a batch
 * is claimed with `FOR UPDATE SKIP LOCKED` in one short statement, and no transaction is held while
 * publishing.
 */
export class OutboxRelay<DB extends KitTables = KitTables> {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private lastCleanup = 0;

  private readonly db: Kysely<KitTables>;

  constructor(private readonly options: OutboxRelayOptions<DB>) {
    this.db = options.db as unknown as Kysely<KitTables>;
  }

  /** Starts the background loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks the loop to look now (call after a commit that appended events). */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Stops after the batch in hand. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Publishes everything pending now; returns how many were published. Used by the loop and by tests. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < (this.options.batchSize ?? 100)) return total;
    }
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? 500;
    while (this.running) {
      this.kicked = false;
      try {
        await this.drain();
        await this.cleanup();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'outbox relay pass failed; will retry');
      }
      if (!this.running || this.kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async publishBatch(): Promise<number> {
    const { db } = this;
    const { bus } = this.options;
    const batchSize = this.options.batchSize ?? 100;
    const claimMs = this.options.claimMs ?? 30_000;
    // One statement, so the claim is its own short transaction.
    const claimed = (await db
      .updateTable('outbox')
      .set((eb) => ({
        claimed_until: sql<Date>`now() + ${`${claimMs} milliseconds`}::interval`,
        attempts: eb('attempts', '+', 1),
      }))
      .where('position', 'in', (eb) =>
        eb
          .selectFrom('outbox')
          .select('position')
          .where('published_at', 'is', null)
          .where((inner) =>
            inner.or([inner('claimed_until', 'is', null), inner('claimed_until', '<', sql<Date>`now()`)]),
          )
          .orderBy('position')
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'event', 'position'])
      .execute()) as ClaimedRow[];
    // RETURNING does not keep the subquery's order.
    const rows = [...claimed].sort((a, b) => Number(a.position) - Number(b.position));
    const published: string[] = [];
    let failure: unknown;
    for (const row of rows) {
      try {
        await bus.publish(row.event);
        published.push(row.id);
      } catch (error) {
        // Keep the order: stop at the first failure and hand the rest back.
        failure = error;
        break;
      }
    }
    if (published.length > 0) {
      await db
        .updateTable('outbox')
        .set({ published_at: new Date(), last_error: null })
        .where('id', 'in', published)
        .execute();
      this.options.onPublished?.(published.length);
    }
    if (failure !== undefined) {
      const unpublished = rows.map((r) => r.id).filter((id) => !published.includes(id));
      await db
        .updateTable('outbox')
        .set({ claimed_until: null, last_error: failure instanceof Error ? failure.message : 'publish failed' })
        .where('id', 'in', unpublished)
        .execute();
      throw new Error('publishing from the outbox failed', { cause: failure });
    }
    return published.length;
  }

  private async cleanup(): Promise<void> {
    const { db } = this;
    const now = Date.now();
    if (this.options.onPending) {
      const { pending } = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<string>().as('pending'))
        .where('published_at', 'is', null)
        .executeTakeFirstOrThrow();
      this.options.onPending(Number(pending));
    }
    if (now - this.lastCleanup < 60_000) return;
    this.lastCleanup = now;
    const retentionMs = this.options.retentionMs ?? 7 * 24 * 3600 * 1000;
    await db
      .deleteFrom('outbox')
      .where('published_at', '<', new Date(now - retentionMs))
      .execute();
  }
}
