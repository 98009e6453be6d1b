import {
  loadCatalogueConfig,
  loadDemoCalendar,
  loadDemoFeeCatalogue,
  loadDemoItems,
  loadDemoOpeningHours,
  loadDemoOrganisation,
  startCatalogue,
  type RunningCatalogue,
} from '@govhall/catalogue';
import {
  demoCatalogueOverGrpc,
  generateKeyMaterial,
  loadDemoApplications,
  loadDemoQueue,
  loadIntakeConfig,
  startIntake,
  type RunningIntake,
} from '@govhall/intake';
import { loadCaseConfig, loadDemoCases, startCase, type DemoCasesSummary, type RunningCase } from '@govhall/case';
import { localDateOf } from '@govhall/calendar';
import { intakeV1, timingV1 } from '@govhall/contracts';
import {
  callUnary,
  createLogger,
  type EventBus,
  type Logger,
  type TokenSigner,
  type TokenVerifier,
} from '@govhall/kit';
import { loadNotifyConfig, startNotify, type RunningNotify } from '@govhall/notify';
import { configureDemoScope, demoScopeOf, loadFeeConfig, loadFeeDemo, startFee, type RunningFee } from '@govhall/fee';
import { loadTimingConfig, startTiming, type RunningTiming } from '@govhall/timing';
import {
  loadEvaluationConfig,
  loadEvaluationDemo,
  startEvaluation,
  type EvaluationDemo,
  type RunningEvaluation,
} from '@govhall/evaluation';
import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoClock } from './demo-clock';
import { DEFAULT_PORTS, type ServicePortDefaults } from './service-ports';

export { DemoClock } from './demo-clock';

/** What the embedded start hands every service it starts. */
export interface PlatformContext {
  readonly regionCode: string;
  readonly databaseUrl: string;
  /** The embedded nats-server's URL; a placeholder when `bus` is the in-process bus. */
  readonly natsUrl: string;
  /** The in-process bus, shared by every service, when no nats-server runs. */
  readonly bus?: EventBus;
  /** One verifier over the embedded start's trusted keys, shared by every service. */
  readonly verifier: TokenVerifier;
  /** The file behind `verifier` (the services' `AUTH_TRUSTED_KEYS_FILE`). */
  readonly trustedKeysFile: string;
  readonly logLevel: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** The folder of the embedded start's keys (`<data>/keys`), where a service keeps its own development keys. */
  readonly keysDir: string;
  /** The embedded start's data folder (`GOVHALL_DATA_DIR`): files a developer looks at, such as the SMS outbox. */
  readonly dataDir: string;
  /** gRPC addresses (`127.0.0.1:port`) of the services started before this one, by name. */
  readonly peers: ReadonlyMap<string, string>;
  /** Signs staff tokens `verifier` trusts: a demo loader acts as demo staff on another service's gRPC API. */
  readonly signer: TokenSigner;
  /** The clock of intake and the case service; a demo loader may play a story in the past on it. */
  readonly clock: DemoClock;
}

/** One started service, as the launcher sees it. */
export interface StartedService {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Full names of its gRPC services (the banner, the random-input sweep). */
  readonly grpcServices: readonly string[];
  /** Loads the demo data (idempotently: a second start on the same data folder changes nothing). */
  loadDemo(): Promise<DemoLines>;
  /**
   * Calls to try, as shell lines that work as printed from the repository root; `grpc` is `host:port`,
   * `staffToken` the command that prints a staff member's token (`pnpm -s staff-token`, with any settings the
   * start was given).
   */
  tryLines(grpc: string, staffToken: string): Promise<readonly string[]>;
  /**
   * Ids and numbers of the loaded demo that no public `List` method answers (cases, meetings, bundles): the
   * random-input sweep seeds its requests with them.
   */
  demoIds?(): readonly string[];
  stop(): Promise<void>;
}

/** What the banner says of a service's demo data. */
export type DemoLines = readonly string[];

/** A service the embedded start runs: its name, its default ports (`service-ports.ts`), and how to start it. */
export interface PlatformService extends ServicePortDefaults {
  /**
   * Its demo is loaded after every other service's: it reads what their demos produce (events), so it starts
   * early and consumes them while they are played, and only its banner line waits for the end.
   */
  readonly demoLast?: boolean;
  /** Among the `demoLast` ones, a higher order loads later (its demo waits on what the others' consumers read). */
  readonly demoOrder?: number;
  start(context: PlatformContext): Promise<StartedService>;
}

/** The demo staff member whose token the banner's write example uses: 中心管理员 of the city hall. */
export const DEMO_ADMINISTRATOR = '700GLB07';
/**
 * The city's market-regulation clerk at window B01: the banner's staff-only example reads their contact, and the
 * demo's green-channel ticket names them as its handler.
 */
