/**
 * What each event asks to be sent (and which reminders it cancels). Directory look-ups (hall names, complaint
 * phones, department names) run before the event's transaction; the transaction then writes the messages, the read
 * models and the day's counts, once per event id.
 */
import { localDateOf } from '@govhall/calendar';
import {
  caseV1,
  timingV1,
  type caseEventsV1,
  type CaseEvents,
  type EvaluationEvents,
  type IntakeEvents,
  type TimingEvents,
} from '@govhall/contracts';
import type { Clock, EventOf, Logger } from '@govhall/kit';
import { TemplateCodes as T } from '../domain/default-templates';
import type { PlannedMessage, Recipient } from '../domain/dispatch';
import {
  calendarDateWording,
  clockWording,
  dateTimeWording,
  dateWording,
  procedureWording,
  stageWording,
  workingDurationWording,
} from '../domain/wording';
import type { Directory, EventTx, NotifyStore } from './ports';
import type { HallSettingsBook } from './settings';

export type IntakeEvent = NonNullable<EventOf<typeof IntakeEvents>>;
export type CaseEvent = NonNullable<EventOf<typeof CaseEvents>>;
export type TimingEvent = NonNullable<EventOf<typeof TimingEvents>>;
export type EvaluationEvent = NonNullable<EventOf<typeof EvaluationEvents>>;

const HOUR_MS = 3_600_000;
/** A certificate not collected this long after it was issued gets a reminder (natural days). */
export const PICKUP_REMINDER_AFTER_MS = 3 * 24 * HOUR_MS;

export interface PlannerOptions {
  readonly store: NotifyStore;
  readonly directory: Directory;
  readonly settings: HallSettingsBook;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Events older than this (a backlog after a long outage) update the read models but send nothing. */
  readonly maxEventAgeMs: number;
}

const INTAKE_TYPES = [
  'intake.application.registered',
  'intake.application.accepted',
  'intake.application.completed_immediately',
  'intake.application.supplement_requested',
  'intake.application.refused',
  'intake.appointment.booked',
  'intake.appointment.rescheduled',
  'intake.appointment.cancelled',
  'intake.appointment.checked_in',
] as const;
const CASE_TYPES = [
  'case.case.opened',
  'case.special_procedure.started',
  'case.certificate.issued',
  'case.certificate.delivered',
  'case.bundle.pickup_agreed',
  'case.case.completed',
] as const;

function isOneOf<E extends { type: string }, T extends E['type']>(
  event: E,
  types: readonly T[],
): event is Extract<E, { type: T }> {
  return (types as readonly string[]).includes(event.type);
}

const applicant = (id: string): Recipient => ({ kind: 'applicant', id });
const staff = (id: string): Recipient => ({ kind: 'staff', id });

export class Planner {
  constructor(private readonly o: PlannerOptions) {}

  private stale(occurredAt: string): boolean {
    return this.o.clock.now().getTime() - new Date(occurredAt).getTime() > this.o.maxEventAgeMs;
  }

  /** Writes an event's messages (unless it is stale) and its read-model changes, once. */
  private async apply(
    envelope: { id: string; type: string; occurredAt: string },
    messages: readonly PlannedMessage[],
    also?: (tx: EventTx) => Promise<readonly PlannedMessage[] | void>,
  ): Promise<void> {
    const stale = this.stale(envelope.occurredAt);
    await this.o.store.handleEvent(envelope.id, envelope.type, async (tx) => {
      const more = (await also?.(tx)) ?? [];
      const all = [...messages, ...more];
      if (stale) return;
      // A reminder whose time has passed (a backlog) is not worth sending any more.
      const now = this.o.clock.now().getTime();
      const due = all.filter((m) => !m.cancelGroup || !m.sendAt || m.sendAt.getTime() > now);
      if (due.length > 0) await tx.addMessages(envelope.id, envelope.type, due);
    });
    if (stale && messages.length > 0)
      this.o.logger.info({ eventId: envelope.id, type: envelope.type }, 'stale event: nothing sent');
  }

