-- The queue (排队叫号), appointments (预约) and the batch service room (批量办证服务室).

CREATE TABLE ticket_categories (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  prefix text NOT NULL,
  name text NOT NULL,
  department_ids text[] NOT NULL,
  item_ids text[] NOT NULL,
  -- CallNext finds a window's categories with `window_id = ANY(window_ids)`.
  window_ids text[] NOT NULL,
  max_calls integer NOT NULL,
  number_width integer NOT NULL,
  active boolean NOT NULL,
  version integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- A prefix names one active category of a hall.
CREATE UNIQUE INDEX ticket_categories_prefix ON ticket_categories (hall_id, prefix) WHERE active;

-- The daily sequence of a category: incremented with INSERT ... ON CONFLICT DO UPDATE ... RETURNING.
CREATE TABLE ticket_counters (
  category_id text NOT NULL,
  service_date text NOT NULL,
  last_sequence integer NOT NULL,
  PRIMARY KEY (category_id, service_date)
);

CREATE TABLE tickets (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  category_id text NOT NULL REFERENCES ticket_categories (id),
  number text NOT NULL,
  -- 1 green channel, 2 appointment, 3 walk-in: the calling order.
  class_rank integer NOT NULL,
  status text NOT NULL,
  service_date text NOT NULL,
  taken_at timestamptz NOT NULL,
  assigned_staff_id text,
  project_name text NOT NULL,
  director_staff_id text NOT NULL,
  appointment_id text,
  target_window_id text,
  window_id text,
  window_number text NOT NULL,
  called_by_staff_id text NOT NULL,
  calls integer NOT NULL,
  first_called_at timestamptz,
  last_called_at timestamptz,
  serving_started_at timestamptz,
  finished_at timestamptz,
  transfers integer NOT NULL,
  phone_sealed text,
  phone_masked text NOT NULL,
  registration_ids text[] NOT NULL
);
CREATE UNIQUE INDEX tickets_number ON tickets (category_id, service_date, number);
-- What CallNext scans: a day's waiting tickets in calling order.
CREATE INDEX tickets_waiting ON tickets (hall_id, service_date, class_rank, taken_at) WHERE status = 'waiting';
-- A window's ticket at hand (called or serving).
CREATE INDEX tickets_at_window ON tickets (window_id, service_date) WHERE status IN ('called', 'serving');

CREATE TABLE appointment_slots (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  category_id text NOT NULL REFERENCES ticket_categories (id),
  date text NOT NULL,
  start_time text NOT NULL,
  end_time text NOT NULL,
  capacity integer NOT NULL,
  booked integer NOT NULL,
  session_kind text NOT NULL,
  -- Booking keeps booked within capacity in the UPDATE itself.
  CONSTRAINT appointment_slots_capacity CHECK (booked >= 0 AND booked <= capacity)
);
CREATE INDEX appointment_slots_by_date ON appointment_slots (hall_id, category_id, date, start_time);

CREATE TABLE appointments (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  hall_id text NOT NULL,
  category_id text NOT NULL,
  slot_id text NOT NULL REFERENCES appointment_slots (id),
  date text NOT NULL,
  start_time text NOT NULL,
  end_time text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  applicant_name text NOT NULL,
  phone_sealed text NOT NULL,
  phone_masked text NOT NULL,
  item_id text NOT NULL,
  address text NOT NULL,
  ticket_id text,
  booked_at timestamptz NOT NULL,
  cancelled_at timestamptz,
  reschedules integer NOT NULL
);

CREATE TABLE batch_policies (
  hall_id text PRIMARY KEY,
  threshold integer NOT NULL,
  version integer NOT NULL
);

CREATE TABLE batch_bookings (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  room_window_id text NOT NULL,
  enterprise_name text NOT NULL,
  credit_code text NOT NULL,
  contact_name text NOT NULL,
  contact_phone_sealed text NOT NULL,
  contact_phone_masked text NOT NULL,
  item_id text NOT NULL,
  quantity integer NOT NULL,
  requested_on text NOT NULL,
  date text NOT NULL,
  session text NOT NULL,
  status text NOT NULL,
  booked_at timestamptz NOT NULL
);
-- One enterprise per room and half day.
CREATE UNIQUE INDEX batch_bookings_session ON batch_bookings (room_window_id, date, session) WHERE status = 'booked';
