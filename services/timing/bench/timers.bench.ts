/**
 * Timer bench (`pnpm bench`): a storm of clocks falling due at one instant among many pending, against timing as its
 * own process (`node --import tsx services/timing/src/main.ts`, its firing loop on) beside the demo catalogue (its
 * own process too: the hall calendar a clock query computes the remaining working time in), on a real PostgreSQL
 * and nats-server.
 *
 * Each phase seeds `timing.clocks` straight in SQL (generate_series): running stage clocks of the demo's city hall,
 * a yellow card step at due and a red one a day later, each of its own case. The storm's clocks all fall due at T;
 * the rest fall due 7 to 37 days ahead, so nothing fires early while the loop runs. The far ones go in first: their
 * insert rate sizes the margin T is given, so the storm's rows, a VACUUM ANALYZE and the idle window all fit before
 * T (a phase whose storm rows commit after T is marked invalid). Then, in the one run:
 *
 *   idle   GetCaseClocks (gRPC, a staff token) of random storm cases, open loop at BENCH_QUERY_RATE, until T
 *   storm  at T the loop fires; the same query load runs until the last card event is on the stream, and an
 *          ordered consumer of TIMING_<region> (`timing.card.yellow`) records each card's stream timestamp
 *
 *   lag    = JetStream's timestamp of the card event − T ("from due to card event on the stream"), split into
 *            due → event written (its envelope's occurredAt: stamped in the firing transaction after the cards' insert
 *            and the clocks' update) and written → stored (outbox insert, commit, the relay's publish)
 *   rate   = cards/s between the 10th and the 90th percentile arrival;  drain = last arrival − T
 *   ratio  = foreground p99 under the storm ÷ idle p99
 *
 * Targets: first 10,000 cards' lag p99 ≤ 1 s; ratio ≤ 2. The last phase is the headline (PASS/FAIL); the earlier
 * ones (storm = 10 % of pending) show how the cost grows: seed time, index sizes, the claim query's own time
 * and the update of a batch (EXPLAIN ANALYZE, rolled back), idle p99, lag, rate, drain. It prints the CPU each process
 * burnt during the storm; below a target, also the two plans and the firing transactions one by one (when each began,
 * wrote, and got onto the stream), to show where the time went.
 *
 * Env: BENCH_PENDING (headline pending, default 100,000; `--long` 1,000,000), BENCH_STORM (its storm, default 10 %),
 * BENCH_GROWTH (pending counts of the growth phases, comma-separated; default 10,000 / 100,000 / 1,000,000 below the
 * headline; `0` none), BENCH_QUERY_RATE (foreground queries/s, default 20), BENCH_IDLE_SECONDS (least idle window,
 * default 10; `--long` 20), BENCH_WARMUP (warm-up phase, default 1), BENCH_TIMING_ENV (`K=V,K=V` for the timing process,
 * e.g. `TIMER_BATCH_SIZE=2000`), BENCH_LOG_LEVEL (services', default warn), BENCH_PROFILE=<dir> (CPU profile of the
 * timing process, written when it stops).
 * Uses TEST_DATABASE_URL / TEST_NATS_URL when set, else starts a throwaway cluster and nats-server.
 */
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { timingV1 } from '@govhall/contracts';
import { demoIdsOf, demoStaffOf, signAsStaff, startDemoCatalogue, type StaffOnFile } from '@govhall/intake/testing';
import { bearerInterceptor, callUnary } from '@govhall/kit';
import {
  createTestDatabase,
  startNatsServer,
  startPostgresCluster,
  startServiceProcess,
  uniqueRegionCode,
  type RunningNats,
  type RunningPostgres,
  type ServiceProcess,
} from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'pg';
import { testCallerKey } from '../../catalogue/test/start-for-test';

