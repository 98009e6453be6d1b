import { defineEvents, type EventContract, type EventMessageCodec } from '@govhall/kit/events';
import * as caseEvents from './gen/govhall/case/v1/events';
import * as catalogue from './gen/govhall/catalogue/v1/events';
import * as intake from './gen/govhall/intake/v1/events';
import * as timing from './gen/govhall/timing/v1/events';
import * as notify from './gen/govhall/notify/v1/events';
import * as fee from './gen/govhall/fee/v1/events';
import * as evaluation from './gen/govhall/evaluation/v1/events';

/** One contract: its type, its payload message by full name, and the generated message's JSON methods. */
function contract<const Type extends string, T>(
  type: Type,
  messageName: string,
  message: EventMessageCodec<T>,
  schemaVersion = 1,
): EventContract<T> & { readonly type: Type } {
  return { type, schemaVersion, messageName, message };
}
const catalogueMessage = (name: string): string => `govhall.catalogue.v1.${name}`;

/**
 * The catalogue's events (`proto/govhall/catalogue/v1/events.proto`): type → payload message and schema
 * version. A consumer decodes them with `eventDecoder(CatalogueEvents, contractRegistry())` of the kit.
 */
export const CatalogueEvents = defineEvents({
  hallCreated: contract('catalogue.hall.created', catalogueMessage('HallChanged'), catalogue.HallChanged),
  hallUpdated: contract('catalogue.hall.updated', catalogueMessage('HallChanged'), catalogue.HallChanged),
  hallDeactivated: contract('catalogue.hall.deactivated', catalogueMessage('HallChanged'), catalogue.HallChanged),
  departmentCreated: contract(
    'catalogue.department.created',
    catalogueMessage('DepartmentChanged'),
    catalogue.DepartmentChanged,
  ),
  departmentUpdated: contract(
    'catalogue.department.updated',
    catalogueMessage('DepartmentChanged'),
    catalogue.DepartmentChanged,
  ),
  departmentDeactivated: contract(
    'catalogue.department.deactivated',
    catalogueMessage('DepartmentChanged'),
    catalogue.DepartmentChanged,
  ),
  windowCreated: contract('catalogue.window.created', catalogueMessage('WindowChanged'), catalogue.WindowChanged),
  windowUpdated: contract('catalogue.window.updated', catalogueMessage('WindowChanged'), catalogue.WindowChanged),
  windowDeactivated: contract(
    'catalogue.window.deactivated',
    catalogueMessage('WindowChanged'),
    catalogue.WindowChanged,
  ),
  staffCreated: contract('catalogue.staff.created', catalogueMessage('StaffChanged'), catalogue.StaffChanged),
  staffUpdated: contract('catalogue.staff.updated', catalogueMessage('StaffChanged'), catalogue.StaffChanged),
  staffDeactivated: contract('catalogue.staff.deactivated', catalogueMessage('StaffChanged'), catalogue.StaffChanged),
  leaderChainSet: contract('catalogue.leader_chain.set', catalogueMessage('LeaderChainSet'), catalogue.LeaderChainSet),
  itemDrafted: contract('catalogue.item.drafted', catalogueMessage('ItemDrafted'), catalogue.ItemDrafted),
  itemDraftDiscarded: contract(
    'catalogue.item.draft_discarded',
    catalogueMessage('ItemDraftDiscarded'),
    catalogue.ItemDraftDiscarded,
  ),
  itemPublished: contract('catalogue.item.published', catalogueMessage('ItemPublished'), catalogue.ItemPublished),
  itemRetired: contract('catalogue.item.retired', catalogueMessage('ItemRetired'), catalogue.ItemRetired),
  itemFrozen: contract('catalogue.item.frozen', catalogueMessage('ItemFreezeChanged'), catalogue.ItemFreezeChanged),
  itemUnfrozen: contract('catalogue.item.unfrozen', catalogueMessage('ItemFreezeChanged'), catalogue.ItemFreezeChanged),
  bundleCreated: contract(
    'catalogue.item_bundle.created',
    catalogueMessage('ItemBundleChanged'),
    catalogue.ItemBundleChanged,
  ),
  bundleUpdated: contract(
    'catalogue.item_bundle.updated',
    catalogueMessage('ItemBundleChanged'),
    catalogue.ItemBundleChanged,
  ),
  bundleDeactivated: contract(
    'catalogue.item_bundle.deactivated',
    catalogueMessage('ItemBundleChanged'),
    catalogue.ItemBundleChanged,
  ),
  calendarYearLoaded: contract(
    'catalogue.calendar.year_loaded',
    catalogueMessage('CalendarYearLoaded'),
    catalogue.CalendarYearLoaded,
  ),
  calendarHallHoursSet: contract(
    'catalogue.calendar.hall_hours_set',
    catalogueMessage('CalendarHallHoursSet'),
    catalogue.CalendarHallHoursSet,
  ),
  feeCatalogueEntryCreated: contract(
    'catalogue.fee_catalogue_entry.created',
    catalogueMessage('FeeCatalogueEntryChanged'),
    catalogue.FeeCatalogueEntryChanged,
  ),
  feeCatalogueEntryUpdated: contract(
    'catalogue.fee_catalogue_entry.updated',
    catalogueMessage('FeeCatalogueEntryChanged'),
    catalogue.FeeCatalogueEntryChanged,
  ),
  feeCatalogueEntryCancelled: contract(
    'catalogue.fee_catalogue_entry.cancelled',
    catalogueMessage('FeeCatalogueEntryChanged'),
    catalogue.FeeCatalogueEntryChanged,
  ),
  openingHoursSet: contract(
    'catalogue.opening_hours.set',
    catalogueMessage('OpeningHoursSet'),
    catalogue.OpeningHoursSet,
  ),
  openingHoursCleared: contract(
    'catalogue.opening_hours.cleared',
    catalogueMessage('OpeningHoursCleared'),
    catalogue.OpeningHoursCleared,
  ),
});

