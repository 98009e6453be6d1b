import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface SidePortOptions {
  /** Port to listen on; 0 picks a free one (see the returned `port`). */
  readonly port: number;
  /** Interface to bind; default `0.0.0.0`. */
  readonly host?: string;
  /** The service's metrics registry, served at `/metrics`. */
  readonly registry: Registry;
  /**
   * Readiness checks by name (`database`, `bus`, ...). A check is failing when it resolves false, throws, or
   * has not answered within `readinessTimeoutMs`.
   */
  readonly readiness: Readonly<Record<string, () => Promise<boolean>>>;
  readonly logger: Logger;
  /** How long `/readyz` waits for each check; default 2 s (below the usual 3-5 s probe timeout). */
  readonly readinessTimeoutMs?: number;
  /**
   * POST routes of the service's own (e.g. notify's SMS receipts), by path: each gets the body parsed as JSON
   * (at most 1 MiB; anything else is 400) and answers a status and a JSON body.
   */
  readonly postRoutes?: Readonly<Record<string, (body: unknown) => Promise<{ status: number; body: unknown }>>>;
}

const MAX_POST_BYTES = 1024 * 1024;

async function readJson(request: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; why: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_POST_BYTES) return { ok: false, why: 'body over 1 MiB' };
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, why: 'body is not JSON' };
  }
}

export interface RunningSidePort {
  readonly port: number;
  /** Stops listening and closes open connections (keep-alive ones included). Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

async function checkWithin(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check().then((ok) => ok === true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/**
 * The HTTP side port every service runs beside its gRPC port, with plain `node:http`:
 * - `GET /healthz` → 200 `{"status":"ok"}` while the process can answer (liveness);
 * - `GET /readyz` → 200 when every readiness check passes, else 503; both with
 *   `{"status":"ready"|"not ready","checks":{"database":true,"bus":false}}` (checks run in parallel);
 * - `GET /metrics` → the registry in Prometheus text format;
 * - `POST` to one of `postRoutes` → that route's answer;
 * - anything else → 404.
 */
export async function startSidePort(options: SidePortOptions): Promise<RunningSidePort> {
  const timeoutMs = options.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;

  const readiness = async (): Promise<{ ready: boolean; checks: Record<string, boolean> }> => {
    const entries = await Promise.all(
      Object.entries(options.readiness).map(
        async ([name, check]) => [name, await checkWithin(check, timeoutMs)] as const,
      ),
    );
    return { ready: entries.every(([, ok]) => ok), checks: Object.fromEntries(entries) };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://side-port').pathname;
    const route = request.method === 'POST' ? options.postRoutes?.[path] : undefined;
    if (route) {
      const body = await readJson(request);
      if (!body.ok) return sendJson(response, 400, { status: 'bad request', error: body.why });
      const answer = await route(body.value);
      return sendJson(response, answer.status, answer.body);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 404, { status: 'not found' });
    switch (path) {
      case '/healthz':
        return sendJson(response, 200, { status: 'ok' });
      case '/readyz': {
        const { ready, checks } = await readiness();
        if (!ready) options.logger.warn({ checks }, 'not ready');
        return sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
      }
      case '/metrics': {
        const text = await options.registry.metrics();
        response.writeHead(200, { 'content-type': options.registry.contentType });
        response.end(text);
        return;
      }
      default:
        return sendJson(response, 404, { status: 'not found' });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger.error({ err: error, url: request.url }, 'side port request failed');
      if (!response.headersSent) sendJson(response, 500, { status: 'error' });
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  options.logger.info({ port }, 'side port listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Prometheus and probes keep connections alive; without this close() waits for them to time out.
      server.closeAllConnections();
    });
    return closing;
  };
  return { port, close };
}
