import {
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
  type Clock,
  type FieldViolation,
  type IdGenerator,
} from '@govhall/kit';
import {
  changesLinkedFees,
  fixedEntryFieldProblems,
  validateFeeCatalogueEntryInput,
  type FeeCatalogueEntry,
  type FeeCatalogueEntryInput,
} from '../domain/fee-catalogue';
import { validateCleanupInput, type CleanupInput } from '../domain/items';
import type { FeeCatalogueFilter, FeeCatalogueStore, FeeCatalogueTransaction } from './fee-catalogue-ports';
import { FeeCatalogueEntryResult, FeeCatalogueUpdateResult } from './results';

export interface FeeCatalogueCommandMeta {
  requestId: string;
}

/** Answer of {@link FeeCatalogueService.updateEntry}. */
export interface FeeCatalogueUpdate {
  readonly entry: FeeCatalogueEntry;
  /** Items in service that link the entry and carry what it said before the update: revise them. */
  readonly itemsToRevise: readonly string[];
}

/**
 * Use cases of the halls' fee catalogues (行政事业性收费目录): administrators create and update entries and cancel
 * them in clean-up rounds; everyone reads them. Commands validate, write and raise their events in one
 * transaction (through the store's outbox) and are idempotent by request id.
 */
export class FeeCatalogueService {
  constructor(
    private readonly store: FeeCatalogueStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * A new active entry. The hall must exist and be active, the charging department be active and seated in it
   * (INVALID_ARGUMENT on `entry.hall_id` / `entry.charging_department_id`); a code the hall's catalogue already
   * has is ALREADY_EXISTS.
   */
  createEntry(meta: FeeCatalogueCommandMeta, input: FeeCatalogueEntryInput): Promise<FeeCatalogueEntry> {
    ValidationError.throwIfAny(validateFeeCatalogueEntryInput(input));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'CreateFeeCatalogueEntry',
        request: input,
        result: FeeCatalogueEntryResult,
      },
      async (tx) => {
        await this.checkPlace(tx, input);
        const now = this.clock.now();
        const entry: FeeCatalogueEntry = {
          ...input,
          kind: input.kind!,
          id: this.ids.next(),
          status: 'active',
          cancellation: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        await tx.insertEntry(entry);
        tx.emit('feeCatalogueEntryCreated', entry);
        return entry;
      },
    );
  }

