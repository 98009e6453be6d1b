import type { CatalogueReader } from '@govhall/catalogue-client';
import { catalogueItemsV1, intakeAppointmentsV1 as pb, intakeQueueV1 as q } from '@govhall/contracts';
import {
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
  type Actor,
  type Clock,
  type FieldViolation,
  type IdGenerator,
  messageResult,
} from '@govhall/kit';
import {
  APPOINTMENT_CODE_PATTERN,
  DEFAULT_BATCH_THRESHOLD,
  batchDateProblem,
  checkInProblem,
  generateAppointmentCode,
  minutesOf,
  sessionHolding,
  sessionOpen,
  validateBatchBooking,
  validateBooking,
  validateListing,
  validateSlotsRequest,
  validateThreshold,
} from '../domain/appointments';
import { maskPhone, normalisePhone, normaliseIdNumber } from '../domain/identity';
import type { PersonalDataCipher } from '../domain/personal-data';
import { addDays, minutesOfDay, serviceDateOf } from '../domain/queue';
import type { QueueStore } from './queue-ports';
import { requireHallAdministrator, requireHallCaller, type QueueMeta, type QueueService } from './queue-service';

const SlotsResponse = messageResult(pb.SetAppointmentSlotsResponse);
const AppointmentResponse = messageResult(pb.BookAppointmentResponse);
const CheckInResponse = messageResult(pb.CheckInAppointmentResponse);
const PolicyResponse = messageResult(pb.SetBatchServicePolicyResponse);
const BatchResponse = messageResult(pb.BookBatchServiceResponse);
/** How far ahead BookBatchService looks for the room's next open day. */
const NEXT_OPEN_DAY_HORIZON = 14;

