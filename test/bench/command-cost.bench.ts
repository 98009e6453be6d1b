/**
 * What a kit command costs against its primitives, measured side by side in one run (`pnpm bench`), on real
 * PostgreSQL and nats-server:
 * - raw gRPC: a grpc-js unary call to an empty handler in another process (no kit, no auth, no decoding);
 * - raw commit: one single-row INSERT committed through `pg`;
 * - a kit command: the catalogue's CreateDepartment over gRPC, its service in another process, as a centre
 *   administrator (token verified, request guarded, validated, one transaction, event published after commit).
 * Each at concurrency 16 and 1, in ROUNDS rounds of the three side by side (medians reported), each a fixed time
 * after a warm-up. The ratio is the command's rate over the slower of the two raw primitives (the bound no
 * command can beat), and over each.
 *
 * Env: BENCH_SECONDS (default 3), BENCH_WARMUP_SECONDS (default 1), BENCH_ROUNDS (default 3),
 * BENCH_CONCURRENCY (default "16,1"), BENCH_ONLY=command, BENCH_PROFILE=<folder>.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { catalogueV1 as pb } from '@govhall/contracts';
import { bearerInterceptor, callUnary } from '@govhall/kit';
import { aStaffMember, createTestKey } from '@govhall/kit/testing';
import {
  createTestDatabase,
  freePort,
  startNatsServer,
  startPostgresCluster,
  uniqueRegionCode,
  waitFor,
  type RunningNats,
  type RunningPostgres,
} from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'pg';
import { REPO_ROOT, nodeWithTsx } from '../processes';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 1);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONCURRENCIES = (process.env['BENCH_CONCURRENCY'] ?? '16,1').split(',').map(Number);

/** Runs `op` from `concurrency` loops: warm-up, then counts completions for SECONDS. Returns ops/s. */
async function rate(concurrency: number, op: (worker: number) => Promise<unknown>): Promise<number> {
  let counting = false;
  let done = 0;
  let running = true;
  const loops = Array.from({ length: concurrency }, async (_, worker) => {
    while (running) {
      await op(worker);
      if (counting) done += 1;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
  counting = true;
  const began = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  counting = false;
  const elapsed = (performance.now() - began) / 1000;
  running = false;
  await Promise.all(loops);
  return done / elapsed;
}

function spawnProcess(
  entry: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): { child: ChildProcess; output: () => string } {
  const [command, args] = nodeWithTsx(entry);
  const child = spawn(command, [...nodeArgs, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function main(): Promise<void> {
  let cluster: RunningPostgres | undefined;
  let nats: RunningNats | undefined;
  const children: ChildProcess[] = [];
  try {
    if (!process.env['TEST_DATABASE_URL']) {
      cluster = await startPostgresCluster();
      process.env['TEST_DATABASE_URL'] = cluster.adminUrl;
    }
    let natsUrl = process.env['TEST_NATS_URL'];
    if (!natsUrl) {
      nats = await startNatsServer();
      natsUrl = nats.url;
    }
    const database = await createTestDatabase('bench');

    // ---- raw gRPC: an empty handler in another process ----
    const empty = spawnProcess('test/bench/empty-grpc-server.ts', {});
    children.push(empty.child);
    await waitFor(() => /^\d+\n/.test(empty.output()), { what: 'the empty gRPC server' });
    const emptyClient = new grpc.Client(`127.0.0.1:${empty.output().trim()}`, grpc.credentials.createInsecure());
    const identity = (b: Buffer): Buffer => b;
    const emptyCall = (): Promise<void> =>
      new Promise((resolve, reject) =>
        emptyClient.makeUnaryRequest('/bench.Empty/Empty', identity, identity, Buffer.alloc(0), (error) =>
          error ? reject(error) : resolve(),
        ),
      );

    // ---- raw commit: one single-row INSERT per commit ----
    const pool = new Pool({ connectionString: database.url, max: 16 });
    pool.on('error', () => undefined);
    await pool.query('create table bench_rows (id text primary key, at timestamptz not null default now())');
    const commit = (): Promise<unknown> => pool.query('insert into bench_rows (id) values ($1)', [randomUUID()]);

    // ---- a kit command: the catalogue's CreateDepartment, the service in another process ----
    const key = createTestKey();
    const trustedKeysFile = join(mkdtempSync(join(tmpdir(), 'govhall-bench-keys-')), 'trusted-keys.json');
    writeFileSync(trustedKeysFile, JSON.stringify({ keys: [key.entry] }));
    const region = uniqueRegionCode();
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const service = spawnProcess(
      'services/catalogue/src/main.ts',
      {
        REGION_CODE: region,
        DATABASE_URL: database.url,
        NATS_URL: natsUrl,
        GRPC_PORT: String(grpcPort),
        HTTP_PORT: String(httpPort),
        LOG_LEVEL: 'warn',
        ...(process.env['BENCH_POOL_MAX'] ? { DATABASE_POOL_MAX: process.env['BENCH_POOL_MAX'] } : {}),
        AUTH_TRUSTED_KEYS_FILE: trustedKeysFile,
      },
      // BENCH_PROFILE=<folder>: a CPU profile of the service, written when it stops.
      process.env['BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE']}`] : [],
    );
    children.push(service.child);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status === 200, {
      timeoutMs: 30_000,
      what: `the catalogue (${service.output()})`,
    });
    const token = await key.signer().signStaff(aStaffMember({ roles: ['administrator'], regionCode: region }));
    const client = new pb.OrganisationServiceClient(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure(), {
      interceptors: [bearerInterceptor(token)],
    });
    // One hall per client, as a hall's administrators work in parallel on their own directory.
    const halls: string[] = [];
    for (let i = 0; i < Math.max(...CONCURRENCIES); i++) {
      const { hall } = await callUnary(client, 'createHall', {
        requestId: randomUUID(),
        hall: {
          name: `压测政务服务中心${i}`,
          tier: pb.HallTier.HALL_TIER_CITY,
          regionCode: String(110100 + i * 100),
          parentHallId: '',
          address: '',
          kind: pb.HallKind.HALL_KIND_MAIN,
          complaintPhone: '12345',
          complaintUrl: '',
        },
      });
      halls.push(hall!.id);
    }
    let serial = 0;
    const createDepartment = (worker: number): Promise<unknown> =>
      callUnary(client, 'createDepartment', {
        requestId: randomUUID(),
        department: {
          hallId: halls[worker]!,
          code: `D${(serial++).toString(36).toUpperCase()}`,
          name: '压测部门',
          nature: pb.BodyNature.BODY_NATURE_LEGAL_ORGAN,
          tier: pb.HallTier.HALL_TIER_UNSPECIFIED,
          regionCode: '',
          consultationPhone: '12345',
          upperDepartmentId: '',
        },
      });

    // Rounds of the three side by side, medians reported: the machine's noise drifts over a run, and
    // interleaving spreads it over all three alike.
    const median = (values: number[]): number => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)] ?? NaN;
    };
    const rows: { concurrency: number; grpc: number; commit: number; command: number }[] = [];
    for (const concurrency of CONCURRENCIES) {
      // BENCH_ONLY=command: the command alone (profiling); the ratios then read NaN.
      const only = process.env['BENCH_ONLY'];
      const samples = { grpc: [] as number[], commit: [] as number[], command: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        if (only !== 'command') samples.grpc.push(await rate(concurrency, emptyCall));
        if (only !== 'command') samples.commit.push(await rate(concurrency, commit));
        samples.command.push(await rate(concurrency, createDepartment));
      }
      rows.push({
        concurrency,
        grpc: median(samples.grpc),
        commit: median(samples.commit),
        command: median(samples.command),
      });
    }
    const f = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(8);
    const r = (n: number): string => n.toFixed(3).padStart(6);
    console.log(
      `\ncommand cost against its primitives: medians of ${ROUNDS} rounds side by side, ${SECONDS} s each after ${WARMUP_SECONDS} s warm-up`,
    );
    console.log('concurrency   raw gRPC/s  raw commit/s  CreateDepartment/s   ratio (bound)  vs gRPC  vs commit');
    for (const row of rows) {
      const bound = Math.min(row.grpc, row.commit);
      console.log(
        `${String(row.concurrency).padStart(11)}   ${f(row.grpc)}      ${f(row.commit)}          ${f(row.command)}` +
          `         ${r(row.command / bound)}   ${r(row.command / row.grpc)}    ${r(row.command / row.commit)}`,
      );
    }
    client.close();
    emptyClient.close();
    await pool.end();
    await database.drop();
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve(),
      ),
    );
    await nats?.remove();
    await cluster?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