const DEMO_CLERK = '700SCJG01';
/** The district hall's housing and land window, open on Saturdays (周末便民服务) in the demo. */
const DEMO_SATURDAY_WINDOW = 'B03';

/** The settings every service takes from the embedded start, as environment variables. */
function baseEnv(context: PlatformContext): Record<string, string> {
  return {
    REGION_CODE: context.regionCode,
    DATABASE_URL: context.databaseUrl,
    NATS_URL: context.natsUrl,
    GRPC_PORT: String(context.grpcPort),
    HTTP_PORT: String(context.httpPort),
    LOG_LEVEL: context.logLevel,
    DATABASE_POOL_MAX: '4',
    AUTH_TRUSTED_KEYS_FILE: context.trustedKeysFile,
  };
}

/** The in-process bus (when there is one) and the verifier every service shares, and the service's own logger. */
function baseDeps(
  context: PlatformContext,
  service: string,
): { bus?: EventBus; verifier: TokenVerifier; logger: Logger } {
  return {
    ...(context.bus ? { bus: context.bus } : {}),
    verifier: context.verifier,
    logger: createLogger({ service, level: context.logLevel }),
  };
}

const catalogue: PlatformService = {
  name: 'catalogue',
  defaultPorts: DEFAULT_PORTS.catalogue,
  async start(context) {
    const running: RunningCatalogue = await startCatalogue(
      loadCatalogueConfig(baseEnv(context)),
      baseDeps(context, 'catalogue'),
    );
    return {
      grpcPort: running.grpcPort,
      httpPort: running.httpPort,
      grpcServices: running.grpcServices,
      loadDemo: async () => {
        const org = await loadDemoOrganisation(running.organisation);
        const fees = await loadDemoFeeCatalogue(running.feeCatalogue, running.organisation);
        const items = await loadDemoItems(running.items, running.organisation, undefined, running.feeCatalogue);
        const hours = await loadDemoOpeningHours(running.openingHours, running.organisation);
        const calendar = await loadDemoCalendar(running.calendar);
        return [
          `Weifang 370700: ${org.halls} halls, ${org.departments} departments, ${org.windows} windows, ${org.staff} staff`,
          `fee catalogue (收费目录): ${fees.entries} entries, ${fees.oneFee} in the one-fee bill (一费制), ${fees.cancelled} cancelled`,
          `${items.items} published items (事项) of ${items.departments} departments, ${items.delegated} delegated to the township, ${items.bundles} bundle(s)`,
          `opening hours (开放时间): ${hours.schedules} schedules in ${hours.halls} halls (Saturday, 五加二, leader on-site, extended)`,
          `working calendar: chinese-days to 2026, and a provisional ${calendar.years.join(', ')} (statutory days only: replace it when the State Council publishes)`,
        ];
      },
      tryLines: async (grpc, staffToken) => {
        const staff = await running.organisation.listStaff({ includeInactive: false });
        const clerk = staff.find((s) => s.employeeNo === DEMO_CLERK);
        const halls = await running.organisation.listHalls({ includeInactive: false, kind: 'main' });
        const city = halls.find((h) => h.tier === 'city');
        const district = halls.find((h) => h.tier === 'district');
        const lines = [
          `grpcurl -plaintext -d '{"tier":"HALL_TIER_CITY"}' ${grpc} govhall.catalogue.v1.OrganisationService/ListHalls`,
          `grpcurl -plaintext -d '{"query":"营业执照"}' ${grpc} govhall.catalogue.v1.ItemService/SearchGuide`,
          `grpcurl -plaintext ${grpc} describe govhall.catalogue.v1.Item`,
        ];
        if (clerk) {
          // Staff only: a token minted for the demo administrator.
          lines.push(
            `grpcurl -plaintext -H "authorization: Bearer $(${staffToken} ${DEMO_ADMINISTRATOR})" -d '{"id":"${clerk.id}"}' ${grpc} govhall.catalogue.v1.OrganisationService/GetStaffContact`,
          );
        }
        if (city && district) {
          const saturdayWindow = (
            await running.organisation.listWindows({ hallId: district.id, includeInactive: false })
          ).find((w) => w.number === DEMO_SATURDAY_WINDOW);
          lines.push(
            `grpcurl -plaintext -d '{"hallId":"${city.id}","oneFee":"ONE_FEE_FILTER_ONE_FEE"}' ${grpc} govhall.catalogue.v1.FeeCatalogueService/ListFeeCatalogueEntries`,
            `grpcurl -plaintext -d '{"hallId":"${city.id}"}' ${grpc} govhall.catalogue.v1.OrganisationService/ListStaffProfiles`,
          );
          if (saturdayWindow) {
            // A Friday, a Saturday (周末便民服务) and a closed Sunday of 2026, a year the calendar data holds.
            lines.push(
              `grpcurl -plaintext -d '{"hallId":"${district.id}","windowId":"${saturdayWindow.id}","fromDate":"2026-10-16","days":3}' ${grpc} govhall.catalogue.v1.OpeningHoursService/GetOpenTimes`,
            );
          }
        }
        return lines;
      },
      stop: () => running.stop(),
    };
  },
};

