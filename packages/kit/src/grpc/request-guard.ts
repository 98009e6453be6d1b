import { fromBinary, ScalarType, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import type { FieldViolation } from '../errors';

/**
 * What every request must satisfy before a handler sees it, whatever the method: the checks that keep bad
 * input from reaching PostgreSQL (which refuses NUL in text, and index rows over 2,704 bytes) or a `Date` that
 * cannot be stored. Domain validation then says what each field means; this guard only says what no field
 * may be.
 */
export interface RequestLimits {
  /** Longest string in any field; default 10,000 characters (domain rules set tighter ones). */
  readonly maxStringLength?: number;
  /** Longest value of an id field (`id`, `*_id`, `*_ids`); default 128. */
  readonly maxIdLength?: number;
  /** Most entries of a repeated field; default 1,000. */
  readonly maxRepeated?: number;
  /** Largest `bytes` value; default 1 MiB. */
  readonly maxBytes?: number;
}

const MAX_VIOLATIONS = 20;
// C0 controls but tab, line feed and carriage return, and DEL: never part of a name, a text or an id.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const ID = /^[A-Za-z0-9._:-]*$/;
// google.protobuf.Timestamp's range: 0001-01-01 to 9999-12-31 (also what PostgreSQL and JS both hold).
const MIN_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/** `regionCode` → `region_code`: the field as the caller named it in the .proto. */
export function protoFieldName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Whether a field (by its proto name) holds ids: `id`, `*_id`, `*_ids`. */
export const isIdField = (name: string): boolean => name === 'id' || name.endsWith('_id') || name.endsWith('_ids');

/**
 * Checks a decoded (ts-proto) request: strings without control characters and within their length, id fields
 * shaped like ids, repeated fields within their count, finite numbers and instants within the Timestamp range.
 * Returns the violations, with paths as the caller wrote them (`window.department_ids[1]`).
 */
export function checkRequest(request: unknown, limits: RequestLimits = {}): FieldViolation[] {
  const maxString = limits.maxStringLength ?? 10_000;
  const maxId = limits.maxIdLength ?? 128;
  const maxRepeated = limits.maxRepeated ?? 1_000;
  const maxBytes = limits.maxBytes ?? 1024 * 1024;
  const violations: FieldViolation[] = [];
  const add = (field: string, description: string): void => {
    if (violations.length < MAX_VIOLATIONS) violations.push({ field, description });
  };

  const visit = (value: unknown, path: string, name: string): void => {
    if (violations.length >= MAX_VIOLATIONS) return;
    if (typeof value === 'string') {
      if (CONTROL.test(value)) add(path, 'must not contain control characters');
      else if (isIdField(name) && (value.length > maxId || !ID.test(value))) {
        add(path, `must be an id: at most ${maxId} letters, digits or ._:-`);
      } else if (value.length > maxString) add(path, `must be at most ${maxString} characters`);
      return;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) add(path, 'must be a finite number');
      return;
    }
    if (value instanceof Date) {
      const time = value.getTime();
      if (!(time >= MIN_INSTANT && time <= MAX_INSTANT)) add(path, 'must be an instant between the years 1 and 9999');
      return;
    }
    if (value instanceof Uint8Array) {
      if (value.length > maxBytes) add(path, `must be at most ${maxBytes} bytes`);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length > maxRepeated) {
        add(path, `must have at most ${maxRepeated} entries`);
        return;
      }
      value.forEach((item, i) => visit(item, `${path}[${i}]`, name));
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const field = protoFieldName(key);
        visit(inner, path ? `${path}.${field}` : field, field);
      }
    }
  };
  visit(request, '', '');
  return violations;
}

/**
 * Why a request's bytes could not be decoded, as field violations: the protobuf-es decoder (which reads 64-bit
 * integers as bigint) finds the int64 fields beyond ±2^53 that the service's ts-proto decoder refuses; bytes
 * that are not the message at all are one violation on `request`.
 */
export function diagnoseUndecodable(schema: DescMessage | undefined, bytes: Uint8Array): FieldViolation[] {
  if (!schema) return [{ field: 'request', description: 'is not a valid message of this method' }];
  let message: Message;
  try {
    message = fromBinary(schema, bytes);
  } catch (error) {
    return [
      {
        field: 'request',
        description: `is not a valid ${schema.typeName} (${error instanceof Error ? error.message : 'undecodable'})`,
      },
    ];
  }
  const found: FieldViolation[] = [];
  collectUnsafeIntegers(schema, message, '', found);
  return found.length > 0
    ? found
    : [{ field: 'request', description: `is not a ${schema.typeName} this service can read` }];
}

const SIXTY_FOUR_BIT = new Set<ScalarType>([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);
const unsafe = (value: unknown): boolean =>
  typeof value === 'bigint' && (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER));
const RANGE = 'must be between -2^53 and 2^53 (9007199254740991)';

function fieldValue(message: Message, field: DescField): unknown {
  const record = message as unknown as Record<string, unknown>;
  if (field.oneof) {
    const oneof = record[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
    return oneof?.case === field.localName ? oneof.value : undefined;
  }
  return record[field.localName];
}

function collectUnsafeIntegers(schema: DescMessage, message: Message, path: string, found: FieldViolation[]): void {
  for (const field of schema.fields) {
    const at = path ? `${path}.${field.name}` : field.name;
    const value = fieldValue(message, field);
    if (value === undefined || value === null) continue;
    switch (field.fieldKind) {
      case 'scalar':
        if (SIXTY_FOUR_BIT.has(field.scalar) && unsafe(value)) found.push({ field: at, description: RANGE });
        break;
      case 'message':
        collectUnsafeIntegers(field.message, value as Message, at, found);
        break;
      case 'list':
        (value as unknown[]).forEach((item, i) => {
          if (field.listKind === 'scalar' && SIXTY_FOUR_BIT.has(field.scalar) && unsafe(item)) {
            found.push({ field: `${at}[${i}]`, description: RANGE });
          } else if (field.listKind === 'message') {
            collectUnsafeIntegers(field.message, item as Message, `${at}[${i}]`, found);
          }
        });
        break;
      case 'map':
        for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
          if (field.mapKind === 'scalar' && SIXTY_FOUR_BIT.has(field.scalar) && unsafe(item)) {
            found.push({ field: `${at}[${key}]`, description: RANGE });
          } else if (field.mapKind === 'message') {
            collectUnsafeIntegers(field.message, item as Message, `${at}[${key}]`, found);
          }
        }
        break;
      case 'enum':
        break;
    }
  }
}
