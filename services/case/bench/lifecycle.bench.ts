/**
 * Case lifecycle bench (`pnpm bench`; issue 9): a promised 一审一核 item (企业设立登记, 11370700SCJG000105001000)
 * from registration to 办结 over gRPC, against catalogue, intake and case each as its own process
 * (`node --import tsx services/<x>/src/main.ts`) on a real PostgreSQL and nats-server:
 *
 *   register (总台 700GLB01 at A01) → accept (700SCJG01 at B01) → [case opened from intake's event] →
 *   review (700SCJG02) → verify (700SCJG03) → approve (700SCJG04) → issue → deliver → complete (700SCJG01)
 *
 * In the same run, side by side in rounds at the same concurrency, the box's raw bounds: grpc-js unary calls to
 * an empty handler in another process, and single-row INSERT commits through `pg` on the same PostgreSQL.
 *
 *   ratio = lifecycles/s ÷ (min(raw gRPC/s, raw commit/s) ÷ 8 commands per lifecycle); target ≥ 0.5
 *
 * Below the target it prints where the time goes: per-step p50/p99 and share of the lifecycle, each service's
 * own handling time (its `/metrics` gRPC histogram) and the CPU each process burnt per lifecycle.
 *
 * Env: BENCH_SECONDS (lifecycle window, default 5), BENCH_RAW_SECONDS (default 2), BENCH_WARMUP_SECONDS
 * (default 1), BENCH_ROUNDS (default 2), BENCH_CONCURRENCY (lifecycles in flight, default 8), BENCH_PROFILE=<dir>
 * (CPU profile of the case process, written when it stops). `--long`: 20 s windows, 3 rounds.
 * Uses TEST_DATABASE_URL / TEST_NATS_URL when set, else starts a throwaway cluster and nats-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { caseV1, intakeV1 } from '@govhall/contracts';
import {
  demoIdsOf,
  demoStaffOf,
  residentId,
  signAsStaff,
  startDemoCatalogue,
  type StaffOnFile,
} from '@govhall/intake/testing';
import { bearerInterceptor, callUnary } from '@govhall/kit';
import {
  createTestDatabase,
  startNatsServer,
  startPostgresCluster,
  startServiceProcess,
  uniqueRegionCode,
  waitFor,
  type RunningNats,
  type RunningPostgres,
  type ServiceProcess as StartedProcess,
} from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Pool } from 'pg';
import { testCallerKey, type CatalogueForTestOptions } from '../../catalogue/test/start-for-test';

const LONG = process.argv.includes('--long');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? (LONG ? 20 : 5));
const RAW_SECONDS = Number(process.env['BENCH_RAW_SECONDS'] ?? (LONG ? 5 : 2));
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 1);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? (LONG ? 3 : 2));
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const PROFILE_DIR = process.env['BENCH_PROFILE'];
const TARGET = 0.5;

const REPO_ROOT = join(__dirname, '..', '..', '..');
const ITEM = '11370700SCJG000105001000';
const SITUATIONS = ['LLC'];
const STAFF = {
  frontDesk: '700GLB01',
  clerk: '700SCJG01',
  reviewer: '700SCJG02',
  verifier: '700SCJG03',
  approver: '700SCJG04',
} as const;
type Role = keyof typeof STAFF;

/** The gRPC commands of one lifecycle, in order; `open` (the case opened from intake's event) is no command. */
const COMMANDS = ['register', 'accept', 'review', 'verify', 'approve', 'issue', 'deliver', 'complete'] as const;
const STEPS = ['register', 'accept', 'open', 'review', 'verify', 'approve', 'issue', 'deliver', 'complete'] as const;
type Step = (typeof STEPS)[number];

// ---------------------------------------------------------------- setup

interface Demo {
  readonly hallId: string;
  readonly frontWindowId: string;
  readonly acceptWindowId: string;
  readonly itemId: string;
  readonly materials: intakeV1.SubmittedMaterial[];
  readonly staff: Readonly<Record<Role, StaffOnFile>>;
}

