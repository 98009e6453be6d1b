import { isIsoDate } from '@govhall/calendar';
import { feeV1 } from '@govhall/contracts';
import {
  PermissionDeniedError,
  PreconditionFailedError,
  ValidationError,
  type FieldViolation,
} from '@govhall/kit/errors';
import { hasAnyRole, requireHall, requireRole, type FeeActor } from './bills';
import { chinaDate } from './ledger';
import { isFen, tenThousandYuan } from './money';

// 履约保证金 (Shifang): held in the fiscal account; paid back only after the works are completed and accepted, on
// the enterprise's application, once every signature of the hall's chain is in, in its order.

export type Deposit = feeV1.Deposit;
const D = feeV1.DepositStatus;
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const DEPOSIT_ROLES = ['administrator', 'deputy_leader', 'principal_leader', 'supervisor'] as const;

const text = (value: string, field: string, min: number, max: number): FieldViolation[] => {
  const n = [...value.trim()].length;
  return n < min || n > max ? [{ field, description: `must be ${min} to ${max} characters` }] : [];
};

export function newDeposit(r: feeV1.RecordDepositRequest, actor: FeeActor, id: string, now: Date): Deposit {
  requireHall(actor, r.hallId, 'RecordDeposit');
  requireRole(actor, DEPOSIT_ROLES, 'RecordDeposit');
  const v: FieldViolation[] = [
    ...text(r.projectName, 'project_name', 2, 100),
    ...text(r.enterpriseName, 'enterprise_name', 2, 100),
  ];
  if (!CREDIT_CODE.test(r.enterpriseCreditCode))
    v.push({ field: 'enterprise_credit_code', description: 'must be an 18-character unified social credit code' });
  if (!isFen(r.amountFen) || r.amountFen === 0)
    v.push({ field: 'amount_fen', description: 'must be whole fen above 0' });
  if (!/^\d{8,32}$/.test(r.fiscalAccount)) v.push({ field: 'fiscal_account', description: 'must be 8 to 32 digits' });
  if (!/^[A-Za-z0-9_-]{6,64}$/.test(r.bankTransactionId))
    v.push({ field: 'bank_transaction_id', description: 'must be 6 to 64 of A-Z a-z 0-9 _ -' });
  ValidationError.throwIfAny(v);
  return feeV1.Deposit.fromPartial({
    id,
    hallId: r.hallId,
    projectName: r.projectName.trim(),
    enterpriseName: r.enterpriseName.trim(),
    enterpriseCreditCode: r.enterpriseCreditCode,
    amountFen: r.amountFen,
    fiscalAccount: r.fiscalAccount,
    bankTransactionId: r.bankTransactionId,
    status: D.DEPOSIT_STATUS_HELD,
    receivedAt: now,
    version: 1,
  });
}

/** The enterprise applies, resting on the acceptance record (竣工验收合格); the hall's chain applies from now. */
export function applyForRefund(
  d: Deposit,
  document: string,
  acceptanceDate: string,
  chain: readonly feeV1.ApprovalStep[],
  actor: FeeActor,
  now: Date,
): Deposit {
  requireHall(actor, d.hallId, 'ApplyDepositRefund');
  if (d.status !== D.DEPOSIT_STATUS_HELD)
    throw new PreconditionFailedError(`deposit ${d.id} is not held (a refund was applied for already)`);
  const v = text(document, 'acceptance_document', 2, 100);
  if (!isIsoDate(acceptanceDate)) v.push({ field: 'acceptance_date', description: 'must be a date, YYYY-MM-DD' });
  else if (acceptanceDate > chinaDate(now))
    v.push({ field: 'acceptance_date', description: 'must not be after today: the works must be accepted first' });
  else if (d.receivedAt && acceptanceDate < chinaDate(d.receivedAt))
    v.push({ field: 'acceptance_date', description: 'is before the deposit was received' });
  ValidationError.throwIfAny(v);
  return feeV1.Deposit.fromPartial({
    ...d,
    status: D.DEPOSIT_STATUS_REFUND_APPLIED,
    acceptanceDocument: document.trim(),
    acceptanceDate,
    appliedAt: now,
    chain: [...chain],
    signatures: [],
    version: d.version + 1,
  });
}

