import { caseV1, catalogueItemsV1 as items } from '@govhall/contracts';
import { PermissionDeniedError, PreconditionFailedError } from '@govhall/kit';
import { initialSubtasks, isDecided, isSettled } from './joint';
import { Stage, type Case, type CaseActor } from './model';
import {
  DEPT,
  T0,
  apply,
  bump,
  cst,
  environment,
  eventNames,
  fieldsOf,
  jointItem,
  lastStage,
  opened,
  part,
  people,
  statuses,
  step,
  workingDays,
} from './spec-fixtures';

const S = caseV1.SubtaskStatus;
const jointPlace = { approvingDepartmentId: DEPT.dev, leadDepartmentId: DEPT.dev };
const decide = (
  c: Case,
  code: string,
  by: CaseActor,
  at: Date,
  decision: { approved: boolean; refusalReason?: string } = { approved: true },
) => step(c, { decideSubtask: { subtaskCode: code, opinion: '同意', ...decision } }, by, environment().at(at));

describe('initialSubtasks: the graph of the item', () => {
  const env = environment();

  it('parts with no edge are READY (parallel); parts with edges WAIT for every part they depend on (serial)', () => {
    const joint = items.JointProcess.fromPartial({
      leadDepartmentId: DEPT.dev,
      subItems: [
        { code: 'A', name: '甲', departmentId: DEPT.land, limit: workingDays(2) },
        { code: 'B', name: '乙', departmentId: DEPT.env },
        { code: 'C', name: '丙', departmentId: DEPT.build, limit: workingDays(1) },
      ],
      edges: [
        { subItem: 'C', dependsOn: 'A' },
        { subItem: 'C', dependsOn: 'B' },
      ],
    });
    const parts = initialSubtasks(joint, 'hall-weifang', env);
    expect(parts.map((p) => [p.code, p.status, p.dependsOn])).toEqual([
      ['A', S.SUBTASK_STATUS_READY, []],
      ['B', S.SUBTASK_STATUS_READY, []],
      ['C', S.SUBTASK_STATUS_WAITING, ['A', 'B']],
    ]);
    expect(parts[0]).toMatchObject({ readyAt: T0, dueAt: cst('2026-03-04T17:30'), budget: workingDays(2) });
    // No limit: neither budget nor due time.
    expect(parts[1]!.budget).toBeUndefined();
    expect(parts[1]!.dueAt).toBeUndefined();
    expect(parts[1]!.readyAt).toEqual(T0);
    // Waiting: its budget is kept for when it becomes ready.
    expect(parts[2]).toMatchObject({ budget: workingDays(1) });
    expect(parts[2]!.readyAt).toBeUndefined();
  });

  it('settled means approved or deemed passed; decided adds refused', () => {
    const of = (status: caseV1.SubtaskStatus) => caseV1.Subtask.fromPartial({ status });
    expect(
      [S.SUBTASK_STATUS_APPROVED, S.SUBTASK_STATUS_DEEMED_PASSED, S.SUBTASK_STATUS_REFUSED, S.SUBTASK_STATUS_READY].map(
        (s) => isSettled(of(s)),
      ),
    ).toEqual([true, true, false, false]);
    expect(
      [S.SUBTASK_STATUS_REFUSED, S.SUBTASK_STATUS_IN_PROGRESS, S.SUBTASK_STATUS_WAITING].map((s) => isDecided(of(s))),
    ).toEqual([true, false, false]);
  });
});

