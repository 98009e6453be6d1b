import type { PGlite } from '@electric-sql/pglite';

/** Frontend messages that continue an extended-query exchange (Parse, Bind, Describe, Execute, Close, Flush). */
const EXCHANGE = new Set([...'PBDECH'].map((c) => c.charCodeAt(0)));
/** A Sync message: ends an exchange; the backend answers ReadyForQuery. */
const SYNC = Uint8Array.of('S'.charCodeAt(0), 0, 0, 0, 4);

interface Entry {
  readonly handlerId: number;
  readonly message: Uint8Array;
  readonly onData: (data: Uint8Array) => void;
  readonly resolve: (bytes: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The queue of frontend messages from every connection into PGlite's one session, in place of pglite-socket's
 * own (0.2.x). That one pins the session to a connection only inside a transaction block, so two connections'
 * Parse / Bind / Execute / Sync exchanges interleave and one binds the other's unnamed statement: "unnamed
 * prepared statement does not exist", or rows of the wrong query (electric-sql/pglite#1046, PR #977); and a
 * message that throws leaves it stalled for good. Here the session belongs to one connection from its first
 * exchange message to its Sync, and for the whole of a transaction; a failed message is answered as failed and the
 * queue goes on.
 */
export class PGliteSessionQueue {
  private readonly queue: Entry[] = [];
  private processing = false;
  /** The connection the session belongs to now (in an exchange or a transaction), if any. */
  private owner: number | null = null;
  /** The owner is between an exchange message and its Sync. */
  private inExchange = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const entry = this.queue[i]!;
      if (entry.handlerId !== handlerId) continue;
      this.queue.splice(i, 1);
      entry.reject(new Error('Handler disconnected'));
    }
  }

  /** A connection went away: end what it left open (an exchange, a transaction) and hand the session on. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    // A Sync ends the exchange (and the error state of a failed one); then the transaction is rolled back (`exec`
    // takes PGlite's lock itself, the raw protocol call does not).
    if (this.inExchange)
      await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: () => undefined }));
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    this.inExchange = false;
    await this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = this.owner === null ? 0 : this.queue.findIndex((e) => e.handlerId === this.owner);
        // The owner's next message has not arrived yet: the others wait for it.
        if (index < 0) return;
        const entry = this.queue.splice(index, 1)[0]!;
        let bytes = 0;
        let failure: unknown;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(entry.message, {
              onRawData: (data) => {
                bytes += data.length;
                entry.onData(data);
              },
            }),
          );
        } catch (error) {
          failure = error;
        }
        const type = entry.message[0]!;
        this.inExchange = EXCHANGE.has(type) || (this.inExchange && this.owner === entry.handlerId && type !== SYNC[0]);
        this.owner = this.inExchange || this.db.isInTransaction() ? entry.handlerId : null;
        if (failure === undefined) entry.resolve(bytes);
        else entry.reject(failure);
      }
    } finally {
      this.processing = false;
    }
  }
}
