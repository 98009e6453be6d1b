/** The contract's messages from the service's own types, and back (one mapping each way). */
import { notifyV1 as pb } from '@govhall/contracts';
import { enumCodec } from '@govhall/kit';
import type { AttemptRecord, Dispatch, DispatchStatus, RecipientKind } from '../domain/dispatch';
import type { AttemptOutcomeKind } from '../domain/policy';
import type { ApprovingProvider, Audience, Template, TemplateCategory, TemplateDraft } from '../domain/templates';

export const categoryCodec = enumCodec<TemplateCategory>()(pb.TemplateCategory, {
  TEMPLATE_CATEGORY_NOTIFICATION: 'notification',
  TEMPLATE_CATEGORY_VERIFICATION: 'verification',
  TEMPLATE_CATEGORY_MARKETING: 'marketing',
});
export const audienceCodec = enumCodec<Audience>()(pb.Audience, {
  AUDIENCE_APPLICANT: 'applicant',
  AUDIENCE_STAFF: 'staff',
});
export const recipientKindCodec = enumCodec<RecipientKind>()(pb.RecipientKind, {
  RECIPIENT_KIND_APPLICANT: 'applicant',
  RECIPIENT_KIND_STAFF: 'staff',
  RECIPIENT_KIND_APPOINTMENT: 'appointment',
});
export const statusCodec = enumCodec<DispatchStatus>()(pb.DispatchStatus, {
  DISPATCH_STATUS_PENDING: 'pending',
  DISPATCH_STATUS_SENDING: 'sending',
  DISPATCH_STATUS_SENT: 'sent',
  DISPATCH_STATUS_DELIVERED: 'delivered',
  DISPATCH_STATUS_UNDELIVERED: 'undelivered',
  DISPATCH_STATUS_DEAD: 'dead',
  DISPATCH_STATUS_CANCELLED: 'cancelled',
});
export const outcomeCodec = enumCodec<AttemptOutcomeKind>()(pb.AttemptOutcome, {
  ATTEMPT_OUTCOME_ACCEPTED: 'accepted',
  ATTEMPT_OUTCOME_THROTTLED: 'throttled',
  ATTEMPT_OUTCOME_TRANSIENT: 'transient',
  ATTEMPT_OUTCOME_PROVIDER_REFUSED: 'provider_refused',
  ATTEMPT_OUTCOME_INVALID_RECIPIENT: 'invalid_recipient',
  ATTEMPT_OUTCOME_NOT_SENDABLE: 'not_sendable',
});

export function templateToProto(t: Template): pb.Template {
  return {
    code: t.code,
    version: t.version,
    name: t.name,
    category: categoryCodec.toProto(t.category),
    audience: audienceCodec.toProto(t.audience),
    text: t.text,
    variables: [...t.variables],
    holdInQuietHours: t.holdInQuietHours,
    providers: t.providers.map((p) => ({ provider: p.provider, templateId: p.templateId, signName: p.signName })),
    savedAt: t.savedAt,
    savedBy: t.savedBy,
  };
}

export function templateFromProto(t: pb.Template): Template {
  return { ...draftFromProto(t), version: t.version, variables: t.variables, savedAt: t.savedAt!, savedBy: t.savedBy };
}

/** A draft from a request; an unknown enum value reads as undefined, which the template rules name. */
export function draftFromProto(r: Omit<pb.SaveTemplateRequest, 'requestId' | 'expectedVersion'>): TemplateDraft {
  return {
    code: r.code,
    name: r.name,
    category: categoryCodec.fromProto(r.category) as TemplateCategory,
    audience: audienceCodec.fromProto(r.audience) as Audience,
    text: r.text,
    holdInQuietHours: r.holdInQuietHours,
    providers: r.providers.map((p) => ({
      provider: p.provider as ApprovingProvider,
      templateId: p.templateId,
      signName: p.signName,
    })),
  };
}

export function dispatchToProto(d: Dispatch, history: readonly AttemptRecord[] = []): pb.Dispatch {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    caseId: d.caseId,
    caseNumber: d.caseNumber,
    hallId: d.hallId,
    templateCode: d.templateCode,
    templateVersion: d.templateVersion,
    recipient: { kind: recipientKindCodec.toProto(d.recipient.kind), id: d.recipient.id },
    phoneMasked: d.phoneMasked,
    status: statusCodec.toProto(d.status),
    waitingFor: d.status === 'pending' ? d.waitingFor : '',
    ...(d.status === 'pending' && d.nextAttemptAt ? { nextAttemptAt: d.nextAttemptAt } : {}),
    provider: d.provider,
    providerMessageId: d.providerMessageId,
    attempts: d.attempts,
    lastError: d.lastError,
    text: d.text,
    createdAt: d.createdAt,
    ...(d.sentAt ? { sentAt: d.sentAt } : {}),
    ...(d.deliveredAt ? { deliveredAt: d.deliveredAt } : {}),
    urgent: d.urgent,
    history: history.map((a) => ({
      number: a.number,
      provider: a.provider,
      outcome: outcomeCodec.toProto(a.outcome),
      code: a.code,
      message: a.message,
      at: a.at,
    })),
  };
}
