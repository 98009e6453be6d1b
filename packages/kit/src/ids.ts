import { uuidv7 } from 'uuidv7';

/** Generates identifiers. UUIDv7 sorts by creation time, which keeps index pages and outbox order tidy. */
export interface IdGenerator {
  next(): string;
}

export const uuidV7Ids: IdGenerator = { next: () => uuidv7() };

/** Predictable ids for tests: `prefix-1`, `prefix-2`, ... */
export class SequentialIds implements IdGenerator {
  private counter = 0;
  constructor(private readonly prefix = 'id') {}
  next(): string {
    this.counter += 1;
    return `${this.prefix}-${this.counter}`;
  }
}
