import { testPerson } from '@govhall/case/testing';
import { FeeEvents, caseV1, contractRegistry, feeV1 } from '@govhall/contracts';
import { callUnary, eventDecoder, fieldViolationsOf, type EventEnvelope } from '@govhall/kit';
import { readStream, sharedNatsUrl, waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { chinaDate } from '../src/domain/ledger';
import { startFeeForTest, type FeeUnderTest } from './start-for-test';

// The one-fee system end to end (catalogue, intake, case and fee on real PostgreSQL and nats-server): the
// demo's 企业投资项目并联审批 charges three departments (住建 城市基础设施配套费 per m², 自然资源 耕地开垦费 per m²
// with 30% remitted to the province, 不动产 登记费 fixed) on one consolidated bill; 不动产首次登记 (outside the scope)
// is billed by its department per case.

const JOINT = '11370700FGW000199002000';
const REAL_ESTATE = '11370700BDC000144001000';
const B = feeV1.BillStatus;
let t: FeeUnderTest;
let serial = 0;
const rid = (p: string) => `${p}-${Date.now().toString(36)}-${++serial}`;

async function failure(call: Promise<unknown>): Promise<grpc.ServiceError> {
  return call.then(
    (answer) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(answer).slice(0, 200)}`);
    },
    (e: unknown) => e as grpc.ServiceError,
  );
}

async function expectInvalid(call: Promise<unknown>, field: string): Promise<void> {
  const error = await failure(call);
  expect(grpc.status[error.code]).toBe('INVALID_ARGUMENT');
  expect(fieldViolationsOf(error).map((v) => v.field)).toContain(field);
}

async function expectRefused(call: Promise<unknown>, code: grpc.status, text: string): Promise<void> {
  const error = await failure(call);
  expect(`${grpc.status[error.code]}: ${error.details}`).toContain(`${grpc.status[code]}: `);
  expect(error.details).toContain(text);
}

let demo: Awaited<ReturnType<FeeUnderTest['under']['intake']['demo']>>;
const dept = (key: string) => demo.departments[key]!;
const cityHall = () => demo.halls['city']!;

async function billsOf(caseId: string, count = 1): Promise<feeV1.Bill[]> {
  const staff = await t.as('700GLB07');
  let bills: feeV1.Bill[] = [];
  await waitFor(
    async () => {
      bills = (await callUnary(staff, 'listBills', feeV1.ListBillsRequest.fromPartial({ hallId: cityHall(), caseId })))
        .bills;
      return bills.length >= count;
    },
    { timeoutMs: 20_000, intervalMs: 100, what: `bills of case ${caseId}` },
  );
  return bills;
}

async function openJointCase(project: string) {
  return t.under.openCase({
    item: JOINT,
    hall: 'city',
    frontDesk: '700GLB01',
    frontWindow: 'A01',
    clerk: '700FGW01',
    acceptWindow: 'B03',
    applicant: testPerson('潍坊新材料有限公司', ++serial),
    projectName: project,
  });
}

/** Confirms the three departments' parts of a joint case's bill at the standard (1,250 m² and 100 m²). */
async function assessAll(bill: feeV1.Bill, caseId: string): Promise<feeV1.Bill> {
  const assess = async (employeeNo: string, department: string, lines: Partial<feeV1.AssessedLine>[]) =>
    (
      await callUnary(
        await t.as(employeeNo),
        'assessFees',
        feeV1.AssessFeesRequest.fromPartial({
          requestId: rid('assess'),
          billId: bill.id,
          departmentId: dept(department),
          lines: lines.map((l) => ({ caseId, ...l })),
        }),
      )
    ).bill!;
  await assess('700ZJJ01', 'city/ZJJ', [{ feeCode: 'F01', quantityMilli: 1_250_000 }]);
  await assess('700ZRZY01', 'city/ZRZY', [{ feeCode: 'F02', quantityMilli: 100_000 }]);
  return assess('700BDC01', 'city/BDC', [{ feeCode: 'F03' }]);
}

async function issue(billId: string, allowPartial = false): Promise<feeV1.Bill> {
  return (await callUnary(await t.as('700FGW01'), 'issueBill', { requestId: rid('issue'), billId, allowPartial }))
    .bill!;
}

function payment(
  bill: feeV1.Bill,
  transaction: string,
  amountFen = bill.totalFen,
  channel = feeV1.PaymentChannel.PAYMENT_CHANNEL_COUNTER,
) {
  return feeV1.RecordPaymentRequest.fromPartial({
    bankTransactionId: transaction,
    paymentCode: bill.paymentCode,
    amountFen,
    channel,
    paidAt: t.clock.now(),
  });
}

async function feeEvents(): Promise<Array<{ type: string; data: unknown }>> {
  const decode = eventDecoder(FeeEvents, contractRegistry());
  const stored = await readStream(sharedNatsUrl(), `FEE_${t.region}`);
  return stored.map((m) => decode(m.json as EventEnvelope)!).filter(Boolean);
}

beforeAll(async () => {
  t = await startFeeForTest();
  demo = await t.under.intake.demo();
  // The city hall's one-fee scope: the joint item (its fee list: the fee catalogue's one-fee entries), a 50/50
  // split with the district (上交除外).
  await callUnary(await t.as('700GLB07'), 'setHallFeeSettings', {
    requestId: rid('settings'),
    expectedVersion: 0,
    settings: feeV1.HallFeeSettings.fromPartial({
      hallId: cityHall(),
      oneFeeItemIds: [demo.items[JOINT]!],
      revenueSplit: { partnerName: '奎文区财政局', ownShareBasisPoints: 5000 },
    }),
  });
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('one bill, one payment, one settlement', () => {
  let bill: feeV1.Bill;
  let caseId: string;

  it('opens one consolidated bill for the three departments of a joint case', async () => {
    ({ caseId } = await openJointCase('年产10万吨新材料项目'));
    const bills = await billsOf(caseId);
    expect(bills).toHaveLength(1);
    bill = bills[0]!;
    expect(bill.kind).toBe(feeV1.BillKind.BILL_KIND_ONE_FEE);
    expect(bill.status).toBe(B.BILL_STATUS_ASSESSING);
    expect(bill.title).toBe('年产10万吨新材料项目');
    expect(bill.parts.map((p) => p.departmentId).sort()).toEqual(
      [dept('city/ZJJ'), dept('city/ZRZY'), dept('city/BDC')].sort(),
    );
    expect(bill.parts.every((p) => p.dueAt && p.dueAt.getTime() > t.clock.now().getTime())).toBe(true);
  });

  it('refuses a waiver without a basis, a reduction of a fee that allows none, and another department', async () => {
    const zjj = await t.as('700ZJJ01');
    await expectInvalid(
      callUnary(zjj, 'assessFees', {
        requestId: rid('assess'),
        billId: bill.id,
        departmentId: dept('city/ZJJ'),
        lines: [{ caseId, feeCode: 'F01', quantityMilli: 1_250_000, chargedFen: 0, reductionBasis: '' }],
      }),
      'lines[0].reduction_basis',
    );
    await expectInvalid(
      callUnary(await t.as('700ZRZY01'), 'assessFees', {
        requestId: rid('assess'),
        billId: bill.id,
        departmentId: dept('city/ZRZY'),
        lines: [{ caseId, feeCode: 'F02', quantityMilli: 100_000, chargedFen: 1, reductionBasis: '某文件' }],
      }),
      'lines[0].charged_fen',
    );
    await expectRefused(
      callUnary(zjj, 'assessFees', {
        requestId: rid('assess'),
        billId: bill.id,
        departmentId: dept('city/BDC'),
        lines: [],
      }),
      grpc.status.PERMISSION_DENIED,
      'only staff of department',
    );
    // Nothing of it was written.
    const { bill: now } = await callUnary(zjj, 'getBill', { billId: bill.id, paymentCode: '' });
    expect(now!.lines).toHaveLength(0);
  });

  it('is issued once every part is confirmed, once', async () => {
    await expectRefused(issue(bill.id), grpc.status.FAILED_PRECONDITION, 'fees not yet confirmed by');
    const assessed = await assessAll(bill, caseId);
    expect(assessed.status).toBe(B.BILL_STATUS_ASSESSED);
    // 9000 × 1250 + 3000 × 100 + 55000 fen.
    expect(assessed.totalFen).toBe(11_250_000 + 300_000 + 55_000);
    bill = await issue(bill.id);
    expect(bill.status).toBe(B.BILL_STATUS_ISSUED);
    expect(bill.paymentCode).toMatch(/^\d{20}$/);
    await expectRefused(issue(bill.id), grpc.status.FAILED_PRECONDITION, '一次性开票');
    const notice = await callUnary(await t.as('700FGW01'), 'renderPaymentNotice', { billId: bill.id, format: 'html' });
    const html = Buffer.from(notice.content).toString('utf8');
    expect(html).toContain('缴费通知单');
    expect(html).toContain('116,050.00');
    expect(html).toContain('壹拾壹万陆仟零伍拾元整');
  });

  it('refuses a partial payment the bill does not allow, recording nothing', async () => {
    const bank = await t.bank();
    await expectRefused(
      callUnary(bank, 'recordPayment', payment(bill, rid('bank'), 100_00)),
      grpc.status.FAILED_PRECONDITION,
      'takes no partial payment',
    );
    const ledger = await callUnary(await t.as('700GLB07'), 'getLedger', { billId: bill.id, depositId: '', hallId: '' });
    expect(ledger.entries).toHaveLength(0);
    // The chart's GovhallFeePaymentsRefused alert reads exactly this series.
    const metrics = await (await fetch(`http://127.0.0.1:${t.fee.httpPort}/metrics`)).text();
    expect(metrics).toMatch(
      /grpc_server_requests_total\{(?=[^}]*method="RecordPayment")(?=[^}]*code="FAILED_PRECONDITION")(?=[^}]*service="fee")[^}]*\} [1-9]/,
    );
  });

  it('the same callback three times makes one payment; three receipts sum to it', async () => {
    const bank = await t.bank();
    const transaction = rid('bank');
    const answers = await Promise.all(
      [1, 2, 3].map(() => callUnary(bank, 'recordPayment', payment(bill, transaction))),
    );
    for (const a of answers) expect(a.payment!.bankTransactionId).toBe(transaction);
    const { bill: paid } = await callUnary(await t.as('700GLB07'), 'getBill', { billId: bill.id, paymentCode: '' });
    expect(paid!.status).toBe(B.BILL_STATUS_PAID);
    expect(paid!.payments).toHaveLength(1);
    expect(paid!.paidFen).toBe(bill.totalFen);
    const departmentReceipts = paid!.receipts.filter((r) => !r.applicantCopy);
    expect(departmentReceipts).toHaveLength(3);
    expect(departmentReceipts.reduce((s, r) => s + r.amountFen, 0)).toBe(paid!.paidFen);
    expect(paid!.receipts.filter((r) => r.applicantCopy).map((r) => r.amountFen)).toEqual([paid!.paidFen]);
    bill = paid!;
  });

  it('tells the case service the fees are paid', async () => {
    await waitFor(
      async () =>
        (await feeEvents()).some(
          (e) => e.type === 'fee.case.fees_paid' && (e.data as { caseId: string }).caseId === caseId,
        ),
      { timeoutMs: 15_000, intervalMs: 100, what: 'fee.case.fees_paid' },
    );
    await waitFor(
      async () =>
        (await t.under.getCase('700FGW01', caseId)).case?.feeStatus === caseV1.CaseFeeStatus.CASE_FEE_STATUS_PAID,
      {
        timeoutMs: 15_000,
        intervalMs: 100,
        what: 'the case sees its fees paid',
      },
    );
  });

  it('settles the day per department; the revenue split leaves out the upward share', async () => {
    const { departments, total } = await callUnary(await t.as('700GLB07'), 'getDailySettlement', {
      hallId: cityHall(),
      date: chinaDate(t.clock.now()),
    });
    const land = departments.find((d) => d.departmentId === dept('city/ZRZY'))!;
    expect(land.receivedFen).toBe(300_000);
    expect(land.upwardFen).toBe(90_000); // 30% to 山东省财政厅
    expect(land.retainedFen).toBe(210_000);
    expect(land.ownShareFen).toBe(105_000); // 50% of what is retained, not of what was received
    expect(land.partnerShareFen).toBe(105_000);
    expect(total!.receivedFen).toBe(bill.paidFen);
  });

  it("refunds one line with a leader's approval, and the ledger stays balanced", async () => {
    const line = bill.lines.find((l) => l.departmentId === dept('city/BDC'))!;
    const { refund } = await callUnary(await t.as('700BDC01'), 'requestRefund', {
      requestId: rid('refund'),
      billId: bill.id,
      lineId: line.id,
      reason: '登记申请撤回，退还登记费',
    });
    await expectRefused(
      callUnary(await t.as('700BDC01'), 'decideRefund', {
        requestId: rid('decide'),
        refundId: refund!.id,
        approve: true,
        opinion: '',
      }),
      grpc.status.PERMISSION_DENIED,
      'requires one of the roles',
    );
    const decided = await callUnary(await t.as('700GLB05'), 'decideRefund', {
      requestId: rid('decide'),
      refundId: refund!.id,
      approve: true,
      opinion: '同意',
    });
    expect(decided.bill!.refundedFen).toBe(55_000);
    const staff = await t.as('700GLB07');
    const ledger = await callUnary(staff, 'getLedger', { billId: bill.id, depositId: '', hallId: '' });
    expect(ledger.balanced).toBe(true);
    expect(ledger.debitTotalFen).toBe(ledger.creditTotalFen);
    const hall = await callUnary(staff, 'getLedger', { billId: '', depositId: '', hallId: cityHall() });
    expect(hall.balanced).toBe(true);
    const { total } = await callUnary(staff, 'getDailySettlement', {
      hallId: cityHall(),
      date: chinaDate(t.clock.now()),
    });
    expect(total!.netFen).toBe(bill.paidFen - 55_000);
  });
});