/** A key of the embedded start in its keys folder, made once (by `make`) and kept for the next start. */
function keyFile(keysDir: string, name: string, make: () => string): string {
  const file = join(keysDir, name);
  if (!existsSync(file)) writeFileSync(file, `${make()}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}

/** The embedded start's key for personal data at rest in intake (SM4 / SM3). */
const personalDataKeyFile = (keysDir: string): string =>
  keyFile(keysDir, 'intake-personal-data.key', generateKeyMaterial);

async function intakeTryLines(
  running: RunningIntake,
  catalogueAddress: string,
  grpc: string,
  staffToken: string,
): Promise<string[]> {
  const catalogue = demoCatalogueOverGrpc(catalogueAddress);
  try {
    const halls = await catalogue.organisation.listHalls({ includeInactive: false });
    const city = halls.find((h) => h.tier === 'city' && h.kind === 'main');
    const district = halls.find((h) => h.tier === 'district' && h.kind === 'main');
    if (!city || !district) return [];
    const windows = await catalogue.organisation.listWindows({ includeInactive: false });
    const b01 = windows.find((w) => w.hallId === city.id && w.number === 'B01');
    const saturdayCategory = (await running.queue.listCategories({ hallId: district.id, includeInactive: false })).find(
      (c) => c.prefix === 'FG',
    );
    const administrator = {
      kind: 'staff' as const,
      staffId: 'launcher',
      roles: ['administrator'],
      departmentId: null,
      hallId: city.id,
      regionCode: city.regionCode,
    };
    const accepted = (
      await running.intake.listRegistrations(administrator, {
        hallId: city.id,
        departmentId: '',
        status: intakeV1.RegistrationStatus.REGISTRATION_STATUS_ACCEPTED,
        pageSize: 1,
        pageToken: '',
      })
    ).registrations[0];
    const today = localDateOf(new Date());
    const token = `$(${staffToken} ${DEMO_CLERK})`;
    const lines = [
      `grpcurl -plaintext -H "authorization: Bearer ${token}" -d '{"hallId":"${city.id}"}' ${grpc} govhall.intake.v1.QueueService/GetQueueBoard`,
    ];
    if (b01) {
      // The green-channel ticket goes first, and only to the handler it names.
      lines.push(
        `grpcurl -plaintext -H "authorization: Bearer ${token}" -d '{"requestId":"try-call-next-${today}","hallId":"${city.id}","windowId":"${b01.id}"}' ${grpc} govhall.intake.v1.QueueService/CallNext`,
      );
    }
    if (saturdayCategory) {
      lines.push(
        `grpcurl -plaintext -d '{"hallId":"${district.id}","categoryId":"${saturdayCategory.id}","fromDate":"${today}","days":7}' ${grpc} govhall.intake.v1.AppointmentService/ListAppointmentSlots`,
      );
    }
    if (accepted?.acceptance) {
      lines.push(
        `grpcurl -plaintext -H "authorization: Bearer ${token}" -d '{"caseNumber":"${accepted.acceptance.caseNumber}"}' ${grpc} govhall.intake.v1.IntakeService/GetRegistration`,
      );
    }
    return lines;
  } finally {
    catalogue.close();
  }
}

const intake: PlatformService = {
  name: 'intake',
  defaultPorts: DEFAULT_PORTS.intake,
  async start(context) {
    const catalogueAddress = context.peers.get('catalogue');
    if (!catalogueAddress) throw new Error('intake reads the catalogue: start the catalogue first');
    const running: RunningIntake = await startIntake(
      loadIntakeConfig({
        ...baseEnv(context),
        PERSONAL_DATA_KEY_FILE: personalDataKeyFile(context.keysDir),
        CATALOGUE_ADDRESS: catalogueAddress,
      }),
      { ...baseDeps(context, 'intake'), clock: context.clock },
    );
    return {
      grpcPort: running.grpcPort,
      httpPort: running.httpPort,
      grpcServices: running.grpcServices,
      loadDemo: async () => {
        const catalogue = demoCatalogueOverGrpc(catalogueAddress);
        try {
          const queue = await loadDemoQueue(running, catalogue, context.clock);
          const cases = await loadDemoApplications(running, catalogue);
          const skipped =
            cases.skipped > 0 ? `, ${cases.skipped} skipped (no calendar for the year a limit reaches)` : '';
          return [
            `queue (叫号): ${queue.categories} ticket categories, ${queue.tickets} tickets today, ${queue.slots} appointment slots, ${queue.appointments} appointment(s), ${queue.batchBookings} batch-room booking(s)`,
            `applications (受理): ${cases.registrations} registered: ${cases.accepted} accepted, ${cases.acceptedWithMissing} 容缺, ${cases.supplementRequested} 补正, ${cases.refused} refused, ${cases.completedImmediately} 即办, ${cases.waiting} waiting${skipped}`,
          ];
        } finally {
          catalogue.close();
        }
      },
      tryLines: async (grpc, staffToken) => intakeTryLines(running, catalogueAddress, grpc, staffToken),
      stop: () => running.stop(),
    };
  },
};

/** The city's market-regulation reviewer (审核): the banner reads their to-do list. */
const DEMO_CASE_REVIEWER = '700SCJG02';
/** The reviewer of the joint case's lead department (发展改革, FGW): the banner reads the case by its number. */
const DEMO_JOINT_REVIEWER = '700FGW02';

function caseDemoLine(s: DemoCasesSummary): string {
  const at = (stage: string) => s.atStage[`PROCESS_STAGE_${stage}`] ?? 0;
  return (
    `cases (办件): ${s.cases}: ${at('PRE_REVIEW')} 初审, ${at('REVIEW')} 审核, ${at('VERIFY')} 核准, ${at('APPROVE')} 审批, ` +
    `${at('ISSUE')} 发证, ${s.suspended} paused (特别程序), ${s.completed} 办结, ${s.archived} 归档; ${s.joint} joint (联办) ` +
    `with ${s.meetingIds.length} joint meeting, ${s.bundleIds.length} bundle (两证齐发), ${s.handedUp} handed up to the city ` +
    `(市县联动), ${s.refused} refused, ${s.pendingVerification} 告知承诺 to verify`
  );
}

/** The case service's `try:` lines, from what its demo loaded. */
function caseTryLines(demo: DemoCasesSummary, grpc: string, staffToken: string): string[] {
  const as = (no: string) => `-H "authorization: Bearer $(${staffToken} ${no})"`;
  const reviewer = demo.staffIds.get(DEMO_CASE_REVIEWER);
  const joint = demo.byKey.get('investment-joint-serial');
  const completed = demo.byKey.get('food-business-completed');
  const city = demo.hallIds['city'];
  const lines: string[] = [];
  if (reviewer)
    lines.push(
      `grpcurl -plaintext ${as(DEMO_CASE_REVIEWER)} -d '{"staffId":"${reviewer}"}' ${grpc} govhall.case.v1.CaseService/ListTodo`,
    );
  if (joint)
    lines.push(
      `grpcurl -plaintext ${as(DEMO_JOINT_REVIEWER)} -d '{"caseNumber":"${joint.caseNumber}"}' ${grpc} govhall.case.v1.CaseService/GetCase`,
    );
  if (completed)
    lines.push(
      `grpcurl -plaintext ${as(DEMO_CLERK)} -d '{"caseId":"${completed.caseId}"}' ${grpc} govhall.case.v1.CaseService/VerifyActionLog`,
    );
  if (city)
    lines.push(`grpcurl -plaintext -d '{"hallId":"${city}"}' ${grpc} govhall.case.v1.CaseService/ListPublishedResults`);
  return lines;
}

const caseService: PlatformService = {
  name: 'case',
  defaultPorts: DEFAULT_PORTS.case,
  async start(context) {
    const catalogueAddress = context.peers.get('catalogue');
    const intakeAddress = context.peers.get('intake');
    if (!catalogueAddress || !intakeAddress)
      throw new Error('the case service reads the catalogue and opens cases from intake: start both first');
    const running: RunningCase = await startCase(
      loadCaseConfig({
        ...baseEnv(context),
        CATALOGUE_ADDRESS: catalogueAddress,
        // One deployment for the whole network: a district case goes on to its city hall at once (市县联动).
        SERVED_REGIONS: '*',
      }),
      { ...baseDeps(context, 'case'), clock: context.clock },
    );
    let demo: DemoCasesSummary | undefined;
    return {
      grpcPort: running.grpcPort,
      httpPort: running.httpPort,
      grpcServices: running.grpcServices,
      loadDemo: async () => {
        demo = await loadDemoCases({
          service: running.service,
          catalogueAddress,
          intakeAddress,
          signer: context.signer,
          past: (at, work) => context.clock.at(at, work),
        });
        caseDemos.set(context.peers, demo);
        return [caseDemoLine(demo)];
      },
      tryLines: (grpc, staffToken) => Promise.resolve(demo ? caseTryLines(demo, grpc, staffToken) : []),
      demoIds: () =>
        demo
          ? [
              ...[...demo.byKey.values()].flatMap((c) => [c.caseId, c.caseNumber]),
              ...demo.meetingIds,
              ...demo.bundleIds,
              ...demo.archiveBatchIds,
            ]
          : [],
      stop: () => running.stop(),
    };
  },
};

/** The city's supervisor (督查科): the banner reads the hall's rules, clocks and cards as them. */
const DEMO_SUPERVISOR = '700GLB03';
/** How long the timing service may take to finish reading the demo's events once they are all published. */
const TIMING_CATCH_UP_MS = 20_000;

/**
 * The case demo of one start, by that start's `peers` (one map per start, shared by its services): the services
 * after the case service name its demo cases by key.
 */
const caseDemos = new WeakMap<PlatformContext['peers'], DemoCasesSummary>();

/** What the timing service made of the demo: the banner's line and the ids the random-input sweep seeds with. */
interface TimingDemo {
  readonly line: string;
  readonly ids: readonly string[];
}

/**
 * Waits until the timing service has read the demo's events, fires what is due, and counts its clocks and cards.
 * It starts after the case demo was played, so its consumers begin with a backlog; the archived case's story is
 * the last on both intake's and the case service's streams, so once its acceptance and promised clocks have
 * stopped, everything before them has been read (each stream is consumed in order).
 */
async function timingDemo(running: RunningTiming, context: PlatformContext): Promise<TimingDemo> {
  const cases = caseDemos.get(context.peers);
  if (!cases) return { line: 'supervision (电子监察): no demo cases to time', ids: [] };
  const client = new timingV1.TimingServiceClient(`127.0.0.1:${running.grpcPort}`, grpc.credentials.createInsecure());
  const supervisorOf = async (hallId: string): Promise<grpc.Metadata> => {
    const metadata = new grpc.Metadata();
    const token = await context.signer.signStaff({
      staffId: 'demo-loader',
      roles: ['supervisor'],
      departmentId: null,
      hallId,
      regionCode: context.regionCode,
    });
    metadata.set('authorization', `Bearer ${token}`);
    return metadata;
  };
  try {
    const city = await supervisorOf(cases.hallIds['city'] ?? '');
    const clocksOf = async (caseId: string) =>
      (await callUnary(client, 'getCaseClocks', { caseId, registrationId: '' }, { metadata: city })).clocks;
    const last = cases.byKey.get('company-setup-archived');
    const K = timingV1.ClockKind;
    const caughtUp = (clocks: timingV1.Clock[]) =>
      [K.CLOCK_KIND_ACCEPTANCE, K.CLOCK_KIND_PROMISED].every((kind) => clocks.some((c) => c.kind === kind)) &&
      clocks.every((c) => c.status === timingV1.ClockStatus.CLOCK_STATUS_STOPPED);
    let behind = false;
    if (last) {
      const until = Date.now() + TIMING_CATCH_UP_MS;
      while (!caughtUp(await clocksOf(last.caseId))) {
        if (Date.now() > until) {
          behind = true;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    // What has fallen due (the demo's past included) fires now, not at the loop's next look: one step per clock
    // per claim, so until a claim finds nothing (bounded: the banner must not wait on a clock that never settles).
    for (let claim = 0; claim < 50; claim++) {
      if ((await running.service.fireDueBatch(500)).clocks.length === 0) break;
    }

    const clocks = (await Promise.all([...cases.byKey.values()].map((c) => clocksOf(c.caseId)))).flat();
    const S = timingV1.ClockStatus;
    const count = (status: timingV1.ClockStatus) => clocks.filter((c) => c.status === status).length;
    let overdue = 0;
    const cards: timingV1.Card[] = [];
    for (const hallId of Object.values(cases.hallIds)) {
      const metadata = await supervisorOf(hallId);
      overdue += (
        await callUnary(client, 'listOverdue', { hallId, departmentId: '', pageSize: 200, pageToken: '' }, { metadata })
      ).clocks.length;
      let pageToken = '';
      do {
        const page = await callUnary(
          client,
          'listCards',
          timingV1.ListCardsRequest.fromPartial({ hallId, pageSize: 200, pageToken }),
          { metadata },
        );
        cards.push(...page.cards);
        pageToken = page.nextPageToken;
      } while (pageToken);
    }
    const L = timingV1.AlertLevel;
    const standing = cards.filter((c) => c.status !== timingV1.CardStatus.CARD_STATUS_CANCELLED);
    const yellow = standing.filter((c) => c.level === L.ALERT_LEVEL_YELLOW_CARD).length;
    const cancelled = cards.length - standing.length;
    const line =
      `supervision (电子监察): ${clocks.length} clocks of the ${cases.byKey.size} demo cases (${count(S.CLOCK_STATUS_RUNNING)} running, ` +
      `${count(S.CLOCK_STATUS_PAUSED)} paused, ${count(S.CLOCK_STATUS_PARKED)} parked, ${count(S.CLOCK_STATUS_STOPPED)} stopped), ` +
      `${overdue} overdue now, ${yellow} yellow / ${standing.length - yellow} red cards` +
      (cancelled > 0 ? ` (${cancelled} more cancelled)` : '') +
      `; Wuhu's ladder in every hall` +
      (behind ? ` (still reading the demo's events after ${TIMING_CATCH_UP_MS / 1000} s)` : '');
    const ids = new Set<string>();
    for (const c of clocks)
      for (const id of [c.caseId, c.registrationId, c.hallId, c.departmentId]) if (id) ids.add(id);
    for (const c of cards) ids.add(c.id);
    return { line, ids: [...ids] };
  } finally {
    client.close();
  }
}

