import { catalogueItemsV1, feeV1 } from '@govhall/contracts';
import { PreconditionFailedError } from '@govhall/kit/errors';
import fc from 'fast-check';
import {
  addCaseToBill,
  applyPayment,
  assess,
  BillStatus,
  cancel,
  decideRefund,
  defaultSettings,
  issue,
  planBills,
  requestRefund,
  type Bill,
  type FeeActor,
} from './bills';
import { applyForRefund, newDeposit, refund as refundDeposit, sign } from './deposits';
import {
  apportionmentTransaction,
  chinaDate,
  depositReceivedTransaction,
  depositRefundedTransaction,
  exceptionTransaction,
  isBalanced,
  paymentTransaction,
  refundTransaction,
  type LedgerTransaction,
} from './ledger';

const HALL = 'hall-zhaoyuan';
const NOW = new Date('2026-12-02T02:15:00Z');
const VALUE_DATE = '2026-12-02';
const DEPOSIT_RECEIVED_AT = new Date('2026-03-16T01:30:00Z');
const DEPARTMENTS = ['dept-housing', 'dept-planning', 'dept-civil-defence'] as const;
const DEPARTMENT_NAMES: Record<string, string> = {
  'dept-housing': '住建局',
  'dept-planning': '自然资源和规划局',
  'dept-civil-defence': '人防办',
};
const FISCAL_ACCOUNTS = ['3707000000010001', '3707000000010002', '3707000000010003'] as const;
const UPWARD_BODIES = ['山东省财政厅', '烟台市财政局'] as const;
const PAYMENT_CODE = '20261202000000000141';

const windowStaff = (departmentId: string): FeeActor => ({
  staffId: `clerk-${departmentId}`,
  roles: ['clerk'],
  departmentId,
  hallId: HALL,
});
const DEPUTY: FeeActor = { staffId: 'leader-1', roles: ['deputy_leader'], departmentId: 'dept-centre', hallId: HALL };
const PRINCIPAL: FeeActor = {
  staffId: 'leader-2',
  roles: ['principal_leader'],
  departmentId: 'dept-centre',
  hallId: HALL,
};
const ADMINISTRATOR: FeeActor = {
  staffId: 'admin-1',
  roles: ['administrator'],
  departmentId: 'dept-centre',
  hallId: HALL,
};
const CENTRE_CLERK: FeeActor = { staffId: 'clerk-centre', roles: ['clerk'], departmentId: 'dept-centre', hallId: HALL };

// ---- builders: bills made the way the service makes them, through the domain functions ----------------------------

interface FeeSpec {
  readonly department: number;
  readonly perUnit: boolean;
  readonly amountFen: number;
  readonly unitPriceFen: number;
  readonly upwardShareBasisPoints: number;
  readonly fiscalAccount: number;
  readonly upwardBody: number;
}

/** How a department confirms one fee: not applying, at the standard, above it, reduced by a fraction, exempt. */
type Charge =
  | { readonly how: 'skip' }
  | { readonly how: 'standard' }
  | { readonly how: 'above'; readonly extraFen: number }
  | { readonly how: 'reduced'; readonly permille: number }
  | { readonly how: 'exempt' };

interface LineChoice {
  readonly charge: Charge;
  readonly quantityMilli: number;
}

function feeItem(spec: FeeSpec, index: number): catalogueItemsV1.FeeItem {
  return catalogueItemsV1.FeeItem.fromPartial({
    code: `F${String(index + 1).padStart(2, '0')}`,
    name: `收费项目${index + 1}`,
    kind: spec.perUnit ? catalogueItemsV1.FeeKind.FEE_KIND_PER_UNIT : catalogueItemsV1.FeeKind.FEE_KIND_FIXED,
    amountFen: spec.perUnit ? 0 : spec.amountFen,
    unitPriceFen: spec.perUnit ? spec.unitPriceFen : 0,
    unitName: spec.perUnit ? '平方米' : '',
    receivingDepartmentId: DEPARTMENTS[spec.department],
    fiscalAccount: FISCAL_ACCOUNTS[spec.fiscalAccount],
    reducible: true,
    reductionBasis: '小微企业免收（财税〔2016〕79号）',
    oneFee: true,
    upwardShareBasisPoints: spec.upwardShareBasisPoints,
    upwardBody: spec.upwardShareBasisPoints > 0 ? UPWARD_BODIES[spec.upwardBody] : '',
  });
}