const intakeMessage = (name: string): string => `govhall.intake.v1.${name}`;
// Generic in the verb so each event keeps its literal type and a switch over `type` narrows to it.
const ticket = <const Verb extends string>(verb: Verb) =>
  contract(`intake.ticket.${verb}`, intakeMessage('TicketChanged'), intake.TicketChanged);
const appointment = <const Verb extends string>(verb: Verb) =>
  contract(`intake.appointment.${verb}`, intakeMessage('AppointmentChanged'), intake.AppointmentChanged);

/** The intake service's events (`proto/govhall/intake/v1/events.proto`). */
export const IntakeEvents = defineEvents({
  ticketTaken: ticket('taken'),
  ticketCalled: ticket('called'),
  ticketServing: ticket('serving'),
  ticketFinished: ticket('finished'),
  ticketSkipped: ticket('skipped'),
  ticketTransferred: ticket('transferred'),
  appointmentBooked: appointment('booked'),
  appointmentCancelled: appointment('cancelled'),
  appointmentRescheduled: appointment('rescheduled'),
  appointmentCheckedIn: appointment('checked_in'),
  batchServiceBooked: contract(
    'intake.batch_service.booked',
    intakeMessage('BatchServiceChanged'),
    intake.BatchServiceChanged,
  ),
  batchServiceCancelled: contract(
    'intake.batch_service.cancelled',
    intakeMessage('BatchServiceChanged'),
    intake.BatchServiceChanged,
  ),
  agentRegistered: contract('intake.agent.registered', intakeMessage('AgentRegistered'), intake.AgentRegistered),
  registered: contract('intake.application.registered', intakeMessage('Registered'), intake.Registered),
  supplementRequested: contract(
    'intake.application.supplement_requested',
    intakeMessage('SupplementRequested'),
    intake.SupplementRequested,
  ),
  resubmitted: contract('intake.application.resubmitted', intakeMessage('Resubmitted'), intake.Resubmitted),
  accepted: contract('intake.application.accepted', intakeMessage('Accepted'), intake.Accepted),
  completedImmediately: contract(
    'intake.application.completed_immediately',
    intakeMessage('Accepted'),
    intake.Accepted,
  ),
  refused: contract('intake.application.refused', intakeMessage('Refused'), intake.Refused),
  missingMaterialsSupplied: contract(
    'intake.application.missing_materials_supplied',
    intakeMessage('MissingMaterialsSupplied'),
    intake.MissingMaterialsSupplied,
  ),
  missingMaterialsOverdue: contract(
    'intake.application.missing_materials_overdue',
    intakeMessage('MissingMaterialsOverdue'),
    intake.MissingMaterialsOverdue,
  ),
  queryPasswordReissued: contract(
    'intake.application.query_password_reissued',
    intakeMessage('QueryPasswordReissued'),
    intake.QueryPasswordReissued,
  ),
});

