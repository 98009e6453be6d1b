import { caseV1, catalogueItemsV1 as items } from '@govhall/contracts';
import { PreconditionFailedError } from '@govhall/kit';
import { SYSTEM_ACTOR, Stage, type Case } from './model';
import { openCase } from './opening';
import {
  CASE_NUMBER,
  DEPT,
  HALL,
  apply,
  bump,
  crossTier,
  cst,
  environment,
  eventNames,
  eventOf,
  item,
  jointItem,
  lastStage,
  opened,
  part,
  people,
  reviewVerifyItem,
  step,
  workingDays,
  type EnvironmentOptions,
} from './spec-fixtures';
import { archiveCase, deemOverdueSteps, materialsSupplied, releaseBundle } from './system-steps';

const St = caseV1.StageStatus;
const S = caseV1.SubtaskStatus;
const M = caseV1.DeliveryMethod;
const CERT = caseV1.CertificateStatus;

const on: EnvironmentOptions['settings'] = { deemOverdueStepsPassed: true, overdueGrace: workingDays(1) };
const deemAt = (c: Case, at: Date, settings: EnvironmentOptions['settings'] = on) =>
  deemOverdueSteps(c, environment({ settings, now: at }));

describe('deemOverdueSteps (超时默认)', () => {
  // REVIEW due Thursday 5 March 17:30; with a grace of one working day, Friday 17:30.
  const c = opened(reviewVerifyItem());

  it('off unless the hall turned it on: nothing, however late', () => {
    expect(deemOverdueSteps(c, environment({ now: cst('2026-06-01T10:00') }))).toBeUndefined();
    expect(
      deemAt(c, cst('2026-06-01T10:00'), { deemOverdueStepsPassed: false, overdueGrace: workingDays(1) }),
    ).toBeUndefined();
  });

  it('on: nothing before due + grace', () => {
    expect(deemAt(c, cst('2026-03-05T18:00'))).toBeUndefined();
    expect(deemAt(c, cst('2026-03-06T17:30'))).toBeUndefined();
  });

  it('past due + grace: the step is deemed passed on the accepting window’s unit, and the next starts', () => {
    const at = cst('2026-03-09T09:00');
    const t = deemAt(c, at)!;
    expect(t).toBeDefined();
    expect(t.case.stages[1]).toMatchObject({
      stage: Stage.review,
      status: St.STAGE_STATUS_DEEMED_PASSED,
      opinion: '超时默认通过',
      responsibleDepartmentId: DEPT.market,
      completedAt: at,
    });
    expect(lastStage(t.case)).toMatchObject({
      stage: Stage.verify,
      status: St.STAGE_STATUS_ACTIVE,
      enteredAt: at,
      dueAt: cst('2026-03-10T17:30'),
    });
    expect(t.case.updatedAt).toEqual(at);
    expect(eventNames(t)).toEqual(['stageCompleted', 'stageEntered']);
    expect(eventOf(t, 'stageCompleted').stage!.status).toBe(St.STAGE_STATUS_DEEMED_PASSED);
    expect(t.log).toEqual([
      expect.objectContaining({
        action: 'deemed_passed',
        actor: SYSTEM_ACTOR,
        role: 'system',
        stage: Stage.review,
        detail: { responsible: DEPT.market, due_at: cst('2026-03-05T17:30').toISOString() },
      }),
    ]);
    // The given case is untouched.
    expect(c.stages[1]!.status).toBe(St.STAGE_STATUS_ACTIVE);
  });

  it('no grace set: past due is enough', () => {
    expect(deemAt(c, cst('2026-03-05T17:31'), { deemOverdueStepsPassed: true })).toBeDefined();
    expect(deemAt(c, cst('2026-03-05T17:29'), { deemOverdueStepsPassed: true })).toBeUndefined();
  });

  it('responsibility is the accepting unit’s, not the approving one’s (市县联动)', () => {
    const env = environment();
    let x = bump(openCase(crossTier.accepted(), crossTier.place, env, false));
    x = apply(x, { review: { opinion: '初审通过' } }, people.countyReviewer, env.at(cst('2026-03-02T15:00')));
    expect(lastStage(x)).toMatchObject({ stage: Stage.review, hallId: HALL.city, dueAt: cst('2026-03-05T17:30') });
    const t = deemAt(x, cst('2026-03-09T09:00'))!;
    expect(lastStage(t.case).stage).toBe(Stage.approve);
    expect(t.case.stages[2]).toMatchObject({
      status: St.STAGE_STATUS_DEEMED_PASSED,
      responsibleDepartmentId: DEPT.countyMarket,
    });
  });

  it('never deems a decision (APPROVE) or an issue', () => {
    const env = environment();
    let x = apply(opened(), { review: { opinion: '同意' } }, people.reviewer, env);
    expect(lastStage(x)).toMatchObject({ stage: Stage.approve, dueAt: cst('2026-03-04T17:30') });
    expect(deemAt(x, cst('2026-06-01T10:00'))).toBeUndefined();
    x = apply(x, { approve: { opinion: '同意' } }, people.leader, env);
    expect(lastStage(x).stage).toBe(Stage.issue);
    expect(deemAt(x, cst('2026-06-01T10:00'))).toBeUndefined();
  });

  it('not while suspended or handed up', () => {
    const paused = apply(
      c,
      {
        startSpecialProcedure: { kind: caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_HEARING, reason: '举行听证' },
      },
      people.reviewer,
      environment(),
    );
    expect(deemAt(paused, cst('2026-06-01T10:00'))).toBeUndefined();
    const remote = environment({ servesHall: (h) => h === HALL.county });
    const handed = apply(
      bump(openCase(crossTier.accepted(), crossTier.place, remote, false)),
      { review: { opinion: '初审通过' } },
      people.countyReviewer,
      remote,
    );
    expect(handed.status).toBe(caseV1.CaseStatus.CASE_STATUS_HANDED_UP);
    expect(
      deemOverdueSteps(
        handed,
        environment({ settings: on, now: cst('2026-06-01T10:00'), servesHall: (h) => h === HALL.county }),
      ),
    ).toBeUndefined();
  });

  it('初审 of a cross-tier case: deemed and handed on when this deployment serves the upper hall', () => {
    const x = bump(openCase(crossTier.accepted(), crossTier.place, environment(), false));
    // PRE_REVIEW due Tuesday 17:00 on Kuiwen's calendar.
    const t = deemAt(x, cst('2026-03-05T09:00'))!;
    expect(t.case.stages.map((s) => [s.stage, s.status])).toEqual([
      [Stage.accept, St.STAGE_STATUS_COMPLETED],
      [Stage.preReview, St.STAGE_STATUS_DEEMED_PASSED],
      [Stage.review, St.STAGE_STATUS_ACTIVE],
    ]);
    expect(lastStage(t.case).hallId).toBe(HALL.city);
  });

  it('an overdue 初审 of a case approved by another deployment is deemed passed and handed up like a reviewed one', () => {
    const servesHall = (h: string) => h === HALL.county;
    const x = bump(openCase(crossTier.accepted(), crossTier.place, environment({ servesHall }), false));
    const t = deemOverdueSteps(x, environment({ settings: on, now: cst('2026-03-05T09:00'), servesHall }))!;
    expect(t.case.stages[1]).toMatchObject({
      status: St.STAGE_STATUS_DEEMED_PASSED,
      responsibleDepartmentId: x.acceptingDepartmentId,
    });
    expect(t.case.status).toBe(caseV1.CaseStatus.CASE_STATUS_HANDED_UP);
    expect(t.log.map((e) => e.action)).toEqual(['deemed_passed', 'hand_up']);
    expect(eventNames(t)).toContain('handoffRequested');
  });

  describe('joint parts', () => {
    const j = opened(jointItem(), environment(), {
      place: { approvingDepartmentId: DEPT.dev, leadDepartmentId: DEPT.dev },
    });
    const none = { deemOverdueStepsPassed: true };

    it('an overdue part is deemed passed; the lead’s review is not deemed while parts are open', () => {
      // EIA due Friday 6 March, LAND Monday 9 March, REVIEW Thursday 5 March.
      const at = cst('2026-03-09T09:00');
      const t = deemAt(j, at, none)!;
      expect(part(t.case, 'EIA')).toMatchObject({
        status: S.SUBTASK_STATUS_DEEMED_PASSED,
        decidedAt: at,
        opinion: '超时默认通过',
        responsibleDepartmentId: DEPT.market,
      });
      expect(part(t.case, 'LAND').status).toBe(S.SUBTASK_STATUS_READY);
      expect(lastStage(t.case)).toMatchObject({ stage: Stage.review, status: St.STAGE_STATUS_ACTIVE });
      expect(eventNames(t)).toEqual(['subtaskDecided']);
      expect(t.log).toEqual([
        expect.objectContaining({ action: 'deemed_passed', subtaskCode: 'EIA', departmentId: DEPT.dev }),
      ]);
    });

    it('a deemed dependency releases its dependent; a waiting part is never deemed', () => {
      const at = cst('2026-03-10T09:00');
      const t = deemAt(j, at, none)!;
      expect(part(t.case, 'LAND').status).toBe(S.SUBTASK_STATUS_DEEMED_PASSED);
      expect(part(t.case, 'PLAN')).toMatchObject({
        status: S.SUBTASK_STATUS_READY,
        readyAt: at,
        dueAt: cst('2026-03-13T17:30'),
      });
      expect(part(t.case, 'EIA').status).toBe(S.SUBTASK_STATUS_DEEMED_PASSED);
      expect(eventNames(t)).toEqual(['subtaskDecided', 'subtaskReady', 'subtaskDecided']);
      expect(lastStage(t.case).stage).toBe(Stage.review);
    });

    it('once every part is decided, an overdue review is deemed too', () => {
      let x = bump(deemAt(j, cst('2026-03-10T09:00'), none)!);
      x = apply(
        x,
        { decideSubtask: { subtaskCode: 'PLAN', approved: true, opinion: '同意' } },
        people.buildApprover,
        environment().at(cst('2026-03-10T10:00')),
      );
      const t = deemAt(x, cst('2026-03-10T11:00'), none)!;
      expect(t.case.stages[1]).toMatchObject({ stage: Stage.review, status: St.STAGE_STATUS_DEEMED_PASSED });
      expect(lastStage(t.case)).toMatchObject({ stage: Stage.approve, departmentId: DEPT.dev });
    });
  });
});

