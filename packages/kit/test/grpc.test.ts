import * as grpc from '@grpc/grpc-js';
import pino, { type Logger } from 'pino';
import { waitFor } from '@govhall/testing';
import { Access } from '../src/auth';
import { NotFoundError, UnavailableError, ValidationError } from '../src/errors';
import {
  callUnary,
  fieldViolationsOf,
  grpcClientOptions,
  startGrpcServer,
  unary,
  type CallContext,
  type RunningGrpcServer,
} from '../src/grpc';
import { startSidePort } from '../src/http/side-port';
import { createMetrics, type Metrics } from '../src/metrics';
import {
  connected,
  deferred,
  ECHO_SERVICE,
  echoDescriptors,
  echoServiceDefinition,
  listServicesByReflection,
  newEchoClient,
  newHealthClient,
  type EchoClient,
  type EchoReply,
  type EchoRequest,
} from './fixtures/echo';

type Handler = (request: EchoRequest, ctx: CallContext) => Promise<EchoReply>;

/** A server of the echo service whose Hold and Flaky behaviour each test sets. */
interface EchoHarness {
  readonly server: RunningGrpcServer;
  readonly metrics: Metrics;
  readonly logLines: string[];
  hold: Handler;
  flaky: Handler;
}

async function startEcho(options: { defaultDeadlineMs?: number; shutdownGraceMs?: number } = {}): Promise<EchoHarness> {
  const logLines: string[] = [];
  const logger: Logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const metrics = createMetrics('echo-test');
  const notSet: Handler = () => Promise.reject(new Error('handler not set by the test'));
  const harness: { hold: Handler; flaky: Handler } = { hold: notSet, flaky: notSet };
  const implementation = {
    echo: unary<EchoRequest, EchoReply>('Echo', async (request) => {
      await Promise.resolve();
      if (request.text === '') throw ValidationError.single('text', 'must not be empty');
      if (request.text.startsWith('missing:')) throw new NotFoundError('echo', request.text.slice('missing:'.length));
      if (request.text === 'crash') throw new Error('connection to 10.1.2.3:5432 refused, password=hunter2');
      return { text: request.text };
    }),
    hold: unary<EchoRequest, EchoReply>('Hold', (request, ctx) => harness.hold(request, ctx)),
    flaky: unary<EchoRequest, EchoReply>('Flaky', (request, ctx) => harness.flaky(request, ctx)),
  };
  const server = await startGrpcServer({
    port: 0,
    host: '127.0.0.1',
    services: [
      {
        definition: echoServiceDefinition,
        implementation,
        access: { echo: Access.public(), hold: Access.public(), flaky: Access.public() },
      },
    ],
    descriptors: echoDescriptors(),
    logger,
    metrics,
    ...options,
  });
  return Object.assign(harness, { server, metrics, logLines });
}

function waitUntilAborted(ctx: CallContext, seen?: (reason: unknown) => void): Promise<never> {
  return new Promise((_resolve, reject) => {
    ctx.signal.addEventListener('abort', () => {
      seen?.(ctx.signal.reason);
      reject(ctx.signal.reason as Error);
    });
  });
}

function grpcError(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: grpc.ServiceError) => error,
  );
}