/**
 * The timing service's `try:` lines, as the city's supervisor: the hall's rules (Wuhu's ladder, the default), the
 * clocks of the case at 审核 (stopped acceptance, running stage, promised and statutory), this month's indicators.
 */
function timingTryLines(cases: DemoCasesSummary | undefined, address: string, staffToken: string): string[] {
  const city = cases?.hallIds['city'];
  const reviewing = cases?.byKey.get('food-business-review');
  if (!city) return [];
  const as = `-H "authorization: Bearer $(${staffToken} ${DEMO_SUPERVISOR})"`;
  const lines = [
    `grpcurl -plaintext ${as} -d '{"hallId":"${city}"}' ${address} govhall.timing.v1.TimingService/GetHallRules`,
  ];
  if (reviewing)
    lines.push(
      `grpcurl -plaintext ${as} -d '{"caseId":"${reviewing.caseId}"}' ${address} govhall.timing.v1.TimingService/GetCaseClocks`,
    );
  const month = localDateOf(new Date()).slice(0, 7);
  lines.push(
    `grpcurl -plaintext ${as} -d '{"hallId":"${city}","month":"${month}"}' ${address} govhall.timing.v1.TimingService/GetIndicators`,
  );
  return lines;
}

const timing: PlatformService = {
  name: 'timing',
  defaultPorts: DEFAULT_PORTS.timing,
  demoLast: true,
  async start(context) {
    const catalogueAddress = context.peers.get('catalogue');
    if (!catalogueAddress) throw new Error('timing reads hall calendars from the catalogue: start the catalogue first');
    const running: RunningTiming = await startTiming(
      loadTimingConfig({ ...baseEnv(context), CATALOGUE_ADDRESS: catalogueAddress }),
      baseDeps(context, 'timing'),
    );
    let demo: TimingDemo | undefined;
    return {
      grpcPort: running.grpcPort,
      httpPort: running.httpPort,
      grpcServices: running.grpcServices,
      loadDemo: async () => {
        demo = await timingDemo(running, context);
        return [demo.line];
      },
      tryLines: (grpc, staffToken) => Promise.resolve(timingTryLines(caseDemos.get(context.peers), grpc, staffToken)),
      demoIds: () => demo?.ids ?? [],
      stop: () => running.stop(),
    };
  },
};

