/**
 * Errors of the working-time calendar. Each failure has its own class; all extend {@link CalendarError}
 * (and so `Error`), set `name` to the class name and accept a `cause`.
 *
 * They are the kit's domain errors (`@govhall/kit/errors`, a file with no imports), so every service maps
 * them the same way without knowing them: a missing schedule is FAILED_PRECONDITION, the others are
 * INVALID_ARGUMENT with their field violations. None is retryable: the same input fails the same way until an
 * administrator loads or corrects data, so an event handler that hits one dead-letters at once.
 */
import { DomainError, ErrorKinds } from '@govhall/kit/errors';

/** One bad field, shaped like `@govhall/kit`'s `FieldViolation` so a service can pass it on unchanged. */
export interface CalendarViolation {
  /** Path of the offending field, e.g. `holidays[3].date` or `periods[1].end`. */
  readonly field: string;
  readonly description: string;
}

/** Base class of every error thrown by `@govhall/calendar`. */
export abstract class CalendarError extends DomainError {}

/**
 * A computation needed a year for which no schedule (holidays and make-up working days) is loaded for the
 * calendar's region or any region it falls back to. The calendar never guesses a year as "weekdays work":
 * the State Council publishes each year's arrangement only in the autumn before, and a guessed year silently
 * shifts every deadline that crosses a holiday.
 */
export class ScheduleMissingError extends CalendarError {
  readonly kind = ErrorKinds.precondition;
  constructor(
    /** The Gregorian year with no schedule. */
    readonly year: number,
    /** The region the calendar serves (GB/T 2260 code). */
    readonly regionCode: string,
    options?: { cause?: unknown },
  ) {
    super(
      `no working-day schedule is loaded for ${year} (region ${regionCode}); ` +
        `load that year's holidays and make-up working days before computing times in it`,
      options,
    );
  }
}

/** A {@link YearSchedule} (or a set of them) is malformed; every problem is listed. */
export class InvalidScheduleError extends CalendarError {
  readonly kind = ErrorKinds.invalid;
  constructor(
    override readonly violations: readonly CalendarViolation[],
    options?: { cause?: unknown },
  ) {
    super(describe('invalid year schedule', violations), options);
  }
}

/** A hall's {@link WorkingHours} are malformed (format, order, overlap); every problem is listed. */
export class InvalidWorkingHoursError extends CalendarError {
  readonly kind = ErrorKinds.invalid;
  constructor(
    override readonly violations: readonly CalendarViolation[],
    options?: { cause?: unknown },
  ) {
    super(describe('invalid working hours', violations), options);
  }
}

/** An argument of a calendar operation is out of its domain (invalid date, negative or fractional amount, ...). */
export class InvalidCalendarArgumentError extends CalendarError {
  readonly kind = ErrorKinds.invalid;
  constructor(
    override readonly violations: readonly CalendarViolation[],
    options?: { cause?: unknown },
  ) {
    super(describe('invalid argument', violations), options);
  }
  static single(field: string, description: string): InvalidCalendarArgumentError {
    return new InvalidCalendarArgumentError([{ field, description }]);
  }
}

function describe(what: string, violations: readonly CalendarViolation[]): string {
  if (violations.length === 0) return what;
  return `${what}: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`;
}
