import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DomainError, ErrorKinds, type ErrorKind, type FieldViolation } from '../errors';

/** Trailer that carries a serialized `google.rpc.Status` (the gRPC "richer error model"). */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
const BAD_REQUEST_TYPE_URL = 'type.googleapis.com/google.rpc.BadRequest';
/** The only message an unexpected failure sends: the cause stays in the server log. */
export const INTERNAL_MESSAGE = 'internal error';

/** The wire status one thrown value maps to, before it is dressed for gRPC or HTTP. */
interface MappedStatus {
  readonly code: grpc.status;
  readonly message: string;
  readonly violations?: readonly FieldViolation[];
}

const STATUS_OF_KIND: Record<ErrorKind, grpc.status> = {
  [ErrorKinds.invalid]: grpc.status.INVALID_ARGUMENT,
  [ErrorKinds.notFound]: grpc.status.NOT_FOUND,
  [ErrorKinds.precondition]: grpc.status.FAILED_PRECONDITION,
  [ErrorKinds.alreadyExists]: grpc.status.ALREADY_EXISTS,
  [ErrorKinds.permissionDenied]: grpc.status.PERMISSION_DENIED,
  [ErrorKinds.unauthenticated]: grpc.status.UNAUTHENTICATED,
  [ErrorKinds.unavailable]: grpc.status.UNAVAILABLE,
};

// Status details travel in HTTP/2 trailers: the message percent-encoded (a Chinese character is 9 bytes there),
// the field violations as base64. grpc-js clients refuse metadata over 8 KB by default, and a huge trailer stalls
// the connection for the calls after it; so the message keeps to 300 characters and the violations to about
// 2 KB of text, the rest summed up in one last violation. A caller needs no more to fix the request.
const MAX_MESSAGE_CHARS = 300;
const MAX_FIELD = 100;
const MAX_DESCRIPTION = 200;
const VIOLATIONS_BUDGET_BYTES = 2_000;
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function clippedViolations(violations: readonly FieldViolation[]): FieldViolation[] {
  const out: FieldViolation[] = [];
  let bytes = 0;
  for (const [i, v] of violations.entries()) {
    const kept = { field: clip(v.field, MAX_FIELD), description: clip(v.description, MAX_DESCRIPTION) };
    bytes += Buffer.byteLength(kept.field) + Buffer.byteLength(kept.description);
    if (bytes > VIOLATIONS_BUDGET_BYTES) {
      out.push({ field: 'request', description: `and ${violations.length - i} more problems` });
      break;
    }
    out.push(kept);
  }
  return out;
}

function mapError(error: unknown): MappedStatus {
  if (error instanceof DomainError) {
    const code = STATUS_OF_KIND[error.kind];
    const message = clip(error.message, MAX_MESSAGE_CHARS);
    return error.kind === ErrorKinds.invalid
      ? { code, message, violations: clippedViolations(error.violations) }
      : { code, message };
  }
  return { code: grpc.status.INTERNAL, message: INTERNAL_MESSAGE };
}

/**
 * Maps any thrown value to the status a gRPC handler answers with. This is the only place domain errors meet
 * gRPC:
 * - a `DomainError` of kind `invalid` (`ValidationError`) → INVALID_ARGUMENT; the message names every field (`window.number: must be 1-4 digits`)
 *   and the violations travel as a `google.rpc.BadRequest` inside `grpc-status-details-bin`, so clients in any
 *   language can read them (see `fieldViolationsOf`);
 * - any other `DomainError` by its kind: NOT_FOUND, FAILED_PRECONDITION, ALREADY_EXISTS, PERMISSION_DENIED,
 *   UNAUTHENTICATED, UNAVAILABLE, each with the domain error's own message (so the calendar's errors, which
 *   declare their kinds, map here too);
 * - anything else, including a `ServiceError` from a downstream call that no port adapter translated, →
 *   INTERNAL with the message `internal error`. Its cause is logged at error level when a `logger` is given
 *   and never crosses the wire.
 */
