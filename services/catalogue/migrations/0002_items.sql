-- Item catalogue (事项目录): items, their versions, clean-up records, bundles.

-- The identity of an item across versions; codes are fixed once a version has been published.
CREATE TABLE items (
  id                  text PRIMARY KEY,
  base_code           text NOT NULL,
  implementation_code text NOT NULL UNIQUE,
  created_at          timestamptz NOT NULL
);

-- One row per version. `content` is the whole version as one document (what a case was accepted under);
-- the columns beside it copy what listings filter on.
CREATE TABLE item_versions (
  item_id             text NOT NULL REFERENCES items (id),
  version             integer NOT NULL CHECK (version > 0),
  status              text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
  revision            integer NOT NULL CHECK (revision > 0),
  name                text NOT NULL,
  base_code           text NOT NULL,
  implementation_code text NOT NULL,
  department_id       text NOT NULL REFERENCES departments (id),
  item_type           text NOT NULL,
  case_type           text NOT NULL CHECK (case_type IN ('immediate', 'promised', 'joint')),
  review_mode         text NOT NULL CHECK (review_mode IN ('single', 'review_verify')),
  exercising_tier     text NOT NULL,
  approve_tier        text NOT NULL,
  accept_tiers        text[] NOT NULL,
  content             jsonb NOT NULL,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  published_at        timestamptz,
  retired_at          timestamptz,
  retired_reason      text CHECK (retired_reason IN ('superseded', 'cancelled', 'merged')),
  merged_into_item_id text REFERENCES items (id),
  PRIMARY KEY (item_id, version),
  CHECK ((status = 'draft') = (published_at IS NULL)),
  CHECK ((status = 'retired') = (retired_at IS NOT NULL AND retired_reason IS NOT NULL)),
  CHECK ((retired_reason = 'merged') = (merged_into_item_id IS NOT NULL))
);
-- One open draft and one published version per item at a time.
CREATE UNIQUE INDEX item_versions_one_draft ON item_versions (item_id) WHERE status = 'draft';
CREATE UNIQUE INDEX item_versions_one_published ON item_versions (item_id) WHERE status = 'published';
CREATE INDEX item_versions_department ON item_versions (department_id);

-- A published or retired version never changes: the only update allowed is published → retired, with
-- nothing else in the row touched; only drafts may be deleted. The service already refuses; this keeps
-- any other writer honest too.
CREATE FUNCTION item_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'draft' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.status = 'published' AND NEW.status = 'retired'
     AND ROW(NEW.item_id, NEW.version, NEW.revision, NEW.name, NEW.base_code, NEW.implementation_code,
             NEW.department_id, NEW.item_type, NEW.case_type, NEW.review_mode, NEW.exercising_tier,
             NEW.approve_tier, NEW.accept_tiers, NEW.content, NEW.created_at, NEW.published_at)
         IS NOT DISTINCT FROM
         ROW(OLD.item_id, OLD.version, OLD.revision, OLD.name, OLD.base_code, OLD.implementation_code,
             OLD.department_id, OLD.item_type, OLD.case_type, OLD.review_mode, OLD.exercising_tier,
             OLD.approve_tier, OLD.accept_tiers, OLD.content, OLD.created_at, OLD.published_at) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'item % version % is % and never changes', OLD.item_id, OLD.version, OLD.status
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER item_versions_frozen BEFORE UPDATE OR DELETE ON item_versions
  FOR EACH ROW EXECUTE FUNCTION item_versions_frozen();

-- Clean-up rounds: what was cancelled, merged or delegated, when, and on what basis. Never deleted.
CREATE TABLE item_cleanup_records (
  id                  text PRIMARY KEY,
  item_id             text NOT NULL REFERENCES items (id),
  round               text NOT NULL,
  action              text NOT NULL CHECK (action IN ('cancelled', 'merged', 'delegated')),
  basis               text NOT NULL,
  note                text NOT NULL DEFAULT '',
  from_version        integer NOT NULL,
  merged_into_item_id text REFERENCES items (id),
  delegation          jsonb,
  draft_version       integer,
  recorded_at         timestamptz NOT NULL
);
CREATE INDEX item_cleanup_records_item ON item_cleanup_records (item_id);
CREATE INDEX item_cleanup_records_merged_into ON item_cleanup_records (merged_into_item_id);
CREATE INDEX item_cleanup_records_round ON item_cleanup_records (round);

-- Items issued together (两证齐发).
CREATE TABLE item_bundles (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  active      boolean NOT NULL DEFAULT true,
  version     integer NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
CREATE TABLE item_bundle_members (
  bundle_id text NOT NULL REFERENCES item_bundles (id),
  item_id   text NOT NULL REFERENCES items (id),
  position  integer NOT NULL,
  PRIMARY KEY (bundle_id, item_id)
);
CREATE INDEX item_bundle_members_item ON item_bundle_members (item_id);
