-- The case as its contract message (`state`, proto-JSON of govhall.case.v1.Case) beside the columns that queries
-- filter and order on. `version` is the optimistic-concurrency counter: a change is written only over the
-- version it read.
CREATE TABLE cases (
  id text PRIMARY KEY,
  case_number text NOT NULL UNIQUE,
  version integer NOT NULL,
  status text NOT NULL,
  current_stage text NOT NULL,
  accepting_hall_id text NOT NULL,
  current_hall_id text NOT NULL,
  approving_hall_id text NOT NULL,
  -- Every department that sees the case: accepting, approving, lead and every part (抄告相关).
  department_ids text[] NOT NULL,
  applicant_id text NOT NULL,
  decision text NOT NULL DEFAULT '',
  publish_results boolean NOT NULL DEFAULT false,
  accepted_at timestamptz NOT NULL,
  completed_at timestamptz,
  bundle_id text,
  -- A copy handed up to another deployment: it only mirrors what the upper tier reports.
  mirror boolean NOT NULL DEFAULT false,
  -- scrypt hash of the query password (from intake), for the public progress query; never in a response.
  query_password_hash text NOT NULL DEFAULT '',
  -- The action log's length and last hash, written with each change: dropping the newest entries shows.
  log_seq integer NOT NULL DEFAULT 0,
  log_head text NOT NULL DEFAULT '',
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX cases_accepting_hall ON cases (accepting_hall_id, accepted_at DESC);
CREATE INDEX cases_current_hall ON cases (current_hall_id, accepted_at DESC);
CREATE INDEX cases_departments ON cases USING gin (department_ids);
CREATE INDEX cases_published ON cases (approving_hall_id, completed_at DESC) WHERE publish_results AND completed_at IS NOT NULL;
CREATE INDEX cases_completed_for_archive ON cases (approving_hall_id, completed_at) WHERE status = 'CASE_STATUS_COMPLETED';

-- Append-only: each entry carries the SM3 hash of the one before it (see src/domain/action-log.ts).
CREATE TABLE action_log (
  case_id text NOT NULL REFERENCES cases (id),
  seq integer NOT NULL,
  entry jsonb NOT NULL,
  hash text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (case_id, seq)
);

CREATE FUNCTION refuse_action_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the action log is append-only';
END;
$$;
CREATE TRIGGER action_log_append_only BEFORE UPDATE OR DELETE ON action_log
  FOR EACH ROW EXECUTE FUNCTION refuse_action_log_change();

-- What each case waits for (src/domain/todos.ts), rebuilt with every change of the case.
CREATE TABLE todos (
  case_id text NOT NULL REFERENCES cases (id),
  kind text NOT NULL,
  stage text NOT NULL,
  subtask_code text NOT NULL,
  hall_id text NOT NULL,
  department_id text NOT NULL,
  window_id text NOT NULL,
  staff_id text NOT NULL,
  due_at timestamptz,
  since timestamptz,
  item json NOT NULL
);
CREATE INDEX todos_case ON todos (case_id);
CREATE INDEX todos_staff ON todos (staff_id, due_at) WHERE staff_id <> '';
CREATE INDEX todos_window ON todos (window_id, due_at) WHERE window_id <> '';
CREATE INDEX todos_department ON todos (department_id, due_at);
CREATE INDEX todos_hall ON todos (hall_id, due_at);

-- 两证齐发: the cases of one applicant accepted together for the items of a catalogue bundle.
CREATE TABLE bundles (
  id text PRIMARY KEY,
  catalogue_bundle_id text NOT NULL,
  name text NOT NULL,
  hall_id text NOT NULL,
  window_id text NOT NULL,
  applicant_id text NOT NULL,
  item_ids text[] NOT NULL,
  case_ids text[] NOT NULL,
  pickup_at timestamptz,
  issued_at timestamptz,
  created_at timestamptz NOT NULL
);
-- One open bundle per applicant and catalogue bundle: the next cases join it until every item has one.
CREATE UNIQUE INDEX bundles_open ON bundles (catalogue_bundle_id, applicant_id) WHERE issued_at IS NULL;

CREATE TABLE joint_meetings (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  record jsonb NOT NULL,
  held_at timestamptz NOT NULL
);

CREATE TABLE archive_batches (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  department_id text NOT NULL,
  week_start date NOT NULL,
  week_end date NOT NULL,
  case_ids text[] NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (hall_id, department_id, week_start)
);

CREATE TABLE hall_settings (
  hall_id text PRIMARY KEY,
  settings jsonb NOT NULL,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Wrong query passwords, per case and per client, for the lock-out.
CREATE TABLE progress_attempts (
  scope text NOT NULL,
  key text NOT NULL,
  failures integer NOT NULL,
  window_started_at timestamptz NOT NULL,
  locked_until timestamptz,
  PRIMARY KEY (scope, key)
);