  private async hall(hallId: string): Promise<{ name: string; complaintPhone: string }> {
    const hall = await this.o.directory.hall(hallId);
    return { name: hall?.name || '政务服务中心', complaintPhone: hall?.complaintPhone || '12345' };
  }

  async intakeEvent(event: IntakeEvent): Promise<void> {
    // Tickets, agents, batch service, resubmissions, 容缺 materials and query passwords: no SMS of ours.
    if (!isOneOf(event, INTAKE_TYPES)) return;
    const { envelope } = event;
    const day = localDateOf(new Date(envelope.occurredAt));
    switch (event.type) {
      case 'intake.application.registered': {
        const d = event.data;
        return this.apply(envelope, [], async (tx) => {
          await tx.saveRegistration({
            registrationId: d.registrationId,
            registrationNumber: d.registrationNumber,
            itemName: d.itemName,
            hallId: d.hallId,
            windowId: d.windowId,
          });
        });
      }
      case 'intake.application.accepted':
      case 'intake.application.completed_immediately': {
        const d = event.data;
        const base = { caseId: d.caseId, caseNumber: d.caseNumber, hallId: d.hallId, urgent: false };
        const item = d.item?.content?.name ?? '';
        const messages: PlannedMessage[] = [];
        if (event.type === 'intake.application.accepted') {
          const settings = await this.o.settings.of(d.hallId);
          messages.push({
            ...base,
            templateCode: T.caseAccepted,
            recipient: applicant(d.applicantId),
            variables: {
              item,
              caseNumber: d.caseNumber,
              promisedDate: d.promisedAt ? dateWording(d.promisedAt) : '承诺时限内',
              queryHint: settings.queryHint,
            },
          });
        } else {
          const hall = await this.hall(d.hallId);
          messages.push({
            ...base,
            templateCode: T.caseCompleted,
            recipient: applicant(d.applicantId),
            variables: {
              caseNumber: d.caseNumber,
              item,
              completedAt: dateTimeWording(d.completedAt ?? new Date(envelope.occurredAt)),
              complaintPhone: hall.complaintPhone,
            },
          });
        }
        return this.apply(envelope, messages, async (tx) => {
          await tx.count(d.hallId, d.windowId, day, 'accepted');
          if (event.type === 'intake.application.completed_immediately')
            await tx.count(d.hallId, d.windowId, day, 'completed');
        });
      }
      case 'intake.application.supplement_requested':
      case 'intake.application.refused': {
        const d = event.data;
        const hall = await this.hall(d.hallId);
        return this.apply(envelope, [], async (tx) => {
          const facts = await tx.registration(d.registrationId);
          if (!facts) {
            this.o.logger.warn({ registrationId: d.registrationId }, 'registration not known: no SMS');
            return [];
          }
          const base = {
            caseId: '',
            caseNumber: '',
            hallId: d.hallId,
            urgent: false,
            recipient: applicant(d.applicantId),
          };
          const variables = { item: facts.itemName, registrationNumber: facts.registrationNumber };
          return event.type === 'intake.application.supplement_requested'
            ? [{ ...base, templateCode: T.supplementRequested, variables: { ...variables, hall: hall.name } }]
            : [
                {
                  ...base,
                  templateCode: T.applicationRefused,
                  variables: { ...variables, complaintPhone: hall.complaintPhone },
                },
              ];
        });
      }
      case 'intake.appointment.booked':
      case 'intake.appointment.rescheduled': {
        const a = event.data.appointment;
        if (!a) return this.apply(envelope, []);
        const hall = await this.hall(a.hallId);
        const group = `appointment:${a.id}`;
        const variables = {
          date: calendarDateWording(a.date),
          start: a.start,
          end: a.end,
          hall: hall.name,
          code: a.code,
        };
        const base = { caseId: '', caseNumber: '', hallId: a.hallId, urgent: false, recipient: appointmentOf(a.id) };
        const messages: PlannedMessage[] = [{ ...base, templateCode: T.appointmentBooked, variables }];
        const reminderAt = appointmentReminderAt(a.date, a.start, this.o.clock.now());
        if (reminderAt)
          messages.push({
            ...base,
            templateCode: T.appointmentReminder,
            variables,
            sendAt: reminderAt,
            cancelGroup: group,
          });
        return this.apply(envelope, messages, async (tx) => {
          // A new slot: the old slot's reminder goes.
          await tx.cancelGroup(group);
        });
      }
      case 'intake.appointment.cancelled':
      case 'intake.appointment.checked_in': {
        const a = event.data.appointment;
        return this.apply(envelope, [], async (tx) => {
          if (a) await tx.cancelGroup(`appointment:${a.id}`);
        });
      }
    }
  }

