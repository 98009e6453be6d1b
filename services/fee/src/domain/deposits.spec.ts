import { feeV1 } from '@govhall/contracts';
import { PermissionDeniedError, PreconditionFailedError, ValidationError } from '@govhall/kit/errors';
import { DEFAULT_DEPOSIT_CHAIN, type FeeActor } from './bills';
import { applyForRefund, depositSummary, newDeposit, refund, sign, type Deposit } from './deposits';
import { MAX_AMOUNT_FEN } from './money';

const D = feeV1.DepositStatus;
const HALL = 'hall-shifang';
// 2026-03-16 09:30 in China.
const RECEIVED_AT = new Date('2026-03-16T01:30:00Z');
// 2026-12-02 00:30 in China, still 1 December in UTC.
const NOW = new Date('2026-12-01T16:30:00Z');
const CREDIT_CODE = '91510682MA6BX4U8R2';
const DOCUMENT = '竣工验收合格证明 SF-2026-118';

const actor = (roles: string[], staffId = `staff-${roles.join('-')}`): FeeActor => ({
  staffId,
  roles,
  departmentId: 'dept-centre',
  hallId: HALL,
});
const ADMINISTRATOR = actor(['administrator'], 'admin-1');
const CLERK = actor(['clerk'], 'clerk-1');
const DEPUTY = actor(['deputy_leader'], 'deputy-1');
const PRINCIPAL = actor(['principal_leader'], 'principal-1');

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

function aRequest(overrides: Partial<feeV1.RecordDepositRequest> = {}): feeV1.RecordDepositRequest {
  return feeV1.RecordDepositRequest.fromPartial({
    requestId: 'req-1',
    hallId: HALL,
    projectName: '什邡市某安置小区项目',
    enterpriseName: '四川某建设工程有限公司',
    enterpriseCreditCode: CREDIT_CODE,
    amountFen: 862_000,
    fiscalAccount: '5106820000010001',
    bankTransactionId: 'DEP20260316001',
    ...overrides,
  });
}

const held = (): Deposit => newDeposit(aRequest(), ADMINISTRATOR, 'dep-1', RECEIVED_AT);
const applied = (): Deposit => applyForRefund(held(), DOCUMENT, '2026-11-20', DEFAULT_DEPOSIT_CHAIN, CLERK, NOW);

describe('newDeposit', () => {
  it('holds a deposit, its names trimmed', () => {
    const d = newDeposit(
      aRequest({ projectName: ' 什邡市某安置小区项目 ', enterpriseName: '四川某建设工程有限公司 ' }),
      ADMINISTRATOR,
      'dep-1',
      RECEIVED_AT,
    );
    expect(d).toMatchObject({
      id: 'dep-1',
      hallId: HALL,
      projectName: '什邡市某安置小区项目',
      enterpriseName: '四川某建设工程有限公司',
      enterpriseCreditCode: CREDIT_CODE,
      amountFen: 862_000,
      fiscalAccount: '5106820000010001',
      bankTransactionId: 'DEP20260316001',
      status: D.DEPOSIT_STATUS_HELD,
      receivedAt: RECEIVED_AT,
      chain: [],
      signatures: [],
      version: 1,
    });
  });

  it.each([
    ['17 characters', CREDIT_CODE.slice(0, 17)],
    ['19 characters', `${CREDIT_CODE}0`],
    ['lower case', CREDIT_CODE.toLowerCase()],
    ['an I (never used in a credit code)', '91510682MA6BX4U8RI'],
    ['an O', '91510682MA6BX4U8RO'],
    ['letters where the division code goes', '91ABCDEFMA6BX4U8R2'],
    ['spaces', ` ${CREDIT_CODE.slice(1)}`],
  ])('refuses a credit code of %s', (_, code) => {
    expect(
      validationErrorOf(() => newDeposit(aRequest({ enterpriseCreditCode: code }), ADMINISTRATOR, 'd', NOW)).violations,
    ).toEqual([{ field: 'enterprise_credit_code', description: 'must be an 18-character unified social credit code' }]);
  });

  it.each([0, -100, 0.5, 8620.5, MAX_AMOUNT_FEN + 1, Number.NaN])('refuses an amount of %p fen', (amountFen) => {
    expect(validationErrorOf(() => newDeposit(aRequest({ amountFen }), ADMINISTRATOR, 'd', NOW)).violations).toEqual([
      { field: 'amount_fen', description: 'must be whole fen above 0' },
    ]);
  });

  it('names every bad field at once', () => {
    const request = aRequest({
      projectName: '项',
      enterpriseName: '',
      fiscalAccount: '5106-8200',
      bankTransactionId: 'TX 1',
    });
    expect(validationErrorOf(() => newDeposit(request, ADMINISTRATOR, 'd', NOW)).violations).toEqual([
      { field: 'project_name', description: 'must be 2 to 100 characters' },
      { field: 'enterprise_name', description: 'must be 2 to 100 characters' },
      { field: 'fiscal_account', description: 'must be 8 to 32 digits' },
      { field: 'bank_transaction_id', description: 'must be 6 to 64 of A-Z a-z 0-9 _ -' },
    ]);
  });

  it('is recorded by the finance roles of the hall only', () => {
    expect(() => newDeposit(aRequest(), CLERK, 'd', NOW)).toThrow(PermissionDeniedError);
    expect(() => newDeposit(aRequest(), { ...ADMINISTRATOR, hallId: 'hall-zhaoyuan' }, 'd', NOW)).toThrow(
      PermissionDeniedError,
    );
    for (const role of ['administrator', 'supervisor', 'deputy_leader', 'principal_leader'])
      expect(newDeposit(aRequest(), actor([role]), 'd', NOW).status).toBe(D.DEPOSIT_STATUS_HELD);
  });
});