describe('gRPC server kit', () => {
  let echo: EchoHarness;
  let client: EchoClient;

  beforeAll(async () => {
    echo = await startEcho();
    client = newEchoClient(echo.server.port);
    await connected(client);
  });
  afterAll(async () => {
    client.close();
    await echo.server.shutdown();
  });

  it('answers a good request', async () => {
    await expect(callUnary(client, 'echo', { text: '你好' })).resolves.toEqual({ text: '你好' });
  });

  it('answers a ValidationError with INVALID_ARGUMENT naming the field, in the message and the BadRequest details', async () => {
    const error = await grpcError(callUnary(client, 'echo', { text: '' }));
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toBe('text: must not be empty');
    expect(fieldViolationsOf(error)).toEqual([{ field: 'text', description: 'must not be empty' }]);
  });

  it('answers a NotFoundError with NOT_FOUND', async () => {
    const error = await grpcError(callUnary(client, 'echo', { text: 'missing:42' }));
    expect(error.code).toBe(grpc.status.NOT_FOUND);
    expect(error.details).toBe('echo 42 not found');
  });

  it('answers an unexpected error with INTERNAL "internal error", logging the cause on the server only', async () => {
    const error = await grpcError(callUnary(client, 'echo', { text: 'crash' }));
    expect(error.code).toBe(grpc.status.INTERNAL);
    expect(error.details).toBe('internal error');
    expect(JSON.stringify(error.metadata.toJSON())).not.toMatch(/hunter2|10\.1\.2\.3/);
    expect(fieldViolationsOf(error)).toEqual([]);
    const logged = echo.logLines.map(
      (line) => JSON.parse(line) as { level: number; code?: string; err?: { message?: string } },
    );
    const internal = logged.find((entry) => entry.code === 'INTERNAL');
    expect(internal?.level).toBe(50); // error
    expect(internal?.err?.message).toContain('hunter2');
  });

  it('reports SERVING on the standard health service, for the server and the echo service', async () => {
    const health = newHealthClient(echo.server.port);
    try {
      await expect(callUnary(health, 'check', { service: '' })).resolves.toEqual({ status: 'SERVING' });
      await expect(callUnary(health, 'check', { service: ECHO_SERVICE })).resolves.toEqual({ status: 'SERVING' });
    } finally {
      health.close();
    }
  });

  it('lists the echo and health services through server reflection', async () => {
    const services = await listServicesByReflection(echo.server.port);
    expect(services).toEqual(expect.arrayContaining([ECHO_SERVICE, 'grpc.health.v1.Health']));
  });

  it("answers DEADLINE_EXCEEDED at the client's deadline and aborts the handler's signal", async () => {
    const entered = deferred();
    const aborted = deferred<unknown>();
    echo.hold = (_request, ctx) => {
      entered.resolve();
      return waitUntilAborted(ctx, aborted.resolve);
    };
    const error = await grpcError(callUnary(client, 'hold', { text: 'x' }, { deadlineMs: 200 }));
    expect(error.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await entered.promise;
    // The client cancels the stream at its deadline too; on a slow machine that cancel can reach the server
    // before the server's own deadline timer fires, so the handler may see either reason.
    const reason = (await aborted.promise) as grpc.ServiceError;
    expect([grpc.status.DEADLINE_EXCEEDED, grpc.status.CANCELLED]).toContain(reason.code);
  });

  it('aborts the handler signal when the client cancels', async () => {
    const entered = deferred();
    const aborted = deferred<unknown>();
    echo.hold = (_request, ctx) => {
      entered.resolve();
      return waitUntilAborted(ctx, aborted.resolve);
    };
    const controller = new AbortController();
    const call = grpcError(callUnary(client, 'hold', { text: 'x' }, { signal: controller.signal }));
    await entered.promise;
    controller.abort();
    expect((await call).code).toBe(grpc.status.CANCELLED);
    await expect(aborted.promise).resolves.toMatchObject({ code: grpc.status.CANCELLED });
  });

  it('counts calls by method and code and serves them on the side port', async () => {
    const side = await startSidePort({
      port: 0,
      host: '127.0.0.1',
      registry: echo.metrics.registry,
      readiness: {},
      logger: pino({ level: 'silent' }),
    });
    try {
      await callUnary(client, 'echo', { text: 'counted' });
      const response = await fetch(`http://127.0.0.1:${side.port}/metrics`);
      const text = await response.text();
      expect(text).toMatch(/^grpc_server_requests_total\{[^}]*method="Echo"[^}]*code="OK"[^}]*\} [1-9]/m);
      expect(text).toMatch(/^grpc_server_request_duration_seconds_count\{[^}]*method="Echo"[^}]*\} [1-9]/m);
      expect(text).toContain('service="echo-test"');
    } finally {
      await side.close();
    }
  });
});

