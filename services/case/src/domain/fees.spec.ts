import { caseV1, catalogueItemsV1 as items, feeEventsV1 } from '@govhall/contracts';
import { PreconditionFailedError } from '@govhall/kit';
import { acceptHandoff } from './actions';
import { openingFeeStatus } from './fees';
import { Stage, type Case } from './model';
import { openCase } from './opening';
import {
  CASE_NUMBER,
  HALL,
  accepted,
  apply,
  bump,
  crossTier,
  cst,
  environment,
  feeItem,
  item,
  opened,
  people,
  place,
  step,
} from './spec-fixtures';
import { feesPaid } from './system-steps';

const F = caseV1.CaseFeeStatus;
const D = caseV1.DecisionKind;

const env = environment();
const reviewAt = env.at(cst('2026-03-03T09:00'));
const decideAt = env.at(cst('2026-03-04T10:00'));
const issueAt = env.at(cst('2026-03-05T09:00'));

/** Opened, reviewed and approved: at ISSUE with its decision. */
function approvedCase(of: items.Item): Case {
  const c = apply(opened(of, env), { review: { opinion: '材料齐全' } }, people.reviewer, reviewAt);
  return apply(c, { approve: { opinion: '同意' } }, people.leader, decideAt);
}

const paidEvent = (over: Partial<feeEventsV1.CaseFeesPaid> = {}): feeEventsV1.CaseFeesPaid =>
  feeEventsV1.CaseFeesPaid.fromPartial({
    caseId: 'case-0001',
    caseNumber: CASE_NUMBER,
    billIds: ['bill-1', 'bill-2'],
    paidFen: 8000,
    ...over,
  });

const issueRequest = { issue: { certificateNumber: 'JY13707020000001' } };

describe('一费制: the fee status a case opens with', () => {
  it('DUE when the pinned item charges fees; FREE when it is free or lists no fee items', () => {
    expect(openingFeeStatus(feeItem())).toBe(F.CASE_FEE_STATUS_DUE);
    expect(openingFeeStatus(feeItem({ free: true }))).toBe(F.CASE_FEE_STATUS_FREE);
    expect(openingFeeStatus(item({ free: false, feeItems: [] }))).toBe(F.CASE_FEE_STATUS_FREE);
    expect(openingFeeStatus(item({ free: true }))).toBe(F.CASE_FEE_STATUS_FREE);
  });

  it('openCase records it on the case, nothing paid yet', () => {
    expect(opened(feeItem(), env)).toMatchObject({ feeStatus: F.CASE_FEE_STATUS_DUE });
    expect(opened(feeItem(), env).feesPaidAt).toBeUndefined();
    expect(opened(item(), env).feeStatus).toBe(F.CASE_FEE_STATUS_FREE);
  });

  it('a 即办件 completed on the spot opens DUE too, completed all the same (the fee is paid at the window)', () => {
    const immediate = feeItem({ caseType: items.CaseType.CASE_TYPE_IMMEDIATE });
    const t = openCase(
      accepted(immediate, { certificateNumber: 'JY2', completedAt: cst('2026-03-02T10:20') }),
      place(),
      env,
      true,
    );
    expect(t.case.status).toBe(caseV1.CaseStatus.CASE_STATUS_COMPLETED);
    expect(t.case.feeStatus).toBe(F.CASE_FEE_STATUS_DUE);
    expect(t.case.certificates.map((x) => x.status)).toEqual([caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED]);
  });

  it('a case handed up to another deployment keeps its fee status in the upper tier’s copy', () => {
    const lowerTier = environment({ servesHall: (hallId) => hallId === HALL.county });
    const lower = bump(openCase(crossTier.accepted(feeItem()), crossTier.place, lowerTier, false));
    const handed = bump(
      step(lower, { review: { opinion: '初审通过' } }, people.countyReviewer, lowerTier.at(cst('2026-03-02T15:00'))),
    );
    expect(handed).toMatchObject({ status: caseV1.CaseStatus.CASE_STATUS_HANDED_UP, feeStatus: F.CASE_FEE_STATUS_DUE });
    expect(acceptHandoff(handed, env.at(cst('2026-03-03T09:00'))).case.feeStatus).toBe(F.CASE_FEE_STATUS_DUE);
  });
});

