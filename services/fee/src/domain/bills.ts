import { catalogueItemsV1, feeV1 } from '@govhall/contracts';
import {
  PermissionDeniedError,
  PreconditionFailedError,
  ValidationError,
  type FieldViolation,
} from '@govhall/kit/errors';
import { isFen, MAX_AMOUNT_FEN, perUnitFen, shareFen, yuan } from './money';

// The fee service works on the contract messages directly (docs/adr/0017): a bill is the `Bill` message of
// fee.proto, changed by the pure functions here, which return what the store must write besides it (ledger
// movements, events). Nothing here does I/O.

export type Bill = feeV1.Bill;
export type BillLine = feeV1.BillLine;
export type BillPart = feeV1.BillPart;
export type ChargeableFee = feeV1.ChargeableFee;
export type HallFeeSettings = feeV1.HallFeeSettings;
const S = feeV1.BillStatus;
export const BillStatus = S;

/** The person acting, from the verified token. */
export interface FeeActor {
  readonly staffId: string;
  readonly roles: readonly string[];
  readonly departmentId: string;
  readonly hallId: string;
}

/** Roles that may confirm a department's fees and issue bills (the department's window staff). */
export const WINDOW_ROLES = ['clerk', 'reviewer', 'approver', 'chief_representative'] as const;
/** Roles that may cancel bills and approve refunds. */
export const LEADER_ROLES = ['chief_representative', 'deputy_leader', 'principal_leader', 'administrator'] as const;
/** Roles that see the money of the whole hall: settlement, reconciliation, the ledger, exceptions. */
export const FINANCE_ROLES = ['administrator', 'supervisor', 'deputy_leader', 'principal_leader'] as const;

