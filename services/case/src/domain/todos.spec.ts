import { caseV1 } from '@govhall/contracts';
import { Stage, type Case } from './model';
import { openCase } from './opening';
import {
  CASE_ID,
  CASE_NUMBER,
  DEPT,
  HALL,
  T0,
  apply,
  bump,
  commitmentItem,
  crossTier,
  cst,
  environment,
  item,
  jointItem,
  opened,
  people,
} from './spec-fixtures';
import { todosOf } from './todos';

const K = caseV1.TodoKind;
const M = caseV1.DeliveryMethod;

describe('todosOf', () => {
  const env = environment();

  it('an open case waits for its active stage, in its department, by whoever takes it', () => {
    const c = opened();
    expect(todosOf(c)).toEqual([
      {
        caseId: CASE_ID,
        caseNumber: CASE_NUMBER,
        itemName: '食品经营许可',
        kind: K.TODO_KIND_STAGE,
        stage: Stage.review,
        subtaskCode: '',
        hallId: HALL.city,
        departmentId: DEPT.market,
        windowId: '',
        staffId: '',
        dueAt: cst('2026-03-05T17:30'),
        since: T0,
      },
    ]);
    const taken = apply(c, { take: {} }, people.reviewer, env);
    expect(todosOf(taken)).toEqual([expect.objectContaining({ staffId: people.reviewer.staffId })]);
  });

  it('ISSUE is worked at the window: the accepting one, or the bundle’s', () => {
    let c = apply(opened(), { review: { opinion: '同意' } }, people.reviewer, env);
    c = apply(c, { approve: { opinion: '同意' } }, people.leader, env);
    expect(todosOf(c)).toEqual([expect.objectContaining({ stage: Stage.issue, windowId: 'window-3' })]);
    const bundled: Case = {
      ...c,
      bundle: caseV1.BundleMembership.fromPartial({ bundleId: 'b-1', issuingWindowId: 'window-7' }),
    };
    expect(todosOf(bundled)[0]!.windowId).toBe('window-7');
  });

  it('a running special procedure: the to-do is the procedure, since it started', () => {
    const startedAt = cst('2026-03-03T10:00');
    const c = apply(
      opened(),
      {
        startSpecialProcedure: { kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_TESTING, reason: '样品送检' },
      },
      people.reviewer,
      env.at(startedAt),
    );
    expect(todosOf(c)).toEqual([
      expect.objectContaining({ kind: K.TODO_KIND_SPECIAL_PROCEDURE, stage: Stage.review, since: startedAt }),
    ]);
  });

  it('joint: the lead’s stage and every part that can be worked, each in its department', () => {
    const j = opened(jointItem(), env, { place: { approvingDepartmentId: DEPT.dev, leadDepartmentId: DEPT.dev } });
    const todos = todosOf(j);
    expect(todos.map((t) => [t.kind, t.subtaskCode, t.departmentId])).toEqual([
      [K.TODO_KIND_STAGE, '', DEPT.dev],
      [K.TODO_KIND_SUBTASK, 'LAND', DEPT.land],
      [K.TODO_KIND_SUBTASK, 'EIA', DEPT.env],
    ]);
    expect(todos[1]).toMatchObject({
      hallId: HALL.city,
      stage: Stage.review,
      dueAt: cst('2026-03-09T17:30'),
      since: T0,
      staffId: '',
    });

    const at = cst('2026-03-04T10:00');
    let next = apply(j, { take: { subtaskCode: 'EIA' } }, people.envApprover, env);
    next = apply(
      next,
      { decideSubtask: { subtaskCode: 'LAND', approved: true, opinion: '同意' } },
      people.landApprover,
      env.at(at),
    );
    expect(todosOf(next).map((t) => [t.subtaskCode, t.staffId])).toEqual([
      ['', ''],
      ['PLAN', ''],
      ['EIA', people.envApprover.staffId],
    ]);
    expect(todosOf(next)[1]).toMatchObject({ departmentId: DEPT.build, since: at, dueAt: cst('2026-03-09T17:30') });
  });

  it('告知承诺: the pending verification stays a to-do after completion, until verified', () => {
    const approvedAt = cst('2026-03-04T10:00');
    let c = apply(opened(commitmentItem()), { review: { opinion: '同意' } }, people.reviewer, env);
    c = apply(c, { approve: { opinion: '同意' } }, people.leader, env.at(approvedAt));
    c = apply(c, { issue: { certificateNumber: 'JY1' } }, people.clerk, env);
    c = apply(c, { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env);
    c = apply(c, { complete: {} }, people.clerk, env);
    expect(c.status).toBe(caseV1.CaseStatus.CASE_STATUS_COMPLETED);
    expect(todosOf(c)).toEqual([
      expect.objectContaining({
        kind: K.TODO_KIND_COMMITMENT_VERIFICATION,
        hallId: HALL.city,
        departmentId: DEPT.market,
        staffId: '',
        dueAt: cst('2026-04-01T17:30'),
        since: approvedAt,
      }),
    ]);
    const verified = apply(c, { verifyCommitment: { passed: true } }, people.reviewer, env);
    expect(todosOf(verified)).toEqual([]);
  });

  it('nothing for a completed case (its archive is a batch, not a to-do) or a case handed up elsewhere', () => {
    let c = apply(opened(item()), { review: { opinion: '同意' } }, people.reviewer, env);
    c = apply(c, { approve: { opinion: '同意' } }, people.leader, env);
    c = apply(c, { issue: { certificateNumber: 'JY1' } }, people.clerk, env);
    c = apply(c, { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env);
    expect(todosOf(apply(c, { complete: {} }, people.clerk, env))).toEqual([]);

    const remote = environment({ servesHall: (h) => h === HALL.county });
    const handed = apply(
      bump(openCase(crossTier.accepted(), crossTier.place, remote, false)),
      { review: { opinion: '初审通过' } },
      people.countyReviewer,
      remote,
    );
    expect(handed.status).toBe(caseV1.CaseStatus.CASE_STATUS_HANDED_UP);
    expect(todosOf(handed)).toEqual([]);
  });
});
