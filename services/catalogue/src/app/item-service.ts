import {
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  ValidationError,
  nextPageToken,
  readPage,
  type Clock,
  type FieldViolation,
  type IdGenerator,
} from '@govhall/kit';
import { ItemViewResult, DraftDiscardedResult, ItemWithRecordResult, ItemBundleResult } from './results';
import {
  delegatedContent,
  deriveProcess,
  publishProblems,
  selectMaterials,
  validateBundleInput,
  validateBundlePlace,
  validateCleanupInput,
  validateDelegation,
  validateItemInput,
  withItemDefaults,
  type CleanupInput,
  type CleanupRecord,
  type Delegation,
  type ItemBundle,
  type ItemBundleInput,
  type ItemContent,
  type ItemDerived,
  type ItemInput,
  type ItemVersion,
  type ItemVersionSummary,
  type Material,
  type Unchecked,
} from '../domain/items';
import { linkFeeItems } from '../domain/fee-catalogue';
import {
  excerptField,
  guideDocument,
  guideExcerpt,
  guideFieldTexts,
  indexedGuideText,
  minimumCoveredTerms,
  parseGuideQuery,
  shownInGuide,
  type GuideField,
  type GuideFilter,
  type GuideHit,
} from '../domain/items-search';
import type {
  BundleFilter,
  CleanupFilter,
  ItemFilter,
  ItemReads,
  ItemRecord,
  ItemStore,
  ItemTransaction,
} from './item-ports';

export interface ItemDraftedEvent {
  readonly itemId: string;
  readonly version: number;
  readonly name: string;
  /** The published version the draft started from; null for a new item. */
  readonly basedOnVersion: number | null;
}
export interface ItemRetiredEvent {
  readonly itemId: string;
  readonly version: number;
  readonly reason: 'cancelled' | 'merged';
  readonly mergedIntoItemId: string | null;
  readonly record: CleanupRecord;
}

/** 冻结 or 解冻 of an item in service: its published version and the clean-up record. */
export interface ItemFreezeEvent {
  readonly itemId: string;
  readonly version: number;
  readonly record: CleanupRecord;
}

