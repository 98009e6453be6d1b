import type { Clock, Logger } from '@govhall/kit';
import type { Dispatcher } from './dispatcher';
import type { NotifyStore } from './ports';

export interface DispatchLoopOptions {
  readonly dispatcher: Dispatcher;
  readonly store: NotifyStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Longest sleep between looks; the loop wakes earlier for a known next message or a `wake()`. */
  readonly pollMs: number;
  /** Runs after each pass (the daily summaries, the gauges); its failures are logged. */
  readonly afterPass?: () => Promise<void>;
}

/** Sends due messages until stopped: claim after claim while there is work, then sleeps until the next is due. */
export class DispatchLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;

  constructor(private readonly o: DispatchLoopOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** New messages were written: look now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    let sleep = this.o.pollMs;
    try {
      this.again = false;
      // Full claims mean more is due; a short one means the backlog is done.
      for (let claim = 0; claim < 100 && !this.stopped; claim++) {
        if ((await this.o.dispatcher.sendDue()) === 0) break;
      }
      const next = await this.o.store.nextDueAt();
      if (next) sleep = Math.max(20, Math.min(sleep, next.getTime() - this.o.clock.now().getTime()));
      await this.o.afterPass?.();
    } catch (error) {
      this.o.logger.warn({ err: error }, 'dispatch pass failed');
    }
    if (!this.stopped) this.schedule(this.again ? 0 : sleep);
  }
}
