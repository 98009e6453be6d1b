import { randomInt } from 'node:crypto';

/**
 * A 12-digit region code no other test uses. Streams are named per region (`CATALOGUE_<region>`), so tests
 * sharing one nats-server never see each other's events.
 */
export function uniqueRegionCode(): string {
  return `9${String(randomInt(0, 1e11)).padStart(11, '0')}`;
}
