import type { Clock } from '@govhall/kit';

/**
 * The clock intake and the case service share in the embedded start: the system clock, except while a demo
 * loader plays a story in the past (`at`), when it reads that instant onwards. A case can only be archived in a
 * week that has ended, so the demo's archived case is accepted, decided and completed last week. The catalogue
 * keeps the system clock: its directory and items are as loaded.
 */
export class DemoClock implements Clock {
  private offsetMs = 0;
  private busy = false;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Runs `work` with the clock reading `at` at its start and moving on from there; one story at a time. */
  async at<T>(at: Date, work: () => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('the demo clock plays one story at a time');
    this.busy = true;
    this.offsetMs = at.getTime() - Date.now();
    try {
      return await work();
    } finally {
      this.offsetMs = 0;
      this.busy = false;
    }
  }
}
