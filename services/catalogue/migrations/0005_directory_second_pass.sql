-- Directory, second pass: the province tier, several halls per region (one main hall), departments with their
-- own level and region, new window kinds, complaint and consultation phones, staff public profiles and AB posts.

ALTER TABLE halls DROP CONSTRAINT halls_tier_check;
ALTER TABLE halls ADD CONSTRAINT halls_tier_check CHECK (tier IN ('province', 'city', 'district', 'township', 'village'));
-- Several halls per region: the main hall, branches (分中心) and departments' own halls.
ALTER TABLE halls DROP CONSTRAINT halls_region_code_key;
ALTER TABLE halls ADD COLUMN kind text NOT NULL DEFAULT 'main' CHECK (kind IN ('main', 'branch', 'department'));
ALTER TABLE halls ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE halls ADD COLUMN complaint_phone text NOT NULL DEFAULT '';
ALTER TABLE halls ADD COLUMN complaint_url text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX halls_one_main_per_region ON halls (region_code) WHERE kind = 'main' AND active;
CREATE INDEX halls_region ON halls (region_code);

-- A department's own level and region; those seated so far were of their hall's.
ALTER TABLE departments ADD COLUMN tier text;
ALTER TABLE departments ADD COLUMN region_code text;
UPDATE departments d SET tier = h.tier, region_code = h.region_code FROM halls h WHERE h.id = d.hall_id;
ALTER TABLE departments ALTER COLUMN tier SET NOT NULL;
ALTER TABLE departments ALTER COLUMN region_code SET NOT NULL;
ALTER TABLE departments ADD CONSTRAINT departments_tier_check
  CHECK (tier IN ('province', 'city', 'district', 'township', 'village'));
ALTER TABLE departments ADD COLUMN consultation_phone text NOT NULL DEFAULT '';

ALTER TABLE windows DROP CONSTRAINT windows_kind_check;
ALTER TABLE windows ADD CONSTRAINT windows_kind_check CHECK (kind IN (
  'front_desk', 'department', 'comprehensive', 'cashier', 'certificate',
  'complaint', 'guidance', 'shift_leader', 'batch_room'));

ALTER TABLE staff ADD COLUMN photo_ref text NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN title text NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN duties text NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN backup_staff_id text REFERENCES staff (id);
CREATE INDEX staff_backup ON staff (backup_staff_id) WHERE backup_staff_id IS NOT NULL;
