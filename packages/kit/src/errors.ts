/**
 * Domain errors. Use cases throw these; one adapter function per transport maps them to a wire status
 * (`toGrpcError`, `toHttpStatus`), so domain code never knows about gRPC or HTTP and internals never leak.
 */

export interface FieldViolation {
  /** Path of the offending field as the caller sent it, e.g. `window.department_ids[1]`. */
  readonly field: string;
  readonly description: string;
}

export abstract class DomainError extends Error {
  /** Whether retrying the same request may succeed (the bus consumer naks or terminates on this). */
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request is malformed; every bad field is listed. Maps to INVALID_ARGUMENT / HTTP 400. */
export class ValidationError extends DomainError {
  readonly retryable = false;
  constructor(
    readonly violations: readonly FieldViolation[],
    options?: { cause?: unknown },
  ) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join('; ') || 'invalid request', options);
  }
  static single(field: string, description: string): ValidationError {
    return new ValidationError([{ field, description }]);
  }
}

/** Maps to NOT_FOUND / HTTP 404. */
export class NotFoundError extends DomainError {
  readonly retryable = false;
  constructor(
    readonly entity: string,
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`${entity} ${id} not found`, options);
  }
}

/** The request is valid but the current state forbids it. Maps to FAILED_PRECONDITION / HTTP 409. */
export class PreconditionFailedError extends DomainError {
  readonly retryable = false;
}

/** Maps to ALREADY_EXISTS / HTTP 409. */
export class AlreadyExistsError extends DomainError {
  readonly retryable = false;
}

/** Maps to PERMISSION_DENIED / HTTP 403. */
export class PermissionDeniedError extends DomainError {
  readonly retryable = false;
}

/** A dependency is briefly unavailable (database, bus, another service). Maps to UNAVAILABLE / HTTP 503. */
export class UnavailableError extends DomainError {
  readonly retryable = true;
}

/**
 * Whether retrying can help. Domain errors say so themselves; anything else (a dropped connection, a
 * driver error) is presumed transient, so an event handler is retried and finally dead-lettered.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof DomainError) return error.retryable;
  return true;
}