const LONG = process.argv.includes('--long');
const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw} is not a number`);
  return value;
};
const PENDING = envNumber('BENCH_PENDING', LONG ? 1_000_000 : 100_000);
const STORM = envNumber('BENCH_STORM', Math.round(PENDING / 10));
const GROWTH: readonly number[] =
  process.env['BENCH_GROWTH'] === undefined
    ? [10_000, 100_000, 1_000_000].filter((n) => n < PENDING)
    : process.env['BENCH_GROWTH']
        .split(',')
        .map((s) => Number(s.trim().replaceAll('_', '')))
        .filter((n) => n > 0 && n < PENDING);
const QUERY_RATE = envNumber('BENCH_QUERY_RATE', 20);
const IDLE_SECONDS = envNumber('BENCH_IDLE_SECONDS', LONG ? 20 : 10);
const WARMUP = envNumber('BENCH_WARMUP', 1) > 0;
const TIMING_ENV: Record<string, string> = Object.fromEntries(
  (process.env['BENCH_TIMING_ENV'] ?? '')
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const PROFILE_DIR = process.env['BENCH_PROFILE'];
const TIMER_POLL_MS = '100';
const FIRST = 10_000;
const LAG_TARGET_MS = 1_000;
const RATIO_TARGET = 2;
/** Queries in flight at most (open loop: a stalled service must not make the bench pile up calls without end). */
const MAX_IN_FLIGHT = 200;

const REPO_ROOT = join(__dirname, '..', '..', '..');
const SCHEMA = 'timing';

// @nats-io/* are dependencies of the kit and of @govhall/testing, not of this package: loaded through the testing
// package, with the little of their API used here declared below (adding @nats-io/jetstream and
// @nats-io/transport-node to timing's devDependencies would make these plain imports).
const natsRequire = createRequire(require.resolve('@govhall/testing'));
interface NatsConnectionLike {
  close(): Promise<void>;
}
interface JsMsgLike {
  readonly seq: number;
  readonly data: Uint8Array;
  readonly info: { readonly timestampNanos: number };
}
interface ConsumerMessagesLike {
  stop(): void;
}
interface JetStreamLike {
  readonly consumers: {
    get(
      stream: string,
      options: { filter_subjects: string; deliver_policy: 'by_start_sequence'; opt_start_seq: number },
    ): Promise<{
      consume(options: { max_messages: number; callback: (message: JsMsgLike) => void }): Promise<ConsumerMessagesLike>;
    }>;
  };
}
interface JetStreamManagerLike {
  readonly streams: { info(stream: string): Promise<{ state: { last_seq: number } }> };
}
const { connect: natsConnect } = natsRequire('@nats-io/transport-node') as {
  connect: (options: { servers: string; name: string }) => Promise<NatsConnectionLike>;
};
const { jetstream, jetstreamManager } = natsRequire('@nats-io/jetstream') as {
  jetstream: (nc: NatsConnectionLike) => JetStreamLike;
  jetstreamManager: (nc: NatsConnectionLike) => Promise<JetStreamManagerLike>;
};

// ---------------------------------------------------------------- statistics

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const n0 = (v: number): string => (Number.isNaN(v) ? '-' : Math.round(v).toLocaleString('en-US'));
const ms = (v: number): string => (Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : n0(v));
const sec = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(v < 10 ? 2 : 1));
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const sleep = (delayMs: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, delayMs)));

/**
 * CPU seconds (user + system) of a process and, with `children`, of its children (postgres backends): the live ones,
 * and those that exited meanwhile (counted into the parent's cutime / cstime once reaped).
 */
function cpuSeconds(pid: number | undefined, children = false): number {
  if (pid === undefined) return NaN;
  const statOf = (p: number | string): string[] | undefined => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): ppid is field 4, utime 14, stime 15.
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    } catch {
      return undefined;
    }
  };
  const ticks = (fields: string[] | undefined): number => (fields ? Number(fields[11]) + Number(fields[12]) : 0);
  const own = statOf(pid);
  let total = ticks(own);
  if (children) {
    if (own) total += Number(own[13]) + Number(own[14]);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const fields = statOf(entry);
      if (fields && Number(fields[1]) === pid) total += ticks(fields);
    }
  }
  return total / 100; // USER_HZ
}

interface Handled {
  readonly sum: number;
  readonly count: number;
}

/** Sum (s) and count of a service's own handling time of gRPC methods named like `method`, from its side port. */
async function serverTime(httpPort: number, method: RegExp): Promise<Handled> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const out = { sum: 0, count: 0 };
  for (const line of text.split('\n')) {
    const match = /^grpc_server_request_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    const name = match ? /method="([^"]*)"/.exec(match[2]!)?.[1] : undefined;
    if (match && name && method.test(name)) out[match[1] as 'sum' | 'count'] += Number(match[3]);
  }
  return out;
}

/** GetCaseClocks in timing, and the calendar reads it makes of the catalogue (the client keeps one 30 s). */
async function handledNow(ctx: Context): Promise<{ query: Handled; calendar: Handled }> {
  const [query, calendar] = await Promise.all([
    serverTime(ctx.timingHttpPort, /GetCaseClocks$/),
    serverTime(ctx.catalogueHttpPort, /GetHallCalendar$/),
  ]);
  return { query, calendar };
}

const meanMs = (a: Handled, b: Handled): number =>
  b.count > a.count ? (1000 * (b.sum - a.sum)) / (b.count - a.count) : NaN;

function ppidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The nats-server listening on `port`, found by its command line. */
function natsServerPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('nats-server') && args.includes(String(port))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- the pieces of a phase

interface Demo {
  readonly hallId: string;
  readonly departmentId: string;
  readonly handler: StaffOnFile;
}

/** The demo loaded once through the catalogue's use cases in this process; the bench then runs it as a process. */
async function loadDemo(options: Parameters<typeof startDemoCatalogue>[0]): Promise<Demo> {
  const demoCatalogue = await startDemoCatalogue(options);
  try {
    const catalogue = demoCatalogue.running;
    const ids = await demoIdsOf(catalogue);
    const hallId = ids.halls['city'];
    if (!hallId) throw new Error('no city main hall in the demo');
    const handler = await demoStaffOf(catalogue, '700SCJG01');
    if (!handler.departmentId || handler.hallId !== hallId)
      throw new Error('700SCJG01 is no longer of a city department');
    return { hallId, departmentId: handler.departmentId, handler };
  } finally {
    await demoCatalogue.stop();
  }
}

/**
 * Inserts running stage clocks `from`..`to` (one case each, `<prefix><n>`): due at `at`, or when null spread over 30
 * days from `farFrom`. Ids are time-ordered like the service's uuid v7, so the primary key grows at its right edge.
 */
async function seedClocks(
  pool: Pool,
  demo: Demo,
  prefix: string,
  from: number,
  to: number,
  at: Date | null,
  farFrom: Date,
): Promise<void> {
  const CHUNK = 200_000;
  const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  for (let start = from; start <= to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK - 1);
    await pool.query(
      `INSERT INTO ${SCHEMA}.clocks (id, clock_key, kind, status, case_id, case_number, item_name, stage, stage_seq,
         hall_id, department_id, handler_staff_id, budget_amount, budget_unit, started_at, due_at, steps, fired_steps,
         next_fire_at)
       SELECT (lpad(to_hex($9::bigint), 12, '0') || '7000' || '8' || lpad(to_hex(s.g), 15, '0'))::uuid,
              'stage:' || s.case_id || ':1', 'stage', 'running', s.case_id, 'BENCH' || lpad(s.g::text, 8, '0'),
              '压测事项', 'PROCESS_STAGE_REVIEW', 1, $4, $5, $6, 3, 'working_days', now() - interval '1 day', s.at,
              jsonb_build_array(
                jsonb_build_object('code', 'yellow', 'level', 'yellow', 'at', ${iso('s.at')},
                  'to', jsonb_build_array('deputy_leader'), 'remainingMs', 0),
                jsonb_build_object('code', 'red', 'level', 'red', 'at', ${iso("(s.at + interval '1 day')")},
                  'to', jsonb_build_array('principal_leader'), 'remainingMs', -28800000)),
              0, s.at
       FROM (SELECT g, $1 || g AS case_id,
                    COALESCE($7::timestamptz, $8::timestamptz + (g % 2592000) * interval '1 second') AS at
             FROM generate_series($2::int, $3::int) AS g) s`,
      [prefix, start, end, demo.hallId, demo.departmentId, demo.handler.id, at, farFrom, Date.now()],
    );
  }
}

/** The firing loop's claim, as `PgTimingStore.fireDue` sends it (kept in step by hand). */
const CLAIM_SQL = `
  SELECT c.*, l.department_id AS chain_department_id, l.chief_representative_id, l.deputy_leader_id,
         l.principal_leader_id, l.version AS chain_version
  FROM ${SCHEMA}.clocks c
  LEFT JOIN ${SCHEMA}.leader_chains l ON l.department_id = c.department_id
  WHERE c.next_fire_at <= $1
  ORDER BY c.next_fire_at
  LIMIT $2
  FOR UPDATE OF c SKIP LOCKED`;

/** The bulk update of the fired clocks, as `PgTimingStore.fireDue` sends it (kept in step by hand). */
const UPDATE_SQL = `
  UPDATE ${SCHEMA}.clocks c
  SET steps = x.steps, fired_steps = x.fired_steps, next_fire_at = x.next_fire_at, updated_at = $2
  FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, steps jsonb, fired_steps integer, next_fire_at timestamptz)
  WHERE c.id = x.id`;

interface Explained {
  readonly plan: string;
  readonly executionMs: number;
}

/**
 * EXPLAIN ANALYZE, in a transaction rolled back (row locks and changes with it), of the claim at `now` and of the
 * update of what it claimed (each clock's yellow step fired, its next step the red one), as one batch of the loop.
 */
async function explainBatch(pool: Pool, now: Date, limit: number): Promise<{ claim: Explained; update: Explained }> {
  const explained = (rows: { 'QUERY PLAN': string }[]): Explained => {
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    return { plan, executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN) };
  };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const claim = explained(
      (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${CLAIM_SQL}`, [now, limit])).rows,
    );
    const claimed = await client.query<{ id: string; steps: { at: string; fired?: boolean }[] }>(
      `SELECT id, steps FROM ${SCHEMA}.clocks WHERE next_fire_at <= $1 ORDER BY next_fire_at LIMIT $2`,
      [now, limit],
    );
    const fired = claimed.rows.map((row) => ({
      id: row.id,
      steps: row.steps.map((step, i) => (i === 0 ? { ...step, fired: true } : step)),
      fired_steps: 1,
      next_fire_at: row.steps[1]?.at ?? null,
    }));
    const update = explained(
      (
        await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${UPDATE_SQL}`, [
          JSON.stringify(fired),
          now,
        ])
      ).rows,
    );
    return { claim, update };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

interface QueryLoad {
  readonly latencies: number[];
  /** When each of `latencies` was sent, epoch ms. */
  readonly sentAt: number[];
  errors: number;
  firstError?: string;
  /** Sends skipped because MAX_IN_FLIGHT were still out. */
  skipped: number;
}

/** GetCaseClocks of `pick()` at `rate`/s, open loop, until `until()` holds; resolves once the last call is back. */
async function queryLoad(
  client: timingV1.TimingServiceClient,
  pick: () => string,
  until: () => boolean,
): Promise<QueryLoad> {
  const load: QueryLoad = { latencies: [], sentAt: [], errors: 0, skipped: 0 };
  const inFlight = new Set<Promise<void>>();
  const intervalMs = 1000 / QUERY_RATE;
  let next = performance.now();
  while (!until()) {
    if (inFlight.size >= MAX_IN_FLIGHT) load.skipped += 1;
    else {
      const started = performance.now();
      const sentAt = Date.now();
      const call = callUnary(client, 'getCaseClocks', { caseId: pick(), registrationId: '' }).then(
        (answer) => {
          if (answer.clocks.length !== 1) throw new Error(`expected 1 clock, got ${answer.clocks.length}`);
          load.latencies.push(performance.now() - started);
          load.sentAt.push(sentAt);
        },
        (error: unknown) => {
          load.errors += 1;
          load.firstError ??= error instanceof Error ? error.message : String(error);
        },
      );
      const tracked = call.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    next += intervalMs;
    // Behind schedule (the box was busy): no burst to catch up, the next send goes at the next tick.
    if (next < performance.now()) next = performance.now();
    await sleep(next - performance.now());
  }
  await Promise.all(inFlight);
  return load;
}

interface Arrival {
  readonly seq: number;
  /** JetStream's timestamp of the message (when the stream stored it), epoch ms. */
  readonly storedAt: number;
  /** When this process received it, epoch ms. */
  readonly receivedAt: number;
  readonly data: Uint8Array;
}

/** Card events on the timing stream from the next sequence on, with their stream timestamps. */
async function watchCards(
  js: JetStreamLike,
  jsm: JetStreamManagerLike,
  stream: string,
  subject: string,
): Promise<{ arrivals: Arrival[]; stop(): void }> {
  const lastSeq = (await jsm.streams.info(stream)).state.last_seq;
  const consumer = await js.consumers.get(stream, {
    // One subject as a string: nats-server 2.9 (Debian's) knows filter_subject, not filter_subjects.
    filter_subjects: subject,
    deliver_policy: 'by_start_sequence',
    opt_start_seq: lastSeq + 1,
  });
  const arrivals: Arrival[] = [];
  const messages = await consumer.consume({
    max_messages: 1000,
    callback: (message) =>
      void arrivals.push({
        seq: message.seq,
        storedAt: message.info.timestampNanos / 1e6,
        receivedAt: Date.now(),
        data: message.data,
      }),
  });
  return { arrivals, stop: () => messages.stop() };
}

// ---------------------------------------------------------------- a phase

interface Context {
  readonly pool: Pool;
  readonly demo: Demo;
  readonly client: timingV1.TimingServiceClient;
  readonly js: JetStreamLike;
  readonly jsm: JetStreamManagerLike;
  readonly stream: string;
  readonly subject: string;
  readonly batchSize: number;
  readonly timingHttpPort: number;
  readonly catalogueHttpPort: number;
  readonly pids: Readonly<Record<string, number | undefined>>;
  readonly postmaster: number;
}

/** One firing transaction as its cards tell it (epoch ms). */
interface Batch {
  readonly began: number;
  cards: number;
  /** First and last envelope's occurredAt (stamped after the cards' insert and the clocks' update, before commit). */
  written: [number, number];
  /** First and last stream timestamp. */
  stored: [number, number];
}

interface Phase {
  readonly label: string;
  readonly pending: number;
  readonly storm: number;
  /** T, epoch ms. */
  readonly dueAt: number;
  readonly valid: boolean;
  readonly invalidWhy?: string;
  readonly seedSeconds: number;
  readonly vacuumSeconds: number;
  readonly tableBytes: number;
  readonly nextFireIndexBytes: number;
  readonly indexBytes: number;
  readonly claim: Explained;
  readonly update: Explained;
  readonly idle: QueryLoad;
  readonly idleSeconds: number;
  readonly storming: QueryLoad;
  /** Mean handling time of GetCaseClocks inside the timing process (its /metrics), idle and under the storm. */
  readonly serverIdleMs: number;
  readonly serverStormMs: number;
  /** The catalogue's GetHallCalendar calls (count, mean ms) during the idle window and the storm. */
  readonly calendarIdle: { count: number; meanMs: number };
  readonly calendarStorm: { count: number; meanMs: number };
  readonly lags: number[];
  readonly receivedLags: number[];
  readonly writtenLags: number[];
  readonly publishDelays: number[];
  readonly rate: number;
  readonly drainSeconds: number;
  readonly drained: boolean;
  readonly events: number;
  readonly distinctClocks: number;
  readonly cardsWritten: number;
  readonly stillDue: number;
  readonly cpu: Record<string, number>;
  readonly batches: readonly Batch[];
}

async function runPhase(ctx: Context, label: string, pending: number, storm: number, tag: string): Promise<Phase> {
  const { pool } = ctx;
  const log = (text: string): void => console.log(`  [${label}] ${text}`);
  // A clean table (the loop is idle: the last phase drained, its events are out).
  await pool.query(
    `TRUNCATE ${SCHEMA}.card_history, ${SCHEMA}.cards, ${SCHEMA}.clocks, ${SCHEMA}.outbox, ${SCHEMA}.idempotency_keys`,
  );
  const far = pending - storm;
  const farFrom = new Date(Date.now() + 7 * 86_400_000);
  const prefix = `bench-${tag}-`;

  // ---- the far clocks first: their insert rate sizes T's margin ----
  let started = performance.now();
  if (far > 0) await seedClocks(pool, ctx.demo, prefix, 1, far, null, farFrom);
  const farSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  await pool.query(`VACUUM ANALYZE ${SCHEMA}.clocks`);
  const farVacuumSeconds = (performance.now() - started) / 1000;
  const rowsPerSecond = far > 0 ? far / Math.max(farSeconds, 0.01) : 20_000;
  const marginSeconds = (1.5 * storm) / rowsPerSecond + 1.5 * farVacuumSeconds + 2;
  const T = new Date(Date.now() + Math.ceil((marginSeconds + IDLE_SECONDS) * 1000));

  // ---- the storm, all due at T ----
  started = performance.now();
  await seedClocks(pool, ctx.demo, prefix, far + 1, pending, T, farFrom);
  const stormSeconds = (performance.now() - started) / 1000;
  const committedAt = Date.now();
  started = performance.now();
  await pool.query(`VACUUM ANALYZE ${SCHEMA}.clocks`);
  // The seeding's WAL would make the checkpointer write gigabytes during the idle window (a bench artefact, not the
  // service's steady state): written now. Needs a superuser (the throwaway cluster's); skipped where refused.
  await pool.query('CHECKPOINT').catch(() => undefined);
  const vacuumSeconds = farVacuumSeconds + (performance.now() - started) / 1000;
  const seedSeconds = farSeconds + stormSeconds;
  const sizes = (
    await pool.query<{ table: string; next_fire: string; indexes: string }>(
      `SELECT pg_relation_size('${SCHEMA}.clocks') AS table, pg_relation_size('${SCHEMA}.clocks_next_fire') AS next_fire,
              pg_indexes_size('${SCHEMA}.clocks') AS indexes`,
    )
  ).rows[0]!;
  const { claim, update } = await explainBatch(pool, T, ctx.batchSize);
  log(
    `seeded ${n0(pending)} clocks in ${sec(seedSeconds)} s (+ VACUUM ANALYZE, CHECKPOINT ${sec(vacuumSeconds)} s); ` +
      `${n0(storm)} due at ${T.toISOString()}, in ${sec((T.getTime() - Date.now()) / 1000)} s`,
  );
  let invalidWhy: string | undefined;
  if (committedAt >= T.getTime() - 200) invalidWhy = 'the storm rows committed after T (seeding slower than guessed)';

  // ---- idle: the query alone, until just before T ----
  const pick = (): string => `${prefix}${far + 1 + Math.floor(Math.random() * storm)}`;
  const watcher = await watchCards(ctx.js, ctx.jsm, ctx.stream, ctx.subject);
  // The client keeps a hall calendar 30 s: after a long seeding the first calls would fetch it again (every call that
  // misses meanwhile does), so a few unmeasured ones go first and the idle window starts warm like the storm's.
  for (let i = 0; i < 3; i++) await callUnary(ctx.client, 'getCaseClocks', { caseId: pick(), registrationId: '' });
  const idleStarted = performance.now();
  const serverAtIdle = await handledNow(ctx);
  const idle = await queryLoad(ctx.client, pick, () => Date.now() >= T.getTime() - 300);
  const idleSeconds = (performance.now() - idleStarted) / 1000;
  const serverAtStorm = await handledNow(ctx);
  if (watcher.arrivals.length > 0) invalidWhy ??= `${watcher.arrivals.length} cards fired before T`;

  // ---- the storm: at T the loop fires; the same query load until the last card is on the stream ----
  await sleep(T.getTime() - Date.now());
  const cpuAt = (): Record<string, number> => ({
    ...Object.fromEntries(Object.entries(ctx.pids).map(([name, pid]) => [name, cpuSeconds(pid)])),
    postgres: cpuSeconds(ctx.postmaster, true),
    'bench (client)': (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  });
  const cpuBefore = cpuAt();
  const drainTimeoutMs = Math.max(60_000, storm * 10);
  const deadline = Date.now() + drainTimeoutMs;
  const done = (): boolean => watcher.arrivals.length >= storm || Date.now() > deadline;
  const storming = await queryLoad(ctx.client, pick, done);
  while (!done()) await sleep(20);
  const cpuAfter = cpuAt();
  const serverAfter = await handledNow(ctx);
  const drained = watcher.arrivals.length >= storm;
  // A moment more: a card fired twice would show up here.
  await sleep(1000);
  watcher.stop();

  // ---- what came ----
  const arrivals = [...watcher.arrivals].sort((a, b) => a.seq - b.seq);
  const t = T.getTime();
  const lags = arrivals.map((a) => a.storedAt - t);
  const receivedLags = arrivals.map((a) => a.receivedAt - t);
  const decoder = new TextDecoder();
  const writtenLags: number[] = [];
  const publishDelays: number[] = [];
  const clocks = new Set<string>();
  const batches = new Map<number, Batch>();
  for (const arrival of arrivals) {
    const envelope = JSON.parse(decoder.decode(arrival.data)) as {
      occurredAt: string;
      data?: { card?: { clockId?: string; issuedAt?: string } };
    };
    const written = Date.parse(envelope.occurredAt);
    writtenLags.push(written - t);
    publishDelays.push(arrival.storedAt - written);
    clocks.add(envelope.data?.card?.clockId ?? '');
    // A card's issuedAt is its batch's `now`, taken before the claim: one value per firing transaction.
    const began = Date.parse(envelope.data?.card?.issuedAt ?? '');
    const batch = batches.get(began) ?? {
      began,
      cards: 0,
      written: [Infinity, -Infinity],
      stored: [Infinity, -Infinity],
    };
    batch.cards += 1;
    batch.written = [Math.min(batch.written[0], written), Math.max(batch.written[1], written)];
    batch.stored = [Math.min(batch.stored[0], arrival.storedAt), Math.max(batch.stored[1], arrival.storedAt)];
    batches.set(began, batch);
  }
  const stored = arrivals.map((a) => a.storedAt).sort((a, b) => a - b);
  const i10 = Math.floor(0.1 * stored.length);
  const i90 = Math.max(i10, Math.ceil(0.9 * stored.length) - 1);
  const span = (stored[i90]! - stored[i10]!) / 1000;
  const rate = span > 0 ? (i90 - i10) / span : NaN;
  const counts = (
    await pool.query<{ cards: string; due: string }>(
      `SELECT (SELECT count(*) FROM ${SCHEMA}.cards) AS cards,
              (SELECT count(*) FROM ${SCHEMA}.clocks WHERE next_fire_at <= $1) AS due`,
      [T],
    )
  ).rows[0]!;
  if (!drained) invalidWhy ??= `only ${n0(arrivals.length)} of ${n0(storm)} cards within ${drainTimeoutMs / 1000} s`;
  const cpu = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, cpuAfter[k]! - cpuBefore[k]!]));
  const phase: Phase = {
    label,
    pending,
    storm,
    dueAt: t,
    valid: invalidWhy === undefined,
    ...(invalidWhy ? { invalidWhy } : {}),
    seedSeconds,
    vacuumSeconds,
    tableBytes: Number(sizes.table),
    nextFireIndexBytes: Number(sizes.next_fire),
    indexBytes: Number(sizes.indexes),
    claim,
    update,
    idle,
    idleSeconds,
    storming,
    serverIdleMs: meanMs(serverAtIdle.query, serverAtStorm.query),
    serverStormMs: meanMs(serverAtStorm.query, serverAfter.query),
    calendarIdle: {
      count: serverAtStorm.calendar.count - serverAtIdle.calendar.count,
      meanMs: meanMs(serverAtIdle.calendar, serverAtStorm.calendar),
    },
    calendarStorm: {
      count: serverAfter.calendar.count - serverAtStorm.calendar.count,
      meanMs: meanMs(serverAtStorm.calendar, serverAfter.calendar),
    },
    lags,
    receivedLags,
    writtenLags,
    publishDelays,
    rate,
    drainSeconds: stored.length > 0 ? (stored[stored.length - 1]! - t) / 1000 : NaN,
    drained,
    events: arrivals.length,
    distinctClocks: clocks.size,
    cardsWritten: Number(counts.cards),
    stillDue: Number(counts.due),
    cpu,
    batches: [...batches.values()].sort((a, b) => a.began - b.began),
  };
  const first = lags.slice(0, FIRST);
  log(
    `${n0(phase.events)} cards, first ${n0(first.length)} lag p99 ${ms(percentile(first, 99))} ms, ` +
      `${n0(rate)} cards/s, drained in ${sec(phase.drainSeconds)} s; query p99 idle ${ms(percentile(idle.latencies, 99))} ms, ` +
      `storm ${ms(percentile(storming.latencies, 99))} ms${invalidWhy ? `; INVALID: ${invalidWhy}` : ''}`,
  );
  return phase;
}

// ---------------------------------------------------------------- report

function report(phases: readonly Phase[], batchSize: number, timingEnv: Record<string, string>): boolean {
  const growth = phases.filter((p) => p.label !== 'warm-up');
  const head = growth[growth.length - 1]!;
  const pad = (s: string, w: number): string => s.padStart(w);
  const first = (p: Phase): number[] => p.lags.slice(0, FIRST);
  const ratioOf = (p: Phase): number => percentile(p.storming.latencies, 99) / percentile(p.idle.latencies, 99);

  const extra = Object.entries(TIMING_ENV)
    .filter(([k]) => k !== 'TIMER_BATCH_SIZE' && k !== 'TIMER_POLL_MS')
    .map(([k, v]) => `, ${k}=${v}`)
    .join('');
  console.log(
    `\ntimers: ${n0(head.pending)} pending clocks, ${n0(head.storm)} due at one instant; timing as its own process ` +
      `(TIMER_BATCH_SIZE ${batchSize}, TIMER_POLL_MS ${timingEnv['TIMER_POLL_MS']}${extra})`,
  );
  if (!head.valid) console.log(`  INVALID RUN: ${head.invalidWhy}`);
  const firstLags = first(head);
  const lagP99 = percentile(firstLags, 99);
  const ratio = ratioOf(head);
  const lagOk = head.drained && lagP99 <= LAG_TARGET_MS;
  const ratioOk = ratio <= RATIO_TARGET;
  console.log(`  firing lag, due → card event on the stream (its JetStream timestamp), ms:`);
  const line = (name: string, values: readonly number[], extra = ''): void =>
    console.log(
      `    ${name.padEnd(34)} p50 ${pad(ms(percentile(values, 50)), 8)}  p99 ${pad(ms(percentile(values, 99)), 8)}  ` +
        `max ${pad(ms(percentile(values, 100)), 8)}${extra}`,
    );
  line(`first ${n0(firstLags.length)}`, firstLags, `   target p99 ≤ ${n0(LAG_TARGET_MS)}: ${lagOk ? 'PASS' : 'FAIL'}`);
  line(`all ${n0(head.lags.length)}`, head.lags);
  line('  due → written (occurredAt)', head.writtenLags);
  line('  written → on the stream', head.publishDelays);
  line('  due → received by the bench', head.receivedLags);
  console.log(
    `  steady firing rate (10th–90th percentile arrivals) ${n0(head.rate)} cards/s; drained in ${sec(head.drainSeconds)} s` +
      ` (${n0(head.storm / head.drainSeconds)} cards/s overall)`,
  );
  const idle = head.idle.latencies;
  const storm = head.storming.latencies;
  console.log(
    `  foreground GetCaseClocks (${QUERY_RATE}/s open loop, random storm cases), ms:\n` +
      `    idle  (${pad(n0(idle.length), 6)} calls, ${sec(head.idleSeconds)} s)  p50 ${pad(ms(percentile(idle, 50)), 7)}  p99 ${pad(ms(percentile(idle, 99)), 7)}\n` +
      `    storm (${pad(n0(storm.length), 6)} calls, ${sec(head.drainSeconds)} s)  p50 ${pad(ms(percentile(storm, 50)), 7)}  p99 ${pad(ms(percentile(storm, 99)), 7)}` +
      `   p99 storm ÷ idle = ${ratio.toFixed(2)}   target ≤ ${RATIO_TARGET}: ${ratioOk ? 'PASS' : 'FAIL'}` +
      `   (p50 ÷ p50 = ${(percentile(storm, 50) / percentile(idle, 50)).toFixed(2)})\n` +
      `    handling inside timing (its /metrics, mean): idle ${ms(head.serverIdleMs)}, storm ${ms(head.serverStormMs)}; ` +
      `the calendar read from the catalogue: idle ${head.calendarIdle.count}× (${ms(head.calendarIdle.meanMs)}), ` +
      `storm ${head.calendarStorm.count}× (${ms(head.calendarStorm.meanMs)})` +
      (head.idle.errors + head.storming.errors + head.storming.skipped > 0
        ? `\n    errors idle ${head.idle.errors}, storm ${head.storming.errors}; skipped (${MAX_IN_FLIGHT} in flight) ${head.storming.skipped}` +
          `${(head.storming.firstError ?? head.idle.firstError) ? `; first: ${head.storming.firstError ?? head.idle.firstError}` : ''}`
        : ''),
  );
  const slowest = (load: QueryLoad): string =>
    load.latencies
      .map((latency, i) => ({ latency, at: load.sentAt[i]! - head.dueAt }))
      .sort((a, b) => b.latency - a.latency)
      .slice(0, 4)
      .map(({ latency, at }) => `${ms(latency)} at T${at < 0 ? '−' : '+'}${sec(Math.abs(at) / 1000)} s`)
      .join(', ');
  console.log(`    slowest: idle ${slowest(head.idle)}; storm ${slowest(head.storming)}`);
  const duplicates = head.events - head.distinctClocks;
  console.log(
    `  checks: ${n0(head.events)} card events for ${n0(head.distinctClocks)} clocks (${duplicates} twice), ` +
      `${n0(head.cardsWritten)} cards in the table, ${n0(head.stillDue)} clocks still due`,
  );
  const cpuTotal = Object.values(head.cpu).reduce((a, b) => a + b, 0);
  console.log(
    `  CPU during the storm (${sec(head.drainSeconds)} s): ` +
      Object.entries(head.cpu)
        .map(([name, s]) => `${name} ${sec(s)} s`)
        .join(', ') +
      `; ${(cpuTotal / head.drainSeconds).toFixed(2)} cores busy`,
  );

  // ---- growth ----
  console.log(
    `\n  how the cost grows (storm = 10 % of pending${head.storm !== Math.round(head.pending / 10) ? ', the last row BENCH_STORM' : ''}):`,
  );
  const columns = [
    ['pending', 9],
    ['storm', 8],
    ['seed s', 7],
    ['vacuum+ckpt s', 13],
    ['table MB', 8],
    ['next_fire MB', 12],
    ['indexes MB', 10],
    ['claim ms', 8],
    ['update ms', 9],
    ['idle p99', 8],
    ['storm p99', 9],
    ['ratio', 6],
    ['lag10k p50', 10],
    ['lag10k p99', 10],
    ['cards/s', 8],
    ['drain s', 7],
  ] as const;
  console.log('  ' + columns.map(([name, w]) => pad(name, w)).join(' '));
  for (const p of growth) {
    const cells = [
      n0(p.pending),
      n0(p.storm),
      sec(p.seedSeconds),
      sec(p.vacuumSeconds),
      mb(p.tableBytes),
      mb(p.nextFireIndexBytes),
      mb(p.indexBytes),
      ms(p.claim.executionMs),
      ms(p.update.executionMs),
      ms(percentile(p.idle.latencies, 99)),
      ms(percentile(p.storming.latencies, 99)),
      ratioOf(p).toFixed(2),
      ms(percentile(first(p), 50)),
      ms(percentile(first(p), 99)),
      n0(p.rate),
      sec(p.drainSeconds),
    ];
    console.log(
      '  ' + cells.map((c, i) => pad(c, columns[i]![1])).join(' ') + (p.valid ? '' : `   INVALID: ${p.invalidWhy}`),
    );
  }
  for (let i = 1; i < growth.length; i++) {
    const a = growth[i - 1]!;
    const b = growth[i]!;
    const x = (u: number, v: number): string => (u > 0 && v > 0 ? `×${(v / u).toFixed(2)}` : '-');
    console.log(
      `  ${n0(a.pending)} → ${n0(b.pending)} (×${(b.pending / a.pending).toFixed(0)} pending): seed ${x(a.seedSeconds, b.seedSeconds)}, ` +
        `next_fire index ${x(a.nextFireIndexBytes, b.nextFireIndexBytes)}, claim ${x(a.claim.executionMs, b.claim.executionMs)}, ` +
        `update ${x(a.update.executionMs, b.update.executionMs)}, ` +
        `idle p99 ${x(percentile(a.idle.latencies, 99), percentile(b.idle.latencies, 99))}, ` +
        `lag10k p99 ${x(percentile(first(a), 99), percentile(first(b), 99))}, rate ${x(a.rate, b.rate)}, ` +
        `drain ${x(a.drainSeconds, b.drainSeconds)}`,
    );
  }

  if (!lagOk || !ratioOk) {
    console.log(`\n  the claim at ${n0(head.pending)} pending (EXPLAIN ANALYZE, LIMIT ${batchSize}, rolled back):`);
    for (const row of head.claim.plan.split('\n')) console.log(`    ${row}`);
    console.log(`  and the update of those clocks:`);
    for (const row of head.update.plan.split('\n')) console.log(`    ${row}`);
    const written = percentile(head.writtenLags, 99);
    const published = percentile(head.publishDelays, 99);
    console.log(
      `\n  where the lag is: due → written p99 ${ms(written)} ms (the loop claiming and firing batch after batch), ` +
        `written → on the stream p99 ${ms(published)} ms (outbox insert and commit, then the relay publishing)`,
    );
    console.log(
      `\n  the firing transactions (${head.batches.length}), ms: began (after T; its cards' issuedAt), ` +
        `written (began → last occurredAt: claim, fire, cards' insert, clocks' update), ` +
        `stored (last written → first / last on the stream), ` +
        `gap (last written → next began)`,
    );
    console.log(
      `    ${['#', 'cards', 'began', 'written', 'first stored', 'last stored', 'gap'].map((c) => pad(c, 12)).join('')}`,
    );
    const shown = head.batches.length <= 16 ? head.batches.map((_, i) => i) : [...Array(12).keys(), -3, -2, -1];
    for (const index of shown) {
      const i = index < 0 ? head.batches.length + index : index;
      const b = head.batches[i]!;
      const next = head.batches[i + 1];
      const cells = [
        String(i + 1),
        n0(b.cards),
        ms(b.began - head.dueAt),
        ms(b.written[1] - b.began),
        ms(b.stored[0] - b.written[1]),
        ms(b.stored[1] - b.written[1]),
        next ? ms(next.began - b.written[1]) : '-',
      ];
      if (index === -3) console.log('    ...');
      console.log(`    ${cells.map((c) => pad(c, 12)).join('')}`);
    }
    const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const steps = head.batches.slice(0, -1).map((b, i) => head.batches[i + 1]!.began - b.began);
    console.log(
      `    mean: written ${ms(mean(head.batches.map((b) => b.written[1] - b.began)))}, ` +
        `last stored ${ms(mean(head.batches.map((b) => b.stored[1] - b.written[1])))}, ` +
        `one batch to the next ${ms(mean(steps))} (${n0((1000 * mean(head.batches.map((b) => b.cards))) / mean(steps))} cards/s firing)`,
    );
  }
  return head.valid && lagOk && ratioOk;
}