/** How long the notify service may take to finish reading the demo's events once timing has read them. */
const NOTIFY_CATCH_UP_MS = 20_000;

const notify: PlatformService = {
  name: 'notify',
  defaultPorts: DEFAULT_PORTS.notify,
  demoLast: true,
  async start(context) {
    const catalogueAddress = context.peers.get('catalogue');
    const intakeAddress = context.peers.get('intake');
    if (!catalogueAddress || !intakeAddress)
      throw new Error('notify reads phones from intake and the catalogue: start them first');
    const outbox = join(context.dataDir, 'sms-outbox.jsonl');
    const running: RunningNotify = await startNotify(
      loadNotifyConfig({
        ...baseEnv(context),
        CATALOGUE_ADDRESS: catalogueAddress,
        INTAKE_ADDRESS: intakeAddress,
        // No provider account on a developer's machine: every SMS is a JSON line in the data folder.
        SMS_PROVIDERS: 'file',
        SMS_FILE_PATH: outbox,
        SMS_DEFAULT_SIGN_NAME: '潍坊市政务服务中心',
        // The demo's stories happened over the past weeks: their messages are still sent (to the file).
        SMS_MAX_EVENT_AGE_HOURS: String(24 * 365),
      }),
      { ...baseDeps(context, 'notify'), signer: context.signer },
    );
    let line = '';
    return {
      grpcPort: running.grpcPort,
      httpPort: running.httpPort,
      grpcServices: running.grpcServices,
      loadDemo: async () => {
        line = await notifyDemoLine(running, outbox);
        return [line];
      },
      tryLines: (grpc, staffToken) => Promise.resolve(notifyTryLines(caseDemos.get(context.peers), grpc, staffToken)),
      stop: () => running.stop(),
    };
  },
};

