/**
 * Proto enum values are the domain values upper-cased behind a prefix (`HALL_TIER_CITY` ↔ `city`);
 * UNSPECIFIED and anything unknown become undefined, which validation reports by field.
 */
export function fromProtoEnum<T extends string>(
  prefix: string,
  allowed: Record<string, T>,
  value: string | undefined,
): T | undefined {
  if (!value?.startsWith(prefix)) return undefined;
  const candidate = value.slice(prefix.length).toLowerCase();
  return (Object.values(allowed) as string[]).includes(candidate) ? (candidate as T) : undefined;
}

/** The proto value of a domain value; a missing one is UNSPECIFIED. */
export function toProtoEnum<P extends string>(prefix: string, value: string | null | undefined): P {
  return `${prefix}${(value ?? 'unspecified').toUpperCase()}` as P;
}
