import { caseV1 } from '@govhall/contracts';
import { callUnary, type FakeClock } from '@govhall/kit';
import { readStream, sharedNatsUrl } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { FEE_CONSUMER } from '../src/adapters/bus/consumers';
import {
  FOOD,
  P,
  caseEventsUntil,
  cityShortcuts,
  feeServiceStandIn,
  feeStatusReached,
  ofType,
  refused,
  type FeeServiceStandIn,
} from './case-test-helpers';
import { startCaseForTest, type CaseUnderTest, type OpenSpec } from './start-for-test';

// 一费制 through gRPC and the bus, on real PostgreSQL and nats-server: a case of an item with fees opens DUE, its
// certificate waits, the fee service's fee.case.fees_paid on the FEE stream makes it PAID, and the certificate is
// issued. The fee service is stood in for by a publisher on its stream (its own tests cover how it gets there).

/** 不动产首次登记 of the city BDC (03-real-estate.yaml): 登记费 F01 and F02 of the city's fee catalogue; 一审一核. */
const REAL_ESTATE: OpenSpec = {
  item: '11370700BDC000144001000',
  hall: 'city',
  frontDesk: '700GLB01',
  frontWindow: 'A01',
  clerk: '700BDC01',
  acceptWindow: 'B10',
  situationCodes: ['HOUSE'],
};

const F = caseV1.CaseFeeStatus;
const HOUR = 3_600_000;

