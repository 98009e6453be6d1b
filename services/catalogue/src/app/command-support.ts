import {
  ValidationError,
  type Clock,
  type EventEnvelope,
  type FieldViolation,
  type IdGenerator,
  type ResponseCodec,
} from '@govhall/kit';

/** Throws one ValidationError naming every bad field, when there is any. */
export function invalidIf(violations: readonly FieldViolation[]): void {
  if (violations.length > 0) throw new ValidationError(violations);
}

/** ISO strings under keys ending in `At` become Dates again, at any depth. */
function reviveDates(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveDates);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, v]) => [
        key,
        key.endsWith('At') && typeof v === 'string' ? new Date(v) : reviveDates(v),
      ]),
    );
  }
  return value;
}

/** How a command's result is kept with its request id: JSON, with its `...At` dates revived on replay. */
export function storedResultCodec<T>(): ResponseCodec<T> {
  return { encode: (value) => value, decode: (stored) => reviveDates(stored) as T };
}

/** A new event of this service's region, stamped by the service's clock and id generator. */
export function newEvent(
  source: { readonly clock: Clock; readonly ids: IdGenerator; readonly regionCode: string },
  type: string,
  data: unknown,
): EventEnvelope {
  return {
    id: source.ids.next(),
    type,
    schemaVersion: 1,
    occurredAt: source.clock.now().toISOString(),
    regionCode: source.regionCode,
    data,
  };
}
