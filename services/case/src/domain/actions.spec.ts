import { caseV1, catalogueItemsV1 as items } from '@govhall/contracts';
import { PermissionDeniedError, PreconditionFailedError } from '@govhall/kit';
import { acceptHandoff, act, actionOf, extensionBound } from './actions';
import { Stage, type Case, type CaseActor, type Transition } from './model';
import { openCase } from './opening';
import {
  CASE_NUMBER,
  DEPT,
  HALL,
  PROMISED_AT,
  T0,
  apply,
  bump,
  commitmentItem,
  crossTier,
  cst,
  environment,
  eventNames,
  eventOf,
  fieldsOf,
  item,
  jointItem,
  lastStage,
  opened,
  people,
  reportedItem,
  request,
  reviewVerifyItem,
  step,
  workingDays,
  type ActionInput,
  type TestEnvironment,
} from './spec-fixtures';

const St = caseV1.StageStatus;
const CS = caseV1.CaseStatus;
const D = caseV1.DecisionKind;
const M = caseV1.DeliveryMethod;
const P = items.ProcessStage;

/** A case moved step by step, keeping each transition. */
class Story {
  readonly transitions: Transition[] = [];
  constructor(
    public c: Case,
    readonly env: TestEnvironment,
  ) {}
  do(action: ActionInput, actor: CaseActor, at: Date): Transition {
    const t = step(this.c, action, actor, this.env.at(at));
    this.transitions.push(t);
    this.c = bump(t);
    return t;
  }
}

const stages = (c: Case) => c.stages.map((s) => [s.stage, s.status]);

/** Review, approve: a single-review case at ISSUE. */
function atIssue(of: items.Item = item()): Case {
  const env = environment();
  let c = opened(of, env);
  c = apply(c, { review: { opinion: '材料齐全' } }, people.reviewer, env.at(cst('2026-03-03T09:00')));
  return apply(c, { approve: { opinion: '同意' } }, people.leader, env.at(cst('2026-03-04T10:00')));
}

describe('actionOf: exactly one action per request', () => {
  it('names the action set', () => {
    expect(actionOf(request({ review: { opinion: 'x' } }))).toBe('review');
    expect(actionOf(request({ sendBack: { toStage: P.PROCESS_STAGE_REVIEW } }))).toBe('sendBack');
  });

  it('none or two: INVALID_ARGUMENT on action', () => {
    expect(fieldsOf(() => actionOf(request({})))).toEqual(['action']);
    expect(fieldsOf(() => actionOf(request({ review: { opinion: 'x' }, approve: { opinion: 'y' } })))).toEqual([
      'action',
    ]);
    expect(fieldsOf(() => act(opened(), request({}), people.reviewer, environment()))).toEqual(['action']);
  });
});

