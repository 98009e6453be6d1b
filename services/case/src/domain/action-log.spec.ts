import { createHash } from 'node:crypto';
import { caseV1 } from '@govhall/contracts';
import { GENESIS_HASH, chainEntries, entryHash, verifyChain } from './action-log';
import { Stage, type LogDraft } from './model';
import { openCase } from './opening';
import { CASE_ID, accepted, bump, cst, environment, people, place, step, type ActionInput } from './spec-fixtures';

const M = caseV1.DeliveryMethod;

/** The log of a real case, chained transition by transition as the store does. */
function history(): caseV1.ActionLogEntry[] {
  const env = environment();
  const open = openCase(accepted(), place(), env, false);
  let c = bump(open);
  const entries: caseV1.ActionLogEntry[] = [];
  const append = (drafts: readonly LogDraft[], at: Date, requestId: string) => {
    entries.push(...chainEntries(entries[entries.length - 1], drafts, { caseId: CASE_ID, at, requestId }));
  };
  append(open.log, env.now, 'open:evt-1');
  const steps: Array<[ActionInput, typeof people.clerk, string]> = [
    [
      {
        review: { opinion: '材料齐全', attachments: [{ name: '现场照片.jpg', ref: 'doc-1', sha256: 'ab'.repeat(32) }] },
      },
      people.reviewer,
      '2026-03-03T09:00',
    ],
    [{ approve: { opinion: '准予许可' } }, people.leader, '2026-03-04T10:00'],
    [{ issue: { certificateNumber: 'JY1' } }, people.clerk, '2026-03-05T09:00'],
    [{ deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, '2026-03-05T09:30'],
    [{ complete: { note: '已办结' } }, people.clerk, '2026-03-05T10:00'],
  ];
  steps.forEach(([action, actor, local], i) => {
    const at = cst(local);
    const t = step(c, action, actor, env.at(at));
    c = bump(t);
    append(t.log, at, `req-${i + 1}`);
  });
  return entries;
}

describe('chainEntries', () => {
  const entries = history();

  it('numbers the entries from 1 and chains each to the one before, from the genesis hash', () => {
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(entries.map((e) => e.action)).toEqual(['opened', 'review', 'approve', 'issue', 'deliver', 'complete']);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    entries.slice(1).forEach((e, i) => expect(e.prevHash).toBe(entries[i]!.hash));
    for (const e of entries) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(entries.map((e) => e.hash)).size).toBe(entries.length);
  });

  it('writes what was done, by whom, where and when', () => {
    expect(entries[0]).toMatchObject({
      caseId: CASE_ID,
      actorId: people.clerk.staffId,
      actorRole: 'clerk',
      stage: Stage.accept,
      departmentId: 'dept-scjg',
      hallId: 'hall-weifang',
      detail: 'item=item-food@3\nregistration=DJ2026030200045',
      requestId: 'open:evt-1',
    });
    expect(entries[1]).toMatchObject({
      actorId: people.reviewer.staffId,
      actorRole: 'reviewer',
      stage: Stage.review,
      opinion: '材料齐全',
      attachments: [{ name: '现场照片.jpg', ref: 'doc-1', sha256: 'ab'.repeat(32) }],
      at: cst('2026-03-03T09:00'),
      requestId: 'req-1',
      detail: '',
      subtaskCode: '',
    });
    expect(entries[3]!.detail).toBe('document=准予许可〔2026〕第6030200123号\ncertificate=JY1');
  });

  it('the hash is SM3 of the previous hash, a newline and the entry as proto-JSON without its hash', () => {
    const e = entries[2]!;
    const canonical = JSON.stringify(caseV1.ActionLogEntry.toJSON({ ...e, hash: '' }));
    expect(canonical).not.toContain('"hash"');
    const expected = createHash('sm3').update(`${e.prevHash}\n${canonical}`).digest('hex');
    expect(entryHash(e)).toBe(expected);
    expect(e.hash).toBe(expected);
    // SM3 itself (GB/T 32905 example 1).
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('continues after the last stored entry', () => {
    const more = chainEntries(
      entries[5],
      [{ action: 'archive', actor: people.clerk, role: 'clerk', stage: Stage.archive }],
      {
        caseId: CASE_ID,
        at: cst('2026-03-09T09:00'),
        requestId: 'req-archive',
      },
    );
    expect(more).toHaveLength(1);
    expect(more[0]).toMatchObject({ seq: 7, prevHash: entries[5]!.hash });
    expect(verifyChain([...entries, ...more]).intact).toBe(true);
    expect(chainEntries(entries[5], [], { caseId: CASE_ID, at: cst('2026-03-09T09:00'), requestId: 'r' })).toEqual([]);
  });

  it('a system step names the department and hall it acted for', () => {
    const [e] = chainEntries(
      undefined,
      [
        {
          action: 'deemed_passed',
          actor: { staffId: 'system', roles: ['system'], departmentId: '', hallId: '' },
          role: 'system',
          stage: Stage.review,
          departmentId: 'dept-scjg',
          hallId: 'hall-weifang',
        },
      ],
      {
        caseId: CASE_ID,
        at: cst('2026-03-09T09:00'),
        requestId: 'sweep-1',
      },
    );
    expect(e).toMatchObject({ seq: 1, actorId: 'system', departmentId: 'dept-scjg', hallId: 'hall-weifang' });
  });
});

describe('verifyChain', () => {
  const entries = history();
  const copy = () => entries.map((e) => caseV1.ActionLogEntry.fromPartial(e));

  it('an untouched log is intact', () => {
    expect(verifyChain(entries)).toEqual({ intact: true, entries: 6, firstBrokenSeq: 0, problem: '' });
    expect(verifyChain([])).toEqual({ intact: true, entries: 0, firstBrokenSeq: 0, problem: '' });
  });

  it('an entry’s opinion changed: broken at that entry', () => {
    const changed = copy();
    changed[2]!.opinion = '不予许可';
    expect(verifyChain(changed)).toMatchObject({ intact: false, entries: 6, firstBrokenSeq: 3 });
    expect(verifyChain(changed).problem).toMatch(/entry 3 was changed/);
  });

  it('other fields are covered too: actor, time, detail, attachments', () => {
    const edits: Array<(e: caseV1.ActionLogEntry) => void> = [
      (e) => (e.actorId = 'leader-zheng'),
      (e) => (e.at = cst('2026-03-04T10:01')),
      (e) => (e.detail = 'decision=DECISION_KIND_REFUSED'),
      (e) => e.attachments.push({ name: 'x.pdf', ref: 'doc-9', sha256: '' }),
    ];
    for (const edit of edits) {
      const changed = copy();
      edit(changed[2]!);
      expect(verifyChain(changed)).toMatchObject({ intact: false, firstBrokenSeq: 3 });
    }
  });

  it('a changed entry with its own hash recomputed: the next entry no longer follows', () => {
    const changed = copy();
    changed[2]!.opinion = '不予许可';
    changed[2]!.hash = entryHash(changed[2]!);
    const check = verifyChain(changed);
    expect(check).toMatchObject({ intact: false, firstBrokenSeq: 4 });
    expect(check.problem).toMatch(/does not follow/);
  });

  it('an entry deleted: broken where the gap is', () => {
    const deleted = copy();
    deleted.splice(2, 1);
    const check = verifyChain(deleted);
    expect(check).toMatchObject({ intact: false, entries: 5, firstBrokenSeq: 4 });
    expect(check.problem).toMatch(/entry 3 is missing/);
    // Renumbered to hide the gap: the hashes give it away.
    const renumbered = deleted.map((e, i) => ({ ...e, seq: i + 1 }));
    expect(verifyChain(renumbered)).toMatchObject({ intact: false, firstBrokenSeq: 3 });
    const first = copy().slice(1);
    expect(verifyChain(first)).toMatchObject({ intact: false, firstBrokenSeq: 2 });
  });

  it('entries reordered: broken at the first out of place, with or without renumbering', () => {
    const swapped = copy();
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    expect(verifyChain(swapped)).toMatchObject({ intact: false, firstBrokenSeq: 3 });
    const renumbered = swapped.map((e, i) => ({ ...e, seq: i + 1 }));
    expect(verifyChain(renumbered)).toMatchObject({ intact: false, firstBrokenSeq: 2 });
  });
});
