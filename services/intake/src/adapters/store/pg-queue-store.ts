import { intakeAppointmentsV1 as ap, intakeQueueV1 as pb } from '@govhall/contracts';
import { enumCodec, isUniqueViolation, type CommandKey, type EnumCodec } from '@govhall/kit';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { CLASS_RANK, classOfRank, type TicketStatusName } from '../../domain/queue';
import type { Emit } from '../../app/events';
import type { BatchPolicy, CallNextQuery, CategoryWaiting, QueueStore, QueueTx } from '../../app/queue-ports';
import { runCommand, type IntakeCommands } from './commands';
import type { AppointmentRow, AppointmentSlotRow, BatchBookingRow, TicketCategoryRow, TicketRow } from './queue-tables';
import type { IntakeTables } from './tables';

type AppointmentStatusName = 'booked' | 'cancelled' | 'checked_in';

/** The proto enums ↔ the names stored in their text columns, one codec per enum. */
const ticketStatus = enumCodec<TicketStatusName>()(pb.TicketStatus, {
  TICKET_STATUS_WAITING: 'waiting',
  TICKET_STATUS_CALLED: 'called',
  TICKET_STATUS_SERVING: 'serving',
  TICKET_STATUS_DONE: 'done',
  TICKET_STATUS_SKIPPED: 'skipped',
});
const appointmentKind = enumCodec<'at_hall' | 'home_visit'>()(ap.AppointmentKind, {
  APPOINTMENT_KIND_AT_HALL: 'at_hall',
  APPOINTMENT_KIND_HOME_VISIT: 'home_visit',
});
const appointmentStatus = enumCodec<AppointmentStatusName>()(ap.AppointmentStatus, {
  APPOINTMENT_STATUS_BOOKED: 'booked',
  APPOINTMENT_STATUS_CANCELLED: 'cancelled',
  APPOINTMENT_STATUS_CHECKED_IN: 'checked_in',
});
const batchSession = enumCodec<'morning' | 'afternoon'>()(ap.BatchSession, {
  BATCH_SESSION_MORNING: 'morning',
  BATCH_SESSION_AFTERNOON: 'afternoon',
});
const batchStatus = enumCodec<'booked' | 'cancelled'>()(ap.BatchBookingStatus, {
  BATCH_BOOKING_STATUS_BOOKED: 'booked',
  BATCH_BOOKING_STATUS_CANCELLED: 'cancelled',
});

/** The proto value of a stored name, read as `fallback` when the column holds a name this store never writes. */
function storedAs<P extends string, D extends string>(codec: EnumCodec<P, D>, name: string, fallback: D): P {
  return codec.toProto(codec.values.includes(name as D) ? (name as D) : fallback);
}