describe('a full lifecycle of 一审一核: review → verify → approve → issue → deliver → complete', () => {
  const env = environment();
  const story = new Story(opened(reviewVerifyItem(), env), env);
  const start = story.c;
  const review = story.do({ review: { opinion: '材料齐全，符合条件' } }, people.reviewer, cst('2026-03-03T09:00'));
  const afterReview = story.c;
  const verify = story.do({ verify: { opinion: '审核意见属实' } }, people.verifier, cst('2026-03-03T15:00'));
  const afterVerify = story.c;
  const approve = story.do({ approve: { opinion: '准予许可' } }, people.leader, cst('2026-03-04T10:00'));
  const afterApprove = story.c;
  const issue = story.do(
    { issue: { certificateNumber: 'JY13707000000001', validUntil: '2031-03-04' } },
    people.clerk,
    cst('2026-03-05T09:00'),
  );
  const deliver = story.do(
    { deliver: { method: M.DELIVERY_METHOD_EXPRESS, expressCompany: 'EMS', trackingNumber: '1187654321098' } },
    people.clerk,
    cst('2026-03-05T10:00'),
  );
  const complete = story.do({ complete: { note: '已办结' } }, people.clerk, cst('2026-03-05T11:00'));
  const done = story.c;

  it('review: REVIEW completed by its reviewer with the opinion; VERIFY starts with its own budget', () => {
    expect(afterReview.stages[1]).toMatchObject({
      stage: Stage.review,
      status: St.STAGE_STATUS_COMPLETED,
      handlerStaffId: people.reviewer.staffId,
      opinion: '材料齐全，符合条件',
      completedAt: cst('2026-03-03T09:00'),
    });
    expect(afterReview.stages[2]).toMatchObject({
      seq: 3,
      stage: Stage.verify,
      status: St.STAGE_STATUS_ACTIVE,
      handlerStaffId: '',
      enteredAt: cst('2026-03-03T09:00'),
      dueAt: cst('2026-03-04T17:30'),
    });
    expect(afterReview.currentStage).toBe(Stage.verify);
    expect(eventNames(review)).toEqual(['stageCompleted', 'stageEntered']);
    expect(review.log).toEqual([
      expect.objectContaining({
        action: 'review',
        role: 'reviewer',
        stage: Stage.review,
        opinion: '材料齐全，符合条件',
        actor: people.reviewer,
      }),
    ]);
    expect(review.case.updatedAt).toEqual(cst('2026-03-03T09:00'));
  });

  it('the rules never change the case they are given', () => {
    expect(start.stages).toHaveLength(2);
    expect(start.stages[1]!.status).toBe(St.STAGE_STATUS_ACTIVE);
    expect(start.version).toBe(1);
  });

  it('verify: passes on to APPROVE', () => {
    expect(stages(afterVerify).slice(2)).toEqual([
      [Stage.verify, St.STAGE_STATUS_COMPLETED],
      [Stage.approve, St.STAGE_STATUS_ACTIVE],
    ]);
    expect(afterVerify.stages[3]!.dueAt).toEqual(cst('2026-03-05T17:30'));
    expect(verify.log[0]).toMatchObject({ action: 'verify', role: 'chief_representative', opinion: '审核意见属实' });
  });

  it('approve: the decision with its document number, then ISSUE', () => {
    expect(afterApprove.decision).toEqual(
      caseV1.Decision.fromPartial({
        kind: D.DECISION_KIND_APPROVED,
        opinion: '准予许可',
        decidedByStaffId: people.leader.staffId,
        departmentId: DEPT.market,
        decidedAt: cst('2026-03-04T10:00'),
        documentNumber: `准予许可〔2026〕第6030200123号`,
      }),
    );
    expect(afterApprove.commitmentVerification).toBeUndefined();
    expect(lastStage(afterApprove)).toMatchObject({
      stage: Stage.issue,
      status: St.STAGE_STATUS_ACTIVE,
      dueAt: cst('2026-03-05T17:30'),
    });
    expect(eventNames(approve)).toEqual(['decided', 'stageCompleted', 'stageEntered']);
    expect(eventOf(approve, 'decided').decision!.kind).toBe(D.DECISION_KIND_APPROVED);
    expect(approve.log[0]).toMatchObject({
      action: 'approve',
      role: 'deputy_leader',
      detail: { decision: D.DECISION_KIND_APPROVED },
    });
  });

  it('issue: the certificate, issued at once outside a bundle, announced for the 证照库', () => {
    expect(issue.case.certificates).toEqual([
      caseV1.Certificate.fromPartial({
        id: 'id-1',
        name: '食品经营许可证',
        number: 'JY13707000000001',
        kind: items.ResultKind.RESULT_KIND_CERTIFICATE,
        validUntil: '2031-03-04',
        status: caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED,
        issuedByStaffId: people.clerk.staffId,
        preparedAt: cst('2026-03-05T09:00'),
        issuedAt: cst('2026-03-05T09:00'),
        departmentId: DEPT.market,
      }),
    ]);
    expect(issue.case.decision).toMatchObject({
      issuedAt: cst('2026-03-05T09:00'),
      issuedByStaffId: people.clerk.staffId,
    });
    expect(eventNames(issue)).toEqual(['certificateIssued']);
    expect(eventOf(issue, 'certificateIssued')).toEqual({
      caseId: 'case-0001',
      caseNumber: CASE_NUMBER,
      certificateId: 'id-1',
      certificateName: '食品经营许可证',
      certificateNumber: 'JY13707000000001',
      applicantId: 'applicant-1',
      holderName: '潍坊**餐饮有限公司',
      issuingDepartmentId: DEPT.market,
      issuingDepartmentName: '潍坊市市场监督管理局',
      issuedAt: cst('2026-03-05T09:00'),
      validUntil: '2031-03-04',
    });
    expect(issue.log[0]).toMatchObject({
      action: 'issue',
      detail: { document: `准予许可〔2026〕第6030200123号`, certificate: 'JY13707000000001' },
    });
    // Issuing does not close the stage: delivery and completion follow at the window.
    expect(lastStage(issue.case).status).toBe(St.STAGE_STATUS_ACTIVE);
  });

  it('deliver: by express with company and tracking number', () => {
    expect(deliver.case.delivery).toEqual(
      caseV1.Delivery.fromPartial({
        method: M.DELIVERY_METHOD_EXPRESS,
        expressCompany: 'EMS',
        trackingNumber: '1187654321098',
        deliveredAt: cst('2026-03-05T10:00'),
        deliveredByStaffId: people.clerk.staffId,
      }),
    );
    // Notify tells the applicant the certificate left by express (证照快递), with the tracking number.
    expect(deliver.events).toMatchObject([
      {
        name: 'certificateDelivered',
        payload: { delivery: { expressCompany: 'EMS', trackingNumber: '1187654321098' } },
      },
    ]);
    expect(deliver.events).toHaveLength(1);
    expect(deliver.log[0]).toMatchObject({ action: 'deliver', detail: { tracking: '1187654321098' } });
  });

  it('complete: COMPLETED, ISSUE closed, ARCHIVE waiting for its batch', () => {
    expect(done.status).toBe(CS.CASE_STATUS_COMPLETED);
    expect(done.completedAt).toEqual(cst('2026-03-05T11:00'));
    expect(stages(done)).toEqual([
      [Stage.accept, St.STAGE_STATUS_COMPLETED],
      [Stage.review, St.STAGE_STATUS_COMPLETED],
      [Stage.verify, St.STAGE_STATUS_COMPLETED],
      [Stage.approve, St.STAGE_STATUS_COMPLETED],
      [Stage.issue, St.STAGE_STATUS_COMPLETED],
      [Stage.archive, St.STAGE_STATUS_ACTIVE],
    ]);
    expect(done.stages.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(done.stages[4]!.opinion).toBe('已办结');
    expect(eventNames(complete)).toEqual(['stageCompleted', 'stageEntered', 'completed']);
    expect(eventOf(complete, 'completed')).toMatchObject({
      completedAt: cst('2026-03-05T11:00'),
      decision: D.DECISION_KIND_APPROVED,
      deliveryMethod: M.DELIVERY_METHOD_EXPRESS,
    });
  });

  it('every event in order, each naming the version the case gets', () => {
    expect(story.transitions.flatMap(eventNames)).toEqual([
      'stageCompleted',
      'stageEntered',
      'stageCompleted',
      'stageEntered',
      'decided',
      'stageCompleted',
      'stageEntered',
      'certificateIssued',
      'certificateDelivered',
      'stageCompleted',
      'stageEntered',
      'completed',
    ]);
    const versions = story.transitions.map((t) =>
      t.events.map((e) =>
        'case' in e.payload && e.payload.case && 'caseVersion' in e.payload.case
          ? e.payload.case.caseVersion
          : undefined,
      ),
    );
    expect(versions).toEqual([[2, 2], [3, 3], [4, 4, 4], [undefined], [6], [7, 7, 7]]);
    expect(story.transitions.flatMap((t) => t.log.map((e) => e.action))).toEqual([
      'review',
      'verify',
      'approve',
      'issue',
      'deliver',
      'complete',
    ]);
  });

  it('a completed case takes no more actions', () => {
    expect(() => step(done, { review: { opinion: '再审' } }, people.reviewer, env)).toThrow(PreconditionFailedError);
    expect(() => step(done, { take: {} }, people.clerk, env)).toThrow(PreconditionFailedError);
  });
});

describe('the rules of each step', () => {
  const env = environment();

  it('review needs an opinion', () => {
    expect(fieldsOf(() => step(opened(), { review: { opinion: '  ' } }, people.reviewer, env))).toEqual([
      'action.review.opinion',
    ]);
    expect(fieldsOf(() => step(opened(), { review: { opinion: '意'.repeat(2001) } }, people.reviewer, env))).toEqual([
      'action.review.opinion',
    ]);
  });

  it('一审一核: the verifier may not be the reviewer', () => {
    const dual: CaseActor = {
      staffId: 'chief-dual',
      roles: ['chief_representative'],
      departmentId: DEPT.market,
      hallId: HALL.city,
    };
    const reviewed = apply(opened(reviewVerifyItem()), { review: { opinion: '同意' } }, dual, env);
    expect(() => step(reviewed, { verify: { opinion: '同意' } }, dual, env)).toThrow(PermissionDeniedError);
    expect(() => step(reviewed, { verify: { opinion: '同意' } }, dual, env)).toThrow(/一审一核/);
    expect(lastStage(apply(reviewed, { verify: { opinion: '同意' } }, people.verifier, env)).stage).toBe(Stage.approve);
  });

  it('verify needs a verifying role, and only comes at VERIFY', () => {
    const reviewed = apply(opened(reviewVerifyItem()), { review: { opinion: '同意' } }, people.reviewer, env);
    expect(() => step(reviewed, { verify: { opinion: '同意' } }, people.reviewer2, env)).toThrow(PermissionDeniedError);
    expect(() => step(opened(), { verify: { opinion: '同意' } }, people.verifier, env)).toThrow(
      PreconditionFailedError,
    );
    expect(() => step(reviewed, { approve: { opinion: '同意' } }, people.leader, env)).toThrow(PreconditionFailedError);
  });

  it('approve needs an opinion and a deciding role', () => {
    const c = apply(opened(), { review: { opinion: '同意' } }, people.reviewer, env);
    expect(fieldsOf(() => step(c, { approve: { opinion: '' } }, people.leader, env))).toEqual([
      'action.approve.opinion',
    ]);
    expect(() => step(c, { approve: { opinion: '同意' } }, people.clerk, env)).toThrow(PermissionDeniedError);
    expect(() => step(c, { approve: { opinion: '同意' } }, people.reviewer, env)).toThrow(PermissionDeniedError);
    expect(step(c, { approve: { opinion: '同意' } }, people.principal, env).case.decision!.kind).toBe(
      D.DECISION_KIND_APPROVED,
    );
  });

  it('上报件 without a tier above: the upper authority that decided is recorded', () => {
    let c = opened(reportedItem());
    c = apply(c, { review: { opinion: '初审通过' } }, people.reviewer, env);
    expect(lastStage(c)).toMatchObject({ stage: Stage.review, hallId: HALL.city });
    expect(c.handoff).toBeUndefined();
    c = apply(c, { review: { opinion: '审核通过' } }, people.reviewer, env);
    const t = step(c, { approve: { opinion: '同意', upperAuthority: '山东省市场监督管理局' } }, people.leader, env);
    expect(t.case.decision!.upperAuthority).toBe('山东省市场监督管理局');
    expect(
      fieldsOf(() => step(c, { approve: { opinion: '同意', upperAuthority: '局'.repeat(101) } }, people.leader, env)),
    ).toEqual(['action.approve.upper_authority']);
  });

  describe('issue', () => {
    const c = atIssue();

    it('a certificate number is required for a certificate', () => {
      expect(fieldsOf(() => step(c, { issue: {} }, people.clerk, env))).toEqual(['action.issue.certificate_number']);
      expect(fieldsOf(() => step(c, { issue: { certificateNumber: '   ' } }, people.clerk, env))).toEqual([
        'action.issue.certificate_number',
      ]);
    });

    it('valid_until is a real date after today', () => {
      const at = env.at(cst('2026-03-05T09:00'));
      for (const validUntil of ['2026-03-05', '2026-02-30', '05/03/2031']) {
        expect(fieldsOf(() => step(c, { issue: { certificateNumber: 'JY1', validUntil } }, people.clerk, at))).toEqual([
          'action.issue.valid_until',
        ]);
      }
      expect(
        step(c, { issue: { certificateNumber: 'JY1', validUntil: '2026-03-06' } }, people.clerk, at).case.certificates,
      ).toHaveLength(1);
    });

    it('a result that is no document needs no number and makes no certificate', () => {
      const other = atIssue(
        item({ result: { name: '备案回执', kind: items.ResultKind.RESULT_KIND_OTHER, sampleRef: '' } }),
      );
      const t = step(other, { issue: {} }, people.clerk, env);
      expect(t.case.certificates).toEqual([]);
      expect(t.case.decision!.issuedAt).toEqual(env.now);
      expect(t.events).toEqual([]);
    });

    it('only once', () => {
      const issued = apply(c, { issue: { certificateNumber: 'JY1' } }, people.clerk, env);
      expect(() => step(issued, { issue: { certificateNumber: 'JY2' } }, people.clerk, env)).toThrow(
        PreconditionFailedError,
      );
    });
  });

  describe('deliver', () => {
    const c = atIssue();
    const issued = apply(c, { issue: { certificateNumber: 'JY1' } }, people.clerk, env);
    const express = (over: Partial<caseV1.DeliverAction>) =>
      step(
        issued,
        {
          deliver: {
            method: M.DELIVERY_METHOD_EXPRESS,
            expressCompany: '顺丰速运',
            trackingNumber: 'SF1234567890',
            ...over,
          },
        },
        people.clerk,
        env,
      );

    it('not before the issue', () => {
      expect(() => step(c, { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env)).toThrow(
        PreconditionFailedError,
      );
    });

    it('express needs the company and a tracking number of letters, digits and dashes', () => {
      expect(fieldsOf(() => express({ expressCompany: '' }))).toEqual(['action.deliver.express_company']);
      expect(fieldsOf(() => express({ trackingNumber: '' }))).toEqual(['action.deliver.tracking_number']);
      expect(fieldsOf(() => express({ trackingNumber: '12345' }))).toEqual(['action.deliver.tracking_number']);
      expect(fieldsOf(() => express({ trackingNumber: 'SF1234 567890' }))).toEqual(['action.deliver.tracking_number']);
      expect(express({ trackingNumber: 'SF-1234567890' }).case.delivery!.trackingNumber).toBe('SF-1234567890');
    });

    it('window: the accepting window unless another is named; appointment needs its time', () => {
      expect(
        step(issued, { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env).case.delivery,
      ).toMatchObject({
        method: M.DELIVERY_METHOD_WINDOW,
        windowId: 'window-3',
      });
      expect(
        step(issued, { deliver: { method: M.DELIVERY_METHOD_WINDOW, windowId: 'window-9' } }, people.clerk, env).case
          .delivery!.windowId,
      ).toBe('window-9');
      expect(
        fieldsOf(() => step(issued, { deliver: { method: M.DELIVERY_METHOD_APPOINTMENT } }, people.clerk, env)),
      ).toEqual(['action.deliver.appointment_at']);
      const at = cst('2026-03-06T09:00');
      expect(
        step(issued, { deliver: { method: M.DELIVERY_METHOD_APPOINTMENT, appointmentAt: at } }, people.clerk, env).case
          .delivery,
      ).toMatchObject({ appointmentAt: at, windowId: 'window-3' });
      expect(fieldsOf(() => step(issued, { deliver: {} }, people.clerk, env))).toEqual(['action.deliver.method']);
    });

    it('complete needs the delivery first', () => {
      expect(() => step(issued, { complete: {} }, people.clerk, env)).toThrow(PreconditionFailedError);
      const delivered = apply(issued, { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env);
      expect(step(delivered, { complete: {} }, people.clerk, env).case.status).toBe(CS.CASE_STATUS_COMPLETED);
    });
  });

  it('容缺: a case owing materials cannot complete', () => {
    let c = atIssue();
    c = { ...c, missingMaterialCodes: ['M07'] };
    c = apply(c, { issue: { certificateNumber: 'JY1' } }, people.clerk, env);
    c = apply(c, { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env);
    expect(() => step(c, { complete: {} }, people.clerk, env)).toThrow(/M07/);
    expect(() => step(c, { complete: {} }, people.clerk, env)).toThrow(PreconditionFailedError);
  });
});

describe('permissions', () => {
  const env = environment();
  const c = opened();

  it('another department of the hall: PERMISSION_DENIED', () => {
    expect(() => step(c, { review: { opinion: '同意' } }, people.police, env)).toThrow(PermissionDeniedError);
    expect(() => step(c, { take: {} }, people.police, env)).toThrow(PermissionDeniedError);
  });

  it('the same department code in another hall: PERMISSION_DENIED', () => {
    expect(() => step(c, { review: { opinion: '同意' } }, people.countyApprover, env)).toThrow(PermissionDeniedError);
  });

  it('a role the step does not admit: PERMISSION_DENIED', () => {
    const atApprove = apply(c, { review: { opinion: '同意' } }, people.reviewer, env);
    expect(() => step(atApprove, { approve: { opinion: '同意' } }, people.clerk, env)).toThrow(PermissionDeniedError);
    expect(() => step(atApprove, { approve: { opinion: '同意' } }, people.clerk, env)).toThrow(/clerk/);
    const nobody: CaseActor = { ...people.reviewer, staffId: 'x', roles: [] };
    expect(() => step(c, { review: { opinion: '同意' } }, nobody, env)).toThrow(PermissionDeniedError);
  });

  it('a stage taken by someone else: FAILED_PRECONDITION until it is assigned over', () => {
    const taken = step(c, { take: {} }, people.reviewer, env);
    expect(lastStage(taken.case).handlerStaffId).toBe(people.reviewer.staffId);
    expect(taken.log[0]).toMatchObject({ action: 'take', role: 'reviewer', stage: Stage.review });
    // Timing sends 催办 to whoever holds the step.
    expect(taken.events.map((e) => e.name)).toEqual(['handlerAssigned']);
    expect(taken.events[0]?.payload).toMatchObject({
      stageSeq: 2,
      subtaskCode: '',
      handlerStaffId: people.reviewer.staffId,
    });
    const stored = bump(taken);
    expect(() => step(stored, { review: { opinion: '同意' } }, people.reviewer2, env)).toThrow(PreconditionFailedError);
    expect(() => step(stored, { take: {} }, people.reviewer2, env)).toThrow(PreconditionFailedError);
    // The handler takes again, harmlessly.
    expect(lastStage(step(stored, { take: {} }, people.reviewer, env).case).handlerStaffId).toBe(
      people.reviewer.staffId,
    );

    const assigned = step(stored, { assign: { staffId: people.reviewer2.staffId } }, people.verifier, env);
    expect(lastStage(assigned.case).handlerStaffId).toBe(people.reviewer2.staffId);
    expect(assigned.events.map((e) => e.name)).toEqual(['handlerAssigned']);
    expect(assigned.events[0]?.payload).toMatchObject({ handlerStaffId: people.reviewer2.staffId });
    expect(assigned.log[0]).toMatchObject({
      action: 'assign',
      role: 'chief_representative',
      detail: { assignee: 'rev-zhao' },
    });
    const reviewed = step(bump(assigned), { review: { opinion: '同意' } }, people.reviewer2, env);
    expect(reviewed.case.stages[1]!.handlerStaffId).toBe(people.reviewer2.staffId);
    expect(() => step(bump(assigned), { review: { opinion: '同意' } }, people.reviewer, env)).toThrow(
      PreconditionFailedError,
    );
  });

  it('assign: an active member of the step’s department, by someone who may assign', () => {
    expect(fieldsOf(() => step(c, { assign: { staffId: 'rev-left' } }, people.verifier, env))).toEqual([
      'action.assign.staff_id',
    ]);
    expect(fieldsOf(() => step(c, { assign: { staffId: 'nobody' } }, people.verifier, env))).toEqual([
      'action.assign.staff_id',
    ]);
    expect(fieldsOf(() => step(c, { assign: { staffId: people.police.staffId } }, people.verifier, env))).toEqual([
      'action.assign.staff_id',
    ]);
    expect(() => step(c, { assign: { staffId: people.reviewer2.staffId } }, people.reviewer, env)).toThrow(
      PermissionDeniedError,
    );
    expect(() => step(c, { assign: { staffId: people.reviewer2.staffId } }, people.police, env)).toThrow(
      PermissionDeniedError,
    );
  });
});

describe('refuse (不予许可)', () => {
  const env = environment();
  const c = opened();

  it('needs a written reason, and a deciding role', () => {
    expect(fieldsOf(() => step(c, { refuse: {} }, people.approver, env))).toEqual(['action.refuse.reason']);
    expect(fieldsOf(() => step(c, { refuse: { reason: '否' } }, people.approver, env))).toEqual([
      'action.refuse.reason',
    ]);
    expect(() => step(c, { refuse: { reason: '经营场所不符合要求' } }, people.reviewer, env)).toThrow(
      PermissionDeniedError,
    );
  });

  it('decides REFUSED with the reason and goes straight to ISSUE; the decision document needs no number', () => {
    const at = env.at(cst('2026-03-03T10:00'));
    const t = step(c, { refuse: { reason: '经营场所不符合食品安全要求', opinion: '不予许可' } }, people.approver, at);
    expect(t.case.decision).toMatchObject({
      kind: D.DECISION_KIND_REFUSED,
      reason: '经营场所不符合食品安全要求',
      opinion: '不予许可',
      decidedByStaffId: people.approver.staffId,
      documentNumber: `不予许可〔2026〕第6030200123号`,
    });
    expect(stages(t.case)).toEqual([
      [Stage.accept, St.STAGE_STATUS_COMPLETED],
      [Stage.review, St.STAGE_STATUS_COMPLETED],
      [Stage.issue, St.STAGE_STATUS_ACTIVE],
    ]);
    expect(t.case.stages[1]!.opinion).toBe('经营场所不符合食品安全要求');
    expect(eventNames(t)).toEqual(['decided', 'stageCompleted', 'stageEntered']);
    expect(t.log[0]).toMatchObject({ action: 'refuse', opinion: '经营场所不符合食品安全要求' });

    let refused = bump(t);
    const issued = step(refused, { issue: {} }, people.clerk, at);
    expect(issued.case.certificates).toEqual([]);
    expect(issued.events).toEqual([]);
    refused = apply(bump(issued), { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, at);
    const completed = step(refused, { complete: {} }, people.clerk, at);
    expect(eventOf(completed, 'completed').decision).toBe(D.DECISION_KIND_REFUSED);
  });

  it('without an opinion the reason is the opinion', () => {
    expect(step(c, { refuse: { reason: '材料虚假' } }, people.approver, env).case.decision!.opinion).toBe('材料虚假');
  });
});

describe('send back (退回)', () => {
  const env = environment();
  const reviewed = apply(opened(), { review: { opinion: '同意' } }, people.reviewer, env.at(cst('2026-03-03T09:00')));
  const at = env.at(cst('2026-03-04T10:00'));
  const back = (to: items.ProcessStage, reason = '申请材料需补充说明', by: CaseActor = people.approver) =>
    step(reviewed, { sendBack: { toStage: to, reason } }, by, at);

  it('to an earlier stage: the stage closes SENT_BACK and the earlier one starts again with its last handler', () => {
    const t = back(P.PROCESS_STAGE_REVIEW);
    expect(stages(t.case)).toEqual([
      [Stage.accept, St.STAGE_STATUS_COMPLETED],
      [Stage.review, St.STAGE_STATUS_COMPLETED],
      [Stage.approve, St.STAGE_STATUS_SENT_BACK],
      [Stage.review, St.STAGE_STATUS_ACTIVE],
    ]);
    expect(t.case.stages[2]).toMatchObject({ opinion: '申请材料需补充说明', handlerStaffId: people.approver.staffId });
    expect(t.case.stages[3]).toMatchObject({
      seq: 4,
      handlerStaffId: people.reviewer.staffId,
      enteredAt: cst('2026-03-04T10:00'),
      dueAt: cst('2026-03-09T17:30'),
    });
    expect(t.case.currentStage).toBe(Stage.review);
    expect(eventNames(t)).toEqual(['stageCompleted', 'stageEntered']);
    expect(eventOf(t, 'stageCompleted')).toMatchObject({
      sentBackTo: Stage.review,
      stage: { status: St.STAGE_STATUS_SENT_BACK },
    });
    expect(t.log[0]).toMatchObject({
      action: 'send_back',
      detail: { to_stage: Stage.review },
      opinion: '申请材料需补充说明',
    });

    // The earlier handler works it again; nobody else.
    const again = bump(t);
    expect(() => step(again, { review: { opinion: '已补充' } }, people.reviewer2, at)).toThrow(PreconditionFailedError);
    const reReviewed = step(again, { review: { opinion: '已补充说明' } }, people.reviewer, at);
    expect(lastStage(reReviewed.case)).toMatchObject({ seq: 5, stage: Stage.approve, status: St.STAGE_STATUS_ACTIVE });
  });

  it('needs a reason', () => {
    expect(fieldsOf(() => back(P.PROCESS_STAGE_REVIEW, ''))).toEqual(['action.send_back.reason']);
    expect(fieldsOf(() => back(P.PROCESS_STAGE_REVIEW, '补'))).toEqual(['action.send_back.reason']);
  });

  it('never to ACCEPT, to itself, to a later stage or to a stage the case does not have', () => {
    for (const to of [
      P.PROCESS_STAGE_ACCEPT,
      P.PROCESS_STAGE_APPROVE,
      P.PROCESS_STAGE_ISSUE,
      P.PROCESS_STAGE_VERIFY,
      P.PROCESS_STAGE_UNSPECIFIED,
    ]) {
      expect(fieldsOf(() => back(to))).toEqual(['action.send_back.to_stage']);
    }
  });

  it('not from REVIEW of a single-review case (nothing before it but ACCEPT), not by another department', () => {
    expect(
      fieldsOf(() =>
        step(opened(), { sendBack: { toStage: P.PROCESS_STAGE_ACCEPT, reason: '退回受理' } }, people.reviewer, env),
      ),
    ).toEqual(['action.send_back.to_stage']);
    expect(() => back(P.PROCESS_STAGE_REVIEW, '申请材料需补充说明', people.police)).toThrow(PermissionDeniedError);
    expect(() => back(P.PROCESS_STAGE_REVIEW, '申请材料需补充说明', { ...people.approver, roles: [] })).toThrow(
      PermissionDeniedError,
    );
  });

  it('一审一核: from VERIFY back to REVIEW', () => {
    const c = apply(opened(reviewVerifyItem()), { review: { opinion: '同意' } }, people.reviewer, env);
    const t = step(
      c,
      { sendBack: { toStage: P.PROCESS_STAGE_REVIEW, reason: '审核意见不充分' } },
      people.verifier,
      env,
    );
    expect(stages(t.case).slice(2)).toEqual([
      [Stage.verify, St.STAGE_STATUS_SENT_BACK],
      [Stage.review, St.STAGE_STATUS_ACTIVE],
    ]);
  });
});

describe('special procedures (特别程序): the clock stops', () => {
  const env = environment();
  const c = opened();
  const started = step(
    c,
    {
      startSpecialProcedure: {
        kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_INSPECTION,
        reason: '需现场核查经营场所',
      },
    },
    people.reviewer,
    env.at(cst('2026-03-03T10:00')),
  );
  const paused = bump(started);
  const procedureId = paused.specialProcedures[0]!.id;

  it('starting one suspends the case', () => {
    expect(paused.status).toBe(CS.CASE_STATUS_SUSPENDED);
    expect(paused.specialProcedures).toEqual([
      caseV1.SpecialProcedure.fromPartial({
        id: procedureId,
        kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_INSPECTION,
        reason: '需现场核查经营场所',
        startedAt: cst('2026-03-03T10:00'),
        startedByStaffId: people.reviewer.staffId,
        stage: Stage.review,
      }),
    ]);
    expect(procedureId).toMatch(/^id-\d+$/);
    expect(eventNames(started)).toEqual(['specialProcedureStarted']);
    expect(started.log[0]).toMatchObject({ action: 'special_procedure_started', opinion: '需现场核查经营场所' });
  });

  it('needs a kind and a reason; not at ISSUE; not by another department', () => {
    const kind = caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_HEARING;
    expect(fieldsOf(() => step(c, { startSpecialProcedure: { reason: '听证' } }, people.reviewer, env))).toEqual([
      'action.start_special_procedure.kind',
    ]);
    expect(fieldsOf(() => step(c, { startSpecialProcedure: { kind } }, people.reviewer, env))).toEqual([
      'action.start_special_procedure.reason',
    ]);
    expect(() => step(atIssue(), { startSpecialProcedure: { kind, reason: '举行听证' } }, people.clerk, env)).toThrow(
      PreconditionFailedError,
    );
    expect(() => step(c, { startSpecialProcedure: { kind, reason: '举行听证' } }, people.police, env)).toThrow(
      PermissionDeniedError,
    );
  });

  it('while it runs, the case takes no other step and no second procedure', () => {
    expect(() => step(paused, { review: { opinion: '同意' } }, people.reviewer, env)).toThrow(PreconditionFailedError);
    expect(() => step(paused, { review: { opinion: '同意' } }, people.reviewer, env)).toThrow(procedureId);
    expect(() =>
      step(
        paused,
        { startSpecialProcedure: { kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_TESTING, reason: '送检' } },
        people.reviewer,
        env,
      ),
    ).toThrow(PreconditionFailedError);
    expect(() => step(paused, { refuse: { reason: '不符合条件' } }, people.approver, env)).toThrow(
      PreconditionFailedError,
    );
  });

  it('ending it resumes the case and moves the stage due and the promised time by the paused working time', () => {
    // Tuesday 10:00 to Thursday 10:00: 2 working days (14 h) of a 7-hour day.
    const ended = step(
      paused,
      { endSpecialProcedure: { procedureId, resultNote: '现场核查符合要求' } },
      people.reviewer,
      env.at(cst('2026-03-05T10:00')),
    );
    expect(ended.case.status).toBe(CS.CASE_STATUS_IN_PROGRESS);
    expect(ended.case.specialProcedures[0]).toMatchObject({
      endedAt: cst('2026-03-05T10:00'),
      endedByStaffId: people.reviewer.staffId,
      resultNote: '现场核查符合要求',
    });
    expect(c.stages[1]!.dueAt).toEqual(cst('2026-03-05T17:30'));
    expect(lastStage(ended.case).dueAt).toEqual(cst('2026-03-09T17:30'));
    expect(c.promisedAt).toEqual(PROMISED_AT);
    expect(ended.case.promisedAt).toEqual(cst('2026-03-18T17:30'));
    expect(eventNames(ended)).toEqual(['specialProcedureEnded']);
    expect(eventOf(ended, 'specialProcedureEnded').case!.promisedAt).toEqual(cst('2026-03-18T17:30'));
    expect(ended.log[0]).toMatchObject({
      action: 'special_procedure_ended',
      detail: { procedure: procedureId, paused_ms: String(14 * 3_600_000) },
    });
    // And the case moves on.
    expect(lastStage(step(bump(ended), { review: { opinion: '同意' } }, people.reviewer, env).case).stage).toBe(
      Stage.approve,
    );
  });

  it('a weekend inside the pause does not count', () => {
    const fri = step(
      c,
      {
        startSpecialProcedure: {
          kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_EXPERT_REVIEW,
          reason: '组织专家评审',
        },
      },
      people.reviewer,
      env.at(cst('2026-03-06T10:00')),
    );
    const id = fri.case.specialProcedures[0]!.id;
    const mon = step(
      bump(fri),
      { endSpecialProcedure: { procedureId: id, resultNote: '专家评审通过' } },
      people.reviewer,
      env.at(cst('2026-03-09T10:00')),
    );
    // Friday 10:00 → Monday 10:00 is one working day (7 h), not three.
    expect(mon.case.promisedAt).toEqual(cst('2026-03-17T17:30'));
    expect(lastStage(mon.case).dueAt).toEqual(cst('2026-03-06T17:30'));
  });

  it('ending: a known running procedure and a note; by its department', () => {
    const end = (over: Partial<caseV1.EndSpecialProcedureAction>, by: CaseActor = people.reviewer) =>
      step(
        paused,
        { endSpecialProcedure: { procedureId, resultNote: '核查完毕', ...over } },
        by,
        env.at(cst('2026-03-04T10:00')),
      );
    expect(fieldsOf(() => end({ procedureId: 'id-999' }))).toEqual(['action.end_special_procedure.procedure_id']);
    expect(fieldsOf(() => end({ resultNote: '' }))).toEqual(['action.end_special_procedure.result_note']);
    expect(() => end({}, people.police)).toThrow(PermissionDeniedError);
    // Another person of the department may end it.
    expect(end({}, people.reviewer2).case.status).toBe(CS.CASE_STATUS_IN_PROGRESS);
    const ended = bump(end({}));
    expect(() =>
      step(ended, { endSpecialProcedure: { procedureId, resultNote: '再次结束' } }, people.reviewer, env),
    ).toThrow(PreconditionFailedError);
  });
});

describe('extension (延期)', () => {
  const env = environment();
  const c = opened();
  const extend = (
    from: Case,
    amount: items.TimeLimit | undefined,
    by: CaseActor = people.leader,
    reason = '需补充现场核查',
  ) => step(from, { extend: { ...(amount ? { amount } : {}), reason } }, by, env);

  it('a leader moves the promised time by working days from the previous promise', () => {
    const t = extend(c, workingDays(6));
    expect(t.case.promisedAt).toEqual(cst('2026-03-24T17:30'));
    expect(t.case.extensions).toEqual([
      {
        amount: workingDays(6),
        reason: '需补充现场核查',
        grantedByStaffId: people.leader.staffId,
        grantedAt: T0,
        previousPromisedAt: PROMISED_AT,
        promisedAt: cst('2026-03-24T17:30'),
      },
    ]);
    expect(eventNames(t)).toEqual(['extended']);
    expect(t.log[0]).toMatchObject({
      action: 'extend',
      role: 'deputy_leader',
      detail: { days: '6', promised_at: cst('2026-03-24T17:30').toISOString() },
    });
    // Half a working day: to noon of the next working day.
    expect(extend(c, workingDays(0.5), people.principal).case.promisedAt).toEqual(cst('2026-03-17T12:00'));
  });

  it('within 10 working days in all', () => {
    const once = bump(extend(c, workingDays(6)));
    expect(() => extend(once, workingDays(5))).toThrow(PreconditionFailedError);
    expect(() => extend(once, workingDays(5))).toThrow(/10 working days/);
    const twice = bump(extend(once, workingDays(4)));
    expect(twice.promisedAt).toEqual(cst('2026-03-30T17:30'));
    expect(() => extend(twice, workingDays(0.5))).toThrow(PreconditionFailedError);
    expect(() => extend(c, workingDays(10.5))).toThrow(PreconditionFailedError);
  });

  it('only the deputy or principal leader of the approving department', () => {
    expect(() => extend(c, workingDays(1), people.approver)).toThrow(PermissionDeniedError);
    expect(() => extend(c, workingDays(1), people.verifier)).toThrow(PermissionDeniedError);
    expect(() => extend(c, workingDays(1), people.devLeader)).toThrow(PermissionDeniedError);
    expect(() => extend(c, workingDays(1), { ...people.leader, hallId: HALL.county })).toThrow(PermissionDeniedError);
  });

  it('in working days, whole or half, more than 0, with a reason', () => {
    expect(fieldsOf(() => extend(c, { amount: 3, unit: items.LimitUnit.LIMIT_UNIT_NATURAL_DAYS }))).toEqual([
      'action.extend.amount.unit',
    ]);
    expect(fieldsOf(() => extend(c, undefined))).toEqual(['action.extend.amount.unit']);
    for (const amount of [0, -1, 0.3]) {
      expect(fieldsOf(() => extend(c, workingDays(amount)))).toEqual(['action.extend.amount.amount']);
    }
    expect(fieldsOf(() => extend(c, workingDays(1), people.leader, ''))).toEqual(['action.extend.reason']);
  });

  it('not once decided (at ISSUE), but while a special procedure runs', () => {
    expect(() => extend(atIssue(), workingDays(1))).toThrow(PreconditionFailedError);
    const paused = apply(
      c,
      {
        startSpecialProcedure: {
          kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_HEARING,
          reason: '依申请举行听证',
        },
      },
      people.reviewer,
      env,
    );
    expect(extend(paused, workingDays(2)).case.promisedAt).toEqual(cst('2026-03-18T17:30'));
  });

  it('the bound: the item’s own, else 15 working days for a joint item, else 10', () => {
    const wd = items.LimitUnit.LIMIT_UNIT_WORKING_DAYS;
    expect(extensionBound(c)).toEqual({ amount: 10, unit: wd });
    const joint = opened(jointItem(), environment(), {
      place: { approvingDepartmentId: DEPT.dev, leadDepartmentId: DEPT.dev },
    });
    expect(extensionBound(joint)).toEqual({ amount: 15, unit: wd });
    const own = opened(item({ extensionLimit: workingDays(3) }));
    expect(extensionBound(own)).toEqual({ amount: 3, unit: wd });

    // The joint case's lead department's leader grants it.
    expect(() => extend(joint, workingDays(15))).toThrow(PermissionDeniedError);
    const fifteen = bump(extend(joint, workingDays(15), people.devLeader));
    expect(fifteen.extensions).toHaveLength(1);
    expect(() => extend(fifteen, workingDays(0.5), people.devLeader)).toThrow(PreconditionFailedError);

    expect(() => extend(own, workingDays(4))).toThrow(PreconditionFailedError);
    expect(extend(own, workingDays(3)).case.extensions).toHaveLength(1);
  });
});

describe('告知承诺: approval on commitment, verified later', () => {
  const env = environment();
  const reviewed = apply(opened(commitmentItem(), env), { review: { opinion: '承诺材料齐全' } }, people.reviewer, env);
  const approveAt = cst('2026-03-04T10:00');
  const approved = step(reviewed, { approve: { opinion: '告知承诺准予许可' } }, people.leader, env.at(approveAt));

  it('approve decides APPROVED_ON_COMMITMENT with a verification due in 20 working days', () => {
    expect(approved.case.decision!.kind).toBe(D.DECISION_KIND_APPROVED_ON_COMMITMENT);
    expect(approved.case.decision!.documentNumber).toBe(`准予许可〔2026〕第6030200123号`);
    expect(approved.case.commitmentVerification).toEqual(
      caseV1.CommitmentVerification.fromPartial({
        status: caseV1.VerificationStatus.VERIFICATION_STATUS_PENDING,
        dueAt: cst('2026-04-01T17:30'),
        departmentId: DEPT.market,
      }),
    );
    expect(eventOf(approved, 'decided').decision!.kind).toBe(D.DECISION_KIND_APPROVED_ON_COMMITMENT);
    expect(lastStage(approved.case).stage).toBe(Stage.issue);
  });

  it('the hall’s own verification limit, when set', () => {
    const hallEnv = environment({ settings: { commitmentVerificationLimit: workingDays(10) } });
    const t = step(reviewed, { approve: { opinion: '同意' } }, people.leader, hallEnv.at(approveAt));
    expect(t.case.commitmentVerification!.dueAt).toEqual(cst('2026-03-18T17:30'));
  });

  const issuedAndDone = (() => {
    let c = bump(approved);
    c = apply(c, { issue: { certificateNumber: 'JY13707000000002' } }, people.clerk, env);
    c = apply(c, { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env);
    return apply(c, { complete: {} }, people.clerk, env);
  })();
  const verifyAt = env.at(cst('2026-03-20T10:00'));

  it('a failed verification revokes the approval and its certificates, even after completion', () => {
    expect(issuedAndDone.status).toBe(CS.CASE_STATUS_COMPLETED);
    const note = '经核查，承诺的经营场所与实际不符';
    const t = step(issuedAndDone, { verifyCommitment: { passed: false, note } }, people.reviewer, verifyAt);
    expect(t.case.commitmentVerification).toMatchObject({
      status: caseV1.VerificationStatus.VERIFICATION_STATUS_FAILED,
      verifiedByStaffId: people.reviewer.staffId,
      verifiedAt: cst('2026-03-20T10:00'),
      note,
    });
    expect(t.case.decision).toMatchObject({
      kind: D.DECISION_KIND_REVOKED,
      reason: note,
      // The revoked decision keeps its number and date: the revocation cites them.
      decidedByStaffId: people.leader.staffId,
      decidedAt: approveAt,
      documentNumber: `准予许可〔2026〕第6030200123号`,
    });
    expect(t.case.certificates.map((x) => x.status)).toEqual([caseV1.CertificateStatus.CERTIFICATE_STATUS_REVOKED]);
    expect(eventNames(t)).toEqual(['commitmentVerified', 'decided']);
    expect(eventOf(t, 'decided').decision!.kind).toBe(D.DECISION_KIND_REVOKED);
    expect(t.log.map((e) => e.action)).toEqual(['verify_commitment', 'revoke']);
    // Once verified, never again.
    expect(() => step(bump(t), { verifyCommitment: { passed: true } }, people.reviewer, verifyAt)).toThrow(
      PreconditionFailedError,
    );
  });

  it('a failed verification needs its finding', () => {
    expect(
      fieldsOf(() => step(issuedAndDone, { verifyCommitment: { passed: false } }, people.reviewer, verifyAt)),
    ).toEqual(['action.verify_commitment.note']);
  });

  it('a passed one keeps the approval and the certificate', () => {
    const t = step(issuedAndDone, { verifyCommitment: { passed: true } }, people.reviewer, verifyAt);
    expect(t.case.commitmentVerification!.status).toBe(caseV1.VerificationStatus.VERIFICATION_STATUS_PASSED);
    expect(t.case.decision!.kind).toBe(D.DECISION_KIND_APPROVED_ON_COMMITMENT);
    expect(t.case.certificates.map((x) => x.status)).toEqual([caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED]);
    expect(eventNames(t)).toEqual(['commitmentVerified']);
  });

  it('only on a commitment approval, only by the deciding department', () => {
    expect(() => step(atIssue(), { verifyCommitment: { passed: true } }, people.reviewer, env)).toThrow(
      PreconditionFailedError,
    );
    expect(() => step(reviewed, { verifyCommitment: { passed: true } }, people.reviewer, env)).toThrow(
      PreconditionFailedError,
    );
    expect(() => step(issuedAndDone, { verifyCommitment: { passed: true } }, people.police, env)).toThrow(
      PermissionDeniedError,
    );
  });
});

describe('市县联动: hand-up after 初审', () => {
  const preReviewAt = cst('2026-03-02T15:00');
  const handUp = (servesHall: (hallId: string) => boolean) => {
    const env = environment({ servesHall });
    const c = bump(openCase(crossTier.accepted(), crossTier.place, env, false));
    return step(c, { review: { opinion: '初审通过，报市局审批' } }, people.countyReviewer, env.at(preReviewAt));
  };

  it('served by this deployment: REVIEW starts at once at the approving hall', () => {
    const t = handUp(() => true);
    expect(t.case.status).toBe(CS.CASE_STATUS_IN_PROGRESS);
    expect(t.case.handoff).toEqual({
      fromHallId: HALL.county,
      fromRegionCode: '370705',
      toHallId: HALL.city,
      toRegionCode: '370700',
      status: caseV1.HandoffStatus.HANDOFF_STATUS_ACCEPTED,
      requestedAt: preReviewAt,
      acceptedAt: preReviewAt,
      remote: false,
    });
    expect(stages(t.case)).toEqual([
      [Stage.accept, St.STAGE_STATUS_COMPLETED],
      [Stage.preReview, St.STAGE_STATUS_COMPLETED],
      [Stage.review, St.STAGE_STATUS_ACTIVE],
    ]);
    expect(lastStage(t.case)).toMatchObject({
      hallId: HALL.city,
      departmentId: DEPT.market,
      dueAt: cst('2026-03-05T17:30'),
    });
    expect(t.case.currentHallId).toBe(HALL.city);
    expect(t.log.map((e) => [e.action, e.role])).toEqual([
      ['pre_review', 'reviewer'],
      ['hand_up', 'system'],
    ]);
    expect(t.log[1]!.detail).toEqual({ to_hall: HALL.city, to_region: '370700', remote: 'false' });
    expect(eventNames(t)).toEqual(['stageCompleted', 'stageEntered']);

    const upper = bump(t);
    expect(() => step(upper, { review: { opinion: '同意' } }, people.countyReviewer, environment())).toThrow(
      PermissionDeniedError,
    );
    expect(lastStage(step(upper, { review: { opinion: '同意' } }, people.reviewer, environment()).case).stage).toBe(
      Stage.approve,
    );
    // 初审 was the lower tier's: no send-back across tiers.
    expect(
      fieldsOf(() =>
        step(
          upper,
          { sendBack: { toStage: P.PROCESS_STAGE_PRE_REVIEW, reason: '初审意见不清' } },
          people.reviewer,
          environment(),
        ),
      ),
    ).toEqual(['action.send_back.to_stage']);
  });

  it('served elsewhere: the case leaves as handoffRequested and this copy is HANDED_UP', () => {
    const t = handUp((hallId) => hallId === HALL.county);
    expect(t.case.status).toBe(CS.CASE_STATUS_HANDED_UP);
    expect(t.case.currentHallId).toBe(HALL.city);
    expect(t.case.currentStage).toBe(Stage.review);
    expect(stages(t.case)).toEqual([
      [Stage.accept, St.STAGE_STATUS_COMPLETED],
      [Stage.preReview, St.STAGE_STATUS_COMPLETED],
    ]);
    expect(t.case.handoff).toMatchObject({
      status: caseV1.HandoffStatus.HANDOFF_STATUS_REQUESTED,
      remote: true,
      toRegionCode: '370700',
    });
    expect(t.case.handoff!.acceptedAt).toBeUndefined();
    expect(eventNames(t)).toEqual(['stageCompleted', 'handoffRequested']);
    const requested = eventOf(t, 'handoffRequested');
    expect(requested.toRegionCode).toBe('370700');
    expect(requested.case).toMatchObject({ id: 'case-0001', status: CS.CASE_STATUS_HANDED_UP });
    expect(t.log[1]!.detail).toMatchObject({ remote: 'true' });

    const mirror = bump(t);
    const env = environment();
    expect(() => step(mirror, { review: { opinion: '同意' } }, people.reviewer, env)).toThrow(PreconditionFailedError);
    expect(() => step(mirror, { take: {} }, people.countyReviewer, env)).toThrow(PreconditionFailedError);
    expect(() => step(mirror, { take: {} }, people.countyReviewer, env)).toThrow(/handed up/);
  });

  it('acceptHandoff: the upper tier resumes the same case at REVIEW', () => {
    const handed = bump(handUp(() => false));
    const at = cst('2026-03-03T09:00');
    const t = acceptHandoff(handed, environment({ now: at }));
    expect(t.case.status).toBe(CS.CASE_STATUS_IN_PROGRESS);
    expect(t.case.handoff).toMatchObject({
      status: caseV1.HandoffStatus.HANDOFF_STATUS_ACCEPTED,
      acceptedAt: at,
      remote: true,
      requestedAt: preReviewAt,
    });
    expect(lastStage(t.case)).toMatchObject({
      seq: 3,
      stage: Stage.review,
      status: St.STAGE_STATUS_ACTIVE,
      hallId: HALL.city,
      departmentId: DEPT.market,
      enteredAt: at,
      dueAt: cst('2026-03-06T17:30'),
    });
    expect(eventNames(t)).toEqual(['handoffAccepted', 'stageEntered']);
    expect(eventOf(t, 'handoffAccepted')).toEqual({
      caseId: 'case-0001',
      caseNumber: CASE_NUMBER,
      toHallId: HALL.city,
      fromRegionCode: '370705',
      acceptedAt: at,
    });
    expect(t.log).toHaveLength(1);
    expect(t.log[0]).toMatchObject({
      action: 'handoff_accepted',
      role: 'system',
      actor: { staffId: 'system', departmentId: DEPT.market, hallId: HALL.city },
      detail: { from_hall: HALL.county },
    });
    expect(lastStage(step(bump(t), { review: { opinion: '同意' } }, people.reviewer, environment()).case).stage).toBe(
      Stage.approve,
    );
  });
});
