import { caseV1 } from '@govhall/contracts';
import { defaultTemplateFor, renderDocument, type HallDocumentInput } from '@govhall/documents';
import { PreconditionFailedError, ValidationError, type Actor, type Clock } from '@govhall/kit';
import type { CaseCatalogue } from './catalogue';
import type { CaseService } from './case-service';

const D = caseV1.DecisionKind;
const COLLECTION: Readonly<Record<string, 'window' | 'appointment' | 'express'>> = {
  [caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW]: 'window',
  [caseV1.DeliveryMethod.DELIVERY_METHOD_APPOINTMENT]: 'appointment',
  [caseV1.DeliveryMethod.DELIVERY_METHOD_EXPRESS]: 'express',
};

/**
 * The decision documents (许可决定书 / 不予许可决定书 / 撤销决定书), printable only from the system: rendered from the
 * stored case each time, never from what a caller sends.
 */
export class CaseDocuments {
  constructor(private readonly o: { service: CaseService; catalogue: CaseCatalogue; clock: Clock }) {}

  async render(actor: Actor, r: caseV1.RenderDecisionRequest): Promise<caseV1.RenderDecisionResponse> {
    const format = r.format === 'pdf' || r.format === 'html' ? r.format : undefined;
    if (!format) throw ValidationError.single('format', 'html or pdf');
    if (!r.caseId) throw ValidationError.single('case_id', 'is required');
    const { case: c } = await this.o.service.readableCase(actor, { caseId: r.caseId });
    const decision = c.decision;
    if (!decision || decision.kind === D.DECISION_KIND_UNSPECIFIED) {
      throw new PreconditionFailedError(`case ${c.caseNumber} has no decision yet`);
    }
    const [hall, department, window] = await Promise.all([
      this.o.catalogue.hall(c.approvingHallId),
      this.o.catalogue.department(decision.departmentId || c.approvingDepartmentId),
      c.delivery?.windowId ? this.o.catalogue.window(c.delivery.windowId) : Promise.resolve(undefined),
    ]);
    const template = defaultTemplateFor({ hallName: hall?.name ?? '', complaintPhone: hall?.complaintPhone ?? '' });
    const content = c.item?.content;
    const legalBasis = (content?.legalBasis ?? []).map((b) => ({
      name: b.name,
      ...(b.article ? { article: b.article } : {}),
    }));
    const common = {
      department: department?.name ?? '',
      documentNumber: decision.documentNumber,
      caseNumber: c.caseNumber,
      itemName: content?.name ?? '',
      applicant: { name: c.applicantName },
      decidedAt: decision.decidedAt ?? this.o.clock.now(),
    };
    let doc: HallDocumentInput;
    if (decision.kind === D.DECISION_KIND_REFUSED) {
      doc = { kind: 'refusal_decision', ...common, reason: decision.reason, legalBasis };
    } else if (decision.kind === D.DECISION_KIND_REVOKED) {
      const revokedAt = c.commitmentVerification?.verifiedAt ?? this.o.clock.now();
      doc = {
        kind: 'revocation_decision',
        ...common,
        documentNumber: decision.documentNumber.replace('准予许可', '撤销许可'),
        decidedAt: revokedAt,
        originalDecision: { documentNumber: decision.documentNumber, decidedAt: common.decidedAt },
        finding: decision.reason,
        revokedCertificates: c.certificates.map((x) => ({ name: x.name, number: x.number })),
      };
    } else {
      const method = c.delivery ? COLLECTION[c.delivery.method] : undefined;
      doc = {
        kind: 'permit_decision',
        ...common,
        legalBasis,
        ...(decision.kind === D.DECISION_KIND_APPROVED_ON_COMMITMENT
          ? { commitment: c.commitmentVerification?.dueAt ? { verificationDueAt: c.commitmentVerification.dueAt } : {} }
          : {}),
        certificates: c.certificates.map((x) => ({
          name: x.name,
          number: x.number,
          ...(x.validUntil ? { validUntil: x.validUntil } : {}),
        })),
        ...(method
          ? {
              collection: {
                method,
                ...(method !== 'express' && window ? { window: `${window.number}号窗口（${window.name}）` } : {}),
                ...(method === 'appointment' && c.delivery?.appointmentAt
                  ? { appointmentAt: c.delivery.appointmentAt }
                  : {}),
                ...(method === 'express'
                  ? { expressCompany: c.delivery!.expressCompany, trackingNumber: c.delivery!.trackingNumber }
                  : {}),
              },
            }
          : {}),
      };
    }
    return renderDocument(doc, template, format, { createdAt: this.o.clock.now() });
  }
}
