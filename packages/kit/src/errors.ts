/**
 * Domain errors. Use cases throw these; one adapter function per transport maps them to a wire status
 * (`toGrpcError`, `toHttpStatus`), so domain code never knows about gRPC or HTTP and internals never leak.
 *
 * Every package's errors extend `DomainError` and say what kind of failure they are; the mapping reads the
 * kind, so a package (the calendar, say) gets the right status and bus behaviour by declaring its kind, without
 * the kit knowing its classes. This file imports nothing, so pure packages can depend on `@govhall/kit/errors`.
 */

export interface FieldViolation {
  /** Path of the offending field as the caller sent it, e.g. `window.department_ids[1]`. */
  readonly field: string;
  readonly description: string;
}

/** What kind of failure an error is; decides the gRPC / HTTP status and whether a retry can help. */
export const ErrorKinds = {
  /** The request is malformed (INVALID_ARGUMENT / 400); the error lists every bad field. */
  invalid: 'invalid',
  /** NOT_FOUND / 404. */
  notFound: 'not_found',
  /** Valid, but the current state forbids it (FAILED_PRECONDITION / 409). */
  precondition: 'precondition',
  /** ALREADY_EXISTS / 409. */
  alreadyExists: 'already_exists',
  /** The caller is known but may not do this (PERMISSION_DENIED / 403). */
  permissionDenied: 'permission_denied',
  /** No valid credentials (UNAUTHENTICATED / 401). */
  unauthenticated: 'unauthenticated',
  /** A dependency is briefly unavailable (UNAVAILABLE / 503); the only retryable kind. */
  unavailable: 'unavailable',
} as const;
export type ErrorKind = (typeof ErrorKinds)[keyof typeof ErrorKinds];

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  /** Field violations of an `invalid` error; empty for the other kinds. */
  readonly violations: readonly FieldViolation[] = [];
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
  /** Whether retrying the same request may succeed (the bus consumer naks or dead-letters on this). */
  get retryable(): boolean {
    return this.kind === ErrorKinds.unavailable;
  }
}

function describeViolations(violations: readonly FieldViolation[], fallback: string): string {
  return violations.map((v) => `${v.field}: ${v.description}`).join('; ') || fallback;
}

/** The request is malformed; every bad field is listed. Maps to INVALID_ARGUMENT / HTTP 400. */
export class ValidationError extends DomainError {
  readonly kind = ErrorKinds.invalid;
  override readonly violations: readonly FieldViolation[];
  constructor(violations: readonly FieldViolation[], options?: { cause?: unknown }) {
    super(describeViolations(violations, 'invalid request'), options);
    this.violations = violations;
  }
  static single(field: string, description: string): ValidationError {
    return new ValidationError([{ field, description }]);
  }
  /** Throws one ValidationError naming every bad field, when there is any. */
  static throwIfAny(violations: readonly FieldViolation[]): void {
    if (violations.length > 0) throw new ValidationError(violations);
  }
}

/** Maps to NOT_FOUND / HTTP 404. */
export class NotFoundError extends DomainError {
  readonly kind = ErrorKinds.notFound;
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
  readonly kind = ErrorKinds.precondition;
}

/** Maps to ALREADY_EXISTS / HTTP 409. */
export class AlreadyExistsError extends DomainError {
  readonly kind = ErrorKinds.alreadyExists;
}

/** Maps to PERMISSION_DENIED / HTTP 403. */
export class PermissionDeniedError extends DomainError {
  readonly kind = ErrorKinds.permissionDenied;
}

/** Missing, malformed, expired or untrusted credentials. Maps to UNAUTHENTICATED / HTTP 401. */
export class UnauthenticatedError extends DomainError {
  readonly kind = ErrorKinds.unauthenticated;
}

/** A dependency is briefly unavailable (database, bus, another service). Maps to UNAVAILABLE / HTTP 503. */
export class UnavailableError extends DomainError {
  readonly kind = ErrorKinds.unavailable;
}

/**
 * Whether retrying can help. Domain errors say so by their kind; anything else (a dropped connection the
 * adapters did not translate, a driver error) is presumed transient, so an event handler is retried and finally
 * dead-lettered.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof DomainError) return error.retryable;
  return true;
}
