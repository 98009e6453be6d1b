import { isIsoDate } from '@govhall/calendar';
import type { CatalogueReader } from '@govhall/catalogue-client';
import { feeV1 as pb } from '@govhall/contracts';
import { defaultTemplateFor, renderDocument } from '@govhall/documents';
import {
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  ValidationError,
  messageResult,
  nextPageToken,
  readPage,
  type Actor,
  type Clock,
  type FieldViolation,
  type IdGenerator,
  type Logger,
} from '@govhall/kit';
import { z } from 'zod';
import type { FeeTx, PgFeeStore } from '../adapters/store/pg-fee-store';
import {
  FINANCE_ROLES,
  addCaseToBill,
  applyPayment,
  assess,
  cancel,
  decideRefund,
  defaultSettings,
  hasAnyRole,
  issue,
  planBills,
  receiptsFor,
  requestRefund,
  requireHall,
  requireRole,
  settingsViolations,
  settledCases,
  type AcceptedCase,
  type Bill,
  type FeeActor,
} from '../domain/bills';
import { applyForRefund, depositSummary, newDeposit, refund, sign } from '../domain/deposits';
import {
  apportionmentTransaction,
  chinaDate,
  depositReceivedTransaction,
  depositRefundedTransaction,
  exceptionTransaction,
  isBalanced,
  paymentTransaction,
  refundTransaction,
} from '../domain/ledger';
import { isFen, shareFen } from '../domain/money';
import { parseStatement, reconcile } from '../domain/reconciliation';

const PAGE = { defaultSize: 50, maxSize: 200 };
const BillResult = messageResult(pb.Bill);
const TXN = /^[A-Za-z0-9_-]{6,64}$/;
const PAYMENT_CODE = /^\d{20}$/;
const S = pb.BillStatus;

export interface FeeServiceOptions {
  readonly store: PgFeeStore;
  readonly catalogue: CatalogueReader;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly regionCode: string;
}

/** The staff member acting; services (the bank, the gateway) act as the hall's system. */
function staffOf(actor: Actor): FeeActor {
  if (actor.kind !== 'staff') throw new PermissionDeniedError('staff only');
  return { staffId: actor.staffId, roles: actor.roles, departmentId: actor.departmentId ?? '', hallId: actor.hallId };
}

function validDate(value: string, field: string, violations: FieldViolation[]): void {
  if (!isIsoDate(value)) violations.push({ field, description: 'must be a date, YYYY-MM-DD' });
}

/** 缴款码: the day, a 10-digit serial of the day, and 2 check digits (ISO 7064 mod 97-10) the bank can verify. */
export function paymentCodeFor(day: string, serial: number): string {
  const body = `${day.replaceAll('-', '')}${String(serial).padStart(10, '0')}`;
  const check = 98 - Number((BigInt(body) * 100n) % 97n);
  return `${body}${String(check).padStart(2, '0')}`;
}

export function validPaymentCode(code: string): boolean {
  return PAYMENT_CODE.test(code) && BigInt(code) % 97n === 1n;
}

/** The use cases of the fee service: one method per RPC, plus the consumer's opening of bills. */
export class FeeService {
  constructor(private readonly o: FeeServiceOptions) {}

  private get store(): PgFeeStore {
    return this.o.store;
  }

  private now(): Date {
    return this.o.clock.now();
  }

  private async settingsOf(tx: FeeTx | undefined, hallId: string): Promise<pb.HallFeeSettings> {
    const found = tx ? await tx.settings(hallId) : await this.store.settings(hallId);
    return found ?? defaultSettings(hallId);
  }

  // ---- settings ---------------------------------------------------------------------------------------------

  async getHallFeeSettings(r: pb.GetHallFeeSettingsRequest): Promise<pb.GetHallFeeSettingsResponse> {
    if (!r.hallId) throw ValidationError.single('hall_id', 'is required');
    return { settings: await this.settingsOf(undefined, r.hallId) };
  }

  async setHallFeeSettings(actor: Actor, r: pb.SetHallFeeSettingsRequest): Promise<pb.SetHallFeeSettingsResponse> {
    const staff = staffOf(actor);
    const input = pb.HallFeeSettings.fromPartial({ ...r.settings, version: 0 });
    if (input.depositRefundChain.length === 0)
      input.depositRefundChain = defaultSettings(input.hallId).depositRefundChain;
    if (input.assessmentLimitWorkingDays === 0) input.assessmentLimitWorkingDays = 1;
    ValidationError.throwIfAny(settingsViolations(input));
    requireHall(staff, input.hallId, 'SetHallFeeSettings');
    const settings = await this.store.command(
      {
        requestId: r.requestId,
        operation: 'SetHallFeeSettings',
        request: r,
        result: messageResult(pb.HallFeeSettings),
      },
      async (tx) => {
        const current = await tx.settings(input.hallId);
        const version = current?.version ?? 0;
        if (version !== r.expectedVersion)
          throw new PreconditionFailedError(
            `the hall's fee settings are at version ${version}, not ${r.expectedVersion}`,
          );
        const next = pb.HallFeeSettings.fromPartial({ ...input, version: version + 1, updatedAt: this.now() });
        await tx.saveSettings(next);
        return next;
      },
    );
    return { settings };
  }

