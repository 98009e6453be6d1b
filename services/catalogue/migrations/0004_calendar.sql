-- Working-time calendar data (工作日历): year schedules per region, a hall's working hours. Both are histories:
-- every load or change is a new version, the newest is in force, and no version is ever changed or deleted.

-- One row per (region, year) ever loaded. LoadYearSchedule locks it (an upsert) before reading the newest
-- version, so loads of one year run one after another and each gets the next version number, even the first.
CREATE TABLE calendar_years (
  region_code text NOT NULL CHECK (region_code ~ '^([0-9]{6}|[0-9]{9}|[0-9]{12})$'),
  year        integer NOT NULL CHECK (year BETWEEN 1000 AND 9999),
  PRIMARY KEY (region_code, year)
);

-- One row per stored version. `holidays` and `make_up_workdays` are arrays of {date, name}, sorted by date.
CREATE TABLE calendar_year_schedules (
  region_code      text NOT NULL,
  year             integer NOT NULL,
  version          integer NOT NULL CHECK (version > 0),
  holidays         jsonb NOT NULL CHECK (jsonb_typeof(holidays) = 'array'),
  make_up_workdays jsonb NOT NULL CHECK (jsonb_typeof(make_up_workdays) = 'array'),
  note             text NOT NULL DEFAULT '',
  loaded_at        timestamptz NOT NULL,
  PRIMARY KEY (region_code, year, version),
  FOREIGN KEY (region_code, year) REFERENCES calendar_years (region_code, year)
);

-- One row per version of a hall's working hours; `periods` is an array of {start, end}. A hall without rows
-- works the default hours (08:30–12:00, 14:00–17:30).
CREATE TABLE hall_working_hours (
  hall_id text NOT NULL REFERENCES halls (id),
  version integer NOT NULL CHECK (version > 0),
  periods jsonb NOT NULL CHECK (jsonb_typeof(periods) = 'array'),
  set_at  timestamptz NOT NULL,
  PRIMARY KEY (hall_id, version)
);

-- History is kept: the service only inserts, and this keeps any other writer honest too.
CREATE FUNCTION calendar_history_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% keeps history: a stored version never changes; store a new version instead', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER calendar_year_schedules_frozen BEFORE UPDATE OR DELETE ON calendar_year_schedules
  FOR EACH ROW EXECUTE FUNCTION calendar_history_frozen();
CREATE TRIGGER hall_working_hours_frozen BEFORE UPDATE OR DELETE ON hall_working_hours
  FOR EACH ROW EXECUTE FUNCTION calendar_history_frozen();
