import type { Emit } from '../../app/events';
import { runCommand, type CatalogueCommands } from './commands';
import { AlreadyExistsError, isUniqueViolation, type CommandKey } from '@govhall/kit';
import { sql, type ColumnType, type Kysely, type Selectable, type Transaction } from 'kysely';
import type {
  CleanupAction,
  CleanupRecord,
  Delegation,
  ItemBundle,
  ItemContent,
  ItemStatus,
  ItemVersion,
  ItemVersionSummary,
  RetiredReason,
} from '../../domain/items';
import { storedContent } from '../../domain/items';
import type { GuideFilter, GuideQuery } from '../../domain/items-search';
import { GUIDE_SCORING } from '../../domain/items-search';
import type { BodyNature, HallTier, WindowKind } from '../../domain/organisation';
import type { FeeCatalogueEntry } from '../../domain/fee-catalogue';
import { feeCatalogueEntriesForShare, type FeeCatalogueTables } from './pg-fee-catalogue-store';
import type {
  BundleFilter,
  BundleHall,
  BundleWindow,
  CleanupFilter,
  DirectoryDepartment,
  GuideEntry,
  GuideIndexState,
  GuideSearchPage,
  ItemFilter,
  ItemReads,
  ItemRecord,
  ItemStore,
  ItemTransaction,
} from '../../app/item-ports';
import type { CatalogueTables } from './pg-organisation-store';

/** JSON documents: read back as objects (pg parses jsonb), written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** The item tables of the catalogue schema (migrations/0002_items.sql), beside the directory's. */
export interface ItemTables extends CatalogueTables {
  items: {
    id: string;
    base_code: string;
    implementation_code: string;
    created_at: Date;
    /** migrations/0007_item_rules.sql: when the item was frozen (冻结); null when it is not. */
    frozen_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
  item_versions: {
    item_id: string;
    version: number;
    status: string;
    revision: number;
    name: string;
    base_code: string;
    implementation_code: string;
    department_id: string;
    item_type: string;
    case_type: string;
    review_mode: string;
    exercising_tier: string;
    approve_tier: string;
    accept_tiers: string[];
    content: Json<ItemContent>;
    created_at: Date;
    updated_at: Date;
    published_at: Date | null;
    retired_at: Date | null;
    retired_reason: string | null;
    merged_into_item_id: string | null;
  };
  item_cleanup_records: {
    id: string;
    item_id: string;
    round: string;
    action: string;
    basis: string;
    note: string;
    from_version: number;
    merged_into_item_id: string | null;
    delegation: Json<Delegation | null> | null;
    draft_version: number | null;
    recorded_at: Date;
  };
  item_bundles: {
    id: string;
    name: string;
    description: string;
    /** migrations/0008: null only for bundles stored before they named their place. */
    hall_id: string | null;
    window_id: string | null;
    active: boolean;
    version: number;
    created_at: Date;
    updated_at: Date;
  };
  item_bundle_members: { bundle_id: string; item_id: string; position: number };
  /** migrations/0003_guide_search.sql: one row per field of each published version. */
  item_search_fields: {
    item_id: string;
    version: number;
    field: string;
    weight: number;
    text: string;
    terms: string[];
    department_id: string;
    hall_id: string;
    accept_tiers: string[];
  };
}

type Executor = Kysely<ItemTables> | Transaction<ItemTables>;

/** A version row with its item's freeze (kept on `items`: published rows never change). */
const toVersion = (row: Selectable<ItemTables['item_versions']> & { frozen_at: Date | null }): ItemVersion => ({
  itemId: row.item_id,
  version: row.version,
  status: row.status as ItemStatus,
  revision: row.revision,
  content: storedContent(row.content),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  publishedAt: row.published_at,
  retiredAt: row.retired_at,
  retiredReason: row.retired_reason as RetiredReason | null,
  mergedIntoItemId: row.merged_into_item_id,
  frozenAt: row.frozen_at,
});

const toCleanupRecord = (row: Selectable<ItemTables['item_cleanup_records']>): CleanupRecord => ({
  id: row.id,
  itemId: row.item_id,
  round: row.round,
  action: row.action as CleanupAction,
  basis: row.basis,
  note: row.note,
  fromVersion: row.from_version,
  mergedIntoItemId: row.merged_into_item_id,
  delegation: row.delegation,
  draftVersion: row.draft_version,
  recordedAt: row.recorded_at,
});

/** Reads over either the pool or one transaction. */
class PgItemReads implements ItemReads {
  constructor(protected readonly db: Executor) {}