/** A case of an item in the one-fee scope: one consolidated bill with a part per receiving department. */
function openBill(index: number, fees: readonly FeeSpec[]): Bill {
  const itemId = `item-${index}`;
  const settings = { ...defaultSettings(HALL), oneFeeItemIds: [itemId] };
  const accepted = {
    caseId: `case-${index}`,
    caseNumber: `SL370700-20261202-${String(index + 1).padStart(4, '0')}`,
    hallId: HALL,
    applicantId: `applicant-${index}`,
    applicantName: '烟台某建设有限公司',
    projectName: '',
    acceptedAt: NOW,
    item: catalogueItemsV1.Item.fromPartial({
      id: itemId,
      version: 1,
      content: { name: '建筑工程施工许可', departmentId: DEPARTMENTS[0], feeItems: fees.map(feeItem) },
    }),
  };
  const [plan, ...others] = planBills(accepted, settings);
  expect(others).toEqual([]);
  return addCaseToBill(
    undefined,
    plan!,
    accepted,
    { id: `bill-${index}`, number: `JF370700-20261202-${String(index + 1).padStart(4, '0')}`, now: NOW },
    (departmentId) => ({
      name: DEPARTMENT_NAMES[departmentId] ?? departmentId,
      dueAt: new Date('2026-12-03T09:00:00Z'),
    }),
  );
}

let lineSerial = 0;
const newLineId = () => `line-${++lineSerial}`;

/** A department confirms its part, each of its fees as the choices say (cycled). */
function assessPart(bill: Bill, departmentId: string, choices: readonly LineChoice[]): Bill {
  const part = bill.parts.find((p) => p.departmentId === departmentId)!;
  const lines: feeV1.AssessedLine[] = [];
  part.chargeable.forEach((fee, i) => {
    const { charge, quantityMilli } = choices[i % choices.length] ?? { charge: { how: 'standard' }, quantityMilli: 1 };
    if (charge.how === 'skip') return;
    const perUnit = fee.kind === feeV1.FeeStandardKind.FEE_STANDARD_KIND_PER_UNIT;
    const standard = perUnit ? Math.floor((fee.unitPriceFen * quantityMilli + 500) / 1000) : fee.amountFen;
    const chargedFen =
      charge.how === 'standard'
        ? undefined
        : charge.how === 'above'
          ? standard + charge.extraFen
          : charge.how === 'exempt'
            ? 0
            : Math.floor((standard * charge.permille) / 1000);
    lines.push({
      caseId: fee.caseId,
      feeCode: fee.feeCode,
      quantityMilli: perUnit ? quantityMilli : 0,
      chargedFen,
      reductionBasis: '财税〔2016〕79号',
    });
  });
  return assess(bill, departmentId, lines, windowStaff(departmentId), NOW, newLineId).bill;
}

let transactionSerial = 0;
function aPayment(bill: Bill, amountFen: number): feeV1.Payment {
  return feeV1.Payment.fromPartial({
    bankTransactionId: `TX${String(++transactionSerial).padStart(8, '0')}`,
    billId: bill.id,
    amountFen,
    channel: feeV1.PaymentChannel.PAYMENT_CHANNEL_COUNTER,
    paidAt: NOW,
    recordedAt: NOW,
  });
}