describe('applyForRefund', () => {
  it('copies the chain as it is now and waits for the signatures', () => {
    const d = applyForRefund(held(), ` ${DOCUMENT} `, '2026-11-20', DEFAULT_DEPOSIT_CHAIN, CLERK, NOW);
    expect(d).toMatchObject({
      status: D.DEPOSIT_STATUS_REFUND_APPLIED,
      acceptanceDocument: DOCUMENT,
      acceptanceDate: '2026-11-20',
      appliedAt: NOW,
      chain: DEFAULT_DEPOSIT_CHAIN,
      signatures: [],
      version: 2,
    });
  });

  it("takes today in China (after midnight there, while UTC is still yesterday) and the deposit's own day", () => {
    expect(applyForRefund(held(), DOCUMENT, '2026-12-02', DEFAULT_DEPOSIT_CHAIN, CLERK, NOW).acceptanceDate).toBe(
      '2026-12-02',
    );
    expect(applyForRefund(held(), DOCUMENT, '2026-03-16', DEFAULT_DEPOSIT_CHAIN, CLERK, NOW).acceptanceDate).toBe(
      '2026-03-16',
    );
  });

  it.each<[string, string]>([
    ['2026-12-03', 'must not be after today: the works must be accepted first'],
    ['2026-03-15', 'is before the deposit was received'],
    ['2026/11/20', 'must be a date, YYYY-MM-DD'],
    ['2026-13-01', 'must be a date, YYYY-MM-DD'],
    ['2026-02-30', 'must be a date, YYYY-MM-DD'],
    ['2026-11-31', 'must be a date, YYYY-MM-DD'],
    ['20261120', 'must be a date, YYYY-MM-DD'],
    ['', 'must be a date, YYYY-MM-DD'],
  ])('refuses an acceptance date of %p', (date, description) => {
    expect(
      validationErrorOf(() => applyForRefund(held(), DOCUMENT, date, DEFAULT_DEPOSIT_CHAIN, CLERK, NOW)).violations,
    ).toEqual([{ field: 'acceptance_date', description }]);
  });

  it('refuses a missing acceptance record, another hall, and a second application', () => {
    expect(
      validationErrorOf(() => applyForRefund(held(), ' ', '2026-11-20', DEFAULT_DEPOSIT_CHAIN, CLERK, NOW)).violations,
    ).toEqual([{ field: 'acceptance_document', description: 'must be 2 to 100 characters' }]);
    expect(() =>
      applyForRefund(held(), DOCUMENT, '2026-11-20', DEFAULT_DEPOSIT_CHAIN, { ...CLERK, hallId: 'hall-zhaoyuan' }, NOW),
    ).toThrow(PermissionDeniedError);
    expect(() => applyForRefund(applied(), DOCUMENT, '2026-11-20', DEFAULT_DEPOSIT_CHAIN, CLERK, NOW)).toThrow(
      new PreconditionFailedError('deposit dep-1 is not held (a refund was applied for already)'),
    );
  });
});