/** A filter as a page token's scope: its fields in a fixed order, so a token only serves its own query. */
function pageScope(filter: object): string {
  return JSON.stringify(Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function drafted(draft: ItemVersion, basedOnVersion: number | null): ItemDraftedEvent {
  return { itemId: draft.itemId, version: draft.version, name: draft.content.name, basedOnVersion };
}

/** A version as answered: its content and what follows from it. */
export type ItemView = ItemVersion & { readonly derived: ItemDerived };

/** Who reads: the public (applicants, anonymous callers) or the centre's staff and services. */
export type Audience = 'public' | 'internal';

export interface CommandMeta {
  requestId: string;
}

/** Which version GetItem reads: by id or implementation code; version 0 is the current one. */
export interface ItemLocator {
  itemId?: string;
  implementationCode?: string;
  version: number;
}

export interface MaterialList {
  readonly itemId: string;
  readonly version: number;
  readonly materials: readonly Material[];
  readonly unansweredGroups: readonly string[];
}

/** A page of guide search answers. */
export interface GuidePage {
  readonly hits: readonly GuideHit[];
  /** Answers over all pages. */
  readonly totalMatches: number;
  /** Empty on the last page. */
  readonly nextPageToken: string;
}

const MAX_PAGE_SIZE = 500;
const DEFAULT_PAGE_SIZE = 100;
const MAX_GUIDE_PAGE_SIZE = 50;
const DEFAULT_GUIDE_PAGE_SIZE = 20;
/** Guide answers beyond this rank are not paged to: refine the query instead. */
const MAX_GUIDE_OFFSET = 1000;

function view(version: ItemVersion): ItemView {
  return { ...version, derived: deriveProcess(version.content) };
}

/** `id v3`, for messages. */
const label = (itemId: string, version: number): string => `item ${itemId} version ${version}`;

/**
 * Use cases of the item catalogue. Every command validates, writes and raises its events in one transaction
 * (through the store's outbox), is idempotent by request id, and locks the item it changes so that commands
 * on one item serialise. Published versions are never changed: edits go to a draft version.
 */
export class ItemService {
  constructor(
    private readonly store: ItemStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  // ---- drafting ----------------------------------------------------------------------------------------

  /** A new item whose version 1 is a draft. The implementation code must be new (ALREADY_EXISTS). */
  createItem(meta: CommandMeta, input: ItemInput): Promise<ItemView> {
    const prepared = withItemDefaults(input);
    ValidationError.throwIfAny(validateItemInput(prepared));
    return this.store.command(
      { requestId: meta.requestId, operation: 'CreateItem', request: input, result: ItemViewResult },
      async (tx) => {
        const content = await this.checkAgainstCatalogue(tx, prepared);
        const now = this.clock.now();
        const id = this.ids.next();
        await tx.insertItem({
          id,
          baseCode: content.baseCode,
          implementationCode: content.implementationCode,
          createdAt: now,
          frozenAt: null,
        });
        const draft = this.newDraft(id, 1, content, now, null);
        await tx.saveVersion(draft);
        tx.emit('itemDrafted', drafted(draft, null));
        return view(draft);
      },
    );
  }

  /**
   * Replaces a draft's content. FAILED_PRECONDITION when the version is published or retired (they never
   * change: revise instead) or when `expectedRevision` is stale. The codes may change only until the item is
   * first published.
   */
  updateItem(
    meta: CommandMeta,
    itemId: string,
    version: number,
    expectedRevision: number,
    input: ItemInput,
  ): Promise<ItemView> {
    const prepared = withItemDefaults(input);
    ValidationError.throwIfAny(validateItemInput(prepared));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'UpdateItem',
        request: { itemId, version, expectedRevision, input },
        result: ItemViewResult,
      },
      async (tx) => {
        const record = await this.lock(tx, itemId);
        const current = await this.requireVersion(tx, itemId, version);
        this.requireDraft(current);
        if (current.revision !== expectedRevision) {
          throw new PreconditionFailedError(
            `${label(itemId, version)} was changed by someone else (revision ${current.revision}, you read ${expectedRevision}); reload and retry`,
          );
        }
        const content = await this.checkAgainstCatalogue(tx, prepared);
        const versions = await tx.listVersions(itemId);
        const codesChanged =
          content.baseCode !== record.baseCode || content.implementationCode !== record.implementationCode;
        if (codesChanged) {
          if (versions.some((v) => v.status !== 'draft')) this.refuseCodeChange(record, content);
          await tx.updateItemCodes(itemId, content.baseCode, content.implementationCode);
        }
        const draft: ItemVersion = {
          ...current,
          content,
          revision: current.revision + 1,
          updatedAt: this.clock.now(),
        };
        await tx.saveVersion(draft);
        return view(draft);
      },
    );
  }

  /**
   * Starts a new draft version from the published `baseVersion` (a copy of it, or `input` when given).
   * FAILED_PRECONDITION when nothing is published, `baseVersion` is not the published version, or a draft is
   * already open (one draft at a time: edit that one).
   */
  reviseItem(meta: CommandMeta, itemId: string, baseVersion: number, input: ItemInput | null): Promise<ItemView> {
    const prepared = input && withItemDefaults(input);
    if (prepared) ValidationError.throwIfAny(validateItemInput(prepared));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'ReviseItem',
        request: { itemId, baseVersion, input },
        result: ItemViewResult,
      },
      async (tx) => {
        const record = await this.lock(tx, itemId);
        const { published, nextVersion } = await this.requireRevisable(tx, itemId, baseVersion);
        let content = published.content;
        if (prepared) {
          content = await this.checkAgainstCatalogue(tx, prepared);
          if (content.baseCode !== record.baseCode || content.implementationCode !== record.implementationCode) {
            this.refuseCodeChange(record, content);
          }
        }
        const draft = this.newDraft(itemId, nextVersion, content, this.clock.now(), record.frozenAt);
        await tx.saveVersion(draft);
        tx.emit('itemDrafted', drafted(draft, published.version));
        return view(draft);
      },
    );
  }

  /**
   * Drops a draft version. When it was the item's only version the item goes too (its codes become free),
   * unless a bundle names it (FAILED_PRECONDITION).
   */
  discardItemDraft(meta: CommandMeta, itemId: string, version: number): Promise<{ itemRemoved: boolean }> {
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'DiscardItemDraft',
        request: { itemId, version },
        result: DraftDiscardedResult,
      },
      async (tx) => {
        await this.lock(tx, itemId);
        const current = await this.requireVersion(tx, itemId, version);
        this.requireDraft(current);
        const others = (await tx.listVersions(itemId)).filter((v) => v.version !== version);
        if (others.length === 0) {
          const bundles = await tx.listBundles({ itemId, includeInactive: true });
          if (bundles.length > 0) {
            throw new PreconditionFailedError(
              `item ${itemId} is in bundles ${bundles.map((b) => b.id).join(', ')}; take it out of them first`,
            );
          }
        }
        await tx.deleteDraft(itemId, version);
        const itemRemoved = others.length === 0;
        if (itemRemoved) await tx.deleteItem(itemId);
        tx.emit('itemDraftDiscarded', { itemId, version, itemRemoved });
        return { itemRemoved };
      },
    );
  }

  /**
   * Publishes a draft: it must be complete (every disclosure filled, INVALID_ARGUMENT naming the gaps) and
   * still consistent with the directory. The version published before is retired as superseded. From here on
   * the version never changes.
   */
  publishItem(meta: CommandMeta, itemId: string, version: number, expectedRevision: number): Promise<ItemView> {
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'PublishItem',
        request: { itemId, version, expectedRevision },
        result: ItemViewResult,
      },
      async (tx) => {
        await this.lock(tx, itemId);
        const draft = await this.requireVersion(tx, itemId, version);
        this.requireDraft(draft);
        if (draft.revision !== expectedRevision) {
          throw new PreconditionFailedError(
            `${label(itemId, version)} is at revision ${draft.revision}, you reviewed ${expectedRevision}; reload and review again`,
          );
        }
        ValidationError.throwIfAny([...validateItemInput(draft.content), ...publishProblems(draft.content)]);
        await this.checkAgainstCatalogue(tx, draft.content, { publishing: true });
        const now = this.clock.now();
        const previous = await tx.getCurrentVersion(itemId);
        let supersededVersion: number | null = null;
        if (previous?.status === 'published') {
          // Retire first: at most one version of an item is published at any moment (a unique index says so).
          await tx.saveVersion({
            ...previous,
            status: 'retired',
            retiredAt: now,
            retiredReason: 'superseded',
            updatedAt: now,
          });
          supersededVersion = previous.version;
        }
        const published: ItemVersion = { ...draft, status: 'published', publishedAt: now, updatedAt: now };
        await tx.saveVersion(published);
        // The guide shows the version in service from the moment it is: same transaction as the publish. A
        // frozen item stays frozen (and out of the guide) through a new version until it is unfrozen.
        if (shownInGuide(published)) await this.indexForGuide(tx, published);
        else await tx.removeGuideEntry(itemId);
        const answer = view(published);
        tx.emit('itemPublished', { ...answer, supersededVersion });
        return answer;
      },
    );
  }

  // ---- clean-up rounds ---------------------------------------------------------------------------------

  /**
   * Takes the item out of service in a clean-up round: its published `version` is retired as cancelled, or
   * as merged into `mergedIntoItemId` (an item in service). FAILED_PRECONDITION while a draft is open.
   */
  retireItem(
    meta: CommandMeta,
    itemId: string,
    version: number,
    action: 'cancelled' | 'merged' | undefined,
    mergedIntoItemId: string | null,
    cleanup: CleanupInput,
  ): Promise<{ item: ItemView; record: CleanupRecord }> {
    const violations = validateCleanupInput(cleanup);
    if (!action) violations.push({ field: 'action', description: 'must be CANCELLED or MERGED' });
    if (action === 'merged' && !mergedIntoItemId) {
      violations.push({ field: 'merged_into_item_id', description: 'a merged item names the item it went into' });
    }
    if (action === 'cancelled' && mergedIntoItemId) {
      violations.push({ field: 'merged_into_item_id', description: 'only a merged item names another item' });
    }
    if (mergedIntoItemId && mergedIntoItemId === itemId) {
      violations.push({ field: 'merged_into_item_id', description: 'an item cannot be merged into itself' });
    }
    ValidationError.throwIfAny(violations);
    const reason = action!;
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'RetireItem',
        request: { itemId, version, action, mergedIntoItemId, cleanup },
        result: ItemWithRecordResult,
      },
      async (tx) => {
        const item = await this.lock(tx, itemId);
        const { published } = await this.requireRevisable(tx, itemId, version);
        if (mergedIntoItemId) {
          const state = (await tx.itemStates([mergedIntoItemId])).get(mergedIntoItemId);
          if (state !== 'published') {
            throw ValidationError.single(
              'merged_into_item_id',
              state ? `item ${mergedIntoItemId} is not in service` : `item ${mergedIntoItemId} does not exist`,
            );
          }
        }
        const now = this.clock.now();
        const retired: ItemVersion = {
          ...published,
          status: 'retired',
          retiredAt: now,
          retiredReason: reason,
          mergedIntoItemId,
          updatedAt: now,
          frozenAt: null,
        };
        await tx.saveVersion(retired);
        // Out of service is more than suspended: a freeze ends with the item's retirement.
        if (item.frozenAt) await tx.setFrozen(itemId, null);
        await tx.removeGuideEntry(itemId);
        const record: CleanupRecord = {
          ...cleanup,
          id: this.ids.next(),
          itemId,
          action: reason,
          fromVersion: published.version,
          mergedIntoItemId,
          delegation: null,
          draftVersion: null,
          recordedAt: now,
        };
        await tx.saveCleanupRecord(record);
        const data: ItemRetiredEvent = { itemId, version: published.version, reason, mergedIntoItemId, record };
        tx.emit('itemRetired', data);
        return { item: view(retired), record };
      },
    );
  }

  /**
   * Delegates the item down in a clean-up round: a new draft version approved at the delegated tier and
   * accepted there and below (see `delegatedContent`), to review and publish like any draft.
   */
  delegateItem(
    meta: CommandMeta,
    itemId: string,
    version: number,
    delegation: Unchecked<Delegation>,
    cleanup: CleanupInput,
  ): Promise<{ item: ItemView; record: CleanupRecord }> {
    ValidationError.throwIfAny(validateCleanupInput(cleanup));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'DelegateItem',
        request: { itemId, version, delegation, cleanup },
        result: ItemWithRecordResult,
      },
      async (tx) => {
        const item = await this.lock(tx, itemId);
        const { published, nextVersion } = await this.requireRevisable(tx, itemId, version);
        ValidationError.throwIfAny(validateDelegation(delegation, published.content.exercisingTier, 'delegation'));
        const content = delegatedContent(published.content, delegation as Delegation);
        ValidationError.throwIfAny(validateItemInput(content));
        const now = this.clock.now();
        const draft = this.newDraft(itemId, nextVersion, content, now, item.frozenAt);
        await tx.saveVersion(draft);
        const record: CleanupRecord = {
          ...cleanup,
          id: this.ids.next(),
          itemId,
          action: 'delegated',
          fromVersion: published.version,
          mergedIntoItemId: null,
          delegation: delegation as Delegation,
          draftVersion: draft.version,
          recordedAt: now,
        };
        await tx.saveCleanupRecord(record);
        tx.emit('itemDrafted', drafted(draft, published.version));
        return { item: view(draft), record };
      },
    );
  }

  /**
   * Suspends the item in service (冻结, a clean-up action): its published `version` stays published and
   * unchanged, but the item is marked frozen, leaves guide search and intake accepts no new case of it.
   * FAILED_PRECONDITION when nothing is published, `version` is not the published version, or it is already
   * frozen. A draft may stay open: a revision published while frozen stays frozen.
   */
  freezeItem(
    meta: CommandMeta,
    itemId: string,
    version: number,
    cleanup: CleanupInput,
  ): Promise<{ item: ItemView; record: CleanupRecord }> {
    return this.changeFreeze(meta, 'FreezeItem', itemId, version, cleanup, true);
  }

  /** Puts a frozen item back in service (解冻): guide search shows it again. FAILED_PRECONDITION when not frozen. */
  unfreezeItem(
    meta: CommandMeta,
    itemId: string,
    version: number,
    cleanup: CleanupInput,
  ): Promise<{ item: ItemView; record: CleanupRecord }> {
    return this.changeFreeze(meta, 'UnfreezeItem', itemId, version, cleanup, false);
  }

  private changeFreeze(
    meta: CommandMeta,
    operation: 'FreezeItem' | 'UnfreezeItem',
    itemId: string,
    version: number,
    cleanup: CleanupInput,
    freeze: boolean,
  ): Promise<{ item: ItemView; record: CleanupRecord }> {
    ValidationError.throwIfAny(validateCleanupInput(cleanup));
    return this.store.command(
      { requestId: meta.requestId, operation, request: { itemId, version, cleanup }, result: ItemWithRecordResult },
      async (tx) => {
        const item = await this.lock(tx, itemId);
        const published = (await tx.listVersions(itemId)).find((v) => v.status === 'published');
        if (!published) {
          throw new PreconditionFailedError(
            `item ${itemId} has no published version: only an item in service is frozen or unfrozen`,
          );
        }
        if (published.version !== version) {
          throw new PreconditionFailedError(
            `item ${itemId} has version ${published.version} published, not ${version}; reload and retry`,
          );
        }
        if (freeze && item.frozenAt) {
          throw new PreconditionFailedError(`item ${itemId} is already frozen (since ${item.frozenAt.toISOString()})`);
        }
        if (!freeze && !item.frozenAt) throw new PreconditionFailedError(`item ${itemId} is not frozen`);
        const now = this.clock.now();
        const frozenAt = freeze ? now : null;
        await tx.setFrozen(itemId, frozenAt);
        const current: ItemVersion = { ...(await this.requireVersion(tx, itemId, version)), frozenAt };
        if (shownInGuide(current)) await this.indexForGuide(tx, current);
        else await tx.removeGuideEntry(itemId);
        const record: CleanupRecord = {
          ...cleanup,
          id: this.ids.next(),
          itemId,
          action: freeze ? 'frozen' : 'unfrozen',
          fromVersion: version,
          mergedIntoItemId: null,
          delegation: null,
          draftVersion: null,
          recordedAt: now,
        };
        await tx.saveCleanupRecord(record);
        tx.emit(freeze ? 'itemFrozen' : 'itemUnfrozen', { itemId, version, record });
        return { item: view(current), record };
      },
    );
  }

  listCleanupRecords(filter: CleanupFilter): Promise<CleanupRecord[]> {
    return this.store.reads.listCleanupRecords(filter);
  }

  // ---- reads -------------------------------------------------------------------------------------------

  /**
   * One version (`version` > 0) or the current one: published, else newest. NOT_FOUND when absent. The public
   * (an anonymous caller) never sees a draft: a draft answers NOT_FOUND as if it did not exist, since drafts are
   * work in progress of the centre's administrators.
   */
  async getItem(locator: ItemLocator, audience: Audience = 'internal'): Promise<ItemView> {
    if (!locator.itemId && !locator.implementationCode) {
      throw ValidationError.single('item_id', 'name the item by id or by implementation code');
    }
    const reads = this.store.reads;
    const itemId =
      locator.itemId ||
      (locator.implementationCode ? await reads.findItemIdByImplementationCode(locator.implementationCode) : undefined);
    const wanted = locator.itemId || locator.implementationCode!;
    if (!itemId) throw new NotFoundError('item', wanted);
    const version =
      locator.version > 0 ? await reads.getVersion(itemId, locator.version) : await reads.getCurrentVersion(itemId);
    if (!version) {
      throw locator.version > 0
        ? new NotFoundError('item version', `${itemId}@${locator.version}`)
        : new NotFoundError('item', wanted);
    }
    if (audience === 'public' && version.status === 'draft') {
      throw locator.version > 0
        ? new NotFoundError('item version', `${itemId}@${locator.version}`)
        : new NotFoundError('item', wanted);
    }
    return view(version);
  }

  /**
   * A page of items (see `ItemFilter`); `pageToken` is the opaque token of the previous page. The public sees
   * items in service (and, when it asks for them, those retired); asking for drafts is PERMISSION_DENIED.
   */
  async listItems(
    wanted: Omit<ItemFilter, 'limit' | 'offset'>,
    page: { size: number; token: string },
    audience: Audience = 'internal',
  ): Promise<{ items: ItemView[]; nextPageToken: string }> {
    if (audience === 'public' && wanted.status === 'draft') {
      throw new PermissionDeniedError('drafts are visible to the centre’s staff only');
    }
    const filter: Omit<ItemFilter, 'limit' | 'offset'> =
      audience === 'public' && !wanted.status ? { ...wanted, status: 'published' } : wanted;
    const violations: FieldViolation[] = [];
    const scope = pageScope(filter);
    const window = readPage(page, { defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE }, scope, violations);
    ValidationError.throwIfAny(violations);
    const rows = await this.store.reads.listItems({ ...filter, limit: window.limit + 1, offset: window.offset });
    return {
      items: rows.slice(0, window.limit).map(view),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  /** An item's versions, oldest first; the public does not see drafts. */
  async listItemVersions(itemId: string, audience: Audience = 'internal'): Promise<ItemVersionSummary[]> {
    const stored = itemId ? await this.store.reads.listVersions(itemId) : [];
    const versions = audience === 'public' ? stored.filter((v) => v.status !== 'draft') : stored;
    if (versions.length === 0) throw new NotFoundError('item', itemId);
    return versions;
  }

  /**
   * The materials that apply in the chosen situations, from `version` or (0) the published version.
   * INVALID_ARGUMENT for unknown situations or two from one group; FAILED_PRECONDITION when version 0 is
   * asked of an item that is not in service.
   */
  async listMaterials(
    itemId: string,
    version: number,
    situationCodes: readonly string[],
    audience: Audience = 'internal',
  ): Promise<MaterialList> {
    const item = await this.getItem({ itemId, version }, audience);
    if (version === 0 && item.status !== 'published') {
      throw new PreconditionFailedError(`item ${itemId} has no published version; name a version to read a draft`);
    }
    const selection = selectMaterials(item.content, situationCodes);
    ValidationError.throwIfAny(selection.violations);
    return {
      itemId,
      version: item.version,
      materials: selection.materials,
      unansweredGroups: selection.unansweredGroups,
    };
  }

  // ---- guide search (办事指南) ---------------------------------------------------------------------------

  /**
   * Published items matching Chinese keywords (or latin words and numbers) in their name, codes, department,
   * the eight disclosures and material names, best first: a name hit above a disclosure hit, the exact phrase
   * above its bigrams scattered (see `GUIDE_SCORING`). Filtered by the department's hall, an accepting tier
   * and the department. INVALID_ARGUMENT for an empty or overlong query or a bad page.
   */
  async searchGuide(rawQuery: string, filter: GuideFilter, page: { size: number; token: string }): Promise<GuidePage> {
    const { query, violations } = parseGuideQuery(rawQuery);
    const scope = pageScope({ query: rawQuery, ...filter });
    const window = readPage(
      page,
      { defaultSize: DEFAULT_GUIDE_PAGE_SIZE, maxSize: MAX_GUIDE_PAGE_SIZE, maxOffset: MAX_GUIDE_OFFSET - 1 },
      scope,
      violations,
    );
    ValidationError.throwIfAny(violations);
    const { offset } = window;
    const found = await this.store.reads.searchGuide(query, filter, {
      minCovered: minimumCoveredTerms(query),
      limit: window.limit,
      offset,
    });
    const hits = found.rows.map((row): GuideHit => {
      const { content } = row.version;
      const matchedFields = row.matchedFields as GuideField[];
      const field = excerptField(matchedFields);
      return {
        itemId: row.version.itemId,
        version: row.version.version,
        name: content.name,
        implementationCode: content.implementationCode,
        departmentId: content.departmentId,
        departmentName: row.departmentName,
        caseType: content.caseType,
        promisedLimit: content.promisedLimit,
        statutoryLimit: content.statutoryLimit,
        matchedFields,
        excerpt: { field, text: guideExcerpt(guideFieldTexts(content, row.departmentName)[field], query) },
        score: row.score,
      };
    });
    const next = offset + hits.length;
    return {
      hits,
      totalMatches: found.total,
      nextPageToken: nextPageToken(window, next < found.total && next < MAX_GUIDE_OFFSET, scope),
    };
  }

  /**
   * Brings the guide index in line with the catalogue: indexes published versions it lacks (a database that
   * predates the index), re-indexes those whose department was renamed since, drops rows of versions no
   * longer in service. Returns how many items it re-indexed or dropped; 0 when all was in order. Safe to run
   * at any time, e.g. at start-up and after a department rename.
   */
  refreshGuideIndex(): Promise<number> {
    return this.store.maintain(async (tx) => {
      let changed = 0;
      for (const itemId of await tx.strayGuideEntries()) {
        await tx.removeGuideEntry(itemId);
        changed += 1;
      }
      for (const state of await tx.guideIndexStates()) {
        if (state.indexedDepartmentText === indexedGuideText(state.departmentName)) continue;
        // Locked and read again: a publish or retirement since the listing wins.
        await tx.lockItem(state.itemId);
        const current = await tx.getCurrentVersion(state.itemId);
        if (current && shownInGuide(current)) await this.indexForGuide(tx, current);
        else await tx.removeGuideEntry(state.itemId);
        changed += 1;
      }
      return changed;
    });
  }

  // ---- bundles -----------------------------------------------------------------------------------------

  createBundle(meta: CommandMeta, input: ItemBundleInput): Promise<ItemBundle> {
    ValidationError.throwIfAny(validateBundleInput(input));
    return this.store.command(
      { requestId: meta.requestId, operation: 'CreateItemBundle', request: input, result: ItemBundleResult },
      async (tx) => {
        await this.checkBundleItems(tx, input);
        const now = this.clock.now();
        const bundle: ItemBundle = {
          ...input,
          id: this.ids.next(),
          active: true,
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        await tx.saveBundle(bundle);
        tx.emit('bundleCreated', bundle);
        return bundle;
      },
    );
  }

  updateBundle(meta: CommandMeta, id: string, expectedVersion: number, input: ItemBundleInput): Promise<ItemBundle> {
    ValidationError.throwIfAny(validateBundleInput(input));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'UpdateItemBundle',
        request: { id, expectedVersion, input },
        result: ItemBundleResult,
      },
      async (tx) => {
        const current = await this.requireBundle(tx, id);
        if (current.version !== expectedVersion) {
          throw new PreconditionFailedError(
            `bundle ${id} was changed by someone else (version ${current.version}, you read ${expectedVersion}); reload and retry`,
          );
        }
        if (!current.active) throw new PreconditionFailedError(`bundle ${id} is deactivated`);
        await this.checkBundleItems(tx, input);
        const bundle: ItemBundle = { ...current, ...input, version: current.version + 1, updatedAt: this.clock.now() };
        await tx.saveBundle(bundle);
        tx.emit('bundleUpdated', bundle);
        return bundle;
      },
    );
  }

  deactivateBundle(meta: CommandMeta, id: string): Promise<ItemBundle> {
    return this.store.command(
      { requestId: meta.requestId, operation: 'DeactivateItemBundle', request: { id }, result: ItemBundleResult },
      async (tx) => {
        const current = await this.requireBundle(tx, id);
        if (!current.active) return current;
        const bundle: ItemBundle = {
          ...current,
          active: false,
          version: current.version + 1,
          updatedAt: this.clock.now(),
        };
        await tx.saveBundle(bundle);
        tx.emit('bundleDeactivated', bundle);
        return bundle;
      },
    );
  }

  getBundle(id: string): Promise<ItemBundle> {
    return this.requireBundle(this.store.reads, id);
  }

  listBundles(filter: BundleFilter): Promise<ItemBundle[]> {
    return this.store.reads.listBundles(filter);
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  private newDraft(
    itemId: string,
    version: number,
    content: ItemContent,
    now: Date,
    frozenAt: Date | null,
  ): ItemVersion {
    return {
      itemId,
      version,
      status: 'draft',
      revision: 1,
      content,
      createdAt: now,
      updatedAt: now,
      publishedAt: null,
      retiredAt: null,
      retiredReason: null,
      mergedIntoItemId: null,
      frozenAt,
    };
  }

  /** Makes `version` (published) the item's entry in the guide index, under its department's current name. */
  private async indexForGuide(tx: ItemTransaction, version: ItemVersion): Promise<void> {
    const { content } = version;
    const [department] = await tx.departments([content.departmentId]);
    if (!department) throw new NotFoundError('department', content.departmentId);
    await tx.replaceGuideEntry({
      itemId: version.itemId,
      version: version.version,
      departmentId: department.id,
      hallId: department.hallId,
      acceptTiers: content.acceptTiers,
      fields: guideDocument(content, department.name),
    });
  }

  private async lock(tx: ItemTransaction, itemId: string): Promise<ItemRecord> {
    const record = itemId ? await tx.lockItem(itemId) : undefined;
    if (!record) throw new NotFoundError('item', itemId);
    return record;
  }

  private async requireVersion(reads: ItemReads, itemId: string, version: number): Promise<ItemVersion> {
    const found = await reads.getVersion(itemId, version);
    if (!found) throw new NotFoundError('item version', `${itemId}@${version}`);
    return found;
  }

  private requireDraft(version: ItemVersion): void {
    if (version.status !== 'draft') {
      throw new PreconditionFailedError(
        `${label(version.itemId, version.version)} is ${version.status} and never changes; ReviseItem starts a new draft version`,
      );
    }
  }

  /** The published version is `version`, and no draft is open; answers the next version number. */
  private async requireRevisable(
    tx: ItemTransaction,
    itemId: string,
    version: number,
  ): Promise<{ published: ItemVersion; nextVersion: number }> {
    const versions = await tx.listVersions(itemId);
    const published = versions.find((v) => v.status === 'published');
    if (!published) throw new PreconditionFailedError(`item ${itemId} has no published version`);
    if (published.version !== version) {
      throw new PreconditionFailedError(
        `item ${itemId} has version ${published.version} published, not ${version}; reload and retry`,
      );
    }
    const draft = versions.find((v) => v.status === 'draft');
    if (draft) {
      throw new PreconditionFailedError(
        `item ${itemId} already has draft version ${draft.version}: edit it with UpdateItem, or discard it first`,
      );
    }
    return {
      published: await this.requireVersion(tx, itemId, version),
      nextVersion: Math.max(...versions.map((v) => v.version)) + 1,
    };
  }

  private refuseCodeChange(
    record: { baseCode: string; implementationCode: string },
    content: { baseCode: string; implementationCode: string },
  ): never {
    const violations: FieldViolation[] = [];
    if (content.baseCode !== record.baseCode) {
      violations.push({ field: 'item.base_code', description: `is fixed at ${record.baseCode} once published` });
    }
    if (content.implementationCode !== record.implementationCode) {
      violations.push({
        field: 'item.implementation_code',
        description: `is fixed at ${record.implementationCode} once published`,
      });
    }
    throw new ValidationError(violations);
  }

  /**
   * What the directory and the catalogue must confirm: the implementing department exists, is active and sits
   * at the exercising tier; fee-receiving and joint departments exist and are active; referenced items exist.
   * Fills the body nature from the department when the input leaves it out, and linked fee items' standards
   * from the fee catalogue (`linkFees`).
   */
  private async checkAgainstCatalogue(
    tx: ItemTransaction,
    sent: ItemInput,
    options: { publishing: boolean } = { publishing: false },
  ): Promise<ItemContent> {
    const input = await this.linkFees(tx, sent, options.publishing);
    const departmentIds = [
      input.departmentId,
      ...input.feeItems.map((fee) => fee.receivingDepartmentId),
      ...(input.joint ? [input.joint.leadDepartmentId, ...input.joint.subItems.map((s) => s.departmentId)] : []),
    ];
    const departments = new Map((await tx.departments([...new Set(departmentIds)])).map((d) => [d.id, d]));
    const itemIds = [
      ...input.prerequisites.map((p) => p.itemId),
      ...(input.joint?.subItems.map((s) => s.itemId) ?? []),
    ].filter((id): id is string => !!id);
    const items = await tx.itemStates([...new Set(itemIds)]);

    const violations: FieldViolation[] = [];
    const checkDepartment = (field: string, id: string): boolean => {
      const department = departments.get(id);
      if (!department) violations.push({ field, description: `department ${id} does not exist` });
      else if (!department.active) violations.push({ field, description: `department ${id} is deactivated` });
      return !!department?.active;
    };
    const checkItem = (field: string, id: string | null): void => {
      if (id && !items.has(id)) violations.push({ field, description: `item ${id} does not exist` });
    };
    if (checkDepartment('item.department_id', input.departmentId)) {
      const department = departments.get(input.departmentId)!;
      if (input.exercisingTier && department.tier !== input.exercisingTier) {
        violations.push({
          field: 'item.exercising_tier',
          description: `department ${department.id} is a ${department.tier}-level body, so it exercises at the ${department.tier} tier`,
        });
      }
    }
    input.feeItems.forEach((fee, i) => {
      if (fee.receivingDepartmentId) {
        checkDepartment(`item.fee_items[${i}].receiving_department_id`, fee.receivingDepartmentId);
      }
    });
    input.prerequisites.forEach((p, i) => checkItem(`item.prerequisites[${i}].item_id`, p.itemId));
    if (input.joint) {
      if (input.joint.leadDepartmentId) {
        checkDepartment('item.joint.lead_department_id', input.joint.leadDepartmentId);
      }
      input.joint.subItems.forEach((s, i) => {
        if (s.departmentId) checkDepartment(`item.joint.sub_items[${i}].department_id`, s.departmentId);
        checkItem(`item.joint.sub_items[${i}].item_id`, s.itemId);
      });
    }
    ValidationError.throwIfAny(violations);
    // Validated above (validateItemInput) and here: every enum is known and every limit present.
    return { ...input, bodyNature: input.bodyNature ?? departments.get(input.departmentId)!.nature } as ItemContent;
  }

  /**
   * Fee items linked to the fee catalogue take their standard from entries of the hall that seats the item's
   * department (see `linkFeeItems`); the entries are locked for share, so a cancellation waits for this command.
   * Publishing checks that the draft's copy is still what the entries say.
   */
  private async linkFees(tx: ItemTransaction, input: ItemInput, publishing: boolean): Promise<ItemInput> {
    const ids = [...new Set(input.feeItems.map((fee) => fee.catalogueEntryId).filter((id): id is string => !!id))];
    const entries = ids.length > 0 ? await tx.feeCatalogueEntries(ids) : [];
    const [department] = ids.length > 0 && input.departmentId ? await tx.departments([input.departmentId]) : [];
    const linking = linkFeeItems(input.feeItems, new Map(entries.map((e) => [e.id, e])), department?.hallId, {
      prefix: 'item',
      publishing,
    });
    ValidationError.throwIfAny(linking.violations);
    return { ...input, feeItems: linking.feeItems };
  }

  /**
   * Every item of a bundle exists, is not out of service, and is accepted where the bundle is issued: the
   * hall seats its department and accepts its tier, and the window issues for it (`validateBundlePlace`).
   */
  private async checkBundleItems(tx: ItemTransaction, input: ItemBundleInput): Promise<void> {
    const versions = await tx.currentVersions(input.itemIds);
    const violations: FieldViolation[] = [];
    input.itemIds.forEach((id, i) => {
      const state = versions.get(id)?.status;
      const field = `bundle.item_ids[${i}]`;
      if (!state) violations.push({ field, description: `item ${id} does not exist` });
      else if (state === 'retired') violations.push({ field, description: `item ${id} is out of service` });
    });
    const inService = [...versions.values()].filter((v) => v.status !== 'retired');
    const departments = new Map(
      (await tx.departments([...new Set(inService.map((v) => v.content.departmentId))])).map((d) => [d.id, d]),
    );
    const items = new Map(
      inService.flatMap((v) => {
        const department = departments.get(v.content.departmentId);
        return department
          ? [
              [
                v.itemId,
                {
                  departmentId: department.id,
                  departmentHallId: department.hallId,
                  acceptTiers: v.content.acceptTiers,
                },
              ] as const,
            ]
          : [];
      }),
    );
    const hall = input.hallId ? await tx.directoryHall(input.hallId) : undefined;
    const window = input.windowId ? await tx.directoryWindow(input.windowId) : undefined;
    violations.push(...validateBundlePlace(input, { hall, window, items }));
    ValidationError.throwIfAny(violations);
  }

  private async requireBundle(
    reads: { getBundle(id: string): Promise<ItemBundle | undefined> },
    id: string,
  ): Promise<ItemBundle> {
    const bundle = id ? await reads.getBundle(id) : undefined;
    if (!bundle) throw new NotFoundError('item bundle', id);
    return bundle;
  }
}