/**
 * The case service's events (`proto/govhall/case/v1/events.proto`), declared ahead of the service for the
 * consumers that need them (intake's certificate store).
 */
export const CaseEvents = defineEvents({
  opened: contract('case.case.opened', 'govhall.case.v1.Opened', caseEvents.Opened),
  stageEntered: contract('case.stage.entered', 'govhall.case.v1.StageEntered', caseEvents.StageEntered),
  handlerAssigned: contract('case.handler.assigned', 'govhall.case.v1.HandlerAssigned', caseEvents.HandlerAssigned),
  stageCompleted: contract('case.stage.completed', 'govhall.case.v1.StageCompleted', caseEvents.StageCompleted),
  subtaskReady: contract('case.subtask.ready', 'govhall.case.v1.SubtaskChanged', caseEvents.SubtaskChanged),
  subtaskStarted: contract('case.subtask.started', 'govhall.case.v1.SubtaskChanged', caseEvents.SubtaskChanged),
  subtaskDecided: contract('case.subtask.decided', 'govhall.case.v1.SubtaskChanged', caseEvents.SubtaskChanged),
  specialProcedureStarted: contract(
    'case.special_procedure.started',
    'govhall.case.v1.SpecialProcedureChanged',
    caseEvents.SpecialProcedureChanged,
  ),
  specialProcedureEnded: contract(
    'case.special_procedure.ended',
    'govhall.case.v1.SpecialProcedureChanged',
    caseEvents.SpecialProcedureChanged,
  ),
  extended: contract('case.case.extended', 'govhall.case.v1.Extended', caseEvents.Extended),
  decided: contract('case.case.decided', 'govhall.case.v1.Decided', caseEvents.Decided),
  commitmentVerified: contract(
    'case.commitment.verified',
    'govhall.case.v1.CommitmentVerified',
    caseEvents.CommitmentVerified,
  ),
  certificateIssued: contract(
    'case.certificate.issued',
    'govhall.case.v1.CertificateIssued',
    caseEvents.CertificateIssued,
  ),
  certificateDelivered: contract(
    'case.certificate.delivered',
    'govhall.case.v1.CertificateDelivered',
    caseEvents.CertificateDelivered,
  ),
  completed: contract('case.case.completed', 'govhall.case.v1.Completed', caseEvents.Completed),
  archived: contract('case.case.archived', 'govhall.case.v1.Archived', caseEvents.Archived),
  pickupAgreed: contract('case.bundle.pickup_agreed', 'govhall.case.v1.PickupAgreed', caseEvents.PickupAgreed),
  handoffRequested: contract('case.handoff.requested', 'govhall.case.v1.HandoffRequested', caseEvents.HandoffRequested),
  handoffAccepted: contract('case.handoff.accepted', 'govhall.case.v1.HandoffAccepted', caseEvents.HandoffAccepted),
  handoffProgressed: contract(
    'case.handoff.progressed',
    'govhall.case.v1.HandoffProgressed',
    caseEvents.HandoffProgressed,
  ),
});

const timingMessage = (name: string): string => `govhall.timing.v1.${name}`;

/** The timing service's events (`proto/govhall/timing/v1/events.proto`): notify and evaluation consume them. */
export const TimingEvents = defineEvents({
  warningIssued: contract('timing.warning.issued', timingMessage('WarningIssued'), timing.WarningIssued),
  yellowCard: contract('timing.card.yellow', timingMessage('CardIssued'), timing.CardIssued),
  redCard: contract('timing.card.red', timingMessage('CardIssued'), timing.CardIssued),
  cardCancelled: contract('timing.card.cancelled', timingMessage('CardCancelled'), timing.CardCancelled),
  ruleBreached: contract('timing.rule.breached', timingMessage('RuleBreached'), timing.RuleBreached),
});

