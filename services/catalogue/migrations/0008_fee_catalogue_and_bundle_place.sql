-- The halls' fee catalogues (行政事业性收费目录), and where a bundle is issued (两证齐发 at one window of one hall).

-- One row per entry. A cancelled entry (取消 in a clean-up round) is the record of it: kept, never changed.
CREATE TABLE fee_catalogue_entries (
  id                        text PRIMARY KEY,
  hall_id                   text NOT NULL REFERENCES halls (id),
  code                      text NOT NULL,
  name                      text NOT NULL,
  charging_department_id    text NOT NULL REFERENCES departments (id),
  basis                     text NOT NULL,
  kind                      text NOT NULL CHECK (kind IN ('fixed', 'per_unit')),
  amount_fen                bigint NOT NULL CHECK (amount_fen >= 0),
  unit_price_fen            bigint NOT NULL CHECK (unit_price_fen >= 0),
  unit_name                 text NOT NULL,
  fiscal_account            text NOT NULL,
  one_fee                   boolean NOT NULL,
  -- 上交比例 in basis points: 10000 is the whole fee.
  upward_share_basis_points integer NOT NULL CHECK (upward_share_basis_points BETWEEN 0 AND 10000),
  upward_body               text NOT NULL,
  status                    text NOT NULL CHECK (status IN ('active', 'cancelled')),
  cancelled_round           text,
  cancelled_basis           text,
  cancelled_note            text,
  cancelled_at              timestamptz,
  version                   integer NOT NULL CHECK (version > 0),
  created_at                timestamptz NOT NULL,
  updated_at                timestamptz NOT NULL,
  UNIQUE (hall_id, code),
  CHECK ((kind = 'fixed') = (amount_fen > 0 AND unit_price_fen = 0)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL AND cancelled_round IS NOT NULL
                                   AND cancelled_basis IS NOT NULL AND cancelled_note IS NOT NULL))
);
CREATE INDEX fee_catalogue_entries_department ON fee_catalogue_entries (charging_department_id);

-- A cancelled entry never changes and no entry is deleted: the service already refuses; this keeps any other
-- writer honest too.
CREATE FUNCTION fee_catalogue_entries_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = 'active' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'fee catalogue entry % is % and is kept as it is', OLD.code, OLD.status
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER fee_catalogue_entries_kept BEFORE UPDATE OR DELETE ON fee_catalogue_entries
  FOR EACH ROW EXECUTE FUNCTION fee_catalogue_entries_kept();

-- Fee items link entries inside the item content (`feeItems[].catalogueEntryId`): which published versions
-- charge under an entry is asked before it is cancelled or after it is updated.
CREATE INDEX item_versions_fee_links ON item_versions USING gin ((content -> 'feeItems') jsonb_path_ops)
  WHERE status = 'published';

-- The hall and the window that issue a bundle. Bundles stored before have neither; every write sets both.
ALTER TABLE item_bundles ADD COLUMN hall_id text REFERENCES halls (id);
ALTER TABLE item_bundles ADD COLUMN window_id text REFERENCES windows (id);
ALTER TABLE item_bundles ADD CONSTRAINT item_bundles_place CHECK ((hall_id IS NULL) = (window_id IS NULL));
CREATE INDEX item_bundles_hall ON item_bundles (hall_id);