describe('sign', () => {
  it('takes the signatures in the order of the chain, the last one approving', () => {
    let d = sign(applied(), 'owner', ' 王建国 ', CLERK, NOW);
    expect(d.status).toBe(D.DEPOSIT_STATUS_REFUND_APPLIED);
    d = sign(d, 'supervisor', '李明', ADMINISTRATOR, NOW);
    d = sign(d, 'responsible_head', '', DEPUTY, NOW);
    expect(d.status).toBe(D.DEPOSIT_STATUS_REFUND_APPLIED);
    d = sign(d, 'principal_head', '', PRINCIPAL, NOW);
    expect(d.status).toBe(D.DEPOSIT_STATUS_APPROVED);
    expect(d.version).toBe(6);
    expect(d.signatures.map((s) => [s.stepCode, s.stepName, s.signerName, s.recordedByStaffId])).toEqual([
      ['owner', '业主单位主要负责人签字盖章', '王建国', 'clerk-1'],
      ['supervisor', '监理单位主要负责人签字盖章', '李明', 'admin-1'],
      // A staff step signed in person: the signer is the staff member.
      ['responsible_head', '中心具体负责人签字', 'deputy-1', 'deputy-1'],
      ['principal_head', '中心主要负责人签字确定', 'principal-1', 'principal-1'],
    ]);
    expect(() => sign(d, 'principal_head', '', PRINCIPAL, NOW)).toThrow(
      new PreconditionFailedError('deposit dep-1: every signature is in'),
    );
  });

  it('refuses a step out of order, one signed already, and one not of the chain', () => {
    expect(() => sign(applied(), 'supervisor', '李明', CLERK, NOW)).toThrow(
      new PreconditionFailedError('signatures go in order: 业主单位主要负责人签字盖章 first'),
    );
    expect(() => sign(applied(), 'principal_head', '', PRINCIPAL, NOW)).toThrow(PreconditionFailedError);
    const owner = sign(applied(), 'owner', '王建国', CLERK, NOW);
    expect(() => sign(owner, 'owner', '王建国', CLERK, NOW)).toThrow(
      new PreconditionFailedError('业主单位主要负责人签字盖章 is already signed'),
    );
    expect(validationErrorOf(() => sign(owner, 'cashier', '张三', CLERK, NOW)).violations).toEqual([
      {
        field: 'step_code',
        description: 'is not a step of the chain (owner, supervisor, responsible_head, principal_head)',
      },
    ]);
  });

  it('has a staff step signed by staff of its role only', () => {
    const outsideDone = sign(sign(applied(), 'owner', '王建国', CLERK, NOW), 'supervisor', '李明', CLERK, NOW);
    expect(() => sign(outsideDone, 'responsible_head', '', PRINCIPAL, NOW)).toThrow(
      new PermissionDeniedError('中心具体负责人签字 is signed by staff with the role deputy_leader'),
    );
    expect(() => sign(outsideDone, 'responsible_head', '', CLERK, NOW)).toThrow(PermissionDeniedError);
    expect(sign(outsideDone, 'responsible_head', '', DEPUTY, NOW).signatures).toHaveLength(3);
  });

  it("records an outside step by centre staff, with the signer's name", () => {
    expect(() => sign(applied(), 'owner', '王建国', actor(['verifier']), NOW)).toThrow(
      new PermissionDeniedError('outside signatures are recorded by centre staff'),
    );
    expect(validationErrorOf(() => sign(applied(), 'owner', ' 王 ', CLERK, NOW)).violations).toEqual([
      { field: 'signer_name', description: 'must be 2 to 50 characters' },
    ]);
    expect(validationErrorOf(() => sign(applied(), 'owner', '', DEPUTY, NOW)).violations).toEqual([
      { field: 'signer_name', description: 'must be 2 to 50 characters' },
    ]);
  });

  it('refuses to sign before the application and in another hall', () => {
    expect(() => sign(held(), 'owner', '王建国', CLERK, NOW)).toThrow(
      new PreconditionFailedError('deposit dep-1: no refund has been applied for'),
    );
    expect(() => sign(applied(), 'owner', '王建国', { ...CLERK, hallId: 'hall-zhaoyuan' }, NOW)).toThrow(
      PermissionDeniedError,
    );
  });
});

describe('refund', () => {
  const approved = (): Deposit => {
    let d = sign(applied(), 'owner', '王建国', CLERK, NOW);
    d = sign(d, 'supervisor', '李明', CLERK, NOW);
    d = sign(d, 'responsible_head', '', DEPUTY, NOW);
    return sign(d, 'principal_head', '', PRINCIPAL, NOW);
  };

  it('names what is missing until every signature is in', () => {
    expect(() => refund(held(), ADMINISTRATOR, NOW)).toThrow(
      new PreconditionFailedError("deposit dep-1 cannot be refunded yet: missing the enterprise's application"),
    );
    const twoSigned = sign(sign(applied(), 'owner', '王建国', CLERK, NOW), 'supervisor', '李明', CLERK, NOW);
    expect(() => refund(twoSigned, ADMINISTRATOR, NOW)).toThrow(
      new PreconditionFailedError(
        'deposit dep-1 cannot be refunded yet: missing 中心具体负责人签字、中心主要负责人签字确定',
      ),
    );
  });

  it('refunds an approved deposit once, by the finance roles', () => {
    const d = approved();
    expect(() => refund(d, CLERK, NOW)).toThrow(PermissionDeniedError);
    const refunded = refund(d, ADMINISTRATOR, NOW);
    expect(refunded).toMatchObject({ status: D.DEPOSIT_STATUS_REFUNDED, refundedAt: NOW, version: d.version + 1 });
    expect(() => refund(refunded, ADMINISTRATOR, NOW)).toThrow(
      new PreconditionFailedError('deposit dep-1 was refunded already'),
    );
  });
});

describe('depositSummary', () => {
  it('writes the report line in 万元, the deposits awaiting refund still in the account', () => {
    expect(
      depositSummary({
        heldCount: 10,
        heldFen: 66_200_000,
        pendingCount: 2,
        pendingFen: 20_000_000,
        refundedCount: 63,
        refundedFen: 549_410_000,
      }),
    ).toBe('在账履约保证金12宗86.20万元（其中退还审批中2宗），已退还63宗549.41万元');
  });

  it('writes zeros as 0.00万元', () => {
    expect(
      depositSummary({ heldCount: 0, heldFen: 0, pendingCount: 0, pendingFen: 0, refundedCount: 0, refundedFen: 0 }),
    ).toBe('在账履约保证金0宗0.00万元（其中退还审批中0宗），已退还0宗0.00万元');
  });
});
