import type { CommandKey } from '@govhall/kit';
import type { Emit } from './events';
import type { FeeCatalogueEntry } from '../domain/fee-catalogue';

/** Which entries of a hall's catalogue a listing returns, by code. */
export interface FeeCatalogueFilter {
  hallId: string;
  /** Entries this department charges. */
  departmentId?: string;
  /** true: the one-fee entries; false: those charged on their own; undefined: both. */
  oneFee?: boolean;
  includeCancelled: boolean;
}

/** What an entry checks of a department of the directory. */
export interface FeeCatalogueDepartment {
  readonly id: string;
  /** The hall that seats it. */
  readonly hallId: string;
  readonly active: boolean;
}

/** Reads of the fee catalogue; inside a command they see the command's own writes. */
export interface FeeCatalogueReads {
  getEntry(id: string): Promise<FeeCatalogueEntry | undefined>;
  listEntries(filter: FeeCatalogueFilter): Promise<FeeCatalogueEntry[]>;
}

/** One fee catalogue command's transaction: reads, writes, and events that leave through the outbox on commit. */
export interface FeeCatalogueTransaction extends FeeCatalogueReads {
  /**
   * The entry, locked until commit: commands on one entry run one after another, and an item publishing under it
   * (which locks it for share) either finishes first or sees the change.
   */
  lockEntry(id: string): Promise<FeeCatalogueEntry | undefined>;
  /** A hall of the directory, locked for share (its deactivation waits); undefined when it does not exist. */
  hall(id: string): Promise<{ readonly id: string; readonly active: boolean } | undefined>;
  department(id: string): Promise<FeeCatalogueDepartment | undefined>;
  /** Throws AlreadyExistsError when the hall's catalogue already has the code. */
  insertEntry(entry: FeeCatalogueEntry): Promise<void>;
  updateEntry(entry: FeeCatalogueEntry): Promise<void>;
  /** Items whose published version has a fee item linked to the entry, by id. */
  publishedItemsLinking(entryId: string): Promise<string[]>;
  /** Raises an event with the command's commit (outbox). */
  readonly emit: Emit;
}

export interface FeeCatalogueStore {
  readonly reads: FeeCatalogueReads;
  /** Runs a command once per request id, in one transaction, then lets the outbox relay publish. */
  command<T>(key: CommandKey<T>, work: (tx: FeeCatalogueTransaction) => Promise<T>): Promise<T>;
}