/**
 * The catalogue in this process once, to load the whole demo through its use cases (as the embedded start does)
 * and read the ids the lifecycle needs; the bench then runs it as a process over the same database.
 */
async function loadDemo(options: CatalogueForTestOptions): Promise<Demo> {
  const demoCatalogue = await startDemoCatalogue({ ...options, testYearsAt: new Date() });
  try {
    const catalogue = demoCatalogue.running;
    const ids = await demoIdsOf(catalogue);
    const hallId = ids.halls['city'];
    if (!hallId) throw new Error('no city main hall in the demo');
    const windowId = (number: string): string => {
      const found = ids.windows[`city/${number}`];
      if (!found) throw new Error(`no window ${number} in the city hall`);
      return found;
    };
    const staff = {} as Record<Role, StaffOnFile>;
    for (const [role, employeeNo] of Object.entries(STAFF))
      staff[role as Role] = await demoStaffOf(catalogue, employeeNo);
    const items = await catalogue.items.listItems({ status: 'published' }, { size: 500, token: '' });
    const item = items.items.find((i) => i.content.implementationCode === ITEM);
    if (!item) throw new Error(`item ${ITEM} is not published in the demo`);
    if (item.content.caseType !== 'promised' || item.content.reviewMode !== 'review_verify') {
      throw new Error(`item ${ITEM} is no longer a promised review_verify item`);
    }
    const materials = item.content.materials
      .filter((m) => m.necessity === 'required')
      .filter((m) => m.situationCodes.length === 0 || m.situationCodes.some((s) => SITUATIONS.includes(s)))
      .map((m) => ({ code: m.code, copies: Math.max(1, m.copies), originalChecked: true, fileRef: '' }));
    return {
      hallId,
      frontWindowId: windowId('A01'),
      acceptWindowId: windowId('B01'),
      itemId: item.itemId,
      materials,
      staff,
    };
  } finally {
    await demoCatalogue.stop();
  }
}

interface ServiceProcess extends StartedProcess {
  readonly name: string;
}

/** One service as its own process from the repository root (the service itself is the child). */
async function startProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<ServiceProcess> {
  return { name, ...(await startServiceProcess(entry, env, { cwd: REPO_ROOT, nodeArgs, timeoutMs: 60_000 })) };
}

/** Cases opened, from `case.case.opened` on the bus: the reviewer acts once the case exists, as a todo list would. */
class OpenedCases {
  private readonly seen = new Set<string>();
  private readonly waiting = new Map<string, () => void>();

  constructor(nats: NatsConnection) {
    nats.subscribe('hall.*.case.case.opened', {
      callback: (error, message) => {
        if (error) return;
        const envelope = message.json<{ caseId?: string; data?: { case?: { caseId?: string } } }>();
        const id = envelope.caseId ?? envelope.data?.case?.caseId;
        if (!id) return;
        const resolve = this.waiting.get(id);
        if (resolve) {
          this.waiting.delete(id);
          resolve();
        } else this.seen.add(id);
      },
    });
  }

