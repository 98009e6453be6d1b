-- Organisation directory: halls, departments, windows, staff, leader chains.
CREATE TABLE halls (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  tier           text NOT NULL CHECK (tier IN ('city', 'district', 'township', 'village')),
  region_code    text NOT NULL UNIQUE CHECK (region_code ~ '^([0-9]{6}|[0-9]{9}|[0-9]{12})$'),
  parent_hall_id text REFERENCES halls (id),
  address        text NOT NULL DEFAULT '',
  active         boolean NOT NULL DEFAULT true,
  version        integer NOT NULL,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX halls_parent ON halls (parent_hall_id);

CREATE TABLE departments (
  id         text PRIMARY KEY,
  hall_id    text NOT NULL REFERENCES halls (id),
  code       text NOT NULL,
  name       text NOT NULL,
  nature     text NOT NULL CHECK (nature IN ('legal_organ', 'authorised', 'entrusted')),
  active     boolean NOT NULL DEFAULT true,
  version    integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (hall_id, code)
);

CREATE TABLE windows (
  id         text PRIMARY KEY,
  hall_id    text NOT NULL REFERENCES halls (id),
  number     text NOT NULL,
  name       text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('front_desk', 'department', 'comprehensive', 'cashier', 'certificate')),
  active     boolean NOT NULL DEFAULT true,
  version    integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- A number is reused only after the old window is deactivated.
CREATE UNIQUE INDEX windows_active_number ON windows (hall_id, number) WHERE active;

CREATE TABLE window_departments (
  window_id     text NOT NULL REFERENCES windows (id),
  department_id text NOT NULL REFERENCES departments (id),
  position      integer NOT NULL,
  PRIMARY KEY (window_id, department_id)
);
CREATE INDEX window_departments_department ON window_departments (department_id);

CREATE TABLE staff (
  id            text PRIMARY KEY,
  hall_id       text NOT NULL REFERENCES halls (id),
  department_id text REFERENCES departments (id),
  employee_no   text NOT NULL,
  name          text NOT NULL,
  mobile        text NOT NULL,
  roles         text[] NOT NULL,
  window_id     text REFERENCES windows (id),
  active        boolean NOT NULL DEFAULT true,
  version       integer NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  UNIQUE (hall_id, employee_no)
);
CREATE INDEX staff_department ON staff (department_id);

CREATE TABLE leader_chains (
  department_id           text PRIMARY KEY REFERENCES departments (id),
  chief_representative_id text REFERENCES staff (id),
  deputy_leader_id        text NOT NULL REFERENCES staff (id),
  principal_leader_id     text NOT NULL REFERENCES staff (id),
  version                 integer NOT NULL,
  updated_at              timestamptz NOT NULL
);
