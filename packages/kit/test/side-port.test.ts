import pino from 'pino';
import { createMetrics } from '../src/metrics';
import { startSidePort, type RunningSidePort } from '../src/http/side-port';

describe('side port', () => {
  const readiness = { database: true, bus: true };
  let side: RunningSidePort;
  let base: string;

  beforeAll(async () => {
    const metrics = createMetrics('side-port-test');
    metrics.outboxPending.set(3);
    side = await startSidePort({
      port: 0,
      host: '127.0.0.1',
      registry: metrics.registry,
      readiness: {
        database: () => Promise.resolve(readiness.database),
        bus: () => (readiness.bus ? Promise.resolve(true) : Promise.reject(new Error('bus down'))),
      },
      logger: pino({ level: 'silent' }),
      postRoutes: {
        '/echo': (body) => Promise.resolve({ status: 202, body: { got: body } }),
      },
    });
    base = `http://127.0.0.1:${side.port}`;
  });
  afterAll(() => side.close());

  it('hands a POST route its JSON body and answers what it returns; a body that is not JSON is 400', async () => {
    const response = await fetch(`${base}/echo`, { method: 'POST', body: JSON.stringify([{ sid: 'a' }]) });
    expect(response.status).toBe(202);
    await expect(response.json()).resolves.toEqual({ got: [{ sid: 'a' }] });
    const bad = await fetch(`${base}/echo`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
    await expect(bad.json()).resolves.toMatchObject({ error: 'body is not JSON' });
    expect((await fetch(`${base}/echo`)).status).toBe(404);
  });

  it('answers /healthz with 200 while the process lives', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when every check passes', async () => {
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ status: 'ready', checks: { database: true, bus: true } });
  });

  it('answers /readyz with 503 naming the failing checks (false or throwing)', async () => {
    readiness.bus = false;
    try {
      const response = await fetch(`${base}/readyz`);
      expect(response.status).toBe(503);
      await expect(response.json()).resolves.toEqual({ status: 'not ready', checks: { database: true, bus: false } });
    } finally {
      readiness.bus = true;
    }
  });

  it('serves the registry at /metrics in Prometheus text format', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^outbox_pending\{service="side-port-test"\} 3$/m);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('answers anything else with 404', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(404);
  });
});

describe('side port readiness timeout', () => {
  it('counts a check that does not answer in time as failing', async () => {
    const side = await startSidePort({
      port: 0,
      host: '127.0.0.1',
      registry: createMetrics('timeout-test').registry,
      readiness: { database: () => Promise.resolve(true), stuck: () => new Promise<boolean>(() => undefined) },
      readinessTimeoutMs: 50,
      logger: pino({ level: 'silent' }),
    });
    try {
      const response = await fetch(`http://127.0.0.1:${side.port}/readyz`);
      expect(response.status).toBe(503);
      await expect(response.json()).resolves.toEqual({ status: 'not ready', checks: { database: true, stuck: false } });
    } finally {
      await side.close();
    }
  });
});
