/** The notify service's commands and queries (the gRPC handlers call these). */
import { localDateOf } from '@govhall/calendar';
import { notifyV1 as pb } from '@govhall/contracts';
import {
  NotFoundError,
  PermissionDeniedError,
  ValidationError,
  nextPageToken,
  readPage,
  type Actor,
  type Clock,
  type FieldViolation,
  type Logger,
} from '@govhall/kit';
import { TemplateCodes } from '../domain/default-templates';
import type { DispatchStatus, PlannedMessage } from '../domain/dispatch';
import { chinaTimeOfDayMs, minutesOfDay } from '../domain/policy';
import { dateWording } from '../domain/wording';
import { render, templateViolations } from '../domain/templates';
import { dispatchToProto, draftFromProto, recipientKindCodec, statusCodec, templateToProto } from './messages';
import type { Directory, NotifyStore } from './ports';
import type { HallSettingsBook } from './settings';
import type { DeliveryReceipt } from './sms-provider';

export interface NotifyServiceOptions {
  readonly store: NotifyStore;
  readonly settings: HallSettingsBook;
  readonly directory: Directory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly defaultSignName: string;
  /** New messages are in the log: the dispatch loop looks now. */
  readonly onPlanned?: () => void;
}

/** A hall's log is its administrators' and supervisors'; services see every hall. */
function requireHall(actor: Actor, hallId: string): void {
  if (actor.kind === 'service') return;
  if (actor.kind !== 'staff') throw new PermissionDeniedError('staff or a service only');
  if (actor.hallId !== hallId)
    throw new PermissionDeniedError(
      `the log of hall ${hallId} is its own staff's; the caller is of ${actor.hallId || 'none'}`,
    );
}

const PAGE = { defaultSize: 50, maxSize: 200 };

function staffId(actor: Actor): string {
  return actor.kind === 'staff' ? actor.staffId : actor.kind === 'service' ? `service:${actor.service}` : 'anonymous';
}

export class NotifyService {
  constructor(private readonly o: NotifyServiceOptions) {}

  // ---- templates --------------------------------------------------------------------------------------------

  async saveTemplate(actor: Actor, r: pb.SaveTemplateRequest): Promise<pb.SaveTemplateResponse> {
    const draft = draftFromProto(r);
    const problems = templateViolations(draft);
    if (r.expectedVersion < 0) problems.push({ field: 'expected_version', description: 'must be 0 or more' });
    if (problems.length > 0) throw new ValidationError(problems);
    const saved = await this.o.store.saveTemplate(
      r.requestId,
      { ...draft, name: draft.name.trim() },
      r.expectedVersion,
      staffId(actor),
    );
    return { template: templateToProto(saved) };
  }

  async getTemplate(r: pb.GetTemplateRequest): Promise<pb.GetTemplateResponse> {
    if (!r.code) throw ValidationError.single('code', 'is required');
    if (r.version < 0) throw ValidationError.single('version', 'must be 0 (current) or a version');
    const template = await this.o.store.template(r.code, r.version || undefined);
    if (!template) throw new NotFoundError('template', r.version ? `${r.code} v${r.version}` : r.code);
    return { template: templateToProto(template) };
  }

  async listTemplates(): Promise<pb.ListTemplatesResponse> {
    return { templates: (await this.o.store.templates()).map(templateToProto) };
  }