  wait(caseId: string, timeoutMs = 15_000): Promise<void> {
    if (this.seen.delete(caseId)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(caseId);
        reject(new Error(`case ${caseId} not opened within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(caseId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

// ---------------------------------------------------------------- measuring

/** Latencies (ms) per step, recorded only while a window counts. */
class Samples {
  readonly byStep = new Map<string, number[]>();
  add(step: string, ms: number): void {
    let list = this.byStep.get(step);
    if (!list) this.byStep.set(step, (list = []));
    list.push(ms);
  }
  of(step: string): number[] {
    return this.byStep.get(step) ?? [];
  }
}

let counting = false;

/** Runs `op` from CONCURRENCY loops: warm-up, then counts completions for `seconds`. Returns ops/s. */
async function rate(
  seconds: number,
  op: (worker: number) => Promise<unknown>,
  hooks: { onCountStart?: () => Promise<void>; onCountEnd?: () => Promise<void> } = {},
): Promise<number> {
  let done = 0;
  let running = true;
  let failure: Error | undefined;
  const loops = Array.from({ length: CONCURRENCY }, async (_, worker) => {
    while (running) {
      try {
        await op(worker);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        running = false;
        return;
      }
      if (counting) done += 1;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
  await hooks.onCountStart?.();
  counting = true;
  const began = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  counting = false;
  const elapsed = (performance.now() - began) / 1000;
  await hooks.onCountEnd?.();
  running = false;
  await Promise.all(loops);
  if (failure) throw failure;
  return done / elapsed;
}

async function timed<T>(samples: Samples, step: Step, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  if (counting) samples.add(step, performance.now() - start);
  return result;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const median = (values: readonly number[]): number => percentile(values, 50);

/**
 * Sum and count of a service's handling-time histograms, from its side port: gRPC calls by method
 * (`grpc_server_request_duration_seconds`) and events by durable consumer (`bus_event_handle_duration_seconds`).
 */
async function handlingTimes(httpPort: number): Promise<Map<string, { sum: number; count: number }>> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const out = new Map<string, { sum: number; count: number }>();
  for (const line of text.split('\n')) {
    const match = /^(grpc_server_request|bus_event_handle)_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const label = match[1] === 'grpc_server_request' ? 'method' : 'consumer';
    const name = new RegExp(`${label}="([^"]*)"`).exec(match[3]!)?.[1] ?? '?';
    const key = match[1] === 'grpc_server_request' ? `gRPC ${name}` : `event ${name}`;
    const entry = out.get(key) ?? { sum: 0, count: 0 };
    entry[match[2] as 'sum' | 'count'] = Number(match[4]);
    out.set(key, entry);
  }
  return out;
}

/** CPU seconds (user + system) a process and, with `children`, its direct children have used so far. */
function cpuSeconds(pid: number, children = false): number {
  const ticks = (p: number): number => {
    try {
      // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };
  let total = ticks(pid);
  if (children) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) total += ticks(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
  }
  return total / 100; // USER_HZ
}

function cpuOfThisProcess(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function ppidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The nats-server listening on `port`, found by its command line (startNatsServer does not expose its pid). */
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

// ---------------------------------------------------------------- the run

async function main(): Promise<void> {
  let cluster: RunningPostgres | undefined;
  let nats: RunningNats | undefined;
  const children: ChildProcess[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;
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
    const database = await createTestDatabase('casebench');
    dropDatabase = () => database.drop();
    const region = uniqueRegionCode();
    const callerKey = testCallerKey();
    const { trustedKeysFile } = callerKey;
    const personalDataKeyFile = join(dirname(trustedKeysFile), 'personal-data.key');
    writeFileSync(personalDataKeyFile, randomBytes(32).toString('hex'));
    const baseEnv: Record<string, string> = {
      REGION_CODE: region,
      DATABASE_URL: database.url,
      NATS_URL: natsUrl,
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
      AUTH_TRUSTED_KEYS_FILE: trustedKeysFile,
    };

    const setupStarted = performance.now();
    const demo = await loadDemo({ databaseUrl: database.url, natsUrl, region, callerKey });
    const catalogue = await startProcess('catalogue', 'services/catalogue/src/main.ts', baseEnv);
    children.push(catalogue.child);
    const catalogueAddress = `127.0.0.1:${catalogue.grpcPort}`;
    const intake = await startProcess('intake', 'services/intake/src/main.ts', {
      ...baseEnv,
      CATALOGUE_ADDRESS: catalogueAddress,
      PERSONAL_DATA_KEY_FILE: personalDataKeyFile,
    });
    children.push(intake.child);
    const caseService = await startProcess(
      'case',
      'services/case/src/main.ts',
      { ...baseEnv, CATALOGUE_ADDRESS: catalogueAddress, SERVED_REGIONS: '*' },
      PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    );
    children.push(caseService.child);
    const services = [catalogue, intake, caseService];

    const bus = await connect({ servers: natsUrl });
    closers.push(() => bus.close());
    const opened = new OpenedCases(bus);

    // Callers: one token per demo staff member; grpc-js shares one connection per target among the clients.
    const signer = callerKey.key.signer();
    const options = async (role: Role): Promise<grpc.ClientOptions> => ({
      interceptors: [bearerInterceptor(await signAsStaff(signer, demo.staff[role], region))],
    });
    const insecure = grpc.credentials.createInsecure();
    const intakeAddress = `127.0.0.1:${intake.grpcPort}`;
    const caseAddress = `127.0.0.1:${caseService.grpcPort}`;
    const frontDesk = new intakeV1.IntakeServiceClient(intakeAddress, insecure, await options('frontDesk'));
    const window = new intakeV1.IntakeServiceClient(intakeAddress, insecure, await options('clerk'));
    const caseAs: Record<Role, caseV1.CaseServiceClient> = {
      frontDesk: new caseV1.CaseServiceClient(caseAddress, insecure, await options('frontDesk')),
      clerk: new caseV1.CaseServiceClient(caseAddress, insecure, await options('clerk')),
      reviewer: new caseV1.CaseServiceClient(caseAddress, insecure, await options('reviewer')),
      verifier: new caseV1.CaseServiceClient(caseAddress, insecure, await options('verifier')),
      approver: new caseV1.CaseServiceClient(caseAddress, insecure, await options('approver')),
    };
    closers.push(() => [frontDesk, window, ...Object.values(caseAs)].forEach((c) => c.close()));

    // ---- one lifecycle ----
    const samples = new Samples();
    let serial = 0;
    const act = (samples_: Samples, step: Step, role: Role, caseId: string, action: Partial<caseV1.ActRequest>) =>
      timed(samples_, step, () =>
        callUnary(caseAs[role], 'act', caseV1.ActRequest.fromPartial({ requestId: randomUUID(), caseId, ...action })),
      );
    const lifecycle = async (): Promise<void> => {
      const n = serial++;
      const start = performance.now();
      // A distinct applicant per lifecycle: a valid resident ID (birth date and sequence from n).
      const born = new Date(Date.UTC(1960, 0, 1) + Math.floor(n / 1000) * 86_400_000);
      const idNumber = residentId(
        `370702${born.toISOString().slice(0, 10).replaceAll('-', '')}${String(n % 1000).padStart(3, '0')}`,
      );
      const { registration } = await timed(samples, 'register', () =>
        callUnary(
          frontDesk,
          'register',
          intakeV1.RegisterRequest.fromPartial({
            requestId: randomUUID(),
            hallId: demo.hallId,
            windowId: demo.frontWindowId,
            channel: intakeV1.Channel.CHANNEL_HALL_WINDOW,
            applicant: {
              kind: intakeV1.ApplicantKind.APPLICANT_KIND_PERSON,
              person: {
                name: '压测申请人',
                idType: intakeV1.IdType.ID_TYPE_RESIDENT_ID,
                idNumber,
                phone: `138${String(n % 100_000_000).padStart(8, '0')}`,
              },
            },
            itemId: demo.itemId,
            situationCodes: SITUATIONS,
            materials: demo.materials,
          }),
        ),
      );
      const accepted = await timed(samples, 'accept', () =>
        callUnary(window, 'accept', {
          requestId: randomUUID(),
          registrationId: registration!.id,
          windowId: demo.acceptWindowId,
        }),
      );
      const caseId = accepted.registration!.acceptance!.caseId;
      await timed(samples, 'open', () => opened.wait(caseId));
      await act(samples, 'review', 'reviewer', caseId, {
        review: { opinion: '材料齐全，符合法定形式', attachments: [] },
      });
      await act(samples, 'verify', 'verifier', caseId, { verify: { opinion: '同意审核意见', attachments: [] } });
      await act(samples, 'approve', 'approver', caseId, {
        approve: { opinion: '准予登记', attachments: [], upperAuthority: '' },
      });
      await act(samples, 'issue', 'clerk', caseId, {
        issue: { certificateNumber: `91370700MA${String(n).padStart(8, '0')}`, validUntil: '' },
      });
      await act(samples, 'deliver', 'clerk', caseId, {
        deliver: {
          method: caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW,
          windowId: '',
          expressCompany: '',
          trackingNumber: '',
        },
      });
      const done = await act(samples, 'complete', 'clerk', caseId, { complete: { note: '' } });
      if (done.case?.status !== caseV1.CaseStatus.CASE_STATUS_COMPLETED) {
        throw new Error(`case ${caseId} not completed: ${JSON.stringify(done.case?.status)}`);
      }
      if (counting) samples.add('lifecycle', performance.now() - start);
    };
    // One lifecycle before any window: the whole path works (a refusal here is a broken setup, not a slow one).
    await lifecycle();
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    // ---- raw gRPC: an empty handler in another process ----
    const empty = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/bench/empty-grpc-server.ts')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(empty);
    let emptyPort = '';
    empty.stdout.on('data', (chunk: Buffer) => (emptyPort += chunk.toString()));
    await waitFor(() => /^\d+\n/.test(emptyPort), { what: 'the empty gRPC server' });
    const emptyClient = new grpc.Client(`127.0.0.1:${emptyPort.trim()}`, insecure);
    closers.push(() => emptyClient.close());
    const identity = (b: Buffer): Buffer => b;
    const emptyCall = (): Promise<void> =>
      new Promise((resolve, reject) =>
        emptyClient.makeUnaryRequest('/bench.Empty/Empty', identity, identity, Buffer.alloc(0), (error) =>
          error ? reject(error) : resolve(),
        ),
      );

    // ---- raw commit: one single-row INSERT per commit, same PostgreSQL ----
    const pool = new Pool({ connectionString: database.url, max: CONCURRENCY });
    pool.on('error', () => undefined);
    closers.push(() => pool.end());
    // No autovacuum on it: a vacuum of the raw rows would run into the lifecycle windows.
    await pool.query(
      'create table bench_rows (id text primary key, at timestamptz not null default now()) with (autovacuum_enabled = false)',
    );
    const commit = (): Promise<unknown> => pool.query('insert into bench_rows (id) values ($1)', [randomUUID()]);
    const postmaster = ppidOf((await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid);
    const natsPid = natsServerPid(Number(new URL(natsUrl).port));

    // ---- rounds of the three side by side ----
    type Usage = Map<string, number>;
    const usage = (): Usage =>
      new Map([
        ...services.map((s) => [s.name, cpuSeconds(s.child.pid!)] as const),
        ['postgres', cpuSeconds(postmaster, true)],
        ...(natsPid ? [['nats-server', cpuSeconds(natsPid)] as const] : []),
        ['bench (client)', cpuOfThisProcess()],
      ]);
    const cpuUsed = new Map<string, number>();
    const ownTime = new Map<string, { sum: number; count: number }>();
    let before: { usage: Usage; histograms: Map<string, { sum: number; count: number }>[] } | undefined;
    let lifecycleSeconds = 0;
    const hooks = {
      onCountStart: async () => {
        before = { usage: usage(), histograms: await Promise.all(services.map((s) => handlingTimes(s.httpPort))) };
      },
      onCountEnd: async () => {
        const after = usage();
        for (const [name, value] of after)
          cpuUsed.set(name, (cpuUsed.get(name) ?? 0) + value - before!.usage.get(name)!);
        const histograms = await Promise.all(services.map((s) => handlingTimes(s.httpPort)));
        histograms.forEach((histogram, i) => {
          for (const [method, { sum, count }] of histogram) {
            const key = `${services[i]!.name} ${method}`;
            const was = before!.histograms[i]!.get(method) ?? { sum: 0, count: 0 };
            const acc = ownTime.get(key) ?? { sum: 0, count: 0 };
            ownTime.set(key, { sum: acc.sum + sum - was.sum, count: acc.count + count - was.count });
          }
        });
      },
    };
    const rates = { grpc: [] as number[], commit: [] as number[], lifecycle: [] as number[] };
    let lifecycles = 0;
    for (let round = 0; round < ROUNDS; round++) {
      rates.grpc.push(await rate(RAW_SECONDS, emptyCall));
      rates.commit.push(await rate(RAW_SECONDS, commit));
      const before_ = samples.of('lifecycle').length;
      const began = performance.now();
      rates.lifecycle.push(await rate(SECONDS, lifecycle, hooks));
      lifecycleSeconds += (performance.now() - began) / 1000 - WARMUP_SECONDS;
      lifecycles += samples.of('lifecycle').length - before_;
    }

    // ---- report ----
    const grpcRate = median(rates.grpc);
    const commitRate = median(rates.commit);
    const lifecycleRate = median(rates.lifecycle);
    const bound = Math.min(grpcRate, commitRate) / COMMANDS.length;
    const ratio = lifecycleRate / bound;
    const n0 = (v: number): string => Math.round(v).toLocaleString('en-US');
    const ms = (v: number): string => (Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));
    const pad = (s: string, w: number): string => s.padStart(w);
    console.log(
      `\ncase lifecycle (${ITEM}, promised, 一审一核): ${CONCURRENCY} lifecycles in flight, medians of ${ROUNDS} rounds ` +
        `side by side (lifecycles ${SECONDS} s, raw ${RAW_SECONDS} s, each after ${WARMUP_SECONDS} s warm-up); setup ${setupSeconds.toFixed(0)} s`,
    );
    console.log(
      `  raw gRPC (empty handler)    ${pad(n0(grpcRate), 8)} calls/s    rounds: ${rates.grpc.map(n0).join(', ')}`,
    );
    console.log(
      `  raw commit (1-row INSERT)   ${pad(n0(commitRate), 8)} commits/s  rounds: ${rates.commit.map(n0).join(', ')}`,
    );
    console.log(
      `  lifecycles                  ${pad(lifecycleRate.toFixed(2), 8)} /s         rounds: ${rates.lifecycle.map((r) => r.toFixed(2)).join(', ')}` +
        ` (${lifecycles} counted)`,
    );
    console.log(
      `  bound = min(raw) ÷ ${COMMANDS.length} commands = ${bound.toFixed(1)} lifecycles/s;  ratio = ${ratio.toFixed(3)}  ` +
        `(target ≥ ${TARGET}: ${ratio >= TARGET ? 'met' : 'MISSED'})`,
    );

    const lifecycleMean = mean(samples.of('lifecycle'));
    console.log(`\n  step        p50 ms   p99 ms  mean ms  share of a lifecycle`);
    for (const step of [...STEPS, 'lifecycle'] as const) {
      const values = samples.of(step);
      const share = step === 'lifecycle' ? '' : `${((100 * mean(values)) / lifecycleMean).toFixed(1)} %`;
      console.log(
        `  ${step.padEnd(10)} ${pad(ms(percentile(values, 50)), 8)} ${pad(ms(percentile(values, 99)), 8)} ${pad(ms(mean(values)), 8)}  ${share}`,
      );
    }
    if (ratio < TARGET) {
      console.log(
        '\n  where the time goes: each service handling its calls and events (its /metrics histograms, mean)',
      );
      for (const [key, { sum, count }] of [...ownTime].sort(([a], [b]) => a.localeCompare(b))) {
        if (count === 0) continue;
        console.log(`    ${key.padEnd(48)} ${pad(String(count), 6)} calls  ${pad(ms((1000 * sum) / count), 7)} ms`);
      }
      console.log(
        `\n  CPU per lifecycle (ms), ${lifecycles} lifecycles over ${lifecycleSeconds.toFixed(1)} s counted:`,
      );
      let total = 0;
      for (const [name, seconds] of cpuUsed) {
        total += seconds;
        console.log(`    ${name.padEnd(16)} ${pad(ms((1000 * seconds) / lifecycles), 8)}`);
      }
      console.log(
        `    ${'all'.padEnd(16)} ${pad(ms((1000 * total) / lifecycles), 8)}  (${(total / lifecycleSeconds).toFixed(2)} cores busy)`,
      );
    }
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve(),
      ),
    );
    await dropDatabase?.().catch(() => undefined);
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
