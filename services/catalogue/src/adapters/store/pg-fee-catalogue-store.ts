import { AlreadyExistsError, isUniqueViolation, type CommandKey } from '@govhall/kit';
import { sql, type ColumnType, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Emit } from '../../app/events';
import type {
  FeeCatalogueDepartment,
  FeeCatalogueFilter,
  FeeCatalogueReads,
  FeeCatalogueStore,
  FeeCatalogueTransaction,
} from '../../app/fee-catalogue-ports';
import type { FeeCatalogueEntry, FeeCatalogueStatus } from '../../domain/fee-catalogue';
import type { FeeKind } from '../../domain/items';
import { runCommand, type CatalogueCommands } from './commands';
import type { ItemTables } from './pg-item-store';

/** bigint columns: read back as text (node-postgres keeps 64-bit integers exact), written as numbers. */
type Fen = ColumnType<string, number, number>;

/** migrations/0008_fee_catalogue_and_bundle_place.sql: one row per entry of a hall's fee catalogue. */
export interface FeeCatalogueEntryRow {
  id: string;
  hall_id: string;
  code: string;
  name: string;
  charging_department_id: string;
  basis: string;
  kind: string;
  amount_fen: Fen;
  unit_price_fen: Fen;
  unit_name: string;
  fiscal_account: string;
  one_fee: boolean;
  upward_share_basis_points: number;
  upward_body: string;
  status: string;
  cancelled_round: string | null;
  cancelled_basis: string | null;
  cancelled_note: string | null;
  cancelled_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The fee catalogue beside the item tables (an entry in use is found in the items' content). */
export interface FeeCatalogueTables extends ItemTables {
  fee_catalogue_entries: FeeCatalogueEntryRow;
}

type Executor = Kysely<FeeCatalogueTables> | Transaction<FeeCatalogueTables>;

export const toFeeCatalogueEntry = (row: Selectable<FeeCatalogueEntryRow>): FeeCatalogueEntry => ({
  id: row.id,
  hallId: row.hall_id,
  code: row.code,
  name: row.name,
  chargingDepartmentId: row.charging_department_id,
  basis: row.basis,
  kind: row.kind as FeeKind,
  amountFen: Number(row.amount_fen),
  unitPriceFen: Number(row.unit_price_fen),
  unitName: row.unit_name,
  fiscalAccount: row.fiscal_account,
  oneFee: row.one_fee,
  upwardShareBasisPoints: row.upward_share_basis_points,
  upwardBody: row.upward_body,
  status: row.status as FeeCatalogueStatus,
  cancellation:
    row.cancelled_at === null
      ? null
      : {
          round: row.cancelled_round ?? '',
          basis: row.cancelled_basis ?? '',
          note: row.cancelled_note ?? '',
          cancelledAt: row.cancelled_at,
        },
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRow = (e: FeeCatalogueEntry): Insertable<FeeCatalogueEntryRow> => ({
  id: e.id,
  hall_id: e.hallId,
  code: e.code,
  name: e.name,
  charging_department_id: e.chargingDepartmentId,
  basis: e.basis,
  kind: e.kind,
  amount_fen: e.amountFen,
  unit_price_fen: e.unitPriceFen,
  unit_name: e.unitName,
  fiscal_account: e.fiscalAccount,
  one_fee: e.oneFee,
  upward_share_basis_points: e.upwardShareBasisPoints,
  upward_body: e.upwardBody,
  status: e.status,
  cancelled_round: e.cancellation?.round ?? null,
  cancelled_basis: e.cancellation?.basis ?? null,
  cancelled_note: e.cancellation?.note ?? null,
  cancelled_at: e.cancellation?.cancelledAt ?? null,
  version: e.version,
  created_at: e.createdAt,
  updated_at: e.updatedAt,
});

/**
 * The entries among `ids` that exist, locked for share until the transaction ends (the item store links fee
 * items under this lock, so a cancellation or update of the entry waits for the item command, and the other way
 * round).
 */
export async function feeCatalogueEntriesForShare(
  trx: Transaction<FeeCatalogueTables>,
  ids: readonly string[],
): Promise<FeeCatalogueEntry[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('fee_catalogue_entries')
    .selectAll()
    .where('id', 'in', [...ids])
    .forShare()
    .execute();
  return rows.map(toFeeCatalogueEntry);
}

/** Reads over either the pool or one transaction. */
class PgFeeCatalogueReads implements FeeCatalogueReads {
  constructor(protected readonly db: Executor) {}

  async getEntry(id: string): Promise<FeeCatalogueEntry | undefined> {
    const row = await this.db.selectFrom('fee_catalogue_entries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toFeeCatalogueEntry(row);
  }

  async listEntries(filter: FeeCatalogueFilter): Promise<FeeCatalogueEntry[]> {
    let query = this.db
      .selectFrom('fee_catalogue_entries')
      .selectAll()
      .where('hall_id', '=', filter.hallId)
      .orderBy('code');
    if (!filter.includeCancelled) query = query.where('status', '=', 'active');
    if (filter.departmentId) query = query.where('charging_department_id', '=', filter.departmentId);
    if (filter.oneFee !== undefined) query = query.where('one_fee', '=', filter.oneFee);
    return (await query.execute()).map(toFeeCatalogueEntry);
  }
}

class PgFeeCatalogueTransaction extends PgFeeCatalogueReads implements FeeCatalogueTransaction {
  constructor(
    private readonly trx: Transaction<FeeCatalogueTables>,
    readonly emit: Emit,
  ) {
    super(trx);
  }

  async lockEntry(id: string): Promise<FeeCatalogueEntry | undefined> {
    const row = await this.trx
      .selectFrom('fee_catalogue_entries')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && toFeeCatalogueEntry(row);
  }

  async hall(id: string): Promise<{ id: string; active: boolean } | undefined> {
    if (!id) return undefined;
    return this.trx.selectFrom('halls').select(['id', 'active']).where('id', '=', id).forShare().executeTakeFirst();
  }

  async department(id: string): Promise<FeeCatalogueDepartment | undefined> {
    if (!id) return undefined;
    const row = await this.trx
      .selectFrom('departments')
      .select(['id', 'hall_id', 'active'])
      .where('id', '=', id)
      .forShare()
      .executeTakeFirst();
    return row && { id: row.id, hallId: row.hall_id, active: row.active };
  }

  async insertEntry(entry: FeeCatalogueEntry): Promise<void> {
    try {
      await this.trx.insertInto('fee_catalogue_entries').values(toRow(entry)).execute();
    } catch (error) {
      // The unique index decides between concurrent creates of one code; the error aborts the transaction.
      if (isUniqueViolation(error)) {
        throw new AlreadyExistsError(`the fee catalogue of hall ${entry.hallId} already has code ${entry.code}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async updateEntry(entry: FeeCatalogueEntry): Promise<void> {
    const { id: _id, hall_id: _hall, code: _code, created_at: _created, ...changes } = toRow(entry);
    await this.trx.updateTable('fee_catalogue_entries').set(changes).where('id', '=', entry.id).execute();
  }

  async publishedItemsLinking(entryId: string): Promise<string[]> {
    // The containment matches the partial GIN index on published versions' fee items (migration 0008).
    const link = JSON.stringify([{ catalogueEntryId: entryId }]);
    const rows = await this.trx
      .selectFrom('item_versions')
      .select('item_id')
      .where('status', '=', 'published')
      .where(sql<boolean>`(content -> 'feeItems') @> ${link}::jsonb`)
      .orderBy('item_id')
      .execute();
    return rows.map((row) => row.item_id);
  }
}

/** PostgreSQL store, in the catalogue schema beside the directory and the items. */
export class PgFeeCatalogueStore implements FeeCatalogueStore {
  readonly reads: FeeCatalogueReads;

  constructor(private readonly commands: CatalogueCommands) {
    this.reads = new PgFeeCatalogueReads(commands.db as unknown as Kysely<FeeCatalogueTables>);
  }

  command<T>(key: CommandKey<T>, work: (tx: FeeCatalogueTransaction) => Promise<T>): Promise<T> {
    return runCommand(
      this.commands,
      key,
      (trx, emit) => new PgFeeCatalogueTransaction(trx as unknown as Transaction<FeeCatalogueTables>, emit),
      work,
    );
  }
}