  async renderTemplate(r: pb.RenderTemplateRequest): Promise<pb.RenderTemplateResponse> {
    const { template } = await this.getTemplate({ code: r.code, version: r.version });
    const sign = template!.providers[0]?.signName ?? this.o.defaultSignName;
    const rendered = render(template!, r.variables, sign);
    return { text: rendered.text, length: rendered.length, parts: rendered.parts };
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  async send(r: pb.SendRequest): Promise<pb.SendResponse> {
    const problems: FieldViolation[] = [];
    const kind = recipientKindCodec.fromProto(r.recipient?.kind);
    if (!kind) problems.push({ field: 'recipient.kind', description: 'APPLICANT, STAFF or APPOINTMENT' });
    if (!r.recipient?.id) problems.push({ field: 'recipient.id', description: 'is required' });
    if (!r.hallId) problems.push({ field: 'hall_id', description: 'is required' });
    if (!r.templateCode) problems.push({ field: 'template_code', description: 'is required' });
    if (problems.length > 0) throw new ValidationError(problems);
    const template = await this.o.store.template(r.templateCode);
    if (!template) throw new NotFoundError('template', r.templateCode);
    if (template.category === 'marketing')
      throw ValidationError.single('template_code', 'marketing templates are not sent by the platform');
    if ((template.audience === 'staff') !== (kind === 'staff'))
      throw ValidationError.single('recipient.kind', `template ${template.code} is for ${template.audience}`);
    // Refused now, not at the first attempt: the caller can still fix it.
    render(template, r.variables, this.o.defaultSignName);
    const message: PlannedMessage = {
      templateCode: r.templateCode,
      recipient: { kind: kind!, id: r.recipient!.id },
      variables: r.variables,
      caseId: r.caseId,
      caseNumber: r.caseNumber,
      hallId: r.hallId,
      urgent: r.urgent,
    };
    const id = await this.o.store.send(r.requestId, pb.SendRequest.toJSON(r), message);
    this.o.onPlanned?.();
    return { dispatch: dispatchToProto((await this.o.store.dispatch(id))!.dispatch) };
  }

  async resend(actor: Actor, r: pb.ResendRequest): Promise<pb.ResendResponse> {
    if (!r.id) throw ValidationError.single('id', 'is required');
    const found = await this.o.store.dispatch(r.id);
    if (!found) throw new NotFoundError('dispatch', r.id);
    requireHall(actor, found.dispatch.hallId);
    const current = await this.o.store.template(found.dispatch.templateCode);
    const resent = await this.o.store.resend(r.requestId, r.id, current?.version ?? found.dispatch.templateVersion);
    this.o.logger.info({ dispatchId: r.id, by: staffId(actor) }, 'dead letter resent');
    this.o.onPlanned?.();
    return { dispatch: dispatchToProto(resent) };
  }

  // ---- the log ----------------------------------------------------------------------------------------------

  async getDispatch(actor: Actor, r: pb.GetDispatchRequest): Promise<pb.GetDispatchResponse> {
    if (!r.id) throw ValidationError.single('id', 'is required');
    const found = await this.o.store.dispatch(r.id);
    if (!found) throw new NotFoundError('dispatch', r.id);
    requireHall(actor, found.dispatch.hallId);
    return { dispatch: dispatchToProto(found.dispatch, found.history) };
  }

  async listDispatches(actor: Actor, r: pb.ListDispatchesRequest): Promise<pb.ListDispatchesResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId === !r.caseId)
      violations.push({ field: 'hall_id', description: 'give exactly one of hall_id and case_id' });
    const status = statusCodec.fromProto(r.status);
    if (r.status !== pb.DispatchStatus.DISPATCH_STATUS_UNSPECIFIED && !status)
      violations.push({ field: 'status', description: 'a DISPATCH_STATUS_ value' });
    const scope = [r.hallId, r.caseId, r.status, r.templateCode].join('|');
    const window = readPage({ size: r.pageSize, token: r.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    if (r.hallId) requireHall(actor, r.hallId);
    const rows = await this.o.store.listDispatches({
      ...(r.hallId ? { hallId: r.hallId } : {}),
      ...(r.caseId ? { caseId: r.caseId } : {}),
      ...(status ? { status } : {}),
      ...(r.templateCode ? { templateCode: r.templateCode } : {}),
      offset: window.offset,
      limit: window.limit + 1,
    });
    // A case's messages are its accepting hall's (each row names it).
    for (const row of rows) requireHall(actor, row.hallId);
    return {
      dispatches: rows.slice(0, window.limit).map((d) => dispatchToProto(d)),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  // ---- settings ---------------------------------------------------------------------------------------------

  async getHallSettings(r: pb.GetHallSettingsRequest): Promise<pb.GetHallSettingsResponse> {
    return { settings: await this.o.settings.get(r.hallId) };
  }

  async setHallSettings(actor: Actor, r: pb.SetHallSettingsRequest): Promise<pb.SetHallSettingsResponse> {
    if (r.settings?.hallId) requireHall(actor, r.settings.hallId);
    return { settings: await this.o.settings.set(r.requestId, r) };
  }

  // ---- receipts ---------------------------------------------------------------------------------------------

  /** Applies a provider's receipts; answers how many matched a message. */
  async receipts(receipts: readonly DeliveryReceipt[]): Promise<number> {
    let matched = 0;
    for (const receipt of receipts) if (await this.o.store.applyReceipt(receipt)) matched++;
    if (matched < receipts.length)
      this.o.logger.info({ receipts: receipts.length, matched }, 'receipts without a message (another deployment?)');
    return matched;
  }

  /** Every message by status and what a pending one waits for (the embedded start's banner). */
  tally(): Promise<Array<{ status: DispatchStatus; waitingFor: string; count: number }>> {
    return this.o.store.tally();
  }

  // ---- daily summary (每日情况通报) ---------------------------------------------------------------------------

  /** Plans today's summary of every hall that asked for one and whose hour has come (once per hall and day). */
  async planDailySummaries(): Promise<number> {
    const now = this.o.clock.now();
    const day = localDateOf(now);
    const minute = Math.floor(chinaTimeOfDayMs(now) / 60_000);
    let planned = 0;
    for (const settings of await this.o.store.dailySummaryHalls()) {
      const at = minutesOfDay(settings.dailySummaryAt);
      if (at === undefined || minute < at) continue;
      const messages: PlannedMessage[] = [];
      for (const counts of await this.o.store.windowDay(settings.hallId, day)) {
        const window = (await this.o.directory.windowName(counts.windowId)) ?? counts.windowId;
        const staffAtWindow = await this.o.directory.staffAtWindow(settings.hallId, counts.windowId);
        if (staffAtWindow.length === 0)
          this.o.logger.info(
            { hallId: settings.hallId, window },
            'no staff sits at this window: its summary goes to nobody',
          );
        for (const staff of staffAtWindow)
          messages.push({
            templateCode: TemplateCodes.dailySummary,
            recipient: { kind: 'staff', id: staff },
            variables: {
              date: dateWording(now),
              window,
              accepted: String(counts.accepted),
              completed: String(counts.completed),
              reminders: String(counts.reminders),
              yellow: String(counts.yellow),
              red: String(counts.red),
            },
            caseId: '',
            caseNumber: '',
            hallId: settings.hallId,
            urgent: false,
          });
      }
      if (await this.o.store.planDailySummary(settings.hallId, day, messages)) planned += messages.length;
    }
    if (planned > 0) this.o.onPlanned?.();
    return planned;
  }
}
