import type { Clock, Logger } from '@govhall/kit';
import type { FiredBatch, TimingStore } from './ports';
import type { TimingService } from './timing-service';

export interface FiringLoopOptions {
  readonly service: TimingService;
  readonly store: TimingStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Longest sleep between looks at the timer table (another replica may have added an earlier step). */
  readonly pollMs: number;
  readonly batchSize: number;
  readonly onFired?: (batch: FiredBatch, now: Date) => void;
}

/**
 * Fires due steps apart from event consumption, so a storm of due timers never holds up the consumers (and a slow
 * consumer never delays a card). On start it catches up: everything that fell due while the service was down
 * fires at once, due first. Between batches it yields to the event loop, so queries keep their latency; when the
 * table is drained it sleeps until the next step is due, at most `pollMs`.
 */
export class FiringLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly options: FiringLoopOptions) {}

  start(): void {
    this.started = true;
    this.stopped = false;
    this.schedule(0);
  }

  /** Look now (a clock was just planned with an early step); nothing when the loop was not started. */
  wake(): void {
    if (this.started && !this.stopped && !this.running) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => (this.running = undefined));
    }, delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    const { service, store, clock, logger, pollMs, batchSize } = this.options;
    let delay = pollMs;
    try {
      for (;;) {
        if (this.stopped) return;
        // Two claims in flight (SKIP LOCKED gives them different clocks): one batch's work in Node overlaps the
        // other's in PostgreSQL.
        const batches = await Promise.all([service.fireDueBatch(batchSize), service.fireDueBatch(batchSize)]);
        for (const batch of batches) if (batch.clocks.length > 0) this.options.onFired?.(batch, clock.now());
        if (batches.every((batch) => batch.clocks.length < batchSize)) break;
        // Let queries and consumers in between batches of a storm.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const next = await store.nextFireAt();
      if (next) delay = Math.min(pollMs, Math.max(0, next.getTime() - clock.now().getTime()));
    } catch (error) {
      logger.warn({ err: error }, 'firing due timers failed; retrying');
    }
    if (!this.stopped) this.schedule(delay);
  }
}