describe('callbacks that cannot be taken', () => {
  it('two callbacks at once for one bill make one payment; the other is reported for refund', async () => {
    const { caseId } = await openJointCase('仓储物流中心项目');
    const [opened] = await billsOf(caseId);
    await assessAll(opened!, caseId);
    const bill = await issue(opened!.id);
    const bank = await t.bank();
    const results = await Promise.allSettled([
      callUnary(bank, 'recordPayment', payment(bill, rid('bank'))),
      callUnary(
        bank,
        'recordPayment',
        payment(bill, rid('bank'), bill.totalFen, feeV1.PaymentChannel.PAYMENT_CHANNEL_ONLINE),
      ),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as grpc.ServiceError).details).toContain('reported for refund');
    const { bill: after } = await callUnary(await t.as('700GLB07'), 'getBill', { billId: bill.id, paymentCode: '' });
    expect(after!.payments).toHaveLength(1);
    const { exceptions } = await callUnary(await t.as('700GLB07'), 'listPaymentExceptions', {
      hallId: cityHall(),
      pageSize: 0,
      pageToken: '',
    });
    expect(exceptions.filter((e) => e.billId === bill.id).map((e) => e.kind)).toEqual([
      feeV1.PaymentExceptionKind.PAYMENT_EXCEPTION_KIND_ALREADY_PAID,
    ]);
  });

  it('a callback for a cancelled bill is refused and reported; the statement finds a planted mismatch', async () => {
    const { caseId } = await t.under.openCase({
      item: REAL_ESTATE,
      hall: 'city',
      frontDesk: '700GLB01',
      frontWindow: 'A01',
      clerk: '700BDC01',
      acceptWindow: 'B10',
      situationCodes: ['HOUSE'],
    });
    const [opened] = await billsOf(caseId);
    expect(opened!.kind).toBe(feeV1.BillKind.BILL_KIND_DEPARTMENT);
    await callUnary(await t.as('700BDC01'), 'assessFees', {
      requestId: rid('assess'),
      billId: opened!.id,
      departmentId: dept('city/BDC'),
      lines: [{ caseId, feeCode: 'F01', quantityMilli: 0, reductionBasis: '' }],
    });
    const bill = await issue(opened!.id);
    await callUnary(await t.as('700GLB07'), 'cancelBill', {
      requestId: rid('cancel'),
      billId: bill.id,
      reason: '申请人撤回申请',
    });
    const late = rid('bank');
    await expectRefused(
      callUnary(await t.bank(), 'recordPayment', payment(bill, late)),
      grpc.status.FAILED_PRECONDITION,
      'cancelled',
    );
    const { exceptions } = await callUnary(await t.as('700GLB07'), 'listPaymentExceptions', {
      hallId: cityHall(),
      pageSize: 0,
      pageToken: '',
    });
    expect(exceptions.find((e) => e.bankTransactionId === late)?.kind).toBe(
      feeV1.PaymentExceptionKind.PAYMENT_EXCEPTION_KIND_BILL_CANCELLED,
    );
    expect((await feeEvents()).some((e) => e.type === 'fee.payment.refund_required')).toBe(true);

    // The bank's statement of the day: every payment it took, one of them with a planted wrong amount.
    const day = chinaDate(t.clock.now());
    const { bills } = await callUnary(
      await t.as('700GLB07'),
      'listBills',
      feeV1.ListBillsRequest.fromPartial({ hallId: cityHall() }),
    );
    const taken = [
      ...bills.flatMap((b) =>
        b.payments.map((p) => ({ id: p.bankTransactionId, code: b.paymentCode, fen: p.amountFen })),
      ),
      ...exceptions.map((e) => ({
        id: e.bankTransactionId,
        code: bills.find((b) => b.id === e.billId)!.paymentCode,
        fen: e.amountFen,
      })),
    ];
    expect(taken.length).toBeGreaterThanOrEqual(3);
    const yuanText = (fen: number) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    const rows = taken.map(
      (p, i) => `${p.id},${p.code},${yuanText(i === 0 ? p.fen + 1 : p.fen)},${t.clock.now().toISOString()},counter`,
    );
    const { reconciliation } = await callUnary(await t.as('700GLB07'), 'reconcile', {
      requestId: rid('reconcile'),
      hallId: cityHall(),
      date: day,
      statementCsv: Buffer.from(['transaction_id,payment_code,amount,paid_at,channel', ...rows].join('\n')),
    });
    expect(reconciliation!.mismatches.map((m) => [m.kind, m.bankTransactionId])).toEqual([
      [feeV1.MismatchKind.MISMATCH_KIND_AMOUNT_DIFFERS, taken[0]!.id],
    ]);
    expect(reconciliation!.matched).toBe(taken.length - 1);
  });
});

