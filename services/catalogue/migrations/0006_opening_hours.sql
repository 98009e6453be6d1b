-- Opening hours (开放时间): when a hall, the windows of one kind in a hall, or one window are open to the
-- public. Apart from the working-time calendar (0004), which case clocks count and which this never changes.
-- A history like the calendar's: every set or clear is a new version of its scope, the newest decides, and no
-- version is ever changed or deleted.

-- One row per version of a scope. The scope is the hall (`scope_ref` empty), a window kind of the hall
-- (`scope_ref` the kind) or one window (`scope_ref` its id). `schedule` is {sessions, openOnPublicHolidays,
-- note}; NULL marks a clear (the next scope up applies). Concurrent writers that read the same version race
-- for the primary key; the loser is refused.
CREATE TABLE opening_hours (
  hall_id     text NOT NULL REFERENCES halls (id),
  scope_level text NOT NULL CHECK (scope_level IN ('hall', 'window_kind', 'window')),
  scope_ref   text NOT NULL,
  version     integer NOT NULL CHECK (version > 0),
  schedule    jsonb CHECK (schedule IS NULL OR jsonb_typeof(schedule) = 'object'),
  set_at      timestamptz NOT NULL,
  PRIMARY KEY (hall_id, scope_level, scope_ref, version),
  CHECK ((scope_level = 'hall') = (scope_ref = ''))
);

CREATE TRIGGER opening_hours_frozen BEFORE UPDATE OR DELETE ON opening_hours
  FOR EACH ROW EXECUTE FUNCTION calendar_history_frozen();