describe('server default deadline', () => {
  it('answers DEADLINE_EXCEEDED when the client sent no deadline and the default passes', async () => {
    const echo = await startEcho({ defaultDeadlineMs: 100 });
    const client = newEchoClient(echo.server.port);
    try {
      const aborted = deferred<unknown>();
      echo.hold = (_request, ctx) => waitUntilAborted(ctx, aborted.resolve);
      // The raw client method: callUnary always sets a deadline.
      const error = await new Promise<grpc.ServiceError | null>((resolve) => {
        client.hold({ text: 'x' }, new grpc.Metadata(), {}, (e) => resolve(e));
      });
      expect(error?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
      await expect(aborted.promise).resolves.toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED });
      const counted = await echo.metrics.grpcRequests.get();
      expect(counted.values).toContainEqual({ labels: { method: 'Hold', code: 'DEADLINE_EXCEEDED' }, value: 1 });
    } finally {
      client.close();
      await echo.server.shutdown();
    }
  });
});

describe('graceful shutdown', () => {
  it('turns health NOT_SERVING at once and lets an in-flight call finish', async () => {
    const echo = await startEcho({ shutdownGraceMs: 30_000 });
    const client = newEchoClient(echo.server.port);
    const health = newHealthClient(echo.server.port);
    try {
      const entered = deferred();
      const release = deferred();
      echo.hold = async (request) => {
        entered.resolve();
        await release.promise;
        return { text: `finished ${request.text}` };
      };
      const inFlight = callUnary(client, 'hold', { text: 'slow' }, { deadlineMs: 30_000 });
      await entered.promise;

      const statuses: string[] = [];
      const watch = health.watch({ service: '' });
      watch.on('data', (response: { status: string }) => statuses.push(response.status));
      watch.on('error', () => undefined); // CANCELLED when the test cancels it below
      await waitFor(() => statuses.includes('SERVING'), { what: 'health SERVING' });

      let stopped = false;
      const stopping = echo.server.shutdown().then(() => {
        stopped = true;
      });
      await waitFor(() => statuses.includes('NOT_SERVING'), { what: 'health NOT_SERVING' });
      expect(stopped).toBe(false);
      watch.cancel(); // a watch stream is in flight too and would hold the shutdown to its grace period

      release.resolve();
      await expect(inFlight).resolves.toEqual({ text: 'finished slow' });
      await stopping;
      expect(stopped).toBe(true);
    } finally {
      client.close();
      health.close();
    }
  });

  it('cancels calls still open after the grace period', async () => {
    const echo = await startEcho({ shutdownGraceMs: 100 });
    const client = newEchoClient(echo.server.port);
    try {
      const entered = deferred();
      const aborted = deferred<unknown>();
      echo.hold = (_request, ctx) => {
        entered.resolve();
        return waitUntilAborted(ctx, aborted.resolve);
      };
      const inFlight = grpcError(callUnary(client, 'hold', { text: 'stuck' }, { deadlineMs: 30_000 }));
      await entered.promise;
      await echo.server.shutdown();
      expect([grpc.status.CANCELLED, grpc.status.UNAVAILABLE]).toContain((await inFlight).code);
      await aborted.promise;
    } finally {
      client.close();
    }
  });
});

describe('client retries', () => {
  let echo: EchoHarness;
  beforeAll(async () => {
    echo = await startEcho();
  });
  afterAll(() => echo.server.shutdown());

  function unavailableOnce(): { calls: () => number } {
    let calls = 0;
    echo.flaky = async (request) => {
      calls += 1;
      await Promise.resolve();
      if (calls === 1) throw new UnavailableError('warming up');
      return { text: request.text };
    };
    return { calls: () => calls };
  }

  it('retries a listed idempotent method after UNAVAILABLE and succeeds', async () => {
    const counter = unavailableOnce();
    const client = newEchoClient(echo.server.port, grpcClientOptions({ retryableMethods: [`${ECHO_SERVICE}/Flaky`] }));
    try {
      await expect(callUnary(client, 'flaky', { text: 'again' })).resolves.toEqual({ text: 'again' });
      expect(counter.calls()).toBe(2);
    } finally {
      client.close();
    }
  });

  it('does not retry a method that is not listed', async () => {
    const counter = unavailableOnce();
    const client = newEchoClient(echo.server.port, grpcClientOptions({ retryableMethods: [`${ECHO_SERVICE}/Echo`] }));
    try {
      const error = await grpcError(callUnary(client, 'flaky', { text: 'once' }));
      expect(error.code).toBe(grpc.status.UNAVAILABLE);
      expect(error.details).toBe('warming up');
      expect(counter.calls()).toBe(1);
    } finally {
      client.close();
    }
  });
});
