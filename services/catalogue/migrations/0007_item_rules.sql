-- Item rules of the second pass. 容缺 policies (missingMaterials), reported items (上报件, reported), refusal
-- filing (否定报备, refusalFilingRequired) and pre-review budgets (初审, stage `pre_review`) are part of a
-- version's content: they live in item_versions.content (jsonb) and need no column. A version stored before them
-- reads them as "none" (storedContent in src/domain/items.ts).

-- 冻结: a state of the item, not of a version. A frozen item keeps its published version (whose row the
-- item_versions_frozen trigger keeps unchanged) but is suspended: guide search leaves it out and intake refuses
-- new cases. NULL: not frozen.
ALTER TABLE items ADD COLUMN frozen_at timestamptz;
-- ListItems filters on it; few items are frozen at a time.
CREATE INDEX items_frozen ON items (id) WHERE frozen_at IS NOT NULL;

-- Freezing and unfreezing are clean-up actions, recorded like the others.
ALTER TABLE item_cleanup_records DROP CONSTRAINT item_cleanup_records_action_check;
ALTER TABLE item_cleanup_records ADD CONSTRAINT item_cleanup_records_action_check
  CHECK (action IN ('cancelled', 'merged', 'delegated', 'frozen', 'unfrozen'));