/** The notification service's events (`proto/govhall/notify/v1/events.proto`); phones in them are masked. */
export const NotifyEvents = defineEvents({
  smsSent: contract('notify.sms.sent', 'govhall.notify.v1.DispatchChanged', notify.DispatchChanged),
  smsFailed: contract('notify.sms.failed', 'govhall.notify.v1.DispatchChanged', notify.DispatchChanged),
});

const feeMessage = (name: string): string => `govhall.fee.v1.${name}`;

/** The fee service's events (`proto/govhall/fee/v1/events.proto`): the case service, timing and evaluation consume them. */
export const FeeEvents = defineEvents({
  billOpened: contract('fee.bill.opened', feeMessage('BillChanged'), fee.BillChanged),
  billAssessed: contract('fee.bill.assessed', feeMessage('BillChanged'), fee.BillChanged),
  billIssued: contract('fee.bill.issued', feeMessage('BillChanged'), fee.BillChanged),
  billPaid: contract('fee.bill.paid', feeMessage('BillChanged'), fee.BillChanged),
  billCancelled: contract('fee.bill.cancelled', feeMessage('BillChanged'), fee.BillChanged),
  billRefunded: contract('fee.bill.refunded', feeMessage('BillChanged'), fee.BillChanged),
  caseFeesPaid: contract('fee.case.fees_paid', feeMessage('CaseFeesPaid'), fee.CaseFeesPaid),
  lineAboveStandard: contract('fee.line.above_standard', feeMessage('LineAboveStandard'), fee.LineAboveStandard),
  paymentRefundRequired: contract(
    'fee.payment.refund_required',
    feeMessage('PaymentRefundRequired'),
    fee.PaymentRefundRequired,
  ),
  depositReceived: contract('fee.deposit.received', feeMessage('DepositChanged'), fee.DepositChanged),
  depositRefundApplied: contract('fee.deposit.refund_applied', feeMessage('DepositChanged'), fee.DepositChanged),
  depositSigned: contract('fee.deposit.signed', feeMessage('DepositChanged'), fee.DepositChanged),
  depositRefunded: contract('fee.deposit.refunded', feeMessage('DepositChanged'), fee.DepositChanged),
  reconciliationMismatched: contract(
    'fee.reconciliation.mismatched',
    feeMessage('ReconciliationMismatched'),
    fee.ReconciliationMismatched,
  ),
});

const evaluationMessage = (name: string): string => `govhall.evaluation.v1.${name}`;

/**
 * The evaluation service's events (`proto/govhall/evaluation/v1/events.proto`): notify sends the rating link; no
 * event carries who rated.
 */
export const EvaluationEvents = defineEvents({
  ratingInvited: contract('evaluation.rating.invited', evaluationMessage('RatingInvited'), evaluation.RatingInvited),
  ratingRecorded: contract(
    'evaluation.rating.recorded',
    evaluationMessage('RatingRecorded'),
    evaluation.RatingRecorded,
  ),
  rectificationOpened: contract(
    'evaluation.rectification.opened',
    evaluationMessage('RectificationChanged'),
    evaluation.RectificationChanged,
  ),
  rectificationResolved: contract(
    'evaluation.rectification.resolved',
    evaluationMessage('RectificationChanged'),
    evaluation.RectificationChanged,
  ),
  rectificationAppealed: contract(
    'evaluation.rectification.appealed',
    evaluationMessage('RectificationChanged'),
    evaluation.RectificationChanged,
  ),
  rectificationWithdrawn: contract(
    'evaluation.rectification.withdrawn',
    evaluationMessage('RectificationChanged'),
    evaluation.RectificationChanged,
  ),
  complaintFiled: contract(
    'evaluation.complaint.filed',
    evaluationMessage('ComplaintChanged'),
    evaluation.ComplaintChanged,
  ),
  complaintAdvanced: contract(
    'evaluation.complaint.advanced',
    evaluationMessage('ComplaintChanged'),
    evaluation.ComplaintChanged,
  ),
  monthPublished: contract('evaluation.month.published', evaluationMessage('MonthChanged'), evaluation.MonthChanged),
  monthCorrected: contract('evaluation.month.corrected', evaluationMessage('MonthChanged'), evaluation.MonthChanged),
});
