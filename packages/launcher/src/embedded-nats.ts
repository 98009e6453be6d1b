import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';

export interface EmbeddedNats {
  readonly url: string;
  stop(): Promise<void>;
}

/** Whether a `nats-server` binary is on the PATH. */
export function natsServerOnPath(): boolean {
  const probe = spawnSync('nats-server', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** Starts `nats-server -js` on loopback with its store in `storeDir`; resolves once it says it is ready. */
export async function startEmbeddedNats(storeDir: string, port: number): Promise<EmbeddedNats> {
  await mkdir(storeDir, { recursive: true });
  const child: ChildProcess = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onExit = (): void =>
      reject(new Error(`nats-server exited at start (port ${port} in use? set GOVHALL_NATS_PORT):\n${output}`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server is ready')) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