describe('一费制: issue waits for the fees', () => {
  const due = approvedCase(feeItem());

  it('a granted decision is not issued while the fees are DUE: FAILED_PRECONDITION naming the case', () => {
    expect(due.feeStatus).toBe(F.CASE_FEE_STATUS_DUE);
    expect(() => step(due, issueRequest, people.clerk, issueAt)).toThrow(PreconditionFailedError);
    expect(() => step(due, issueRequest, people.clerk, issueAt)).toThrow(
      `case ${CASE_NUMBER}: fees are not paid yet (一费制): the certificate is issued once the bill is paid`,
    );
  });

  it('a commitment approval (告知承诺) waits too', () => {
    const onCommitment = approvedCase(feeItem({ notificationCommitment: true }));
    expect(onCommitment.decision?.kind).toBe(D.DECISION_KIND_APPROVED_ON_COMMITMENT);
    expect(() => step(onCommitment, issueRequest, people.clerk, issueAt)).toThrow(/fees are not paid yet/);
  });

  it('once PAID the certificate is issued', () => {
    const paid = bump(feesPaid(due, paidEvent(), cst('2026-03-04T16:00'), issueAt)!);
    const t = step(paid, issueRequest, people.clerk, issueAt);
    expect(t.case.certificates.map((x) => [x.number, x.status])).toEqual([
      ['JY13707020000001', caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED],
    ]);
    expect(t.case.decision?.issuedAt).toEqual(issueAt.now);
  });

  it('FREE, and UNSPECIFIED (a case opened before the fee service), issue as before', () => {
    const free = approvedCase(item());
    expect(free.feeStatus).toBe(F.CASE_FEE_STATUS_FREE);
    expect(step(free, issueRequest, people.clerk, issueAt).case.certificates).toHaveLength(1);
    const old: Case = { ...due, feeStatus: F.CASE_FEE_STATUS_UNSPECIFIED };
    expect(step(old, issueRequest, people.clerk, issueAt).case.certificates).toHaveLength(1);
  });

  it('a refusal (不予许可决定书) is issued to the applicant with the fees still DUE', () => {
    const refused = apply(
      opened(feeItem(), env),
      { refuse: { reason: '经营场所不符合食品安全要求' } },
      people.approver,
      reviewAt,
    );
    expect(refused.feeStatus).toBe(F.CASE_FEE_STATUS_DUE);
    const t = step(refused, { issue: {} }, people.clerk, issueAt);
    expect(t.case.decision).toMatchObject({ kind: D.DECISION_KIND_REFUSED, issuedAt: issueAt.now });
    expect(t.case.certificates).toEqual([]);
  });
});

describe('一费制: feesPaid (fee.case.fees_paid)', () => {
  const due = approvedCase(feeItem());
  const paidAt = cst('2026-03-04T16:00');

  it('PAID from the reported instant, logged by the system with the bills and the amount', () => {
    const t = feesPaid(due, paidEvent(), paidAt, issueAt)!;
    expect(t.case).toMatchObject({ feeStatus: F.CASE_FEE_STATUS_PAID, feesPaidAt: paidAt, updatedAt: issueAt.now });
    expect(t.events).toEqual([]);
    expect(t.log).toHaveLength(1);
    expect(t.log[0]).toMatchObject({
      action: 'fees_paid',
      role: 'system',
      actor: { staffId: 'system' },
      stage: Stage.issue,
      detail: { bills: 'bill-1,bill-2', paid_fen: '8000', previous: F.CASE_FEE_STATUS_DUE },
    });
    // The rule works on a copy.
    expect(due.feeStatus).toBe(F.CASE_FEE_STATUS_DUE);
  });

  it('already PAID: nothing to record', () => {
    const paid = bump(feesPaid(due, paidEvent(), paidAt, issueAt)!);
    expect(feesPaid(paid, paidEvent({ billIds: ['bill-3'] }), paidAt, issueAt)).toBeUndefined();
  });

  it('recorded on a completed 即办件 as well', () => {
    const immediate = feeItem({ caseType: items.CaseType.CASE_TYPE_IMMEDIATE });
    const done = bump(openCase(accepted(immediate, { certificateNumber: 'JY2' }), place(), env, true));
    const t = feesPaid(done, paidEvent({ billIds: ['bill-9'] }), paidAt, issueAt)!;
    expect(t.case).toMatchObject({
      status: caseV1.CaseStatus.CASE_STATUS_COMPLETED,
      feeStatus: F.CASE_FEE_STATUS_PAID,
      feesPaidAt: paidAt,
    });
    expect(t.log.map((e) => e.action)).toEqual(['fees_paid']);
  });
});
