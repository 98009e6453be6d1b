import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';

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

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly grpcPort: number;
  readonly httpPort: number;
  output(): string;
  /** Sends a signal and waits for the exit; resolves the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ServiceProcessOptions {
  /** Node flags before `--import tsx` (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
  /** How long `/readyz` may take to answer 200; default 30 s. */
  readonly timeoutMs?: number;
  /** The child's working directory (and what a relative `entry` is resolved against); default this process's. */
  readonly cwd?: string;
}

/**
 * Runs one service as its own process, the way the real mode does (`node --import tsx <entry>`, on free GRPC_PORT
 * and HTTP_PORT), and waits until `/readyz` answers 200. One process, so a SIGKILL kills the service itself (the
 * `tsx` command would put a wrapper process in between and leave the service running as an orphan).
 */
export async function startServiceProcess(
  entry: string,
  env: Record<string, string>,
  options: ServiceProcessOptions = {},
): Promise<ServiceProcess> {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const cwd = options.cwd ?? process.cwd();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', resolvePath(cwd, entry)], {
    cwd,
    env: { ...process.env, ...env, GRPC_PORT: String(grpcPort), HTTP_PORT: String(httpPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exitCode = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`service exited: ${output}`);
      return (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200;
    },
    { timeoutMs: options.timeoutMs ?? 30_000, what: `${entry} ready` },
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
      return exitCode;
    },
  };
}
