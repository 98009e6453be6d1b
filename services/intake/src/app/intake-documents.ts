import { limitText as printedLimit } from '@govhall/calendar';
import type { CatalogueReader } from '@govhall/catalogue-client';
import { type catalogueItemsV1, intakeV1 as pb } from '@govhall/contracts';
import {
  defaultTemplateFor,
  InvalidTemplateError,
  parseHallDocumentTemplate,
  renderDocument,
  type HallDocumentInput,
  type HallDocumentTemplateInput,
} from '@govhall/documents';
import {
  PermissionDeniedError,
  PreconditionFailedError,
  ValidationError,
  type Actor,
  type Clock,
  messageResult,
  protoFieldName,
} from '@govhall/kit';
import { verifyQueryPassword } from '@govhall/kit';
import { calendarLimit } from '../domain/registration';
import { staffOf, type CommandMeta, type IntakeService } from './intake-service';
import type { RegistrationStore, StoredRegistration } from './registration-ports';

const S = pb.RegistrationStatus;
const CHANNELS: Record<string, 'hall_window' | 'online_pre_review' | 'agent' | 'township'> = {
  [pb.Channel.CHANNEL_HALL_WINDOW]: 'hall_window',
  [pb.Channel.CHANNEL_ONLINE_PRE_REVIEW]: 'online_pre_review',
  [pb.Channel.CHANNEL_AGENT]: 'agent',
  [pb.Channel.CHANNEL_TOWNSHIP]: 'township',
};
const STATUSES: Record<string, 'submitted' | 'on_file' | 'missing'> = {
  [pb.MaterialStatus.MATERIAL_STATUS_SUBMITTED]: 'submitted',
  [pb.MaterialStatus.MATERIAL_STATUS_ON_FILE]: 'on_file',
  [pb.MaterialStatus.MATERIAL_STATUS_MISSING]: 'missing',
};
/** 即办 for no limit or a zero one; an unset unit prints as working days, as calendarLimit reads it. */
const limitText = (l: catalogueItemsV1.TimeLimit | undefined) =>
  l && l.amount !== 0 ? printedLimit(calendarLimit(l)) : '即办';

/** The printable documents of a registration and the halls' templates (the @govhall/documents package renders). */
export class IntakeDocuments {
  constructor(
    private readonly o: {
      store: RegistrationStore;
      catalogue: CatalogueReader;
      service: IntakeService;
      clock: Clock;
    },
  ) {}

  async getTemplate(actor: Actor, hallId: string): Promise<pb.DocumentTemplate> {
    staffOf(actor);
    return this.templateOf(hallId);
  }

  private async templateOf(hallId: string): Promise<pb.DocumentTemplate> {
    const stored = await this.o.store.template(hallId);
    if (stored) return stored;
    const hall = await this.o.catalogue.hall(hallId);
    if (!hall) throw ValidationError.single('hall_id', '政务服务中心不存在');
    const t = defaultTemplateFor({
      hallName: hall.name,
      complaintPhone: hall.complaintPhone || '12345',
      complaintUrl: hall.complaintUrl || undefined,
    });
    return {
      hallId,
      header: t.header,
      subtitle: t.subtitle ?? '',
      sealText: t.sealText,
      complaintPhone: t.complaintPhone,
      complaintUrl: t.complaintUrl ?? '',
      queryInstructions: t.queryInstructions ?? '',
      footerLines: t.footerLines,
      isDefault: true,
      version: 0,
    };
  }

  async setTemplate(
    meta: CommandMeta,
    actor: Actor,
    r: pb.SetDocumentTemplateRequest,
  ): Promise<pb.SetDocumentTemplateResponse> {
    const staff = staffOf(actor);
    const t = r.template;
    if (!t) throw ValidationError.single('template', '必须填写模板');
    if (staff.hallId !== t.hallId || !staff.roles.includes('administrator'))
      throw new PermissionDeniedError('只有本中心的管理员可以设置文书模板');
    try {
      parseHallDocumentTemplate(templateInput(t));
    } catch (error) {
      if (!(error instanceof InvalidTemplateError)) throw error;
      throw new ValidationError(
        error.violations.map((x) => ({ field: `template.${protoFieldName(x.field)}`, description: x.description })),
      );
    }
    const current = await this.o.store.template(t.hallId);
    const template: pb.DocumentTemplate = { ...t, isDefault: false, version: (current?.version ?? 0) + 1 };
    return this.o.store.command(
      {
        requestId: meta.requestId,
        operation: 'SetDocumentTemplate',
        request: pb.SetDocumentTemplateRequest.toJSON(r),
        result: messageResult(pb.SetDocumentTemplateResponse),
      },
      async (tx) => {
        await tx.saveTemplate(template);
        return { template };
      },
    );
  }

  async render(actor: Actor, r: pb.RenderDocumentRequest): Promise<pb.RenderDocumentResponse> {
    const stored = await this.o.service.registrationForDocument(actor, r.registrationId);
    const format =
      r.format === pb.DocumentFormat.DOCUMENT_FORMAT_PDF
        ? 'pdf'
        : r.format === pb.DocumentFormat.DOCUMENT_FORMAT_HTML
          ? 'html'
          : undefined;
    if (!format) throw ValidationError.single('format', '必须选择 HTML 或 PDF');
    const document = await this.documentOf(stored, r);
    const template = templateInput(await this.templateOf(stored.registration.hallId));
    return renderDocument(document, template, format, { createdAt: this.o.clock.now() });
  }