/** Appointments (预约) and the batch service room (批量办证服务室). */
export class AppointmentService {
  constructor(
    private readonly store: QueueStore,
    private readonly catalogue: CatalogueReader,
    private readonly queue: QueueService,
    private readonly cipher: PersonalDataCipher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async setSlots(meta: QueueMeta, request: pb.SetAppointmentSlotsRequest): Promise<pb.SetAppointmentSlotsResponse> {
    ValidationError.throwIfAny(validateSlotsRequest(request));
    requireHallAdministrator(meta.actor, request.hallId);
    const category = await this.store.category(request.categoryId);
    if (!category || category.hallId !== request.hallId || !category.active) {
      throw ValidationError.single('category_id', 'is not an active ticket category of the hall');
    }
    // Opening of every window that calls the category, read before the command (never inside it).
    const days = await Promise.all(
      category.windowIds.map(async (w) => (await this.catalogue.openTimes(request.hallId, w, request.date, 1))[0]),
    );
    const violations: FieldViolation[] = [];
    const kinds = request.slots.map((slot, i) => {
      const kind = days.map((d) => sessionHolding(d, slot.start, slot.end)).find((k) => k !== undefined);
      if (!kind) {
        violations.push({
          field: `slots[${i}]`,
          description: `${request.date} ${slot.start}-${slot.end}不在叫号窗口的开放时间内`,
        });
      }
      return kind ?? '';
    });
    ValidationError.throwIfAny(violations);
    return this.store.command(
      { requestId: meta.requestId, operation: 'SetAppointmentSlots', request, result: SlotsResponse },
      async (tx) => {
        const existing = await tx.slotsOf(category.id, request.date);
        const slots: pb.AppointmentSlot[] = [];
        const kept: pb.AppointmentSlot[] = [];
        const problems: FieldViolation[] = [];
        const matched = new Set<string>();
        for (const [i, input] of request.slots.entries()) {
          const same = existing.find((s) => s.start === input.start && s.end === input.end);
          if (same) {
            if (input.capacity < same.booked) {
              problems.push({ field: `slots[${i}].capacity`, description: `已有${same.booked}人预约，容量不能更小` });
            }
            matched.add(same.id);
            await tx.setSlotCapacity(same.id, input.capacity, kinds[i]!);
            slots.push({ ...same, capacity: input.capacity, sessionKind: kinds[i]! });
            continue;
          }
          const slot: pb.AppointmentSlot = {
            id: this.ids.next(),
            hallId: request.hallId,
            categoryId: category.id,
            date: request.date,
            start: input.start,
            end: input.end,
            capacity: input.capacity,
            booked: 0,
            sessionKind: kinds[i]!,
          };
          slots.push(slot);
        }
        for (const s of existing) {
          if (matched.has(s.id)) continue;
          if (s.booked === 0) {
            await tx.deleteSlot(s.id);
            continue;
          }
          kept.push(s);
          request.slots.forEach((input, i) => {
            if (minutesOf(input.start) < minutesOf(s.end) && minutesOf(s.start) < minutesOf(input.end)) {
              problems.push({ field: `slots[${i}]`, description: `与已有预约的时段${s.start}-${s.end}重叠` });
            }
          });
        }
        ValidationError.throwIfAny(problems);
        for (const slot of slots) if (!existing.some((s) => s.id === slot.id)) await tx.insertSlot(slot);
        return { slots, kept };
      },
    );
  }

  async listSlots(request: pb.ListAppointmentSlotsRequest): Promise<pb.AppointmentSlot[]> {
    ValidationError.throwIfAny(validateListing(request));
    return this.store.slots(
      request.hallId,
      request.categoryId,
      request.fromDate,
      addDays(request.fromDate, request.days - 1),
    );
  }

  async book(meta: QueueMeta, request: pb.BookAppointmentRequest): Promise<pb.Appointment> {
    ValidationError.throwIfAny(validateBooking(request));
    const slot = await this.store.slot(request.slotId);
    if (!slot) throw ValidationError.single('slot_id', 'is not an appointment slot');
    requireHallCaller(meta.actor, slot.hallId);
    if (request.itemId) await this.checkItem(request.itemId, 'item_id');
    const phone = normalisePhone(request.phone);
    const sealed = this.cipher.encrypt(phone);
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'BookAppointment', request, result: AppointmentResponse },
      async (tx) => {
        this.checkBookable(slot);
        const taken = await tx.takePlace(slot.id);
        if (!taken) throw new PreconditionFailedError(`${slot.date} ${slot.start}-${slot.end}已约满，请选择其他时段`);
        const appointment: pb.Appointment = pb.Appointment.fromPartial({
          id: this.ids.next(),
          code: generateAppointmentCode(),
          hallId: slot.hallId,
          categoryId: slot.categoryId,
          slotId: slot.id,
          date: slot.date,
          start: slot.start,
          end: slot.end,
          kind: request.kind,
          status: pb.AppointmentStatus.APPOINTMENT_STATUS_BOOKED,
          applicantName: request.applicantName.trim(),
          phoneMasked: maskPhone(phone),
          itemId: request.itemId,
          address: request.address.trim(),
          bookedAt: this.clock.now(),
        });
        if (!(await tx.insertAppointment(appointment, sealed))) throw new PreconditionFailedError('预约码冲突，请重试');
        tx.emit('appointmentBooked', { appointment, previousSlotId: '' });
        return { appointment };
      },
    );
    return answer.appointment!;
  }

  private checkBookable(slot: pb.AppointmentSlot): void {
    const now = this.clock.now();
    const today = serviceDateOf(now);
    if (slot.date < today || (slot.date === today && minutesOf(slot.end) <= minutesOfDay(now))) {
      throw new PreconditionFailedError(`${slot.date} ${slot.start}-${slot.end}已过，不能预约`);
    }
  }

  private async checkItem(itemId: string, field: string): Promise<catalogueItemsV1.Item> {
    const item = await this.catalogue.item(itemId, 0);
    if (!item || item.status !== catalogueItemsV1.ItemStatus.ITEM_STATUS_PUBLISHED) {
      throw ValidationError.single(field, 'is not a published item');
    }
    return item;
  }

  private async located(actor: Actor, locator: { id: string; code: string }): Promise<pb.Appointment> {
    if (!locator.id && !locator.code) throw ValidationError.single('id', 'give the id or the code');
    if (!locator.id && !APPOINTMENT_CODE_PATTERN.test(locator.code)) {
      throw ValidationError.single('code', 'must be the 8-character appointment code');
    }
    const appointment = await this.store.appointment(locator.id ? { id: locator.id } : { code: locator.code });
    if (!appointment) throw new NotFoundError('appointment', locator.id || locator.code);
    requireHallCaller(actor, appointment.hallId);
    return appointment;
  }

  async get(actor: Actor, request: pb.GetAppointmentRequest): Promise<pb.Appointment> {
    return this.located(actor, { id: request.id, code: request.code });
  }

  async cancel(meta: QueueMeta, request: pb.CancelAppointmentRequest): Promise<pb.Appointment> {
    if ([...request.reason].length > 200) throw ValidationError.single('reason', 'at most 200 characters');
    const found = await this.located(meta.actor, { id: request.appointmentId, code: '' });
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'CancelAppointment', request, result: AppointmentResponse },
      async (tx) => {
        const current = (await tx.appointment({ id: found.id }))!;
        if (current.status !== pb.AppointmentStatus.APPOINTMENT_STATUS_BOOKED) {
          throw new PreconditionFailedError('该预约已取消或已签到，不能取消');
        }
        const appointment = {
          ...current,
          status: pb.AppointmentStatus.APPOINTMENT_STATUS_CANCELLED,
          cancelledAt: this.clock.now(),
        };
        await tx.releasePlace(current.slotId);
        await tx.saveAppointment(appointment);
        tx.emit('appointmentCancelled', { appointment, previousSlotId: '' });
        return { appointment };
      },
    );
    return answer.appointment!;
  }

  async reschedule(meta: QueueMeta, request: pb.RescheduleAppointmentRequest): Promise<pb.Appointment> {
    if (!request.slotId) throw ValidationError.single('slot_id', 'is required');
    const found = await this.located(meta.actor, { id: request.appointmentId, code: '' });
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'RescheduleAppointment', request, result: AppointmentResponse },
      async (tx) => {
        const current = (await tx.appointment({ id: found.id }))!;
        if (current.status !== pb.AppointmentStatus.APPOINTMENT_STATUS_BOOKED) {
          throw new PreconditionFailedError('该预约已取消或已签到，不能改约');
        }
        const slot = await tx.slot(request.slotId);
        if (!slot || slot.hallId !== current.hallId || slot.categoryId !== current.categoryId) {
          throw ValidationError.single('slot_id', 'is not a slot of the same hall and category');
        }
        if (slot.id === current.slotId) throw ValidationError.single('slot_id', 'is the slot already booked');
        this.checkBookable(slot);
        // Take the new place first: when it is full the whole move rolls back and the old place stays.
        if (!(await tx.takePlace(slot.id))) {
          throw new PreconditionFailedError(`${slot.date} ${slot.start}-${slot.end}已约满，请选择其他时段`);
        }
        await tx.releasePlace(current.slotId);
        const appointment = {
          ...current,
          slotId: slot.id,
          date: slot.date,
          start: slot.start,
          end: slot.end,
          reschedules: current.reschedules + 1,
        };
        await tx.saveAppointment(appointment);
        tx.emit('appointmentRescheduled', { appointment, previousSlotId: current.slotId });
        return { appointment };
      },
    );
    return answer.appointment!;
  }

  async checkIn(meta: QueueMeta, request: pb.CheckInAppointmentRequest): Promise<pb.CheckInAppointmentResponse> {
    const found = await this.located(meta.actor, { id: request.appointmentId, code: request.code });
    return this.store.command(
      { requestId: meta.requestId, operation: 'CheckInAppointment', request, result: CheckInResponse },
      async (tx) => {
        const current = (await tx.appointment({ id: found.id }))!;
        if (current.status !== pb.AppointmentStatus.APPOINTMENT_STATUS_BOOKED) {
          throw new PreconditionFailedError('该预约已取消或已签到');
        }
        const now = this.clock.now();
        const problem = checkInProblem(current, serviceDateOf(now), minutesOfDay(now));
        if (problem) throw new PreconditionFailedError(problem);
        const category = await tx.category(current.categoryId);
        if (!category) throw new NotFoundError('ticket category', current.categoryId);
        const ticket = await this.queue.newTicket(tx, category, {
          ticketClass: q.TicketClass.TICKET_CLASS_APPOINTMENT,
          assignedStaffId: '',
          projectName: '',
          directorStaffId: '',
          phoneMasked: current.phoneMasked,
          appointmentId: current.id,
        });
        await tx.insertTicket(ticket, null);
        const appointment = {
          ...current,
          status: pb.AppointmentStatus.APPOINTMENT_STATUS_CHECKED_IN,
          ticketId: ticket.id,
        };
        await tx.saveAppointment(appointment);
        tx.emit('ticketTaken', { ticket, windowNumber: '', waitedSeconds: 0, servedSeconds: 0 });
        tx.emit('appointmentCheckedIn', { appointment, previousSlotId: '' });
        return { appointment, ticketId: ticket.id, ticketNumber: ticket.number };
      },
    );
  }

  async setPolicy(meta: QueueMeta, request: pb.SetBatchServicePolicyRequest): Promise<pb.BatchServicePolicy> {
    if (!request.hallId) throw ValidationError.single('hall_id', 'is required');
    ValidationError.throwIfAny(validateThreshold(request.threshold));
    requireHallAdministrator(meta.actor, request.hallId);
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'SetBatchServicePolicy', request, result: PolicyResponse },
      async (tx) => {
        const version = await tx.upsertPolicy(request.hallId, request.threshold);
        return { policy: { hallId: request.hallId, threshold: request.threshold, version } };
      },
    );
    return answer.policy!;
  }

  async getPolicy(hallId: string): Promise<pb.BatchServicePolicy> {
    if (!hallId) throw ValidationError.single('hall_id', 'is required');
    const policy = await this.store.policy(hallId);
    return { hallId, threshold: policy?.threshold ?? DEFAULT_BATCH_THRESHOLD, version: policy?.version ?? 0 };
  }

  async bookBatch(meta: QueueMeta, request: pb.BookBatchServiceRequest): Promise<pb.BatchBooking> {
    ValidationError.throwIfAny(validateBatchBooking(request));
    requireHallCaller(meta.actor, request.hallId);
    const policy = await this.getPolicy(request.hallId);
    if (request.quantity <= policy.threshold) {
      throw ValidationError.single(
        'quantity',
        `批量办证须单种审批数量超过${policy.threshold}件（本次${request.quantity}件）`,
      );
    }
    const rooms = (await this.catalogue.windowsOf(request.hallId)).filter((w) => w.kind === 'batch_room' && w.active);
    const room = request.roomWindowId ? rooms.find((w) => w.id === request.roomWindowId) : rooms[0];
    if (request.roomWindowId && !room) {
      throw ValidationError.single('room_window_id', 'is not an active batch room of the hall');
    }
    if (!room) throw new PreconditionFailedError('本中心没有启用的批量办证服务室');
    if (!request.roomWindowId && rooms.length > 1) {
      throw ValidationError.single('room_window_id', 'the hall has several batch rooms: name one');
    }
    const item = await this.checkItem(request.itemId, 'item_id');
    if (!room.departmentIds.includes(item.content?.departmentId ?? '')) {
      throw ValidationError.single('item_id', `is not an item of a department the room ${room.number} serves`);
    }
    const now = this.clock.now();
    const today = serviceDateOf(now);
    const ahead = await this.catalogue.openTimes(request.hallId, room.id, today, NEXT_OPEN_DAY_HORIZON + 1);
    const nextOpen = ahead.find((d) => d.date > today && d.open)?.date;
    const date = request.date || today;
    const problem = batchDateProblem(date, today, nextOpen);
    if (problem) throw ValidationError.single('date', problem);
    if (
      !sessionOpen(
        ahead.find((d) => d.date === date),
        request.session,
      )
    ) {
      throw ValidationError.single('session', `服务室${date}该时段不开放`);
    }
    const phone = normalisePhone(request.contactPhone);
    const sealed = this.cipher.encrypt(phone);
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'BookBatchService', request, result: BatchResponse },
      async (tx) => {
        const holder = await tx.batchHolder(room.id, date, request.session);
        const taken = `批量办证服务室${date}${request.session === pb.BatchSession.BATCH_SESSION_MORNING ? '上午' : '下午'}已由`;
        if (holder) throw new PreconditionFailedError(`${taken}${holder.enterpriseName}预约`);
        const booking: pb.BatchBooking = {
          id: this.ids.next(),
          hallId: request.hallId,
          roomWindowId: room.id,
          enterpriseName: request.enterpriseName.trim(),
          creditCode: normaliseIdNumber(request.creditCode),
          contactName: request.contactName.trim(),
          contactPhoneMasked: maskPhone(phone),
          itemId: request.itemId,
          quantity: request.quantity,
          requestedOn: today,
          date,
          session: request.session,
          status: pb.BatchBookingStatus.BATCH_BOOKING_STATUS_BOOKED,
          bookedAt: now,
        };
        // A concurrent booking of the same session loses on the unique index.
        if (!(await tx.insertBatch(booking, sealed))) throw new PreconditionFailedError(`${taken}其他企业预约`);
        tx.emit('batchServiceBooked', { booking });
        return { booking };
      },
    );
    return answer.booking!;
  }

  async cancelBatch(meta: QueueMeta, request: pb.CancelBatchServiceRequest): Promise<pb.BatchBooking> {
    if (!request.bookingId) throw ValidationError.single('booking_id', 'is required');
    const found = await this.store.batch(request.bookingId);
    if (!found) throw new NotFoundError('batch booking', request.bookingId);
    requireHallCaller(meta.actor, found.hallId);
    const answer = await this.store.command(
      { requestId: meta.requestId, operation: 'CancelBatchService', request, result: BatchResponse },
      async (tx) => {
        const current = (await tx.batch(found.id))!;
        if (current.status !== pb.BatchBookingStatus.BATCH_BOOKING_STATUS_BOOKED) {
          throw new PreconditionFailedError('该批量办证预约已取消');
        }
        await tx.cancelBatch(current.id);
        const booking = { ...current, status: pb.BatchBookingStatus.BATCH_BOOKING_STATUS_CANCELLED };
        tx.emit('batchServiceCancelled', { booking });
        return { booking };
      },
    );
    return answer.booking!;
  }

  async listBatch(actor: Actor, request: pb.ListBatchServicesRequest): Promise<pb.BatchBooking[]> {
    ValidationError.throwIfAny(validateListing(request));
    requireHallCaller(actor, request.hallId);
    return this.store.batches(request.hallId, request.fromDate, addDays(request.fromDate, request.days - 1));
  }
}
