import { feeV1 as pb } from '@govhall/contracts';
import { Access, grpcService, unary, type GrpcServiceRegistration } from '@govhall/kit';
import type { FeeService } from '../../app/fee-service';

const STAFF = Access.staff();
const ADMINISTRATOR = Access.staff({ anyRole: ['administrator'] });
const STAFF_OR_GATEWAY = Access.anyOf(Access.staff(), Access.service('gateway'));

/** Who may call each method; hall, department and role rules beyond these are the use cases'. */
export const FEE_ACCESS = {
  setHallFeeSettings: ADMINISTRATOR,
  getHallFeeSettings: STAFF,
  getBill: STAFF_OR_GATEWAY,
  listBills: STAFF,
  assessFees: STAFF,
  issueBill: STAFF,
  cancelBill: STAFF,
  renderPaymentNotice: STAFF_OR_GATEWAY,
  // The bank's connector (its counter in the hall and its online channel) calls with its service token.
  recordPayment: Access.service('bank'),
  listPaymentExceptions: STAFF,
  requestRefund: STAFF,
  decideRefund: STAFF,
  getDailySettlement: STAFF,
  reconcile: STAFF,
  listReconciliations: STAFF,
  getLedger: STAFF,
  getFeeIndicators: STAFF,
  recordDeposit: STAFF,
  applyDepositRefund: STAFF,
  signDepositRefund: STAFF,
  refundDeposit: STAFF,
  getDeposit: STAFF,
  listDeposits: STAFF,
  getDepositReport: STAFF,
} as const;

/** Thin gRPC handlers of `govhall.fee.v1.FeeService`. */
export function feeHandlers(s: FeeService): pb.FeeServiceServer {
  return {
    setHallFeeSettings: unary('SetHallFeeSettings', (r: pb.SetHallFeeSettingsRequest, ctx) =>
      s.setHallFeeSettings(ctx.actor, r),
    ),
    getHallFeeSettings: unary('GetHallFeeSettings', (r: pb.GetHallFeeSettingsRequest) => s.getHallFeeSettings(r)),
    getBill: unary('GetBill', (r: pb.GetBillRequest, ctx) => s.getBill(ctx.actor, r)),
    listBills: unary('ListBills', (r: pb.ListBillsRequest, ctx) => s.listBills(ctx.actor, r)),
    assessFees: unary('AssessFees', (r: pb.AssessFeesRequest, ctx) => s.assessFees(ctx.actor, r)),
    issueBill: unary('IssueBill', (r: pb.IssueBillRequest, ctx) => s.issueBill(ctx.actor, r)),
    cancelBill: unary('CancelBill', (r: pb.CancelBillRequest, ctx) => s.cancelBill(ctx.actor, r)),
    renderPaymentNotice: unary('RenderPaymentNotice', (r: pb.RenderPaymentNoticeRequest, ctx) =>
      s.renderPaymentNotice(ctx.actor, r),
    ),
    recordPayment: unary('RecordPayment', (r: pb.RecordPaymentRequest) => s.recordPayment(r)),
    listPaymentExceptions: unary('ListPaymentExceptions', (r: pb.ListPaymentExceptionsRequest, ctx) =>
      s.listPaymentExceptions(ctx.actor, r),
    ),
    requestRefund: unary('RequestRefund', (r: pb.RequestRefundRequest, ctx) => s.requestRefund(ctx.actor, r)),
    decideRefund: unary('DecideRefund', (r: pb.DecideRefundRequest, ctx) => s.decideRefund(ctx.actor, r)),
    getDailySettlement: unary('GetDailySettlement', (r: pb.GetDailySettlementRequest, ctx) =>
      s.getDailySettlement(ctx.actor, r),
    ),
    reconcile: unary('Reconcile', (r: pb.ReconcileRequest, ctx) => s.reconcile(ctx.actor, r)),
    listReconciliations: unary('ListReconciliations', (r: pb.ListReconciliationsRequest, ctx) =>
      s.listReconciliations(ctx.actor, r),
    ),
    getLedger: unary('GetLedger', (r: pb.GetLedgerRequest, ctx) => s.getLedger(ctx.actor, r)),
    getFeeIndicators: unary('GetFeeIndicators', (r: pb.GetFeeIndicatorsRequest, ctx) =>
      s.getFeeIndicators(ctx.actor, r),
    ),
    recordDeposit: unary('RecordDeposit', (r: pb.RecordDepositRequest, ctx) => s.recordDeposit(ctx.actor, r)),
    applyDepositRefund: unary('ApplyDepositRefund', (r: pb.ApplyDepositRefundRequest, ctx) =>
      s.applyDepositRefund(ctx.actor, r),
    ),
    signDepositRefund: unary('SignDepositRefund', (r: pb.SignDepositRefundRequest, ctx) =>
      s.signDepositRefund(ctx.actor, r),
    ),
    refundDeposit: unary('RefundDeposit', (r: pb.RefundDepositRequest, ctx) => s.refundDeposit(ctx.actor, r)),
    getDeposit: unary('GetDeposit', (r: pb.GetDepositRequest, ctx) => s.getDeposit(ctx.actor, r)),
    listDeposits: unary('ListDeposits', (r: pb.ListDepositsRequest, ctx) => s.listDeposits(ctx.actor, r)),
    getDepositReport: unary('GetDepositReport', (r: pb.GetDepositReportRequest, ctx) =>
      s.getDepositReport(ctx.actor, r),
    ),
  };
}

export const feeGrpcService = (s: FeeService): GrpcServiceRegistration =>
  grpcService(pb.FeeServiceService, feeHandlers(s), FEE_ACCESS);
