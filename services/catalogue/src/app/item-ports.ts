import type { CommandKey } from '@govhall/kit';
import type { Emit } from './events';
import type {
  CaseType,
  CleanupRecord,
  ItemBundle,
  ItemStatus,
  ItemType,
  ItemVersion,
  ItemVersionSummary,
  BundlePlace,
} from '../domain/items';
import type { FeeCatalogueEntry } from '../domain/fee-catalogue';
import type { GuideFieldDocument, GuideFilter, GuideQuery } from '../domain/items-search';
import type { BodyNature, HallTier } from '../domain/organisation';

/**
 * Which versions a listing returns. Undefined: each item's current version (its published version, else its
 * newest). `draft`: open drafts. `published`: items in service. `retired`: items out of service, i.e. whose
 * current version is retired (cancelled or merged).
 */
export interface ItemFilter {
  hallId?: string;
  departmentId?: string;
  status?: ItemStatus;
  itemType?: ItemType;
  caseType?: CaseType;
  /** Items this tier may accept. */
  acceptTier?: HallTier;
  /** Frozen items only (true), or those not frozen (false). */
  frozen?: boolean;
  limit: number;
  offset: number;
}

export interface CleanupFilter {
  /** Records of this item and merges into it. */
  itemId?: string;
  round?: string;
}

export interface BundleFilter {
  /** Bundles containing this item. */
  itemId?: string;
  /** Bundles issued in this hall. */
  hallId?: string;
  includeInactive: boolean;
}

/** What an item checks about a department of the directory. */
export interface DirectoryDepartment {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  readonly nature: BodyNature;
  readonly hallId: string;
  /** The department's own government level: the tier that exercises its items. */
  readonly tier: HallTier;
  /** Tier of the hall that seats it (where its items are accepted). */
  readonly hallTier: HallTier;
}

/** A hall as a bundle's place. */
export type BundleHall = NonNullable<BundlePlace['hall']>;
/** A window as a bundle's place, with the departments it serves. */
export type BundleWindow = NonNullable<BundlePlace['window']>;

/** What the guide index holds for one published version: where it is handled, and its fields. */
export interface GuideEntry {
  readonly itemId: string;
  readonly version: number;
  readonly departmentId: string;
  /** The implementing department's hall (filters by hall). */
  readonly hallId: string;
  readonly acceptTiers: readonly HallTier[];
  readonly fields: readonly GuideFieldDocument[];
}

/** One page of a guide search as the store ranks it (see `GUIDE_SCORING`), before excerpts are cut. */
export interface GuideSearchRow {
  readonly version: ItemVersion;
  readonly departmentName: string;
  readonly score: number;
  /** Fields that matched, best first. */
  readonly matchedFields: readonly string[];
}
export interface GuideSearchPage {
  readonly rows: readonly GuideSearchRow[];
  /** Answers over all pages. */
  readonly total: number;
}

/** A published version and how the guide index holds it. */
export interface GuideIndexState {
  readonly itemId: string;
  readonly version: number;
  readonly departmentName: string;
  /** The department text the index holds for it (`indexedGuideText`); null when the version is not indexed. */
  readonly indexedDepartmentText: string | null;
}

/** The identity row of an item: codes are fixed once a version has been published. */
export interface ItemRecord {
  readonly id: string;
  readonly baseCode: string;
  readonly implementationCode: string;
  readonly createdAt: Date;
  /** When the item was frozen (冻结); null when it is not. */
  readonly frozenAt: Date | null;
}

