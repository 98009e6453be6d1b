import { catalogueItemsV1, feeV1 } from '@govhall/contracts';
import { PermissionDeniedError, PreconditionFailedError, ValidationError } from '@govhall/kit/errors';
import {
  addCaseToBill,
  applyPayment,
  assess,
  BillStatus,
  cancel,
  collectedInOneFee,
  decideRefund,
  defaultSettings,
  issue,
  planBills,
  receiptsFor,
  requestRefund,
  settingsViolations,
  settledCases,
  type AcceptedCase,
  type Bill,
  type BillPlan,
  type FeeActor,
  type HallFeeSettings,
} from './bills';

const S = BillStatus;
const Part = feeV1.PartStatus;
const HALL = 'hall-zhaoyuan';
const HOUSING = 'dept-housing';
const PLANNING = 'dept-planning';
const CIVIL_DEFENCE = 'dept-civil-defence';
const NAMES: Record<string, string> = {
  [HOUSING]: '住建局',
  [PLANNING]: '自然资源和规划局',
  [CIVIL_DEFENCE]: '人防办',
};
const ITEM_ID = 'item-construction-permit';
const OPENED = new Date('2026-12-02T01:00:00Z');
const DUE = new Date('2026-12-03T09:00:00Z');
const NOW = new Date('2026-12-02T03:00:00Z');
const PAYMENT_CODE = '20261202000000000141';
const BASIS = '小微企业免收（财税〔2016〕79号）';

