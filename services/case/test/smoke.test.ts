import { caseV1 } from '@govhall/contracts';
import { FOOD } from './case-test-helpers';
import { startCaseForTest, type CaseUnderTest } from './start-for-test';

describe('case smoke', () => {
  let under: CaseUnderTest;
  beforeAll(async () => {
    under = await startCaseForTest();
  }, 120_000);
  afterAll(async () => under?.stop());

  it('food business: review → approve → issue → deliver → complete', async () => {
    const opened = await under.openCase(FOOD);
    const { case: c } = await under.getCase('700SCJG02', opened.caseId);
    expect(c?.currentStage).toBe('PROCESS_STAGE_REVIEW');
    const reviewed = await under.act('700SCJG02', {
      caseId: opened.caseId,
      review: { opinion: '材料齐全，符合法定形式', attachments: [] },
    });
    expect(reviewed.case?.currentStage).toBe('PROCESS_STAGE_APPROVE');
    const approved = await under.act('700SCJG04', {
      caseId: opened.caseId,
      approve: { opinion: '准予许可', attachments: [], upperAuthority: '' },
    });
    expect(approved.case?.decision?.kind).toBe(caseV1.DecisionKind.DECISION_KIND_APPROVED);
    const issued = await under.act('700SCJG01', {
      caseId: opened.caseId,
      issue: { certificateNumber: 'JY13707020000001', validUntil: '2031-10-11' },
    });
    expect(issued.case?.certificates[0]?.status).toBe(caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED);
    await under.act('700SCJG01', {
      caseId: opened.caseId,
      deliver: {
        method: caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW,
        windowId: '',
        expressCompany: '',
        trackingNumber: '',
      },
    });
    const done = await under.act('700SCJG01', { caseId: opened.caseId, complete: { note: '' } });
    expect(done.case?.status).toBe(caseV1.CaseStatus.CASE_STATUS_COMPLETED);
    const history = await under.getCase('700SCJG01', opened.caseId);
    expect(history.history.map((e) => e.action)).toEqual([
      'opened',
      'review',
      'approve',
      'issue',
      'deliver',
      'complete',
    ]);
  });
});