export function toGrpcError(error: unknown, logger?: Pick<Logger, 'error'>): grpc.ServiceError {
  const mapped = mapError(error);
  if (mapped.code === grpc.status.INTERNAL) logger?.error({ err: error }, 'unexpected error answered as INTERNAL');
  const metadata = new grpc.Metadata();
  if (mapped.violations) {
    metadata.set(STATUS_DETAILS_KEY, encodeStatus(mapped.code, mapped.message, mapped.violations));
  }
  return Object.assign(new Error(mapped.message), {
    name: 'ServiceError',
    code: mapped.code,
    details: mapped.message,
    metadata,
  });
}

/**
 * Reads the field violations of an INVALID_ARGUMENT answer from its `google.rpc.BadRequest` details (client
 * side: tests, the HTTP gateway). Returns `[]` when the error carries none or the details cannot be decoded.
 */
export function fieldViolationsOf(error: Pick<grpc.ServiceError, 'metadata'>): FieldViolation[] {
  const values = error.metadata?.get(STATUS_DETAILS_KEY) ?? [];
  const violations: FieldViolation[] = [];
  for (const value of values) {
    if (typeof value === 'string') continue;
    try {
      violations.push(...decodeViolations(value));
    } catch {
      // malformed details from some other server: the status code and message still say enough
    }
  }
  return violations;
}

/** The body the HTTP side (the gateway) answers with; `code` is the gRPC status name, e.g. `NOT_FOUND`. */
export interface HttpErrorBody {
  readonly code: string;
  readonly message: string;
  readonly violations?: FieldViolation[];
}

const HTTP_STATUS: Partial<Record<grpc.status, number>> = {
  [grpc.status.INVALID_ARGUMENT]: 400,
  [grpc.status.NOT_FOUND]: 404,
  [grpc.status.FAILED_PRECONDITION]: 409,
  [grpc.status.ALREADY_EXISTS]: 409,
  [grpc.status.PERMISSION_DENIED]: 403,
  [grpc.status.UNAVAILABLE]: 503,
  [grpc.status.UNAUTHENTICATED]: 401,
  [grpc.status.RESOURCE_EXHAUSTED]: 429,
  [grpc.status.DEADLINE_EXCEEDED]: 504,
  [grpc.status.CANCELLED]: 499,
};

// Codes whose message a service wrote for the caller (from a domain error); for any other code of a
// downstream ServiceError the message may come from grpc-js itself (addresses, socket errors), so it is replaced.
const CALLER_MESSAGE_CODES: ReadonlySet<grpc.status> = new Set([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.NOT_FOUND,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.ALREADY_EXISTS,
  grpc.status.PERMISSION_DENIED,
  grpc.status.UNAUTHENTICATED,
]);

function isServiceError(error: unknown): error is grpc.ServiceError {
  return (
    error instanceof Error &&
    typeof (error as Partial<grpc.ServiceError>).code === 'number' &&
    (error as Partial<grpc.ServiceError>).metadata instanceof grpc.Metadata
  );
}

/**
 * The HTTP answer for any thrown value, with the same mapping as `toGrpcError`: 400 (with `violations`), 404,
 * 409 (precondition failed and already exists), 403, 503, and 500 `internal error` for anything else.
 *
 * A `ServiceError` from a gRPC call (the gateway calling a service) is mapped by its status code; its message is
 * passed on only for the codes a service answers from a domain error, and its violations are decoded from the
 * status details. Other codes get a generic message (UNAVAILABLE → 503, DEADLINE_EXCEEDED → 504, unknown → 500).
 */
export function toHttpStatus(error: unknown): { status: number; body: HttpErrorBody } {
  let code: grpc.status;
  let message: string;
  let violations: FieldViolation[] | undefined;
  if (isServiceError(error)) {
    code = error.code;
    message = CALLER_MESSAGE_CODES.has(code) ? error.details : genericMessage(code);
    if (code === grpc.status.INVALID_ARGUMENT) violations = fieldViolationsOf(error);
  } else {
    const mapped = mapError(error);
    code = mapped.code;
    message = mapped.message;
    if (mapped.violations) violations = [...mapped.violations];
  }
  const status = HTTP_STATUS[code] ?? 500;
  if (status === 500) {
    code = grpc.status.INTERNAL;
    message = INTERNAL_MESSAGE;
  }
  const body: HttpErrorBody = violations
    ? { code: grpc.status[code], message, violations }
    : { code: grpc.status[code], message };
  return { status, body };
}

