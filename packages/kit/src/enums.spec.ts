import { enumCodec } from './enums';

enum Tier {
  TIER_UNSPECIFIED = 'TIER_UNSPECIFIED',
  TIER_CITY = 'TIER_CITY',
  TIER_TOWN = 'TIER_TOWN',
  UNRECOGNIZED = 'UNRECOGNIZED',
}
type DomainTier = 'city' | 'town';

describe('enumCodec', () => {
  const tier = enumCodec<DomainTier>()(Tier, { TIER_CITY: 'city', TIER_TOWN: 'town' });

  it('maps both ways and reads UNSPECIFIED, UNRECOGNIZED and unknown values as undefined', () => {
    expect(tier.fromProto(Tier.TIER_CITY)).toBe('city');
    expect(tier.toProto('town')).toBe(Tier.TIER_TOWN);
    expect(tier.toProto(null)).toBe(Tier.TIER_UNSPECIFIED);
    expect(tier.fromProto(Tier.TIER_UNSPECIFIED)).toBeUndefined();
    expect(tier.fromProto(Tier.UNRECOGNIZED)).toBeUndefined();
    expect(tier.fromProto('TIER_MOON')).toBeUndefined();
    expect(tier.values).toEqual(['city', 'town']);
  });

  it('refuses a domain value mapped twice', () => {
    // The types allow it (both are domain values); the codec cannot be inverted, so it fails at start-up.
    expect(() => enumCodec<DomainTier | 'x'>()(Tier, { TIER_CITY: 'city', TIER_TOWN: 'city' } as never)).toThrow(
      'city is mapped from two proto values',
    );
  });

  // The @ts-expect-error lines are the test: `pnpm typecheck` fails if any of them compiles.
  it('does not compile with a typo, a missing proto value or a missing domain value', () => {
    // @ts-expect-error 'cty' is not a domain value
    const typo = enumCodec<DomainTier>()(Tier, { TIER_CITY: 'cty', TIER_TOWN: 'town' });
    // @ts-expect-error TIER_TOWN is not mapped
    const partial = enumCodec<DomainTier>()(Tier, { TIER_CITY: 'city' });
    // @ts-expect-error 'village' has no proto value
    enumCodec<DomainTier | 'village'>()(Tier, { TIER_CITY: 'city', TIER_TOWN: 'town' });
    // Forced past the compiler, the mistakes would surface as silently unmapped values.
    expect(typo.fromProto(Tier.TIER_CITY)).toBe('cty');
    expect(partial.fromProto(Tier.TIER_TOWN)).toBeUndefined();
  });
});