  /**
   * Replaces an active entry's content (`expectedVersion` is the version read; stale is FAILED_PRECONDITION, as
   * is a cancelled entry). The hall and the code are fixed. Published items keep the standard they were published
   * with; when the update changes what linked fee items carry, the answer lists the items to revise.
   */
  updateEntry(
    meta: FeeCatalogueCommandMeta,
    id: string,
    expectedVersion: number,
    input: FeeCatalogueEntryInput,
  ): Promise<FeeCatalogueUpdate> {
    ValidationError.throwIfAny(validateFeeCatalogueEntryInput(input));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'UpdateFeeCatalogueEntry',
        request: { id, expectedVersion, input },
        result: FeeCatalogueUpdateResult,
      },
      async (tx) => {
        const current = await this.lockEntry(tx, id);
        this.requireVersion(current, expectedVersion);
        if (current.status === 'cancelled') {
          throw new PreconditionFailedError(`fee catalogue entry ${current.code} is cancelled and never changes`);
        }
        ValidationError.throwIfAny(fixedEntryFieldProblems(current, input));
        await this.checkPlace(tx, input);
        const entry: FeeCatalogueEntry = {
          ...current,
          ...input,
          kind: input.kind!,
          version: current.version + 1,
          updatedAt: this.clock.now(),
        };
        await tx.updateEntry(entry);
        const itemsToRevise = changesLinkedFees(current, input) ? await tx.publishedItemsLinking(id) : [];
        tx.emit('feeCatalogueEntryUpdated', entry);
        return { entry, itemsToRevise };
      },
    );
  }

  /**
   * Cancels an entry in a clean-up round (取消收费项目): it stays readable, with the round and the decision, and
   * never changes again; no fee item may link it any more. FAILED_PRECONDITION while an item in service charges
   * under it (naming the items: revise them first) or when `expectedVersion` is stale. An entry cancelled already
   * is answered as it is (no event).
   */
  cancelEntry(
    meta: FeeCatalogueCommandMeta,
    id: string,
    expectedVersion: number,
    cleanup: CleanupInput,
  ): Promise<FeeCatalogueEntry> {
    ValidationError.throwIfAny(validateCleanupInput(cleanup));
    return this.store.command(
      {
        requestId: meta.requestId,
        operation: 'CancelFeeCatalogueEntry',
        request: { id, expectedVersion, cleanup },
        result: FeeCatalogueEntryResult,
      },
      async (tx) => {
        const current = await this.lockEntry(tx, id);
        if (current.status === 'cancelled') return current;
        this.requireVersion(current, expectedVersion);
        const users = await tx.publishedItemsLinking(id);
        if (users.length > 0) {
          throw new PreconditionFailedError(
            `fee catalogue entry ${current.code} is charged by items in service: ${users.join(', ')}; revise them to charge without it first`,
          );
        }
        const now = this.clock.now();
        const entry: FeeCatalogueEntry = {
          ...current,
          status: 'cancelled',
          cancellation: { ...cleanup, cancelledAt: now },
          version: current.version + 1,
          updatedAt: now,
        };
        await tx.updateEntry(entry);
        tx.emit('feeCatalogueEntryCancelled', entry);
        return entry;
      },
    );
  }

  /** One entry, active or cancelled; NOT_FOUND when absent. */
  async getEntry(id: string): Promise<FeeCatalogueEntry> {
    const entry = id ? await this.store.reads.getEntry(id) : undefined;
    if (!entry) throw new NotFoundError('fee catalogue entry', id);
    return entry;
  }

  /** A hall's entries by code (INVALID_ARGUMENT without a hall). */
  listEntries(filter: FeeCatalogueFilter): Promise<FeeCatalogueEntry[]> {
    if (!filter.hallId) throw ValidationError.single('hall_id', 'is required: a fee catalogue is a hall’s');
    return this.store.reads.listEntries(filter);
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  private async lockEntry(tx: FeeCatalogueTransaction, id: string): Promise<FeeCatalogueEntry> {
    const entry = id ? await tx.lockEntry(id) : undefined;
    if (!entry) throw new NotFoundError('fee catalogue entry', id);
    return entry;
  }

  private requireVersion(entry: FeeCatalogueEntry, expectedVersion: number): void {
    if (entry.version !== expectedVersion) {
      throw new PreconditionFailedError(
        `fee catalogue entry ${entry.code} was changed by someone else (version ${entry.version}, you read ${expectedVersion}); reload and retry`,
      );
    }
  }

  /** The hall exists and is active; the charging department is active and seated in it. */
  private async checkPlace(tx: FeeCatalogueTransaction, input: FeeCatalogueEntryInput): Promise<void> {
    const violations: FieldViolation[] = [];
    const hall = await tx.hall(input.hallId);
    if (!hall) violations.push({ field: 'entry.hall_id', description: `hall ${input.hallId} does not exist` });
    else if (!hall.active) violations.push({ field: 'entry.hall_id', description: `hall ${hall.id} is deactivated` });
    const department = await tx.department(input.chargingDepartmentId);
    const field = 'entry.charging_department_id';
    if (!department) {
      violations.push({ field, description: `department ${input.chargingDepartmentId} does not exist` });
    } else if (!department.active) {
      violations.push({ field, description: `department ${department.id} is deactivated` });
    } else if (department.hallId !== input.hallId) {
      violations.push({
        field,
        description: `department ${department.id} is seated in hall ${department.hallId}: a hall's catalogue lists the fees of its own departments`,
      });
    }
    ValidationError.throwIfAny(violations);
  }
}