/** The next signature of the chain: staff steps by a staff member of the role, outside ones recorded by staff. */
export function sign(d: Deposit, stepCode: string, signerName: string, actor: FeeActor, now: Date): Deposit {
  requireHall(actor, d.hallId, 'SignDepositRefund');
  if (d.status !== D.DEPOSIT_STATUS_REFUND_APPLIED)
    throw new PreconditionFailedError(
      d.status === D.DEPOSIT_STATUS_HELD
        ? `deposit ${d.id}: no refund has been applied for`
        : `deposit ${d.id}: every signature is in`,
    );
  const next = d.chain[d.signatures.length];
  const step = d.chain.find((s) => s.code === stepCode);
  if (!step)
    throw ValidationError.single('step_code', `is not a step of the chain (${d.chain.map((s) => s.code).join(', ')})`);
  if (step.code !== next?.code)
    throw new PreconditionFailedError(
      d.signatures.some((s) => s.stepCode === stepCode)
        ? `${step.name} is already signed`
        : `signatures go in order: ${next?.name ?? ''} first`,
    );
  let signer = signerName.trim();
  if (step.staffRole) {
    if (!actor.roles.includes(step.staffRole))
      throw new PermissionDeniedError(`${step.name} is signed by staff with the role ${step.staffRole}`);
    signer ||= actor.staffId;
  } else {
    if (!hasAnyRole(actor, DEPOSIT_ROLES) && !actor.roles.includes('clerk'))
      throw new PermissionDeniedError('outside signatures are recorded by centre staff');
    ValidationError.throwIfAny(text(signer, 'signer_name', 2, 50));
  }
  const signed = feeV1.Deposit.fromPartial({
    ...d,
    signatures: [
      ...d.signatures,
      { stepCode: step.code, stepName: step.name, signerName: signer, recordedByStaffId: actor.staffId, signedAt: now },
    ],
    version: d.version + 1,
  });
  if (signed.signatures.length === signed.chain.length) signed.status = D.DEPOSIT_STATUS_APPROVED;
  return signed;
}

export function refund(d: Deposit, actor: FeeActor, now: Date): Deposit {
  requireHall(actor, d.hallId, 'RefundDeposit');
  requireRole(actor, DEPOSIT_ROLES, 'RefundDeposit');
  if (d.status === D.DEPOSIT_STATUS_REFUNDED) throw new PreconditionFailedError(`deposit ${d.id} was refunded already`);
  if (d.status !== D.DEPOSIT_STATUS_APPROVED) {
    const missing =
      d.status === D.DEPOSIT_STATUS_HELD
        ? ["the enterprise's application"]
        : d.chain.slice(d.signatures.length).map((s) => s.name);
    throw new PreconditionFailedError(`deposit ${d.id} cannot be refunded yet: missing ${missing.join('、')}`);
  }
  return feeV1.Deposit.fromPartial({
    ...d,
    status: D.DEPOSIT_STATUS_REFUNDED,
    refundedAt: now,
    version: d.version + 1,
  });
}

export interface DepositTotals {
  readonly heldCount: number;
  readonly heldFen: number;
  readonly refundedCount: number;
  readonly refundedFen: number;
  readonly pendingCount: number;
  readonly pendingFen: number;
}

/** 在账履约保证金12宗86.20万元，已退还63宗549.41万元 (pending ones are still held in the account). */
export function depositSummary(t: DepositTotals): string {
  const held = t.heldCount + t.pendingCount;
  return `在账履约保证金${held}宗${tenThousandYuan(t.heldFen + t.pendingFen)}万元（其中退还审批中${t.pendingCount}宗），已退还${t.refundedCount}宗${tenThousandYuan(t.refundedFen)}万元`;
}
