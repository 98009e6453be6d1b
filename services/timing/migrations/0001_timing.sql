-- Schema `timing`: the working-time clocks built from intake's and the case service's events, their durable
-- alert schedule, the cards and rule breaches they raised, the facts the indicators are computed from, and the
-- read models kept from the catalogue (leader chains) and the halls' rules. The kit's tables (outbox, idempotency
-- keys, inbox) are created by migrate() before this file.
COMMENT ON SCHEMA timing IS 'govhall timing: clocks, alert ladder, yellow / red cards, supervision rules, indicators (电子监察)';

CREATE TABLE timing.clocks (
  id uuid PRIMARY KEY,
  -- acceptance:<registration>, stage:<case>:<seq>, subtask:<case>:<code>, promised:<case>, statutory:<case>
  clock_key text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('acceptance', 'stage', 'subtask', 'promised', 'statutory')),
  status text NOT NULL CHECK (status IN ('running', 'paused', 'parked', 'stopped')),
  case_id text NOT NULL DEFAULT '',
  case_number text NOT NULL DEFAULT '',
  registration_id text NOT NULL DEFAULT '',
  item_id text NOT NULL DEFAULT '',
  item_name text NOT NULL DEFAULT '',
  applicant_id text NOT NULL DEFAULT '',
  stage text NOT NULL DEFAULT '',
  stage_seq integer NOT NULL DEFAULT 0,
  subtask_code text NOT NULL DEFAULT '',
  hall_id text NOT NULL,
  department_id text NOT NULL DEFAULT '',
  window_id text NOT NULL DEFAULT '',
  handler_staff_id text NOT NULL DEFAULT '',
  budget_amount double precision NOT NULL,
  budget_unit text NOT NULL,
  started_at timestamptz NOT NULL,
  -- Pauses and extensions in the order they came: the due instant is recomputed from them.
  adjustments jsonb NOT NULL DEFAULT '[]',
  due_at timestamptz,
  paused_since timestamptz,
  paused_working_ms bigint NOT NULL DEFAULT 0,
  parked_year integer,
  -- The alert schedule: [{ level, at, fired?, skipped? }], in time order.
  steps jsonb NOT NULL DEFAULT '[]',
  fired_steps integer NOT NULL DEFAULT 0,
  -- The next step's instant; null when nothing is pending (stopped, paused, parked, all fired).
  next_fire_at timestamptz,
  stopped_at timestamptz,
  overdue boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- The firing loop claims from here, due first; partial, so stopped clocks cost nothing.
CREATE INDEX clocks_next_fire ON timing.clocks (next_fire_at) WHERE next_fire_at IS NOT NULL;
CREATE INDEX clocks_case ON timing.clocks (case_id) WHERE case_id <> '';
CREATE INDEX clocks_registration ON timing.clocks (registration_id) WHERE registration_id <> '';
CREATE INDEX clocks_open_due ON timing.clocks (hall_id, due_at) WHERE status = 'running';
CREATE INDEX clocks_parked ON timing.clocks (parked_year) WHERE status = 'parked';

CREATE TABLE timing.cards (
  id uuid PRIMARY KEY,
  clock_id uuid NOT NULL REFERENCES timing.clocks (id),
  level text NOT NULL CHECK (level IN ('yellow', 'red')),
  status text NOT NULL CHECK (status IN ('issued', 'contested', 'upheld', 'cancelled')),
  -- The card as issued (contract message JSON); history entries are appended in card_history.
  card jsonb NOT NULL,
  case_id text NOT NULL DEFAULT '',
  hall_id text NOT NULL,
  department_id text NOT NULL DEFAULT '',
  issued_at timestamptz NOT NULL,
  -- Once per clock and level, across replicas and restarts.
  UNIQUE (clock_id, level)
);
CREATE INDEX cards_hall ON timing.cards (hall_id, issued_at DESC, id);
CREATE INDEX cards_department ON timing.cards (department_id, issued_at DESC, id);
CREATE INDEX cards_case ON timing.cards (case_id) WHERE case_id <> '';

CREATE TABLE timing.card_history (
  card_id uuid NOT NULL REFERENCES timing.cards (id),
  seq integer NOT NULL,
  status text NOT NULL,
  staff_id text NOT NULL,
  reason text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (card_id, seq)
);

CREATE TABLE timing.rule_breaches (
  id uuid PRIMARY KEY,
  -- Once per finding (rule, case, what): a redelivered event finds nothing new.
  breach_key text NOT NULL UNIQUE,
  rule text NOT NULL,
  breach jsonb NOT NULL,
  case_id text NOT NULL DEFAULT '',
  hall_id text NOT NULL,
  department_id text NOT NULL DEFAULT '',
  detected_at timestamptz NOT NULL
);
CREATE INDEX rule_breaches_hall ON timing.rule_breaches (hall_id, detected_at DESC, id);

-- Per hall; a hall without a row has the defaults (Wuhu's ladder).
CREATE TABLE timing.hall_rules (
  hall_id text PRIMARY KEY,
  rules jsonb NOT NULL,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);

-- Read model of the catalogue's catalogue.leader_chain.set: who receives pre-warnings and cards.
CREATE TABLE timing.leader_chains (
  department_id text PRIMARY KEY,
  chief_representative_id text NOT NULL DEFAULT '',
  deputy_leader_id text NOT NULL DEFAULT '',
  principal_leader_id text NOT NULL DEFAULT '',
  version integer NOT NULL
);

-- What the indicators count: one row per registration, filled as its events arrive.
CREATE TABLE timing.registration_facts (
  registration_id text PRIMARY KEY,
  hall_id text NOT NULL,
  department_id text NOT NULL DEFAULT '',
  window_id text NOT NULL DEFAULT '',
  item_id text NOT NULL DEFAULT '',
  item_name text NOT NULL DEFAULT '',
  registered_at timestamptz NOT NULL,
  -- accepted, refused, or null while pending
  outcome text,
  decided_at timestamptz,
  -- Working time from registration to the decision, pauses (补正) excluded.
  acceptance_working_ms bigint
);
CREATE INDEX registration_facts_hall ON timing.registration_facts (hall_id, registered_at);

-- One row per case: what the monthly indicators need, computed once in the hall's working time.
CREATE TABLE timing.case_facts (
  case_id text PRIMARY KEY,
  case_number text NOT NULL,
  hall_id text NOT NULL,
  department_id text NOT NULL DEFAULT '',
  window_id text NOT NULL DEFAULT '',
  item_id text NOT NULL DEFAULT '',
  item_name text NOT NULL DEFAULT '',
  accepted_at timestamptz NOT NULL,
  -- Limits in working days (a natural-day limit is counted in the working days it spans).
  statutory_working_days double precision,
  promised_working_days double precision,
  promised_due_at timestamptz,
  completed_at timestamptz,
  completed_on_the_spot boolean NOT NULL DEFAULT false,
  -- Working days from acceptance to completion, pauses excluded.
  actual_working_days double precision,
  on_time boolean,
  early boolean
);
CREATE INDEX case_facts_accepted ON timing.case_facts (hall_id, accepted_at);
CREATE INDEX case_facts_completed ON timing.case_facts (hall_id, completed_at) WHERE completed_at IS NOT NULL;

-- 环节完整性: the planned stages of each open case and where it has got to.
CREATE TABLE timing.stage_trails (
  case_id text PRIMARY KEY,
  trail jsonb NOT NULL
);