describe('performance deposits (履约保证金)', () => {
  it('is refunded only after every approval of the chain is in, in order', async () => {
    const admin = await t.as('700GLB07');
    const { deposit } = await callUnary(admin, 'recordDeposit', {
      requestId: rid('deposit'),
      hallId: cityHall(),
      projectName: '白浪河综合治理工程',
      enterpriseName: '潍坊市建设工程有限公司',
      enterpriseCreditCode: '91370700MA3C5XXX1X'.replace(/X/g, '0'),
      amountFen: 549_410_000,
      fiscalAccount: '370701000010009001',
      bankTransactionId: rid('bankdep'),
    });
    const id = deposit!.id;
    await expectRefused(
      callUnary(admin, 'refundDeposit', { requestId: rid('r'), depositId: id }),
      grpc.status.FAILED_PRECONDITION,
      'application',
    );
    const today = chinaDate(t.clock.now());
    await callUnary(admin, 'applyDepositRefund', {
      requestId: rid('apply'),
      depositId: id,
      acceptanceDocument: '竣工验收报告〔2026〕18号',
      acceptanceDate: today,
    });
    await expectRefused(
      callUnary(admin, 'signDepositRefund', {
        requestId: rid('s'),
        depositId: id,
        stepCode: 'supervisor',
        signerName: '李监理',
      }),
      grpc.status.FAILED_PRECONDITION,
      'in order',
    );
    await callUnary(admin, 'signDepositRefund', {
      requestId: rid('s'),
      depositId: id,
      stepCode: 'owner',
      signerName: '张业主',
    });
    await callUnary(admin, 'signDepositRefund', {
      requestId: rid('s'),
      depositId: id,
      stepCode: 'supervisor',
      signerName: '李监理',
    });
    await expectRefused(
      callUnary(admin, 'signDepositRefund', {
        requestId: rid('s'),
        depositId: id,
        stepCode: 'responsible_head',
        signerName: '',
      }),
      grpc.status.PERMISSION_DENIED,
      'deputy_leader',
    );
    await callUnary(await t.as('700GLB05'), 'signDepositRefund', {
      requestId: rid('s'),
      depositId: id,
      stepCode: 'responsible_head',
      signerName: '',
    });
    await expectRefused(
      callUnary(admin, 'refundDeposit', { requestId: rid('r'), depositId: id }),
      grpc.status.FAILED_PRECONDITION,
      '中心主要负责人签字确定',
    );
    await callUnary(await t.as('700GLB06'), 'signDepositRefund', {
      requestId: rid('s'),
      depositId: id,
      stepCode: 'principal_head',
      signerName: '',
    });
    const { deposit: refunded } = await callUnary(admin, 'refundDeposit', { requestId: rid('r'), depositId: id });
    expect(refunded!.status).toBe(feeV1.DepositStatus.DEPOSIT_STATUS_REFUNDED);
    const report = await callUnary(admin, 'getDepositReport', { hallId: cityHall() });
    expect(report.summary).toContain('已退还1宗549.41万元');
    const ledger = await callUnary(admin, 'getLedger', { billId: '', depositId: id, hallId: '' });
    expect(ledger.balanced).toBe(true);
    expect(ledger.transactions).toBe(2);
  });
});

