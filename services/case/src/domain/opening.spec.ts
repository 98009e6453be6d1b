import { caseV1, catalogueItemsV1 as items, intakeEventsV1, intakeV1 } from '@govhall/contracts';
import { Stage } from './model';
import { openCase } from './opening';
import {
  CASE_ID,
  CASE_NUMBER,
  DEPT,
  HALL,
  PROMISED_AT,
  T0,
  accepted,
  calendarOf,
  crossTier,
  cst,
  environment,
  eventNames,
  eventOf,
  immediateItem,
  item,
  jointItem,
  people,
  place,
  reportedItem,
  reviewVerifyItem,
  workingDays,
} from './spec-fixtures';
import { plannedStages } from './stages';

const St = caseV1.StageStatus;
const CS = caseV1.CaseStatus;
const P = items.ProcessStage;

describe('plannedStages', () => {
  const at = (of: items.Item, approvingHallId: string = HALL.city) =>
    plannedStages({ item: of, acceptingHallId: HALL.city, approvingHallId });

  it('即办件: accept, issue, archive — nothing to review, whatever else the item says', () => {
    expect(at(immediateItem())).toEqual([Stage.accept, Stage.issue, Stage.archive]);
    const immediateVerify = item({
      caseType: items.CaseType.CASE_TYPE_IMMEDIATE,
      reviewMode: items.ReviewMode.REVIEW_MODE_REVIEW_VERIFY,
    });
    expect(at(immediateVerify, HALL.county)).toEqual([Stage.accept, Stage.issue, Stage.archive]);
  });

  it('承诺件 审核合一: review then approve, no verify and no pre-review', () => {
    expect(at(item())).toEqual([Stage.accept, Stage.review, Stage.approve, Stage.issue, Stage.archive]);
  });

  it('一审一核: verify between review and approve', () => {
    expect(at(reviewVerifyItem())).toEqual([
      Stage.accept,
      Stage.review,
      Stage.verify,
      Stage.approve,
      Stage.issue,
      Stage.archive,
    ]);
  });

  it('市县联动: another hall approves, so the accepting hall pre-reviews first', () => {
    expect(plannedStages({ item: item(), acceptingHallId: HALL.county, approvingHallId: HALL.city })).toEqual([
      Stage.accept,
      Stage.preReview,
      Stage.review,
      Stage.approve,
      Stage.issue,
      Stage.archive,
    ]);
    expect(
      plannedStages({ item: reviewVerifyItem(), acceptingHallId: HALL.county, approvingHallId: HALL.city }),
    ).toEqual([Stage.accept, Stage.preReview, Stage.review, Stage.verify, Stage.approve, Stage.issue, Stage.archive]);
  });

  it('上报件: pre-reviewed even when the same hall approves', () => {
    expect(at(reportedItem())).toEqual([
      Stage.accept,
      Stage.preReview,
      Stage.review,
      Stage.approve,
      Stage.issue,
      Stage.archive,
    ]);
  });

  it('联办件: the stages of a promised item (its parts run beside them)', () => {
    expect(at(jointItem())).toEqual([Stage.accept, Stage.review, Stage.approve, Stage.issue, Stage.archive]);
  });
});