  /** Versions with their item's freeze. */
  private versions() {
    return this.db
      .selectFrom('item_versions as v')
      .innerJoin('items as i', 'i.id', 'v.item_id')
      .selectAll('v')
      .select('i.frozen_at');
  }

  async getVersion(itemId: string, version: number): Promise<ItemVersion | undefined> {
    const row = await this.versions()
      .where('v.item_id', '=', itemId)
      .where('v.version', '=', version)
      .executeTakeFirst();
    return row && toVersion(row);
  }

  async getCurrentVersion(itemId: string): Promise<ItemVersion | undefined> {
    const row = await this.versions()
      .where('v.item_id', '=', itemId)
      .orderBy(sql`v.status = 'published'`, 'desc')
      .orderBy('v.version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toVersion(row);
  }

  async findItemIdByImplementationCode(code: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('items')
      .select('id')
      .where('implementation_code', '=', code)
      .executeTakeFirst();
    return row?.id;
  }

  async listVersions(itemId: string): Promise<ItemVersionSummary[]> {
    const rows = await this.db
      .selectFrom('item_versions')
      .select(['version', 'status', 'revision', 'name', 'created_at', 'published_at', 'retired_at', 'retired_reason'])
      .where('item_id', '=', itemId)
      .orderBy('version')
      .execute();
    return rows.map((row) => ({
      version: row.version,
      status: row.status as ItemStatus,
      revision: row.revision,
      name: row.name,
      createdAt: row.created_at,
      publishedAt: row.published_at,
      retiredAt: row.retired_at,
      retiredReason: row.retired_reason as RetiredReason | null,
    }));
  }

  async listItems(filter: ItemFilter): Promise<ItemVersion[]> {
    let query = this.versions()
      .innerJoin('departments as d', 'd.id', 'v.department_id')
      .orderBy('v.implementation_code')
      .orderBy('v.version')
      .limit(filter.limit)
      .offset(filter.offset);
    if (filter.status === 'draft' || filter.status === 'published') {
      query = query.where('v.status', '=', filter.status);
    } else {
      // The current version: the published one, else the newest.
      query = query.where('v.version', '=', (eb) =>
        eb
          .selectFrom('item_versions as w')
          .select(sql<number>`coalesce(max(w.version) filter (where w.status = 'published'), max(w.version))`.as('v'))
          .whereRef('w.item_id', '=', 'v.item_id'),
      );
      if (filter.status === 'retired') query = query.where('v.status', '=', 'retired');
    }
    if (filter.hallId) query = query.where('d.hall_id', '=', filter.hallId);
    if (filter.departmentId) query = query.where('v.department_id', '=', filter.departmentId);
    if (filter.itemType) query = query.where('v.item_type', '=', filter.itemType);
    if (filter.caseType) query = query.where('v.case_type', '=', filter.caseType);
    if (filter.acceptTier) {
      const tier = filter.acceptTier;
      query = query.where(sql<boolean>`${tier} = ANY(v.accept_tiers)`);
    }
    if (filter.frozen !== undefined) query = query.where('i.frozen_at', filter.frozen ? 'is not' : 'is', null);
    return (await query.execute()).map(toVersion);
  }

  async listCleanupRecords(filter: CleanupFilter): Promise<CleanupRecord[]> {
    let query = this.db.selectFrom('item_cleanup_records').selectAll().orderBy('recorded_at').orderBy('id');
    if (filter.itemId) {
      const itemId = filter.itemId;
      query = query.where((eb) => eb.or([eb('item_id', '=', itemId), eb('merged_into_item_id', '=', itemId)]));
    }
    if (filter.round) query = query.where('round', '=', filter.round);
    return (await query.execute()).map(toCleanupRecord);
  }

  async getBundle(id: string): Promise<ItemBundle | undefined> {
    return (await this.bundles([id]))[0];
  }

  async listBundles(filter: BundleFilter): Promise<ItemBundle[]> {
    let query = this.db.selectFrom('item_bundles').select('id').orderBy('name').orderBy('id');
    if (!filter.includeInactive) query = query.where('active', '=', true);
    if (filter.hallId) query = query.where('hall_id', '=', filter.hallId);
    if (filter.itemId) {
      const itemId = filter.itemId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('item_bundle_members as m')
            .select('m.bundle_id')
            .whereRef('m.bundle_id', '=', 'item_bundles.id')
            .where('m.item_id', '=', itemId),
        ),
      );
    }
    return this.bundles((await query.execute()).map((r) => r.id));
  }

