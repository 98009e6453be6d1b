/**
 * A two-way map between a ts-proto string enum (`HALL_TIER_CITY`) and a domain union (`'city'`), declared as one
 * table. The compiler checks the table against both sides: every proto value but `*_UNSPECIFIED` and
 * `UNRECOGNIZED` must be mapped, every mapped value must be a domain value, and every domain value must be
 * mapped. A misspelt or missing entry on either side fails to compile:
 *
 * ```ts
 * const hallTier = enumCodec<HallTier>()(pb.HallTier, {
 *   HALL_TIER_CITY: 'city', HALL_TIER_DISTRICT: 'district', HALL_TIER_TOWNSHIP: 'township', HALL_TIER_VILLAGE: 'village',
 * });
 * hallTier.fromProto(pb.HallTier.HALL_TIER_CITY); // 'city'
 * hallTier.toProto('city'); // pb.HallTier.HALL_TIER_CITY
 * ```
 */
export interface EnumCodec<P extends string, D extends string> {
  /** The domain value of a proto value; `undefined` for UNSPECIFIED, UNRECOGNIZED or anything unknown. */
  fromProto(value: P | string | undefined): D | undefined;
  /** The proto value of a domain value; UNSPECIFIED for `null` / `undefined`. */
  toProto(value: D | null | undefined): P;
  /** Every domain value, in the table's order. */
  readonly values: readonly D[];
}

type Unmapped<E> = Extract<keyof E, `${string}_UNSPECIFIED` | 'UNRECOGNIZED'>;
type Table<E, D extends string> = { readonly [K in Exclude<keyof E, Unmapped<E>>]: D };
type Exhaustive<D extends string, T> = [Exclude<D, T[keyof T]>] extends [never]
  ? unknown
  : { readonly 'domain values without a proto value': Exclude<D, T[keyof T]> };

/** `enumCodec<DomainUnion>()(GeneratedEnum, table)`: curried so the enum is inferred and the union is given. */
export function enumCodec<D extends string>() {
  return <E extends Record<string, string>, const T extends Table<E, D>>(
    protoEnum: E,
    table: T & Exhaustive<D, T>,
  ): EnumCodec<E[keyof E], D> => {
    const unspecified = Object.values(protoEnum).find((value) => value.endsWith('_UNSPECIFIED'));
    if (unspecified === undefined) throw new Error('enum codec: the proto enum has no *_UNSPECIFIED value');
    const fromProto = new Map<string, D>(Object.entries(table as Record<string, D>));
    const toProto = new Map<D, E[keyof E]>();
    for (const [proto, domain] of fromProto) {
      if (toProto.has(domain)) throw new Error(`enum codec: ${domain} is mapped from two proto values`);
      toProto.set(domain, protoEnum[proto] as E[keyof E]);
    }
    return {
      fromProto: (value) => (value === undefined ? undefined : fromProto.get(value)),
      toProto: (value) =>
        value === null || value === undefined
          ? (unspecified as E[keyof E])
          : (toProto.get(value) ?? (unspecified as E[keyof E])),
      values: [...toProto.keys()],
    };
  };
}