// ---------------------------------------------------------------- the run

async function main(): Promise<void> {
  let cluster: RunningPostgres | undefined;
  let nats: RunningNats | undefined;
  const services: ServiceProcess[] = [];
  const closers: (() => Promise<unknown> | void)[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaned ??= (async () => {
      for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
      await Promise.all(services.map((s) => s.stop().catch(() => undefined)));
      await dropDatabase?.().catch(() => undefined);
      await nats?.remove().catch(() => undefined);
      await cluster?.stop().catch(() => undefined);
    })());
  process.once('SIGINT', () => {
    console.error('\ninterrupted: cleaning up');
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    const setupStarted = performance.now();
    if (!process.env['TEST_DATABASE_URL']) {
      cluster = await startPostgresCluster();
      process.env['TEST_DATABASE_URL'] = cluster.adminUrl;
    }
    let natsUrl = process.env['TEST_NATS_URL'];
    if (!natsUrl) {
      nats = await startNatsServer();
      natsUrl = nats.url;
    }
    const database = await createTestDatabase('timingbench');
    dropDatabase = () => database.drop();
    const region = uniqueRegionCode();
    const callerKey = testCallerKey();
    closers.push(() => rm(dirname(callerKey.trustedKeysFile), { recursive: true, force: true }));
    const baseEnv: Record<string, string> = {
      REGION_CODE: region,
      DATABASE_URL: database.url,
      NATS_URL: natsUrl,
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
      AUTH_TRUSTED_KEYS_FILE: callerKey.trustedKeysFile,
    };
    const demo = await loadDemo({
      databaseUrl: database.url,
      natsUrl,
      region,
      callerKey,
      testYearsAt: new Date(),
    });
    const start = async (
      entry: string,
      env: Record<string, string>,
      nodeArgs: readonly string[] = [],
    ): Promise<ServiceProcess> => {
      const started = await startServiceProcess(entry, env, { cwd: REPO_ROOT, timeoutMs: 60_000, nodeArgs });
      services.push(started);
      return started;
    };
    const catalogue = await start('services/catalogue/src/main.ts', baseEnv);
    const timingEnv: Record<string, string> = {
      ...baseEnv,
      CATALOGUE_ADDRESS: `127.0.0.1:${catalogue.grpcPort}`,
      TIMER_LOOP: 'on',
      TIMER_POLL_MS,
      // The horizon check counts clocks per hall over the whole table: not what is measured here.
      HORIZON_CHECK_MS: '86400000',
      ...TIMING_ENV,
    };
    const timing = await start(
      'services/timing/src/main.ts',
      timingEnv,
      PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    );
    const batchSize = Number(timingEnv['TIMER_BATCH_SIZE'] ?? 500);

    const pool = new Pool({ connectionString: database.url, max: 4 });
    pool.on('error', () => undefined);
    closers.push(() => pool.end());
    const backend = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const postmaster = ppidOf(backend);
    const nc = await natsConnect({ servers: natsUrl, name: 'timing-bench' });
    closers.push(() => nc.close());
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const signer = callerKey.key.signer();
    const token = await signAsStaff(signer, demo.handler, region);
    const client = new timingV1.TimingServiceClient(`127.0.0.1:${timing.grpcPort}`, grpc.credentials.createInsecure(), {
      interceptors: [bearerInterceptor(token)],
    });
    closers.push(() => client.close());
    const ctx: Context = {
      pool,
      demo,
      client,
      js,
      jsm,
      stream: `TIMING_${region}`,
      subject: `hall.${region}.timing.card.yellow`,
      batchSize,
      timingHttpPort: timing.httpPort,
      catalogueHttpPort: catalogue.httpPort,
      pids: {
        timing: timing.child.pid,
        catalogue: catalogue.child.pid,
        'nats-server': natsServerPid(Number(new URL(natsUrl).port)),
      },
      postmaster,
    };
    // The query answers with the remaining working time: the hall calendar must resolve through the catalogue.
    await seedClocks(pool, demo, 'bench-probe-', 1, 1, null, new Date(Date.now() + 7 * 86_400_000));
    const probe = await callUnary(client, 'getCaseClocks', { caseId: 'bench-probe-1', registrationId: '' });
    if (probe.clocks.length !== 1 || !(probe.clocks[0]!.remainingWorkingMs > 0)) {
      throw new Error(`the clock query does not compute the remaining time: ${JSON.stringify(probe.clocks)}`);
    }
    console.log(
      `timer bench: setup ${sec((performance.now() - setupStarted) / 1000)} s; phases: ` +
        `${WARMUP ? 'warm-up, ' : ''}${[...GROWTH, PENDING].map(n0).join(', ')} pending`,
    );

    const phases: Phase[] = [];
    let serial = 0;
    if (WARMUP) phases.push(await runPhase(ctx, 'warm-up', 5_000, 2_000, `w${serial++}`));
    for (const pending of GROWTH)
      phases.push(await runPhase(ctx, n0(pending), pending, Math.round(pending / 10), `g${serial++}`));
    phases.push(await runPhase(ctx, n0(PENDING), PENDING, STORM, `h${serial++}`));
    report(phases, batchSize, timingEnv);
  } finally {
    await cleanUp();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