  async searchGuide(
    query: GuideQuery,
    filter: GuideFilter,
    page: { minCovered: number; limit: number; offset: number },
  ): Promise<GuideSearchPage> {
    // node-postgres sends a JS array as a PostgreSQL array.
    const terms = sql<string[]>`${[...query.terms]}::text[]`;
    const termCount = Math.max(1, query.terms.length);
    const phraseCount = Math.max(1, query.phrases.length);
    // How many of the query's phrases a row holds verbatim (strpos: plain substring, no pattern syntax).
    const phraseHits =
      query.phrases.length === 0
        ? sql<number>`0`
        : sql<number>`${sql.join(
            query.phrases.map((phrase) => sql`(strpos(s.text, ${phrase}) > 0)::int`),
            sql` + `,
          )}`;
    const rows = await this.db
      .with('q', (db) => db.selectNoFrom(sql<string>`unnest(${terms})`.as('term')))
      // One row per (field row, query term it holds): one GIN lookup per term (`@>` needs no recheck), so
      // no term array is scanned per row.
      .with('pairs', (db) => {
        let pairs = db
          .selectFrom('q')
          .innerJoin('item_search_fields as s', (join) => join.on(sql<boolean>`s.terms @> array[q.term]`))
          .select([
            's.item_id',
            's.version',
            's.field',
            's.weight',
            'q.term',
            phraseHits.as('phrases'),
            sql<number>`cardinality(s.terms)`.as('size'),
          ]);
        if (filter.hallId) pairs = pairs.where('s.hall_id', '=', filter.hallId);
        if (filter.departmentId) pairs = pairs.where('s.department_id', '=', filter.departmentId);
        if (filter.acceptTier) pairs = pairs.where(sql<boolean>`${filter.acceptTier} = any(s.accept_tiers)`);
        return pairs;
      })
      // Field score: weight × (coverage + phrases + precision × density), see GUIDE_SCORING.
      .with('scored', (db) => {
        let scored = db
          .selectFrom('pairs')
          .groupBy(['item_id', 'version', 'field', 'weight'])
          .select([
            'item_id',
            'version',
            'field',
            sql<number>`weight * (count(*)::float8 / ${termCount} + max(phrases)::float8 / ${phraseCount}
              + ${GUIDE_SCORING.precision}::float8 * count(*) / greatest(max(size), 1))`.as('score'),
          ]);
        if (page.minCovered > 1) {
          // Items holding enough of the query's terms over all their fields.
          scored = scored.where('item_id', 'in', (eb) =>
            eb
              .selectFrom((inner) => inner.selectFrom('pairs').select(['item_id', 'term']).distinct().as('d'))
              .select('d.item_id')
              .groupBy('d.item_id')
              .having(sql<number>`count(*)`, '>=', page.minCovered),
          );
        }
        return scored;
      })
      .with('ranked', (db) =>
        db
          .selectFrom('scored')
          .groupBy(['item_id', 'version'])
          .select([
            'item_id',
            'version',
            sql<number>`max(score) + ${GUIDE_SCORING.others}::float8 * (sum(score) - max(score))`.as('score'),
            sql<string[]>`array_agg(field order by score desc, field)`.as('fields'),
          ]),
      )
      .with('page', (db) =>
        db
          .selectFrom('ranked')
          .select(['item_id', 'version', 'score', 'fields', sql<number>`(count(*) over ())::int`.as('total')])
          .orderBy('score', 'desc')
          .orderBy('item_id')
          .limit(page.limit)
          .offset(page.offset),
      )
      .selectFrom('page')
      .innerJoin('item_versions as v', (join) =>
        join.onRef('v.item_id', '=', 'page.item_id').onRef('v.version', '=', 'page.version'),
      )
      .innerJoin('departments as d', 'd.id', 'v.department_id')
      .innerJoin('items as i', 'i.id', 'v.item_id')
      .selectAll('v')
      .select(['page.score', 'page.fields', 'page.total', 'd.name as department_name', 'i.frozen_at'])
      .orderBy('page.score', 'desc')
      .orderBy('page.item_id')
      .execute();
    return {
      rows: rows.map((row) => ({
        version: toVersion(row),
        departmentName: row.department_name,
        score: row.score,
        matchedFields: row.fields,
      })),
      total: rows[0]?.total ?? 0,
    };
  }