describe('deciding the parts of a joint case (联办)', () => {
  const c = opened(jointItem(), environment(), { place: jointPlace });
  const day2 = cst('2026-03-04T10:00');

  it('a waiting part cannot be decided, taken or assigned before its dependency is approved', () => {
    expect(() => decide(c, 'PLAN', people.buildApprover, day2)).toThrow(PreconditionFailedError);
    expect(() => decide(c, 'PLAN', people.buildApprover, day2)).toThrow(/LAND/);
    expect(() => step(c, { take: { subtaskCode: 'PLAN' } }, people.buildApprover, environment())).toThrow(
      PreconditionFailedError,
    );
    expect(() =>
      step(
        c,
        { assign: { subtaskCode: 'PLAN', staffId: people.buildApprover.staffId } },
        people.buildApprover,
        environment(),
      ),
    ).toThrow(PreconditionFailedError);
  });

  it('approving the dependency makes the waiting part READY, with its due time from then', () => {
    const t = decide(c, 'LAND', people.landApprover, day2);
    expect(part(t.case, 'LAND')).toMatchObject({
      status: S.SUBTASK_STATUS_APPROVED,
      opinion: '同意',
      refusalReason: '',
      decidedAt: day2,
      handlerStaffId: people.landApprover.staffId,
    });
    expect(part(t.case, 'PLAN')).toMatchObject({
      status: S.SUBTASK_STATUS_READY,
      readyAt: day2,
      // Wednesday + 3 working days.
      dueAt: cst('2026-03-09T17:30'),
    });
    expect(part(t.case, 'EIA').status).toBe(S.SUBTASK_STATUS_READY);
    expect(eventNames(t)).toEqual(['subtaskDecided', 'subtaskReady']);
    expect(t.events.map((e) => (e.payload as { subtask: caseV1.Subtask }).subtask.code)).toEqual(['LAND', 'PLAN']);
    expect(t.log).toEqual([
      expect.objectContaining({
        action: 'decide_subtask',
        role: 'approver',
        subtaskCode: 'LAND',
        stage: Stage.review,
        opinion: '同意',
        detail: { approved: 'true' },
      }),
    ]);
    // Now the part can be decided by its own department.
    expect(part(decide(bump(t), 'PLAN', people.buildApprover, day2).case, 'PLAN').status).toBe(
      S.SUBTASK_STATUS_APPROVED,
    );
  });

  it('only the part’s own department, with a deciding role', () => {
    expect(() => decide(c, 'LAND', people.envApprover, day2)).toThrow(PermissionDeniedError);
    expect(() => decide(c, 'LAND', people.devApprover, day2)).toThrow(PermissionDeniedError);
    expect(() => decide(c, 'LAND', people.landClerk, day2)).toThrow(PermissionDeniedError);
  });

  it('the request: a known part, an opinion, a reason for a refusal', () => {
    expect(fieldsOf(() => decide(c, 'ROAD', people.landApprover, day2))).toEqual([
      'action.decide_subtask.subtask_code',
    ]);
    expect(
      fieldsOf(() =>
        step(c, { decideSubtask: { subtaskCode: 'LAND', approved: true } }, people.landApprover, environment()),
      ),
    ).toEqual(['action.decide_subtask.opinion']);
    expect(fieldsOf(() => decide(c, 'LAND', people.landApprover, day2, { approved: false }))).toEqual([
      'action.decide_subtask.refusal_reason',
    ]);
    // A part of a non-joint case: the code is unknown.
    expect(fieldsOf(() => decide(opened(), 'LAND', people.landApprover, day2))).toEqual([
      'action.decide_subtask.subtask_code',
    ]);
  });

  it('a decided part is not decided again', () => {
    const decided = bump(decide(c, 'LAND', people.landApprover, day2));
    expect(() => decide(decided, 'LAND', people.landApprover, day2)).toThrow(PreconditionFailedError);
    expect(() =>
      decide(decided, 'LAND', people.landApprover, day2, { approved: false, refusalReason: '改判' }),
    ).toThrow(PreconditionFailedError);
  });

  it('take and assign a part: its department’s people', () => {
    const taken = step(c, { take: { subtaskCode: 'LAND' } }, people.landClerk, environment());
    expect(part(taken.case, 'LAND')).toMatchObject({
      status: S.SUBTASK_STATUS_IN_PROGRESS,
      handlerStaffId: people.landClerk.staffId,
    });
    expect(eventNames(taken)).toEqual(['subtaskStarted']);
    expect(taken.log[0]).toMatchObject({ action: 'take', subtaskCode: 'LAND', role: 'clerk' });
    // The lead's REVIEW stage is not taken by taking a part.
    expect(lastStage(taken.case).handlerStaffId).toBe('');
    expect(() => step(c, { take: { subtaskCode: 'LAND' } }, people.envApprover, environment())).toThrow(
      PermissionDeniedError,
    );
    expect(() => step(bump(taken), { take: { subtaskCode: 'LAND' } }, people.landApprover, environment())).toThrow(
      PreconditionFailedError,
    );

    const assigned = step(
      c,
      { assign: { subtaskCode: 'LAND', staffId: people.landClerk.staffId } },
      people.landApprover,
      environment(),
    );
    expect(part(assigned.case, 'LAND').handlerStaffId).toBe(people.landClerk.staffId);
    expect(assigned.log[0]).toMatchObject({
      action: 'assign',
      subtaskCode: 'LAND',
      detail: { assignee: people.landClerk.staffId },
    });
    expect(
      fieldsOf(() =>
        step(
          c,
          { assign: { subtaskCode: 'LAND', staffId: people.envApprover.staffId } },
          people.landApprover,
          environment(),
        ),
      ),
    ).toEqual(['action.assign.staff_id']);
    expect(() =>
      step(c, { assign: { subtaskCode: 'LAND', staffId: people.landClerk.staffId } }, people.devLeader, environment()),
    ).toThrow(PermissionDeniedError);
  });
});

