import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { catalogueItemsV1 as items, catalogueV1 as pb } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import { freePort, waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { REPO_ROOT, nodeWithTsx } from './processes';

/**
 * grpcurl, as CI installs it (`go install github.com/fullstorydev/grpcurl/cmd/grpcurl`): on the PATH or in Go's
 * bin folder. The banner's `try:` lines are run with it exactly as printed.
 */
function grpcurlFolder(): string {
  if (spawnSync('grpcurl', ['-version'], { stdio: 'ignore' }).status === 0) return '';
  const gopath = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).stdout?.trim();
  const folder = gopath ? join(gopath, 'bin') : '';
  if (folder && spawnSync(join(folder, 'grpcurl'), ['-version'], { stdio: 'ignore' }).status === 0) return folder;
  throw new Error('grpcurl is needed: go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4');
}

const execFileAsync = promisify(execFile);

/** The banner's `try:` lines, as printed. */
function tryLines(output: string): string[] {
  const lines = output.split('\n');
  const first = lines.findIndex((line) => line.trimStart().startsWith('try:'));
  if (first < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(first)) {
    const text = line.trim().replace(/^try:\s+/, '');
    if (text === '') break;
    out.push(text);
  }
  return out;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** `pnpm start` as a newcomer runs it: the launcher, over a fresh (or kept) data folder. */
function startPlatform(env: Record<string, string>): Started {
  const [command, args] = nodeWithTsx('packages/launcher/src/start.ts');
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output, exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

describe('the embedded start (pnpm start)', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'govhall-start-'));
    env = {
      GOVHALL_DATA_DIR: dataDir,
      GOVHALL_PG_PORT: String(await freePort()),
      GOVHALL_NATS_PORT: String(await freePort()),
      CATALOGUE_GRPC_PORT: String(await freePort()),
      CATALOGUE_HTTP_PORT: String(await freePort()),
      INTAKE_GRPC_PORT: String(await freePort()),
      INTAKE_HTTP_PORT: String(await freePort()),
      CASE_GRPC_PORT: String(await freePort()),
      CASE_HTTP_PORT: String(await freePort()),
      FEE_GRPC_PORT: String(await freePort()),
      FEE_HTTP_PORT: String(await freePort()),
      TIMING_GRPC_PORT: String(await freePort()),
      TIMING_HTTP_PORT: String(await freePort()),
      NOTIFY_GRPC_PORT: String(await freePort()),
      NOTIFY_HTTP_PORT: String(await freePort()),
      EVALUATION_GRPC_PORT: String(await freePort()),
      EVALUATION_HTTP_PORT: String(await freePort()),
    };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The demo catalogue answers the applicant's guide search. */
  async function searchGuide(query: string): Promise<items.SearchGuideResponse> {
    const client = new items.ItemServiceClient(
      `127.0.0.1:${env['CATALOGUE_GRPC_PORT']}`,
      grpc.credentials.createInsecure(),
    );
    try {
      return await callUnary(client, 'searchGuide', items.SearchGuideRequest.fromPartial({ query }));
    } finally {
      client.close();
    }
  }

  async function listDemo(): Promise<{ halls: pb.Hall[]; windows: pb.Window[] }> {
    const client = new pb.OrganisationServiceClient(
      `127.0.0.1:${env['CATALOGUE_GRPC_PORT']}`,
      grpc.credentials.createInsecure(),
    );
    try {
      const { halls } = await callUnary(client, 'listHalls', {
        parentHallId: '',
        includeInactive: false,
        tier: pb.HallTier.HALL_TIER_UNSPECIFIED,
        regionCode: '',
        kind: pb.HallKind.HALL_KIND_UNSPECIFIED,
      });
      const { windows } = await callUnary(client, 'listWindows', {
        hallId: '',
        departmentId: '',
        includeInactive: false,
      });
      return { halls, windows };
    } finally {
      client.close();
    }
  }

  async function runOnce(
    bus: 'in-process' | 'nats',
  ): Promise<{ halls: pb.Hall[]; windows: pb.Window[]; output: string }> {
    const platform = startPlatform({ ...env, GOVHALL_BUS: bus });
    try {
      await waitFor(
        () => {
          if (platform.child.exitCode !== null) throw new Error(platform.output());
          return platform.output().includes('govhall is ready');
        },
        { timeoutMs: 120_000, what: 'the ready line' },
      );
    } catch (error) {
      platform.child.kill('SIGKILL');
      throw new Error(`not ready: ${String(error)}\n${platform.output()}`);
    }
    const demo = await listDemo();
    const guide = await searchGuide('营业执照');
    expect(guide.hits[0]?.name).toContain('营业执照');
    // Every try: line works as printed (through reflection, the staff one with a minted token).
    const tries = tryLines(platform.output());
    expect(tries.length).toBeGreaterThanOrEqual(4);
    const answers = tries.map((line) =>
      execFileSync('bash', ['-c', line], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, PATH: [grpcurlFolder(), process.env['PATH']].filter(Boolean).join(':') },
      }),
    );
    expect(answers[0]).toContain('潍坊市政务服务中心');
    expect(answers[1]).toContain('营业执照');
    expect(answers[2]).toContain('message Item {');
    expect(answers[3]).toMatch(/"mobile": "1\d{10}"/);
    // The city's one-fee bill, the staff profiles posted at the windows, and a Saturday window's open times.
    expect(answers[4]).toContain('"oneFee": true');
    expect(answers[4]).not.toContain('"oneFee": false');
    expect(answers[5]).toContain('"photoRef": "photos/700GLB02.jpg"');
    expect(answers[5]).not.toMatch(/mobile|\*\*\*\*/i);
    expect(answers[6]).toMatch(/"date": "2026-10-17"[\s\S]*"OPENING_SESSION_KIND_WEEKEND"/);
    // Intake: the city's queue board; calling the next ticket at B01 gives the green-channel ticket to the handler
    // it names; the district's Saturday window has WEEKEND appointment slots; a demo case by its number, masked.
    expect(answers[7]).toMatch(/"prefix": "SC"[\s\S]*"waiting": \d+/);
    expect(answers[8]).toContain('"ticketClass": "TICKET_CLASS_GREEN_CHANNEL"');
    expect(answers[8]).toContain('"windowNumber": "B01"');
    expect(answers[9]).toContain('"sessionKind": "WEEKEND"');
    expect(answers[10]).toMatch(/"caseNumber": "370700\d{8}\d{5}"/);
    expect(answers[10]).toMatch(/"phoneMasked": "1\d{2}\*{4}\d{4}"/);
    // Case: the city reviewer's to-do (a case they took at 审核); the joint case by its number, its first part
    // approved, the dependent parts ready and the later ones waiting (串联); a completed case's intact SM3 chain;
    // the city's 结果公示 (public, the applicant masked).
    expect(platform.output()).toContain(`case        gRPC   127.0.0.1:${env['CASE_GRPC_PORT']}`);
    expect(platform.output()).toMatch(
      /cases \(办件\): \d+: 1 初审, \d+ 审核, 1 核准, \d+ 审批, \d+ 发证, 1 paused \(特别程序\), \d+ 办结, 1 归档; 2 joint \(联办\) with 1 joint meeting, 1 bundle \(两证齐发\), 1 handed up to the city \(市县联动\), 1 refused, 1 告知承诺 to verify/,
    );
    expect(answers[11]).toMatch(/"kind": "TODO_KIND_STAGE",\s*"stage": "PROCESS_STAGE_REVIEW"/);
    expect(answers[11]).toContain('"itemName": "食品经营许可"');
    expect(answers[12]).toMatch(/"code": "LX",[^}]*"status": "SUBTASK_STATUS_APPROVED"/);
    expect(answers[12]).toMatch(/"code": "XZ",[^}]*"status": "SUBTASK_STATUS_READY"/);
    expect(answers[12]).toMatch(/"code": "HP",[^}]*"status": "SUBTASK_STATUS_WAITING"/);
    expect(answers[13]).toMatch(/"intact": true,\s*"entries": 6/);
    expect(answers[14]).toContain('"certificateNumber": "JY13707050012345"');
    expect(answers[14]).not.toContain('"applicantName": "潍坊禾丰食品销售有限公司"');
    // Fee (一费制), as the city's administrator: the demo's two consolidated bills of three departments (one
    // issued and unpaid, one paid with its receipts), the city's one-fee scope and split, a deposit waiting.
    expect(platform.output()).toContain(`fee         gRPC   127.0.0.1:${env['FEE_GRPC_PORT']}`);
    expect(platform.output()).toMatch(
      /one-fee \(一费制\): \d+ bills in the city hall from the demo cases; JF\d+-\d{8}-\d{4} [\d,.]+元 of 3 departments issued, unpaid \(缴款码 \d{20}\); JF\d+-\d{8}-\d{4} [\d,.]+元 paid at the counter, 3 department receipts; district JF\d+-\d{8}-\d{4} 80\.00元 \([^)]*房屋[^)]*\) paid at the counter; deposit 862,000.00元 waiting/,
    );
    expect(answers[21]).toContain('"status": "BILL_STATUS_PAID"');
    expect(answers[21]).toContain('"status": "BILL_STATUS_ISSUED"');
    expect(answers[22]).toMatch(/"ownShareBasisPoints": 5000/);
    expect(answers[23]).toMatch(/"pendingCount": 1[\s\S]*"summary": "在账履约保证金1宗86.20万元/);
    // Timing, as the city's supervisor: the hall's rules are Wuhu's ladder (催办 at 80% and at due, the red card
    // one working day after the yellow); the case at 审核 has its acceptance clock stopped and its stage, promised
    // and statutory clocks running; this month's indicators print how the speed-ups are defined.
    expect(platform.output()).toContain(`timing      gRPC   127.0.0.1:${env['TIMING_GRPC_PORT']}`);
    expect(platform.output()).toMatch(
      /supervision \(电子监察\): \d+ clocks of the 15 demo cases \(\d+ running, \d+ paused, 0 parked, \d+ stopped\), \d+ overdue now, \d+ yellow \/ \d+ red cards/,
    );
    expect(platform.output()).not.toContain("still reading the demo's events");
    expect(answers[15]).toMatch(/"level": "ALERT_LEVEL_REMINDER",\s*"percentOfBudget": 80/);
    expect(answers[15]).toMatch(/"remindAtDue": true[\s\S]*"redAfterWorkingDays": 1/);
    expect(answers[15]).toMatch(/"acceptanceLimit": \{\s*"amount": 4,\s*"unit": "LIMIT_UNIT_WORKING_HOURS"/);
    expect(answers[16]).toMatch(/"kind": "CLOCK_KIND_ACCEPTANCE",\s*"status": "CLOCK_STATUS_STOPPED"/);
    expect(answers[16]).toMatch(
      /"kind": "CLOCK_KIND_STAGE",\s*"status": "CLOCK_STATUS_RUNNING",[^{}]*"stage": "PROCESS_STAGE_REVIEW"/,
    );
    expect(answers[16]).toMatch(/"kind": "CLOCK_KIND_PROMISED",\s*"status": "CLOCK_STATUS_RUNNING"/);
    expect(answers[16]).toMatch(/"kind": "CLOCK_KIND_STATUTORY",\s*"status": "CLOCK_STATUS_RUNNING"/);
    expect(answers[16]).toMatch(/"remainingWorkingMs": "\d+"/);
    expect(answers[17]).toMatch(/"total": \{[^}]*"received": [1-9]\d*/);
    expect(answers[17]).toContain('"commitmentSpeedUp"');
    expect(answers[17]).toContain('ratio of means');
    expect(platform.output()).toContain(`notify      gRPC   127.0.0.1:${env['NOTIFY_GRPC_PORT']}`);
    // Sent or held for quiet hours, by the hour the test runs at: the demo's messages all counted, those sent in
    // the outbox file with masked phones.
    const sms = /SMS \(短信\): (\d+) sent to (\S+sms-outbox\.jsonl)((?:, \d+ [^,\n]+)*)\n/.exec(platform.output());
    expect(sms).not.toBeNull();
    const sent = Number(sms![1]);
    const others = [...sms![3]!.matchAll(/, (\d+) /g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(sent + others).toBeGreaterThanOrEqual(20);
    if (sent > 0) {
      const outbox = (await readFile(sms![2]!, 'utf8')).trim().split('\n');
      expect(outbox.length).toBeGreaterThanOrEqual(sent);
      expect(outbox.join('\n')).not.toMatch(/\b1[3-9]\d{9}\b/);
      for (const line of outbox) {
        const written = JSON.parse(line) as { phone: string; text: string };
        expect(written.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
        expect(written.text).toMatch(/^【/);
      }
    }
    expect(answers[18]).toMatch(/"code": "case_accepted"[\s\S]*"text": "您申请的\$\{item\}/);
    // The city's log: messages the demo's events asked for, newest first.
    expect(answers[19]).toMatch(/"eventType": "(intake|case|timing)\.[a-z_.]+",[\s\S]*"templateCode": "[a-z_]+"/);
    expect(answers[20]).toMatch(/"quietHoursStart": "21:00",\s*"quietHoursEnd": "08:00"/);
    // Evaluation (好差评): the case demo's two completed city cases rated, the bad one's rectification open for the
    // clerk who served with its return visit to make, a hotline complaint under investigation; last month closed by
    // Zhangzhou's rules and published to anyone, with its best staff and red-flag windows; the rates by window.
    expect(platform.output()).toContain(`evaluation  gRPC   127.0.0.1:${env['EVALUATION_GRPC_PORT']}`);
    expect(platform.output()).toMatch(
      /evaluation \(好差评\): 2 rating\(s\) in the city hall \(1 bad\), 1 open rectification\(s\) \(整改\), 1 return visit\(s\) to make \(回访\), 1 open complaint\(s\) \(投诉\); \d{4}-\d{2} assessed by Zhangzhou's rules \(月考核\): 13 staff, 5 best staff \(服务标兵\), 3 red-flag windows \(红旗窗口\), published/,
    );
    expect(answers[24]).toContain('"status": "MONTH_STATUS_PUBLISHED"');
    expect(answers[24]).toMatch(/"code": "banner",\s*"label": "收到锦旗"/);
    expect(answers[24]?.match(/"bestStaff": true/g)).toHaveLength(5);
    expect(answers[24]?.match(/"redFlag": true/g)).toHaveLength(3);
    expect(answers[25]).toMatch(/"status": "RECTIFICATION_STATUS_OPEN"/);
    expect(answers[25]).toContain('"itemName": "企业设立登记（营业执照核发）"');
    expect(answers[26]).toMatch(/"staffId": "[^"]+",\s*"step": "COMPLAINT_STEP_INVESTIGATED"/);
    expect(answers[26]).toMatch(/"doneAt": "[^"]+",[^{}]*"note": "已调阅窗口视频/);
    expect(answers[26]).toContain('"phone": "139****7788"');
    expect(answers[27]).toMatch(/"ratings": 1,\s*"bad": 1/);
    expect(answers[27]).toMatch(/"satisfied": 1/);
    expect(answers.slice(7).join('\n')).not.toMatch(/\b1[3-9]\d{9}\b|\b\d{17}[\dX]\b/);
    // Reflection for every service it lists, health included, every message of their methods, and a call
    // made through reflection alone. Once is enough: the second start serves the same code.
    if (bus === 'in-process') await checkReflection();
    platform.child.kill('SIGINT');
    expect(await platform.exit).toBe(0);
    expect(platform.output()).toContain('govhall stopped');
    return { ...demo, output: platform.output() };
  }

  async function checkReflection(): Promise<void> {
    const grpcurlPath = join(grpcurlFolder(), 'grpcurl');
    const grpcurl = async (...args: string[]): Promise<string> =>
      (await execFileAsync(grpcurlPath, ['-plaintext', ...args], { encoding: 'utf8' })).stdout;
    for (const [port, service, minimumMessages] of [
      ['CATALOGUE_GRPC_PORT', 'govhall.catalogue.v1.ItemService', 40],
      ['INTAKE_GRPC_PORT', 'govhall.intake.v1.IntakeService', 40],
      ['CASE_GRPC_PORT', 'govhall.case.v1.CaseService', 30],
      ['TIMING_GRPC_PORT', 'govhall.timing.v1.TimingService', 20],
      ['NOTIFY_GRPC_PORT', 'govhall.notify.v1.NotifyService', 18],
      ['FEE_GRPC_PORT', 'govhall.fee.v1.FeeService', 40],
      ['EVALUATION_GRPC_PORT', 'govhall.evaluation.v1.EvaluationService', 60],
    ] as const) {
      const address = `127.0.0.1:${env[port]}`;
      const services = (await grpcurl(address, 'list')).trim().split('\n');
      expect(services).toEqual(expect.arrayContaining(['grpc.health.v1.Health', service]));
      const messages = new Set<string>();
      for (const name of services) {
        const described = await grpcurl(address, 'describe', name);
        expect(described).toContain(`${name} is a service`);
        for (const [, type] of described.matchAll(/\(\s*(?:stream\s+)?\.([\w.]+)\s*\)/g)) messages.add(type!);
      }
      expect(messages.size).toBeGreaterThan(minimumMessages);
      // Several grpcurl processes at a time (they mostly wait on their own start): one by one, the describes alone
      // took a minute on CI.
      const pending = [...messages];
      const notMessages: string[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let type = pending.pop(); type !== undefined; type = pending.pop()) {
            const text = await grpcurl(address, 'describe', type);
            if (!text.includes(`${type} is a message`)) notMessages.push(`${type}: ${text}`);
          }
        }),
      );
      expect(notMessages).toEqual([]);
      expect(await grpcurl('-d', '{}', address, 'grpc.health.v1.Health/Check')).toContain('"SERVING"');
    }
  }

  it('starts with the demo city loaded, answers gRPC, stops cleanly, and keeps its data for the next start', async () => {
    const first = await runOnce('in-process');
    expect(first.output).toContain('in-process bus');
    expect(first.halls.map((h) => h.regionCode).sort()).toEqual(['370700', '370705', '370705', '370705001']);
    expect(first.windows.length).toBeGreaterThanOrEqual(12);

    // Same data folder, now with nats-server: the demo is not loaded twice.
    const second = await runOnce('nats');
    expect(second.output).toContain('nats-server (JetStream)');
    expect(second.halls.map((h) => h.id).sort()).toEqual(first.halls.map((h) => h.id).sort());
    expect(second.windows).toHaveLength(first.windows.length);
  }, 420_000);
});
