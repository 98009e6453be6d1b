import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aStaffMember, createTestKey } from '@govhall/kit/testing';
import { freePort, waitFor } from '@govhall/testing';

export const REPO_ROOT = join(__dirname, '..');

/**
 * `node --import tsx <entry>`: one process, so a SIGKILL kills the service itself (the `tsx` command would
 * put a wrapper process in between and leave the service running as an orphan).
 */
export function nodeWithTsx(entry: string): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', join(REPO_ROOT, entry)]];
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly grpcPort: number;
  readonly httpPort: number;
  output(): string;
  /** Sends a signal and waits for the exit; resolves the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs one service as its own process, the way the real mode does, and waits until `/readyz` answers 200. */
export async function startServiceProcess(entry: string, env: Record<string, string>): Promise<ServiceProcess> {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const [command, args] = nodeWithTsx(entry);
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, GRPC_PORT: String(grpcPort), HTTP_PORT: String(httpPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`service exited: ${output}`);
      return (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200;
    },
    { timeoutMs: 30_000, what: `${entry} ready` },
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\n--- output ---\n${output}`);
  });
  return {
    child,
    grpcPort,
    httpPort,
    output: () => output,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
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
