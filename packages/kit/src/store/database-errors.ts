import { AlreadyExistsError, UnavailableError, ValidationError } from '../errors';

/**
 * What a PostgreSQL (or `pg` driver) failure means to the caller. The store's driver translates every error
 * through `translateDatabaseError`, so a use case and the gRPC mapping only ever see domain errors for
 * conditions that are not bugs:
 * - the database is unreachable, restarting, failing over or out of connections → `UnavailableError`
 *   (UNAVAILABLE, retryable; the transaction did not commit, or its outcome is unknown and the request id
 *   makes the retry safe);
 * - a serialisation failure, deadlock, lock or statement timeout → `UnavailableError` (a retry can succeed);
 * - a value the database cannot store (NUL in text, an index row too large, a number or date out of range)
 *   → `ValidationError` naming the request: the request guard refuses these first, this is the backstop.
 * Unique violations are left as they are here: a store decides what a duplicate means (see
 * `isUniqueViolation`), and `runCommand` reports one as ALREADY_EXISTS.
 */

// SQLSTATE classes and codes (PostgreSQL appendix A).
const CONNECTION_CLASS = '08';
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown: the server is shutting down (restart, failover)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57014', // query_canceled: statement_timeout
  '25006', // read_only_sql_transaction: a standby after failover, before promotion
]);
const UNSTORABLE_VALUE_CODES = new Set([
  '22021', // character_not_in_repertoire (NUL in text)
  '22P05', // untranslatable_character
  '54000', // program_limit_exceeded (index row size)
  '22001', // string_data_right_truncation
  '22003', // numeric_value_out_of_range
  '22008', // datetime_field_overflow
  '22007', // invalid_datetime_format
  '22P02', // invalid_text_representation
  '22023', // invalid_parameter_value
]);
// Errors of the socket or the `pg` client itself, which carry no SQLSTATE.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const CLIENT_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Client was closed',
  'Connection ended',
];

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a failure that says the database could not be reached or answered, rather than what was asked. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code && (code.startsWith(CONNECTION_CLASS) || UNAVAILABLE_CODES.has(code) || SOCKET_CODES.has(code))) {
    return true;
  }
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  const message = error instanceof Error ? error.message : '';
  return CLIENT_MESSAGES.some((text) => message.includes(text));
}

/** True for a unique-constraint violation (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return codeOf(error) === '23505';
}

/** The violated constraint's name (never its detail, which quotes the values: personal data). */
export function constraintOf(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

/** Maps a driver error to the domain error it means (see the module comment); other errors come back as is. */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof UnavailableError || error instanceof ValidationError) return error;
  if (isDatabaseUnavailable(error)) {
    const code = codeOf(error);
    const retry = code === '40001' || code === '40P01' ? 'concurrent change; retry' : 'database unavailable; retry';
    return new UnavailableError(retry, { cause: error });
  }
  const code = codeOf(error);
  if (code && UNSTORABLE_VALUE_CODES.has(code)) {
    return new ValidationError([{ field: 'request', description: 'contains a value that cannot be stored' }], {
      cause: error,
    });
  }
  return error;
}

/** A unique violation as the caller's ALREADY_EXISTS, naming the constraint. */
export function alreadyExists(error: unknown): AlreadyExistsError {
  const constraint = constraintOf(error);
  return new AlreadyExistsError(`conflicts with an existing record${constraint ? ` (${constraint})` : ''}`, {
    cause: error,
  });
}