  async caseEvent(event: CaseEvent): Promise<void> {
    // Stages, hand-offs, decisions, extensions, archiving: the applicant hears at the milestones handled here.
    if (!isOneOf(event, CASE_TYPES)) return;
    const { envelope } = event;
    switch (event.type) {
      case 'case.case.opened': {
        const d = event.data;
        return this.apply(envelope, [], async (tx) => {
          if (d.case) await tx.saveCaseWindow(d.case.caseId, d.case.acceptingHallId, d.acceptingWindowId);
        });
      }
      case 'case.special_procedure.started': {
        const c = event.data.case;
        const p = event.data.procedure;
        // 容缺材料补齐 is intake's own notice; the applicant already signed for it.
        if (!c || !p || p.kind === caseV1.SpecialProcedureKind.SPECIAL_PROCEDURE_KIND_MISSING_MATERIAL_SUPPLEMENT)
          return this.apply(envelope, []);
        return this.apply(envelope, [
          {
            ...caseBase(c),
            templateCode: T.specialProcedureStarted,
            recipient: applicant(c.applicantId),
            variables: { caseNumber: c.caseNumber, item: c.itemName, procedure: procedureWording(p.kind) },
          },
        ]);
      }
      case 'case.certificate.issued': {
        const d = event.data;
        const ref = await this.caseHall(d.caseId, envelope.caseId);
        const hall = await this.hall(ref);
        const issuedAt = d.issuedAt ?? new Date(envelope.occurredAt);
        const base = {
          caseId: d.caseId,
          caseNumber: d.caseNumber,
          hallId: ref,
          urgent: false,
          recipient: applicant(d.applicantId),
        };
        const variables = { certificate: d.certificateName || '证照', hall: hall.name };
        return this.apply(envelope, [
          { ...base, templateCode: T.certificateReady, variables },
          {
            ...base,
            templateCode: T.pickupReminder,
            variables: { ...variables, when: '工作时间' },
            sendAt: new Date(issuedAt.getTime() + PICKUP_REMINDER_AFTER_MS),
            cancelGroup: `pickup:${d.caseId}`,
          },
        ]);
      }
      case 'case.certificate.delivered': {
        const c = event.data.case;
        const delivery = event.data.delivery;
        if (!c || !delivery) return this.apply(envelope, []);
        const certificate = event.data.certificates.map((x) => x.name).join('、') || '办理结果';
        const M = caseV1.DeliveryMethod;
        const messages: PlannedMessage[] = [];
        const base = { ...caseBase(c), recipient: applicant(c.applicantId) };
        if (delivery.method === M.DELIVERY_METHOD_EXPRESS) {
          messages.push({
            ...base,
            templateCode: T.expressDispatched,
            variables: { certificate, company: delivery.expressCompany, trackingNumber: delivery.trackingNumber },
          });
        } else if (delivery.method === M.DELIVERY_METHOD_APPOINTMENT && delivery.appointmentAt) {
          const hall = await this.hall(c.acceptingHallId);
          const variables = { certificate, pickupAt: dateTimeWording(delivery.appointmentAt), hall: hall.name };
          messages.push({ ...base, templateCode: T.pickupAgreed, variables });
          messages.push({
            ...base,
            templateCode: T.pickupReminder,
            variables: { certificate, when: variables.pickupAt, hall: hall.name },
            sendAt: new Date(delivery.appointmentAt.getTime() - 2 * HOUR_MS),
            cancelGroup: `pickup-at:${c.caseId}`,
          });
        }
        return this.apply(envelope, messages, async (tx) => {
          await tx.cancelGroup(`pickup:${c.caseId}`);
        });
      }
      case 'case.bundle.pickup_agreed': {
        const d = event.data;
        if (!d.pickupAt) return this.apply(envelope, []);
        const hall = await this.hall(d.hallId);
        const pickupAt = dateTimeWording(d.pickupAt);
        // 两证齐发: one message per applicant of the bundle, not one per certificate.
        const messages: PlannedMessage[] = [];
        const seen = new Set<string>();
        for (const c of d.cases) {
          if (seen.has(c.applicantId)) continue;
          seen.add(c.applicantId);
          const base = { ...caseBase(c), recipient: applicant(c.applicantId) };
          messages.push({
            ...base,
            templateCode: T.pickupAgreed,
            variables: { certificate: '证照', pickupAt, hall: hall.name },
          });
          messages.push({
            ...base,
            templateCode: T.pickupReminder,
            variables: { certificate: '证照', when: pickupAt, hall: hall.name },
            sendAt: new Date(d.pickupAt.getTime() - 2 * HOUR_MS),
            cancelGroup: `bundle:${d.bundleId}`,
          });
        }
        return this.apply(envelope, messages, async (tx) => {
          await tx.cancelGroup(`bundle:${d.bundleId}`);
        });
      }
      case 'case.case.completed': {
        const c = event.data.case;
        if (!c) return this.apply(envelope, []);
        const hall = await this.hall(c.acceptingHallId);
        const base = { ...caseBase(c), recipient: applicant(c.applicantId) };
        const completedAt = event.data.completedAt ?? new Date(envelope.occurredAt);
        return this.apply(
          envelope,
          [
            {
              ...base,
              templateCode: T.caseCompleted,
              variables: {
                caseNumber: c.caseNumber,
                item: c.itemName,
                completedAt: dateTimeWording(completedAt),
                complaintPhone: hall.complaintPhone,
              },
            },
          ],
          async (tx) => {
            await tx.cancelGroup(`pickup:${c.caseId}`);
            const window = await tx.caseWindow(c.caseId);
            if (window) await tx.count(window.hallId, window.windowId, localDateOf(completedAt), 'completed');
          },
        );
      }
    }
  }