function aDeposit(id: string, amountFen: number, fiscalAccount: string = FISCAL_ACCOUNTS[0]): feeV1.Deposit {
  return newDeposit(
    feeV1.RecordDepositRequest.fromPartial({
      requestId: `req-${id}`,
      hallId: HALL,
      projectName: '烟台市芝罘区某小区项目',
      enterpriseName: '烟台某建设有限公司',
      enterpriseCreditCode: '91370700MA3C4U8R2X',
      amountFen,
      fiscalAccount,
      bankTransactionId: `DEP${id}`,
    }),
    ADMINISTRATOR,
    id,
    DEPOSIT_RECEIVED_AT,
  );
}

const CHAIN = defaultSettings(HALL).depositRefundChain;

/** Every signature of the default chain, in order, by whom may give it; then the refund. */
function refundWholeChain(d: feeV1.Deposit): feeV1.Deposit {
  let next = applyForRefund(d, '竣工验收合格证明 YT-2026-118', '2026-12-01', CHAIN, ADMINISTRATOR, NOW);
  next = sign(next, 'owner', '王建国', CENTRE_CLERK, NOW);
  next = sign(next, 'supervisor', '李明', CENTRE_CLERK, NOW);
  next = sign(next, 'responsible_head', '', DEPUTY, NOW);
  next = sign(next, 'principal_head', '', PRINCIPAL, NOW);
  return refundDeposit(next, ADMINISTRATOR, NOW);
}

/** debit − credit per account. */
function balances(transactions: readonly LedgerTransaction[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const t of transactions)
    for (const p of t.postings) result.set(p.account, (result.get(p.account) ?? 0) + p.debitFen - p.creditFen);
  return result;
}

function sumWhere(b: ReadonlyMap<string, number>, prefix: string): number {
  let sum = 0;
  for (const [account, fen] of b) if (account.startsWith(prefix)) sum += fen;
  return sum;
}

// ---- the builders, one by one --------------------------------------------------------------------------------------

/** A bill of two departments: housing 1000.00 at 15% upward, planning 350.00 with none; issued. */
function twoDepartmentBill(): Bill {
  let bill = openBill(900, [
    {
      department: 0,
      perUnit: false,
      amountFen: 100_000,
      unitPriceFen: 0,
      upwardShareBasisPoints: 1500,
      fiscalAccount: 0,
      upwardBody: 0,
    },
    {
      department: 1,
      perUnit: false,
      amountFen: 35_000,
      unitPriceFen: 0,
      upwardShareBasisPoints: 0,
      fiscalAccount: 1,
      upwardBody: 0,
    },
  ]);
  bill = assessPart(bill, DEPARTMENTS[0], [{ charge: { how: 'standard' }, quantityMilli: 0 }]);
  bill = assessPart(bill, DEPARTMENTS[1], [{ charge: { how: 'standard' }, quantityMilli: 0 }]);
  return issue(bill, false, windowStaff(DEPARTMENTS[0]), NOW, PAYMENT_CODE);
}

describe('isBalanced', () => {
  it('holds when debits equal credits, and not otherwise', () => {
    expect(isBalanced([])).toBe(true);
    expect(
      isBalanced([
        { debitFen: 100, creditFen: 0 },
        { debitFen: 0, creditFen: 60 },
        { debitFen: 0, creditFen: 40 },
      ]),
    ).toBe(true);
    expect(
      isBalanced([
        { debitFen: 100, creditFen: 0 },
        { debitFen: 0, creditFen: 99 },
      ]),
    ).toBe(false);
    expect(isBalanced([{ debitFen: 0, creditFen: 1 }])).toBe(false);
  });
});