describe('一费制: a certificate waits for the case’s fees', () => {
  let under: CaseUnderTest;
  let region: string;
  let fee: FeeServiceStandIn | undefined;
  const { approve } = cityShortcuts(() => under);

  beforeAll(async () => {
    under = await startCaseForTest();
    region = under.intake.region;
  }, 120_000);
  afterAll(async () => {
    await fee?.close();
    await under?.stop();
  });

  /** Review, verify and approve a real-estate case: at ISSUE with its decision. */
  const decideRealEstate = async (caseId: string) => {
    await under.act('700BDC02', { caseId, review: { opinion: '权属来源清楚，材料齐全', attachments: [] } });
    await under.act('700BDC03', { caseId, verify: { opinion: '核准', attachments: [] } });
    return under.act('700BDC04', { caseId, approve: { opinion: '准予登记', attachments: [], upperAuthority: '' } });
  };
  const issueRealEstate = (caseId: string, certificateNumber: string) =>
    under.act('700BDC01', { caseId, issue: { certificateNumber, validUntil: '' } });

  it('the case service consumes the FEE stream from its start, before the fee service ever ran', async () => {
    // Nothing has published on FEE_<region> yet: the case service made the stream and its durable consumer.
    const nc = await connect({ servers: sharedNatsUrl(), name: 'fees-test' });
    try {
      const jsm = await jetstreamManager(nc);
      expect((await jsm.streams.info(`FEE_${region}`)).config.subjects).toEqual([`hall.${region}.fee.>`]);
      expect((await jsm.consumers.info(`FEE_${region}`, FEE_CONSUMER)).config.durable_name).toBe(FEE_CONSUMER);
    } finally {
      await nc.close();
    }
    fee = await feeServiceStandIn(region, under.clock);
  });

  it('an item with fees: DUE from acceptance; issue refused until fee.case.fees_paid, then issued', async () => {
    const opened = await under.openCase(REAL_ESTATE);
    const { caseId, caseNumber } = opened;
    expect((await under.getCase('700BDC01', caseId)).case).toMatchObject({ feeStatus: F.CASE_FEE_STATUS_DUE });
    expect((await under.getCase('700BDC01', caseId)).case?.feesPaidAt).toBeUndefined();

    const approved = await decideRealEstate(caseId);
    expect(approved.case?.currentStage).toBe(P.PROCESS_STAGE_ISSUE);
    await refused(
      issueRealEstate(caseId, '鲁（2026）潍坊市不动产权第0000001号'),
      grpc.status.FAILED_PRECONDITION,
      `case ${caseNumber}: fees are not paid yet (一费制): the certificate is issued once the bill is paid`,
    );
    const waiting = await callUnary(under.publicClient(), 'queryProgress', {
      caseNumber,
      password: opened.queryPassword,
    });
    expect(waiting.progress?.currentStageName).toBe('发证办结（待缴费）');

    // Paid at the bank an hour later; the fee service reports every bill of the case settled.
    (under.clock as FakeClock).advance(HOUR);
    const paidAt = under.clock.now();
    await fee!.feesPaid({ caseId, caseNumber, billIds: ['bill-a', 'bill-b'], paidFen: 63000 });
    const paid = await feeStatusReached(under, '700BDC01', caseId, F.CASE_FEE_STATUS_PAID);
    expect(paid.feesPaidAt).toEqual(paidAt);
    expect(paid.version).toBe(approved.case!.version + 1);
    const { history } = await under.getCase('700BDC01', caseId);
    expect(history.at(-1)).toMatchObject({
      action: 'fees_paid',
      actorId: 'system',
      actorRole: 'system',
      stage: P.PROCESS_STAGE_ISSUE,
      detail: 'bills=bill-a,bill-b\npaid_fen=63000\nprevious=CASE_FEE_STATUS_DUE',
    });
    expect(history.at(-1)?.prevHash).toBe(history.at(-2)?.hash);
    const paidProgress = await callUnary(under.publicClient(), 'queryProgress', {
      caseNumber,
      password: opened.queryPassword,
    });
    expect(paidProgress.progress?.currentStageName).toBe('发证办结');

    const issued = await issueRealEstate(caseId, '鲁（2026）潍坊市不动产权第0000001号');
    expect(issued.case?.certificates.map((c) => [c.number, c.status])).toEqual([
      ['鲁（2026）潍坊市不动产权第0000001号', caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED],
    ]);
    const events = await caseEventsUntil(region, caseId, 'case.certificate.issued');
    expect(ofType(events, 'case.certificate.issued')[0]?.data.certificateNumber).toBe(
      '鲁（2026）潍坊市不动产权第0000001号',
    );
    const log = await callUnary(await under.client('700BDC01'), 'verifyActionLog', { caseId });
    expect(log).toMatchObject({ intact: true });
  });

  it('a redelivered event, a second report and an unknown case change nothing, and stop nothing behind them', async () => {
    const first = await under.openCase(REAL_ESTATE);
    const second = await under.openCase(REAL_ESTATE);
    const reported = await fee!.feesPaid({ caseId: first.caseId, caseNumber: first.caseNumber, billIds: ['bill-1'] });
    const once = await feeStatusReached(under, '700BDC01', first.caseId, F.CASE_FEE_STATUS_PAID);

    // The same event again (the stream drops it as a duplicate), the fee service reporting again under a new id,
    // a case this deployment does not hold; then the second case's payment, consumed in order after them.
    await fee!.publish(reported);
    await fee!.feesPaid({ caseId: first.caseId, caseNumber: first.caseNumber, billIds: ['bill-1', 'bill-2'] });
    await fee!.feesPaid({ caseId: 'no-such-case', caseNumber: 'SL0000', billIds: ['bill-x'] });
    await fee!.feesPaid({ caseId: second.caseId, caseNumber: second.caseNumber, billIds: ['bill-3'] });
    await feeStatusReached(under, '700BDC01', second.caseId, F.CASE_FEE_STATUS_PAID);

    const { case: after, history } = await under.getCase('700BDC01', first.caseId);
    expect(after).toMatchObject({ version: once.version, feesPaidAt: once.feesPaidAt });
    expect(history.filter((e) => e.action === 'fees_paid').map((e) => e.detail)).toEqual([
      'bills=bill-1\npaid_fen=0\nprevious=CASE_FEE_STATUS_DUE',
    ]);
    const deadLetters = await readStream(sharedNatsUrl(), `DLQ_${region}`);
    expect(deadLetters.filter((m) => m.subject.includes(FEE_CONSUMER))).toEqual([]);
  });

  it('a free item’s case is FREE and issued without any fee event', async () => {
    const opened = await under.openCase(FOOD);
    const { caseId } = opened;
    expect((await under.getCase('700SCJG02', caseId)).case?.feeStatus).toBe(F.CASE_FEE_STATUS_FREE);
    await under.act('700SCJG02', { caseId, review: { opinion: '材料齐全', attachments: [] } });
    await approve('700SCJG04', caseId);
    const issued = await under.act('700SCJG01', {
      caseId,
      issue: { certificateNumber: 'JY13707020000777', validUntil: '2031-10-11' },
    });
    expect(issued.case).toMatchObject({ feeStatus: F.CASE_FEE_STATUS_FREE });
    expect(issued.case?.certificates.map((c) => c.status)).toEqual([
      caseV1.CertificateStatus.CERTIFICATE_STATUS_ISSUED,
    ]);
    const { history } = await under.getCase('700SCJG01', caseId);
    expect(history.map((e) => e.action)).toEqual(['opened', 'review', 'approve', 'issue']);
  });

  it('a refusal of an item with fees is issued to the applicant with the fees still due', async () => {
    const { caseId } = await under.openCase(REAL_ESTATE);
    await under.act('700BDC02', { caseId, review: { opinion: '材料齐全', attachments: [] } });
    await under.act('700BDC03', { caseId, verify: { opinion: '核准', attachments: [] } });
    await under.act('700BDC04', {
      caseId,
      refuse: { reason: '房屋未竣工验收，不符合首次登记条件', opinion: '', attachments: [], upperAuthority: '' },
    });
    const issued = await under.act('700BDC01', { caseId, issue: { certificateNumber: '', validUntil: '' } });
    expect(issued.case).toMatchObject({ feeStatus: F.CASE_FEE_STATUS_DUE, certificates: [] });
    expect(issued.case?.decision?.issuedAt).toEqual(under.clock.now());
  });
});