  // ---- opening bills (intake's acceptances) -----------------------------------------------------------------

  /**
   * Opens (or joins) the bills a newly accepted case needs; once per event (its id is the request id). What it
   * needs of the catalogue (department names, the hall's calendar) is read before the transaction.
   */
  async caseAccepted(eventId: string, c: AcceptedCase): Promise<void> {
    const settings = await this.settingsOf(undefined, c.hallId);
    const plans = planBills(c, settings);
    if (plans.length === 0) return;
    const departments = new Set(plans.flatMap((p) => [...p.parts.keys()]));
    const names = new Map<string, string>();
    for (const id of departments) names.set(id, (await this.o.catalogue.department(id))?.name ?? '');
    const calendar = await this.o.catalogue.workingCalendar(c.hallId, Number(chinaDate(c.acceptedAt).slice(0, 4)));
    const dueAt = calendar.addWorkingDays(c.acceptedAt, settings.assessmentLimitWorkingDays);
    const now = this.now();
    await this.store.command(
      { requestId: eventId, operation: 'OpenBills', request: { caseId: c.caseId }, result: z.null() },
      async (tx) => {
        for (const plan of plans) {
          const open = await tx.openBill(plan.openKey);
          const fresh = open
            ? { id: open.id, number: open.number, now }
            : { id: this.o.ids.next(), number: await this.billNumber(tx, now), now };
          const bill = addCaseToBill(open, plan, c, fresh, (id) => ({ name: names.get(id) ?? '', dueAt }));
          const saved = await tx.saveBill(bill, plan.openKey, open?.version ?? 0);
          tx.emit({ name: 'billOpened', payload: { bill: saved, departmentId: '' }, caseId: c.caseId });
        }
        return null;
      },
    );
  }

  /** 缴费通知单号: unique in the deployment (its region's halls share the day's serial). */
  private async billNumber(tx: FeeTx, now: Date): Promise<string> {
    const day = chinaDate(now).replaceAll('-', '');
    const serial = await tx.nextNumber(`bill:${day}`);
    return `JF${this.o.regionCode}-${day}-${String(serial).padStart(4, '0')}`;
  }

  // ---- bills ------------------------------------------------------------------------------------------------

  /** Staff of the bill's hall, or a service (the gateway shows an applicant's notice). */
  private readable(actor: Actor, bill: Bill): void {
    if (actor.kind === 'staff') requireHall(staffOf(actor), bill.hallId, 'GetBill');
  }

  async getBill(actor: Actor, r: pb.GetBillRequest): Promise<pb.GetBillResponse> {
    if (!r.billId === !r.paymentCode)
      throw ValidationError.single('bill_id', 'give exactly one of bill_id and payment_code');
    const bill = await this.store.bill(r.billId ? { id: r.billId } : { paymentCode: r.paymentCode });
    if (!bill) throw new NotFoundError('bill', r.billId || r.paymentCode);
    this.readable(actor, bill);
    return { bill };
  }