/** The ValidationError a call throws (failing the test when it throws nothing or something else). */
function validationErrorOf(call: () => unknown): ValidationError {
  try {
    call();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

const staffOf = (departmentId: string, roles: string[] = ['clerk'], staffId = `clerk-${departmentId}`): FeeActor => ({
  staffId,
  roles,
  departmentId,
  hallId: HALL,
});
const DEPUTY = staffOf('dept-centre', ['deputy_leader'], 'leader-1');
const PRINCIPAL = staffOf('dept-centre', ['principal_leader'], 'leader-2');

function aFee(overrides: Partial<catalogueItemsV1.FeeItem> = {}): catalogueItemsV1.FeeItem {
  return catalogueItemsV1.FeeItem.fromPartial({
    code: 'F01',
    name: '城市基础设施配套费',
    kind: catalogueItemsV1.FeeKind.FEE_KIND_FIXED,
    amountFen: 10_000,
    receivingDepartmentId: HOUSING,
    fiscalAccount: '3707000000010001',
    reducible: false,
    oneFee: false,
    ...overrides,
  });
}

const PER_SQUARE_METRE = aFee({
  code: 'F02',
  name: '人防易地建设费',
  kind: catalogueItemsV1.FeeKind.FEE_KIND_PER_UNIT,
  amountFen: 0,
  unitPriceFen: 350,
  unitName: '平方米',
  receivingDepartmentId: CIVIL_DEFENCE,
  fiscalAccount: '3707000000010003',
  oneFee: true,
});

function aCase(fees: catalogueItemsV1.FeeItem[], overrides: Partial<AcceptedCase> = {}): AcceptedCase {
  return {
    caseId: 'case-1',
    caseNumber: 'SL370700-20261202-0001',
    hallId: HALL,
    applicantId: 'applicant-1',
    applicantName: '烟台某建设有限公司',
    projectName: '芝罘区某小区项目',
    acceptedAt: OPENED,
    item: catalogueItemsV1.Item.fromPartial({
      id: ITEM_ID,
      version: 3,
      content: { name: '建筑工程施工许可', departmentId: HOUSING, feeItems: fees },
    }),
    ...overrides,
  };
}

const inScope = (oneFeeCodes: string[] = []): HallFeeSettings => ({
  ...defaultSettings(HALL),
  oneFeeItemIds: [ITEM_ID],
  oneFeeCodes,
});

let serial = 0;
const newLineId = () => `line-${++serial}`;

function billFor(plan: BillPlan, c: AcceptedCase, existing?: Bill): Bill {
  return addCaseToBill(existing, plan, c, { id: 'bill-1', number: 'JF370700-20261202-0001', now: OPENED }, (d) => ({
    name: NAMES[d] ?? d,
    dueAt: DUE,
  }));
}

/** One department bill for a case whose fees all go to the item's departments (no one-fee scope). */
function departmentBill(fees: catalogueItemsV1.FeeItem[]): Bill {
  const c = aCase(fees);
  const [plan] = planBills(c, defaultSettings(HALL));
  return billFor(plan!, c);
}

/** A one-fee bill of the case's fees (each fee's receiving department one part). */
function oneFeeBill(fees: catalogueItemsV1.FeeItem[], c: AcceptedCase = aCase(fees)): Bill {
  const [plan, ...others] = planBills(c, inScope());
  expect(others).toEqual([]);
  return billFor(plan!, c);
}

function assessed(
  bill: Bill,
  departmentId: string,
  lines: Array<Partial<feeV1.AssessedLine>>,
  actor = staffOf(departmentId),
  at = NOW,
) {
  return assess(
    bill,
    departmentId,
    lines.map((l) => ({ caseId: 'case-1', feeCode: 'F01', quantityMilli: 0, reductionBasis: '', ...l })),
    actor,
    at,
    newLineId,
  );
}

function aPayment(amountFen: number, overrides: Partial<feeV1.Payment> = {}): feeV1.Payment {
  return feeV1.Payment.fromPartial({
    bankTransactionId: `TX${++serial}`,
    billId: 'bill-1',
    amountFen,
    channel: feeV1.PaymentChannel.PAYMENT_CHANNEL_COUNTER,
    paidAt: new Date('2026-12-02T05:00:00Z'),
    recordedAt: new Date('2026-12-02T05:00:02Z'),
    ...overrides,
  });
}

function applied(bill: Bill, payment: feeV1.Payment): Bill {
  const outcome = applyPayment(bill, payment);
  if (outcome.kind !== 'applied') throw new Error(`expected the payment applied, got ${outcome.kind}`);
  return outcome.bill;
}

/** Housing 100.00 (15% upward) and planning 350.00, both at the standard; issued. */
function issuedTwoDepartmentBill(allowPartial = false): Bill {
  let bill = oneFeeBill([
    aFee({ oneFee: true, upwardShareBasisPoints: 1500, upwardBody: '山东省财政厅' }),
    aFee({ code: 'F03', name: '不动产登记费', oneFee: true, amountFen: 35_000, receivingDepartmentId: PLANNING }),
  ]);
  bill = assessed(bill, HOUSING, [{}]).bill;
  bill = assessed(bill, PLANNING, [{ feeCode: 'F03' }]).bill;
  return issue(bill, allowPartial, staffOf(HOUSING), NOW, PAYMENT_CODE);
}

const paidTwoDepartmentBill = (): Bill => applied(issuedTwoDepartmentBill(), aPayment(45_000));

// ---- settings ------------------------------------------------------------------------------------------------

describe('settingsViolations', () => {
  const settings = (overrides: Partial<HallFeeSettings>): HallFeeSettings => ({
    ...defaultSettings(HALL),
    ...overrides,
  });

  it('takes the defaults: one working day, the four signatures of Shifang', () => {
    const defaults = defaultSettings(HALL);
    expect(defaults.assessmentLimitWorkingDays).toBe(1);
    expect(defaults.depositRefundChain.map((s) => s.code)).toEqual([
      'owner',
      'supervisor',
      'responsible_head',
      'principal_head',
    ]);
    expect(settingsViolations(defaults)).toEqual([]);
  });

  it.each([1, 20])('takes an assessment limit of %i working days', (days) => {
    expect(settingsViolations(settings({ assessmentLimitWorkingDays: days }))).toEqual([]);
  });

  it.each([0, 21, 1.5, -1])('refuses an assessment limit of %p working days', (days) => {
    expect(settingsViolations(settings({ assessmentLimitWorkingDays: days }))).toEqual([
      { field: 'settings.assessment_limit_working_days', description: 'must be 1 to 20 working days' },
    ]);
  });

  it('refuses an empty chain, and one of more than 10 signatures', () => {
    expect(settingsViolations(settings({ depositRefundChain: [] }))).toEqual([
      { field: 'settings.deposit_refund_chain', description: 'needs at least one signature' },
    ]);
    const eleven = Array.from({ length: 11 }, (_, i) => ({
      code: `step_${i}`,
      name: `第${i + 1}级签字`,
      staffRole: '',
    }));
    expect(settingsViolations(settings({ depositRefundChain: eleven }))).toEqual([
      { field: 'settings.deposit_refund_chain', description: 'at most 10 signatures' },
    ]);
  });

  it('names each bad step of the chain: its code, a code twice, its name, an unknown role', () => {
    const chain = [
      { code: 'Owner', name: '业主单位签字', staffRole: '' },
      { code: 'head', name: '中心负责人签字', staffRole: 'deputy_leader' },
      { code: 'head', name: '中心主要负责人签字', staffRole: 'principal_leader' },
      { code: 'finance', name: '财', staffRole: 'cashier' },
    ];
    expect(settingsViolations(settings({ depositRefundChain: chain }))).toEqual([
      { field: 'settings.deposit_refund_chain[0].code', description: 'must be 2 to 32 of a-z, 0-9, _' },
      { field: 'settings.deposit_refund_chain[2].code', description: 'head is listed twice' },
      { field: 'settings.deposit_refund_chain[3].name', description: 'must be 2 to 64 characters' },
      {
        field: 'settings.deposit_refund_chain[3].staff_role',
        description: expect.stringMatching(/^must be one of clerk, .*administrator or empty$/) as string,
      },
    ]);
  });

  it('refuses the one-fee lists with an entry twice or not an id, and a split share above 10000', () => {
    expect(
      settingsViolations(
        settings({
          hallId: '',
          oneFeeItemIds: [ITEM_ID, ITEM_ID],
          oneFeeCodes: ['SF-ZJJ-001', 'not a code'],
          revenueSplit: { partnerName: '芝罘区财政局', ownShareBasisPoints: 10_001 },
        }),
      ),
    ).toEqual([
      { field: 'settings.hall_id', description: 'is required' },
      { field: 'settings.one_fee_item_ids[1]', description: `${ITEM_ID} is listed twice` },
      { field: 'settings.one_fee_codes[1]', description: 'is not an id or code' },
      {
        field: 'settings.revenue_split.own_share_basis_points',
        description: 'must be 0 to 10000 basis points',
      },
    ]);
    expect(
      settingsViolations(settings({ revenueSplit: { partnerName: '芝罘区财政局', ownShareBasisPoints: 5000 } })),
    ).toEqual([]);
  });
});

// ---- opening ---------------------------------------------------------------------------------------------------

describe('collectedInOneFee', () => {
  const linked = aFee({ catalogueCode: 'SF-ZJJ-001', oneFee: false });

  it('lets the fee catalogue decide when the scope names no fees', () => {
    expect(collectedInOneFee(inScope(), ITEM_ID, aFee({ oneFee: true }))).toBe(true);
    expect(collectedInOneFee(inScope(), ITEM_ID, aFee({ oneFee: false }))).toBe(false);
  });

  it('collects the fees the list names, by catalogue code or as <item id>/<code>, whatever the flag says', () => {
    expect(collectedInOneFee(inScope(['SF-ZJJ-001']), ITEM_ID, linked)).toBe(true);
    expect(collectedInOneFee(inScope([`${ITEM_ID}/F01`]), ITEM_ID, aFee({ oneFee: false }))).toBe(true);
    // Listed, but for another item.
    expect(collectedInOneFee(inScope(['item-other/F01']), ITEM_ID, aFee({ oneFee: true }))).toBe(false);
    // A list that does not name it: the flag no longer counts.
    expect(
      collectedInOneFee(inScope(['SF-GT-002']), ITEM_ID, aFee({ catalogueCode: 'SF-ZJJ-001', oneFee: true })),
    ).toBe(false);
  });
});

describe('planBills', () => {
  const planning = aFee({
    code: 'F03',
    name: '不动产登记费',
    catalogueCode: 'SF-GT-002',
    receivingDepartmentId: PLANNING,
  });
  const housing = aFee({ catalogueCode: 'SF-ZJJ-001' });

  const feeCodes = (plan: BillPlan) =>
    Object.fromEntries([...plan.parts].map(([department, fees]) => [department, fees.map((f) => f.feeCode)]));

  it('puts the fees the scope lists on the one-fee bill, by department, and bills the rest per department', () => {
    const c = aCase([housing, planning, PER_SQUARE_METRE]);
    const plans = planBills(c, inScope(['SF-ZJJ-001', `${ITEM_ID}/F02`]));
    expect(plans.map((p) => [p.kind, p.openKey, p.title, feeCodes(p)])).toEqual([
      [
        feeV1.BillKind.BILL_KIND_ONE_FEE,
        `project:${HALL}:applicant-1:芝罘区某小区项目`,
        '芝罘区某小区项目',
        { [HOUSING]: ['F01'], [CIVIL_DEFENCE]: ['F02'] },
      ],
      [
        feeV1.BillKind.BILL_KIND_DEPARTMENT,
        `case:case-1:department:${PLANNING}`,
        '建筑工程施工许可',
        { [PLANNING]: ['F03'] },
      ],
    ]);
    const [perUnit] = plans[0]!.parts.get(CIVIL_DEFENCE)!;
    expect(perUnit).toMatchObject({
      caseId: 'case-1',
      kind: feeV1.FeeStandardKind.FEE_STANDARD_KIND_PER_UNIT,
      amountFen: 0,
      unitPriceFen: 350,
      unitName: '平方米',
    });
  });

  it('with an empty fee list, collects the fees the catalogue flags one_fee', () => {
    const plans = planBills(aCase([aFee({ oneFee: true }), { ...planning, oneFee: false }]), inScope());
    expect(plans.map((p) => [p.kind, feeCodes(p)])).toEqual([
      [feeV1.BillKind.BILL_KIND_ONE_FEE, { [HOUSING]: ['F01'] }],
      [feeV1.BillKind.BILL_KIND_DEPARTMENT, { [PLANNING]: ['F03'] }],
    ]);
  });

  it('bills an item outside the scope per receiving department, its flagged fees too', () => {
    const sameDepartment = aFee({ code: 'F04', name: '白蚁防治费', oneFee: true });
    const withoutReceiver = aFee({ code: 'F05', receivingDepartmentId: '' }); // the item's department receives it
    const plans = planBills(
      aCase([{ ...housing, oneFee: true }, planning, sameDepartment, withoutReceiver]),
      defaultSettings(HALL),
    );
    expect(plans.map((p) => [p.kind, p.openKey, feeCodes(p)])).toEqual([
      [feeV1.BillKind.BILL_KIND_DEPARTMENT, `case:case-1:department:${HOUSING}`, { [HOUSING]: ['F01', 'F04', 'F05'] }],
      [feeV1.BillKind.BILL_KIND_DEPARTMENT, `case:case-1:department:${PLANNING}`, { [PLANNING]: ['F03'] }],
    ]);
  });

  it('gives a case without a project name a one-fee bill of its own', () => {
    const [plan] = planBills(aCase([aFee({ oneFee: true })], { projectName: '  ' }), inScope());
    expect(plan).toMatchObject({ openKey: 'case:case-1', title: '建筑工程施工许可' });
  });

  it('opens nothing for a free item, or one without fees', () => {
    const free = aCase([housing]);
    free.item.content!.free = true;
    expect(planBills(free, inScope())).toEqual([]);
    expect(planBills(aCase([]), inScope())).toEqual([]);
    expect(planBills({ ...aCase([]), item: catalogueItemsV1.Item.fromPartial({ id: ITEM_ID }) }, inScope())).toEqual(
      [],
    );
  });
});

describe('addCaseToBill', () => {
  it('opens a bill for the plan, each department a pending part with its due time', () => {
    const bill = oneFeeBill([aFee({ oneFee: true }), PER_SQUARE_METRE]);
    expect(bill).toMatchObject({
      id: 'bill-1',
      number: 'JF370700-20261202-0001',
      hallId: HALL,
      kind: feeV1.BillKind.BILL_KIND_ONE_FEE,
      status: S.BILL_STATUS_ASSESSING,
      title: '芝罘区某小区项目',
      payerId: 'applicant-1',
      payerName: '烟台某建设有限公司',
      caseIds: ['case-1'],
      caseNumbers: ['SL370700-20261202-0001'],
      openedAt: OPENED,
    });
    expect(bill.parts.map((p) => [p.departmentId, p.departmentName, p.status, p.dueAt, p.chargeable.length])).toEqual([
      [HOUSING, '住建局', Part.PART_STATUS_PENDING, DUE, 1],
      [CIVIL_DEFENCE, '人防办', Part.PART_STATUS_PENDING, DUE, 1],
    ]);
  });

  it("puts back to pending the parts a project's joining case gives fees, the others stay confirmed", () => {
    let bill = oneFeeBill([aFee({ oneFee: true }), PER_SQUARE_METRE]);
    bill = assessed(bill, HOUSING, [{}]).bill;
    bill = assessed(bill, CIVIL_DEFENCE, [{ feeCode: 'F02', quantityMilli: 1000 }]).bill;
    expect(bill.status).toBe(S.BILL_STATUS_ASSESSED);

    const second = aCase([aFee({ oneFee: true, amountFen: 20_000 })], {
      caseId: 'case-2',
      caseNumber: 'SL370700-20261202-0002',
    });
    const [plan] = planBills(second, inScope());
    expect(plan!.openKey).toBe(`project:${HALL}:applicant-1:芝罘区某小区项目`);
    const joined = billFor(plan!, second, bill);

    expect(joined.status).toBe(S.BILL_STATUS_ASSESSING);
    expect(joined.caseIds).toEqual(['case-1', 'case-2']);
    expect(joined.caseNumbers).toEqual(['SL370700-20261202-0001', 'SL370700-20261202-0002']);
    expect(
      joined.parts.map((p) => [p.departmentId, p.status, p.chargeable.map((f) => `${f.caseId}/${f.feeCode}`)]),
    ).toEqual([
      [HOUSING, Part.PART_STATUS_PENDING, ['case-1/F01', 'case-2/F01']],
      [CIVIL_DEFENCE, Part.PART_STATUS_CONFIRMED, ['case-1/F02']],
    ]);
    // The lines so far stay until the department confirms again; the bill given is not changed.
    expect(joined.lines).toHaveLength(2);
    expect(bill.caseIds).toEqual(['case-1']);
    expect(bill.parts[0]!.status).toBe(Part.PART_STATUS_CONFIRMED);
    // The same case again adds nothing.
    expect(billFor(plan!, second, joined)).toEqual(joined);
  });
});

// ---- assessment ------------------------------------------------------------------------------------------------

describe('assess', () => {
  it('charges the standard, keeps the upward share (15% of 100.00 = 15.00), and ASSESSES the bill once every part is in', () => {
    let bill = oneFeeBill([
      aFee({ oneFee: true, upwardShareBasisPoints: 1500, upwardBody: '山东省财政厅' }),
      PER_SQUARE_METRE,
    ]);
    const first = assessed(bill, HOUSING, [{}]);
    expect(first.bill.status).toBe(S.BILL_STATUS_ASSESSING);
    expect(first.aboveStandard).toEqual([]);
    expect(first.bill.lines).toEqual([
      expect.objectContaining({
        caseId: 'case-1',
        departmentId: HOUSING,
        feeCode: 'F01',
        standardFen: 10_000,
        chargedFen: 10_000,
        reductionFen: 0,
        aboveStandard: false,
        upwardShareBasisPoints: 1500,
        upwardFen: 1500,
        upwardBody: '山东省财政厅',
        fiscalAccount: '3707000000010001',
      }),
    ]);
    expect(first.bill.parts[0]).toMatchObject({
      status: Part.PART_STATUS_CONFIRMED,
      confirmedAt: NOW,
      confirmedByStaffId: `clerk-${HOUSING}`,
      late: false,
      totalFen: 10_000,
    });
    bill = assessed(first.bill, CIVIL_DEFENCE, [{ feeCode: 'F02', quantityMilli: 123_456 }]).bill;
    expect(bill.status).toBe(S.BILL_STATUS_ASSESSED);
    expect(bill.totalFen).toBe(10_000 + 43_210);
  });

  it('charges a PER_UNIT fee unit price × quantity_milli, rounded half up (3.50 × 0.5 = 1.75; 0.25 × 0.5 = 0.125 → 0.13)', () => {
    const bill = departmentBill([{ ...PER_SQUARE_METRE, receivingDepartmentId: HOUSING }]);
    const line = (quantityMilli: number) => assessed(bill, HOUSING, [{ feeCode: 'F02', quantityMilli }]).bill.lines[0];
    expect(line(500)).toMatchObject({ standardFen: 175, chargedFen: 175, quantityMilli: 500, unitName: '平方米' });
    const cheap = departmentBill([{ ...PER_SQUARE_METRE, receivingDepartmentId: HOUSING, unitPriceFen: 25 }]);
    expect(assessed(cheap, HOUSING, [{ feeCode: 'F02', quantityMilli: 500 }]).bill.lines[0]!.chargedFen).toBe(13);
  });

  it('refuses a PER_UNIT line without a quantity, and a FIXED one with a quantity', () => {
    const bill = departmentBill([aFee(), { ...PER_SQUARE_METRE, receivingDepartmentId: HOUSING }]);
    const error = validationErrorOf(() =>
      assessed(bill, HOUSING, [
        { feeCode: 'F01', quantityMilli: 2 },
        { feeCode: 'F02', quantityMilli: 0 },
      ]),
    );
    expect(error.violations).toEqual([
      { field: 'lines[0].quantity_milli', description: 'must be 0 for a fixed fee' },
      { field: 'lines[1].quantity_milli', description: 'must be the quantity in thousandths of a 平方米, above 0' },
    ]);
  });

  it('refuses a reduction of a fee that is not reducible, and one without a basis', () => {
    const fixed = departmentBill([aFee({ reducible: false })]);
    expect(
      validationErrorOf(() => assessed(fixed, HOUSING, [{ chargedFen: 5_000, reductionBasis: BASIS }])).violations,
    ).toEqual([
      { field: 'lines[0].charged_fen', description: '城市基础设施配套费 may not be reduced or waived: charge 100.00' },
    ]);
    const reducible = departmentBill([aFee({ reducible: true })]);
    expect(
      validationErrorOf(() => assessed(reducible, HOUSING, [{ chargedFen: 0, reductionBasis: '  ' }])).violations,
    ).toEqual([
      {
        field: 'lines[0].reduction_basis',
        description: 'is required to charge less than the standard (减免依据, e.g. 财税〔2016〕79号)',
      },
    ]);
    expect(
      validationErrorOf(() => assessed(reducible, HOUSING, [{ chargedFen: 0, reductionBasis: '依'.repeat(201) }]))
        .violations,
    ).toEqual([{ field: 'lines[0].reduction_basis', description: 'must be at most 200 characters' }]);
  });

  it('records a reduction of a reducible fee with its basis, and an exemption', () => {
    const bill = departmentBill([aFee({ reducible: true, upwardShareBasisPoints: 1500, upwardBody: '山东省财政厅' })]);
    const reduced = assessed(bill, HOUSING, [{ chargedFen: 5_001, reductionBasis: ` ${BASIS} ` }]).bill;
    expect(reduced.lines[0]).toMatchObject({
      standardFen: 10_000,
      chargedFen: 5_001,
      reductionFen: 4_999,
      reductionBasis: BASIS,
      upwardFen: 750, // 750.15 rounds down
    });
    const exempt = assessed(bill, HOUSING, [{ chargedFen: 0, reductionBasis: BASIS }]).bill;
    expect(exempt.lines[0]).toMatchObject({ chargedFen: 0, reductionFen: 10_000, upwardFen: 0 });
    expect(exempt.totalFen).toBe(0);
  });

  it('records a charge above the standard, flags it and reports it', () => {
    const bill = departmentBill([aFee()]);
    const result = assessed(bill, HOUSING, [{ chargedFen: 12_000, reductionBasis: BASIS }]);
    expect(result.bill.lines[0]).toMatchObject({
      standardFen: 10_000,
      chargedFen: 12_000,
      aboveStandard: true,
      reductionFen: 0,
      reductionBasis: '', // no reduction: no basis kept
    });
    expect(result.aboveStandard).toEqual([result.bill.lines[0]]);
  });

  it('refuses a fee the part does not have, and one confirmed twice', () => {
    const bill = departmentBill([aFee()]);
    expect(
      validationErrorOf(() => assessed(bill, HOUSING, [{}, {}, { feeCode: 'F09' }, { caseId: 'case-9' }])).violations,
    ).toEqual([
      { field: 'lines[1].fee_code', description: 'is confirmed twice' },
      { field: 'lines[2].fee_code', description: 'is not a fee of this department for case case-1' },
      { field: 'lines[3].fee_code', description: 'is not a fee of this department for case case-9' },
    ]);
  });

  it("replaces the department's lines as a whole: an empty list says none of its fees applies", () => {
    const bill = departmentBill([aFee()]);
    const once = assessed(bill, HOUSING, [{}]).bill;
    const again = assessed(once, HOUSING, []).bill;
    expect(again.lines).toEqual([]);
    expect(again.totalFen).toBe(0);
    expect(again.parts[0]).toMatchObject({ status: Part.PART_STATUS_CONFIRMED, totalFen: 0 });
    expect(again.status).toBe(S.BILL_STATUS_ASSESSED);
  });

  it('marks a part confirmed after its due time late', () => {
    const bill = departmentBill([aFee()]);
    expect(assessed(bill, HOUSING, [{}], staffOf(HOUSING), DUE).bill.parts[0]!.late).toBe(false);
    const late = new Date(DUE.getTime() + 1);
    expect(assessed(bill, HOUSING, [{}], staffOf(HOUSING), late).bill.parts[0]!.late).toBe(true);
  });

  it('refuses staff of another department, another hall, without a window role, and an issued bill', () => {
    const bill = oneFeeBill([aFee({ oneFee: true }), PER_SQUARE_METRE]);
    expect(() => assessed(bill, HOUSING, [{}], staffOf(CIVIL_DEFENCE))).toThrow(PermissionDeniedError);
    expect(() => assessed(bill, HOUSING, [{}], { ...staffOf(HOUSING), hallId: 'hall-shifang' })).toThrow(
      PermissionDeniedError,
    );
    expect(() => assessed(bill, HOUSING, [{}], staffOf(HOUSING, ['verifier']))).toThrow(PermissionDeniedError);
    expect(validationErrorOf(() => assessed(bill, PLANNING, [{}], staffOf(PLANNING))).violations).toEqual([
      { field: 'department_id', description: 'bill JF370700-20261202-0001 has no fees of this department' },
    ]);
    expect(() => assessed(issuedTwoDepartmentBill(), HOUSING, [{}])).toThrow(
      new PreconditionFailedError('bill JF370700-20261202-0001 is issued: its fees are fixed'),
    );
  });
});

// ---- issue, cancel ---------------------------------------------------------------------------------------------

describe('issue', () => {
  it('issues an assessed bill once, with its payment code', () => {
    const bill = issuedTwoDepartmentBill(true);
    expect(bill).toMatchObject({
      status: S.BILL_STATUS_ISSUED,
      paymentCode: PAYMENT_CODE,
      issuedAt: NOW,
      issuedByStaffId: `clerk-${HOUSING}`,
      allowPartial: true,
      totalFen: 45_000,
    });
    expect(() => issue(bill, false, staffOf(HOUSING), NOW, PAYMENT_CODE)).toThrow(
      'bill JF370700-20261202-0001 was issued at 2026-12-02T03:00:00.000Z (一次性开票: once)',
    );
    // Paid, it still was issued once.
    expect(() => issue(applied(bill, aPayment(45_000)), false, staffOf(HOUSING), NOW, PAYMENT_CODE)).toThrow(
      PreconditionFailedError,
    );
  });

  it('refuses a bill with a part still pending, naming the departments', () => {
    const bill = assessed(
      oneFeeBill([
        aFee({ oneFee: true }),
        PER_SQUARE_METRE,
        { ...aFee({ code: 'F03', oneFee: true }), receivingDepartmentId: PLANNING },
      ]),
      HOUSING,
      [{}],
    ).bill;
    expect(() => issue(bill, false, staffOf(HOUSING), NOW, PAYMENT_CODE)).toThrow(
      new PreconditionFailedError('bill JF370700-20261202-0001: fees not yet confirmed by 人防办、自然资源和规划局'),
    );
  });

  it('settles a bill of 0 at once: EXEMPT, without a payment code', () => {
    const bill = assessed(departmentBill([aFee({ reducible: true })]), HOUSING, [
      { chargedFen: 0, reductionBasis: BASIS },
    ]).bill;
    const exempt = issue(bill, false, staffOf(HOUSING), NOW, PAYMENT_CODE);
    expect(exempt).toMatchObject({ status: S.BILL_STATUS_EXEMPT, paidAt: NOW, paymentCode: '', issuedAt: NOW });
  });

  it('refuses staff without a window role and a cancelled bill', () => {
    const bill = assessed(departmentBill([aFee()]), HOUSING, [{}]).bill;
    expect(() => issue(bill, false, staffOf(HOUSING, ['verifier']), NOW, PAYMENT_CODE)).toThrow(PermissionDeniedError);
    const cancelled = cancel(bill, '申请人撤回申请', DEPUTY, NOW);
    expect(() => issue(cancelled, false, staffOf(HOUSING), NOW, PAYMENT_CODE)).toThrow(
      new PreconditionFailedError('bill JF370700-20261202-0001 is cancelled'),
    );
  });
});

describe('cancel', () => {
  it('cancels an unpaid bill with the reason', () => {
    const cancelled = cancel(issuedTwoDepartmentBill(), '  申请人撤回申请  ', DEPUTY, NOW);
    expect(cancelled).toMatchObject({
      status: S.BILL_STATUS_CANCELLED,
      cancelledAt: NOW,
      cancelReason: '申请人撤回申请',
    });
    expect(() => cancel(cancelled, '重复撤销', DEPUTY, NOW)).toThrow(
      new PreconditionFailedError('bill JF370700-20261202-0001 is already cancelled'),
    );
  });

  it('refuses a reason too short, staff who are not leaders, and a bill with money on it', () => {
    const bill = issuedTwoDepartmentBill(true);
    expect(validationErrorOf(() => cancel(bill, '撤', DEPUTY, NOW)).violations).toEqual([
      { field: 'reason', description: 'must be 2 to 200 characters' },
    ]);
    expect(() => cancel(bill, '申请人撤回申请', staffOf(HOUSING), NOW)).toThrow(PermissionDeniedError);
    const partlyPaid = applied(bill, aPayment(1_000));
    expect(() => cancel(partlyPaid, '申请人撤回申请', DEPUTY, NOW)).toThrow(
      'bill JF370700-20261202-0001 has been paid: refund it instead (RequestRefund)',
    );
    expect(() => cancel(applied(partlyPaid, aPayment(44_000)), '申请人撤回申请', DEPUTY, NOW)).toThrow(
      PreconditionFailedError,
    );
  });
});

// ---- payment ---------------------------------------------------------------------------------------------------

describe('applyPayment', () => {
  it('pays a bill in full at the bank’s time, leaving the bill given as it was', () => {
    const bill = issuedTwoDepartmentBill();
    const payment = aPayment(45_000);
    expect(applyPayment(bill, payment)).toEqual({
      kind: 'applied',
      fullyPaid: true,
      bill: expect.objectContaining({
        status: S.BILL_STATUS_PAID,
        paidFen: 45_000,
        paidAt: payment.paidAt,
        payments: [payment],
      }) as Bill,
    });
    expect(bill).toMatchObject({ status: S.BILL_STATUS_ISSUED, paidFen: 0, payments: [] });
  });

  it('takes the time of recording when the bank gives none', () => {
    const payment = aPayment(45_000, { paidAt: undefined });
    expect(applied(issuedTwoDepartmentBill(), payment).paidAt).toEqual(payment.recordedAt);
  });

  it('refuses less than due without allow_partial, and more than due', () => {
    const bill = issuedTwoDepartmentBill();
    expect(() => applyPayment(bill, aPayment(44_999))).toThrow(
      new PreconditionFailedError(
        'bill JF370700-20261202-0001: 449.99 is less than the 450.00 due and the bill takes no partial payment',
      ),
    );
    expect(() => applyPayment(bill, aPayment(45_001))).toThrow(
      new PreconditionFailedError(
        'bill JF370700-20261202-0001: 450.01 is more than the 450.00 due; the payment is refused',
      ),
    );
  });

  it('takes partial payments where allowed, up to the amount due', () => {
    const first = applyPayment(issuedTwoDepartmentBill(true), aPayment(20_000));
    expect(first).toMatchObject({
      kind: 'applied',
      fullyPaid: false,
      bill: { status: S.BILL_STATUS_PARTLY_PAID, paidFen: 20_000 },
    });
    const partly = (first as { bill: Bill }).bill;
    expect(partly.paidAt).toBeUndefined();
    expect(() => applyPayment(partly, aPayment(25_001))).toThrow('is more than the 250.00 due');
    const rest = applyPayment(partly, aPayment(25_000));
    expect(rest).toMatchObject({
      kind: 'applied',
      fullyPaid: true,
      bill: { status: S.BILL_STATUS_PAID, paidFen: 45_000 },
    });
  });

  it('reports for refund a payment for a cancelled or settled bill', () => {
    const cancelled = cancel(issuedTwoDepartmentBill(), '申请人撤回申请', DEPUTY, NOW);
    expect(applyPayment(cancelled, aPayment(45_000))).toEqual({
      kind: 'refund_required',
      exception: feeV1.PaymentExceptionKind.PAYMENT_EXCEPTION_KIND_BILL_CANCELLED,
      reason:
        'bill JF370700-20261202-0001 was cancelled at 2026-12-02T03:00:00.000Z: the payment is reported for refund',
    });
    const paid = paidTwoDepartmentBill();
    expect(applyPayment(paid, aPayment(45_000))).toMatchObject({
      kind: 'refund_required',
      exception: feeV1.PaymentExceptionKind.PAYMENT_EXCEPTION_KIND_ALREADY_PAID,
    });
    const exempt = issue(
      assessed(departmentBill([aFee({ reducible: true })]), HOUSING, [{ chargedFen: 0, reductionBasis: BASIS }]).bill,
      false,
      staffOf(HOUSING),
      NOW,
      PAYMENT_CODE,
    );
    expect(applyPayment(exempt, aPayment(10_000))).toMatchObject({
      kind: 'refund_required',
      exception: feeV1.PaymentExceptionKind.PAYMENT_EXCEPTION_KIND_ALREADY_PAID,
    });
  });

  it('refuses a payment for a bill not yet issued', () => {
    const assessedBill = assessed(departmentBill([aFee()]), HOUSING, [{}]).bill;
    expect(() => applyPayment(assessedBill, aPayment(10_000))).toThrow(
      new PreconditionFailedError('bill JF370700-20261202-0001 is not issued yet'),
    );
  });
});

describe('receiptsFor', () => {
  it("numbers the applicant's receipt -00 and one per department with money, adding up to the applicant's", () => {
    let bill = oneFeeBill([
      aFee({ oneFee: true, reducible: true }),
      aFee({
        code: 'F03',
        oneFee: true,
        amountFen: 35_000,
        receivingDepartmentId: PLANNING,
        fiscalAccount: '3707000000010002',
      }),
      { ...PER_SQUARE_METRE, reducible: true },
    ]);
    bill = assessed(bill, HOUSING, [{}]).bill;
    bill = assessed(bill, PLANNING, [{ feeCode: 'F03' }]).bill;
    // 人防办 exempt: no money, no receipt.
    bill = assessed(bill, CIVIL_DEFENCE, [
      { feeCode: 'F02', quantityMilli: 1000, chargedFen: 0, reductionBasis: BASIS },
    ]).bill;
    bill = applied(issue(bill, false, staffOf(HOUSING), NOW, PAYMENT_CODE), aPayment(45_000));
    const receipts = receiptsFor(bill, NOW);
    expect(
      receipts.map((r) => [r.number, r.departmentId, r.departmentName, r.fiscalAccount, r.amountFen, r.applicantCopy]),
    ).toEqual([
      ['PJ370700-20261202-0001-00', '', '住建局、自然资源和规划局', '', 45_000, true],
      ['PJ370700-20261202-0001-01', HOUSING, '住建局', '3707000000010001', 10_000, false],
      ['PJ370700-20261202-0001-02', PLANNING, '自然资源和规划局', '3707000000010002', 35_000, false],
    ]);
    const [applicant, ...departments] = receipts;
    expect(departments.reduce((sum, r) => sum + r.amountFen, 0)).toBe(applicant!.amountFen);
    expect(receipts.every((r) => r.issuedAt === NOW)).toBe(true);
  });

  it('gives a department whose fees go to two fiscal accounts one receipt per account', () => {
    let bill = oneFeeBill([
      aFee({ oneFee: true }),
      aFee({ code: 'F03', oneFee: true, amountFen: 35_000, fiscalAccount: '3707000000010009' }),
    ]);
    bill = assessed(bill, HOUSING, [{}, { feeCode: 'F03' }]).bill;
    bill = applied(issue(bill, false, staffOf(HOUSING), NOW, PAYMENT_CODE), aPayment(45_000));
    const receipts = receiptsFor(bill, NOW);
    expect(receipts.map((r) => [r.departmentName, r.fiscalAccount, r.amountFen])).toEqual([
      ['住建局', '', 45_000],
      ['住建局', '3707000000010001', 10_000],
      ['住建局', '3707000000010009', 35_000],
    ]);
  });
});

// ---- refunds ---------------------------------------------------------------------------------------------------

describe('requestRefund and decideRefund', () => {
  const REASON = '审批不予许可，申请退费';
  const ask = (bill: Bill, lineId: string, actor: FeeActor = DEPUTY, id = 'refund-1') =>
    requestRefund(bill, lineId, REASON, actor, NOW, id);
  const withRefund = (bill: Bill, refund: feeV1.Refund): Bill =>
    feeV1.Bill.fromPartial({ ...bill, refunds: [...bill.refunds, refund] });

  it('asks for the whole bill, every line with money left', () => {
    const refund = ask(paidTwoDepartmentBill(), '');
    expect(refund).toMatchObject({
      id: 'refund-1',
      billId: 'bill-1',
      lineId: '',
      amountFen: 45_000,
      reason: REASON,
      status: feeV1.RefundStatus.REFUND_STATUS_REQUESTED,
      requestedByStaffId: 'leader-1',
      requestedAt: NOW,
    });
  });

  it('refunds only a paid bill', () => {
    expect(() => ask(issuedTwoDepartmentBill(), '')).toThrow(
      new PreconditionFailedError('bill JF370700-20261202-0001 is issued: only a paid bill is refunded'),
    );
    expect(() => ask(applied(issuedTwoDepartmentBill(true), aPayment(100)), '')).toThrow('is partly paid: only a paid');
  });

  it("lets staff of the line's department ask for its line, not for another department's or the whole bill", () => {
    const bill = paidTwoDepartmentBill();
    const [housingLine, planningLine] = bill.lines;
    expect(ask(bill, housingLine!.id, staffOf(HOUSING)).amountFen).toBe(10_000);
    expect(() => ask(bill, planningLine!.id, staffOf(HOUSING))).toThrow(PermissionDeniedError);
    expect(() => ask(bill, '', staffOf(HOUSING))).toThrow(PermissionDeniedError);
    expect(ask(bill, planningLine!.id, staffOf(PLANNING)).amountFen).toBe(35_000);
  });

  it('refuses a reason too short, a line not on the bill, and a request overlapping one waiting', () => {
    const bill = paidTwoDepartmentBill();
    expect(validationErrorOf(() => requestRefund(bill, '', '退', DEPUTY, NOW, 'r')).violations).toEqual([
      { field: 'reason', description: 'must be 2 to 200 characters' },
    ]);
    expect(validationErrorOf(() => ask(bill, 'line-unknown')).violations).toEqual([
      { field: 'line_id', description: 'is not a line of bill JF370700-20261202-0001' },
    ]);
    const waiting = withRefund(bill, ask(bill, bill.lines[0]!.id));
    expect(() => ask(waiting, '', DEPUTY, 'refund-2')).toThrow(
      new PreconditionFailedError('refund refund-1 for these lines is waiting for approval'),
    );
    // Another line does not overlap.
    expect(ask(waiting, bill.lines[1]!.id, DEPUTY, 'refund-2').amountFen).toBe(35_000);
  });

  it('needs another leader to decide: not the one who asked, not window staff', () => {
    const bill = paidTwoDepartmentBill();
    const asked = withRefund(bill, ask(bill, ''));
    expect(() => decideRefund(asked, 'refund-1', true, '同意', DEPUTY, NOW)).toThrow(
      new PermissionDeniedError('DecideRefund: the one who asked for a refund cannot approve it'),
    );
    expect(() =>
      decideRefund(asked, 'refund-1', true, '同意', staffOf(HOUSING, ['approver'], 'approver-1'), NOW),
    ).toThrow(PermissionDeniedError);
    expect(validationErrorOf(() => decideRefund(asked, 'refund-9', true, '同意', PRINCIPAL, NOW)).violations).toEqual([
      { field: 'refund_id', description: 'is not a refund of this bill' },
    ]);
  });

  it('refunds one line whole, the bill staying PAID, then the rest, the bill REFUNDED', () => {
    const bill = paidTwoDepartmentBill();
    const housingLine = bill.lines[0]!;
    const first = decideRefund(
      withRefund(bill, ask(bill, housingLine.id)),
      'refund-1',
      true,
      '同意退费',
      PRINCIPAL,
      NOW,
    );
    expect(first.refund).toMatchObject({
      status: feeV1.RefundStatus.REFUND_STATUS_APPROVED,
      decidedByStaffId: 'leader-2',
      decidedAt: NOW,
      opinion: '同意退费',
    });
    expect(first.refundedLines).toEqual([housingLine]);
    expect(first.bill).toMatchObject({ status: S.BILL_STATUS_PAID, refundedFen: 10_000 });
    expect(first.bill.lines.map((l) => l.refundedFen)).toEqual([10_000, 0]);
    expect(() => decideRefund(first.bill, 'refund-1', true, '同意', PRINCIPAL, NOW)).toThrow(
      new PreconditionFailedError('refund refund-1 was already decided'),
    );
    expect(() => ask(first.bill, housingLine.id, DEPUTY, 'refund-2')).toThrow(
      new PreconditionFailedError(`line ${housingLine.id} has nothing left to refund`),
    );

    const rest = ask(first.bill, '', DEPUTY, 'refund-2');
    expect(rest.amountFen).toBe(35_000);
    const second = decideRefund(withRefund(first.bill, rest), 'refund-2', true, '同意', PRINCIPAL, NOW);
    expect(second.refundedLines.map((l) => l.id)).toEqual([bill.lines[1]!.id]);
    expect(second.bill).toMatchObject({ status: S.BILL_STATUS_REFUNDED, refundedFen: 45_000 });
    expect(() => ask(second.bill, '', DEPUTY, 'refund-3')).toThrow('is refunded: only a paid bill is refunded');
  });

  it('rejects with an opinion, refunding nothing', () => {
    const bill = paidTwoDepartmentBill();
    const asked = withRefund(bill, ask(bill, ''));
    expect(validationErrorOf(() => decideRefund(asked, 'refund-1', false, ' ', PRINCIPAL, NOW)).violations).toEqual([
      { field: 'opinion', description: 'must be 2 to 200 characters' },
    ]);
    const rejected = decideRefund(asked, 'refund-1', false, '不符合退费条件', PRINCIPAL, NOW);
    expect(rejected.refund.status).toBe(feeV1.RefundStatus.REFUND_STATUS_REJECTED);
    expect(rejected.refundedLines).toEqual([]);
    expect(rejected.bill).toMatchObject({ status: S.BILL_STATUS_PAID, refundedFen: 0 });
    // No longer waiting: it may be asked again.
    expect(ask(rejected.bill, '', DEPUTY, 'refund-2').amountFen).toBe(45_000);
  });

  it('refuses to approve a request whose amount no longer matches the bill', () => {
    const bill = paidTwoDepartmentBill();
    const stale = withRefund(bill, { ...ask(bill, ''), amountFen: 10_000 });
    expect(() => decideRefund(stale, 'refund-1', true, '同意', PRINCIPAL, NOW)).toThrow(
      'refund refund-1: the bill changed since it was asked; ask again',
    );
  });
});

describe('settledCases', () => {
  const withStatus = (status: feeV1.BillStatus): Bill => feeV1.Bill.fromPartial({ status });

  it('lists the cases whose every bill, cancelled ones aside, is paid or exempt', () => {
    const byCase = new Map<string, Bill[]>([
      ['case-paid', [withStatus(S.BILL_STATUS_PAID), withStatus(S.BILL_STATUS_EXEMPT)]],
      ['case-one-open', [withStatus(S.BILL_STATUS_PAID), withStatus(S.BILL_STATUS_ISSUED)]],
      ['case-cancelled-aside', [withStatus(S.BILL_STATUS_CANCELLED), withStatus(S.BILL_STATUS_PAID)]],
      ['case-only-cancelled', [withStatus(S.BILL_STATUS_CANCELLED)]],
      ['case-partly-paid', [withStatus(S.BILL_STATUS_PARTLY_PAID)]],
      ['case-refunded', [withStatus(S.BILL_STATUS_REFUNDED)]],
      ['case-no-bills', []],
    ]);
    expect(settledCases(byCase)).toEqual(['case-paid', 'case-cancelled-aside']);
  });
});
