import type { intakeAppointmentsV1 as ap, intakeQueueV1 as pb } from '@govhall/contracts';
import type { CommandKey } from '@govhall/kit';
import type { Emit } from './events';

/** Who calls the next ticket, at which window, on which service day. */
export interface CallNextQuery {
  readonly hallId: string;
  readonly windowId: string;
  readonly windowNumber: string;
  readonly staffId: string;
  readonly serviceDate: string;
  readonly now: Date;
}

/** One category's waiting tickets of a day: how many, and when the oldest was taken (null when none wait). */
export type CategoryWaiting = { categoryId: string; waiting: number; oldest: Date | null };

/** A hall's batch service policy (批量办证): its threshold and the policy's version. */
export type BatchPolicy = { threshold: number; version: number };

/** One queue command's transaction: every statement on the command's transaction, events through the outbox. */
export interface QueueTx {
  /** The category (not locked). */
  category(id: string): Promise<pb.TicketCategory | undefined>;
  /** Inserts a category; false when its prefix is taken among the hall's active categories. */
  insertCategory(c: pb.TicketCategory): Promise<boolean>;
  /** Saves a category at `expectedVersion`; 'stale' when another change came first, 'prefix' on a taken prefix. */
  updateCategory(c: pb.TicketCategory, expectedVersion: number): Promise<'ok' | 'stale' | 'prefix'>;
  /** The category's next number of the day: one atomic upsert. */
  nextSequence(categoryId: string, serviceDate: string): Promise<number>;
  /** Inserts a taken ticket with its sealed phone (null when none was given). */
  insertTicket(t: pb.Ticket, phoneSealed: string | null): Promise<void>;
  /** Tickets of the category that will be called before this one (same day, waiting, earlier class or time). */
  waitingAhead(t: pb.Ticket): Promise<number>;
  /** The ticket, locked until commit. */
  ticket(id: string): Promise<pb.Ticket | undefined>;
  /** The ticket a window holds today (called or being served), locked. */
  heldAt(windowId: string, serviceDate: string): Promise<pb.Ticket | undefined>;
  /**
   * Calls the window's next ticket in one statement: the first waiting ticket of today, among categories that list
   * the window (or transferred to this very window), green channel only when the caller is its assigned handler,
   * in class then taken order; concurrent windows take different tickets, never the same one.
   */
  callNext(q: CallNextQuery): Promise<pb.Ticket | undefined>;
  /** Writes the ticket's changing fields (status, category, window, calls and their times, transfers, registrations). */
  saveTicket(t: pb.Ticket): Promise<void>;
  /** The category's appointment slots of the day, by start time, locked. */
  slotsOf(categoryId: string, date: string): Promise<ap.AppointmentSlot[]>;
  /** Deletes the slot, unless a place of it is booked. */
  deleteSlot(id: string): Promise<void>;
  /** Inserts an appointment slot. */
  insertSlot(s: ap.AppointmentSlot): Promise<void>;
  /** Sets the slot's capacity and session kind. */
  setSlotCapacity(id: string, capacity: number, sessionKind: string): Promise<void>;
  /** The slot (not locked). */
  slot(id: string): Promise<ap.AppointmentSlot | undefined>;
  /** Takes a place of the slot when one is free (the slot as it is then); undefined when it is full. */
  takePlace(slotId: string): Promise<ap.AppointmentSlot | undefined>;
  /** Gives a booked place of the slot back (never below zero). */
  releasePlace(slotId: string): Promise<void>;
  /** Inserts a booked appointment with the sealed phone; false when its code is taken. */
  insertAppointment(a: ap.Appointment, phoneSealed: string): Promise<boolean>;
  /** The appointment by id, else by code, locked. */
  appointment(locator: { id?: string; code?: string }): Promise<ap.Appointment | undefined>;
  /** Writes the appointment's slot and time, status, ticket, cancellation and reschedule count. */
  saveAppointment(a: ap.Appointment): Promise<void>;
  /** The hall's batch service policy; undefined when none was set. */
  policy(hallId: string): Promise<BatchPolicy | undefined>;
  /** Sets the hall's batch threshold; answers the policy's new version (1 when first set). */
  upsertPolicy(hallId: string, threshold: number): Promise<number>;
  /** Inserts a batch booking; false when the room's session that day is already booked. */
  insertBatch(b: ap.BatchBooking, phoneSealed: string): Promise<boolean>;
  /** The booking (not cancelled) that holds the room's session that day. */
  batchHolder(roomWindowId: string, date: string, session: ap.BatchSession): Promise<ap.BatchBooking | undefined>;
  /** The batch booking, locked. */
  batch(id: string): Promise<ap.BatchBooking | undefined>;
  /** Marks the batch booking cancelled. */
  cancelBatch(id: string): Promise<void>;
  /** Raises an event with the command's commit (outbox). */
  readonly emit: Emit;
}

/** The queue's store: commands over `QueueTx`, and plain reads (outside any command). */
export interface QueueStore {
  /** Runs a command once per request id, in one transaction, then lets the outbox relay publish. */
  command<T>(key: CommandKey<T>, work: (tx: QueueTx) => Promise<T>): Promise<T>;
  /** The hall's categories (active only unless `includeInactive`), by prefix then creation. */
  categories(hallId: string, includeInactive: boolean): Promise<pb.TicketCategory[]>;
  /** The category. */
  category(id: string): Promise<pb.TicketCategory | undefined>;
  /** The ticket. */
  ticket(id: string): Promise<pb.Ticket | undefined>;
  /** Per category: waiting count and the earliest taken time of a waiting ticket, today. */
  waitingByCategory(hallId: string, serviceDate: string): Promise<Array<CategoryWaiting>>;
  /** The hall's tickets of the day held at windows (called or being served), last called first. */
  atWindows(hallId: string, serviceDate: string): Promise<pb.Ticket[]>;
  /** The hall's slots between the dates (inclusive), of one category unless `categoryId` is empty, by date and start. */
  slots(hallId: string, categoryId: string, fromDate: string, toDate: string): Promise<ap.AppointmentSlot[]>;
  /** The slot. */
  slot(id: string): Promise<ap.AppointmentSlot | undefined>;
  /** The appointment by id, else by code. */
  appointment(locator: { id?: string; code?: string }): Promise<ap.Appointment | undefined>;
  /** The hall's batch service policy; undefined when none was set. */
  policy(hallId: string): Promise<BatchPolicy | undefined>;
  /** The batch booking. */
  batch(id: string): Promise<ap.BatchBooking | undefined>;
  /** The hall's batch bookings between the dates (inclusive, cancelled ones too), by date, morning first. */
  batches(hallId: string, fromDate: string, toDate: string): Promise<ap.BatchBooking[]>;
}
