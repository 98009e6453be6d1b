-- Schema `cases` (`case` is a reserved word in SQL).
-- The case service's own tables start in 0002; the kit's tables (outbox, idempotency keys, inbox) are created by
-- migrate() before these. This file records the schema's purpose.
COMMENT ON SCHEMA cases IS 'govhall case: cases through their stages, joint parts, bundles, hand-offs, the action log (办件)';
