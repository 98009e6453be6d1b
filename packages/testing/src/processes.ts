import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ports below the kernel's ephemeral range (Linux: 32768–60999), so that nothing binding port 0 and no outgoing
 * connection's source port can take a port between the moment a test picks it and the moment its server binds it
 * (a test picks several before it starts anything). Each jest worker draws from its own slice.
 */
const PORT_RANGE = { first: 20_000, size: 12_000 };
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    // 0.0.0.0: the services bind every interface, and a port taken on any of them is taken for them.
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port for a server a test starts, never handed out twice by this process. */
export async function freePort(): Promise<number> {
  const worker = Number(process.env['JEST_WORKER_ID'] ?? '1');
  const slices = 8;
  const sliceSize = Math.floor(PORT_RANGE.size / slices);
  const sliceStart = PORT_RANGE.first + ((worker - 1) % slices) * sliceSize;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = sliceStart + Math.floor(Math.random() * sliceSize);
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${sliceStart}-${sliceStart + sliceSize - 1}`);
}

/** Polls `probe` until it resolves true or `timeoutMs` passes. Tests wait on conditions, never on fixed sleeps. */
export async function waitFor(
  probe: () => Promise<boolean> | boolean,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not yet: the probe throws while the thing is still starting
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface RunningNats {
  readonly url: string;
  readonly port: number;
  /** Stops the server; its JetStream store is kept until `remove`. */
  stop(): Promise<void>;
  /** Starts it again on the same port over the same store (for restart tests). */
  restart(): Promise<void>;
  /** Stops it and deletes its store. */
  remove(): Promise<void>;
}

/** @internal Resolves once the process has exited. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** @internal Spawns `nats-server` with `args` and resolves once it says it is ready; rejects if it exits first. */
export async function spawnNatsServer(args: readonly string[]): Promise<ChildProcess> {
  const proc = spawn('nats-server', [...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const onExit = (): void => reject(new Error(`nats-server exited during start: ${output}`));
    proc.once('error', reject);
    proc.once('exit', onExit);
    const check = (): void => {
      if (output.includes('Server is ready')) {
        proc.off('exit', onExit);
        resolve();
      }
    };
    proc.stderr?.on('data', check);
  });
  return proc;
}

/**
 * Starts a real `nats-server -js` on a free port with its own store folder. `nats-server` must be on the
 * PATH (Debian package `nats-server`; `.ci/run` installs it).
 */
export async function startNatsServer(): Promise<RunningNats> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'govhall-nats-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = await spawnNatsServer(['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir]);
  };
  const stop = async (): Promise<void> => {
    if (!child) return;
    const proc = child;
    child = undefined;
    proc.kill('SIGTERM');
    await exited(proc);
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    remove: async () => {
      await stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