describe('the lead joins the parts, then decides', () => {
  const c = opened(jointItem(), environment(), { place: jointPlace });
  const at = cst('2026-03-05T10:00');
  const review = (from: Case) =>
    step(from, { review: { opinion: '各部门意见已汇总' } }, people.devReviewer, environment().at(at));
  const approve = (from: Case) => step(from, { approve: { opinion: '同意' } }, people.devLeader, environment().at(at));

  it('the review waits until every part is decided, and names those it waits for', () => {
    expect(() => review(c)).toThrow(PreconditionFailedError);
    expect(() => review(c)).toThrow(/LAND.*PLAN.*EIA/);
    const one = bump(decide(c, 'LAND', people.landApprover, at));
    expect(() => review(one)).toThrow(/PLAN.*EIA/);
    expect(() => review(one)).not.toThrow(/LAND/);
  });

  it('all approved: the lead reviews and approves', () => {
    let all = bump(decide(c, 'LAND', people.landApprover, at));
    all = bump(decide(all, 'PLAN', people.buildApprover, at));
    all = bump(decide(all, 'EIA', people.envApprover, at));
    expect(Object.values(statuses(all))).toEqual([
      S.SUBTASK_STATUS_APPROVED,
      S.SUBTASK_STATUS_APPROVED,
      S.SUBTASK_STATUS_APPROVED,
    ]);
    const reviewed = bump(review(all));
    expect(reviewed.stages[1]).toMatchObject({
      status: caseV1.StageStatus.STAGE_STATUS_COMPLETED,
      departmentId: DEPT.dev,
    });
    expect(lastStage(reviewed)).toMatchObject({ stage: Stage.approve, departmentId: DEPT.dev });
    // A part's department does not do the lead's work.
    expect(() => step(reviewed, { approve: { opinion: '同意' } }, people.landApprover, environment())).toThrow(
      PermissionDeniedError,
    );
    const t = approve(reviewed);
    expect(t.case.decision).toMatchObject({ kind: caseV1.DecisionKind.DECISION_KIND_APPROVED, departmentId: DEPT.dev });
  });

  it('a refused part: the lead may review, but approval is refused with the part’s reason', () => {
    let some = bump(decide(c, 'LAND', people.landApprover, at));
    some = bump(decide(some, 'PLAN', people.buildApprover, at));
    const refused = decide(some, 'EIA', people.envApprover, at, {
      approved: false,
      refusalReason: '项目选址位于生态保护红线内',
    });
    expect(part(refused.case, 'EIA')).toMatchObject({
      status: S.SUBTASK_STATUS_REFUSED,
      refusalReason: '项目选址位于生态保护红线内',
    });
    expect(refused.log[0]).toMatchObject({ opinion: '项目选址位于生态保护红线内', detail: { approved: 'false' } });
    expect(eventNames(refused)).toEqual(['subtaskDecided']);
    const reviewed = bump(review(bump(refused)));
    expect(() => approve(reviewed)).toThrow(PreconditionFailedError);
    expect(() => approve(reviewed)).toThrow(/EIA.*项目选址位于生态保护红线内/);
    // The lead refuses the whole case instead.
    const t = step(
      reviewed,
      { refuse: { reason: '环评审批未通过：项目选址位于生态保护红线内' } },
      people.devLeader,
      environment().at(at),
    );
    expect(t.case.decision!.kind).toBe(caseV1.DecisionKind.DECISION_KIND_REFUSED);
    expect(lastStage(t.case).stage).toBe(Stage.issue);
  });

  it('a refused dependency leaves its dependent waiting; the lead can still refuse the case', () => {
    const landRefused = bump(
      decide(c, 'LAND', people.landApprover, at, { approved: false, refusalReason: '不符合土地利用总体规划' }),
    );
    expect(statuses(landRefused)).toMatchObject({ LAND: S.SUBTASK_STATUS_REFUSED, PLAN: S.SUBTASK_STATUS_WAITING });
    expect(() => decide(landRefused, 'PLAN', people.buildApprover, at)).toThrow(PreconditionFailedError);
    expect(() => review(landRefused)).toThrow(PreconditionFailedError);
    const t = step(landRefused, { refuse: { reason: '用地预审未通过' } }, people.devLeader, environment().at(at));
    expect(t.case.decision!.kind).toBe(caseV1.DecisionKind.DECISION_KIND_REFUSED);
  });
});