describe('transactions', () => {
  it('books a payment from the bank to the bill', () => {
    const bill = twoDepartmentBill();
    const t = paymentTransaction(bill, aPayment(bill, 135_000), VALUE_DATE);
    expect(t).toMatchObject({ movement: 'payment', hallId: HALL, valueDate: VALUE_DATE, billId: bill.id });
    expect(t.postings).toEqual([
      { account: `bank:${HALL}`, debitFen: 135_000, creditFen: 0 },
      { account: `bill:${bill.id}`, debitFen: 0, creditFen: 135_000 },
    ]);
    expect(isBalanced(t.postings)).toBe(true);
  });

  it('apportions a paid bill line by line: the retained share to the fiscal account, the upward share up', () => {
    const issued = twoDepartmentBill();
    const outcome = applyPayment(issued, aPayment(issued, 135_000));
    if (outcome.kind !== 'applied') throw new Error(`expected the payment applied, got ${outcome.kind}`);
    const paid = outcome.bill;
    const [housing, planning] = paid.lines;
    const t = apportionmentTransaction(paid, VALUE_DATE);
    expect(t.movement).toBe('apportionment');
    expect(t.postings).toEqual([
      { account: `bill:${paid.id}`, debitFen: 135_000, creditFen: 0 },
      {
        account: `fiscal:${FISCAL_ACCOUNTS[0]}`,
        debitFen: 0,
        creditFen: 85_000,
        departmentId: DEPARTMENTS[0],
        lineId: housing!.id,
      },
      {
        account: `upward:${UPWARD_BODIES[0]}`,
        debitFen: 0,
        creditFen: 15_000,
        departmentId: DEPARTMENTS[0],
        lineId: housing!.id,
      },
      // No upward share: no upward posting of 0.
      {
        account: `fiscal:${FISCAL_ACCOUNTS[1]}`,
        debitFen: 0,
        creditFen: 35_000,
        departmentId: DEPARTMENTS[1],
        lineId: planning!.id,
      },
    ]);
    expect(isBalanced(t.postings)).toBe(true);
  });

  it('drops the postings of 0: an exempt line, a fiscal share of a line wholly remitted upward', () => {
    let bill = openBill(901, [
      {
        department: 0,
        perUnit: false,
        amountFen: 20_000,
        unitPriceFen: 0,
        upwardShareBasisPoints: 10_000,
        fiscalAccount: 0,
        upwardBody: 1,
      },
      {
        department: 0,
        perUnit: false,
        amountFen: 5_000,
        unitPriceFen: 0,
        upwardShareBasisPoints: 0,
        fiscalAccount: 1,
        upwardBody: 0,
      },
    ]);
    bill = assessPart(bill, DEPARTMENTS[0], [
      { charge: { how: 'standard' }, quantityMilli: 0 },
      { charge: { how: 'exempt' }, quantityMilli: 0 },
    ]);
    bill = issue(bill, false, windowStaff(DEPARTMENTS[0]), NOW, PAYMENT_CODE);
    const outcome = applyPayment(bill, aPayment(bill, 20_000));
    if (outcome.kind !== 'applied') throw new Error(`expected the payment applied, got ${outcome.kind}`);
    const t = apportionmentTransaction(outcome.bill, VALUE_DATE);
    expect(t.postings.map((p) => [p.account, p.debitFen, p.creditFen])).toEqual([
      [`bill:${bill.id}`, 20_000, 0],
      [`upward:${UPWARD_BODIES[1]}`, 0, 20_000],
    ]);
    expect(isBalanced(t.postings)).toBe(true);
  });

  it('reverses a refunded line and takes the money out of the bank', () => {
    const issued = twoDepartmentBill();
    const outcome = applyPayment(issued, aPayment(issued, 135_000));
    if (outcome.kind !== 'applied') throw new Error(`expected the payment applied, got ${outcome.kind}`);
    const housing = outcome.bill.lines[0]!;
    const t = refundTransaction(outcome.bill, [housing], VALUE_DATE);
    expect(t).toMatchObject({ movement: 'refund', billId: issued.id });
    expect(t.postings.map((p) => [p.account, p.debitFen, p.creditFen])).toEqual([
      [`fiscal:${FISCAL_ACCOUNTS[0]}`, 85_000, 0],
      [`upward:${UPWARD_BODIES[0]}`, 15_000, 0],
      [`bank:${HALL}`, 0, 100_000],
    ]);
    expect(isBalanced(t.postings)).toBe(true);
  });

  it('owes back money taken for a bill that cannot take it', () => {
    const t = exceptionTransaction(HALL, 'bill-7', 4_200, VALUE_DATE);
    expect(t).toMatchObject({ movement: 'exception', billId: 'bill-7', hallId: HALL });
    expect(t.postings).toEqual([
      { account: `bank:${HALL}`, debitFen: 4_200, creditFen: 0 },
      { account: `refund_due:${HALL}`, debitFen: 0, creditFen: 4_200 },
    ]);
    expect(isBalanced(t.postings)).toBe(true);
  });

  it('holds a deposit in the fiscal account and gives it back', () => {
    const held = aDeposit('dep-1', 862_000, FISCAL_ACCOUNTS[2]);
    const received = depositReceivedTransaction(held, VALUE_DATE);
    expect(received).toMatchObject({ movement: 'deposit_received', depositId: 'dep-1', hallId: HALL });
    expect(received.postings).toEqual([
      { account: `fiscal:${FISCAL_ACCOUNTS[2]}`, debitFen: 862_000, creditFen: 0 },
      { account: 'deposit:dep-1', debitFen: 0, creditFen: 862_000 },
    ]);
    const refunded = depositRefundedTransaction(refundWholeChain(held), VALUE_DATE);
    expect(refunded.movement).toBe('deposit_refunded');
    expect(refunded.postings).toEqual([
      { account: 'deposit:dep-1', debitFen: 862_000, creditFen: 0 },
      { account: `fiscal:${FISCAL_ACCOUNTS[2]}`, debitFen: 0, creditFen: 862_000 },
    ]);
    expect(isBalanced(received.postings) && isBalanced(refunded.postings)).toBe(true);
    expect(balances([received, refunded]).get('deposit:dep-1')).toBe(0);
  });
});

