/**
 * @govhall/documents: the printable documents of the halls, shared by the intake, case, fee and evaluation services —
 * 受理通知书, 补正材料通知书（一次性告知书）, 不予受理通知书, 受理通知单（材料流转单） and the decisions
 * 准予行政许可决定书, 不予行政许可决定书 and 撤销行政许可决定书, the fee service's 缴费通知单 and the
 * evaluation service's 窗口工作人员考核情况通报, each as a self-contained HTML page (A4 print styles) and as a
 * PDF with an embedded Noto Sans SC subset. A hall's own lines come from its {@link HallDocumentTemplate}, data
 * validated by {@link hallDocumentTemplateSchema}.
 */
export {
  CHANNELS,
  COLLECTION_METHODS,
  FEE_STANDARD_KINDS,
  MATERIAL_STATUSES,
  SUPPLEMENT_PROBLEMS,
  acceptanceNoticeSchema,
  assessmentCorrectionSchema,
  assessmentNoticeSchema,
  assessmentReasonSchema,
  assessmentStaffSchema,
  assessmentWindowSchema,
  handlingSchema,
  hallDocumentSchema,
  legalBasisSchema,
  parseHallDocument,
  partySchema,
  paymentNoticeLineSchema,
  paymentNoticeSchema,
  permitDecisionSchema,
  refusalDecisionSchema,
  refusalNoticeSchema,
  registrationSlipSchema,
  revocationDecisionSchema,
  supplementNoticeSchema,
} from './documents';
export type {
  AcceptanceNotice,
  AssessmentCorrection,
  AssessmentNotice,
  AssessmentNoticeInput,
  AssessmentReason,
  AssessmentStaff,
  AssessmentWindow,
  Channel,
  CollectionMethod,
  FeeStandardKind,
  HallDocument,
  HallDocumentInput,
  Handling,
  LegalBasis,
  MaterialStatus,
  Party,
  PaymentNotice,
  PaymentNoticeInput,
  PaymentNoticeLine,
  PermitDecision,
  PermitDecisionInput,
  RefusalDecision,
  RefusalDecisionInput,
  RefusalNotice,
  RegistrationSlip,
  RevocationDecision,
  RevocationDecisionInput,
  SupplementNotice,
  SupplementProblem,
} from './documents';
export { InvalidDocumentError, InvalidTemplateError } from './errors';
export { formatDate, formatDateTime } from './format';
export { chineseCapitalAmount, formatQuantity, formatYuan } from './money';
export { renderDocument, renderHtml, renderPdf } from './render';
export type { DocumentFormat, RenderedDocument } from './render';
export {
  DEFAULT_TITLES,
  DOCUMENT_KINDS,
  defaultTemplateFor,
  hallDocumentTemplateSchema,
  parseHallDocumentTemplate,
} from './template';
export type { DocumentKind, HallDocumentTemplate, HallDocumentTemplateInput } from './template';
