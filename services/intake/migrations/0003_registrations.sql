-- Registrations at the front desk and the department window's decisions (一窗受理), agents, applicants, the
-- certificate store (证照库) and the hall's document templates. Personal data is sealed (SM4) with a keyed SM3
-- look-up hash; the registration documents hold only masked values.

CREATE TABLE agents (
  id text PRIMARY KEY,
  hall_id text NOT NULL,
  id_number_hash text NOT NULL,
  id_number_sealed text NOT NULL,
  phone_sealed text NOT NULL,
  appointed_from text NOT NULL,
  appointed_until text,
  doc jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX agents_hall_person ON agents (hall_id, id_number_hash, appointed_from);

-- One row per person or organisation: the same identity always answers the same applicant id.
CREATE TABLE applicants (
  id text PRIMARY KEY,
  identity_key text NOT NULL UNIQUE,
  kind text NOT NULL,
  id_number_sealed text,
  phone_sealed text,
  created_at timestamptz NOT NULL
);

-- Daily counters of registration and case numbers, one row per numbering scope (numbering.ts sequenceScope).
CREATE TABLE number_counters (
  scope text PRIMARY KEY,
  next bigint NOT NULL
);

CREATE TABLE registrations (
  id text PRIMARY KEY,
  number text NOT NULL UNIQUE,
  hall_id text NOT NULL,
  department_id text NOT NULL,
  applicant_id text NOT NULL REFERENCES applicants (id),
  status text NOT NULL,
  registered_at timestamptz NOT NULL,
  case_id text UNIQUE,
  case_number text UNIQUE,
  refused_at timestamptz,
  query_password_hash text,
  -- 容缺: while materials accepted missing are outstanding, and once the overdue event left.
  supplement_due_at timestamptz,
  overdue_at timestamptz,
  -- The pinned catalogue item (proto-JSON of govhall.catalogue.v1.Item).
  item jsonb NOT NULL,
  -- The registration as answered (proto-JSON of govhall.intake.v1.Registration; masked personal data).
  doc jsonb NOT NULL,
  version integer NOT NULL
);
CREATE INDEX registrations_hall_registered ON registrations (hall_id, registered_at DESC, id DESC);
CREATE INDEX registrations_hall_refused ON registrations (hall_id, refused_at) WHERE refused_at IS NOT NULL;
CREATE INDEX registrations_overdue ON registrations (supplement_due_at)
  WHERE supplement_due_at IS NOT NULL AND overdue_at IS NULL;

-- Government-issued materials verified at acceptance, for later cases of the same applicant.
CREATE TABLE verified_materials (
  applicant_id text NOT NULL REFERENCES applicants (id),
  material_name text NOT NULL,
  case_number text NOT NULL,
  issuer text NOT NULL,
  verified_at timestamptz NOT NULL,
  PRIMARY KEY (applicant_id, material_name)
);

-- 证照库: certificates issued by the case service (case.certificate.issued).
CREATE TABLE certificates (
  certificate_id text PRIMARY KEY,
  applicant_id text NOT NULL,
  name text NOT NULL,
  number text NOT NULL,
  issuer text NOT NULL,
  case_number text NOT NULL,
  issued_at timestamptz NOT NULL,
  valid_until text
);
CREATE INDEX certificates_applicant ON certificates (applicant_id, name);

CREATE TABLE document_templates (
  hall_id text PRIMARY KEY,
  doc jsonb NOT NULL,
  version integer NOT NULL
);