describe('chinaDate', () => {
  it.each<[string, string]>([
    ['2026-12-01T15:59:59.999Z', '2026-12-01'],
    ['2026-12-01T16:00:00Z', '2026-12-02'], // midnight in China
    ['2026-12-31T16:30:00Z', '2027-01-01'],
    ['2026-07-01T12:00:00Z', '2026-07-01'], // no daylight saving in summer either
  ])('%s is %s in China', (instant, day) => {
    expect(chinaDate(new Date(instant))).toBe(day);
  });
});

// ---- the property: any sequence of operations keeps the books straight -----------------------------------------

const feeSpec: fc.Arbitrary<FeeSpec> = fc.record({
  department: fc.integer({ min: 0, max: DEPARTMENTS.length - 1 }),
  perUnit: fc.boolean(),
  amountFen: fc.integer({ min: 0, max: 5_000_000 }),
  unitPriceFen: fc.integer({ min: 1, max: 100_000 }),
  upwardShareBasisPoints: fc.oneof(
    fc.constant(0),
    fc.constantFrom(1500, 3000, 10_000),
    fc.integer({ min: 0, max: 10_000 }),
  ),
  fiscalAccount: fc.integer({ min: 0, max: FISCAL_ACCOUNTS.length - 1 }),
  upwardBody: fc.integer({ min: 0, max: UPWARD_BODIES.length - 1 }),
});

