export { createDatabase, SCHEMA_NAME_PATTERN, type Database, type DatabaseOptions } from './database';
export { migrate, type MigrateOptions } from './migrations';
export { appendToOutbox, OutboxRelay, type OutboxRelayOptions } from './outbox';
export { handleOnce } from './inbox';
export { runIdempotent, type IdempotencyKey, type ResponseCodec } from './idempotency';
export type { KitTables } from './tables';
