import { spawn } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = join(__dirname, '../../..');

/** Runs the trace round-trip fixture in its own process, telemetry loaded first as in a service. */
function runFixture(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'fixtures/trace-roundtrip.ts')], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('telemetry', () => {
  it('carries the trace across a gRPC call with no exporter configured, and starts once when loaded twice', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, OTEL_SERVICE_NAME: 'trace-test' };
    delete env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    delete env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
    const { code, stdout, stderr } = await runFixture(env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const seen = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(seen['clientTraceId']).toMatch(/^[0-9a-f]{32}$/);
    expect(seen['clientTraceId']).not.toBe('0'.repeat(32));
    expect(seen['serverTraceId']).toBe(seen['clientTraceId']);
    // Not exporting, and no caller sampled it: the trace is carried but not recorded (flags 00).
    expect(seen['traceparent']).toMatch(new RegExp(`^00-${String(seen['clientTraceId'])}-[0-9a-f]{16}-00$`));
    expect(seen['sameSdk']).toBe(true);
    expect(seen['exported']).toBe(false);
  });
});