export function hasAnyRole(actor: FeeActor, roles: readonly string[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

export function requireRole(actor: FeeActor, roles: readonly string[], what: string): void {
  if (!hasAnyRole(actor, roles))
    throw new PermissionDeniedError(`${what} requires one of the roles ${roles.join(', ')}`);
}

/** Staff act on the bills of their own hall only. */
export function requireHall(actor: FeeActor, hallId: string, what: string): void {
  if (actor.hallId !== hallId) throw new PermissionDeniedError(`${what}: the bill belongs to another hall`);
}

// ---- settings ------------------------------------------------------------------------------------------------

/** Shifang's chain (《履约保证金支付制度》): the owner, the supervisor, the centre's responsible and principal heads. */
export const DEFAULT_DEPOSIT_CHAIN: readonly feeV1.ApprovalStep[] = [
  { code: 'owner', name: '业主单位主要负责人签字盖章', staffRole: '' },
  { code: 'supervisor', name: '监理单位主要负责人签字盖章', staffRole: '' },
  { code: 'responsible_head', name: '中心具体负责人签字', staffRole: 'deputy_leader' },
  { code: 'principal_head', name: '中心主要负责人签字确定', staffRole: 'principal_leader' },
];

export function defaultSettings(hallId: string): HallFeeSettings {
  return feeV1.HallFeeSettings.fromPartial({
    hallId,
    oneFeeItemIds: [],
    oneFeeCodes: [],
    assessmentLimitWorkingDays: 1,
    depositRefundChain: [...DEFAULT_DEPOSIT_CHAIN],
    version: 0,
  });
}

const STEP_CODE = /^[a-z][a-z0-9_]{1,31}$/;
const FEE_CODE = /^[A-Za-z0-9._:/-]{1,160}$/;
const STAFF_ROLES = [
  'clerk',
  'reviewer',
  'verifier',
  'approver',
  'chief_representative',
  'deputy_leader',
  'principal_leader',
  'supervisor',
  'administrator',
];

function textViolation(value: string, field: string, min: number, max: number): FieldViolation[] {
  const length = [...value.trim()].length;
  if (length < min || length > max) return [{ field, description: `must be ${min} to ${max} characters` }];
  return [];
}

export function settingsViolations(s: HallFeeSettings): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (!s.hallId) v.push({ field: 'settings.hall_id', description: 'is required' });
  const unique = (list: readonly string[], field: string, pattern: RegExp) => {
    const seen = new Set<string>();
    list.forEach((value, i) => {
      if (!pattern.test(value)) v.push({ field: `${field}[${i}]`, description: 'is not an id or code' });
      else if (seen.has(value)) v.push({ field: `${field}[${i}]`, description: `${value} is listed twice` });
      seen.add(value);
    });
  };
  unique(s.oneFeeItemIds, 'settings.one_fee_item_ids', /^[A-Za-z0-9._:-]{1,128}$/);
  unique(s.oneFeeCodes, 'settings.one_fee_codes', FEE_CODE);
  if (
    !Number.isInteger(s.assessmentLimitWorkingDays) ||
    s.assessmentLimitWorkingDays < 1 ||
    s.assessmentLimitWorkingDays > 20
  )
    v.push({ field: 'settings.assessment_limit_working_days', description: 'must be 1 to 20 working days' });
  const split = s.revenueSplit;
  if (split && (split.partnerName || split.ownShareBasisPoints)) {
    v.push(...textViolation(split.partnerName, 'settings.revenue_split.partner_name', 2, 64));
    if (
      !Number.isInteger(split.ownShareBasisPoints) ||
      split.ownShareBasisPoints < 0 ||
      split.ownShareBasisPoints > 10_000
    )
      v.push({
        field: 'settings.revenue_split.own_share_basis_points',
        description: 'must be 0 to 10000 basis points',
      });
  }
  if (s.depositRefundChain.length === 0)
    v.push({ field: 'settings.deposit_refund_chain', description: 'needs at least one signature' });
  const codes = new Set<string>();
  s.depositRefundChain.forEach((step, i) => {
    const f = `settings.deposit_refund_chain[${i}]`;
    if (!STEP_CODE.test(step.code)) v.push({ field: `${f}.code`, description: 'must be 2 to 32 of a-z, 0-9, _' });
    else if (codes.has(step.code)) v.push({ field: `${f}.code`, description: `${step.code} is listed twice` });
    codes.add(step.code);
    v.push(...textViolation(step.name, `${f}.name`, 2, 64));
    if (step.staffRole && !STAFF_ROLES.includes(step.staffRole))
      v.push({ field: `${f}.staff_role`, description: `must be one of ${STAFF_ROLES.join(', ')} or empty` });
  });
  if (s.depositRefundChain.length > 10)
    v.push({ field: 'settings.deposit_refund_chain', description: 'at most 10 signatures' });
  return v;
}

// ---- opening: which bills a case needs ------------------------------------------------------------------------

/** What intake's acceptance says of a case (intake.application.accepted / completed_immediately). */
export interface AcceptedCase {
  readonly caseId: string;
  readonly caseNumber: string;
  readonly hallId: string;
  readonly applicantId: string;
  readonly applicantName: string;
  readonly projectName: string;
  readonly acceptedAt: Date;
  /** The item version pinned at registration, whole. */
  readonly item: catalogueItemsV1.Item;
}

/** One bill a case needs: a consolidated one-fee bill (joined by the project's other cases) or a department's. */
export interface BillPlan {
  readonly kind: feeV1.BillKind;
  /** Cases with the same key join one bill while it is being assessed. */
  readonly openKey: string;
  readonly title: string;
  /** Chargeable fees by receiving department. */
  readonly parts: ReadonlyMap<string, readonly ChargeableFee[]>;
}

function chargeableOf(caseId: string, f: catalogueItemsV1.FeeItem): ChargeableFee {
  const perUnit = f.kind === catalogueItemsV1.FeeKind.FEE_KIND_PER_UNIT;
  return feeV1.ChargeableFee.fromPartial({
    caseId,
    feeCode: f.code,
    name: f.name,
    catalogueCode: f.catalogueCode,
    kind: perUnit ? feeV1.FeeStandardKind.FEE_STANDARD_KIND_PER_UNIT : feeV1.FeeStandardKind.FEE_STANDARD_KIND_FIXED,
    amountFen: perUnit ? 0 : f.amountFen,
    unitPriceFen: perUnit ? f.unitPriceFen : 0,
    unitName: perUnit ? f.unitName : '',
    legalBasis: f.legalBasis,
    reducible: f.reducible,
    reductionBasis: f.reductionBasis,
    fiscalAccount: f.fiscalAccount,
    upwardShareBasisPoints: f.upwardShareBasisPoints,
    upwardBody: f.upwardBody,
  });
}

/**
 * Whether a fee item of a case in the one-fee scope is collected on the consolidated bill: the scope's fee list
 * names it (by fee catalogue code, or as <item id>/<code>); with no list, the fee catalogue's one-fee flag decides.
 */
export function collectedInOneFee(settings: HallFeeSettings, itemId: string, fee: catalogueItemsV1.FeeItem): boolean {
  if (settings.oneFeeCodes.length === 0) return fee.oneFee;
  return (
    (fee.catalogueCode !== '' && settings.oneFeeCodes.includes(fee.catalogueCode)) ||
    settings.oneFeeCodes.includes(`${itemId}/${fee.code}`)
  );
}

/**
 * The bills a newly accepted case needs (none for a free item). A case of an item in the hall's one-fee scope
 * puts the fees of the scope's list on the hall's consolidated bill, shared by the project's cases (same
 * applicant and project name); every other fee is billed per case by its receiving department.
 */
export function planBills(c: AcceptedCase, settings: HallFeeSettings): BillPlan[] {
  const content = c.item.content;
  if (!content || content.free || content.feeItems.length === 0) return [];
  const inScope = settings.oneFeeItemIds.includes(c.item.id);
  const oneFee = new Map<string, ChargeableFee[]>();
  const perDepartment = new Map<string, ChargeableFee[]>();
  for (const fee of content.feeItems) {
    const department = fee.receivingDepartmentId || content.departmentId;
    const target = inScope && collectedInOneFee(settings, c.item.id, fee) ? oneFee : perDepartment;
    target.set(department, [...(target.get(department) ?? []), chargeableOf(c.caseId, fee)]);
  }
  const plans: BillPlan[] = [];
  if (oneFee.size > 0) {
    const project = c.projectName.trim();
    plans.push({
      kind: feeV1.BillKind.BILL_KIND_ONE_FEE,
      openKey: project ? `project:${c.hallId}:${c.applicantId}:${project}` : `case:${c.caseId}`,
      title: project || content.name,
      parts: oneFee,
    });
  }
  for (const [department, fees] of perDepartment) {
    plans.push({
      kind: feeV1.BillKind.BILL_KIND_DEPARTMENT,
      openKey: `case:${c.caseId}:department:${department}`,
      title: content.name,
      parts: new Map([[department, fees]]),
    });
  }
  return plans;
}

/** A new bill for a plan, or the open one of its key with the case's fees added (its parts to confirm again). */
export function addCaseToBill(
  bill: Bill | undefined,
  plan: BillPlan,
  c: AcceptedCase,
  fresh: { id: string; number: string; now: Date },
  partFacts: (departmentId: string) => { name: string; dueAt: Date },
): Bill {
  const next: Bill =
    bill !== undefined
      ? feeV1.Bill.fromPartial(bill)
      : feeV1.Bill.fromPartial({
          id: fresh.id,
          number: fresh.number,
          hallId: c.hallId,
          kind: plan.kind,
          status: S.BILL_STATUS_ASSESSING,
          title: plan.title,
          payerId: c.applicantId,
          payerName: c.applicantName,
          openedAt: fresh.now,
          version: 0,
        });
  if (next.caseIds.includes(c.caseId)) return next;
  next.caseIds.push(c.caseId);
  next.caseNumbers.push(c.caseNumber);
  for (const [departmentId, fees] of plan.parts) {
    let part = next.parts.find((p) => p.departmentId === departmentId);
    if (!part) {
      const facts = partFacts(departmentId);
      part = feeV1.BillPart.fromPartial({
        departmentId,
        departmentName: facts.name,
        status: feeV1.PartStatus.PART_STATUS_PENDING,
        dueAt: facts.dueAt,
      });
      next.parts.push(part);
    }
    part.chargeable.push(...fees);
    // New fees to confirm: the department confirms its part again (its lines so far stay until it does).
    part.status = feeV1.PartStatus.PART_STATUS_PENDING;
  }
  next.status = S.BILL_STATUS_ASSESSING;
  return next;
}

// ---- assessment ------------------------------------------------------------------------------------------------

export interface AssessmentResult {
  readonly bill: Bill;
  /** Lines confirmed above the published standard (a rule breach to report). */
  readonly aboveStandard: readonly BillLine[];
}

const NOT_YET_ISSUED = [S.BILL_STATUS_ASSESSING, S.BILL_STATUS_ASSESSED];

/** What the standard gives for a line: FIXED amount, or unit price × quantity. */
export function standardFen(fee: ChargeableFee, quantityMilli: number): number {
  return fee.kind === feeV1.FeeStandardKind.FEE_STANDARD_KIND_PER_UNIT
    ? perUnitFen(fee.unitPriceFen, quantityMilli)
    : fee.amountFen;
}

/**
 * A department confirms its part (核定): the lines that apply, each at the standard, reduced or exempt (only
 * where the fee allows it and with the basis), or above it (recorded and reported). The department's lines are
 * replaced as a whole; once every part is in, the bill is ASSESSED.
 */
export function assess(
  bill: Bill,
  departmentId: string,
  lines: readonly feeV1.AssessedLine[],
  actor: FeeActor,
  now: Date,
  newLineId: () => string,
): AssessmentResult {
  requireHall(actor, bill.hallId, 'AssessFees');
  if (actor.departmentId !== departmentId)
    throw new PermissionDeniedError(`AssessFees: only staff of department ${departmentId} confirm its fees`);
  requireRole(actor, WINDOW_ROLES, 'AssessFees');
  if (!NOT_YET_ISSUED.includes(bill.status))
    throw new PreconditionFailedError(`bill ${bill.number} is ${statusName(bill.status)}: its fees are fixed`);
  const part = bill.parts.find((p) => p.departmentId === departmentId);
  if (!part) throw ValidationError.single('department_id', `bill ${bill.number} has no fees of this department`);

  const violations: FieldViolation[] = [];
  const seen = new Set<string>();
  const confirmed: BillLine[] = [];
  lines.forEach((l, i) => {
    const f = `lines[${i}]`;
    const fee = part.chargeable.find((c) => c.caseId === l.caseId && c.feeCode === l.feeCode);
    if (!fee) {
      violations.push({ field: `${f}.fee_code`, description: `is not a fee of this department for case ${l.caseId}` });
      return;
    }
    const key = `${l.caseId}/${l.feeCode}`;
    if (seen.has(key)) {
      violations.push({ field: `${f}.fee_code`, description: 'is confirmed twice' });
      return;
    }
    seen.add(key);
    const perUnit = fee.kind === feeV1.FeeStandardKind.FEE_STANDARD_KIND_PER_UNIT;
    if (perUnit && !(Number.isSafeInteger(l.quantityMilli) && l.quantityMilli > 0 && l.quantityMilli <= MAX_AMOUNT_FEN))
      violations.push({
        field: `${f}.quantity_milli`,
        description: `must be the quantity in thousandths of a ${fee.unitName}, above 0`,
      });
    if (!perUnit && l.quantityMilli !== 0)
      violations.push({ field: `${f}.quantity_milli`, description: 'must be 0 for a fixed fee' });
    const quantityOk = !perUnit || (Number.isSafeInteger(l.quantityMilli) && l.quantityMilli > 0);
    if (!quantityOk) return;
    const standard = standardFen(fee, perUnit ? l.quantityMilli : 0);
    if (!isFen(standard)) {
      violations.push({ field: `${f}.quantity_milli`, description: 'gives an amount beyond any fee' });
      return;
    }
    const charged = l.chargedFen ?? standard;
    if (!isFen(charged)) {
      violations.push({ field: `${f}.charged_fen`, description: 'must be whole fen, 0 or more' });
      return;
    }
    const basis = l.reductionBasis.trim();
    if (charged < standard) {
      if (!fee.reducible)
        violations.push({
          field: `${f}.charged_fen`,
          description: `${fee.name} may not be reduced or waived: charge ${yuan(standard)}`,
        });
      if (basis === '')
        violations.push({
          field: `${f}.reduction_basis`,
          description: 'is required to charge less than the standard (减免依据, e.g. 财税〔2016〕79号)',
        });
    }
    if (basis !== '' && [...basis].length > 200)
      violations.push({ field: `${f}.reduction_basis`, description: 'must be at most 200 characters' });
    const upward = shareFen(charged, fee.upwardShareBasisPoints);
    confirmed.push(
      feeV1.BillLine.fromPartial({
        id: newLineId(),
        caseId: l.caseId,
        departmentId,
        feeCode: fee.feeCode,
        name: fee.name,
        catalogueCode: fee.catalogueCode,
        kind: fee.kind,
        quantityMilli: perUnit ? l.quantityMilli : 0,
        unitName: fee.unitName,
        standardFen: standard,
        chargedFen: charged,
        reductionFen: charged < standard ? standard - charged : 0,
        reductionBasis: charged < standard ? basis : '',
        aboveStandard: charged > standard,
        fiscalAccount: fee.fiscalAccount,
        upwardShareBasisPoints: fee.upwardShareBasisPoints,
        upwardFen: upward,
        upwardBody: fee.upwardBody,
        refundedFen: 0,
      }),
    );
  });
  ValidationError.throwIfAny(violations);

  const next = feeV1.Bill.fromPartial(bill);
  next.lines = [...next.lines.filter((l) => l.departmentId !== departmentId), ...confirmed];
  const p = next.parts.find((x) => x.departmentId === departmentId)!;
  p.status = feeV1.PartStatus.PART_STATUS_CONFIRMED;
  p.confirmedAt = now;
  p.confirmedByStaffId = actor.staffId;
  p.late = p.dueAt !== undefined && now.getTime() > p.dueAt.getTime();
  p.totalFen = confirmed.reduce((sum, l) => sum + l.chargedFen, 0);
  next.totalFen = next.lines.reduce((sum, l) => sum + l.chargedFen, 0);
  next.status = next.parts.every((x) => x.status === feeV1.PartStatus.PART_STATUS_CONFIRMED)
    ? S.BILL_STATUS_ASSESSED
    : S.BILL_STATUS_ASSESSING;
  if (!isFen(next.totalFen)) throw ValidationError.single('lines', 'the bill comes to more than any bill may');
  return { bill: next, aboveStandard: confirmed.filter((l) => l.aboveStandard) };
}

// ---- issue, cancel ---------------------------------------------------------------------------------------------

export function statusName(status: feeV1.BillStatus): string {
  return status.replace('BILL_STATUS_', '').toLowerCase().replace('_', ' ');
}

/** 一次性开票: once. A bill of 0 (every line exempt) is settled at once. */
export function issue(bill: Bill, allowPartial: boolean, actor: FeeActor, now: Date, paymentCode: string): Bill {
  requireHall(actor, bill.hallId, 'IssueBill');
  requireRole(actor, WINDOW_ROLES, 'IssueBill');
  if (bill.issuedAt)
    throw new PreconditionFailedError(
      `bill ${bill.number} was issued at ${bill.issuedAt.toISOString()} (一次性开票: once)`,
    );
  if (bill.status === S.BILL_STATUS_CANCELLED) throw new PreconditionFailedError(`bill ${bill.number} is cancelled`);
  if (bill.status !== S.BILL_STATUS_ASSESSED) {
    const pending = bill.parts.filter((p) => p.status !== feeV1.PartStatus.PART_STATUS_CONFIRMED);
    throw new PreconditionFailedError(
      `bill ${bill.number}: fees not yet confirmed by ${pending.map((p) => p.departmentName || p.departmentId).join('、')}`,
    );
  }
  const next = feeV1.Bill.fromPartial(bill);
  next.issuedAt = now;
  next.issuedByStaffId = actor.staffId;
  next.allowPartial = allowPartial;
  if (next.totalFen === 0) {
    next.status = S.BILL_STATUS_EXEMPT;
    next.paidAt = now;
  } else {
    next.status = S.BILL_STATUS_ISSUED;
    next.paymentCode = paymentCode;
  }
  return next;
}

export function cancel(bill: Bill, reason: string, actor: FeeActor, now: Date): Bill {
  requireHall(actor, bill.hallId, 'CancelBill');
  requireRole(actor, LEADER_ROLES, 'CancelBill');
  ValidationError.throwIfAny(textViolation(reason, 'reason', 2, 200));
  if (bill.status === S.BILL_STATUS_CANCELLED)
    throw new PreconditionFailedError(`bill ${bill.number} is already cancelled`);
  if (bill.paidFen > 0 || [S.BILL_STATUS_PAID, S.BILL_STATUS_EXEMPT, S.BILL_STATUS_REFUNDED].includes(bill.status))
    throw new PreconditionFailedError(`bill ${bill.number} has been paid: refund it instead (RequestRefund)`);
  const next = feeV1.Bill.fromPartial(bill);
  next.status = S.BILL_STATUS_CANCELLED;
  next.cancelledAt = now;
  next.cancelReason = reason.trim();
  return next;
}

// ---- payment ---------------------------------------------------------------------------------------------------

export type PaymentOutcome =
  | { readonly kind: 'applied'; readonly bill: Bill; readonly fullyPaid: boolean }
  | { readonly kind: 'refund_required'; readonly exception: feeV1.PaymentExceptionKind; readonly reason: string };

/**
 * The bank's payment against a bill (already locked by the caller). A payment the bill cannot take because it is
 * cancelled or paid is money to give back (refund_required); one of the wrong amount is refused outright
 * (FAILED_PRECONDITION, nothing recorded: the bank reverses it at the counter).
 */
export function applyPayment(bill: Bill, payment: feeV1.Payment): PaymentOutcome {
  if (bill.status === S.BILL_STATUS_CANCELLED)
    return {
      kind: 'refund_required',
      exception: feeV1.PaymentExceptionKind.PAYMENT_EXCEPTION_KIND_BILL_CANCELLED,
      reason: `bill ${bill.number} was cancelled at ${bill.cancelledAt?.toISOString() ?? ''}: the payment is reported for refund`,
    };
  if ([S.BILL_STATUS_PAID, S.BILL_STATUS_EXEMPT, S.BILL_STATUS_REFUNDED].includes(bill.status))
    return {
      kind: 'refund_required',
      exception: feeV1.PaymentExceptionKind.PAYMENT_EXCEPTION_KIND_ALREADY_PAID,
      reason: `bill ${bill.number} is already paid: the second payment is reported for refund`,
    };
  if (bill.status !== S.BILL_STATUS_ISSUED && bill.status !== S.BILL_STATUS_PARTLY_PAID)
    throw new PreconditionFailedError(`bill ${bill.number} is not issued yet`);
  const due = bill.totalFen - bill.paidFen;
  if (payment.amountFen > due)
    throw new PreconditionFailedError(
      `bill ${bill.number}: ${yuan(payment.amountFen)} is more than the ${yuan(due)} due; the payment is refused`,
    );
  if (payment.amountFen < due && !bill.allowPartial)
    throw new PreconditionFailedError(
      `bill ${bill.number}: ${yuan(payment.amountFen)} is less than the ${yuan(due)} due and the bill takes no partial payment`,
    );
  const next = feeV1.Bill.fromPartial(bill);
  next.payments.push(payment);
  next.paidFen += payment.amountFen;
  const fullyPaid = next.paidFen === next.totalFen;
  next.status = fullyPaid ? S.BILL_STATUS_PAID : S.BILL_STATUS_PARTLY_PAID;
  if (fullyPaid) next.paidAt = payment.paidAt ?? payment.recordedAt;
  return { kind: 'applied', bill: next, fullyPaid };
}

/**
 * What each department receives of a paid bill, per fiscal account: its lines' charged amounts. A department whose
 * fees go to two accounts has two shares (and two receipts), as the ledger books them line by line.
 */
export function departmentShares(
  bill: Bill,
): Array<{ departmentId: string; name: string; fiscalAccount: string; amountFen: number }> {
  const shares = new Map<string, { departmentId: string; name: string; fiscalAccount: string; amountFen: number }>();
  for (const line of bill.lines) {
    if (line.chargedFen === 0) continue;
    const key = `${line.departmentId}\u0000${line.fiscalAccount}`;
    const name = bill.parts.find((p) => p.departmentId === line.departmentId)?.departmentName ?? '';
    const share = shares.get(key) ?? {
      departmentId: line.departmentId,
      name,
      fiscalAccount: line.fiscalAccount,
      amountFen: 0,
    };
    share.amountFen += line.chargedFen;
    shares.set(key, share);
  }
  return [...shares.values()];
}

/** Per-department receipts (passed internally) and the applicant's one receipt, numbered after the bill. */
export function receiptsFor(bill: Bill, now: Date): feeV1.Receipt[] {
  const shares = departmentShares(bill);
  const base = bill.number.replace(/^JF/, 'PJ');
  return [
    feeV1.Receipt.fromPartial({
      number: `${base}-00`,
      departmentId: '',
      departmentName: [...new Set(shares.map((s) => s.name))].join('、'),
      fiscalAccount: '',
      amountFen: bill.paidFen,
      applicantCopy: true,
      issuedAt: now,
    }),
    ...shares.map((s, i) =>
      feeV1.Receipt.fromPartial({
        number: `${base}-${String(i + 1).padStart(2, '0')}`,
        departmentId: s.departmentId,
        departmentName: s.name,
        fiscalAccount: s.fiscalAccount,
        amountFen: s.amountFen,
        applicantCopy: false,
        issuedAt: now,
      }),
    ),
  ];
}

// ---- refunds ---------------------------------------------------------------------------------------------------

const PAID = [S.BILL_STATUS_PAID];

export function requestRefund(
  bill: Bill,
  lineId: string,
  reason: string,
  actor: FeeActor,
  now: Date,
  id: string,
): feeV1.Refund {
  requireHall(actor, bill.hallId, 'RequestRefund');
  ValidationError.throwIfAny(textViolation(reason, 'reason', 2, 200));
  if (!PAID.includes(bill.status))
    throw new PreconditionFailedError(
      `bill ${bill.number} is ${statusName(bill.status)}: only a paid bill is refunded`,
    );
  const lines = refundableLines(bill, lineId);
  if (lineId && lines.length === 0) {
    if (!bill.lines.some((l) => l.id === lineId))
      throw ValidationError.single('line_id', `is not a line of bill ${bill.number}`);
    throw new PreconditionFailedError(`line ${lineId} has nothing left to refund`);
  }
  if (lines.length === 0) throw new PreconditionFailedError(`bill ${bill.number} has nothing left to refund`);
  const departments = new Set(lines.map((l) => l.departmentId));
  if (!hasAnyRole(actor, LEADER_ROLES) && !(departments.size === 1 && departments.has(actor.departmentId)))
    throw new PermissionDeniedError("RequestRefund: staff of the line's department, or a leader, ask for a refund");
  const pending = bill.refunds.filter((r) => r.status === feeV1.RefundStatus.REFUND_STATUS_REQUESTED);
  for (const r of pending) {
    const covered = refundableLines(bill, r.lineId).map((l) => l.id);
    if (lines.some((l) => covered.includes(l.id)))
      throw new PreconditionFailedError(`refund ${r.id} for these lines is waiting for approval`);
  }
  return feeV1.Refund.fromPartial({
    id,
    billId: bill.id,
    lineId,
    amountFen: lines.reduce((sum, l) => sum + (l.chargedFen - l.refundedFen), 0),
    reason: reason.trim(),
    status: feeV1.RefundStatus.REFUND_STATUS_REQUESTED,
    requestedByStaffId: actor.staffId,
    requestedAt: now,
  });
}

/** The lines a refund covers: one line, or every line of the bill with something left to refund. */
export function refundableLines(bill: Bill, lineId: string): BillLine[] {
  return bill.lines.filter((l) => (lineId === '' || l.id === lineId) && l.chargedFen - l.refundedFen > 0);
}

export interface RefundDecision {
  readonly bill: Bill;
  readonly refund: feeV1.Refund;
  /** The lines refunded (each whole), when approved. */
  readonly refundedLines: readonly BillLine[];
}

export function decideRefund(
  bill: Bill,
  refundId: string,
  approve: boolean,
  opinion: string,
  actor: FeeActor,
  now: Date,
): RefundDecision {
  requireHall(actor, bill.hallId, 'DecideRefund');
  requireRole(actor, LEADER_ROLES, 'DecideRefund');
  const index = bill.refunds.findIndex((r) => r.id === refundId);
  const refund = bill.refunds[index];
  if (!refund) throw ValidationError.single('refund_id', 'is not a refund of this bill');
  if (refund.status !== feeV1.RefundStatus.REFUND_STATUS_REQUESTED)
    throw new PreconditionFailedError(`refund ${refundId} was already decided`);
  if (refund.requestedByStaffId === actor.staffId)
    throw new PermissionDeniedError('DecideRefund: the one who asked for a refund cannot approve it');
  if (!approve) ValidationError.throwIfAny(textViolation(opinion, 'opinion', 2, 200));
  const next = feeV1.Bill.fromPartial(bill);
  const decided = next.refunds[index]!;
  decided.status = approve ? feeV1.RefundStatus.REFUND_STATUS_APPROVED : feeV1.RefundStatus.REFUND_STATUS_REJECTED;
  decided.decidedAt = now;
  decided.decidedByStaffId = actor.staffId;
  decided.opinion = opinion.trim();
  if (!approve) return { bill: next, refund: decided, refundedLines: [] };
  const lines = refundableLines(next, refund.lineId);
  const amount = lines.reduce((sum, l) => sum + (l.chargedFen - l.refundedFen), 0);
  if (amount !== refund.amountFen)
    throw new PreconditionFailedError(`refund ${refundId}: the bill changed since it was asked; ask again`);
  const refunded = lines.map((l) => feeV1.BillLine.fromPartial(l));
  for (const l of lines) l.refundedFen = l.chargedFen;
  next.refundedFen += amount;
  if (next.lines.every((l) => l.chargedFen === l.refundedFen)) next.status = S.BILL_STATUS_REFUNDED;
  return { bill: next, refund: decided, refundedLines: refunded };
}

/** Cases whose every bill is settled (paid or exempt), given each case's bills. */
export function settledCases(billsByCase: ReadonlyMap<string, readonly Bill[]>): string[] {
  const settled: string[] = [];
  for (const [caseId, bills] of billsByCase) {
    const open = bills.filter((b) => b.status !== S.BILL_STATUS_CANCELLED);
    if (open.length > 0 && open.every((b) => b.status === S.BILL_STATUS_PAID || b.status === S.BILL_STATUS_EXEMPT))
      settled.push(caseId);
  }
  return settled;
}
