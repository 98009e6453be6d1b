import { caseV1, catalogueItemsV1, intakeV1 } from '@govhall/contracts';
import { callUnary, type FakeClock } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import {
  D,
  FOOD,
  P,
  S,
  WINDOW_DELIVERY,
  WORKING_DAYS,
  at,
  caseEventsOf,
  caseEventsUntil,
  eventTrail,
  invalid,
  cityShortcuts,
  ofType,
  refused,
  stageTrail,
} from './case-test-helpers';
import { startCaseForTest, testPerson, type CaseUnderTest, type OpenSpec } from './start-for-test';

// Whole lifecycles through gRPC against real PostgreSQL and nats-server: each case type and review mode, a
// refusal, a send-back, 告知承诺, the decision documents, 结果公示 and the weekly archive batch (last: it moves
// the clock to the next week).

const COMPANY_SETUP: OpenSpec = {
  ...FOOD,
  item: '11370700SCJG000105001000',
  acceptWindow: 'B01',
  situationCodes: ['LLC'],
};
const HYGIENE: OpenSpec = {
  ...FOOD,
  item: '11370700WJW000118001000',
  clerk: '700WJW01',
  acceptWindow: 'B11',
  situationCodes: ['NEW'],
};
const COMPANY_CHANGE = '11370700SCJG000105002000';