describe('openCase: a promised item accepted at the approving hall', () => {
  const env = environment();
  const t = openCase(accepted(), place(), env, false);
  const c = t.case;

  it('copies the acceptance onto the case, with the item version pinned whole', () => {
    expect(c).toMatchObject({
      id: CASE_ID,
      caseNumber: CASE_NUMBER,
      version: 0,
      status: CS.CASE_STATUS_IN_PROGRESS,
      applicantId: 'applicant-1',
      applicantName: '潍坊**餐饮有限公司',
      acceptedAt: T0,
      promisedLimit: workingDays(10),
      promisedAt: PROMISED_AT,
      acceptingHallId: HALL.city,
      acceptingDepartmentId: DEPT.market,
      acceptingWindowId: 'window-3',
      acceptingStaffId: people.clerk.staffId,
      approvingHallId: HALL.city,
      approvingDepartmentId: DEPT.market,
      currentHallId: HALL.city,
      currentStage: Stage.review,
      leadDepartmentId: '',
      relatedDepartmentIds: [],
      subtasks: [],
      missingMaterialCodes: [],
      regionCode: '370700',
      updatedAt: T0,
    });
    expect(c.item).toEqual(item());
    expect(c.decision).toBeUndefined();
    expect(c.certificates).toEqual([]);
  });

  it('ACCEPT is completed at the acceptance, by the accepting clerk; REVIEW is active with its budget', () => {
    expect(c.stages).toHaveLength(2);
    expect(c.stages[0]).toEqual(
      caseV1.StageRecord.fromPartial({
        seq: 1,
        stage: Stage.accept,
        status: St.STAGE_STATUS_COMPLETED,
        hallId: HALL.city,
        departmentId: DEPT.market,
        handlerStaffId: people.clerk.staffId,
        enteredAt: T0,
        completedAt: T0,
      }),
    );
    expect(c.stages[1]).toEqual(
      caseV1.StageRecord.fromPartial({
        seq: 2,
        stage: Stage.review,
        status: St.STAGE_STATUS_ACTIVE,
        hallId: HALL.city,
        departmentId: DEPT.market,
        handlerStaffId: '',
        enteredAt: T0,
        budget: workingDays(3),
        // Monday 10:00 + 3 working days: Thursday at the close (the start day does not count).
        dueAt: cst('2026-03-05T17:30'),
      }),
    );
  });

  it('raises opened, ACCEPT completed and REVIEW entered, in that order', () => {
    expect(eventNames(t)).toEqual(['opened', 'stageCompleted', 'stageEntered']);
    const o = eventOf(t, 'opened');
    expect(o.stages).toEqual(plannedStages(c));
    expect(o).toMatchObject({
      caseType: items.CaseType.CASE_TYPE_PROMISED,
      crossTier: false,
      acceptedAt: T0,
      promisedLimit: workingDays(10),
      leadDepartmentId: '',
      relatedDepartmentIds: [],
    });
    expect(o.case).toMatchObject({
      caseId: CASE_ID,
      caseNumber: CASE_NUMBER,
      itemId: 'item-food',
      itemVersion: 3,
      itemName: '食品经营许可',
      applicantId: 'applicant-1',
      acceptingHallId: HALL.city,
      departmentId: DEPT.market,
      promisedAt: PROMISED_AT,
      // The version the case has once stored.
      caseVersion: 1,
    });
    const completed = eventOf(t, 'stageCompleted');
    expect(completed.stage).toMatchObject({ stage: Stage.accept, status: St.STAGE_STATUS_COMPLETED });
    expect(completed.sentBackTo).toBe(P.PROCESS_STAGE_UNSPECIFIED);
    expect(eventOf(t, 'stageEntered').stage).toMatchObject({
      stage: Stage.review,
      status: St.STAGE_STATUS_ACTIVE,
      dueAt: cst('2026-03-05T17:30'),
    });
  });

  it('logs the opening by the accepting clerk with the item version and registration', () => {
    expect(t.log).toHaveLength(1);
    expect(t.log[0]).toMatchObject({
      action: 'opened',
      actor: { staffId: people.clerk.staffId },
      role: 'clerk',
      stage: Stage.accept,
      departmentId: DEPT.market,
      hallId: HALL.city,
      detail: { item: 'item-food@3', registration: 'DJ2026030200045' },
    });
    expect(t.log[0]!.detail).not.toHaveProperty('missing');
  });

  it('一审一核 opens at REVIEW too, and announces VERIFY among its stages', () => {
    const rv = openCase(accepted(reviewVerifyItem()), place(), environment(), false);
    expect(rv.case.currentStage).toBe(Stage.review);
    expect(eventOf(rv, 'opened').stages).toContain(Stage.verify);
  });

  it('the due time follows the budget unit: working hours skip the lunch break, natural days end on a working day', () => {
    const hours = openCase(
      accepted(
        item({
          stageBudgets: [
            { stage: P.PROCESS_STAGE_REVIEW, limit: { amount: 4, unit: items.LimitUnit.LIMIT_UNIT_WORKING_HOURS } },
          ],
        }),
      ),
      place(),
      environment(),
      false,
    );
    // 10:00–12:00, then 14:00–16:00.
    expect(hours.case.stages[1]!.dueAt).toEqual(cst('2026-03-02T16:00'));
    const natural = openCase(
      accepted(
        item({
          stageBudgets: [
            { stage: P.PROCESS_STAGE_REVIEW, limit: { amount: 5, unit: items.LimitUnit.LIMIT_UNIT_NATURAL_DAYS } },
          ],
        }),
      ),
      place(),
      environment(),
      false,
    );
    // Saturday 7 March is not a working day: the Monday after, at the close.
    expect(natural.case.stages[1]!.dueAt).toEqual(cst('2026-03-09T17:30'));
  });

  it('a stage the item gives no budget has neither budget nor due time', () => {
    const none = openCase(accepted(item({ stageBudgets: [] })), place(), environment(), false);
    expect(none.case.stages[1]).toMatchObject({ stage: Stage.review, status: St.STAGE_STATUS_ACTIVE });
    expect(none.case.stages[1]!.budget).toBeUndefined();
    expect(none.case.stages[1]!.dueAt).toBeUndefined();
  });

  it('the stage starts when the case opens; ACCEPT keeps the acceptance time', () => {
    const later = openCase(accepted(), place(), environment({ now: cst('2026-03-03T09:00') }), false);
    expect(later.case.stages[0]!.completedAt).toEqual(T0);
    expect(later.case.stages[1]).toMatchObject({
      enteredAt: cst('2026-03-03T09:00'),
      dueAt: cst('2026-03-06T17:30'),
    });
  });
});