  /**
   * evaluation.rating.invited: the SMS rating link the evaluation service issued when the case was completed
   * (signed, single use, expiring), sent to the applicant after the completion notice.
   */
  async evaluationEvent(event: EvaluationEvent): Promise<void> {
    if (event.type !== 'evaluation.rating.invited') return;
    const d = event.data;
    return this.apply(event.envelope, [
      {
        caseId: d.caseId,
        caseNumber: d.caseNumber,
        hallId: d.hallId,
        urgent: false,
        templateCode: T.ratingInvitation,
        recipient: applicant(d.applicantId),
        variables: { item: d.itemName, caseNumber: d.caseNumber, token: d.token },
      },
    ]);
  }

  async timingEvent(event: TimingEvent): Promise<void> {
    const { envelope } = event;
    const day = localDateOf(new Date(envelope.occurredAt));
    const L = timingV1.AlertLevel;
    if (event.type === 'timing.warning.issued') {
      const w = event.data;
      const clock = w.clock;
      if (!clock) return this.apply(envelope, []);
      const base = { caseId: clock.caseId, caseNumber: clock.caseNumber, hallId: clock.hallId, urgent: false };
      const stage = stageWording(clock.stage, clock.kind);
      const messages: PlannedMessage[] = [];
      if (w.level === L.ALERT_LEVEL_APPLICANT_WARNING) {
        for (const r of w.recipients.filter((x) => x.applicantId))
          messages.push({
            ...base,
            templateCode: T.applicantTimeWarning,
            recipient: applicant(r.applicantId),
            variables: {
              caseNumber: clock.caseNumber,
              item: clock.itemName,
              clock: clockWording(clock.kind, clock.stage),
              dueAt: clock.dueAt ? dateTimeWording(clock.dueAt) : '近期',
            },
          });
      } else if (w.level === L.ALERT_LEVEL_REMINDER) {
        const state = w.remainingWorkingMs > 0 ? `剩余${workingDurationWording(w.remainingWorkingMs)}` : '已到办理时限';
        for (const r of w.recipients.filter((x) => x.staffId))
          messages.push({
            ...base,
            templateCode: T.handlerReminder,
            recipient: staff(r.staffId),
            variables: { caseNumber: clock.caseNumber, item: clock.itemName, stage, state },
          });
      } else if (w.level === L.ALERT_LEVEL_PRE_WARNING) {
        const department = (await this.o.directory.departmentName(clock.departmentId)) ?? '承办部门';
        for (const r of w.recipients.filter((x) => x.staffId))
          messages.push({
            ...base,
            urgent: true,
            templateCode: T.preWarning,
            recipient: staff(r.staffId),
            variables: {
              department,
              caseNumber: clock.caseNumber,
              item: clock.itemName,
              stage,
              remaining: workingDurationWording(w.remainingWorkingMs),
            },
          });
      }
      return this.apply(envelope, messages, async (tx) => {
        if (w.level === L.ALERT_LEVEL_REMINDER && clock.windowId)
          await tx.count(clock.hallId, clock.windowId, day, 'reminders');
      });
    }
    if (event.type === 'timing.card.yellow' || event.type === 'timing.card.red') {
      const card = event.data.card;
      if (!card) return this.apply(envelope, []);
      const red = event.type === 'timing.card.red';
      const department = (await this.o.directory.departmentName(card.departmentId)) ?? '承办部门';
      const messages = card.recipients
        .filter((r) => r.staffId)
        .map((r): PlannedMessage => ({
          caseId: card.caseId,
          caseNumber: card.caseNumber,
          hallId: card.hallId,
          urgent: true,
          templateCode: red ? T.redCard : T.yellowCard,
          recipient: staff(r.staffId),
          variables: {
            department,
            caseNumber: card.caseNumber || card.registrationId,
            item: card.itemName,
            stage: stageWording(card.stage, card.clockKind),
            overdue: workingDurationWording(card.overdueWorkingMs),
          },
        }));
      return this.apply(envelope, messages, async (tx) => {
        if (card.windowId) await tx.count(card.hallId, card.windowId, day, red ? 'red' : 'yellow');
      });
    }
    return undefined;
  }

