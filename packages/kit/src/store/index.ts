export { createDatabase, SCHEMA_NAME_PATTERN, type Database, type DatabaseOptions } from './database';
export {
  translateDatabaseError,
  isDatabaseUnavailable,
  isUniqueViolation,
  constraintOf,
  alreadyExists,
} from './database-errors';
export { migrate, type MigrateOptions } from './migrations';
export {
  CommandRunner,
  messageResult,
  type CommandKey,
  type CommandScope,
  type CommandRunnerOptions,
  type CommittedEvent,
  type CommittedEventSink,
} from './command';
export { OutboxRelay, type OutboxRelayOptions, type RetentionOptions } from './outbox';
export { handleOnce } from './inbox';
export type { KitTables } from './tables';