/**
 * Waits until notify has planned the demo's messages (its count holds still) and has sent what is due, then says
 * how many went to the outbox file and what the others wait for (quiet hours, the per-number limit, reminders).
 */
async function notifyDemoLine(running: RunningNotify, outbox: string): Promise<string> {
  const total = async () => (await running.service.tally()).reduce((sum, t) => sum + t.count, 0);
  const until = Date.now() + NOTIFY_CATCH_UP_MS;
  let last = -1;
  let still = 0;
  // Planned messages come in as notify reads the streams; three looks in a row without a change is caught up.
  while (Date.now() < until && still < 3) {
    const now = await total();
    still = now === last ? still + 1 : 0;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  for (let claim = 0; claim < 50; claim++) if ((await running.dispatcher.sendDue()) === 0) break;
  const tally = await running.service.tally();
  const of = (status: string, waitingFor?: string) =>
    tally
      .filter((t) => t.status === status && (waitingFor === undefined || t.waitingFor === waitingFor))
      .reduce((sum, t) => sum + t.count, 0);
  const waiting = [
    [of('pending', 'quiet_hours'), 'held for quiet hours (免打扰: written when they end)'],
    [of('pending', 'number_limit'), 'waiting for the per-number limit'],
    [of('pending', 'scheduled'), 'reminders waiting for their hour'],
    [of('pending', 'retry'), 'waiting for a retry'],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, what]) => `${String(n)} ${String(what)}`);
  return (
    `SMS (短信): ${of('sent') + of('delivered')} sent to ${outbox}` +
    (waiting.length > 0 ? `, ${waiting.join(', ')}` : '') +
    (of('dead') > 0 ? `, ${of('dead')} dead letters` : '') +
    (of('cancelled') > 0 ? `, ${of('cancelled')} cancelled` : '')
  );
}

