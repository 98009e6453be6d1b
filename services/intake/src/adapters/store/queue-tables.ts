/** Tables of the queue, appointments and batch service (migrations/0002_queue.sql). */
export interface TicketCategoryRow {
  id: string;
  hall_id: string;
  prefix: string;
  name: string;
  department_ids: string[];
  item_ids: string[];
  window_ids: string[];
  max_calls: number;
  number_width: number;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface TicketCounterRow {
  category_id: string;
  service_date: string;
  last_sequence: number;
}

export interface TicketRow {
  id: string;
  hall_id: string;
  category_id: string;
  number: string;
  class_rank: number;
  status: string;
  service_date: string;
  taken_at: Date;
  assigned_staff_id: string | null;
  project_name: string;
  director_staff_id: string;
  appointment_id: string | null;
  target_window_id: string | null;
  window_id: string | null;
  window_number: string;
  called_by_staff_id: string;
  calls: number;
  first_called_at: Date | null;
  last_called_at: Date | null;
  serving_started_at: Date | null;
  finished_at: Date | null;
  transfers: number;
  phone_sealed: string | null;
  phone_masked: string;
  registration_ids: string[];
}

export interface AppointmentSlotRow {
  id: string;
  hall_id: string;
  category_id: string;
  date: string;
  start_time: string;
  end_time: string;
  capacity: number;
  booked: number;
  session_kind: string;
}

export interface AppointmentRow {
  id: string;
  code: string;
  hall_id: string;
  category_id: string;
  slot_id: string;
  date: string;
  start_time: string;
  end_time: string;
  kind: string;
  status: string;
  applicant_name: string;
  phone_sealed: string;
  phone_masked: string;
  item_id: string;
  address: string;
  ticket_id: string | null;
  booked_at: Date;
  cancelled_at: Date | null;
  reschedules: number;
}

export interface BatchPolicyRow {
  hall_id: string;
  threshold: number;
  version: number;
}

export interface BatchBookingRow {
  id: string;
  hall_id: string;
  room_window_id: string;
  enterprise_name: string;
  credit_code: string;
  contact_name: string;
  contact_phone_sealed: string;
  contact_phone_masked: string;
  item_id: string;
  quantity: number;
  requested_on: string;
  date: string;
  session: string;
  status: string;
  booked_at: Date;
}

export interface QueueTables {
  ticket_categories: TicketCategoryRow;
  ticket_counters: TicketCounterRow;
  tickets: TicketRow;
  appointment_slots: AppointmentSlotRow;
  appointments: AppointmentRow;
  batch_policies: BatchPolicyRow;
  batch_bookings: BatchBookingRow;
}
