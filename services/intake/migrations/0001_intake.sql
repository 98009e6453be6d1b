-- Intake's own tables start in 0002 (queue) and 0003 (registrations); the kit's tables (outbox, idempotency keys,
-- inbox) are created by migrate() before these. This file records the schema's purpose.
COMMENT ON SCHEMA intake IS 'govhall intake: queue, appointments, registrations, acceptance decisions (一窗受理)';