/** Reads of the item catalogue; inside a command they see the command's own writes. */
export interface ItemReads {
  getVersion(itemId: string, version: number): Promise<ItemVersion | undefined>;
  /** The published version, else the newest one. */
  getCurrentVersion(itemId: string): Promise<ItemVersion | undefined>;
  findItemIdByImplementationCode(code: string): Promise<string | undefined>;
  /** Oldest first. */
  listVersions(itemId: string): Promise<ItemVersionSummary[]>;
  /** Ordered by implementation code. */
  listItems(filter: ItemFilter): Promise<ItemVersion[]>;
  /** Oldest first. */
  listCleanupRecords(filter: CleanupFilter): Promise<CleanupRecord[]>;
  getBundle(id: string): Promise<ItemBundle | undefined>;
  listBundles(filter: BundleFilter): Promise<ItemBundle[]>;
  /**
   * Published versions sharing a term with the query, holding at least `minCovered` of its terms over all
   * their fields, best first (ties by item id); `total` counts them all.
   */
  searchGuide(
    query: GuideQuery,
    filter: GuideFilter,
    page: { minCovered: number; limit: number; offset: number },
  ): Promise<GuideSearchPage>;
}

/** One item command's transaction: reads, writes, and events that leave through the outbox on commit. */
export interface ItemTransaction extends ItemReads {
  /**
   * Locks the item for the rest of the transaction, so that commands on one item (publish, revise, retire)
   * run one after another. Undefined when the item does not exist.
   */
  lockItem(itemId: string): Promise<ItemRecord | undefined>;
  /** The departments among `ids` that exist, with their hall's tier. */
  departments(ids: readonly string[]): Promise<DirectoryDepartment[]>;
  /** Status of the current version of each existing item among `ids` (see `getCurrentVersion`). */
  itemStates(ids: readonly string[]): Promise<Map<string, ItemStatus>>;
  /** The current version of each existing item among `ids` (see `getCurrentVersion`). */
  currentVersions(ids: readonly string[]): Promise<Map<string, ItemVersion>>;
  /** What a bundle checks of a hall and a window of the directory (active or not). */
  directoryHall(id: string): Promise<BundleHall | undefined>;
  directoryWindow(id: string): Promise<BundleWindow | undefined>;
  /**
   * The fee catalogue entries among `ids` that exist, locked for share until commit: a cancellation or an update
   * of one waits for this command (and this one for it), so an item is never published under a cancelled entry.
   */
  feeCatalogueEntries(ids: readonly string[]): Promise<FeeCatalogueEntry[]>;
  /** Throws AlreadyExistsError when another item has the implementation code. */
  insertItem(record: ItemRecord): Promise<void>;
  /** Throws AlreadyExistsError when another item has the implementation code. */
  updateItemCodes(id: string, baseCode: string, implementationCode: string): Promise<void>;
  deleteItem(id: string): Promise<void>;
  /** Freezes the item as of `frozenAt`, or (null) lifts its freeze. */
  setFrozen(id: string, frozenAt: Date | null): Promise<void>;
  /** Inserts or replaces a version; the store refuses any change to a published version but its retirement. */
  saveVersion(version: ItemVersion): Promise<void>;
  deleteDraft(itemId: string, version: number): Promise<void>;
  saveCleanupRecord(record: CleanupRecord): Promise<void>;
  saveBundle(bundle: ItemBundle): Promise<void>;
  /** Makes `entry` the item's only entry in the guide index (earlier versions' rows go). */
  replaceGuideEntry(entry: GuideEntry): Promise<void>;
  /** Takes the item out of the guide index. */
  removeGuideEntry(itemId: string): Promise<void>;
  /**
   * Every version the guide shows (`shownInGuide`: published, the item not frozen) with its department's
   * current name and what the index holds for it.
   */
  guideIndexStates(): Promise<GuideIndexState[]>;
  /** Items with index rows the guide must not show: a version not published, or a frozen item. */
  strayGuideEntries(): Promise<string[]>;
  /** Raises an event with the command's commit (outbox). */
  readonly emit: Emit;
}

export interface ItemStore {
  readonly reads: ItemReads;
  /** Runs a command once per request id, in one transaction, then lets the outbox relay publish. */
  command<T>(key: CommandKey<T>, work: (tx: ItemTransaction) => Promise<T>): Promise<T>;
  /** Upkeep that is no one's command (no request id; raises no events): one transaction. */
  maintain<T>(work: (tx: ItemTransaction) => Promise<T>): Promise<T>;
}