/**
 * The notify service's `try:` lines: the templates (anyone), the city hall's message log and its quiet hours as
 * its administrator (中心管理员).
 */
function notifyTryLines(cases: DemoCasesSummary | undefined, address: string, staffToken: string): string[] {
  const city = cases?.hallIds['city'];
  const as = `-H "authorization: Bearer $(${staffToken} ${DEMO_ADMINISTRATOR})"`;
  const lines = [`grpcurl -plaintext ${as} -d '{}' ${address} govhall.notify.v1.NotifyService/ListTemplates`];
  if (city)
    lines.push(
      `grpcurl -plaintext ${as} -d '{"hallId":"${city}","pageSize":5}' ${address} govhall.notify.v1.NotifyService/ListDispatches`,
      `grpcurl -plaintext ${as} -d '{"hallId":"${city}"}' ${address} govhall.notify.v1.NotifyService/GetHallSettings`,
    );
  return lines;
}

/**
 * The fee service (一费制): started right after the catalogue so that the city hall's one-fee scope is set before
 * intake's demo accepts the cases whose bills open from it; its demo (confirming, issuing and paying bills) waits
 * for the cases.
 */
const fee: PlatformService = {
  name: 'fee',
  defaultPorts: DEFAULT_PORTS.fee,
  demoLast: true,
  // After timing's and notify's: by then the bus has delivered the demo's acceptances to fee too.
  demoOrder: 1,
  async start(context) {
    const catalogueAddress = context.peers.get('catalogue');
    if (!catalogueAddress)
      throw new Error('fee reads items and calendars from the catalogue: start the catalogue first');
    const running: RunningFee = await startFee(
      loadFeeConfig({ ...baseEnv(context), CATALOGUE_ADDRESS: catalogueAddress }),
      { ...baseDeps(context, 'fee'), clock: context.clock },
    );
    const scope = await demoScopeOf(catalogueAddress);
    if (scope) await configureDemoScope(running.service, scope, context.regionCode);
    return {
      grpcPort: running.grpcPort,
      httpPort: running.httpPort,
      grpcServices: running.grpcServices,
      loadDemo: async () =>
        scope ? [await loadFeeDemo(running.service, scope, context.regionCode, context.clock)] : [],
      tryLines: (grpc, staffToken) => Promise.resolve(feeTryLines(scope?.cityHallId, grpc, staffToken)),
      stop: () => running.stop(),
    };
  },
};