  /** Bundles with their items in issue order, in the order of `ids`. */
  private async bundles(ids: readonly string[]): Promise<ItemBundle[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('item_bundles')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
    const members = await this.db
      .selectFrom('item_bundle_members')
      .selectAll()
      .where('bundle_id', 'in', [...ids])
      .orderBy('position')
      .execute();
    const byId = new Map<string, ItemBundle>(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          name: row.name,
          description: row.description,
          itemIds: members.filter((m) => m.bundle_id === row.id).map((m) => m.item_id),
          hallId: row.hall_id,
          windowId: row.window_id,
          active: row.active,
          version: row.version,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        },
      ]),
    );
    return ids.map((id) => byId.get(id)).filter((b): b is ItemBundle => b !== undefined);
  }
}

class PgItemTransaction extends PgItemReads implements ItemTransaction {
  constructor(
    private readonly trx: Transaction<ItemTables>,
    readonly emit: Emit,
  ) {
    super(trx);
  }

  async lockItem(itemId: string): Promise<ItemRecord | undefined> {
    const row = await this.trx.selectFrom('items').selectAll().where('id', '=', itemId).forUpdate().executeTakeFirst();
    return (
      row && {
        id: row.id,
        baseCode: row.base_code,
        implementationCode: row.implementation_code,
        createdAt: row.created_at,
        frozenAt: row.frozen_at,
      }
    );
  }