export function categoryOut(row: Selectable<TicketCategoryRow>): pb.TicketCategory {
  return {
    id: row.id,
    hallId: row.hall_id,
    prefix: row.prefix,
    name: row.name,
    departmentIds: row.department_ids,
    itemIds: row.item_ids,
    windowIds: row.window_ids,
    maxCalls: row.max_calls,
    numberWidth: row.number_width,
    active: row.active,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function ticketOut(row: Selectable<TicketRow>): pb.Ticket {
  const at = (d: Date | null): Date | undefined => d ?? undefined;
  return {
    id: row.id,
    hallId: row.hall_id,
    categoryId: row.category_id,
    number: row.number,
    ticketClass: classOfRank(row.class_rank),
    status: ticketStatus.toProto(row.status as TicketStatusName),
    serviceDate: row.service_date,
    takenAt: row.taken_at,
    assignedStaffId: row.assigned_staff_id ?? '',
    projectName: row.project_name,
    directorStaffId: row.director_staff_id,
    appointmentId: row.appointment_id ?? '',
    targetWindowId: row.target_window_id ?? '',
    windowId: row.window_id ?? '',
    windowNumber: row.window_number,
    calledByStaffId: row.called_by_staff_id,
    calls: row.calls,
    firstCalledAt: at(row.first_called_at),
    lastCalledAt: at(row.last_called_at),
    servingStartedAt: at(row.serving_started_at),
    finishedAt: at(row.finished_at),
    transfers: row.transfers,
    phoneMasked: row.phone_masked,
    registrationIds: row.registration_ids,
  };
}

/** The columns of a category that an edit may change (with the version and the time it was made). */
function categoryColumns(c: pb.TicketCategory) {
  return {
    prefix: c.prefix,
    name: c.name,
    department_ids: c.departmentIds,
    item_ids: c.itemIds,
    window_ids: c.windowIds,
    max_calls: c.maxCalls,
    number_width: c.numberWidth,
    active: c.active,
    version: c.version,
    updated_at: c.updatedAt!,
  };
}

/** The mutable columns of a ticket, from its message. */
function ticketColumns(t: pb.Ticket) {
  return {
    category_id: t.categoryId,
    status: ticketStatus.fromProto(t.status) ?? 'waiting',
    target_window_id: t.targetWindowId || null,
    window_id: t.windowId || null,
    window_number: t.windowNumber,
    called_by_staff_id: t.calledByStaffId,
    calls: t.calls,
    first_called_at: t.firstCalledAt ?? null,
    last_called_at: t.lastCalledAt ?? null,
    serving_started_at: t.servingStartedAt ?? null,
    finished_at: t.finishedAt ?? null,
    transfers: t.transfers,
    registration_ids: t.registrationIds,
  };
}

export function sessionName(session: ap.BatchSession): string {
  return batchSession.fromProto(session) ?? 'morning';
}

export function slotOut(row: Selectable<AppointmentSlotRow>): ap.AppointmentSlot {
  return {
    id: row.id,
    hallId: row.hall_id,
    categoryId: row.category_id,
    date: row.date,
    start: row.start_time,
    end: row.end_time,
    capacity: row.capacity,
    booked: row.booked,
    sessionKind: row.session_kind,
  };
}

export function appointmentOut(row: Selectable<AppointmentRow>): ap.Appointment {
  return {
    id: row.id,
    code: row.code,
    hallId: row.hall_id,
    categoryId: row.category_id,
    slotId: row.slot_id,
    date: row.date,
    start: row.start_time,
    end: row.end_time,
    kind: storedAs(appointmentKind, row.kind, 'at_hall'),
    status: appointmentStatus.toProto(row.status as AppointmentStatusName),
    applicantName: row.applicant_name,
    phoneMasked: row.phone_masked,
    itemId: row.item_id,
    address: row.address,
    ticketId: row.ticket_id ?? '',
    bookedAt: row.booked_at,
    cancelledAt: row.cancelled_at ?? undefined,
    reschedules: row.reschedules,
  };
}

export function batchOut(row: Selectable<BatchBookingRow>): ap.BatchBooking {
  return {
    id: row.id,
    hallId: row.hall_id,
    roomWindowId: row.room_window_id,
    enterpriseName: row.enterprise_name,
    creditCode: row.credit_code,
    contactName: row.contact_name,
    contactPhoneMasked: row.contact_phone_masked,
    itemId: row.item_id,
    quantity: row.quantity,
    requestedOn: row.requested_on,
    date: row.date,
    session: storedAs(batchSession, row.session, 'morning'),
    status: storedAs(batchStatus, row.status, 'booked'),
    bookedAt: row.booked_at,
  };
}

/**
 * Reads shared by the transaction and the plain store; the transaction locks the ticket, appointment and batch
 * booking it reads until commit (`lock`), the store locks nothing.
 */
class QueueReads {
  constructor(
    protected readonly db: Kysely<IntakeTables> | Transaction<IntakeTables>,
    private readonly lock: boolean,
  ) {}

  async category(id: string): Promise<pb.TicketCategory | undefined> {
    const row = await this.db.selectFrom('ticket_categories').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? categoryOut(row) : undefined;
  }

  async ticket(id: string): Promise<pb.Ticket | undefined> {
    let query = this.db.selectFrom('tickets').selectAll().where('id', '=', id);
    if (this.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? ticketOut(row) : undefined;
  }

  async slot(id: string): Promise<ap.AppointmentSlot | undefined> {
    const row = await this.db.selectFrom('appointment_slots').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? slotOut(row) : undefined;
  }

  async appointment(locator: { id?: string; code?: string }): Promise<ap.Appointment | undefined> {
    let query = this.db.selectFrom('appointments').selectAll();
    query = locator.id ? query.where('id', '=', locator.id) : query.where('code', '=', locator.code ?? '');
    if (this.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? appointmentOut(row) : undefined;
  }

  async policy(hallId: string): Promise<BatchPolicy | undefined> {
    return this.db
      .selectFrom('batch_policies')
      .select(['threshold', 'version'])
      .where('hall_id', '=', hallId)
      .executeTakeFirst();
  }

  async batch(id: string): Promise<ap.BatchBooking | undefined> {
    let query = this.db.selectFrom('batch_bookings').selectAll().where('id', '=', id);
    if (this.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? batchOut(row) : undefined;
  }
}

/** One command's view of the queue tables: every statement on the command's transaction. */
class PgQueueTx extends QueueReads implements QueueTx {
  constructor(
    private readonly trx: Transaction<IntakeTables>,
    readonly emit: Emit,
  ) {
    super(trx, true);
  }

  /** Inserts a category; false when its prefix is taken among the hall's active categories. */
  async insertCategory(c: pb.TicketCategory): Promise<boolean> {
    try {
      await this.trx
        .insertInto('ticket_categories')
        .values({
          id: c.id,
          hall_id: c.hallId,
          ...categoryColumns(c),
          created_at: c.createdAt!,
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Saves a category at `expectedVersion`; 'stale' when another change came first, 'prefix' on a taken prefix. */
  async updateCategory(c: pb.TicketCategory, expectedVersion: number): Promise<'ok' | 'stale' | 'prefix'> {
    try {
      const result = await this.trx
        .updateTable('ticket_categories')
        .set({
          ...categoryColumns(c),
        })
        .where('id', '=', c.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n ? 'ok' : 'stale';
    } catch (error) {
      if (isUniqueViolation(error)) return 'prefix';
      throw error;
    }
  }

  /** The category's next number of the day: one atomic upsert. */
  async nextSequence(categoryId: string, serviceDate: string): Promise<number> {
    const row = await this.trx
      .insertInto('ticket_counters')
      .values({ category_id: categoryId, service_date: serviceDate, last_sequence: 1 })
      .onConflict((oc) =>
        oc
          .columns(['category_id', 'service_date'])
          .doUpdateSet((eb) => ({ last_sequence: eb('ticket_counters.last_sequence', '+', 1) })),
      )
      .returning('last_sequence')
      .executeTakeFirstOrThrow();
    return row.last_sequence;
  }

  async insertTicket(t: pb.Ticket, phoneSealed: string | null): Promise<void> {
    await this.trx
      .insertInto('tickets')
      .values({
        id: t.id,
        hall_id: t.hallId,
        number: t.number,
        class_rank: CLASS_RANK[t.ticketClass] ?? 3,
        service_date: t.serviceDate,
        taken_at: t.takenAt!,
        assigned_staff_id: t.assignedStaffId || null,
        project_name: t.projectName,
        director_staff_id: t.directorStaffId,
        appointment_id: t.appointmentId || null,
        phone_sealed: phoneSealed,
        phone_masked: t.phoneMasked,
        ...ticketColumns(t),
      })
      .execute();
  }

  /** Tickets of the category that will be called before this one (same day, waiting, earlier class or time). */
  async waitingAhead(t: pb.Ticket): Promise<number> {
    const rank = CLASS_RANK[t.ticketClass] ?? 3;
    const row = await this.trx
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('category_id', '=', t.categoryId)
      .where('service_date', '=', t.serviceDate)
      .where('status', '=', 'waiting')
      .where('id', '<>', t.id)
      .where((eb) =>
        eb.or([eb('class_rank', '<', rank), eb.and([eb('class_rank', '=', rank), eb('taken_at', '<=', t.takenAt!)])]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The ticket a window holds today (called or being served), locked. */
  async heldAt(windowId: string, serviceDate: string): Promise<pb.Ticket | undefined> {
    const row = await this.trx
      .selectFrom('tickets')
      .selectAll()
      .where('window_id', '=', windowId)
      .where('service_date', '=', serviceDate)
      .where('status', 'in', ['called', 'serving'])
      .orderBy('last_called_at', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    return row ? ticketOut(row) : undefined;
  }

  /**
   * Calls the window's next ticket in one statement: the first waiting ticket of today, among categories that list
   * the window (or transferred to this very window), green channel only when the caller is its assigned handler,
   * in class then taken order; `SKIP LOCKED` lets concurrent windows take different tickets, never the same one.
   */
  async callNext(q: CallNextQuery): Promise<pb.Ticket | undefined> {
    const row = await this.trx
      .updateTable('tickets')
      .set({
        status: 'called',
        window_id: q.windowId,
        window_number: q.windowNumber,
        called_by_staff_id: q.staffId,
        calls: 1,
        first_called_at: sql<Date>`coalesce(first_called_at, ${q.now})`,
        last_called_at: q.now,
      })
      .where('status', '=', 'waiting')
      .where('id', '=', (eb) =>
        eb
          .selectFrom('tickets as t')
          .innerJoin('ticket_categories as c', 'c.id', 't.category_id')
          .select('t.id')
          .where('t.hall_id', '=', q.hallId)
          .where('t.service_date', '=', q.serviceDate)
          .where('t.status', '=', 'waiting')
          .where((w) =>
            w.or([
              w('t.target_window_id', '=', q.windowId),
              w.and([w('t.target_window_id', 'is', null), sql<boolean>`${q.windowId} = ANY(c.window_ids)`]),
            ]),
          )
          .where((w) => w.or([w('t.class_rank', '<>', 1), w('t.assigned_staff_id', '=', q.staffId)]))
          .orderBy('t.class_rank')
          .orderBy('t.taken_at')
          .orderBy('t.id')
          .limit(1)
          .forUpdate('t')
          .skipLocked(),
      )
      .returningAll()
      .executeTakeFirst();
    return row ? ticketOut(row) : undefined;
  }

  async saveTicket(t: pb.Ticket): Promise<void> {
    await this.trx.updateTable('tickets').set(ticketColumns(t)).where('id', '=', t.id).execute();
  }

  // Appointments.

  async slotsOf(categoryId: string, date: string): Promise<ap.AppointmentSlot[]> {
    const rows = await this.trx
      .selectFrom('appointment_slots')
      .selectAll()
      .where('category_id', '=', categoryId)
      .where('date', '=', date)
      .orderBy('start_time')
      .forUpdate()
      .execute();
    return rows.map(slotOut);
  }

  async deleteSlot(id: string): Promise<void> {
    await this.trx.deleteFrom('appointment_slots').where('id', '=', id).where('booked', '=', 0).execute();
  }

  async insertSlot(s: ap.AppointmentSlot): Promise<void> {
    await this.trx
      .insertInto('appointment_slots')
      .values({
        id: s.id,
        hall_id: s.hallId,
        category_id: s.categoryId,
        date: s.date,
        start_time: s.start,
        end_time: s.end,
        capacity: s.capacity,
        booked: s.booked,
        session_kind: s.sessionKind,
      })
      .execute();
  }

  async setSlotCapacity(id: string, capacity: number, sessionKind: string): Promise<void> {
    await this.trx
      .updateTable('appointment_slots')
      .set({ capacity, session_kind: sessionKind })
      .where('id', '=', id)
      .execute();
  }

  /** Takes a place of the slot when one is free: the capacity is kept by the UPDATE's own condition. */
  async takePlace(slotId: string): Promise<ap.AppointmentSlot | undefined> {
    const row = await this.trx
      .updateTable('appointment_slots')
      .set((eb) => ({ booked: eb('booked', '+', 1) }))
      .where('id', '=', slotId)
      .where((eb) => eb('booked', '<', eb.ref('capacity')))
      .returningAll()
      .executeTakeFirst();
    return row ? slotOut(row) : undefined;
  }

  async releasePlace(slotId: string): Promise<void> {
    await this.trx
      .updateTable('appointment_slots')
      .set((eb) => ({ booked: eb('booked', '-', 1) }))
      .where('id', '=', slotId)
      .where('booked', '>', 0)
      .execute();
  }

  async insertAppointment(a: ap.Appointment, phoneSealed: string): Promise<boolean> {
    try {
      await this.trx
        .insertInto('appointments')
        .values({
          id: a.id,
          code: a.code,
          hall_id: a.hallId,
          category_id: a.categoryId,
          slot_id: a.slotId,
          date: a.date,
          start_time: a.start,
          end_time: a.end,
          kind: appointmentKind.fromProto(a.kind) ?? 'at_hall',
          status: 'booked',
          applicant_name: a.applicantName,
          phone_sealed: phoneSealed,
          phone_masked: a.phoneMasked,
          item_id: a.itemId,
          address: a.address,
          ticket_id: null,
          booked_at: a.bookedAt!,
          cancelled_at: null,
          reschedules: 0,
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async saveAppointment(a: ap.Appointment): Promise<void> {
    const status = appointmentStatus.fromProto(a.status) ?? 'booked';
    await this.trx
      .updateTable('appointments')
      .set({
        slot_id: a.slotId,
        date: a.date,
        start_time: a.start,
        end_time: a.end,
        status,
        ticket_id: a.ticketId || null,
        cancelled_at: a.cancelledAt ?? null,
        reschedules: a.reschedules,
      })
      .where('id', '=', a.id)
      .execute();
  }

  // Batch service.

  async upsertPolicy(hallId: string, threshold: number): Promise<number> {
    const row = await this.trx
      .insertInto('batch_policies')
      .values({ hall_id: hallId, threshold, version: 1 })
      .onConflict((oc) =>
        oc.column('hall_id').doUpdateSet((eb) => ({ threshold, version: eb('batch_policies.version', '+', 1) })),
      )
      .returning('version')
      .executeTakeFirstOrThrow();
    return row.version;
  }

  /** Inserts a batch booking; false when the room's session that day is already booked. */
  async insertBatch(b: ap.BatchBooking, phoneSealed: string): Promise<boolean> {
    try {
      await this.trx
        .insertInto('batch_bookings')
        .values({
          id: b.id,
          hall_id: b.hallId,
          room_window_id: b.roomWindowId,
          enterprise_name: b.enterpriseName,
          credit_code: b.creditCode,
          contact_name: b.contactName,
          contact_phone_sealed: phoneSealed,
          contact_phone_masked: b.contactPhoneMasked,
          item_id: b.itemId,
          quantity: b.quantity,
          requested_on: b.requestedOn,
          date: b.date,
          session: sessionName(b.session),
          status: 'booked',
          booked_at: b.bookedAt!,
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async batchHolder(
    roomWindowId: string,
    date: string,
    session: ap.BatchSession,
  ): Promise<ap.BatchBooking | undefined> {
    const row = await this.trx
      .selectFrom('batch_bookings')
      .selectAll()
      .where('room_window_id', '=', roomWindowId)
      .where('date', '=', date)
      .where('session', '=', sessionName(session))
      .where('status', '=', 'booked')
      .executeTakeFirst();
    return row ? batchOut(row) : undefined;
  }

  async cancelBatch(id: string): Promise<void> {
    await this.trx.updateTable('batch_bookings').set({ status: 'cancelled' }).where('id', '=', id).execute();
  }
}

/** The queue's store: commands over `QueueTx`, and plain reads. */
export class PgQueueStore extends QueueReads implements QueueStore {
  constructor(private readonly commands: IntakeCommands) {
    super(commands.db, false);
  }

  command<T>(key: CommandKey<T>, work: (tx: QueueTx) => Promise<T>): Promise<T> {
    return runCommand(this.commands, key, (trx, emit) => new PgQueueTx(trx, emit), work);
  }

  async categories(hallId: string, includeInactive: boolean): Promise<pb.TicketCategory[]> {
    let query = this.db.selectFrom('ticket_categories').selectAll().where('hall_id', '=', hallId);
    if (!includeInactive) query = query.where('active', '=', true);
    return (await query.orderBy('prefix').orderBy('created_at').execute()).map(categoryOut);
  }

  /** Per category: waiting count and the earliest taken time of a waiting ticket, today. */
  async waitingByCategory(hallId: string, serviceDate: string): Promise<Array<CategoryWaiting>> {
    const rows = await this.db
      .selectFrom('tickets')
      .select((eb) => ['category_id', eb.fn.countAll<string>().as('n'), eb.fn.min('taken_at').as('oldest')])
      .where('hall_id', '=', hallId)
      .where('service_date', '=', serviceDate)
      .where('status', '=', 'waiting')
      .groupBy('category_id')
      .execute();
    return rows.map((r) => ({ categoryId: r.category_id, waiting: Number(r.n), oldest: r.oldest }));
  }

  async atWindows(hallId: string, serviceDate: string): Promise<pb.Ticket[]> {
    const rows = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where('hall_id', '=', hallId)
      .where('service_date', '=', serviceDate)
      .where('status', 'in', ['called', 'serving'])
      .orderBy('last_called_at', 'desc')
      .execute();
    return rows.map(ticketOut);
  }

  async slots(hallId: string, categoryId: string, fromDate: string, toDate: string): Promise<ap.AppointmentSlot[]> {
    let query = this.db
      .selectFrom('appointment_slots')
      .selectAll()
      .where('hall_id', '=', hallId)
      .where('date', '>=', fromDate)
      .where('date', '<=', toDate);
    if (categoryId) query = query.where('category_id', '=', categoryId);
    return (await query.orderBy('date').orderBy('start_time').execute()).map(slotOut);
  }

  async batches(hallId: string, fromDate: string, toDate: string): Promise<ap.BatchBooking[]> {
    const rows = await this.db
      .selectFrom('batch_bookings')
      .selectAll()
      .where('hall_id', '=', hallId)
      .where('date', '>=', fromDate)
      .where('date', '<=', toDate)
      .orderBy('date')
      .orderBy('session', 'desc')
      .execute();
    return rows.map(batchOut);
  }
}
