import {
  sharedNatsUrl,
  startPostgresCluster,
  uniqueRegionCode,
  waitFor,
  type RestartablePostgres,
} from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import {
  answersByCode,
  createHall,
  departmentEventsOnStream,
  organisationClient,
  sendCreateDepartment,
  startDepartmentLoad,
  type Answer,
} from './catalogue-load';
import { readiness, startServiceProcess, testCallers, type ReadinessSample, type ServiceProcess } from './processes';

const WARM_UP_ACKS = 200;
const OUTAGE_MS = 6_000;
/** Commands acknowledged after /readyz is back, before the load stops: the service serves again. */
const AFTER_RESTART_ACKS = 200;

/**
 * PostgreSQL dies (`pg_ctl stop -m immediate`) and comes back while the catalogue, its own process, is under
 * load. The service must live through it, answer UNAVAILABLE meanwhile, report itself not ready, and serve
 * again by itself; a retry with the same request id must finish every command exactly once, with its event.
 */
describe('PostgreSQL stopped and restarted under load', () => {
  const region = uniqueRegionCode();
  const callers = testCallers();
  // A cluster of its own: stopping it must not harm the other test files.
  let postgres: RestartablePostgres;
  let databaseUrl: string;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    postgres = await startPostgresCluster();
    const admin = new Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE govhall');
    await admin.end();
    const url = new URL(postgres.adminUrl);
    url.pathname = '/govhall';
    databaseUrl = url.toString();
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    await postgres?.stop();
  });

  it('answers UNAVAILABLE during the outage, recovers by itself, and loses or doubles nothing', async () => {
    service = await startServiceProcess('services/catalogue/src/main.ts', {
      REGION_CODE: region,
      DATABASE_URL: databaseUrl,
      NATS_URL: sharedNatsUrl(),
      LOG_LEVEL: 'warn',
      AUTH_TRUSTED_KEYS_FILE: callers.trustedKeysFile,
    });
    const running = service;
    const token = await callers.administrator();
    const admin = organisationClient(running.grpcPort, token);
    const hallId = await createHall(admin);

    // /readyz, sampled all along.
    const samples: ReadinessSample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(await readiness(running.httpPort));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const load = startDepartmentLoad({ port: running.grpcPort, token, hallId, clients: 8 });
    let down = 0;
    let upStart = 0;
    let up = 0;
    let readyAgainMs = -1;
    try {
      await waitFor(() => load.acknowledged() >= WARM_UP_ACKS, { what: 'warm-up', timeoutMs: 20_000 });
      await postgres.crash();
      down = Date.now();
      // Hold the outage open for its planned length while the clients keep going.
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      upStart = Date.now();
      await postgres.restart();
      up = Date.now();
      await waitFor(async () => (await readiness(running.httpPort)).status === 200, {
        what: '/readyz 200 after the restart',
        timeoutMs: 15_000,
      });
      readyAgainMs = Date.now() - up;
      // Let the load run on after the outage until it has been served a while again.
      const ackedWhenReady = load.acknowledged();
      await waitFor(() => load.acknowledged() >= ackedWhenReady + AFTER_RESTART_ACKS, {
        what: 'commands acknowledged after the restart',
        timeoutMs: 20_000,
      });
    } finally {
      await load.stop();
      sampling = false;
      await sampler;
    }

    const answers = load.answers;
    const failures = answers.filter((a) => !a.department);
    const duringOutage = answers.filter((a) => a.sentAt >= down && a.answeredAt <= upStart);
    const afterRestart = answers.filter((a) => a.sentAt >= up + readyAgainMs);
    const outageSamples = samples.filter((s) => s.askedAt >= down && s.answeredAt <= upStart);
    console.log(
      `postgres outage: ${OUTAGE_MS} ms down; answers ${JSON.stringify(answersByCode(answers))}; ` +
        `sent and answered inside the outage ${JSON.stringify(answersByCode(duringOutage))}; ` +
        `after the restart ${JSON.stringify(answersByCode(afterRestart))}; /readyz 200 again ${readyAgainMs} ms ` +
        `after PostgreSQL accepted connections; /readyz samples inside the outage ${outageSamples.length}`,
    );

    // The process lived through it, and nothing crashed inside it.
    expect(running.child.exitCode).toBeNull();
    expect(running.child.signalCode).toBeNull();
    expect(running.output()).not.toMatch(/Unhandled 'error' event|UnhandledPromiseRejection|uncaughtException/);
    // The outage is logged as warnings (calls answered UNAVAILABLE, connections lost), never as an error.
    expect(running.output()).not.toMatch(/"level":"(error|fatal)"/);

    // Every failure, during the outage or around its edges, was UNAVAILABLE: never INTERNAL, UNKNOWN, ...
    expect(failures.length).toBeGreaterThan(0);
    const notUnavailable = failures.filter((a) => a.code !== grpc.status.UNAVAILABLE);
    expect(notUnavailable.map((a) => `${grpc.status[a.code!]}: ${a.details}`)).toEqual([]);
    // Nothing succeeded while there was no database, and the load was really running then.
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.filter((a) => a.department)).toEqual([]);
    // The service served again by itself.
    expect(afterRestart.filter((a) => a.department).length).toBeGreaterThan(0);

    // /readyz: not ready for want of the database during the outage, ready again after.
    expect(outageSamples.length).toBeGreaterThan(0);
    expect(outageSamples.filter((s) => s.status !== 503 || s.checks['database'] !== false)).toEqual([]);
    expect(outageSamples.every((s) => s.checks['bus'] === true)).toBe(true);
    expect(samples.filter((s) => s.askedAt >= up + readyAgainMs).every((s) => s.status === 200)).toBe(true);

    // Retry every UNAVAILABLE command with its own request id until it is acknowledged.
    const unavailable = failures.map((a) => a.command);
    const retried: Answer[] = [];
    const retryErrors: string[] = [];
    const queue = [...unavailable];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const client = organisationClient(running.grpcPort, token);
        try {
          for (let command = queue.pop(); command; command = queue.pop()) {
            const current = command;
            let answer: Answer | undefined;
            await waitFor(
              async () => {
                answer = await sendCreateDepartment(client, current);
                if (answer.department) return true;
                if (answer.code === grpc.status.UNAVAILABLE) return false;
                retryErrors.push(`${current.requestId}: ${grpc.status[answer.code!]} ${answer.details}`);
                return true;
              },
              { what: `retry of ${current.requestId}`, timeoutMs: 15_000 },
            );
            if (answer?.department) retried.push(answer);
          }
        } finally {
          client.close();
        }
      }),
    );
    expect(retryErrors).toEqual([]);
    expect(retried).toHaveLength(unavailable.length);
    // A retry answered with a department created before the database came back: the first attempt had
    // committed, its answer was lost to the outage, and the request id replayed it.
    const replayed = retried.filter((a) => (a.department!.createdAt?.getTime() ?? Infinity) < upStart).length;

    // Every acknowledged command, once: distinct commands, distinct departments, each with its own code.
    const acknowledged = [...answers.filter((a) => a.department), ...retried];
    const byRequest = new Map(acknowledged.map((a) => [a.command.requestId, a]));
    expect(byRequest.size).toBe(acknowledged.length);
    const departmentIds = new Set(acknowledged.map((a) => a.department!.id));
    expect(departmentIds.size).toBe(byRequest.size);
    expect(acknowledged.filter((a) => a.department!.code !== a.command.code)).toEqual([]);

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ id: string; code: string }>(
        'SELECT id, code FROM catalogue.departments WHERE hall_id = $1',
        [hallId],
      );
      // Nothing half-written, nothing lost: the rows are exactly the acknowledged departments.
      expect(rows).toHaveLength(byRequest.size);
      expect(rows.filter((r) => !departmentIds.has(r.id))).toEqual([]);

      await waitFor(
        async () => {
          const pending = await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM catalogue.outbox WHERE published_at IS NULL',
          );
          return pending.rows[0]?.n === 0;
        },
        { what: 'the outbox drained', timeoutMs: 15_000 },
      );
    } finally {
      await db.end();
    }

    const events = await departmentEventsOnStream(region);
    console.log(
      `after the outage: ${unavailable.length} UNAVAILABLE commands retried with their request id ` +
        `(${replayed} had committed and were replayed), ${byRequest.size} acknowledged commands, ` +
        `${departmentIds.size} departments, ${events.messages} messages on CATALOGUE_${region}`,
    );
    expect(events.withoutMessageId).toBe(0);
    expect(events.distinctMessageIds).toBe(events.messages);
    const wrongCounts = [...departmentIds]
      .map((id) => [id, events.createdPerDepartment.get(id) ?? 0] as const)
      .filter(([, n]) => n !== 1);
    expect(wrongCounts).toEqual([]);
    expect([...events.createdPerDepartment.keys()].filter((id) => !departmentIds.has(id))).toEqual([]);
    admin.close();
  }, 60_000);
});
