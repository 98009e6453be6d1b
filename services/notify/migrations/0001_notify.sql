-- Schema `notify`: the template registry, the dispatch log (one row per event, recipient and template) with the
-- attempts of each message, the halls' settings, and the small read models kept from events (registrations for
-- their number and item, cases for their window, the daily counts per window). The kit's tables (outbox,
-- idempotency keys, inbox) are created by migrate() before this file.
COMMENT ON SCHEMA notify IS 'govhall notify: SMS templates, dispatch log, attempts, dead letters, hall settings (短信通知)';

CREATE TABLE notify.templates (
  code text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  -- The whole template as the contract's Template JSON.
  doc jsonb NOT NULL,
  saved_at timestamptz NOT NULL,
  PRIMARY KEY (code, version)
);

CREATE TABLE notify.dispatches (
  id uuid PRIMARY KEY,
  -- <event id>:<recipient kind>:<recipient id>:<template>: a redelivered event finds its rows and adds none.
  dispatch_key text NOT NULL UNIQUE,
  event_id text NOT NULL,
  event_type text NOT NULL,
  case_id text NOT NULL DEFAULT '',
  case_number text NOT NULL DEFAULT '',
  hall_id text NOT NULL DEFAULT '',
  template_code text NOT NULL,
  template_version integer NOT NULL,
  variables jsonb NOT NULL,
  recipient_kind text NOT NULL CHECK (recipient_kind IN ('applicant', 'staff', 'appointment')),
  recipient_id text NOT NULL,
  -- Masked only; the number itself is read from its owner for each attempt and never stored here.
  phone_masked text NOT NULL DEFAULT '',
  urgent boolean NOT NULL,
  status text NOT NULL
    CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'undelivered', 'dead', 'cancelled')),
  -- pending: scheduled, quiet_hours, number_limit, retry.
  waiting_for text NOT NULL DEFAULT '',
  next_attempt_at timestamptz,
  -- sending: until when this attempt is one process's; after it another may take the message again (same key).
  lease_until timestamptz,
  -- Reminders a later event cancels (pickup:<case>, appointment:<id>).
  cancel_group text,
  provider text NOT NULL DEFAULT '',
  provider_message_id text NOT NULL DEFAULT '',
  attempts integer NOT NULL DEFAULT 0,
  -- Rounds of attempts an operator started again (Resend); attempts count within the round.
  round integer NOT NULL DEFAULT 1,
  last_error text NOT NULL DEFAULT '',
  text text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  delivered_at timestamptz,
  updated_at timestamptz NOT NULL
);
-- The dispatcher's claim: due pending messages, and sending ones whose lease ran out.
CREATE INDEX dispatches_due ON notify.dispatches (next_attempt_at) WHERE status = 'pending';
CREATE INDEX dispatches_leased ON notify.dispatches (lease_until) WHERE status = 'sending';
-- Per-number limits count what went to a recipient lately.
CREATE INDEX dispatches_recipient_sent ON notify.dispatches (recipient_kind, recipient_id, sent_at)
  WHERE sent_at IS NOT NULL;
CREATE INDEX dispatches_hall ON notify.dispatches (hall_id, created_at DESC, id DESC);
CREATE INDEX dispatches_case ON notify.dispatches (case_id, created_at DESC) WHERE case_id <> '';
CREATE INDEX dispatches_dead ON notify.dispatches (hall_id, updated_at DESC) WHERE status = 'dead';
CREATE INDEX dispatches_cancel_group ON notify.dispatches (cancel_group) WHERE status = 'pending';
CREATE INDEX dispatches_provider_message ON notify.dispatches (provider, provider_message_id)
  WHERE provider_message_id <> '';

CREATE TABLE notify.attempts (
  dispatch_id uuid NOT NULL REFERENCES notify.dispatches (id),
  number integer NOT NULL,
  round integer NOT NULL,
  provider text NOT NULL,
  outcome text NOT NULL,
  code text NOT NULL,
  message text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (dispatch_id, round, number)
);

CREATE TABLE notify.hall_settings (
  hall_id text PRIMARY KEY,
  doc jsonb NOT NULL,
  version integer NOT NULL
);

-- Read models: what the later events of an application or a case do not carry.
CREATE TABLE notify.registrations (
  registration_id text PRIMARY KEY,
  registration_number text NOT NULL,
  item_name text NOT NULL,
  hall_id text NOT NULL,
  window_id text NOT NULL
);
CREATE TABLE notify.cases (
  case_id text PRIMARY KEY,
  hall_id text NOT NULL,
  window_id text NOT NULL
);

-- 每日情况通报: the day's counts per window (China date), and which summaries went.
CREATE TABLE notify.window_days (
  hall_id text NOT NULL,
  window_id text NOT NULL,
  day text NOT NULL,
  accepted integer NOT NULL DEFAULT 0,
  completed integer NOT NULL DEFAULT 0,
  reminders integer NOT NULL DEFAULT 0,
  yellow integer NOT NULL DEFAULT 0,
  red integer NOT NULL DEFAULT 0,
  PRIMARY KEY (hall_id, day, window_id)
);
CREATE TABLE notify.daily_summaries (
  hall_id text NOT NULL,
  day text NOT NULL,
  planned_at timestamptz NOT NULL,
  PRIMARY KEY (hall_id, day)
);
