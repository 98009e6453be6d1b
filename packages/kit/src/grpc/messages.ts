import { ValidationError } from '../errors';

/**
 * A message field the request must carry (proto3 sub-messages are optional on the wire): the value, or
 * INVALID_ARGUMENT naming the field.
 */
export function required<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null) throw ValidationError.single(field, 'is required');
  return value;
}