describe('case lifecycles', () => {
  let under: CaseUnderTest;
  let region: string;
  let people = 0;
  const person = (name: string) => testPerson(name, ++people);
  const { staff, scjg, city, approve } = cityShortcuts(() => under);
  const onFile = async (applicant: intakeV1.ApplicantInput) =>
    (
      await callUnary(await under.intakeClient('700GLB01'), 'listOnFile', {
        kind: intakeV1.ApplicantKind.APPLICANT_KIND_PERSON,
        idType: applicant.person!.idType,
        idNumber: applicant.person!.idNumber,
        creditCode: '',
      })
    ).entries;
  const review = (no: string, caseId: string, opinion = '材料齐全，符合法定形式') =>
    under.act(no, { caseId, review: { opinion, attachments: [] } });
  const issue = (caseId: string, certificateNumber: string) =>
    under.act('700SCJG01', { caseId, issue: { certificateNumber, validUntil: '2031-10-11' } });
  const render = async (no: string, caseId: string, format: string) =>
    callUnary(await under.client(no), 'renderDecision', { caseId, format });
  const completed: string[] = [];
  /** The refused (不予许可) food case, completed: never in 结果公示. */
  let refusedCaseNumber = '';

  beforeAll(async () => {
    under = await startCaseForTest();
    region = under.intake.region;
  }, 120_000);
  afterAll(async () => under?.stop());

  it('承诺件, 一审 (SINGLE): accepted → review → approve → issue → deliver → complete, with its events and the certificate on file', async () => {
    const applicant = person('李建国');
    const opened = await under.openCase({ ...FOOD, applicant });
    const { case: c0 } = await under.getCase('700SCJG02', opened.caseId);
    expect(c0?.status).toBe(S.CASE_STATUS_IN_PROGRESS);
    expect(stageTrail(c0)).toEqual(['ACCEPT:COMPLETED', 'REVIEW:ACTIVE']);
    // Accepted Monday 09:30: the review has 2 working days (due at Wednesday's close), the case 5.
    expect(c0?.stages[1]).toMatchObject({
      budget: { amount: 2, unit: WORKING_DAYS },
      dueAt: at('2026-10-14T17:30:00'),
      hallId: city(),
      departmentId: scjg(),
      handlerStaffId: '',
    });
    expect(c0?.promisedAt).toEqual(at('2026-10-19T17:30:00'));
    expect(c0).toMatchObject({
      acceptingDepartmentId: scjg(),
      approvingDepartmentId: scjg(),
      approvingHallId: city(),
      acceptingWindowId: under.demo.windows['city/B02'],
    });

    expect((await review('700SCJG02', opened.caseId)).case?.currentStage).toBe(P.PROCESS_STAGE_APPROVE);
    const approved = await approve('700SCJG04', opened.caseId);
    expect(approved.case?.decision).toMatchObject({
      kind: D.DECISION_KIND_APPROVED,
      decidedByStaffId: staff('700SCJG04'),
      documentNumber: `准予许可〔2026〕第${opened.caseNumber.slice(-10)}号`,
    });
    expect(approved.case?.currentStage).toBe(P.PROCESS_STAGE_ISSUE);
    // Not issued yet: delivering first is refused.
    await refused(
      under.act('700SCJG01', { caseId: opened.caseId, deliver: WINDOW_DELIVERY }),
      grpc.status.FAILED_PRECONDITION,
      'not issued yet',
    );
    const issued = await issue(opened.caseId, 'JY13707020000001');
    expect(issued.case?.certificates).toEqual([
      expect.objectContaining({
        name: '食品经营许可证',
        number: 'JY13707020000001',
        status: caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED,
        kind: catalogueItemsV1.ResultKind.RESULT_KIND_CERTIFICATE,
        validUntil: '2031-10-11',
      }),
    ]);
    // Completing needs the delivery first.
    await refused(
      under.act('700SCJG01', { caseId: opened.caseId, complete: { note: '' } }),
      grpc.status.FAILED_PRECONDITION,
      'no delivery recorded',
    );
    const delivered = await under.act('700SCJG01', { caseId: opened.caseId, deliver: WINDOW_DELIVERY });
    // The accepting window hands it over unless another is named.
    expect(delivered.case?.delivery?.windowId).toBe(under.demo.windows['city/B02']);
    const done = await under.act('700SCJG01', { caseId: opened.caseId, complete: { note: '已领取' } });
    expect(done.case?.status).toBe(S.CASE_STATUS_COMPLETED);
    expect(done.case?.completedAt).toEqual(under.clock.now());
    expect(stageTrail(done.case)).toEqual([
      'ACCEPT:COMPLETED',
      'REVIEW:COMPLETED',
      'APPROVE:COMPLETED',
      'ISSUE:COMPLETED',
      'ARCHIVE:ACTIVE',
    ]);
    completed.push(opened.caseId);

    const { history } = await under.getCase('700SCJG01', opened.caseId);
    expect(history.map((e) => e.action)).toEqual(['opened', 'review', 'approve', 'issue', 'deliver', 'complete']);
    expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history[1]).toMatchObject({
      actorId: staff('700SCJG02'),
      actorRole: 'reviewer',
      departmentId: scjg(),
      hallId: city(),
      opinion: '材料齐全，符合法定形式',
      stage: P.PROCESS_STAGE_REVIEW,
    });
    expect(history[2]).toMatchObject({ actorId: staff('700SCJG04'), actorRole: 'approver' });
    expect(history[3]?.detail).toContain('certificate=JY13707020000001');
    for (let i = 1; i < history.length; i++) expect(history[i]?.prevHash).toBe(history[i - 1]?.hash);

    const events = await caseEventsUntil(region, opened.caseId, 'case.case.completed');
    expect(eventTrail(events)).toEqual([
      'case.case.opened',
      'case.stage.completed:ACCEPT',
      'case.stage.entered:REVIEW',
      'case.stage.completed:REVIEW',
      'case.stage.entered:APPROVE',
      'case.case.decided',
      'case.stage.completed:APPROVE',
      'case.stage.entered:ISSUE',
      'case.certificate.issued',
      'case.certificate.delivered',
      'case.stage.completed:ISSUE',
      'case.stage.entered:ARCHIVE',
      'case.case.completed',
    ]);
    const [openedEvent] = ofType(events, 'case.case.opened');
    expect(openedEvent?.data).toMatchObject({
      stages: [
        P.PROCESS_STAGE_ACCEPT,
        P.PROCESS_STAGE_REVIEW,
        P.PROCESS_STAGE_APPROVE,
        P.PROCESS_STAGE_ISSUE,
        P.PROCESS_STAGE_ARCHIVE,
      ],
      caseType: catalogueItemsV1.CaseType.CASE_TYPE_PROMISED,
      promisedLimit: { amount: 5, unit: WORKING_DAYS },
      crossTier: false,
    });
    const entered = ofType(events, 'case.stage.entered');
    expect(entered.map((e) => [e.data.stage?.stage, e.data.stage?.budget, e.data.stage?.dueAt])).toEqual([
      [P.PROCESS_STAGE_REVIEW, { amount: 2, unit: WORKING_DAYS }, at('2026-10-14T17:30:00')],
      [P.PROCESS_STAGE_APPROVE, { amount: 2, unit: WORKING_DAYS }, at('2026-10-14T17:30:00')],
      [P.PROCESS_STAGE_ISSUE, { amount: 1, unit: WORKING_DAYS }, at('2026-10-13T17:30:00')],
      [P.PROCESS_STAGE_ARCHIVE, undefined, undefined],
    ]);
    expect(ofType(events, 'case.case.decided')[0]?.data.decision?.kind).toBe(D.DECISION_KIND_APPROVED);
    expect(ofType(events, 'case.certificate.issued')[0]?.data).toMatchObject({
      caseNumber: opened.caseNumber,
      certificateName: '食品经营许可证',
      certificateNumber: 'JY13707020000001',
      applicantId: opened.applicantId,
      issuingDepartmentId: scjg(),
      issuingDepartmentName: '市市场监督管理局',
      validUntil: '2031-10-11',
    });
    const [completedEvent] = ofType(events, 'case.case.completed');
    expect(completedEvent?.data).toMatchObject({
      decision: D.DECISION_KIND_APPROVED,
      deliveryMethod: caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW,
      case: { caseVersion: done.case?.version },
    });

    // Intake's certificate store (证照库) keeps it: the holder's next application finds it on file.
    await waitFor(async () => (await onFile(applicant)).some((e) => e.reference === 'JY13707020000001'), {
      timeoutMs: 15_000,
      what: 'the certificate in intake’s certificate store',
    });
    expect((await onFile(applicant)).find((e) => e.reference === 'JY13707020000001')).toMatchObject({
      source: intakeV1.OnFileSource.ON_FILE_SOURCE_CERTIFICATE,
      name: '食品经营许可证',
      issuer: '市市场监督管理局',
      validUntil: '2031-10-11',
    });

    // 许可决定书, printable only from here: HTML names the document number and the certificate; PDF is a PDF.
    const html = await render('700SCJG01', opened.caseId, 'html');
    expect(html.contentType).toMatch(/^text\/html/);
    const text = Buffer.from(html.content).toString('utf8');
    expect(text).toContain(`准予许可〔2026〕第${opened.caseNumber.slice(-10)}号`);
    expect(text).toContain('JY13707020000001');
    expect(text).toContain('食品经营许可');
    const pdf = await render('700SCJG01', opened.caseId, 'pdf');
    expect(pdf.contentType).toBe('application/pdf');
    expect(Buffer.from(pdf.content).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.fileName).toMatch(/\.pdf$/);
    await invalid(render('700SCJG01', opened.caseId, 'docx'), 'format');
    await refused(render('700FGW02', opened.caseId, 'html'), grpc.status.PERMISSION_DENIED, "caller's department");
  });

  it('a case without a decision has no decision document', async () => {
    const opened = await under.openCase({ ...FOOD, applicant: person('韩梅') });
    await refused(render('700SCJG02', opened.caseId, 'html'), grpc.status.FAILED_PRECONDITION, 'no decision yet');
  });

  it('承诺件, 一审一核 (REVIEW_VERIFY): review → verify by another person → approve → issue → express → complete', async () => {
    const opened = await under.openCase({ ...COMPANY_SETUP, applicant: person('王海涛') });
    const { case: c0 } = await under.getCase('700SCJG02', opened.caseId);
    expect(stageTrail(c0)).toEqual(['ACCEPT:COMPLETED', 'REVIEW:ACTIVE']);
    // Half a working day, counted from the next working day's opening: Tuesday 12:00.
    expect(c0?.stages[1]).toMatchObject({
      budget: { amount: 0.5, unit: WORKING_DAYS },
      dueAt: at('2026-10-13T12:00:00'),
    });
    // The verifier cannot approve out of turn: the case is at REVIEW.
    await refused(approve('700SCJG04', opened.caseId), grpc.status.FAILED_PRECONDITION, 'PROCESS_STAGE_REVIEW');
    const reviewed = await review('700SCJG02', opened.caseId);
    expect(reviewed.case?.currentStage).toBe(P.PROCESS_STAGE_VERIFY);
    expect(reviewed.case?.stages[2]).toMatchObject({ budget: { amount: 0.5, unit: WORKING_DAYS } });
    // 一审一核: the reviewer does not verify their own review.
    await refused(
      under.act('700SCJG02', { caseId: opened.caseId, verify: { opinion: '同意', attachments: [] } }),
      grpc.status.PERMISSION_DENIED,
      '一审一核',
    );
    await invalid(
      under.act('700SCJG03', { caseId: opened.caseId, verify: { opinion: ' ', attachments: [] } }),
      'action.verify.opinion',
    );
    const verified = await under.act('700SCJG03', {
      caseId: opened.caseId,
      verify: { opinion: '核准通过', attachments: [{ name: '核准意见.pdf', ref: 'doc://verify/1', sha256: '' }] },
    });
    expect(verified.case?.currentStage).toBe(P.PROCESS_STAGE_APPROVE);
    expect(verified.entry).toMatchObject({
      action: 'verify',
      actorRole: 'verifier',
      attachments: [{ name: '核准意见.pdf', ref: 'doc://verify/1', sha256: '' }],
    });
    await approve('700SCJG04', opened.caseId);
    await issue(opened.caseId, '91370700MA3C000001');
    const express = (trackingNumber: string) =>
      under.act('700SCJG01', {
        caseId: opened.caseId,
        deliver: {
          method: caseV1.DeliveryMethod.DELIVERY_METHOD_EXPRESS,
          windowId: '',
          expressCompany: '中国邮政EMS',
          trackingNumber,
        },
      });
    await invalid(express('EMS 0001'), 'action.deliver.tracking_number');
    expect((await express('1180123456789')).case?.delivery).toMatchObject({
      method: caseV1.DeliveryMethod.DELIVERY_METHOD_EXPRESS,
      expressCompany: '中国邮政EMS',
      trackingNumber: '1180123456789',
    });
    const done = await under.act('700SCJG01', { caseId: opened.caseId, complete: { note: '' } });
    expect(done.case?.status).toBe(S.CASE_STATUS_COMPLETED);
    expect(stageTrail(done.case)).toEqual([
      'ACCEPT:COMPLETED',
      'REVIEW:COMPLETED',
      'VERIFY:COMPLETED',
      'APPROVE:COMPLETED',
      'ISSUE:COMPLETED',
      'ARCHIVE:ACTIVE',
    ]);
    expect(done.case?.stages.map((s) => s.handlerStaffId)).toEqual([
      staff('700SCJG01'),
      staff('700SCJG02'),
      staff('700SCJG03'),
      staff('700SCJG04'),
      staff('700SCJG01'),
      '',
    ]);
    completed.push(opened.caseId);
    const { history } = await under.getCase('700SCJG03', opened.caseId);
    expect(history.map((e) => e.action)).toEqual([
      'opened',
      'review',
      'verify',
      'approve',
      'issue',
      'deliver',
      'complete',
    ]);
    expect(history[5]?.detail).toContain('tracking=1180123456789');
    const events = await caseEventsUntil(region, opened.caseId, 'case.case.completed');
    expect(ofType(events, 'case.case.opened')[0]?.data.stages).toEqual([
      P.PROCESS_STAGE_ACCEPT,
      P.PROCESS_STAGE_REVIEW,
      P.PROCESS_STAGE_VERIFY,
      P.PROCESS_STAGE_APPROVE,
      P.PROCESS_STAGE_ISSUE,
      P.PROCESS_STAGE_ARCHIVE,
    ]);
    expect(eventTrail(events).filter((t) => t.startsWith('case.stage.entered'))).toEqual([
      'case.stage.entered:REVIEW',
      'case.stage.entered:VERIFY',
      'case.stage.entered:APPROVE',
      'case.stage.entered:ISSUE',
      'case.stage.entered:ARCHIVE',
    ]);
    expect(ofType(events, 'case.case.completed')[0]?.data.deliveryMethod).toBe(
      caseV1.DeliveryMethod.DELIVERY_METHOD_EXPRESS,
    );
  });

  it('即办件: CompleteImmediately at the window opens the case COMPLETED with its certificate', async () => {
    const applicant = person('张丽');
    const front = await under.intakeClient('700GLB01');
    const item = (await under.intake.catalogue.items.getItem({ itemId: under.demo.items[COMPANY_CHANGE]!, version: 0 }))
      .content;
    expect(item.caseType).toBe('immediate');
    const { registration } = await callUnary(
      front,
      'register',
      intakeV1.RegisterRequest.fromPartial({
        requestId: `reg-immediate-${Date.now()}`,
        hallId: city(),
        windowId: under.demo.windows['city/A01'],
        channel: intakeV1.Channel.CHANNEL_HALL_WINDOW,
        applicant,
        itemId: under.demo.items[COMPANY_CHANGE],
        situationCodes: ['SCOPE'],
        materials: ['M01', 'M02', 'M04'].map((code) => ({ code, copies: 1, originalChecked: true, fileRef: '' })),
      }),
    );
    const completedImmediately = await callUnary(await under.intakeClient('700SCJG01'), 'completeImmediately', {
      requestId: `ci-${Date.now()}`,
      registrationId: registration!.id,
      windowId: under.demo.windows['city/B01']!,
      resultNote: '经营范围变更登记已办结，当场换发营业执照',
      certificateNumber: '91370700MA3CDJ2251-02',
    });
    const caseId = completedImmediately.registration!.acceptance!.caseId;
    let c: caseV1.Case | undefined;
    await waitFor(
      async () => {
        c = (await under.getCase('700SCJG01', caseId).catch(() => undefined))?.case;
        return c !== undefined;
      },
      { timeoutMs: 15_000, what: 'the immediate case opened' },
    );
    expect(c).toMatchObject({
      status: S.CASE_STATUS_COMPLETED,
      currentStage: P.PROCESS_STAGE_ARCHIVE,
      completedAt: under.clock.now(),
      decision: { kind: D.DECISION_KIND_APPROVED, opinion: '经营范围变更登记已办结，当场换发营业执照' },
      delivery: { method: caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW, windowId: under.demo.windows['city/B01'] },
    });
    expect(stageTrail(c)).toEqual(['ACCEPT:COMPLETED', 'ISSUE:COMPLETED', 'ARCHIVE:ACTIVE']);
    expect(c?.certificates).toEqual([
      expect.objectContaining({
        name: '营业执照（变更）',
        number: '91370700MA3CDJ2251-02',
        status: caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED,
        issuedByStaffId: staff('700SCJG01'),
      }),
    ]);
    const { history } = await under.getCase('700SCJG01', caseId);
    expect(history.map((e) => e.action)).toEqual(['opened', 'completed_immediately']);
    // Decided on the spot, still in writing: its 许可决定书 prints like any other.
    const number = `准予许可〔2026〕第${c!.caseNumber.slice(-10)}号`;
    expect(c?.decision?.documentNumber).toBe(number);
    const html = Buffer.from((await render('700SCJG01', caseId, 'html')).content).toString('utf8');
    expect(html).toContain(number);
    expect(html).toContain('91370700MA3CDJ2251-02');
    completed.push(caseId);
    // Nothing left to act on.
    await refused(review('700SCJG02', caseId), grpc.status.FAILED_PRECONDITION, 'CASE_STATUS_COMPLETED');

    const events = await caseEventsUntil(region, caseId, 'case.case.completed');
    expect(eventTrail(events)).toEqual([
      'case.case.opened',
      'case.stage.completed:ACCEPT',
      'case.stage.entered:ISSUE',
      'case.case.decided',
      'case.certificate.issued',
      'case.stage.completed:ISSUE',
      'case.stage.entered:ARCHIVE',
      'case.case.completed',
    ]);
    expect(ofType(events, 'case.case.opened')[0]?.data).toMatchObject({
      caseType: catalogueItemsV1.CaseType.CASE_TYPE_IMMEDIATE,
      stages: [P.PROCESS_STAGE_ACCEPT, P.PROCESS_STAGE_ISSUE, P.PROCESS_STAGE_ARCHIVE],
    });
    await waitFor(async () => (await onFile(applicant)).some((e) => e.reference === '91370700MA3CDJ2251-02'), {
      timeoutMs: 15_000,
      what: 'the immediate certificate on file',
    });
    expect((await onFile(applicant)).find((e) => e.reference === '91370700MA3CDJ2251-02')?.name).toBe(
      '营业执照（变更）',
    );
  });

  it('不予许可: a refusal needs its reason; the decision document is issued, delivered and the case completes', async () => {
    const opened = await under.openCase({ ...FOOD, applicant: person('赵德明') });
    refusedCaseNumber = opened.caseNumber;
    await review('700SCJG02', opened.caseId);
    const refuse = (reason: string) =>
      under.act('700SCJG04', {
        caseId: opened.caseId,
        refuse: { reason, opinion: '', attachments: [], upperAuthority: '' },
      });
    await invalid(refuse(''), 'action.refuse.reason');
    // A reviewer does not decide.
    await refused(
      under.act('700SCJG02', {
        caseId: opened.caseId,
        refuse: { reason: '经营场所不符合要求', opinion: '', attachments: [], upperAuthority: '' },
      }),
      grpc.status.PERMISSION_DENIED,
      'refusing needs one of the roles',
    );
    const reason = '经现场核查，经营场所与申请材料不符，不符合《食品经营许可和备案管理办法》第二十三条规定';
    const refusedCase = await refuse(reason);
    expect(refusedCase.case?.decision).toMatchObject({
      kind: D.DECISION_KIND_REFUSED,
      reason,
      documentNumber: `不予许可〔2026〕第${opened.caseNumber.slice(-10)}号`,
    });
    expect(refusedCase.case?.currentStage).toBe(P.PROCESS_STAGE_ISSUE);
    // The refusal decision needs no certificate number; none is made.
    const issued = await issue(opened.caseId, '');
    expect(issued.case?.certificates).toEqual([]);
    expect(issued.case?.decision?.issuedAt).toEqual(under.clock.now());
    await under.act('700SCJG01', { caseId: opened.caseId, deliver: WINDOW_DELIVERY });
    const done = await under.act('700SCJG01', { caseId: opened.caseId, complete: { note: '' } });
    expect(done.case?.status).toBe(S.CASE_STATUS_COMPLETED);
    completed.push(opened.caseId);
    const { history } = await under.getCase('700SCJG04', opened.caseId);
    expect(history.map((e) => e.action)).toEqual(['opened', 'review', 'refuse', 'issue', 'deliver', 'complete']);
    expect(history[2]).toMatchObject({ opinion: reason, actorRole: 'approver' });

    const events = await caseEventsUntil(region, opened.caseId, 'case.case.completed');
    expect(ofType(events, 'case.case.decided').map((e) => [e.data.decision?.kind, e.data.decision?.reason])).toEqual([
      [D.DECISION_KIND_REFUSED, reason],
    ]);
    expect(ofType(events, 'case.certificate.issued')).toEqual([]);
    expect(ofType(events, 'case.case.completed')[0]?.data.decision).toBe(D.DECISION_KIND_REFUSED);

    const html = Buffer.from((await render('700SCJG01', opened.caseId, 'html')).content).toString('utf8');
    expect(html).toContain('不予许可');
    expect(html).toContain(`不予许可〔2026〕第${opened.caseNumber.slice(-10)}号`);
    expect(html).toContain(reason);
  });

  it('退回: approve stage back to REVIEW (reason mandatory); the reviewer gets it again and passes it again', async () => {
    const opened = await under.openCase({ ...FOOD, applicant: person('孙明') });
    await review('700SCJG02', opened.caseId, '初次审核通过');
    const sendBack = (reason: string, toStage = P.PROCESS_STAGE_REVIEW) =>
      under.act('700SCJG04', { caseId: opened.caseId, sendBack: { toStage, reason } });
    await invalid(sendBack(''), 'action.send_back.reason');
    await invalid(sendBack('退回重审', P.PROCESS_STAGE_ISSUE), 'action.send_back.to_stage');
    await invalid(sendBack('退回重审', P.PROCESS_STAGE_ACCEPT), 'action.send_back.to_stage');
    const back = await sendBack('营业执照经营范围与申请不一致，请重新审核');
    expect(back.case?.currentStage).toBe(P.PROCESS_STAGE_REVIEW);
    expect(stageTrail(back.case)).toEqual([
      'ACCEPT:COMPLETED',
      'REVIEW:COMPLETED',
      'APPROVE:SENT_BACK',
      'REVIEW:ACTIVE',
    ]);
    // Back to the person who reviewed it, with a fresh budget.
    expect(back.case?.stages[3]).toMatchObject({
      handlerStaffId: staff('700SCJG02'),
      budget: { amount: 2, unit: WORKING_DAYS },
    });
    expect(back.entry).toMatchObject({
      action: 'send_back',
      opinion: '营业执照经营范围与申请不一致，请重新审核',
      stage: P.PROCESS_STAGE_APPROVE,
    });
    expect(back.entry?.detail).toContain('to_stage=PROCESS_STAGE_REVIEW');

    const todo = await callUnary(await under.client('700SCJG02'), 'listTodo', {
      staffId: staff('700SCJG02'),
      windowId: '',
      departmentId: '',
      hallId: '',
      pageSize: 200,
      pageToken: '',
    });
    expect(todo.items.filter((t) => t.caseId === opened.caseId)).toEqual([
      expect.objectContaining({
        kind: caseV1.TodoKind.TODO_KIND_STAGE,
        stage: P.PROCESS_STAGE_REVIEW,
        staffId: staff('700SCJG02'),
        caseVersion: back.case?.version,
      }),
    ]);
    // It is the reviewer's again: someone else cannot take the review over by acting.
    await refused(review('700SCJG05', opened.caseId), grpc.status.FAILED_PRECONDITION, 'being handled by');
    const again = await review('700SCJG02', opened.caseId, '经重新审核，经营范围一致');
    expect(again.case?.currentStage).toBe(P.PROCESS_STAGE_APPROVE);
    const approved = await approve('700SCJG04', opened.caseId);
    expect(approved.case?.decision?.kind).toBe(D.DECISION_KIND_APPROVED);
    const { history } = await under.getCase('700SCJG02', opened.caseId);
    expect(history.map((e) => e.action)).toEqual(['opened', 'review', 'send_back', 'review', 'approve']);

    const events = await caseEventsUntil(region, opened.caseId, 'case.case.decided');
    const sentBack = ofType(events, 'case.stage.completed').find(
      (e) => e.data.stage?.status === caseV1.StageStatus.STAGE_STATUS_SENT_BACK,
    );
    expect(sentBack?.data).toMatchObject({
      sentBackTo: P.PROCESS_STAGE_REVIEW,
      stage: { stage: P.PROCESS_STAGE_APPROVE, opinion: '营业执照经营范围与申请不一致，请重新审核' },
    });
  });

  describe('告知承诺 (public venue hygiene)', () => {
    const toIssue = async (name: string) => {
      const opened = await under.openCase({ ...HYGIENE, applicant: person(name) });
      await review('700WJW02', opened.caseId);
      const approved = await approve('700WJW04', opened.caseId);
      return { opened, approved };
    };
    const issueAndComplete = async (caseId: string, number: string) => {
      await under.act('700WJW01', { caseId, issue: { certificateNumber: number, validUntil: '2030-10-11' } });
      await under.act('700WJW01', { caseId, deliver: WINDOW_DELIVERY });
      return under.act('700WJW01', { caseId, complete: { note: '' } });
    };
    const verify = (caseId: string, passed: boolean, note: string) =>
      under.act('700WJW02', { caseId, verifyCommitment: { passed, note } });

    it('approval on commitment leaves a verification to-do; a failed verification revokes it and its certificate', async () => {
      const { opened, approved } = await toIssue('周晓燕');
      const wjw = under.demo.departments['city/WJW']!;
      expect(approved.case?.decision?.kind).toBe(D.DECISION_KIND_APPROVED_ON_COMMITMENT);
      // 20 working days after Monday 12 October 2026.
      expect(approved.case?.commitmentVerification).toMatchObject({
        status: caseV1.VerificationStatus.VERIFICATION_STATUS_PENDING,
        departmentId: wjw,
        dueAt: at('2026-11-09T17:30:00'),
      });
      const todo = await callUnary(await under.client('700WJW02'), 'listTodo', {
        staffId: '',
        windowId: '',
        departmentId: wjw,
        hallId: '',
        pageSize: 200,
        pageToken: '',
      });
      expect(todo.items.filter((t) => t.caseId === opened.caseId).map((t) => [t.kind, t.dueAt])).toEqual(
        expect.arrayContaining([[caseV1.TodoKind.TODO_KIND_COMMITMENT_VERIFICATION, at('2026-11-09T17:30:00')]]),
      );
      const done = await issueAndComplete(opened.caseId, '卫公证字〔2026〕第0001号');
      expect(done.case?.certificates[0]?.status).toBe(caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED);
      // Another department does not verify WJW's commitments; a failure needs its finding.
      await refused(
        under.act('700SCJG02', { caseId: opened.caseId, verifyCommitment: { passed: false, note: '承诺不实' } }),
        grpc.status.PERMISSION_DENIED,
        'verifying a commitment',
      );
      await invalid(verify(opened.caseId, false, ''), 'action.verify_commitment.note');

      const finding = '经现场核查，卫生设施与承诺不符，承诺内容不实';
      const revoked = await verify(opened.caseId, false, finding);
      expect(revoked.case?.decision).toMatchObject({ kind: D.DECISION_KIND_REVOKED, reason: finding });
      expect(revoked.case?.commitmentVerification).toMatchObject({
        status: caseV1.VerificationStatus.VERIFICATION_STATUS_FAILED,
        verifiedByStaffId: staff('700WJW02'),
        note: finding,
      });
      expect(revoked.case?.certificates.map((c) => c.status)).toEqual([
        caseV1.CertificateStatus.CERTIFICATE_STATUS_REVOKED,
      ]);
      await refused(verify(opened.caseId, true, ''), grpc.status.FAILED_PRECONDITION, 'no commitment');
      const after = await callUnary(await under.client('700WJW02'), 'listTodo', {
        staffId: '',
        windowId: '',
        departmentId: wjw,
        hallId: '',
        pageSize: 200,
        pageToken: '',
      });
      expect(after.items.filter((t) => t.caseId === opened.caseId)).toEqual([]);
      const { history } = await under.getCase('700WJW02', opened.caseId);
      expect(history.slice(-2).map((e) => e.action)).toEqual(['verify_commitment', 'revoke']);

      const events = await caseEventsUntil(
        region,
        opened.caseId,
        'case.case.decided',
        (e) => e.type === 'case.case.decided' && e.data.decision?.kind === D.DECISION_KIND_REVOKED,
      );
      expect(ofType(events, 'case.case.decided').map((e) => e.data.decision?.kind)).toEqual([
        D.DECISION_KIND_APPROVED_ON_COMMITMENT,
        D.DECISION_KIND_REVOKED,
      ]);
      expect(ofType(events, 'case.commitment.verified')[0]?.data.verification?.status).toBe(
        caseV1.VerificationStatus.VERIFICATION_STATUS_FAILED,
      );

      // The revocation (撤销决定书) cites the original decision and the revoked certificate.
      const html = Buffer.from((await render('700WJW02', opened.caseId, 'html')).content).toString('utf8');
      expect(html).toContain('撤销');
      expect(html).toContain(`撤销许可〔2026〕第${opened.caseNumber.slice(-10)}号`);
      expect(html).toContain(`准予许可〔2026〕第${opened.caseNumber.slice(-10)}号`);
      expect(html).toContain('卫公证字〔2026〕第0001号');
      expect(html).toContain(finding);
    });

    it('a passed verification keeps the approval and the certificate', async () => {
      const { opened } = await toIssue('吴桂兰');
      await issueAndComplete(opened.caseId, '卫公证字〔2026〕第0002号');
      const passed = await verify(opened.caseId, true, '');
      expect(passed.case?.decision?.kind).toBe(D.DECISION_KIND_APPROVED_ON_COMMITMENT);
      expect(passed.case?.commitmentVerification?.status).toBe(caseV1.VerificationStatus.VERIFICATION_STATUS_PASSED);
      expect(passed.case?.certificates.map((c) => c.status)).toEqual([
        caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED,
      ]);
      const events = await caseEventsUntil(region, opened.caseId, 'case.commitment.verified');
      expect(ofType(events, 'case.case.decided').map((e) => e.data.decision?.kind)).toEqual([
        D.DECISION_KIND_APPROVED_ON_COMMITMENT,
      ]);
      const html = Buffer.from((await render('700WJW02', opened.caseId, 'html')).content).toString('utf8');
      expect(html).not.toContain('撤销许可');
      expect(html).toContain(`准予许可〔2026〕第${opened.caseNumber.slice(-10)}号`);
    });
  });

  it('结果公示: completed cases of items that publish results, the applicant masked, nothing personal', async () => {
    const applicant = person('欧阳春花');
    const opened = await under.openCase({ ...FOOD, applicant });
    await review('700SCJG02', opened.caseId);
    await approve('700SCJG04', opened.caseId);
    const inProgress = await under.openCase({ ...FOOD, applicant: person('钱多多') });
    const publicClient = under.publicClient();
    const list = async () =>
      callUnary(publicClient, 'listPublishedResults', { hallId: city(), pageSize: 200, pageToken: '' });
    // Decided but not completed: not yet published.
    expect((await list()).results.map((r) => r.caseNumber)).not.toContain(opened.caseNumber);
    await issue(opened.caseId, 'JY13707020000099');
    await under.act('700SCJG01', { caseId: opened.caseId, deliver: WINDOW_DELIVERY });
    await under.act('700SCJG01', { caseId: opened.caseId, complete: { note: '' } });
    completed.push(opened.caseId);

    const { results } = await list();
    const mine = results.find((r) => r.caseNumber === opened.caseNumber);
    expect(mine).toMatchObject({
      itemName: '食品经营许可',
      decision: D.DECISION_KIND_APPROVED,
      certificateName: '食品经营许可证',
      certificateNumber: 'JY13707020000099',
      departmentName: '市市场监督管理局',
    });
    expect(mine?.applicantName).not.toBe('欧阳春花');
    expect(mine?.applicantName).toBe('欧**花');
    expect(results.map((r) => r.caseNumber)).not.toContain(inProgress.caseNumber);
    // 双公示 publishes permits, not refusals (the refusal test ran before this one and completed its case).
    expect(refusedCaseNumber).not.toBe('');
    expect(results.map((r) => r.caseNumber)).not.toContain(refusedCaseNumber);
    // 告知承诺 hygiene permits do not publish results.
    expect(results.every((r) => r.itemName !== '公共场所卫生许可')).toBe(true);
    const json = JSON.stringify(caseV1.ListPublishedResultsResponse.toJSON({ results, nextPageToken: '' }));
    expect(json).not.toContain(applicant.person!.idNumber);
    expect(json).not.toContain(applicant.person!.phone);
    expect(json).not.toContain('欧阳春花');
    await invalid(
      callUnary(publicClient, 'listPublishedResults', { hallId: '', pageSize: 0, pageToken: '' }),
      'hall_id',
    );
  });

  // Last: it moves the clock into the next week.
  it('每周移交一次: the week’s completed cases go to the archive in one batch, once', async () => {
    const open = await under.openCase({ ...FOOD, applicant: person('冯小刚') });
    const archiveClient = await under.client('700SCJG01');
    const batch = (weekOf: string, requestId = `arch-${weekOf}-${Date.now()}`) =>
      callUnary(archiveClient, 'createArchiveBatch', {
        requestId,
        hallId: city(),
        departmentId: scjg(),
        weekOf,
      });
    // The week of Monday 12 October has not ended on that Monday.
    await invalid(batch('2026-10-12'), 'week_of');
    await invalid(batch('2026-13-01'), 'week_of');
    const fgwClient = await under.client('700FGW01');
    await refused(
      callUnary(fgwClient, 'createArchiveBatch', {
        requestId: 'arch-fgw',
        hallId: city(),
        departmentId: scjg(),
        weekOf: '2026-10-12',
      }),
      grpc.status.INVALID_ARGUMENT,
      'has not ended',
    );

    // Monday 19 October: the week of the 12th has ended.
    (under.clock as FakeClock).advance(7 * 86_400_000);
    await refused(
      callUnary(fgwClient, 'createArchiveBatch', {
        requestId: 'arch-fgw-2',
        hallId: city(),
        departmentId: scjg(),
        weekOf: '2026-10-12',
      }),
      grpc.status.PERMISSION_DENIED,
      'handed over by its own staff',
    );
    const { batch: made } = await batch('2026-10-15');
    expect(made).toMatchObject({
      hallId: city(),
      departmentId: scjg(),
      weekStart: '2026-10-12',
      weekEnd: '2026-10-18',
      createdByStaffId: staff('700SCJG01'),
    });
    // Every SCJG case completed this week, and none other (not the open one, not WJW's hygiene cases).
    expect([...made!.caseIds].sort()).toEqual([...completed].sort());
    expect(completed.length).toBeGreaterThanOrEqual(5);
    for (const id of made!.caseIds) {
      const { case: c, history } = await under.getCase('700SCJG01', id);
      expect(c?.status).toBe(S.CASE_STATUS_ARCHIVED);
      expect(c?.archiveBatchId).toBe(made!.id);
      expect(c?.stages.at(-1)).toMatchObject({
        stage: P.PROCESS_STAGE_ARCHIVE,
        status: caseV1.StageStatus.STAGE_STATUS_COMPLETED,
      });
      expect(history.at(-1)?.action).toBe('archive');
      expect(c?.item?.content?.departmentId).toBe(scjg());
    }
    const events = await caseEventsUntil(region, made!.caseIds[0]!, 'case.case.archived');
    expect(ofType(events, 'case.case.archived')[0]?.data.archiveBatchId).toBe(made!.id);

    await refused(batch('2026-10-12'), grpc.status.FAILED_PRECONDITION, 'handed over already');
    // The open case is still open.
    expect((await under.getCase('700SCJG01', open.caseId)).case?.status).toBe(S.CASE_STATUS_IN_PROGRESS);
    const listed = await callUnary(archiveClient, 'listArchiveBatches', {
      hallId: city(),
      departmentId: scjg(),
      pageSize: 10,
      pageToken: '',
    });
    expect(listed.batches.map((b) => b.id)).toEqual([made!.id]);
    // Archived: nothing can change any more.
    await refused(
      under.act('700SCJG01', { caseId: made!.caseIds[0]!, complete: { note: '' } }),
      grpc.status.FAILED_PRECONDITION,
      'CASE_STATUS_ARCHIVED',
    );
    expect((await caseEventsOf(region, open.caseId)).some((e) => e.type === 'case.case.archived')).toBe(false);
  });
});
