-- Schema `evaluation`: the cases it has seen (from the case service's events, for attribution and rates), ratings
-- and their SMS links, rectifications, return visits, complaints, the halls' settings and assessment rules (each
-- version kept), assessment facts and months. Contract messages are kept whole in `doc` with the columns queries
-- need. Rater identity is kept apart from the rating's doc, in columns only supervisors' answers read. The kit's
-- tables (outbox, idempotency keys, inbox) are created by migrate() before this file.
COMMENT ON SCHEMA evaluation IS 'govhall evaluation: ratings (好差评), rectifications, return visits, complaints, monthly assessment';

CREATE TABLE hall_settings (
  hall_id text PRIMARY KEY,
  version integer NOT NULL,
  doc jsonb NOT NULL
);

CREATE TABLE cases (
  case_id text PRIMARY KEY,
  case_number text NOT NULL,
  hall_id text NOT NULL,
  department_id text NOT NULL DEFAULT '',
  window_id text NOT NULL DEFAULT '',
  -- Who served the applicant at the window (the one rated) and the last handler assigned.
  staff_id text NOT NULL DEFAULT '',
  handler_staff_id text NOT NULL DEFAULT '',
  item_name text NOT NULL DEFAULT '',
  applicant_id text NOT NULL DEFAULT '',
  accepted_at timestamptz,
  completed_at timestamptz,
  completed_day date,
  -- Working days; 0 when the limit is not in working days or unknown.
  statutory_working_days integer NOT NULL DEFAULT 0,
  promised_working_days integer NOT NULL DEFAULT 0,
  taken_working_days integer NOT NULL DEFAULT 0
);
CREATE INDEX cases_number ON cases (case_number);
CREATE INDEX cases_completed ON cases (hall_id, completed_day) WHERE completed_day IS NOT NULL;

CREATE TABLE ratings (
  id text PRIMARY KEY,
  -- 一事一评: the second rating of a case hits this.
  case_id text NOT NULL UNIQUE,
  hall_id text NOT NULL,
  department_id text NOT NULL,
  window_id text NOT NULL,
  staff_id text NOT NULL,
  channel text NOT NULL,
  bad boolean NOT NULL,
  satisfied boolean NOT NULL,
  withdrawn boolean NOT NULL DEFAULT false,
  rated_at timestamptz NOT NULL,
  -- The rating without its rater.
  doc jsonb NOT NULL,
  rater_name text NOT NULL DEFAULT '',
  rater_phone_masked text NOT NULL DEFAULT ''
);
CREATE INDEX ratings_hall ON ratings (hall_id, rated_at DESC);

-- SMS links: the token is id.signature; the row holds what the signature covers and whether it was used.
CREATE TABLE rating_links (
  id text PRIMARY KEY,
  case_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  issued_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX rating_links_case ON rating_links (case_id);

CREATE TABLE rectifications (
  id text PRIMARY KEY,
  rating_id text NOT NULL UNIQUE REFERENCES ratings (id),
  hall_id text NOT NULL,
  status text NOT NULL,
  assignee_staff_id text NOT NULL,
  due_at timestamptz NOT NULL,
  opened_at timestamptz NOT NULL,
  resolved_at timestamptz,
  version integer NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX rectifications_hall ON rectifications (hall_id, opened_at DESC);

CREATE TABLE return_visits (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  channel text NOT NULL,
  rectification_id text UNIQUE,
  complaint_id text,
  case_id text NOT NULL DEFAULT '',
  visited_at timestamptz,
  created_at timestamptz NOT NULL,
  contact_name text NOT NULL DEFAULT '',
  contact_phone_masked text NOT NULL DEFAULT '',
  doc jsonb NOT NULL
);
CREATE INDEX return_visits_hall ON return_visits (hall_id, created_at DESC);

CREATE TABLE complaints (
  id text PRIMARY KEY,
  number text NOT NULL UNIQUE,
  hall_id text NOT NULL,
  step text NOT NULL,
  staff_id text NOT NULL DEFAULT '',
  -- The due time of the next step; NULL once archived.
  next_due_at timestamptz,
  filed_at timestamptz NOT NULL,
  version integer NOT NULL,
  complainant_name text NOT NULL DEFAULT '',
  complainant_phone_masked text NOT NULL DEFAULT '',
  doc jsonb NOT NULL
);
CREATE INDEX complaints_hall ON complaints (hall_id, filed_at DESC);

CREATE TABLE counters (
  scope text PRIMARY KEY,
  next bigint NOT NULL
);

-- Every version of a hall's rules is kept: a closed month names the version it was computed by.
CREATE TABLE assessment_rules (
  hall_id text NOT NULL,
  version integer NOT NULL,
  effective_from text NOT NULL,
  doc jsonb NOT NULL,
  PRIMARY KEY (hall_id, version)
);

CREATE TABLE facts (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  code text NOT NULL,
  quantity double precision NOT NULL,
  day date NOT NULL,
  month text NOT NULL,
  staff_id text NOT NULL DEFAULT '',
  window_id text NOT NULL DEFAULT '',
  department_id text NOT NULL DEFAULT '',
  case_id text NOT NULL DEFAULT '',
  source text NOT NULL,
  -- The event, card or import row it came from: one fact per source and code.
  source_ref text NOT NULL,
  voided boolean NOT NULL DEFAULT false,
  recorded_at timestamptz NOT NULL,
  doc jsonb NOT NULL,
  UNIQUE (source_ref, code)
);
CREATE INDEX facts_month ON facts (hall_id, month);

CREATE TABLE months (
  hall_id text NOT NULL,
  month text NOT NULL,
  status text NOT NULL,
  version integer NOT NULL,
  doc jsonb NOT NULL,
  PRIMARY KEY (hall_id, month)
);
