import { isIsoDate, localDateOf } from '@govhall/calendar';
import type { CatalogueReader } from '@govhall/catalogue-client';
import {
  evaluationV1 as pb,
  timingV1,
  type caseEventsV1,
  type feeEventsV1,
  type timingEventsV1,
} from '@govhall/contracts';
import {
  AlreadyExistsError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  ValidationError,
  maskMobile,
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
import type { EvaluationTx, PgEvaluationStore, StoredRating } from '../adapters/store/pg-evaluation-store';
import { responsibleStaffOf, workingDaysOf, type CaseRecord } from '../domain/cases';
import { accepted, advance } from '../domain/complaints';
import {
  GATEWAY_CHANNELS,
  defaultSettings,
  isBad,
  levelNumber,
  linkIdOf,
  newLinkId,
  orderedScores,
  scoreViolations,
  settingsViolations,
  signLink,
  validSignature,
  withDefaults,
} from '../domain/ratings';
import { isSupervision, requireHall, requireSupervision, staffOf } from './access';
import { newFact } from './facts';

const PAGE = { defaultSize: 50, maxSize: 200 };
const MOBILE = /^1\d{10}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
const C = pb.RatingChannel;
const RS = pb.RectificationStatus;

export interface EvaluationServiceOptions {
  readonly store: PgEvaluationStore;
  readonly catalogue: CatalogueReader;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly regionCode: string;
  /** The key that signs SMS rating links (HMAC-SHA256). */
  readonly linkKey: Buffer;
}

const text = (value: string, min: number, max: number): boolean => value.trim().length >= min && value.length <= max;

/** A rating as the caller may see it: who rated only for the supervision office. */
function visible(actor: Actor, stored: StoredRating): pb.Rating {
  return { ...stored.rating, rater: isSupervision(actor) ? stored.rater : undefined };
}

/** Ratings, SMS links, bad-review rectifications, return visits and complaints; and what the consumers record. */
export class EvaluationService {
  constructor(private readonly o: EvaluationServiceOptions) {}

  private get store(): PgEvaluationStore {
    return this.o.store;
  }

  private now(): Date {
    return this.o.clock.now();
  }

  /** The hall's settings, or the defaults. */
  async settingsOf(hallId: string): Promise<pb.HallEvaluationSettings> {
    return (await this.store.settings(hallId)) ?? defaultSettings(hallId);
  }

  /** `days` working days after `from` on the hall's calendar (read before any transaction). */
  async addWorkingDays(hallId: string, from: Date, days: number): Promise<Date> {
    const calendar = await this.o.catalogue.workingCalendar(hallId, Number(localDateOf(from).slice(0, 4)), 2);
    return calendar.addWorkingDays(from, days);
  }

  /** The case as evaluation knows it, once its completion was read (tests and the demo wait on it). */
  async completedCase(caseId: string): Promise<CaseRecord | undefined> {
    const known = await this.store.caseRecord({ caseId });
    return known?.completedAt ? known : undefined;
  }

  // ---- settings -----------------------------------------------------------------------------------------------

  async getHallEvaluationSettings(
    r: pb.GetHallEvaluationSettingsRequest,
  ): Promise<pb.GetHallEvaluationSettingsResponse> {
    if (!r.hallId) throw ValidationError.single('hall_id', 'is required');
    return { settings: await this.settingsOf(r.hallId) };
  }

  async setHallEvaluationSettings(
    actor: Actor,
    r: pb.SetHallEvaluationSettingsRequest,
  ): Promise<pb.SetHallEvaluationSettingsResponse> {
    const input = withDefaults(pb.HallEvaluationSettings.fromPartial({ ...r.settings, version: 0 }));
    ValidationError.throwIfAny(settingsViolations(input));
    requireHall(actor, input.hallId, 'SetHallEvaluationSettings');
    const settings = await this.store.command(
      {
        requestId: r.requestId,
        operation: 'SetHallEvaluationSettings',
        request: r,
        result: messageResult(pb.HallEvaluationSettings),
      },
      async (tx) => {
        const version = (await tx.settings(input.hallId))?.version ?? 0;
        if (version !== r.expectedVersion)
          throw new PreconditionFailedError(
            `the hall's evaluation settings are at version ${version}, not ${r.expectedVersion}`,
          );
        const next = pb.HallEvaluationSettings.fromPartial({ ...input, version: version + 1, updatedAt: this.now() });
        await tx.saveSettings(next);
        return next;
      },
    );
    return { settings };
  }

  // ---- what the consumers record ------------------------------------------------------------------------------

  /** case.case.opened: whom the case is about (the accepting window and clerk), and its limits in working days. */
  async caseOpened(eventId: string, d: caseEventsV1.Opened): Promise<void> {
    const ref = d.case;
    if (!ref) return;
    await this.store.command(
      { requestId: eventId, operation: 'CaseOpened', request: { caseId: ref.caseId }, result: z.null() },
      async (tx) => {
        const known = await tx.caseRecord(ref.caseId);
        await tx.saveCase({
          caseId: ref.caseId,
          caseNumber: ref.caseNumber,
          hallId: ref.acceptingHallId,
          departmentId: d.acceptingDepartmentId || ref.departmentId,
          windowId: d.acceptingWindowId,
          staffId: d.acceptingStaffId,
          handlerStaffId: known?.handlerStaffId ?? '',
          itemName: ref.itemName,
          applicantId: ref.applicantId,
          acceptedAt: d.acceptedAt,
          completedAt: known?.completedAt,
          ...(known?.completedDay ? { completedDay: known.completedDay } : {}),
          statutoryWorkingDays: workingDaysOf(d.statutoryLimit),
          promisedWorkingDays: workingDaysOf(d.promisedLimit),
          takenWorkingDays: known?.takenWorkingDays ?? 0,
        });
        return null;
      },
    );
  }

  /** case.handler.assigned: the last handler answers for faults the events name nobody for. */
  async handlerAssigned(eventId: string, d: caseEventsV1.HandlerAssigned): Promise<void> {
    if (!d.case || !d.handlerStaffId) return;
    const caseId = d.case.caseId;
    const handler = d.handlerStaffId;
    await this.store.command(
      { requestId: eventId, operation: 'HandlerAssigned', request: { caseId }, result: z.null() },
      async (tx) => {
        const known = await tx.caseRecord(caseId);
        if (known) await tx.saveCase({ ...known, handlerStaffId: handler });
        return null;
      },
    );
  }

  /**
   * case.case.completed: the working days it took, and the SMS rating link (evaluation.rating.invited, which
   * notify sends to the applicant). A case already rated at the window gets no link.
   */
  async caseCompleted(eventId: string, d: caseEventsV1.Completed): Promise<void> {
    const ref = d.case;
    if (!ref) return;
    const completedAt = d.completedAt ?? this.now();
    const known = await this.store.caseRecord({ caseId: ref.caseId });
    const hallId = known?.hallId || ref.acceptingHallId;
    const settings = await this.settingsOf(hallId);
    let taken = 0;
    if (known?.acceptedAt) {
      const calendar = await this.o.catalogue.workingCalendar(
        hallId,
        Number(localDateOf(known.acceptedAt).slice(0, 4)),
        2,
      );
      taken = Math.max(1, Math.ceil(calendar.workingDaysBetween(known.acceptedAt, completedAt)));
    }
    const now = this.now();
    await this.store.command(
      { requestId: eventId, operation: 'CaseCompleted', request: { caseId: ref.caseId }, result: z.null() },
      async (tx) => {
        const current = await tx.caseRecord(ref.caseId);
        const record: CaseRecord = {
          caseId: ref.caseId,
          caseNumber: ref.caseNumber,
          hallId,
          departmentId: current?.departmentId || ref.departmentId,
          windowId: current?.windowId ?? '',
          staffId: current?.staffId ?? '',
          handlerStaffId: current?.handlerStaffId ?? '',
          itemName: current?.itemName || ref.itemName,
          applicantId: current?.applicantId || ref.applicantId,
          acceptedAt: current?.acceptedAt,
          completedAt,
          completedDay: localDateOf(completedAt),
          statutoryWorkingDays: current?.statutoryWorkingDays ?? 0,
          promisedWorkingDays: current?.promisedWorkingDays ?? 0,
          takenWorkingDays: taken,
        };
        await tx.saveCase(record);
        if (!record.applicantId || (await tx.ratingOfCase(record.caseId))) return null;
        const link = await this.newLink(tx, record, settings, now);
        tx.emit({
          name: 'ratingInvited',
          payload: {
            caseId: record.caseId,
            caseNumber: record.caseNumber,
            itemName: record.itemName,
            hallId: record.hallId,
            applicantId: record.applicantId,
            url: link.url,
            token: link.token,
            expiresAt: link.expiresAt,
          },
          caseId: record.caseId,
        });
        return null;
      },
    );
  }

  /** timing.card.yellow / red: a card of the handler named on it (else the case's), on the day it was issued. */
  async cardIssued(eventId: string, card: timingV1.Card): Promise<void> {
    const code = card.level === timingV1.AlertLevel.ALERT_LEVEL_RED_CARD ? 'red_card' : 'yellow_card';
    const known = card.caseId ? await this.store.caseRecord({ caseId: card.caseId }) : undefined;
    const hallId = known?.hallId || card.hallId;
    await this.recordEventFacts(eventId, [
      newFact(this.o.ids.next(), {
        hallId,
        code,
        day: localDateOf(card.issuedAt ?? this.now()),
        staffId: card.handlerStaffId || responsibleStaffOf(known),
        windowId: card.windowId || known?.windowId || '',
        departmentId: card.departmentId,
        caseId: card.caseId,
        note: `${card.caseNumber} ${card.itemName}`.trim(),
        sourceRef: `card:${card.id}`,
        recordedAt: this.now(),
      }),
    ]);
  }

  /** timing.card.cancelled: the supervisor cancelled the card, so it no longer counts (kept, voided). */
  async cardCancelled(eventId: string, card: timingV1.Card): Promise<void> {
    await this.store.command(
      { requestId: eventId, operation: 'CardCancelled', request: { cardId: card.id }, result: z.null() },
      async (tx) => {
        for (const fact of await tx.factsBySource(`card:${card.id}`))
          if (!fact.voided) await tx.voidFact(fact, '督查撤销黄红牌');
        return null;
      },
    );
  }

  /** timing.warning.issued: a pre-warning (预警) to leaders counts against the handler; reminders do not. */
  async warningIssued(eventId: string, w: timingEventsV1.WarningIssued): Promise<void> {
    if (w.level !== timingV1.AlertLevel.ALERT_LEVEL_PRE_WARNING || !w.clock) return;
    const clock = w.clock;
    const known = clock.caseId ? await this.store.caseRecord({ caseId: clock.caseId }) : undefined;
    await this.recordEventFacts(eventId, [
      newFact(this.o.ids.next(), {
        hallId: known?.hallId || clock.hallId,
        code: 'warning',
        day: localDateOf(w.issuedAt ?? this.now()),
        staffId: clock.handlerStaffId || responsibleStaffOf(known),
        windowId: clock.windowId || known?.windowId || '',
        departmentId: clock.departmentId,
        caseId: clock.caseId,
        note: `${clock.caseNumber} ${clock.itemName}`.trim(),
        sourceRef: `warning:${w.warningId}`,
        recordedAt: this.now(),
      }),
    ]);
  }

  /**
   * timing.rule.breached: a supervision rule broken, against the case's handler. A charge above the standard is
   * counted from the fee service's own event instead (it names who confirmed the line).
   */
  async ruleBreached(eventId: string, breach: timingV1.RuleBreach): Promise<void> {
    if (breach.rule === timingV1.SupervisionRule.SUPERVISION_RULE_CHARGE_ABOVE_STANDARD) return;
    const known = breach.caseId ? await this.store.caseRecord({ caseId: breach.caseId }) : undefined;
    await this.recordEventFacts(eventId, [
      newFact(this.o.ids.next(), {
        hallId: known?.hallId || breach.hallId,
        code: 'rule_breach',
        day: localDateOf(breach.detectedAt ?? this.now()),
        staffId: responsibleStaffOf(known),
        windowId: known?.windowId ?? '',
        departmentId: breach.departmentId,
        caseId: breach.caseId,
        note: breach.detail,
        sourceRef: `breach:${breach.id}`,
        recordedAt: this.now(),
      }),
    ]);
  }

  /** fee.line.above_standard: 违规收费 by the staff member who confirmed the line. */
  async lineAboveStandard(eventId: string, d: feeEventsV1.LineAboveStandard): Promise<void> {
    const known = d.caseId ? await this.store.caseRecord({ caseId: d.caseId }) : undefined;
    await this.recordEventFacts(eventId, [
      newFact(this.o.ids.next(), {
        hallId: d.hallId,
        code: 'charge_above_standard',
        day: localDateOf(this.now()),
        staffId: d.staffId,
        windowId: known?.windowId ?? '',
        departmentId: d.departmentId,
        caseId: d.caseId,
        note: `${d.caseNumber} ${d.line?.name ?? ''}`.trim(),
        sourceRef: `fee-line:${d.billId}:${d.line?.id ?? ''}:${d.line?.chargedFen ?? 0}`,
        recordedAt: this.now(),
      }),
    ]);
  }

  private async recordEventFacts(eventId: string, facts: pb.AssessmentFact[]): Promise<void> {
    await this.store.command(
      { requestId: eventId, operation: 'RecordEventFacts', request: { eventId }, result: z.null() },
      async (tx) => {
        await tx.insertFacts(facts.filter((f) => f.hallId));
        return null;
      },
    );
  }

  // ---- ratings ------------------------------------------------------------------------------------------------

  async rate(actor: Actor, r: pb.RateRequest): Promise<pb.RateResponse> {
    const violations: FieldViolation[] = [];
    if (!r.caseId === !r.caseNumber)
      violations.push({ field: 'case_id', description: 'give exactly one of case_id and case_number' });
    if (actor.kind === 'staff') {
      if (r.channel !== C.RATING_CHANNEL_PAPER_CARD)
        violations.push({ field: 'channel', description: 'staff key in paper cards only (RATING_CHANNEL_PAPER_CARD)' });
      if (!/^[0-9A-Za-z-]{1,40}$/.test(r.cardNumber))
        violations.push({ field: 'card_number', description: "the card's number, 1 to 40 letters or digits" });
    } else if (!GATEWAY_CHANNELS.includes(r.channel))
      violations.push({ field: 'channel', description: 'WINDOW_DEVICE, KIOSK or WEB' });
    if (r.rater) {
      if (r.rater.name.length > 50) violations.push({ field: 'rater.name', description: 'at most 50 characters' });
      if (r.rater.phone && !MOBILE.test(r.rater.phone))
        violations.push({ field: 'rater.phone', description: 'a mobile number, 11 digits' });
    }
    ValidationError.throwIfAny(violations);
    const record = await this.store.caseRecord(r.caseId ? { caseId: r.caseId } : { caseNumber: r.caseNumber });
    if (!record) throw new NotFoundError('case', r.caseId || r.caseNumber);
    requireHall(actor, record.hallId, 'Rate');
    const settings = await this.settingsOf(record.hallId);
    ValidationError.throwIfAny(scoreViolations(settings, r));
    const dueAt = await this.addWorkingDays(record.hallId, this.now(), settings.rectificationWorkingDays);
    const rater =
      r.rater && (r.rater.name.trim() || r.rater.phone)
        ? { name: r.rater.name.trim(), phone: r.rater.phone ? maskMobile(r.rater.phone) : '' }
        : undefined;
    return this.store.command(
      { requestId: r.requestId, operation: 'Rate', request: r, result: messageResult(pb.RateResponse) },
      (tx) =>
        this.recordRating(tx, record, settings, dueAt, {
          channel: r.channel,
          scores: r.scores,
          comment: r.comment,
          rater,
          realName: !!rater,
          windowId: r.channel === C.RATING_CHANNEL_WINDOW_DEVICE ? r.windowId : '',
          staffId: r.channel === C.RATING_CHANNEL_WINDOW_DEVICE ? r.staffId : '',
          cardNumber: actor.kind === 'staff' ? r.cardNumber : '',
          keyedBy: actor.kind === 'staff' ? actor.staffId : '',
        }),
    );
  }

  /**
   * One rating (一事一评) and what it sets off: its facts for the assessment, and for a bad review a rectification
   * for whoever served, with a return visit task when the review gave a name (100%).
   */
  private async recordRating(
    tx: EvaluationTx,
    record: CaseRecord,
    settings: pb.HallEvaluationSettings,
    dueAt: Date,
    input: {
      channel: pb.RatingChannel;
      scores: readonly pb.IndicatorScore[];
      comment: string;
      rater: pb.Rater | undefined;
      realName: boolean;
      windowId: string;
      staffId: string;
      cardNumber: string;
      keyedBy: string;
    },
  ): Promise<pb.RateResponse> {
    if (await tx.ratingOfCase(record.caseId))
      throw new AlreadyExistsError(`case ${record.caseNumber} has been rated already (一事一评)`);
    const now = this.now();
    const { scores, overall } = orderedScores(settings, input.scores);
    const bad = isBad(overall);
    const rating = pb.Rating.fromPartial({
      id: this.o.ids.next(),
      caseId: record.caseId,
      caseNumber: record.caseNumber,
      itemName: record.itemName,
      hallId: record.hallId,
      departmentId: record.departmentId,
      windowId: input.windowId || record.windowId,
      staffId: input.staffId || record.staffId,
      channel: input.channel,
      scale: settings.scale,
      scores,
      overall,
      bad,
      comment: input.comment.trim(),
      realName: input.realName,
      cardNumber: input.cardNumber,
      keyedByStaffId: input.keyedBy,
      ratedAt: now,
      withdrawn: false,
    });
    await tx.insertRating(rating, input.rater, !bad);
    tx.emit({ name: 'ratingRecorded', payload: { rating }, caseId: rating.caseId });
    const subject = {
      hallId: rating.hallId,
      day: localDateOf(now),
      staffId: rating.staffId,
      windowId: rating.windowId,
      departmentId: rating.departmentId,
      caseId: rating.caseId,
      note: rating.caseNumber,
      recordedAt: now,
    };
    if (bad)
      await tx.insertFacts([
        newFact(this.o.ids.next(), { ...subject, code: 'rating_bad', sourceRef: `rating:${rating.id}` }),
      ]);
    if (levelNumber(overall) === 5)
      await tx.insertFacts([
        newFact(this.o.ids.next(), { ...subject, code: 'rating_very_satisfied', sourceRef: `rating:${rating.id}` }),
      ]);
    if (!bad) return { rating, rectificationId: '' };

    const rectificationId = this.o.ids.next();
    let returnVisitId = '';
    if (input.realName) {
      returnVisitId = this.o.ids.next();
      await tx.saveReturnVisit(
        pb.ReturnVisit.fromPartial({
          id: returnVisitId,
          hallId: rating.hallId,
          kind: pb.ReturnVisitKind.RETURN_VISIT_KIND_BAD_REVIEW,
          status: pb.ReturnVisitStatus.RETURN_VISIT_STATUS_PENDING,
          caseId: rating.caseId,
          caseNumber: rating.caseNumber,
          rectificationId,
          contact: input.rater ?? { name: '', phone: '' },
          dueAt,
          createdAt: now,
        }),
        true,
      );
    }
    const rectification = await tx.saveRectification(
      pb.Rectification.fromPartial({
        id: rectificationId,
        ratingId: rating.id,
        caseId: rating.caseId,
        caseNumber: rating.caseNumber,
        itemName: rating.itemName,
        hallId: rating.hallId,
        departmentId: rating.departmentId,
        windowId: rating.windowId,
        assigneeStaffId: rating.staffId || record.handlerStaffId,
        status: RS.RECTIFICATION_STATUS_OPEN,
        level: overall,
        reviewComment: rating.comment,
        openedAt: now,
        dueAt,
        returnVisitId,
      }),
      0,
    );
    tx.emit({ name: 'rectificationOpened', payload: { rectification }, caseId: rating.caseId });
    return { rating, rectificationId };
  }

  private async newLink(
    tx: EvaluationTx,
    record: CaseRecord,
    settings: pb.HallEvaluationSettings,
    now: Date,
  ): Promise<{ url: string; token: string; expiresAt: Date }> {
    const link = {
      id: newLinkId(),
      caseId: record.caseId,
      expiresAt: new Date(now.getTime() + settings.ratingLinkValidDays * DAY_MS),
      issuedAt: now,
    };
    await tx.insertLink(link);
    const token = signLink(this.o.linkKey, link);
    return { url: `${settings.ratingLinkBaseUrl}${token}`, token, expiresAt: link.expiresAt };
  }

  async issueRatingLink(actor: Actor, r: pb.IssueRatingLinkRequest): Promise<pb.IssueRatingLinkResponse> {
    if (!r.caseId) throw ValidationError.single('case_id', 'is required');
    const record = await this.store.caseRecord({ caseId: r.caseId });
    if (!record) throw new NotFoundError('case', r.caseId);
    requireHall(actor, record.hallId, 'IssueRatingLink');
    const settings = await this.settingsOf(record.hallId);
    return this.store.command(
      {
        requestId: r.requestId,
        operation: 'IssueRatingLink',
        request: r,
        result: messageResult(pb.IssueRatingLinkResponse),
      },
      async (tx) => {
        if (await tx.ratingOfCase(record.caseId))
          throw new AlreadyExistsError(`case ${record.caseNumber} has been rated already (一事一评)`);
        return this.newLink(tx, record, settings, this.now());
      },
    );
  }

  async getRatingInvitation(r: pb.GetRatingInvitationRequest): Promise<pb.GetRatingInvitationResponse> {
    if (!r.token) throw ValidationError.single('token', 'is required');
    const link = this.verify(r.token, await this.linkOf(r.token));
    const record = await this.store.caseRecord({ caseId: link.caseId });
    if (!record) throw new NotFoundError('case', link.caseId);
    const settings = await this.settingsOf(record.hallId);
    return {
      caseNumber: record.caseNumber,
      itemName: record.itemName,
      scale: settings.scale,
      indicators: settings.indicators,
      expiresAt: link.expiresAt,
    };
  }

  async rateByLink(r: pb.RateByLinkRequest): Promise<pb.RateByLinkResponse> {
    if (!r.token) throw ValidationError.single('token', 'is required');
    const link = this.verify(r.token, await this.linkOf(r.token));
    const record = await this.store.caseRecord({ caseId: link.caseId });
    if (!record) throw new NotFoundError('case', link.caseId);
    const settings = await this.settingsOf(record.hallId);
    ValidationError.throwIfAny(scoreViolations(settings, { channel: C.RATING_CHANNEL_SMS_LINK, ...r }));
    const dueAt = await this.addWorkingDays(record.hallId, this.now(), settings.rectificationWorkingDays);
    return this.store.command(
      { requestId: r.requestId, operation: 'RateByLink', request: r, result: messageResult(pb.RateByLinkResponse) },
      async (tx) => {
        // Checked again inside: two answers through one link race to this row lock, and only one finds it unused.
        const locked = await tx.link(link.id);
        this.verify(r.token, locked);
        await tx.useLink(link.id, this.now());
        return this.recordRating(tx, record, settings, dueAt, {
          channel: C.RATING_CHANNEL_SMS_LINK,
          scores: r.scores,
          comment: r.comment,
          // The applicant the link went to; the return visit reads their phone from intake by the case number.
          rater: r.realName ? { name: '', phone: '' } : undefined,
          realName: r.realName,
          windowId: '',
          staffId: '',
          cardNumber: '',
          keyedBy: '',
        });
      },
    );
  }

  private async linkOf(token: string): Promise<Parameters<EvaluationService['verify']>[1]> {
    const id = linkIdOf(token);
    return id ? this.store.link(id) : undefined;
  }

  /** A link is refused unless issued here (its signature), unused and unexpired. */
  private verify(
    token: string,
    link: { id: string; caseId: string; expiresAt: Date; usedAt: Date | undefined } | undefined,
  ): { id: string; caseId: string; expiresAt: Date } {
    if (!link || !validSignature(this.o.linkKey, token, link))
      throw new PermissionDeniedError('this is not a rating link issued by the hall');
    if (link.usedAt) throw new PermissionDeniedError('this rating link has been used already');
    if (this.now() >= link.expiresAt) throw new PermissionDeniedError('this rating link has expired');
    return link;
  }

  async getRating(actor: Actor, r: pb.GetRatingRequest): Promise<pb.GetRatingResponse> {
    if (!r.caseId) throw ValidationError.single('case_id', 'is required');
    const stored = await this.store.ratingOfCase(r.caseId);
    if (!stored) throw new NotFoundError('rating of case', r.caseId);
    requireHall(actor, stored.rating.hallId, 'GetRating');
    return { rating: visible(actor, stored) };
  }

  async listRatings(actor: Actor, r: pb.ListRatingsRequest): Promise<pb.ListRatingsResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    const scope = [r.hallId, r.departmentId, r.windowId, r.staffId, r.badOnly].join('|');
    const window = readPage({ size: r.pageSize, token: r.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'ListRatings');
    const rows = await this.store.ratings(
      {
        hallId: r.hallId,
        ...(r.departmentId ? { departmentId: r.departmentId } : {}),
        ...(r.windowId ? { windowId: r.windowId } : {}),
        ...(r.staffId ? { staffId: r.staffId } : {}),
        badOnly: r.badOnly,
      },
      { size: window.limit, offset: window.offset },
    );
    return {
      ratings: rows.slice(0, window.limit).map((s) => visible(actor, s)),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  async getEvaluationRates(actor: Actor, r: pb.GetEvaluationRatesRequest): Promise<pb.GetEvaluationRatesResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (!isIsoDate(r.fromDate)) violations.push({ field: 'from_date', description: 'must be a date, YYYY-MM-DD' });
    if (!isIsoDate(r.toDate)) violations.push({ field: 'to_date', description: 'must be a date, YYYY-MM-DD' });
    else if (isIsoDate(r.fromDate) && r.toDate < r.fromDate)
      violations.push({ field: 'to_date', description: 'must not be before from_date' });
    const G = pb.RateGrouping;
    const grouping = {
      [G.RATE_GROUPING_UNSPECIFIED]: 'hall',
      [G.RATE_GROUPING_HALL]: 'hall',
      [G.RATE_GROUPING_DEPARTMENT]: 'department',
      [G.RATE_GROUPING_WINDOW]: 'window',
      [G.RATE_GROUPING_STAFF]: 'staff',
    } as const;
    const key = grouping[r.groupBy as keyof typeof grouping];
    if (!key) violations.push({ field: 'group_by', description: 'a RATE_GROUPING_ value' });
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'GetEvaluationRates');
    const rows = await this.store.rates(r.hallId, r.fromDate, r.toDate, key);
    const bp = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part * 10_000) / whole));
    return {
      rates: rows.map((row) => ({
        key: row.key,
        completedCases: row.completed,
        ratings: row.ratings,
        satisfied: row.satisfied,
        bad: row.bad,
        ratingRateBasisPoints: bp(row.ratings, row.completed),
        satisfactionBasisPoints: bp(row.satisfied, row.ratings),
      })),
    };
  }

  // ---- rectifications -----------------------------------------------------------------------------------------

  async listRectifications(actor: Actor, r: pb.ListRectificationsRequest): Promise<pb.ListRectificationsResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (!Object.values(RS).includes(r.status))
      violations.push({ field: 'status', description: 'a RECTIFICATION_STATUS_ value' });
    const scope = [r.hallId, r.status, r.assigneeStaffId, r.overdueOnly].join('|');
    const window = readPage({ size: r.pageSize, token: r.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'ListRectifications');
    const rows = await this.store.rectifications(
      {
        hallId: r.hallId,
        ...(r.status !== RS.RECTIFICATION_STATUS_UNSPECIFIED ? { status: r.status } : {}),
        ...(r.assigneeStaffId ? { assigneeStaffId: r.assigneeStaffId } : {}),
        ...(r.overdueOnly ? { overdueAt: this.now() } : {}),
      },
      { size: window.limit, offset: window.offset },
    );
    return {
      rectifications: rows.slice(0, window.limit),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  async getRectification(actor: Actor, r: pb.GetRectificationRequest): Promise<pb.GetRectificationResponse> {
    if (!r.id) throw ValidationError.single('id', 'is required');
    const rectification = await this.store.rectification(r.id);
    if (!rectification) throw new NotFoundError('rectification', r.id);
    requireHall(actor, rectification.hallId, 'GetRectification');
    return { rectification };
  }

  /** The handler it is assigned to (or the supervision office) changes an open rectification. */
  private async changeRectification(
    actor: Actor,
    key: { requestId: string; operation: string; request: unknown },
    id: string,
    change: (
      current: pb.Rectification,
      staffId: string,
      now: Date,
      tx: EvaluationTx,
    ) => pb.Rectification | Promise<pb.Rectification>,
    eventName: 'rectificationResolved' | 'rectificationAppealed' | 'rectificationWithdrawn' | 'rectificationOpened',
  ): Promise<pb.Rectification> {
    const staff = staffOf(actor);
    return this.store.command({ ...key, result: messageResult(pb.Rectification) }, async (tx) => {
      const current = await tx.rectification(id);
      if (!current) throw new NotFoundError('rectification', id);
      requireHall(actor, current.hallId, key.operation);
      const next = await change(current, staff.staffId, this.now(), tx);
      const saved = await tx.saveRectification(next, current.version);
      tx.emit({ name: eventName, payload: { rectification: saved }, caseId: saved.caseId });
      return saved;
    });
  }

  private requireAssignee(actor: Actor, r: pb.Rectification, what: string): void {
    if (actor.kind === 'staff' && actor.staffId !== r.assigneeStaffId && !isSupervision(actor))
      throw new PermissionDeniedError(`${what}: the rectification is assigned to someone else`);
  }

  async resolveRectification(
    actor: Actor,
    r: pb.ResolveRectificationRequest,
  ): Promise<pb.ResolveRectificationResponse> {
    const violations: FieldViolation[] = [];
    if (!r.id) violations.push({ field: 'id', description: 'is required' });
    const O = pb.RectificationOutcome;
    const status = {
      [O.RECTIFICATION_OUTCOME_FIXED_AT_ONCE]: RS.RECTIFICATION_STATUS_FIXED_AT_ONCE,
      [O.RECTIFICATION_OUTCOME_FIXED_BY_DEADLINE]: RS.RECTIFICATION_STATUS_FIXED_BY_DEADLINE,
      [O.RECTIFICATION_OUTCOME_EXPLAINED]: RS.RECTIFICATION_STATUS_EXPLAINED,
    }[r.outcome as string];
    if (!status) violations.push({ field: 'outcome', description: 'FIXED_AT_ONCE, FIXED_BY_DEADLINE or EXPLAINED' });
    if (!text(r.resolution, 4, 1000))
      violations.push({ field: 'resolution', description: 'what was done or explained, 4 to 1000 characters' });
    ValidationError.throwIfAny(violations);
    const rectification = await this.changeRectification(
      actor,
      { requestId: r.requestId, operation: 'ResolveRectification', request: r },
      r.id,
      (current, _staffId, now) => {
        this.requireAssignee(actor, current, 'ResolveRectification');
        if (current.status !== RS.RECTIFICATION_STATUS_OPEN)
          throw new PreconditionFailedError(`the rectification is ${current.status}, not open`);
        return {
          ...current,
          status: status!,
          resolution: r.resolution.trim(),
          resolvedAt: now,
          late: now > current.dueAt!,
        };
      },
      'rectificationResolved',
    );
    return { rectification };
  }

  async appealRectification(actor: Actor, r: pb.AppealRectificationRequest): Promise<pb.AppealRectificationResponse> {
    if (!r.id) throw ValidationError.single('id', 'is required');
    if (!text(r.reason, 4, 1000))
      throw ValidationError.single('reason', 'why the review was mistaken, 4 to 1000 characters');
    const rectification = await this.changeRectification(
      actor,
      { requestId: r.requestId, operation: 'AppealRectification', request: r },
      r.id,
      (current, _staffId, now) => {
        this.requireAssignee(actor, current, 'AppealRectification');
        if (current.status !== RS.RECTIFICATION_STATUS_OPEN)
          throw new PreconditionFailedError(`the rectification is ${current.status}: only an open one may be appealed`);
        if (current.appeal) throw new PreconditionFailedError('the review was appealed once already');
        return {
          ...current,
          status: RS.RECTIFICATION_STATUS_APPEALED,
          appeal: {
            reason: r.reason.trim(),
            appealedAt: now,
            decidedByStaffId: '',
            upheld: false,
            decisionNote: '',
            decidedAt: undefined,
          },
        };
      },
      'rectificationAppealed',
    );
    return { rectification };
  }

  /** 复核: upheld, the review was mistaken (withdrawn, its deduction voided); rejected, the rectification reopens. */
  async decideAppeal(actor: Actor, r: pb.DecideAppealRequest): Promise<pb.DecideAppealResponse> {
    requireSupervision(actor, 'DecideAppeal');
    if (!r.id) throw ValidationError.single('id', 'is required');
    if (!text(r.note, 2, 1000)) throw ValidationError.single('note', 'the re-check finding, 2 to 1000 characters');
    const rectification = await this.changeRectification(
      actor,
      { requestId: r.requestId, operation: 'DecideAppeal', request: r },
      r.id,
      async (current, staffId, now, tx) => {
        if (current.status !== RS.RECTIFICATION_STATUS_APPEALED || !current.appeal)
          throw new PreconditionFailedError('the rectification has no appeal waiting');
        if (current.appeal && staffId === current.assigneeStaffId)
          throw new PermissionDeniedError('the re-check is not for the one who appealed');
        const appeal = {
          ...current.appeal,
          decidedByStaffId: staffId,
          upheld: r.upheld,
          decisionNote: r.note.trim(),
          decidedAt: now,
        };
        if (!r.upheld) return { ...current, status: RS.RECTIFICATION_STATUS_OPEN, appeal };
        const stored = await tx.rating(current.ratingId);
        if (stored) {
          await tx.withdrawRating(stored.rating);
          for (const fact of await tx.factsBySource(`rating:${stored.rating.id}`))
            if (fact.code === 'rating_bad' && !fact.voided) await tx.voidFact(fact, '申诉复核：误评');
        }
        return {
          ...current,
          status: RS.RECTIFICATION_STATUS_WITHDRAWN,
          appeal,
          resolvedAt: now,
          resolution: `申诉成立：${r.note.trim()}`,
        };
      },
      r.upheld ? 'rectificationWithdrawn' : 'rectificationOpened',
    );
    return { rectification };
  }

  async listPublishedRectifications(
    r: pb.ListPublishedRectificationsRequest,
  ): Promise<pb.ListPublishedRectificationsResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(r.month)) violations.push({ field: 'month', description: 'YYYY-MM' });
    ValidationError.throwIfAny(violations);
    const { from, to } = monthBounds(r.month);
    const rows = await this.store.resolvedRectifications(r.hallId, from, to);
    return {
      rectifications: rows.map((x) => ({
        caseNumber: x.caseNumber,
        itemName: x.itemName,
        departmentId: x.departmentId,
        status: x.status,
        resolution: x.resolution,
        resolvedAt: x.resolvedAt,
      })),
    };
  }

  // ---- return visits ------------------------------------------------------------------------------------------

  async listReturnVisits(actor: Actor, r: pb.ListReturnVisitsRequest): Promise<pb.ListReturnVisitsResponse> {
    requireSupervision(actor, 'ListReturnVisits');
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (!Object.values(pb.ReturnVisitStatus).includes(r.status))
      violations.push({ field: 'status', description: 'a RETURN_VISIT_STATUS_ value' });
    if (!Object.values(pb.ReturnVisitKind).includes(r.kind))
      violations.push({ field: 'kind', description: 'a RETURN_VISIT_KIND_ value' });
    const scope = [r.hallId, r.status, r.kind].join('|');
    const window = readPage({ size: r.pageSize, token: r.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'ListReturnVisits');
    const rows = await this.store.returnVisits(
      {
        hallId: r.hallId,
        ...(r.status !== pb.ReturnVisitStatus.RETURN_VISIT_STATUS_UNSPECIFIED ? { status: r.status } : {}),
        ...(r.kind !== pb.ReturnVisitKind.RETURN_VISIT_KIND_UNSPECIFIED ? { kind: r.kind } : {}),
      },
      { size: window.limit, offset: window.offset },
    );
    return {
      visits: rows.slice(0, window.limit),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }

  async recordReturnVisit(actor: Actor, r: pb.RecordReturnVisitRequest): Promise<pb.RecordReturnVisitResponse> {
    const staff = requireSupervision(actor, 'RecordReturnVisit');
    const violations: FieldViolation[] = [];
    const CH = pb.ReturnVisitChannel;
    if (
      ![CH.RETURN_VISIT_CHANNEL_PHONE, CH.RETURN_VISIT_CHANNEL_ON_SITE, CH.RETURN_VISIT_CHANNEL_LETTER].includes(
        r.channel,
      )
    )
      violations.push({ field: 'channel', description: 'PHONE, ON_SITE or LETTER' });
    if (!text(r.outcome, 2, 1000))
      violations.push({ field: 'outcome', description: 'what the applicant said, 2 to 1000 characters' });
    if (!r.visitId && !r.hallId) violations.push({ field: 'hall_id', description: 'is required for a routine visit' });
    const now = this.now();
    if (r.visitedAt && r.visitedAt > now)
      violations.push({ field: 'visited_at', description: 'must not be in the future' });
    ValidationError.throwIfAny(violations);
    const record = r.caseId ? await this.store.caseRecord({ caseId: r.caseId }) : undefined;
    if (r.caseId && !record) throw new NotFoundError('case', r.caseId);
    const visit = await this.store.command(
      { requestId: r.requestId, operation: 'RecordReturnVisit', request: r, result: messageResult(pb.ReturnVisit) },
      async (tx) => {
        const done = {
          status: pb.ReturnVisitStatus.RETURN_VISIT_STATUS_DONE,
          channel: r.channel,
          outcome: r.outcome.trim(),
          satisfied: r.satisfied,
          visitedByStaffId: staff.staffId,
          visitedAt: r.visitedAt ?? now,
        };
        if (r.visitId) {
          const task = await tx.returnVisit(r.visitId);
          if (!task) throw new NotFoundError('return visit', r.visitId);
          requireHall(actor, task.hallId, 'RecordReturnVisit');
          if (task.status === pb.ReturnVisitStatus.RETURN_VISIT_STATUS_DONE)
            throw new PreconditionFailedError('the return visit was recorded already');
          const next = pb.ReturnVisit.fromPartial({ ...task, ...done });
          await tx.saveReturnVisit(next, false);
          return next;
        }
        requireHall(actor, r.hallId, 'RecordReturnVisit');
        if (record && record.hallId !== r.hallId) throw ValidationError.single('case_id', 'is a case of another hall');
        const next = pb.ReturnVisit.fromPartial({
          id: this.o.ids.next(),
          hallId: r.hallId,
          kind: pb.ReturnVisitKind.RETURN_VISIT_KIND_ROUTINE,
          caseId: record?.caseId ?? '',
          caseNumber: record?.caseNumber ?? '',
          createdAt: now,
          ...done,
        });
        await tx.saveReturnVisit(next, true);
        return next;
      },
    );
    return { visit };
  }

  async getReturnVisitCounts(
    actor: Actor,
    r: pb.GetReturnVisitCountsRequest,
  ): Promise<pb.GetReturnVisitCountsResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (!isIsoDate(r.fromDate)) violations.push({ field: 'from_date', description: 'must be a date, YYYY-MM-DD' });
    if (!isIsoDate(r.toDate)) violations.push({ field: 'to_date', description: 'must be a date, YYYY-MM-DD' });
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'GetReturnVisitCounts');
    const from = new Date(`${r.fromDate}T00:00:00+08:00`);
    const to = new Date(new Date(`${r.toDate}T00:00:00+08:00`).getTime() + DAY_MS);
    const rows = await this.store.returnVisitCounts(r.hallId, from, to);
    const counts = rows.map((x) => ({
      channel: x.channel as pb.ReturnVisitChannel,
      kind: x.kind as pb.ReturnVisitKind,
      visits: x.visits,
    }));
    const by = (channel: pb.ReturnVisitChannel) =>
      counts.filter((c) => c.channel === channel).reduce((n, c) => n + c.visits, 0);
    const CH = pb.ReturnVisitChannel;
    const summary = [
      [by(CH.RETURN_VISIT_CHANNEL_ON_SITE), '现场回访'],
      [by(CH.RETURN_VISIT_CHANNEL_PHONE), '电话回访'],
      [by(CH.RETURN_VISIT_CHANNEL_LETTER), '发放回访调查书'],
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, what]) => `${String(what)}${String(n)}次`)
      .join('、');
    return { counts, total: counts.reduce((n, c) => n + c.visits, 0), summary: summary || '无回访' };
  }

  // ---- complaints ---------------------------------------------------------------------------------------------

  private complaintView(actor: Actor, c: { complaint: pb.Complaint; complainant: pb.Rater | undefined }): pb.Complaint {
    return { ...c.complaint, complainant: isSupervision(actor) ? c.complainant : undefined };
  }

  async fileComplaint(actor: Actor, r: pb.FileComplaintRequest): Promise<pb.FileComplaintResponse> {
    const violations: FieldViolation[] = [];
    const CC = pb.ComplaintChannel;
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    if (r.channel === CC.COMPLAINT_CHANNEL_UNSPECIFIED || !Object.values(CC).includes(r.channel))
      violations.push({ field: 'channel', description: 'a COMPLAINT_CHANNEL_ value' });
    if (actor.kind === 'service' && r.channel !== CC.COMPLAINT_CHANNEL_WEB)
      violations.push({ field: 'channel', description: 'the gateway files web complaints only' });
    if (!text(r.content, 5, 2000))
      violations.push({ field: 'content', description: 'what happened, 5 to 2000 characters' });
    if (r.complainantName.length > 50)
      violations.push({ field: 'complainant_name', description: 'at most 50 characters' });
    if (r.complainantPhone && !MOBILE.test(r.complainantPhone))
      violations.push({ field: 'complainant_phone', description: 'a mobile number, 11 digits' });
    if (r.footageRef.length > 200) violations.push({ field: 'footage_ref', description: 'at most 200 characters' });
    if (r.caseId && r.caseNumber)
      violations.push({ field: 'case_id', description: 'give case_id or case_number, not both' });
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'FileComplaint');
    const record =
      r.caseId || r.caseNumber
        ? await this.store.caseRecord(r.caseId ? { caseId: r.caseId } : { caseNumber: r.caseNumber })
        : undefined;
    if ((r.caseId || r.caseNumber) && !record) throw new NotFoundError('case', r.caseId || r.caseNumber);
    if (record && record.hallId !== r.hallId) throw ValidationError.single('case_id', 'is a case of another hall');
    const staff = r.staffId ? await this.o.catalogue.staff(r.staffId) : undefined;
    if (r.staffId && (!staff || staff.hallId !== r.hallId))
      throw ValidationError.single('staff_id', 'is not a staff member of the hall');
    const window = r.windowId ? await this.o.catalogue.window(r.windowId) : undefined;
    if (r.windowId && (!window || window.hallId !== r.hallId))
      throw ValidationError.single('window_id', 'is not a window of the hall');
    const settings = await this.settingsOf(r.hallId);
    const deadlines = settings.complaintDeadlines ?? defaultSettings(r.hallId).complaintDeadlines!;
    const calendar = await this.o.catalogue.workingCalendar(r.hallId, Number(localDateOf(this.now()).slice(0, 4)), 2);
    const complainant =
      r.complainantName.trim() || r.complainantPhone
        ? { name: r.complainantName.trim(), phone: r.complainantPhone ? maskMobile(r.complainantPhone) : '' }
        : undefined;
    const complaint = await this.store.command(
      { requestId: r.requestId, operation: 'FileComplaint', request: r, result: messageResult(pb.Complaint) },
      async (tx) => {
        const now = this.now();
        const day = localDateOf(now).replaceAll('-', '');
        const serial = await tx.nextNumber(`complaint:${day}`);
        const filed = accepted(
          {
            id: this.o.ids.next(),
            number: `TS${this.o.regionCode}-${day}-${String(serial).padStart(4, '0')}`,
            hallId: r.hallId,
            channel: r.channel,
            complainant: undefined,
            content: r.content.trim(),
            caseId: record?.caseId ?? '',
            caseNumber: record?.caseNumber ?? '',
            departmentId: r.departmentId || record?.departmentId || staff?.departmentId || '',
            windowId: r.windowId || record?.windowId || staff?.windowId || '',
            staffId: r.staffId || record?.staffId || '',
            footageRef: r.footageRef,
            filedAt: now,
          },
          deadlines,
          actor.kind === 'staff' ? actor.staffId : '',
          now,
          (from, days) => calendar.addWorkingDays(from, days),
        );
        const saved = await tx.saveComplaint(filed, complainant, 0);
        tx.emit({
          name: 'complaintFiled',
          payload: { complaint: saved },
          ...(saved.caseId ? { caseId: saved.caseId } : {}),
        });
        return saved;
      },
    );
    return { complaint: { ...complaint, complainant: isSupervision(actor) ? complainant : undefined } };
  }

  async advanceComplaint(actor: Actor, r: pb.AdvanceComplaintRequest): Promise<pb.AdvanceComplaintResponse> {
    const staff = requireSupervision(actor, 'AdvanceComplaint');
    const violations: FieldViolation[] = [];
    if (!r.id) violations.push({ field: 'id', description: 'is required' });
    if (
      r.step === pb.ComplaintStep.COMPLAINT_STEP_UNSPECIFIED ||
      r.step === pb.ComplaintStep.COMPLAINT_STEP_ACCEPTED ||
      !Object.values(pb.ComplaintStep).includes(r.step)
    )
      violations.push({ field: 'step', description: 'INVESTIGATED, HANDLED, REPLIED or ARCHIVED' });
    if (!text(r.note, 2, 2000))
      violations.push({ field: 'note', description: 'what was found, done or answered, 2 to 2000 characters' });
    ValidationError.throwIfAny(violations);
    const current = await this.store.complaint(r.id);
    if (!current) throw new NotFoundError('complaint', r.id);
    requireHall(actor, current.complaint.hallId, 'AdvanceComplaint');
    const settings = await this.settingsOf(current.complaint.hallId);
    const deadlines = settings.complaintDeadlines ?? defaultSettings(current.complaint.hallId).complaintDeadlines!;
    const calendar = await this.o.catalogue.workingCalendar(
      current.complaint.hallId,
      Number(localDateOf(this.now()).slice(0, 4)),
      2,
    );
    const complaint = await this.store.command(
      { requestId: r.requestId, operation: 'AdvanceComplaint', request: r, result: messageResult(pb.Complaint) },
      async (tx) => {
        const locked = await tx.complaint(r.id);
        if (!locked) throw new NotFoundError('complaint', r.id);
        const now = this.now();
        const next = advance(
          locked.complaint,
          r.step,
          { note: r.note.trim(), substantiated: r.substantiated, staffId: staff.staffId },
          deadlines,
          now,
          (from, days) => calendar.addWorkingDays(from, days),
        );
        const saved = await tx.saveComplaint(next, locked.complainant, locked.complaint.version);
        if (r.step === pb.ComplaintStep.COMPLAINT_STEP_HANDLED && r.substantiated && (saved.staffId || saved.windowId))
          await tx.insertFacts([
            newFact(this.o.ids.next(), {
              hallId: saved.hallId,
              code: 'complaint_substantiated',
              day: localDateOf(now),
              staffId: saved.staffId,
              windowId: saved.windowId,
              departmentId: saved.departmentId,
              caseId: saved.caseId,
              note: `${saved.number} 投诉属实`,
              sourceRef: `complaint:${saved.id}`,
              recordedAt: now,
            }),
          ]);
        tx.emit({
          name: 'complaintAdvanced',
          payload: { complaint: saved },
          ...(saved.caseId ? { caseId: saved.caseId } : {}),
        });
        return pb.Complaint.fromPartial({ ...saved, complainant: locked.complainant });
      },
    );
    return { complaint };
  }

  async getComplaint(actor: Actor, r: pb.GetComplaintRequest): Promise<pb.GetComplaintResponse> {
    if (!r.id) throw ValidationError.single('id', 'is required');
    const found = await this.store.complaint(r.id);
    if (!found) throw new NotFoundError('complaint', r.id);
    requireHall(actor, found.complaint.hallId, 'GetComplaint');
    return { complaint: this.complaintView(actor, found) };
  }

  async listComplaints(actor: Actor, r: pb.ListComplaintsRequest): Promise<pb.ListComplaintsResponse> {
    const violations: FieldViolation[] = [];
    if (!r.hallId) violations.push({ field: 'hall_id', description: 'is required' });
    const scope = [r.hallId, r.openOnly, r.overdueOnly, r.staffId].join('|');
    const window = readPage({ size: r.pageSize, token: r.pageToken }, PAGE, scope, violations);
    ValidationError.throwIfAny(violations);
    requireHall(actor, r.hallId, 'ListComplaints');
    const rows = await this.store.complaints(
      {
        hallId: r.hallId,
        openOnly: r.openOnly,
        ...(r.overdueOnly ? { overdueAt: this.now() } : {}),
        ...(r.staffId ? { staffId: r.staffId } : {}),
      },
      { size: window.limit, offset: window.offset },
    );
    return {
      complaints: rows.slice(0, window.limit).map((c) => this.complaintView(actor, c)),
      nextPageToken: nextPageToken(window, rows.length > window.limit, scope),
    };
  }
}

/** The instants a month of China Standard Time spans, [from, to). */
export function monthBounds(month: string): { from: Date; to: Date } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
  return { from: new Date(`${month}-01T00:00:00+08:00`), to: new Date(`${next}-01T00:00:00+08:00`) };
}