  async listBills(actor: Actor, r: pb.ListBillsRequest): Promise<pb.ListBillsResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (r.status !== S.BILL_STATUS_UNSPECIFIED && !Object.values(S).includes(r.status))
      violations.push({ field: 'status', description: 'a BILL_STATUS_ value' });
    const scope = [r.hallId, r.status, r.departmentId, r.caseId, r.assessmentOverdue].join('|');
    const window = readPage({ size: r.pageSize, token: r.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    if (actor.kind === 'staff') requireHall(staffOf(actor), r.hallId, 'ListBills');
    const rows = await this.store.bills(
      {
        hallId: r.hallId,
        ...(r.status !== S.BILL_STATUS_UNSPECIFIED ? { status: r.status } : {}),
        ...(r.departmentId ? { departmentId: r.departmentId } : {}),
        ...(r.caseId ? { caseId: r.caseId } : {}),
        ...(r.assessmentOverdue ? { assessmentOverdueAt: this.now() } : {}),
      },
      { size: window.limit, offset: window.offset },
    );
    return {
      bills: rows.slice(0, window.limit),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  async assessFees(actor: Actor, r: pb.AssessFeesRequest): Promise<pb.AssessFeesResponse> {
    const staff = staffOf(actor);
    if (!r.billId) throw ValidationError.single('bill_id', 'is required');
    if (!r.departmentId) throw ValidationError.single('department_id', 'is required');
    if (r.lines.length > 200) throw ValidationError.single('lines', 'at most 200 lines');
    const bill = await this.store.command(
      { requestId: r.requestId, operation: 'AssessFees', request: r, result: BillResult },
      async (tx) => {
        const current = await tx.bill({ id: r.billId });
        if (!current) throw new NotFoundError('bill', r.billId);
        const now = this.now();
        const { bill: next, aboveStandard } = assess(current, r.departmentId, r.lines, staff, now, () =>
          this.o.ids.next(),
        );
        const saved = await tx.saveBill(next, await tx.openKeyOf(next.id), current.version);
        tx.emit({
          name: 'billAssessed',
          payload: { bill: saved, departmentId: r.departmentId },
          caseId: saved.caseIds[0] ?? '',
        });
        for (const line of aboveStandard) {
          const caseIndex = saved.caseIds.indexOf(line.caseId);
          tx.emit({
            name: 'lineAboveStandard',
            payload: {
              billId: saved.id,
              billNumber: saved.number,
              hallId: saved.hallId,
              caseId: line.caseId,
              caseNumber: saved.caseNumbers[caseIndex] ?? '',
              departmentId: line.departmentId,
              staffId: staff.staffId,
              line,
            },
            caseId: line.caseId,
          });
        }
        if (aboveStandard.length > 0)
          this.o.logger.warn(
            { bill: saved.number, lines: aboveStandard.map((l) => l.feeCode) },
            'fee confirmed above the published standard',
          );
        return saved;
      },
    );
    return { bill };
  }

  async issueBill(actor: Actor, r: pb.IssueBillRequest): Promise<pb.IssueBillResponse> {
    const staff = staffOf(actor);
    if (!r.billId) throw ValidationError.single('bill_id', 'is required');
    const bill = await this.store.command(
      { requestId: r.requestId, operation: 'IssueBill', request: r, result: BillResult },
      async (tx) => {
        const current = await tx.bill({ id: r.billId });
        if (!current) throw new NotFoundError('bill', r.billId);
        const now = this.now();
        // The code is only drawn for a bill that can be issued (issue() checks first with an empty one).
        issue(current, r.allowPartial, staff, now, '');
        const day = chinaDate(now);
        const code = current.totalFen > 0 ? paymentCodeFor(day, await tx.nextNumber(`payment_code:${day}`)) : '';
        const next = issue(current, r.allowPartial, staff, now, code);
        const saved = await tx.saveBill(next, await tx.openKeyOf(next.id), current.version);
        tx.emit({ name: 'billIssued', payload: { bill: saved, departmentId: '' }, caseId: saved.caseIds[0] ?? '' });
        if (saved.status === S.BILL_STATUS_EXEMPT) await this.settled(tx, saved);
        return saved;
      },
    );
    return { bill };
  }

  async cancelBill(actor: Actor, r: pb.CancelBillRequest): Promise<pb.CancelBillResponse> {
    const staff = staffOf(actor);
    if (!r.billId) throw ValidationError.single('bill_id', 'is required');
    const bill = await this.store.command(
      { requestId: r.requestId, operation: 'CancelBill', request: r, result: BillResult },
      async (tx) => {
        const current = await tx.bill({ id: r.billId });
        if (!current) throw new NotFoundError('bill', r.billId);
        const next = cancel(current, r.reason, staff, this.now());
        const saved = await tx.saveBill(next, await tx.openKeyOf(next.id), current.version);
        tx.emit({ name: 'billCancelled', payload: { bill: saved, departmentId: '' }, caseId: saved.caseIds[0] ?? '' });
        // The case's other bills may all be paid: with this one gone, its fees are settled.
        await this.casesSettled(tx, saved);
        return saved;
      },
    );
    return { bill };
  }

  /** A bill just paid or settled as exempt: its events, and the cases whose every bill is now settled. */
  private async settled(tx: FeeTx, bill: Bill): Promise<void> {
    tx.emit({ name: 'billPaid', payload: { bill, departmentId: '' }, caseId: bill.caseIds[0] ?? '' });
    await this.casesSettled(tx, bill);
  }

  private async casesSettled(tx: FeeTx, bill: Bill): Promise<void> {
    const bills = await tx.billsOfCases(bill.caseIds);
    const byCase = new Map<string, Bill[]>();
    for (const caseId of bill.caseIds)
      byCase.set(
        caseId,
        bills.filter((b) => b.caseIds.includes(caseId)),
      );
    for (const caseId of settledCases(byCase)) {
      const own = byCase.get(caseId)!.filter((b) => b.status !== S.BILL_STATUS_CANCELLED);
      tx.emit({
        name: 'caseFeesPaid',
        payload: {
          caseId,
          caseNumber: bill.caseNumbers[bill.caseIds.indexOf(caseId)] ?? '',
          billIds: own.map((b) => b.id),
          paidFen: own.reduce((sum, b) => sum + b.paidFen, 0),
        },
        caseId,
      });
    }
  }

  async renderPaymentNotice(actor: Actor, r: pb.RenderPaymentNoticeRequest): Promise<pb.RenderPaymentNoticeResponse> {
    const format = r.format === 'pdf' || r.format === 'html' ? r.format : undefined;
    if (!format) throw ValidationError.single('format', 'html or pdf');
    if (!r.billId) throw ValidationError.single('bill_id', 'is required');
    const bill = await this.store.bill({ id: r.billId });
    if (!bill) throw new NotFoundError('bill', r.billId);
    this.readable(actor, bill);
    if (!bill.issuedAt || !bill.paymentCode)
      throw new PreconditionFailedError(
        `bill ${bill.number} has no payment notice: it is ${bill.issuedAt ? 'exempt' : 'not issued yet'}`,
      );
    const hall = await this.o.catalogue.hall(bill.hallId);
    const template = defaultTemplateFor({ hallName: hall?.name ?? '', complaintPhone: hall?.complaintPhone ?? '' });
    const perUnit = pb.FeeStandardKind.FEE_STANDARD_KIND_PER_UNIT;
    const lines = bill.lines
      .filter((l) => l.chargedFen > 0 || l.reductionFen > 0)
      .map((l) => {
        const part = bill.parts.find((p) => p.departmentId === l.departmentId);
        const fee = part?.chargeable.find((c) => c.caseId === l.caseId && c.feeCode === l.feeCode);
        return {
          departmentName: part?.departmentName || l.departmentId,
          feeName: l.name,
          standard: l.kind === perUnit ? ('per_unit' as const) : ('fixed' as const),
          ...(l.kind === perUnit
            ? { unitPriceFen: fee?.unitPriceFen ?? 0, unitName: l.unitName, quantityMilli: l.quantityMilli }
            : {}),
          standardFen: l.standardFen,
          reductionFen: l.reductionFen,
          ...(l.reductionBasis ? { reductionBasis: l.reductionBasis } : {}),
          chargedFen: l.chargedFen,
        };
      });
    return renderDocument(
      {
        kind: 'payment_notice',
        billNumber: bill.number,
        paymentCode: bill.paymentCode,
        payer: { name: bill.payerName || '申请人' },
        caseNumbers: bill.caseNumbers,
        title: bill.title,
        lines,
        totalFen: bill.totalFen,
        allowPartial: bill.allowPartial,
        issuedAt: bill.issuedAt,
      },
      template,
      format,
      { createdAt: this.now() },
    );
  }

  // ---- payment ----------------------------------------------------------------------------------------------

  /**
   * The bank's callback. Its transaction id is the request id: the same callback again answers as the first time
   * and charges nothing; two at once for one bill are serialised by the bill's row lock.
   */
  async recordPayment(r: pb.RecordPaymentRequest): Promise<pb.RecordPaymentResponse> {
    const v: FieldViolation[] = [];
    if (!TXN.test(r.bankTransactionId))
      v.push({ field: 'bank_transaction_id', description: 'must be 6 to 64 of A-Z a-z 0-9 _ -' });
    if (!validPaymentCode(r.paymentCode))
      v.push({ field: 'payment_code', description: 'is not a payment code (20 digits)' });
    if (!isFen(r.amountFen) || r.amountFen === 0)
      v.push({ field: 'amount_fen', description: 'must be whole fen above 0' });
    if (
      r.channel !== pb.PaymentChannel.PAYMENT_CHANNEL_COUNTER &&
      r.channel !== pb.PaymentChannel.PAYMENT_CHANNEL_ONLINE
    )
      v.push({ field: 'channel', description: 'PAYMENT_CHANNEL_COUNTER or PAYMENT_CHANNEL_ONLINE' });
    const now = this.now();
    if (!r.paidAt) v.push({ field: 'paid_at', description: 'is required' });
    else if (r.paidAt.getTime() > now.getTime() + 10 * 60_000)
      v.push({ field: 'paid_at', description: 'is in the future' });
    ValidationError.throwIfAny(v);
    const outcome = await this.store.command(
      {
        requestId: `bank-${r.bankTransactionId}`,
        operation: 'RecordPayment',
        request: r,
        result: z.object({ refused: z.string().optional(), bill: BillResult, payment: messageResult(pb.Payment) }),
      },
      async (tx) => {
        const bill = await tx.bill({ paymentCode: r.paymentCode });
        if (!bill) throw new NotFoundError('bill with payment code', r.paymentCode);
        const payment = pb.Payment.fromPartial({
          bankTransactionId: r.bankTransactionId,
          billId: bill.id,
          amountFen: r.amountFen,
          channel: r.channel,
          paidAt: r.paidAt,
          recordedAt: now,
        });
        const valueDate = chinaDate(r.paidAt!);
        const applied = applyPayment(bill, payment);
        if (applied.kind === 'refund_required') {
          const exception = pb.PaymentException.fromPartial({
            bankTransactionId: r.bankTransactionId,
            billId: bill.id,
            hallId: bill.hallId,
            amountFen: r.amountFen,
            channel: r.channel,
            kind: applied.exception,
            paidAt: r.paidAt,
            reportedAt: now,
          });
          await tx.insertException(exception, r.paymentCode, valueDate);
          await tx.book(exceptionTransaction(bill.hallId, bill.id, r.amountFen, valueDate), this.o.ids.next(), now);
          tx.emit({ name: 'paymentRefundRequired', payload: { exception }, caseId: bill.caseIds[0] ?? '' });
          this.o.logger.warn(
            { bill: bill.number, transaction: r.bankTransactionId },
            'payment for a bill that cannot take it: reported for refund',
          );
          return { refused: applied.reason, bill, payment };
        }
        let next = applied.bill;
        await tx.insertPayment(payment, bill.hallId, r.paymentCode, valueDate);
        await tx.book(paymentTransaction(next, payment, valueDate), this.o.ids.next(), now);
        if (applied.fullyPaid) {
          next = pb.Bill.fromPartial({ ...next, receipts: receiptsFor(next, now) });
          await tx.book(apportionmentTransaction(next, valueDate), this.o.ids.next(), now);
        }
        const saved = await tx.saveBill(next, await tx.openKeyOf(next.id), bill.version);
        if (applied.fullyPaid) await this.settled(tx, saved);
        return { bill: saved, payment };
      },
    );
    if (outcome.refused) throw new PreconditionFailedError(outcome.refused);
    return { payment: outcome.payment, bill: outcome.bill };
  }

  async listPaymentExceptions(
    actor: Actor,
    r: pb.ListPaymentExceptionsRequest,
  ): Promise<pb.ListPaymentExceptionsResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    const window = readPage({ size: r.pageSize, token: r.pageToken }, PAGE, r.hallId, violations);
    ValidationError.throwIfAny(violations);
    this.finance(actor, r.hallId, 'ListPaymentExceptions');
    const rows = await this.store.exceptions(r.hallId, { size: window.limit, offset: window.offset });
    return {
      exceptions: rows.slice(0, window.limit),
      nextPageToken: nextPageToken(window, rows.length > window.limit, r.hallId),
    };
  }

  private finance(actor: Actor, hallId: string, what: string): void {
    const staff = staffOf(actor);
    requireHall(staff, hallId, what);
    requireRole(staff, FINANCE_ROLES, what);
  }

  // ---- refunds ----------------------------------------------------------------------------------------------

  async requestRefund(actor: Actor, r: pb.RequestRefundRequest): Promise<pb.RequestRefundResponse> {
    const staff = staffOf(actor);
    if (!r.billId) throw ValidationError.single('bill_id', 'is required');
    const refundRecord = await this.store.command(
      { requestId: r.requestId, operation: 'RequestRefund', request: r, result: messageResult(pb.Refund) },
      async (tx) => {
        const bill = await tx.bill({ id: r.billId });
        if (!bill) throw new NotFoundError('bill', r.billId);
        const asked = requestRefund(bill, r.lineId, r.reason, staff, this.now(), this.o.ids.next());
        const next = pb.Bill.fromPartial({ ...bill, refunds: [...bill.refunds, asked] });
        await tx.saveBill(next, await tx.openKeyOf(next.id), bill.version);
        return asked;
      },
    );
    return { refund: refundRecord };
  }

  async decideRefund(actor: Actor, r: pb.DecideRefundRequest): Promise<pb.DecideRefundResponse> {
    const staff = staffOf(actor);
    if (!r.refundId) throw ValidationError.single('refund_id', 'is required');
    return this.store.command(
      {
        requestId: r.requestId,
        operation: 'DecideRefund',
        request: r,
        result: z.object({ refund: messageResult(pb.Refund), bill: BillResult }),
      },
      async (tx) => {
        const billId = await tx.billOfRefund(r.refundId);
        const bill = billId ? await tx.bill({ id: billId }) : undefined;
        if (!bill) throw new NotFoundError('refund', r.refundId);
        const now = this.now();
        const decision = decideRefund(bill, r.refundId, r.approve, r.opinion, staff, now);
        if (decision.refundedLines.length > 0)
          await tx.book(refundTransaction(bill, decision.refundedLines, chinaDate(now)), this.o.ids.next(), now);
        const saved = await tx.saveBill(decision.bill, await tx.openKeyOf(bill.id), bill.version);
        if (r.approve)
          tx.emit({ name: 'billRefunded', payload: { bill: saved, departmentId: '' }, caseId: saved.caseIds[0] ?? '' });
        return { refund: decision.refund, bill: saved };
      },
    );
  }

  // ---- settlement, reconciliation, ledger, indicators -------------------------------------------------------

  async getDailySettlement(actor: Actor, r: pb.GetDailySettlementRequest): Promise<pb.GetDailySettlementResponse> {
    const v: FieldViolation[] = [];
    if (!r.hallId) v.push({ field: 'hall_id', description: 'is required' });
    validDate(r.date, 'date', v);
    ValidationError.throwIfAny(v);
    this.finance(actor, r.hallId, 'GetDailySettlement');
    const settings = await this.settingsOf(undefined, r.hallId);
    const split = settings.revenueSplit?.partnerName ? settings.revenueSplit : undefined;
    const figures = await this.store.settlement(r.hallId, r.date);
    const rows: pb.SettlementRow[] = [];
    for (const f of figures) {
      const net = f.receivedFen - f.refundedFen;
      const upward = f.upwardReceivedFen - f.upwardRefundedFen;
      const retained = net - upward;
      // 上交除外: only what the hall's governments keep is split.
      const own = split ? shareFen(retained, split.ownShareBasisPoints) : retained;
      rows.push(
        pb.SettlementRow.fromPartial({
          departmentId: f.departmentId,
          departmentName: (await this.o.catalogue.department(f.departmentId))?.name ?? '',
          fiscalAccount: f.fiscalAccount,
          receivedFen: f.receivedFen,
          refundedFen: f.refundedFen,
          netFen: net,
          upwardFen: upward,
          retainedFen: retained,
          ownShareFen: own,
          partnerShareFen: retained - own,
          payments: f.payments,
        }),
      );
    }
    const sum = (k: keyof pb.SettlementRow) => rows.reduce((s, row) => s + (row[k] as number), 0);
    return {
      hallId: r.hallId,
      date: r.date,
      departments: rows,
      total: pb.SettlementRow.fromPartial({
        receivedFen: sum('receivedFen'),
        refundedFen: sum('refundedFen'),
        netFen: sum('netFen'),
        upwardFen: sum('upwardFen'),
        retainedFen: sum('retainedFen'),
        ownShareFen: sum('ownShareFen'),
        partnerShareFen: sum('partnerShareFen'),
        payments: sum('payments'),
      }),
      ...(split ? { revenueSplit: split } : {}),
    };
  }

  async reconcile(actor: Actor, r: pb.ReconcileRequest): Promise<pb.ReconcileResponse> {
    const staff = staffOf(actor);
    const v: FieldViolation[] = [];
    if (!r.hallId) v.push({ field: 'hall_id', description: 'is required' });
    validDate(r.date, 'date', v);
    if (r.statementCsv.length === 0) v.push({ field: 'statement_csv', description: 'is required' });
    ValidationError.throwIfAny(v);
    this.finance(actor, r.hallId, 'Reconcile');
    const statement = parseStatement(Buffer.from(r.statementCsv).toString('utf8'));
    const recorded = await this.store.recordedPayments(r.hallId, r.date);
    const result = reconcile(statement, recorded);
    const run = pb.Reconciliation.fromPartial({
      id: this.o.ids.next(),
      hallId: r.hallId,
      date: r.date,
      statementRows: result.statementRows,
      matched: result.matched,
      statementTotalFen: result.statementTotalFen,
      recordedTotalFen: result.recordedTotalFen,
      mismatches: [...result.mismatches],
      reconciledAt: this.now(),
      reconciledByStaffId: staff.staffId,
    });
    const saved = await this.store.command(
      {
        requestId: r.requestId,
        operation: 'Reconcile',
        request: { hallId: r.hallId, date: r.date, statement: Buffer.from(r.statementCsv).toString('base64') },
        result: messageResult(pb.Reconciliation),
      },
      async (tx) => {
        await tx.saveReconciliation(run);
        if (run.mismatches.length > 0) tx.emit({ name: 'reconciliationMismatched', payload: { reconciliation: run } });
        return run;
      },
    );
    return { reconciliation: saved };
  }

  async listReconciliations(actor: Actor, r: pb.ListReconciliationsRequest): Promise<pb.ListReconciliationsResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    const window = readPage({ size: r.pageSize, token: r.pageToken }, PAGE, r.hallId, violations);
    ValidationError.throwIfAny(violations);
    this.finance(actor, r.hallId, 'ListReconciliations');
    const rows = await this.store.reconciliations(r.hallId, { size: window.limit, offset: window.offset });
    return {
      reconciliations: rows.slice(0, window.limit),
      nextPageToken: nextPageToken(window, rows.length > window.limit, r.hallId),
    };
  }

  async getLedger(actor: Actor, r: pb.GetLedgerRequest): Promise<pb.GetLedgerResponse> {
    const given = [r.billId, r.depositId, r.hallId].filter(Boolean).length;
    if (given !== 1) throw ValidationError.single('bill_id', 'give exactly one of bill_id, deposit_id and hall_id');
    if (r.hallId) {
      this.finance(actor, r.hallId, 'GetLedger');
      const t = await this.store.ledgerTotals(r.hallId);
      return {
        entries: [],
        debitTotalFen: t.debitFen,
        creditTotalFen: t.creditFen,
        balanced: t.unbalancedTransactions === 0 && t.debitFen === t.creditFen,
        transactions: t.transactions,
      };
    }
    const hallId = r.billId
      ? (await this.store.bill({ id: r.billId }))?.hallId
      : (await this.store.deposit(r.depositId))?.hallId;
    if (!hallId) throw new NotFoundError(r.billId ? 'bill' : 'deposit', r.billId || r.depositId);
    this.finance(actor, hallId, 'GetLedger');
    const entries = await this.store.ledgerEntries(r.billId ? { billId: r.billId } : { depositId: r.depositId });
    const byTransaction = new Map<string, pb.LedgerEntry[]>();
    for (const e of entries) byTransaction.set(e.transactionId, [...(byTransaction.get(e.transactionId) ?? []), e]);
    return {
      entries,
      debitTotalFen: entries.reduce((s, e) => s + e.debitFen, 0),
      creditTotalFen: entries.reduce((s, e) => s + e.creditFen, 0),
      balanced: [...byTransaction.values()].every((list) => isBalanced(list)),
      transactions: byTransaction.size,
    };
  }

  async getFeeIndicators(actor: Actor, r: pb.GetFeeIndicatorsRequest): Promise<pb.GetFeeIndicatorsResponse> {
    const v: FieldViolation[] = [];
    if (!r.hallId) v.push({ field: 'hall_id', description: 'is required' });
    validDate(r.fromDate, 'from_date', v);
    validDate(r.toDate, 'to_date', v);
    if (v.length === 0) {
      const days = (Date.parse(r.toDate) - Date.parse(r.fromDate)) / 86_400_000;
      if (days < 0) v.push({ field: 'to_date', description: 'must not be before from_date' });
      if (days > 365) v.push({ field: 'to_date', description: 'at most 366 days' });
    }
    ValidationError.throwIfAny(v);
    this.finance(actor, r.hallId, 'GetFeeIndicators');
    const { days, departments } = await this.store.indicatorPayments(r.hallId, r.fromDate, r.toDate);
    const from = new Date(`${r.fromDate}T00:00:00+08:00`);
    const to = new Date(Date.parse(`${r.toDate}T00:00:00+08:00`) + 86_400_000);
    const counts = await this.store.billCounts(r.hallId, from, to);
    const payments = days.reduce((s, d) => s + d.all, 0);
    const counter = days.reduce((s, d) => s + d.counter, 0);
    const named: pb.DepartmentAmount[] = [];
    for (const d of departments)
      named.push({
        departmentId: d.departmentId,
        departmentName: (await this.o.catalogue.department(d.departmentId))?.name ?? '',
        amountFen: d.fen,
        payments: d.payments,
      });
    return {
      payments,
      counterPayments: counter,
      onSitePaymentRateBasisPoints: payments === 0 ? 0 : Math.round((counter * 10_000) / payments),
      totalFen: days.reduce((s, d) => s + d.fen, 0),
      departments: named,
      days: days.map((d) => ({ date: d.day, amountFen: d.fen, payments: d.all })),
      billsOpened: counts.opened,
      lateAssessments: counts.late,
    };
  }

  // ---- deposits ---------------------------------------------------------------------------------------------

  async recordDeposit(actor: Actor, r: pb.RecordDepositRequest): Promise<pb.RecordDepositResponse> {
    const staff = staffOf(actor);
    const now = this.now();
    const deposit = newDeposit(r, staff, this.o.ids.next(), now);
    const saved = await this.store.command(
      { requestId: r.requestId, operation: 'RecordDeposit', request: r, result: messageResult(pb.Deposit) },
      async (tx) => {
        await tx.saveDeposit(deposit, true);
        await tx.book(depositReceivedTransaction(deposit, chinaDate(now)), this.o.ids.next(), now);
        tx.emit({ name: 'depositReceived', payload: { deposit } });
        return deposit;
      },
    );
    return { deposit: saved };
  }

  private depositCommand(
    requestId: string,
    operation: string,
    request: unknown,
    depositId: string,
    change: (d: pb.Deposit, tx: FeeTx, now: Date) => Promise<pb.Deposit>,
  ): Promise<pb.Deposit> {
    if (!depositId) throw ValidationError.single('deposit_id', 'is required');
    return this.store.command({ requestId, operation, request, result: messageResult(pb.Deposit) }, async (tx) => {
      const current = await tx.deposit(depositId);
      if (!current) throw new NotFoundError('deposit', depositId);
      const next = await change(current, tx, this.now());
      await tx.saveDeposit(next, false);
      return next;
    });
  }

  async applyDepositRefund(actor: Actor, r: pb.ApplyDepositRefundRequest): Promise<pb.ApplyDepositRefundResponse> {
    const staff = staffOf(actor);
    const deposit = await this.depositCommand(r.requestId, 'ApplyDepositRefund', r, r.depositId, async (d, tx, now) => {
      const settings = await this.settingsOf(tx, d.hallId);
      const next = applyForRefund(d, r.acceptanceDocument, r.acceptanceDate, settings.depositRefundChain, staff, now);
      tx.emit({ name: 'depositRefundApplied', payload: { deposit: next } });
      return next;
    });
    return { deposit };
  }

  async signDepositRefund(actor: Actor, r: pb.SignDepositRefundRequest): Promise<pb.SignDepositRefundResponse> {
    const staff = staffOf(actor);
    const deposit = await this.depositCommand(r.requestId, 'SignDepositRefund', r, r.depositId, (d, tx, now) => {
      const next = sign(d, r.stepCode, r.signerName, staff, now);
      tx.emit({ name: 'depositSigned', payload: { deposit: next } });
      return Promise.resolve(next);
    });
    return { deposit };
  }

  async refundDeposit(actor: Actor, r: pb.RefundDepositRequest): Promise<pb.RefundDepositResponse> {
    const staff = staffOf(actor);
    const deposit = await this.depositCommand(r.requestId, 'RefundDeposit', r, r.depositId, async (d, tx, now) => {
      const next = refund(d, staff, now);
      await tx.book(depositRefundedTransaction(next, chinaDate(now)), this.o.ids.next(), now);
      tx.emit({ name: 'depositRefunded', payload: { deposit: next } });
      return next;
    });
    return { deposit };
  }

  async getDeposit(actor: Actor, r: pb.GetDepositRequest): Promise<pb.GetDepositResponse> {
    if (!r.depositId) throw ValidationError.single('deposit_id', 'is required');
    const deposit = await this.store.deposit(r.depositId);
    if (!deposit) throw new NotFoundError('deposit', r.depositId);
    requireHall(staffOf(actor), deposit.hallId, 'GetDeposit');
    return { deposit };
  }

  async listDeposits(actor: Actor, r: pb.ListDepositsRequest): Promise<pb.ListDepositsResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (r.status !== pb.DepositStatus.DEPOSIT_STATUS_UNSPECIFIED && !Object.values(pb.DepositStatus).includes(r.status))
      violations.push({ field: 'status', description: 'a DEPOSIT_STATUS_ value' });
    const scope = `${r.hallId}|${r.status}`;
    const window = readPage({ size: r.pageSize, token: r.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    requireHall(staffOf(actor), r.hallId, 'ListDeposits');
    const rows = await this.store.deposits(
      r.hallId,
      r.status === pb.DepositStatus.DEPOSIT_STATUS_UNSPECIFIED ? undefined : r.status,
      { size: window.limit, offset: window.offset },
    );
    return {
      deposits: rows.slice(0, window.limit),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  async getDepositReport(actor: Actor, r: pb.GetDepositReportRequest): Promise<pb.GetDepositReportResponse> {
    if (!r.hallId) throw ValidationError.single('hall_id', 'is required');
    const staff = staffOf(actor);
    requireHall(staff, r.hallId, 'GetDepositReport');
    if (!hasAnyRole(staff, [...FINANCE_ROLES, 'chief_representative']))
      throw new PermissionDeniedError(`GetDepositReport requires one of the roles ${FINANCE_ROLES.join(', ')}`);
    const totals = await this.store.depositTotals(r.hallId);
    const of = (...statuses: pb.DepositStatus[]) => {
      const rows = totals.filter((t) => statuses.includes(t.status as pb.DepositStatus));
      return { count: rows.reduce((s, t) => s + t.count, 0), fen: rows.reduce((s, t) => s + t.fen, 0) };
    };
    const held = of(pb.DepositStatus.DEPOSIT_STATUS_HELD);
    const pending = of(pb.DepositStatus.DEPOSIT_STATUS_REFUND_APPLIED, pb.DepositStatus.DEPOSIT_STATUS_APPROVED);
    const refunded = of(pb.DepositStatus.DEPOSIT_STATUS_REFUNDED);
    const t = {
      heldCount: held.count,
      heldFen: held.fen,
      pendingCount: pending.count,
      pendingFen: pending.fen,
      refundedCount: refunded.count,
      refundedFen: refunded.fen,
    };
    return { ...t, summary: depositSummary(t) };
  }
}