  async departments(ids: readonly string[]): Promise<DirectoryDepartment[]> {
    const wanted = ids.filter((id) => id !== '');
    if (wanted.length === 0) return [];
    const rows = await this.trx
      .selectFrom('departments as d')
      .innerJoin('halls as h', 'h.id', 'd.hall_id')
      .select(['d.id', 'd.name', 'd.active', 'd.nature', 'd.hall_id', 'd.tier', 'h.tier as hall_tier'])
      .where('d.id', 'in', wanted)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      active: row.active,
      nature: row.nature as BodyNature,
      hallId: row.hall_id,
      tier: row.tier as HallTier,
      hallTier: row.hall_tier as HallTier,
    }));
  }

  async itemStates(ids: readonly string[]): Promise<Map<string, ItemStatus>> {
    if (ids.length === 0) return new Map();
    const rows = await this.trx
      .selectFrom('item_versions')
      .select(['item_id', 'status'])
      .distinctOn('item_id')
      .where('item_id', 'in', [...ids])
      .orderBy('item_id')
      .orderBy(sql`status = 'published'`, 'desc')
      .orderBy('version', 'desc')
      .execute();
    return new Map(rows.map((row) => [row.item_id, row.status as ItemStatus]));
  }

  async currentVersions(ids: readonly string[]): Promise<Map<string, ItemVersion>> {
    if (ids.length === 0) return new Map();
    const rows = await this.trx
      .selectFrom('item_versions as v')
      .innerJoin('items as i', 'i.id', 'v.item_id')
      .selectAll('v')
      .select('i.frozen_at')
      .distinctOn('v.item_id')
      .where('v.item_id', 'in', [...ids])
      .orderBy('v.item_id')
      .orderBy(sql`v.status = 'published'`, 'desc')
      .orderBy('v.version', 'desc')
      .execute();
    return new Map(rows.map((row) => [row.item_id, toVersion(row)]));
  }

  async directoryHall(id: string): Promise<BundleHall | undefined> {
    const row = await this.trx
      .selectFrom('halls')
      .select(['id', 'tier', 'active'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { id: row.id, tier: row.tier as HallTier, active: row.active };
  }

  async directoryWindow(id: string): Promise<BundleWindow | undefined> {
    const row = await this.trx
      .selectFrom('windows')
      .select(['id', 'hall_id', 'number', 'kind', 'active'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const served = await this.trx
      .selectFrom('window_departments')
      .select('department_id')
      .where('window_id', '=', id)
      .orderBy('position')
      .execute();
    return {
      id: row.id,
      hallId: row.hall_id,
      number: row.number,
      kind: row.kind as WindowKind,
      active: row.active,
      departmentIds: served.map((s) => s.department_id),
    };
  }

  feeCatalogueEntries(ids: readonly string[]): Promise<FeeCatalogueEntry[]> {
    return feeCatalogueEntriesForShare(this.trx as unknown as Transaction<FeeCatalogueTables>, ids);
  }

  async insertItem(record: ItemRecord): Promise<void> {
    await this.uniqueCode(record.implementationCode, () =>
      this.trx
        .insertInto('items')
        .values({
          id: record.id,
          base_code: record.baseCode,
          implementation_code: record.implementationCode,
          created_at: record.createdAt,
          frozen_at: record.frozenAt,
        })
        .execute(),
    );
  }

  async updateItemCodes(id: string, baseCode: string, implementationCode: string): Promise<void> {
    await this.uniqueCode(implementationCode, () =>
      this.trx
        .updateTable('items')
        .set({ base_code: baseCode, implementation_code: implementationCode })
        .where('id', '=', id)
        .execute(),
    );
  }

  /**
   * Runs a write that may collide on the implementation code. The unique index decides (no read first), so
   * two concurrent creates cannot both pass; the error aborts the command's transaction.
   */
  private async uniqueCode(code: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AlreadyExistsError(`another item already has implementation code ${code}`, { cause: error });
      }
      throw error;
    }
  }

  async deleteItem(id: string): Promise<void> {
    await this.trx.deleteFrom('items').where('id', '=', id).execute();
  }

  async setFrozen(id: string, frozenAt: Date | null): Promise<void> {
    await this.trx.updateTable('items').set({ frozen_at: frozenAt }).where('id', '=', id).execute();
  }

  async saveVersion(version: ItemVersion): Promise<void> {
    const { content } = version;
    const row = {
      item_id: version.itemId,
      version: version.version,
      status: version.status,
      revision: version.revision,
      name: content.name,
      base_code: content.baseCode,
      implementation_code: content.implementationCode,
      department_id: content.departmentId,
      item_type: content.itemType,
      case_type: content.caseType,
      review_mode: content.reviewMode,
      exercising_tier: content.exercisingTier,
      approve_tier: content.approveTier,
      accept_tiers: [...content.acceptTiers],
      content: JSON.stringify(content),
      created_at: version.createdAt,
      updated_at: version.updatedAt,
      published_at: version.publishedAt,
      retired_at: version.retiredAt,
      retired_reason: version.retiredReason,
      merged_into_item_id: version.mergedIntoItemId,
    };
    await this.trx
      .insertInto('item_versions')
      .values(row)
      .onConflict((oc) => oc.columns(['item_id', 'version']).doUpdateSet(row))
      .execute();
  }

  async deleteDraft(itemId: string, version: number): Promise<void> {
    await this.trx
      .deleteFrom('item_versions')
      .where('item_id', '=', itemId)
      .where('version', '=', version)
      .where('status', '=', 'draft')
      .execute();
  }

  async saveCleanupRecord(record: CleanupRecord): Promise<void> {
    await this.trx
      .insertInto('item_cleanup_records')
      .values({
        id: record.id,
        item_id: record.itemId,
        round: record.round,
        action: record.action,
        basis: record.basis,
        note: record.note,
        from_version: record.fromVersion,
        merged_into_item_id: record.mergedIntoItemId,
        delegation: record.delegation && JSON.stringify(record.delegation),
        draft_version: record.draftVersion,
        recorded_at: record.recordedAt,
      })
      .execute();
  }

  async saveBundle(bundle: ItemBundle): Promise<void> {
    const row = {
      id: bundle.id,
      name: bundle.name,
      description: bundle.description,
      hall_id: bundle.hallId,
      window_id: bundle.windowId,
      active: bundle.active,
      version: bundle.version,
      created_at: bundle.createdAt,
      updated_at: bundle.updatedAt,
    };
    await this.trx
      .insertInto('item_bundles')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
    await this.trx.deleteFrom('item_bundle_members').where('bundle_id', '=', bundle.id).execute();
    await this.trx
      .insertInto('item_bundle_members')
      .values(bundle.itemIds.map((itemId, position) => ({ bundle_id: bundle.id, item_id: itemId, position })))
      .execute();
  }

  async replaceGuideEntry(entry: GuideEntry): Promise<void> {
    await this.removeGuideEntry(entry.itemId);
    if (entry.fields.length === 0) return;
    await this.trx
      .insertInto('item_search_fields')
      .values(
        entry.fields.map((f) => ({
          item_id: entry.itemId,
          version: entry.version,
          field: f.field,
          weight: f.weight,
          text: f.text,
          terms: [...f.terms],
          department_id: entry.departmentId,
          hall_id: entry.hallId,
          accept_tiers: [...entry.acceptTiers],
        })),
      )
      .execute();
  }

  async removeGuideEntry(itemId: string): Promise<void> {
    await this.trx.deleteFrom('item_search_fields').where('item_id', '=', itemId).execute();
  }

  // The guide shows a published version of an item not frozen (`shownInGuide`), here in SQL.
  async guideIndexStates(): Promise<GuideIndexState[]> {
    const rows = await this.trx
      .selectFrom('item_versions as v')
      .innerJoin('items as i', 'i.id', 'v.item_id')
      .innerJoin('departments as d', 'd.id', 'v.department_id')
      .leftJoin('item_search_fields as s', (join) =>
        join.onRef('s.item_id', '=', 'v.item_id').onRef('s.version', '=', 'v.version').on('s.field', '=', 'department'),
      )
      .select(['v.item_id', 'v.version', 'd.name', 's.text'])
      .where('v.status', '=', 'published')
      .where('i.frozen_at', 'is', null)
      .orderBy('v.item_id')
      .execute();
    return rows.map((row) => ({
      itemId: row.item_id,
      version: row.version,
      departmentName: row.name,
      indexedDepartmentText: row.text,
    }));
  }

  async strayGuideEntries(): Promise<string[]> {
    const rows = await this.trx
      .selectFrom('item_search_fields as s')
      .innerJoin('item_versions as v', (join) =>
        join.onRef('v.item_id', '=', 's.item_id').onRef('v.version', '=', 's.version'),
      )
      .innerJoin('items as i', 'i.id', 's.item_id')
      .select('s.item_id')
      .distinct()
      .where((eb) => eb.or([eb('v.status', '<>', 'published'), eb('i.frozen_at', 'is not', null)]))
      .execute();
    return rows.map((row) => row.item_id);
  }
}

/** PostgreSQL store, in the catalogue schema beside the directory (the tables come with the catalogue's migrations). */
export class PgItemStore implements ItemStore {
  readonly reads: ItemReads;
  private readonly db: Kysely<ItemTables>;

  constructor(private readonly commands: CatalogueCommands) {
    this.db = commands.db as unknown as Kysely<ItemTables>;
    this.reads = new PgItemReads(this.db);
  }

  command<T>(key: CommandKey<T>, work: (tx: ItemTransaction) => Promise<T>): Promise<T> {
    return runCommand(
      this.commands,
      key,
      (trx, emit) => new PgItemTransaction(trx as unknown as Transaction<ItemTables>, emit),
      work,
    );
  }

  maintain<T>(work: (tx: ItemTransaction) => Promise<T>): Promise<T> {
    const refuse = (): void => {
      throw new Error('upkeep raises no events');
    };
    return this.db.transaction().execute((trx) => work(new PgItemTransaction(trx, refuse)));
  }
}