describe('money stays integer fen', () => {
  it('every amount column is BIGINT and the ledger refuses an unbalanced or changed movement', async () => {
    const db = new Client({ connectionString: t.under.env['DATABASE_URL'] });
    await db.connect();
    try {
      const columns = await db.query<{ table_name: string; column_name: string; data_type: string }>(
        `SELECT table_name, column_name, data_type FROM information_schema.columns
          WHERE table_schema = 'fee' AND column_name LIKE '%fen'`,
      );
      expect(columns.rows.length).toBeGreaterThanOrEqual(6);
      for (const c of columns.rows) expect(`${c.table_name}.${c.column_name}: ${c.data_type}`).toMatch(/: bigint$/);
      await expect(
        db.query(
          `UPDATE fee.ledger_entries SET debit_fen = debit_fen + 1 WHERE id = (SELECT min(id) FROM fee.ledger_entries)`,
        ),
      ).rejects.toThrow(/append-only/);
      await expect(
        db.query(
          `INSERT INTO fee.ledger_entries (transaction_id, hall_id, movement, account, debit_fen, credit_fen, value_date, booked_at)
           VALUES ('t-unbalanced', 'h', 'payment', 'bank:h', 100, 0, now(), now())`,
        ),
      ).rejects.toThrow(/does not balance/);
      const totals = await db.query<{ debit: string; credit: string }>(
        `SELECT sum(debit_fen)::text AS debit, sum(credit_fen)::text AS credit FROM fee.ledger_entries`,
      );
      expect(totals.rows[0]!.debit).toBe(totals.rows[0]!.credit);
      expect(totals.rows[0]!.debit).toMatch(/^\d+$/);
    } finally {
      await db.end();
    }
  });
});