describe('openCase: 市县联动 and 上报件 start with 初审 at the accepting hall', () => {
  it('cross-tier: PRE_REVIEW at Kuiwen by its department, due on Kuiwen’s calendar', () => {
    const t = openCase(crossTier.accepted(), crossTier.place, environment(), false);
    const c = t.case;
    expect(c).toMatchObject({
      acceptingHallId: HALL.county,
      acceptingDepartmentId: DEPT.countyMarket,
      approvingHallId: HALL.city,
      approvingDepartmentId: DEPT.market,
      currentHallId: HALL.county,
      currentStage: Stage.preReview,
    });
    expect(c.stages[0]).toMatchObject({ hallId: HALL.county, departmentId: DEPT.countyMarket });
    expect(c.stages[1]).toMatchObject({
      stage: Stage.preReview,
      status: St.STAGE_STATUS_ACTIVE,
      hallId: HALL.county,
      departmentId: DEPT.countyMarket,
      budget: workingDays(1),
      // Kuiwen closes at 17:00; the city at 17:30.
      dueAt: cst('2026-03-03T17:00'),
    });
    expect(calendarOf(HALL.city).dueInstant(T0, { amount: 1, unit: 'working_days' })).toEqual(cst('2026-03-03T17:30'));
    expect(eventOf(t, 'opened')).toMatchObject({ crossTier: true });
    expect(eventOf(t, 'opened').stages).toEqual([
      Stage.accept,
      Stage.preReview,
      Stage.review,
      Stage.approve,
      Stage.issue,
      Stage.archive,
    ]);
  });

  it('reported at the approving hall: PRE_REVIEW at the city hall, not cross-tier', () => {
    const t = openCase(accepted(reportedItem()), place(), environment(), false);
    expect(t.case.stages[1]).toMatchObject({
      stage: Stage.preReview,
      hallId: HALL.city,
      departmentId: DEPT.market,
      dueAt: cst('2026-03-03T17:30'),
    });
    expect(eventOf(t, 'opened').crossTier).toBe(false);
  });
});