const charge: fc.Arbitrary<Charge> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ how: 'standard' as const }) },
  { weight: 1, arbitrary: fc.constant({ how: 'skip' as const }) },
  { weight: 1, arbitrary: fc.constant({ how: 'exempt' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ how: fc.constant('above' as const), extraFen: fc.integer({ min: 1, max: 100_000 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ how: fc.constant('reduced' as const), permille: fc.integer({ min: 0, max: 999 }) }),
  },
);
const lineChoice: fc.Arbitrary<LineChoice> = fc.record({
  charge,
  quantityMilli: fc.integer({ min: 1, max: 10_000_000 }),
});
const choices = fc.array(lineChoice, { minLength: 1, maxLength: 4 });

type Operation =
  | { readonly op: 'advance'; readonly bill: number; readonly allowPartial: boolean; readonly permille: number }
  | { readonly op: 'reassess'; readonly bill: number; readonly department: number; readonly choices: LineChoice[] }
  | { readonly op: 'issue'; readonly bill: number; readonly allowPartial: boolean }
  | {
      readonly op: 'pay';
      readonly bill: number;
      readonly amount: 'due' | 'partial' | 'over';
      readonly permille: number;
    }
  | { readonly op: 'cancel'; readonly bill: number }
  | {
      readonly op: 'refund';
      readonly bill: number;
      readonly line: number;
      readonly whole: boolean;
      readonly approve: boolean;
    }
  | { readonly op: 'deposit_in'; readonly amountFen: number; readonly fiscalAccount: number }
  | { readonly op: 'deposit_out'; readonly pick: number };

const billIndex = fc.nat({ max: 2 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    // The bill's next step in its life (issue, pay, refund), so that sequences get past the first refusals.
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('advance' as const),
      bill: billIndex,
      allowPartial: fc.boolean(),
      permille: fc.integer({ min: 0, max: 1000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('reassess' as const),
      bill: billIndex,
      department: fc.nat({ max: DEPARTMENTS.length - 1 }),
      choices,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('issue' as const), bill: billIndex, allowPartial: fc.boolean() }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('pay' as const),
      bill: billIndex,
      amount: fc.constantFrom('due' as const, 'partial' as const, 'over' as const),
      permille: fc.integer({ min: 0, max: 1000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), bill: billIndex }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('refund' as const),
      bill: billIndex,
      line: fc.nat(),
      whole: fc.boolean(),
      approve: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('deposit_in' as const),
      amountFen: fc.integer({ min: 1, max: 100_000_000 }),
      fiscalAccount: fc.nat({ max: FISCAL_ACCOUNTS.length - 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deposit_out' as const), pick: fc.nat() }) },
);

const scenario = fc.record({
  bills: fc.array(
    fc.record({
      fees: fc.array(feeSpec, { minLength: 1, maxLength: 5 }),
      assessments: fc.array(choices, { minLength: DEPARTMENTS.length, maxLength: DEPARTMENTS.length }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  operations: fc.array(operation, { minLength: 5, maxLength: 40 }),
});

/** The books as the service keeps them: the bills, the deposits and every transaction booked. */
interface Books {
  bills: Bill[];
  deposits: feeV1.Deposit[];
  transactions: LedgerTransaction[];
  exceptionsFen: number;
}

/** One operation through the domain functions, booking what the service books; a refusal books nothing. */
function perform(books: Books, o: Operation): void {
  const at = 'bill' in o ? o.bill % books.bills.length : 0;
  const bill = books.bills[at]!;
  const book = (t: LedgerTransaction) => books.transactions.push(t);
  switch (o.op) {
    case 'advance':
      if (bill.status === BillStatus.BILL_STATUS_ASSESSED)
        return perform(books, { op: 'issue', bill: at, allowPartial: o.allowPartial });
      if (bill.status === BillStatus.BILL_STATUS_ISSUED || bill.status === BillStatus.BILL_STATUS_PARTLY_PAID)
        return perform(books, {
          op: 'pay',
          bill: at,
          amount: bill.allowPartial && o.permille < 500 ? 'partial' : 'due',
          permille: o.permille,
        });
      if (bill.status === BillStatus.BILL_STATUS_PAID)
        return perform(books, {
          op: 'refund',
          bill: at,
          line: o.permille,
          whole: o.permille > 700,
          approve: o.permille > 200,
        });
      return;
    case 'reassess': {
      const departmentId = DEPARTMENTS[o.department]!;
      if (!bill.parts.some((p) => p.departmentId === departmentId)) return;
      books.bills[at] = assessPart(bill, departmentId, o.choices);
      return;
    }
    case 'issue':
      books.bills[at] = issue(bill, o.allowPartial, windowStaff(DEPARTMENTS[0]), NOW, PAYMENT_CODE);
      return;
    case 'pay': {
      const due = bill.totalFen - bill.paidFen;
      const amountFen =
        due <= 0
          ? 1 + o.permille // a payment for a bill with nothing due (cancelled, paid, exempt)
          : o.amount === 'due'
            ? due
            : o.amount === 'over'
              ? due + 1 + o.permille
              : Math.max(1, Math.floor((due * o.permille) / 1000));
      const payment = aPayment(bill, amountFen);
      const outcome = applyPayment(bill, payment);
      if (outcome.kind === 'refund_required') {
        book(exceptionTransaction(bill.hallId, bill.id, amountFen, VALUE_DATE));
        books.exceptionsFen += amountFen;
        return;
      }
      books.bills[at] = outcome.bill;
      book(paymentTransaction(outcome.bill, payment, VALUE_DATE));
      if (outcome.fullyPaid) book(apportionmentTransaction(outcome.bill, VALUE_DATE));
      return;
    }
    case 'cancel':
      books.bills[at] = cancel(bill, '申请人撤回申请', DEPUTY, NOW);
      return;
    case 'refund': {
      const lineId = o.whole ? '' : (bill.lines[o.line % Math.max(1, bill.lines.length)]?.id ?? '');
      const asked = requestRefund(bill, lineId, '重复缴费，申请退还', DEPUTY, NOW, `refund-${++transactionSerial}`);
      const withRequest = feeV1.Bill.fromPartial({ ...bill, refunds: [...bill.refunds, asked] });
      const decision = decideRefund(
        withRequest,
        asked.id,
        o.approve,
        o.approve ? '同意' : '不符合退费条件',
        PRINCIPAL,
        NOW,
      );
      books.bills[at] = decision.bill;
      if (o.approve) book(refundTransaction(withRequest, decision.refundedLines, VALUE_DATE));
      return;
    }
    case 'deposit_in': {
      const d = aDeposit(`dep-${++transactionSerial}`, o.amountFen, FISCAL_ACCOUNTS[o.fiscalAccount]);
      books.deposits.push(d);
      book(depositReceivedTransaction(d, VALUE_DATE));
      return;
    }
    case 'deposit_out': {
      const held = books.deposits.filter((d) => d.status === feeV1.DepositStatus.DEPOSIT_STATUS_HELD);
      const d = held[o.pick % Math.max(1, held.length)];
      if (!d) return;
      const refunded = refundWholeChain(d);
      books.deposits = books.deposits.map((x) => (x.id === d.id ? refunded : x));
      book(depositRefundedTransaction(refunded, VALUE_DATE));
      return;
    }
  }
}

const FULLY_PAID = [BillStatus.BILL_STATUS_PAID, BillStatus.BILL_STATUS_REFUNDED];

/**
 * The ledger's figures against what the bills and deposits say, side by side (one comparison per step keeps the
 * property fast, and a failure shows every figure at once).
 */
function expectBooksStraight(books: Books): void {
  const b = balances(books.transactions);
  const unbalanced = books.transactions.filter((t) => !isBalanced(t.postings));
  // One side each, whole fen.
  const badPostings = books.transactions
    .flatMap((t) => t.postings)
    .filter(
      (p) =>
        !Number.isSafeInteger(p.debitFen) ||
        !Number.isSafeInteger(p.creditFen) ||
        p.debitFen < 0 ||
        p.creditFen < 0 ||
        p.debitFen > 0 === p.creditFen > 0,
    );

  let paidFen = 0;
  let refundedFen = 0;
  let apportionedFen = 0;
  let upwardFen = 0;
  const billAccounts: Record<string, number> = {};
  const expectedBillAccounts: Record<string, number> = {};
  const paidOtherThanTotal: string[] = [];
  for (const bill of books.bills) {
    const fullyPaid = FULLY_PAID.includes(bill.status);
    // The money waits on the bill while it is partly paid, and the apportionment empties it.
    billAccounts[bill.id] = b.get(`bill:${bill.id}`) ?? 0;
    expectedBillAccounts[bill.id] = fullyPaid ? 0 : 0 - bill.paidFen;
    if (fullyPaid && bill.paidFen !== bill.totalFen) paidOtherThanTotal.push(bill.id);
    paidFen += bill.paidFen;
    refundedFen += bill.refundedFen;
    if (fullyPaid) {
      apportionedFen += bill.totalFen;
      for (const line of bill.lines) if (line.refundedFen === 0) upwardFen += line.upwardFen;
    }
  }
  const depositAccounts: Record<string, number> = {};
  const expectedDepositAccounts: Record<string, number> = {};
  let depositsHeldFen = 0;
  for (const d of books.deposits) {
    const held = d.status !== feeV1.DepositStatus.DEPOSIT_STATUS_REFUNDED;
    if (held) depositsHeldFen += d.amountFen;
    depositAccounts[d.id] = b.get(`deposit:${d.id}`) ?? 0;
    expectedDepositAccounts[d.id] = held ? 0 - d.amountFen : 0;
  }

  // Balances are debit − credit: fiscal, upward, refund_due and deposit accounts hold credits.
  expect({
    unbalanced,
    badPostings,
    sumOverAllAccounts: [...b.values()].reduce((sum, fen) => sum + fen, 0),
    billAccounts,
    paidOtherThanTotal,
    bank: b.get(`bank:${HALL}`) ?? 0,
    refundDue: 0 - (b.get(`refund_due:${HALL}`) ?? 0),
    // A deposit received into a fiscal account is a debit there (fee.md: deposit_received debits fiscal).
    fiscalAndUpward: 0 - (sumWhere(b, 'fiscal:') + sumWhere(b, 'upward:')),
    upward: 0 - sumWhere(b, 'upward:'),
    depositAccounts,
  }).toEqual({
    unbalanced: [],
    badPostings: [],
    sumOverAllAccounts: 0,
    billAccounts: expectedBillAccounts,
    paidOtherThanTotal: [],
    bank: paidFen + books.exceptionsFen - refundedFen,
    refundDue: books.exceptionsFen,
    fiscalAndUpward: apportionedFen - refundedFen - depositsHeldFen,
    upward: upwardFen,
    depositAccounts: expectedDepositAccounts,
  });
}

describe('the ledger over any sequence of operations', () => {
  it('balances every transaction and keeps each account at what the bills and deposits say', () => {
    const movements = new Map<string, number>();
    fc.assert(
      fc.property(scenario, ({ bills, operations }) => {
        const books: Books = { bills: [], deposits: [], transactions: [], exceptionsFen: 0 };
        bills.forEach((spec, i) => {
          let bill = openBill(i, spec.fees);
          for (const part of bill.parts)
            bill = assessPart(
              bill,
              part.departmentId,
              spec.assessments[DEPARTMENTS.indexOf(part.departmentId as never)]!,
            );
          books.bills.push(bill);
        });
        for (const o of operations) {
          try {
            perform(books, o);
          } catch (error) {
            // A refusal (not issued yet, paid already, the wrong amount, nothing left to refund) books nothing;
            // nothing else may go wrong.
            if (!(error instanceof PreconditionFailedError)) throw error;
          }
          expectBooksStraight(books);
        }
        for (const t of books.transactions) movements.set(t.movement, (movements.get(t.movement) ?? 0) + 1);
      }),
      { numRuns: 200 },
    );
    // The sequences reached every kind of movement: the property is not vacuous.
    for (const movement of ['payment', 'apportionment', 'refund', 'exception', 'deposit_received', 'deposit_refunded'])
      expect(movements.get(movement) ?? 0).toBeGreaterThan(10);
  });
});