describe('releaseBundle (两证齐发)', () => {
  const env = environment();
  const membership = caseV1.BundleMembership.fromPartial({
    bundleId: 'bundle-1',
    catalogueBundleId: 'cat-bundle-food',
    partnerCaseIds: ['case-0001', 'case-0002'],
    issuingWindowId: 'window-7',
  });
  const atIssue = (id: string, caseNumber: string, of: items.Item): Case => {
    let c = opened(of, env, { accepted: { caseId: id, caseNumber } });
    c = { ...c, bundle: membership };
    c = apply(c, { review: { opinion: '同意' } }, people.reviewer, env);
    return apply(c, { approve: { opinion: '同意' } }, people.leader, env);
  };
  const a = atIssue('case-0001', CASE_NUMBER, item());
  const b = atIssue(
    'case-0002',
    'SL2026030200124',
    item({
      name: '小餐饮登记',
      result: { name: '小餐饮登记证', kind: items.ResultKind.RESULT_KIND_CERTIFICATE, sampleRef: '' },
    }),
  );
  const issuedA = step(a, { issue: { certificateNumber: 'JY1' } }, people.clerk, env);
  const aIssued = bump(issuedA);
  const bIssued = apply(b, { issue: { certificateNumber: 'XC1' } }, people.clerk, env);
  const releaseAt = cst('2026-03-06T09:00');

  it('a bundle’s certificate is prepared, not issued, and cannot be delivered alone', () => {
    expect(aIssued.certificates[0]).toMatchObject({ status: CERT.CERTIFICATE_STATUS_PREPARED, number: 'JY1' });
    expect(aIssued.certificates[0]!.issuedAt).toBeUndefined();
    expect(aIssued.decision!.issuedAt).toBeDefined();
    expect(issuedA.events).toEqual([]);
    expect(() => step(aIssued, { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env)).toThrow(
      PreconditionFailedError,
    );
    expect(() => step(aIssued, { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env)).toThrow(
      /两证齐发/,
    );
  });

  it('nothing while a partner is not issued', () => {
    expect(releaseBundle([aIssued, b], env.at(releaseAt))).toEqual([]);
  });

  it('every partner issued: all prepared certificates go out together, each announced', () => {
    const out = releaseBundle([aIssued, bIssued], env.at(releaseAt));
    expect(out.map((t) => t.case.id)).toEqual(['case-0001', 'case-0002']);
    for (const t of out) {
      expect(t.case.certificates.map((x) => [x.status, x.issuedAt])).toEqual([
        [CERT.CERTIFICATE_STATUS_ISSUED, releaseAt],
      ]);
      expect(eventNames(t)).toEqual(['certificateIssued']);
      expect(eventOf(t, 'certificateIssued').issuedAt).toEqual(releaseAt);
      expect(t.log).toEqual([
        expect.objectContaining({
          action: 'bundle_issued',
          actor: SYSTEM_ACTOR,
          detail: { bundle: 'bundle-1', partners: `${CASE_NUMBER},SL2026030200124` },
        }),
      ]);
      expect(t.case.updatedAt).toEqual(releaseAt);
    }
    expect(out.map((t) => eventOf(t, 'certificateIssued').certificateNumber)).toEqual(['JY1', 'XC1']);
    // The given cases are untouched; released ones are not released twice.
    expect(aIssued.certificates[0]!.status).toBe(CERT.CERTIFICATE_STATUS_PREPARED);
    expect(releaseBundle(out.map(bump), env.at(releaseAt))).toEqual([]);
    // Now the window hands them over, by default at the bundle's window.
    const delivered = step(bump(out[0]!), { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env);
    expect(delivered.case.delivery!.windowId).toBe('window-7');
  });

  it('a partner refused (issued without a certificate) does not hold the others back', () => {
    let refused = opened(item(), env, { accepted: { caseId: 'case-0003', caseNumber: 'SL2026030200125' } });
    refused = apply({ ...refused, bundle: membership }, { refuse: { reason: '不符合条件' } }, people.approver, env);
    refused = apply(refused, { issue: {} }, people.clerk, env);
    const out = releaseBundle([aIssued, refused], env.at(releaseAt));
    expect(out.map((t) => t.case.id)).toEqual(['case-0001']);
  });
});

describe('archiveCase', () => {
  const env = environment();
  let done = opened(item(), env);
  done = apply(done, { review: { opinion: '同意' } }, people.reviewer, env);
  done = apply(done, { approve: { opinion: '同意' } }, people.leader, env);
  done = apply(done, { issue: { certificateNumber: 'JY1' } }, people.clerk, env);
  done = apply(done, { deliver: { method: M.DELIVERY_METHOD_WINDOW } }, people.clerk, env);
  const completed = apply(done, { complete: {} }, people.clerk, env);
  const at = cst('2026-03-09T09:00');

  it('a completed case goes to its batch: ARCHIVE closed, ARCHIVED', () => {
    const archivist = { ...people.clerk, staffId: 'archivist-1' };
    const t = archiveCase(completed, 'batch-2026-w10', archivist, 'archivist', env.at(at));
    expect(t.case).toMatchObject({
      status: caseV1.CaseStatus.CASE_STATUS_ARCHIVED,
      archivedAt: at,
      archiveBatchId: 'batch-2026-w10',
      updatedAt: at,
    });
    expect(lastStage(t.case)).toMatchObject({
      stage: Stage.archive,
      status: St.STAGE_STATUS_COMPLETED,
      completedAt: at,
    });
    expect(eventNames(t)).toEqual(['stageCompleted', 'archived']);
    expect(eventOf(t, 'archived')).toMatchObject({ archiveBatchId: 'batch-2026-w10', archivedAt: at });
    expect(t.log).toEqual([
      {
        action: 'archive',
        actor: archivist,
        role: 'archivist',
        stage: Stage.archive,
        detail: { batch: 'batch-2026-w10' },
      },
    ]);
  });

  it('only a completed case', () => {
    expect(() => archiveCase(done, 'batch-1', people.clerk, 'clerk', env)).toThrow(PreconditionFailedError);
    const archived = bump(archiveCase(completed, 'batch-1', people.clerk, 'clerk', env));
    expect(() => archiveCase(archived, 'batch-2', people.clerk, 'clerk', env)).toThrow(PreconditionFailedError);
  });
});

describe('materialsSupplied (容缺)', () => {
  const env = environment();
  const owing: Case = { ...opened(), missingMaterialCodes: ['M07', 'M09'] };

  it('some arrived: the rest is still owed', () => {
    const t = materialsSupplied(owing, ['M07'], false, env)!;
    expect(t.case.missingMaterialCodes).toEqual(['M09']);
    expect(t.events).toEqual([]);
    expect(t.log).toEqual([
      expect.objectContaining({
        action: 'materials_supplied',
        actor: SYSTEM_ACTOR,
        detail: { materials: 'M07', owed: 'M09' },
      }),
    ]);
    expect(owing.missingMaterialCodes).toEqual(['M07', 'M09']);
  });

  it('all supplied: nothing owed, whatever codes came', () => {
    expect(materialsSupplied(owing, [], true, env)!.case.missingMaterialCodes).toEqual([]);
    expect(materialsSupplied(owing, ['M07', 'M09'], false, env)!.case.missingMaterialCodes).toEqual([]);
  });

  it('no change: nothing to record', () => {
    expect(materialsSupplied(owing, ['M99'], false, env)).toBeUndefined();
    expect(materialsSupplied(opened(), ['M07'], true, env)).toBeUndefined();
  });
});
