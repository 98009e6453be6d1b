import { createHash } from 'node:crypto';
import { caseV1 } from '@govhall/contracts';
import type { LogDraft } from './model';

/** The first entry's `prev_hash`: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * SM3 (GB/T 32905) over the previous hash and the entry's canonical form: the entry as proto-JSON without its
 * `hash` (ts-proto writes fields in declaration order and omits defaults, so the form is stable as fields are
 * added). Changing, dropping or reordering a stored entry breaks every hash after it.
 */
export function entryHash(entry: caseV1.ActionLogEntry): string {
  const canonical = JSON.stringify(caseV1.ActionLogEntry.toJSON({ ...entry, hash: '' }));
  return createHash('sm3').update(entry.prevHash).update('\n').update(canonical).digest('hex');
}

/** Numbers and chains drafts after `previous` (the case's last stored entry). */
export function chainEntries(
  previous: Pick<caseV1.ActionLogEntry, 'seq' | 'hash'> | undefined,
  drafts: readonly LogDraft[],
  meta: { caseId: string; at: Date; requestId: string },
): caseV1.ActionLogEntry[] {
  let seq = previous?.seq ?? 0;
  let prevHash = previous?.hash ?? GENESIS_HASH;
  return drafts.map((draft) => {
    seq += 1;
    const entry: caseV1.ActionLogEntry = {
      seq,
      caseId: meta.caseId,
      action: draft.action,
      stage: draft.stage,
      subtaskCode: draft.subtaskCode ?? '',
      actorId: draft.actor.staffId,
      actorRole: draft.role,
      departmentId: draft.departmentId ?? draft.actor.departmentId,
      hallId: draft.hallId ?? draft.actor.hallId,
      at: meta.at,
      opinion: draft.opinion ?? '',
      attachments: [...(draft.attachments ?? [])],
      detail: Object.entries(draft.detail ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
      prevHash,
      hash: '',
      requestId: meta.requestId,
    };
    entry.hash = entryHash(entry);
    prevHash = entry.hash;
    return entry;
  });
}

export interface ChainCheck {
  readonly intact: boolean;
  readonly entries: number;
  readonly firstBrokenSeq: number;
  readonly problem: string;
}

/** Recomputes a case's chain, in seq order, from the genesis hash. */
export function verifyChain(entries: readonly caseV1.ActionLogEntry[]): ChainCheck {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const entry of entries) {
    const broken = (problem: string): ChainCheck => ({
      intact: false,
      entries: entries.length,
      firstBrokenSeq: entry.seq,
      problem,
    });
    if (entry.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing (found ${entry.seq})`);
    if (entry.prevHash !== prevHash) return broken(`entry ${entry.seq} does not follow entry ${entry.seq - 1}`);
    if (entryHash(entry) !== entry.hash) return broken(`entry ${entry.seq} was changed after it was written`);
    prevHash = entry.hash;
    expectedSeq += 1;
  }
  return { intact: true, entries: entries.length, firstBrokenSeq: 0, problem: '' };
}