const GENERIC_MESSAGE: Partial<Record<grpc.status, string>> = {
  [grpc.status.UNAVAILABLE]: 'service unavailable',
  [grpc.status.DEADLINE_EXCEEDED]: 'deadline exceeded',
  [grpc.status.CANCELLED]: 'cancelled',
  [grpc.status.UNAUTHENTICATED]: 'unauthenticated',
  [grpc.status.RESOURCE_EXHAUSTED]: 'too many requests',
};

function genericMessage(code: grpc.status): string {
  return GENERIC_MESSAGE[code] ?? INTERNAL_MESSAGE;
}

// --- A few protobuf fields by hand -------------------------------------------------------------------------
// google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
// google.protobuf.Any { string type_url = 1; bytes value = 2; }
// google.rpc.BadRequest { repeated FieldViolation field_violations = 1; }
// google.rpc.BadRequest.FieldViolation { string field = 1; string description = 2; }
// Kit does not depend on a protobuf runtime, and these three messages are all it needs.

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

function varint(value: number): Buffer {
  // Only non-negative values are written here (status codes 0-16, lengths).
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | LENGTH_DELIMITED), varint(payload.length), payload]);
}

function stringField(field: number, value: string): Buffer {
  return value === '' ? Buffer.alloc(0) : lengthDelimited(field, Buffer.from(value, 'utf8'));
}

function encodeStatus(code: grpc.status, message: string, violations: readonly FieldViolation[]): Buffer {
  const badRequest = Buffer.concat(
    violations.map((v) => lengthDelimited(1, Buffer.concat([stringField(1, v.field), stringField(2, v.description)]))),
  );
  const any = Buffer.concat([stringField(1, BAD_REQUEST_TYPE_URL), lengthDelimited(2, badRequest)]);
  return Buffer.concat([varint((1 << 3) | VARINT), varint(code), stringField(2, message), lengthDelimited(3, any)]);
}

interface Field {
  readonly number: number;
  /** The payload of a length-delimited field; undefined for the other wire types (skipped). */
  readonly bytes?: Buffer;
}

/** Splits one message into its top-level fields; throws on truncated or malformed input. */
function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  let offset = 0;
  const readVarint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (offset >= buffer.length) throw new RangeError('truncated varint');
      const byte = buffer[offset++] ?? 0;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
      if (scale > 2 ** 63) throw new RangeError('varint too long');
    }
  };
  while (offset < buffer.length) {
    const tag = readVarint();
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    switch (wireType) {
      case VARINT:
        readVarint();
        out.push({ number });
        break;
      case FIXED64:
        offset += 8;
        out.push({ number });
        break;
      case LENGTH_DELIMITED: {
        const length = readVarint();
        if (offset + length > buffer.length) throw new RangeError('truncated field');
        out.push({ number, bytes: buffer.subarray(offset, offset + length) });
        offset += length;
        break;
      }
      case FIXED32:
        offset += 4;
        out.push({ number });
        break;
      default:
        throw new RangeError(`unsupported wire type ${wireType}`);
    }
    if (offset > buffer.length) throw new RangeError('truncated field');
  }
  return out;
}

function decodeViolations(status: Buffer): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const detail of fields(status)) {
    if (detail.number !== 3 || !detail.bytes) continue;
    const any = fields(detail.bytes);
    const typeUrl = any.find((f) => f.number === 1)?.bytes?.toString('utf8');
    const value = any.find((f) => f.number === 2)?.bytes;
    if (typeUrl !== BAD_REQUEST_TYPE_URL || !value) continue;
    for (const entry of fields(value)) {
      if (entry.number !== 1 || !entry.bytes) continue;
      const parts = fields(entry.bytes);
      violations.push({
        field: parts.find((f) => f.number === 1)?.bytes?.toString('utf8') ?? '',
        description: parts.find((f) => f.number === 2)?.bytes?.toString('utf8') ?? '',
      });
    }
  }
  return violations;
}