describe('special procedures in a joint case', () => {
  const c = opened(jointItem(), environment(), { place: jointPlace });
  const kind = caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_EXPERT_REVIEW;

  it('a department with an open part may pause the case; its due time moves with the others', () => {
    const started = step(
      c,
      { startSpecialProcedure: { kind, reason: '环评报告专家评审' } },
      people.envApprover,
      environment().at(cst('2026-03-03T10:00')),
    );
    const paused = bump(started);
    expect(paused.status).toBe(caseV1.CaseStatus.CASE_STATUS_SUSPENDED);
    const id = paused.specialProcedures[0]!.id;
    // While paused, parts are not decided either.
    expect(() => decide(paused, 'LAND', people.landApprover, cst('2026-03-04T10:00'))).toThrow(PreconditionFailedError);
    const ended = step(
      paused,
      { endSpecialProcedure: { procedureId: id, resultNote: '专家评审通过' } },
      people.envApprover,
      environment().at(cst('2026-03-05T10:00')),
    );
    // 14 working hours later for the open parts; the waiting part has no due time yet.
    expect(part(ended.case, 'LAND').dueAt).toEqual(cst('2026-03-11T17:30'));
    expect(part(ended.case, 'EIA').dueAt).toEqual(cst('2026-03-10T17:30'));
    expect(part(ended.case, 'PLAN').dueAt).toBeUndefined();
  });

  it('a decided part’s due time stays, and its department may no longer pause the case', () => {
    const landDone = bump(decide(c, 'LAND', people.landApprover, cst('2026-03-03T09:00')));
    expect(() =>
      step(landDone, { startSpecialProcedure: { kind, reason: '用地复核' } }, people.landApprover, environment()),
    ).toThrow(PermissionDeniedError);
    const paused = apply(
      landDone,
      { startSpecialProcedure: { kind, reason: '环评报告专家评审' } },
      people.envApprover,
      environment().at(cst('2026-03-03T10:00')),
    );
    const ended = step(
      paused,
      { endSpecialProcedure: { procedureId: paused.specialProcedures[0]!.id, resultNote: '评审通过' } },
      people.envApprover,
      environment().at(cst('2026-03-05T10:00')),
    );
    expect(part(ended.case, 'LAND').dueAt).toEqual(cst('2026-03-09T17:30'));
    // PLAN became ready with LAND's approval (due Friday) and moves by the pause.
    expect(part(landDone, 'PLAN').dueAt).toEqual(cst('2026-03-06T17:30'));
    expect(part(ended.case, 'PLAN').dueAt).toEqual(cst('2026-03-10T17:30'));
  });
});