  private async documentOf(stored: StoredRegistration, r: pb.RenderDocumentRequest): Promise<HallDocumentInput> {
    const reg = stored.registration;
    const a = reg.applicant!;
    const applicant = {
      name: a.name,
      ...(a.idNumberMasked
        ? { idType: '证件号码', idNumber: a.idNumberMasked }
        : a.creditCode
          ? { idType: '统一社会信用代码', idNumber: a.creditCode }
          : {}),
      ...(a.phoneMasked && a.phoneMasked !== '****' ? { phone: a.phoneMasked } : {}),
    };
    const window = await this.o.catalogue.window(reg.acceptance?.windowId || reg.refusal?.windowId || reg.windowId);
    const staffId =
      reg.acceptance?.handlerStaffId ||
      reg.refusal?.refusedByStaffId ||
      reg.supplementNotices.at(-1)?.requestedByStaffId ||
      reg.registeredByStaffId;
    const staff = await this.o.catalogue.staff(staffId);
    const handling = {
      window: window ? `${window.number}（${window.name}）`.slice(0, 60) : '窗口',
      staff: staff?.name ?? staffId.slice(0, 40),
    };
    switch (r.kind) {
      case pb.DocumentKind.DOCUMENT_KIND_REGISTRATION_SLIP:
        return {
          kind: 'registration_slip',
          registrationNumber: reg.number,
          itemName: reg.itemName,
          catalogueVersion: reg.itemVersion,
          situations: reg.situationCodes,
          applicant,
          ...(reg.agentName ? { agent: { name: reg.agentName, role: '代办员' } } : {}),
          channel: CHANNELS[reg.channel] ?? 'hall_window',
          registeredAt: reg.registeredAt!,
          acceptanceDue: { limit: `${limitText(reg.acceptanceLimit)}内`, at: reg.acceptanceDueAt! },
          materials: reg.materials.map((m) => ({
            name: m.name,
            ...(m.copies ? { copies: m.copies } : {}),
            status: STATUSES[m.status] ?? 'missing',
            ...(m.status === pb.MaterialStatus.MATERIAL_STATUS_ON_FILE
              ? {
                  onFileFrom:
                    `${m.onFileReference}${m.onFileIssuer ? `（${m.onFileIssuer}）` : ''}`.slice(0, 200) || '证照库',
                }
              : {}),
          })),
          handling,
        };
      case pb.DocumentKind.DOCUMENT_KIND_ACCEPTANCE_NOTICE: {
        const acc = reg.acceptance;
        if (
          !acc ||
          ![
            S.REGISTRATION_STATUS_ACCEPTED,
            S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING,
            S.REGISTRATION_STATUS_COMPLETED,
          ].includes(reg.status)
        )
          throw new PreconditionFailedError('受理通知书只能在受理之后出具：本申请尚未受理');
        if (
          r.queryPassword &&
          !(stored.queryPasswordHash && (await verifyQueryPassword(r.queryPassword, stored.queryPasswordHash)))
        )
          throw ValidationError.single('query_password', '查询密码与受理时告知的不符');
        const missing = reg.materials.filter((m) => m.supplementDueAt);
        return {
          kind: 'acceptance_notice',
          caseNumber: acc.caseNumber,
          itemName: reg.itemName,
          applicant,
          acceptedAt: acc.acceptedAt!,
          promisedLimit: limitText(acc.promisedLimit),
          promisedDate: acc.promisedDate,
          ...(r.queryPassword ? { queryPassword: r.queryPassword } : {}),
          ...(acc.commitment && missing.length > 0
            ? {
                commitment: {
                  signedBy: acc.commitment.signedBy.slice(0, 50),
                  materials: missing.map((m) => ({ name: m.name, supplementDueAt: m.supplementDueAt! })),
                },
              }
            : {}),
          handling,
        };
      }
      case pb.DocumentKind.DOCUMENT_KIND_SUPPLEMENT_NOTICE: {
        const notice =
          r.sequence > 0 ? reg.supplementNotices.find((n) => n.sequence === r.sequence) : reg.supplementNotices.at(-1);
        if (!notice)
          throw new PreconditionFailedError(r.sequence > 0 ? `没有第 ${r.sequence} 次补正告知` : '本申请没有补正告知');
        return {
          kind: 'supplement_notice',
          registrationNumber: reg.number,
          itemName: reg.itemName,
          applicant,
          sequence: notice.sequence,
          entries: notice.entries.map((e) => ({
            materialName: e.materialName,
            problem:
              e.problem === pb.SupplementProblem.SUPPLEMENT_PROBLEM_NON_CONFORMING ? 'non_conforming' : 'missing',
            reason: e.reason,
          })),
          requestedAt: notice.requestedAt!,
          handling,
        };
      }
      case pb.DocumentKind.DOCUMENT_KIND_REFUSAL_NOTICE: {
        const refusal = reg.refusal;
        if (!refusal) throw new PreconditionFailedError('本申请未被不予受理，不能出具不予受理通知书');
        return {
          kind: 'refusal_notice',
          registrationNumber: reg.number,
          itemName: reg.itemName,
          applicant,
          reason: refusal.reason,
          ...(refusal.legalBasis.length >= 2 ? { legalBasis: refusal.legalBasis } : {}),
          refusedAt: refusal.refusedAt!,
          handling,
        };
      }
      case pb.DocumentKind.DOCUMENT_KIND_UNSPECIFIED:
      case pb.DocumentKind.UNRECOGNIZED:
        throw ValidationError.single('kind', '必须选择文书种类');
    }
  }
}

function templateInput(t: pb.DocumentTemplate): HallDocumentTemplateInput {
  return {
    header: t.header,
    ...(t.subtitle ? { subtitle: t.subtitle } : {}),
    sealText: t.sealText,
    complaintPhone: t.complaintPhone,
    ...(t.complaintUrl ? { complaintUrl: t.complaintUrl } : {}),
    ...(t.queryInstructions ? { queryInstructions: t.queryInstructions } : {}),
    footerLines: t.footerLines,
  };
}