describe('openCase: 即办件', () => {
  const completedAt = cst('2026-03-02T10:20');
  const immediate = (over: Partial<intakeEventsV1.Accepted> = {}) =>
    accepted(immediateItem(), {
      completedAt,
      resultNote: '当场办结，证照已交申请人',
      certificateNumber: 'JY23707050012345',
      ...over,
    });

  it('completed on the spot: COMPLETED, decided and issued at the window, ARCHIVE waiting for its batch', () => {
    const t = openCase(immediate(), place(), environment({ now: completedAt }), true);
    const c = t.case;
    expect(c.status).toBe(CS.CASE_STATUS_COMPLETED);
    expect(c.completedAt).toEqual(completedAt);
    expect(c.currentStage).toBe(Stage.archive);
    expect(c.stages.map((s) => [s.stage, s.status])).toEqual([
      [Stage.accept, St.STAGE_STATUS_COMPLETED],
      [Stage.issue, St.STAGE_STATUS_COMPLETED],
      [Stage.archive, St.STAGE_STATUS_ACTIVE],
    ]);
    expect(c.stages[1]).toMatchObject({ handlerStaffId: people.clerk.staffId, opinion: '当场办结，证照已交申请人' });
    expect(c.stages[2]!.dueAt).toBeUndefined();
    expect(c.decision).toMatchObject({
      kind: caseV1.DecisionKind.DECISION_KIND_APPROVED,
      decidedByStaffId: people.clerk.staffId,
      decidedAt: completedAt,
      issuedAt: completedAt,
      issuedByStaffId: people.clerk.staffId,
    });
    expect(c.certificates).toEqual([
      caseV1.Certificate.fromPartial({
        id: 'id-1',
        name: '食品经营许可证',
        number: 'JY23707050012345',
        kind: items.ResultKind.RESULT_KIND_CERTIFICATE,
        status: caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED,
        issuedByStaffId: people.clerk.staffId,
        preparedAt: completedAt,
        issuedAt: completedAt,
        departmentId: DEPT.market,
      }),
    ]);
    expect(c.delivery).toMatchObject({
      method: caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW,
      windowId: 'window-3',
      deliveredAt: completedAt,
    });
    expect(t.log.map((e) => e.action)).toEqual(['opened', 'completed_immediately']);
    expect(t.log[1]).toMatchObject({ stage: Stage.issue, detail: { certificate: 'JY23707050012345' } });
  });

  it('raises what a completed case raises: decided, the certificate for the 证照库, completed', () => {
    const t = openCase(immediate(), place(), environment({ now: completedAt }), true);
    expect(eventNames(t)).toEqual([
      'opened',
      'stageCompleted',
      'stageEntered',
      'decided',
      'certificateIssued',
      'stageCompleted',
      'stageEntered',
      'completed',
    ]);
    expect(eventOf(t, 'certificateIssued')).toMatchObject({
      caseId: CASE_ID,
      certificateNumber: 'JY23707050012345',
      certificateName: '食品经营许可证',
      applicantId: 'applicant-1',
      issuingDepartmentId: DEPT.market,
      issuingDepartmentName: '潍坊市市场监督管理局',
      issuedAt: completedAt,
    });
    expect(eventOf(t, 'completed')).toMatchObject({
      completedAt,
      decision: caseV1.DecisionKind.DECISION_KIND_APPROVED,
      deliveryMethod: caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW,
    });
    // The entered event tells how the stage was entered, though it closed within the same change.
    const issueEntered = t.events.filter((e) => e.name === 'stageEntered')[0]!;
    expect(issueEntered.payload).toMatchObject({ stage: { stage: Stage.issue, status: St.STAGE_STATUS_ACTIVE } });
  });

  it('without a certificate number: no certificate and no certificate event', () => {
    const t = openCase(immediate({ certificateNumber: '' }), place(), environment(), true);
    expect(t.case.certificates).toEqual([]);
    expect(eventNames(t)).not.toContain('certificateIssued');
    expect(t.case.status).toBe(CS.CASE_STATUS_COMPLETED);
    expect(t.log[1]!.detail).toBeUndefined();
  });

  it('an immediate item accepted but not completed waits at ISSUE', () => {
    const t = openCase(accepted(immediateItem()), place(), environment(), false);
    expect(t.case.status).toBe(CS.CASE_STATUS_IN_PROGRESS);
    expect(t.case.stages[1]).toMatchObject({
      stage: Stage.issue,
      status: St.STAGE_STATUS_ACTIVE,
      dueAt: cst('2026-03-03T17:30'),
    });
    expect(t.case.decision).toBeUndefined();
  });
});

