import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aStaffMember, createTestKey } from '@govhall/kit/testing';
import { startServiceProcess as startServiceProcessIn, type ServiceProcess } from '@govhall/testing';

export const REPO_ROOT = join(__dirname, '..');

/** `node --import tsx <entry>`, one process (see startServiceProcess in @govhall/testing). */
export function nodeWithTsx(entry: string): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', join(REPO_ROOT, entry)]];
}

export type { ServiceProcess };

/** Runs one service (`entry` from the repository root) as its own process, waiting until `/readyz` answers 200. */
export function startServiceProcess(entry: string, env: Record<string, string>): Promise<ServiceProcess> {
  return startServiceProcessIn(entry, env, { cwd: REPO_ROOT });
}

/** Callers of services under test: a key the services trust (written where AUTH_TRUSTED_KEYS_FILE points). */
export interface TestCallers {
  readonly trustedKeysFile: string;
  /** A token of a centre administrator (every catalogue write needs the role). */
  administrator(): Promise<string>;
  staff(roles: readonly string[]): Promise<string>;
}

export function testCallers(): TestCallers {
  const key = createTestKey();
  const trustedKeysFile = join(mkdtempSync(join(tmpdir(), 'govhall-keys-')), 'trusted-keys.json');
  writeFileSync(trustedKeysFile, JSON.stringify({ keys: [key.entry] }));
  const signer = key.signer();
  const staff = (roles: readonly string[]): Promise<string> => signer.signStaff(aStaffMember({ roles: [...roles] }));
  return { trustedKeysFile, administrator: () => staff(['administrator']), staff };
}

/** One answer of a service's `/readyz`, with when it was asked and answered. */
export interface ReadinessSample {
  readonly askedAt: number;
  readonly answeredAt: number;
  /** HTTP status, or 0 when the side port did not answer at all. */
  readonly status: number;
  readonly checks: Readonly<Record<string, boolean>>;
}

/** Asks `/readyz` on the side port once; never throws. */
export async function readiness(httpPort: number): Promise<ReadinessSample> {
  const askedAt = Date.now();
  try {
    const response = await fetch(`http://127.0.0.1:${httpPort}/readyz`, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json()) as { checks?: Record<string, boolean> };
    return { askedAt, answeredAt: Date.now(), status: response.status, checks: body.checks ?? {} };
  } catch {
    return { askedAt, answeredAt: Date.now(), status: 0, checks: {} };
  }
}
