import { generateKeyPairSync } from 'node:crypto';
import type { Clock } from '../clock';
import type { StaffActor } from './actor';
import { trustedKeyEntry, type SigningKey } from './keys';
import { createTokenSigner, type TokenSigner } from './tokens';
import { parseTrustedKeys, type KeyGrant, type TrustedKeys } from './trusted-keys';

/** A fresh Ed25519 key for tests, with the trusted keys that trust it for `may`. */
export interface TestKey extends SigningKey {
  /** Trusted keys holding only this key, with grants `may`. */
  readonly trustedKeys: TrustedKeys;
  /** The trusted-keys file entry for this key. */
  readonly entry: ReturnType<typeof trustedKeyEntry>;
  /** A signer with this key (issuer `govhall-test` unless given). */
  signer(options?: { readonly issuer?: string; readonly clock?: Clock }): TokenSigner;
}

/**
 * A new key pair, held in memory only, for tests that mint tokens (a unit test of a service's access rules, an
 * integration test calling a service as staff). Every call makes a different key.
 */
export function createTestKey(keyId = 'test-key', may: readonly KeyGrant[] = ['staff', 'service:*']): TestKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const x = privateKey.export({ format: 'jwk' }).x as string;
  const entry = trustedKeyEntry({ keyId, publicX: x }, may);
  return {
    privateKey,
    keyId,
    publicX: x,
    entry,
    trustedKeys: parseTrustedKeys({ keys: [entry] }),
    signer: (options = {}) =>
      createTokenSigner({ privateKey, keyId, issuer: options.issuer ?? 'govhall-test', clock: options.clock }),
  };
}

/** A valid staff member for tokens, with `overrides` applied (a builder, not a fixture). */
export function aStaffMember(overrides: Partial<Omit<StaffActor, 'kind'>> = {}): Omit<StaffActor, 'kind'> {
  return {
    staffId: 'staff-0001',
    roles: ['clerk'],
    departmentId: 'dept-civil-affairs',
    hallId: 'hall-city-centre',
    regionCode: '330100',
    ...overrides,
  };
}