  /** The accepting hall of a case (from its opening), for events that do not name it. */
  private async caseHall(caseId: string, fallbackCaseId: string | undefined): Promise<string> {
    const known = await this.o.store.caseHall(caseId || fallbackCaseId || '');
    return known ?? '';
  }
}

function caseBase(c: caseEventsV1.CaseRef): Pick<PlannedMessage, 'caseId' | 'caseNumber' | 'hallId' | 'urgent'> {
  return { caseId: c.caseId, caseNumber: c.caseNumber, hallId: c.acceptingHallId, urgent: false };
}

function appointmentOf(id: string): Recipient {
  return { kind: 'appointment', id };
}

/**
 * The appointment reminder: the day before at 16:00 China time when booked earlier than that, else two hours
 * before the slot; none when even that has passed.
 */
export function appointmentReminderAt(date: string, start: string, now: Date): Date | undefined {
  const slot = new Date(`${date}T${start}:00+08:00`);
  if (Number.isNaN(slot.getTime())) return undefined;
  const dayBefore = new Date(new Date(`${date}T16:00:00+08:00`).getTime() - 24 * HOUR_MS);
  if (dayBefore.getTime() > now.getTime()) return dayBefore;
  const twoHoursBefore = new Date(slot.getTime() - 2 * HOUR_MS);
  return twoHoursBefore.getTime() > now.getTime() ? twoHoursBefore : undefined;
}
