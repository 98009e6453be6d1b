import type { caseV1 } from '@govhall/contracts';
import type { CommandKey } from '@govhall/kit';
import type { Case, CaseEventDraft, Transition } from '../domain/model';

/** A case as stored: the message, its query password's hash, its last log entry (the chain's head). */
export interface StoredCase {
  readonly case: Case;
  readonly queryPasswordHash: string;
  /** A copy handed up to another deployment (it mirrors the upper tier). */
  readonly mirror: boolean;
  readonly head: { readonly seq: number; readonly hash: string } | undefined;
}

export interface BundleRecord {
  readonly id: string;
  readonly catalogueBundleId: string;
  readonly name: string;
  readonly hallId: string;
  readonly windowId: string;
  readonly applicantId: string;
  readonly itemIds: readonly string[];
  readonly caseIds: readonly string[];
  readonly pickupAt: Date | undefined;
  readonly issuedAt: Date | undefined;
}

export interface TodoScope {
  readonly staffId?: string;
  readonly windowId?: string;
  readonly departmentId?: string;
  readonly hallId?: string;
}

export interface Page {
  readonly size: number;
  /** Rows to skip (decoded page token). */
  readonly offset: number;
}

export interface CaseFilter {
  readonly hallId: string;
  readonly departmentId?: string;
  readonly status?: string;
}

/** Wrong-password bookkeeping of the public progress query. */
export interface AttemptRecord {
  readonly failures: number;
  readonly windowStartedAt: Date;
  readonly lockedUntil: Date | undefined;
}

export interface AttemptKey {
  readonly scope: 'case' | 'client';
  readonly key: string;
}

/** One command's transaction (awaits only its own queries). */
export interface CaseTx {
  /** The case, locked for this transaction. */
  get(caseId: string): Promise<StoredCase | undefined>;
  /** Writes a new case with its first entries; `entries` given: stored as they are (a copy handed up). */
  create(
    transition: Transition,
    meta: {
      requestId: string;
      queryPasswordHash: string;
      entries?: readonly caseV1.ActionLogEntry[];
    },
  ): Promise<caseV1.ActionLogEntry[]>;
  /**
   * Writes the next state over the version `stored` was read at (else FAILED_PRECONDITION with the current
   * state), appends its entries to the chain, rebuilds its to-dos and raises its events.
   */
  apply(stored: StoredCase, transition: Transition, requestId: string): Promise<caseV1.ActionLogEntry[]>;
  /** Replaces a mirrored copy with the upper tier's state and appends the entries it does not hold yet. */
  mirror(stored: StoredCase, next: Case, entries: readonly caseV1.ActionLogEntry[]): Promise<void>;
  history(caseId: string): Promise<caseV1.ActionLogEntry[]>;
  emit(event: CaseEventDraft, caseId?: string): void;
  setQueryPasswordHash(caseId: string, hash: string): Promise<void>;

  openBundle(catalogueBundleId: string, applicantId: string): Promise<BundleRecord | undefined>;
  saveBundle(bundle: BundleRecord): Promise<void>;
  bundle(bundleId: string): Promise<BundleRecord | undefined>;

  saveMeeting(meeting: caseV1.JointMeeting): Promise<void>;
  /** Completed, unarchived cases of a department completed in [from, to). */
  completedForArchive(hallId: string, departmentId: string, from: Date, to: Date): Promise<StoredCase[]>;
  saveArchiveBatch(batch: caseV1.ArchiveBatch): Promise<void>;
  archiveBatchFor(hallId: string, departmentId: string, weekStart: string): Promise<caseV1.ArchiveBatch | undefined>;
  saveSettings(settings: caseV1.HallCaseSettings): Promise<void>;
  settings(hallId: string): Promise<caseV1.HallCaseSettings | undefined>;
}

export interface CaseStore {
  find(ref: { caseId?: string; caseNumber?: string }): Promise<StoredCase | undefined>;
  history(caseId: string): Promise<caseV1.ActionLogEntry[]>;
  /** Runs an idempotent command in one transaction. */
  command<T>(key: CommandKey<T>, work: (tx: CaseTx) => Promise<T>): Promise<T>;
  todos(scope: TodoScope, page: Page): Promise<caseV1.TodoItem[]>;
  list(filter: CaseFilter, page: Page): Promise<caseV1.CaseSummary[]>;
  published(hallId: string, page: Page): Promise<Case[]>;
  meeting(meetingId: string): Promise<caseV1.JointMeeting | undefined>;
  archiveBatches(hallId: string, departmentId: string, page: Page): Promise<caseV1.ArchiveBatch[]>;
  bundle(bundleId: string): Promise<BundleRecord | undefined>;
  settings(hallId: string): Promise<caseV1.HallCaseSettings | undefined>;
  /** The wrong-password records of the progress query (no command: nothing here is idempotent by request). */
  attempts(keys: readonly AttemptKey[]): Promise<Array<AttemptRecord | undefined>>;
  /** Changes wrong-password records in one transaction, each read locked then written (undefined: cleared). */
  updateAttempts(
    keys: readonly AttemptKey[],
    update: (key: AttemptKey, current: AttemptRecord | undefined) => AttemptRecord | undefined,
  ): Promise<void>;
  /** Ids of open cases with a step due before `before` (the 超时默认 sweep). */
  overdueCandidates(before: Date, limit: number): Promise<string[]>;
}