/** The fee service's `try:` lines, as the city's administrator: the hall's bills, its settings, the deposits report. */
function feeTryLines(city: string | undefined, address: string, staffToken: string): string[] {
  if (!city) return [];
  const as = `-H "authorization: Bearer $(${staffToken} ${DEMO_ADMINISTRATOR})"`;
  return [
    `grpcurl -plaintext ${as} -d '{"hallId":"${city}","pageSize":5}' ${address} govhall.fee.v1.FeeService/ListBills`,
    `grpcurl -plaintext ${as} -d '{"hallId":"${city}"}' ${address} govhall.fee.v1.FeeService/GetHallFeeSettings`,
    `grpcurl -plaintext ${as} -d '{"hallId":"${city}"}' ${address} govhall.fee.v1.FeeService/GetDepositReport`,
  ];
}

/** The embedded start's key for the SMS rating links' signatures (HMAC-SHA256). */
const ratingLinkKeyFile = (keysDir: string): string =>
  keyFile(keysDir, 'evaluation-rating-link.key', () => randomBytes(32).toString('hex'));

/**
 * The evaluation service (好差评, complaints, the monthly assessment): started early, beside fee, so that it reads
 * the case demo's completions and timing's cards as they are played; its demo (ratings, a rectification, a
 * complaint, last month published) waits for the completed demo cases.
 */
const evaluation: PlatformService = {
  name: 'evaluation',
  defaultPorts: DEFAULT_PORTS.evaluation,
  demoLast: true,
  // After fee's: its facts include fee's charges, and its month closes on what the others' demos produced.
  demoOrder: 2,
  async start(context) {
    const catalogueAddress = context.peers.get('catalogue');
    if (!catalogueAddress)
      throw new Error('evaluation reads staff, windows and calendars from the catalogue: start the catalogue first');
    const running: RunningEvaluation = await startEvaluation(
      loadEvaluationConfig({
        ...baseEnv(context),
        CATALOGUE_ADDRESS: catalogueAddress,
        RATING_LINK_KEY_FILE: ratingLinkKeyFile(context.keysDir),
      }),
      { ...baseDeps(context, 'evaluation'), clock: context.clock },
    );
    let demo: EvaluationDemo | undefined;
    return {
      grpcPort: running.grpcPort,
      httpPort: running.httpPort,
      grpcServices: running.grpcServices,
      loadDemo: async () => {
        const cases = caseDemos.get(context.peers);
        if (!cases) return ['evaluation (好差评): no demo cases to rate'];
        demo = await loadEvaluationDemo(running, cases, context.regionCode, context.clock);
        return [demo.line];
      },
      tryLines: (grpc, staffToken) =>
        Promise.resolve(evaluationTryLines(caseDemos.get(context.peers)?.hallIds['city'], demo, grpc, staffToken)),
      demoIds: () => demo?.ids ?? [],
      stop: () => running.stop(),
    };
  },
};

/**
 * The evaluation service's `try:` lines: last month's published assessment (anyone), and as the city's supervisor
 * the open rectifications, the open complaints and the rates by window since last month began.
 */
function evaluationTryLines(
  city: string | undefined,
  demo: EvaluationDemo | undefined,
  address: string,
  staffToken: string,
): string[] {
  if (!city || !demo) return [];
  const as = `-H "authorization: Bearer $(${staffToken} ${DEMO_SUPERVISOR})"`;
  const today = localDateOf(new Date());
  return [
    `grpcurl -plaintext -d '{"hallId":"${city}","month":"${demo.month}"}' ${address} govhall.evaluation.v1.EvaluationService/GetPublishedMonth`,
    `grpcurl -plaintext ${as} -d '{"hallId":"${city}","status":"RECTIFICATION_STATUS_OPEN"}' ${address} govhall.evaluation.v1.EvaluationService/ListRectifications`,
    `grpcurl -plaintext ${as} -d '{"hallId":"${city}","openOnly":true}' ${address} govhall.evaluation.v1.EvaluationService/ListComplaints`,
    `grpcurl -plaintext ${as} -d '{"hallId":"${city}","fromDate":"${demo.month}-01","toDate":"${today}","groupBy":"RATE_GROUPING_WINDOW"}' ${address} govhall.evaluation.v1.EvaluationService/GetEvaluationRates`,
  ];
}

/**
 * Every service of the embedded start, in start order. Adding a service is one entry here: the launcher
 * starts it, loads its demo, prints its banner line and `try:` lines, and the random-input sweep
 * (`test/fuzz.test.ts`) covers all its methods.
 */
export const PLATFORM_SERVICES: readonly PlatformService[] = [
  catalogue,
  fee,
  evaluation,
  timing,
  intake,
  caseService,
  notify,
];