describe('openCase: 容缺受理', () => {
  const materials = [
    { code: 'M01', name: '食品经营许可申请书' },
    { code: 'M07', name: '从业人员健康证明', acceptedMissing: true, supplementDueAt: cst('2026-03-09T17:30') },
    { code: 'M09', name: '场所平面图', acceptedMissing: true },
  ].map((m) => intakeEventsV1.AcceptedMaterial.fromPartial(m));
  const commitment = intakeV1.MissingMaterialCommitment.fromPartial({ signedBy: '张三', signedAt: T0 });

  it('with the signed commitment, the materials accepted missing are owed by the case', () => {
    const t = openCase(accepted(item(), { materials, commitment }), place(), environment(), false);
    expect(t.case.missingMaterialCodes).toEqual(['M07', 'M09']);
    expect(t.log[0]!.detail).toMatchObject({ missing: 'M07,M09' });
  });

  it('without a commitment nothing is owed', () => {
    const t = openCase(accepted(item(), { materials }), place(), environment(), false);
    expect(t.case.missingMaterialCodes).toEqual([]);
  });
});

describe('openCase: 联办件', () => {
  const t = openCase(
    accepted(jointItem()),
    place({ approvingDepartmentId: DEPT.dev, leadDepartmentId: DEPT.dev }),
    environment(),
    false,
  );
  const c = t.case;

  it('the lead reviews; every related department is named from the start (抄告相关)', () => {
    expect(c.leadDepartmentId).toBe(DEPT.dev);
    expect(c.relatedDepartmentIds).toEqual([DEPT.land, DEPT.build, DEPT.env]);
    expect(c.stages[1]).toMatchObject({ stage: Stage.review, departmentId: DEPT.dev, hallId: HALL.city });
    expect(eventOf(t, 'opened')).toMatchObject({
      caseType: items.CaseType.CASE_TYPE_JOINT,
      leadDepartmentId: DEPT.dev,
      relatedDepartmentIds: [DEPT.land, DEPT.build, DEPT.env],
    });
    expect(eventOf(t, 'opened').case!.departmentId).toBe(DEPT.dev);
  });

  it('parts without a dependency are READY with their own due time; a dependent part WAITs', () => {
    expect(c.subtasks.map((s) => [s.code, s.status])).toEqual([
      ['LAND', caseV1.SubtaskStatus.SUBTASK_STATUS_READY],
      ['PLAN', caseV1.SubtaskStatus.SUBTASK_STATUS_WAITING],
      ['EIA', caseV1.SubtaskStatus.SUBTASK_STATUS_READY],
    ]);
    const [land, plan, eia] = c.subtasks;
    expect(land).toMatchObject({ departmentId: DEPT.land, readyAt: T0, dueAt: cst('2026-03-09T17:30'), dependsOn: [] });
    expect(eia).toMatchObject({ departmentId: DEPT.env, dueAt: cst('2026-03-06T17:30') });
    expect(plan).toMatchObject({ dependsOn: ['LAND'], budget: workingDays(3) });
    expect(plan!.readyAt).toBeUndefined();
    expect(plan!.dueAt).toBeUndefined();
  });

  it('announces the ready parts after the stage', () => {
    expect(eventNames(t)).toEqual(['opened', 'stageCompleted', 'stageEntered', 'subtaskReady', 'subtaskReady']);
    const ready = t.events
      .filter((e) => e.name === 'subtaskReady')
      .map((e) => (e.payload as { subtask: caseV1.Subtask }).subtask.code);
    expect(ready).toEqual(['LAND', 'EIA']);
  });

  it('a lead named for a non-joint item is ignored', () => {
    const single = openCase(accepted(), place({ leadDepartmentId: DEPT.dev }), environment(), false);
    expect(single.case.leadDepartmentId).toBe('');
    expect(single.case.stages[1]!.departmentId).toBe(DEPT.market);
  });
});
