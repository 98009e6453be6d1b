import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  loadDemoFeeCatalogue,
  loadDemoItems,
  loadDemoOpeningHours,
  loadDemoOrganisation,
  type RunningCatalogue,
} from '@govhall/catalogue';
import { ScheduleMissingError, defaultNationalSchedule, localDateOf } from '@govhall/calendar';
import { IntakeEvents, contractRegistry } from '@govhall/contracts';
import {
  FakeClock,
  bearerInterceptor,
  createDatabase,
  eventDecoder,
  type Clock,
  type Database,
  type EventEnvelope,
  type EventOf,
  type Logger,
  type SigningKey,
  type TokenSigner,
} from '@govhall/kit';
import type * as grpc from '@grpc/grpc-js';
import {
  createTestDatabase,
  readStream,
  sharedNatsUrl,
  startServiceProcess,
  uniqueRegionCode,
  waitFor,
  type TestDatabase,
} from '@govhall/testing';
import {
  startCatalogueForTest,
  testCallerKey,
  type CatalogueForTestOptions,
  type CatalogueUnderTest,
} from '../../catalogue/test/start-for-test';
import type { IntakeTables } from '../src/adapters/store/tables';
import { residentIdCheckChar } from '../src/domain/identity';
import { loadIntakeConfig } from '../src/config';
import { startIntake, type RunningIntake } from '../src/main';

/** A Monday of 2026 in working hours (the calendar data holds 2026): the default time of intake tests. */
export const TEST_NOW = '2026-10-12T09:30:00+08:00';

export interface IntakeUnderTest {
  readonly region: string;
  readonly catalogue: RunningCatalogue;
  readonly running: RunningIntake;
  /** `127.0.0.1:<intake grpc port>` */
  readonly address: string;
  readonly catalogueAddress: string;
  /** The clock intake runs on (a FakeClock at TEST_NOW unless the test gave its own). */
  readonly clock: Clock;
  /** Intake's own database, for assertions made straight in SQL. */
  readonly database: Database<IntakeTables>;
  /** The environment intake was started with (a second process gets the same, with its own ports). */
  readonly env: Record<string, string>;
  /** Client options calling as a demo staff member (by employee number, e.g. 700SCJG01). */
  as(employeeNo: string): Promise<grpc.ChannelOptions & { interceptors: grpc.Interceptor[] }>;
  /** A token of a demo staff member. */
  tokenOf(employeeNo: string): Promise<string>;
  /** The signer of the key the services trust (staff and any service), e.g. for notify's service token. */
  readonly signer: TokenSigner;
  /** That key, for a service started as its own process (AUTH_SIGNING_KEY_FILE, AUTH_SIGNING_KEY_ID). */
  readonly signingKey: SigningKey;
  /** Ids of the demo directory: halls by tier, departments by `<hall tier>/<code>`, windows by number. */
  demo(): Promise<DemoIds>;
  stop(): Promise<void>;
}

export interface DemoIds {
  readonly halls: Readonly<Record<string, string>>;
  readonly departments: Readonly<Record<string, string>>;
  /** `<hall tier>/<window number>` → id. */
  readonly windows: Readonly<Record<string, string>>;
  /** Implementation code → item id. */
  readonly items: Readonly<Record<string, string>>;
  /** Employee number → staff id. */
  readonly staff: Readonly<Record<string, string>>;
}

/**
 * The catalogue with the whole demo directory and catalogue (Weifang 370700's halls, departments, windows, staff
 * and published items, in a region of the test's own) and intake wired as main.ts wires it, on one fresh
 * database, the shared nats-server, free ports.
 */
export async function startIntakeForTest(options: { clock?: Clock; logger?: Logger } = {}): Promise<IntakeUnderTest> {
  const region = uniqueRegionCode();
  const testDatabase: TestDatabase = await createTestDatabase();
  const callerKey = testCallerKey();
  const { trustedKeysFile } = callerKey;
  const personalDataKeyFile = join(dirname(trustedKeysFile), 'personal-data.key');
  writeFileSync(personalDataKeyFile, randomBytes(32).toString('hex'));
  const signer = callerKey.key.signer();
  const clock = options.clock ?? new FakeClock(TEST_NOW);

  const demoCatalogue = await startDemoCatalogue({
    databaseUrl: testDatabase.url,
    region,
    callerKey,
    ...(clock instanceof FakeClock ? {} : { testYearsAt: clock.now() }),
  });
  const catalogue = demoCatalogue.running;
  const catalogueAddress = demoCatalogue.address;

  const env: Record<string, string> = {
    REGION_CODE: region,
    DATABASE_URL: testDatabase.url,
    NATS_URL: sharedNatsUrl(),
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    OUTBOX_POLL_MS: '50',
    AUTH_TRUSTED_KEYS_FILE: trustedKeysFile,
    PERSONAL_DATA_KEY_FILE: personalDataKeyFile,
    CATALOGUE_ADDRESS: catalogueAddress,
  };
  const running = await startIntake(loadIntakeConfig({ ...env, GRPC_PORT: '0', HTTP_PORT: '0' }), {
    clock,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const database = createDatabase<IntakeTables>({ url: testDatabase.url, schema: 'intake', poolMax: 2 });

  let demoIds: DemoIds | undefined;
  const demo = async (): Promise<DemoIds> => (demoIds ??= await demoIdsOf(catalogue));
  const tokenOf = async (employeeNo: string): Promise<string> =>
    signAsStaff(signer, await demoStaffOf(catalogue, employeeNo), region);
  return {
    region,
    catalogue,
    running,
    signer,
    signingKey: callerKey.key,
    address: `127.0.0.1:${running.grpcPort}`,
    catalogueAddress,
    clock,
    database,
    env,
    as: async (employeeNo) => ({ interceptors: [bearerInterceptor(await tokenOf(employeeNo))] }),
    tokenOf,
    demo,
    stop: async () => {
      await database.close();
      await running.stop();
      await demoCatalogue.stop();
      await testDatabase.drop();
    },
  };
}

/**
 * The catalogue (startCatalogueForTest) with the whole demo loaded through its use cases: Weifang 370700's halls,
 * departments, windows, staff, fee catalogue, published items and opening hours; with `testYearsAt`, the test
 * years of loadTestYears too.
 */
export async function startDemoCatalogue(
  options: CatalogueForTestOptions & { readonly testYearsAt?: Date } = {},
): Promise<CatalogueUnderTest> {
  const under = await startCatalogueForTest(options);
  const catalogue = under.running;
  try {
    await loadDemoOrganisation(catalogue.organisation);
    await loadDemoFeeCatalogue(catalogue.feeCatalogue, catalogue.organisation);
    await loadDemoItems(catalogue.items, catalogue.organisation, undefined, catalogue.feeCatalogue);
    await loadDemoOpeningHours(catalogue.openingHours, catalogue.organisation);
    if (options.testYearsAt) await loadTestYears(catalogue, options.testYearsAt);
  } catch (error) {
    await under.stop();
    throw error;
  }
  return under;
}

/**
 * Ids of a catalogue's demo directory: halls by tier (`city`, or `<tier>-<kind>` for a hall that is not a main
 * one), departments by `<hall key>/<code>`, windows by `<hall key>/<number>`, published items, staff.
 */
export async function demoIdsOf(catalogue: RunningCatalogue): Promise<DemoIds> {
  const org = catalogue.organisation;
  const halls = await org.listHalls({ includeInactive: false });
  const hallTier = new Map(halls.map((h) => [h.id, h.kind === 'main' ? h.tier : `${h.tier}-${h.kind}`]));
  const departments = await org.listDepartments({ includeInactive: false });
  const windows = await org.listWindows({ includeInactive: false });
  const staff = await org.listStaff({ includeInactive: false });
  const items = await catalogue.items.listItems({ status: 'published' }, { size: 500, token: '' });
  return {
    halls: Object.fromEntries(halls.map((h) => [hallTier.get(h.id)!, h.id])),
    departments: Object.fromEntries(departments.map((d) => [`${hallTier.get(d.hallId)}/${d.code}`, d.id])),
    windows: Object.fromEntries(windows.map((w) => [`${hallTier.get(w.hallId)}/${w.number}`, w.id])),
    items: Object.fromEntries(items.items.map((i) => [i.content.implementationCode, i.itemId])),
    staff: Object.fromEntries(staff.map((s) => [s.employeeNo, s.id])),
  };
}

/** A staff member as the directory holds them: what their token asserts. */
export interface StaffOnFile {
  readonly id: string;
  readonly roles: readonly string[];
  readonly departmentId: string | null;
  readonly hallId: string;
}

/** The active demo staff member with that employee number (e.g. 700SCJG01). */
export async function demoStaffOf(catalogue: RunningCatalogue, employeeNo: string): Promise<StaffOnFile> {
  const staff = (await catalogue.organisation.listStaff({ includeInactive: false })).find(
    (s) => s.employeeNo === employeeNo,
  );
  if (!staff) throw new Error(`no demo staff member ${employeeNo}`);
  return { id: staff.id, roles: [...staff.roles], departmentId: staff.departmentId, hallId: staff.hallId };
}

/** A token of `staff`, calling in `regionCode`. */
export function signAsStaff(signer: TokenSigner, staff: StaffOnFile, regionCode: string): Promise<string> {
  return signer.signStaff({
    staffId: staff.id,
    roles: [...staff.roles],
    departmentId: staff.departmentId || null,
    hallId: staff.hallId,
    regionCode,
  });
}

/**
 * On the system clock (tests with a second process, which cannot share a FakeClock): this year and the next, when
 * the chinese-days data does not carry them, get a national test schedule (New Year, weekends), so that a deadline
 * computed today never meets a missing year whatever the date the suite runs on.
 */
export async function loadTestYears(catalogue: RunningCatalogue, now: Date): Promise<void> {
  const year = Number(localDateOf(now).slice(0, 4));
  for (const y of [year, year + 1]) {
    try {
      defaultNationalSchedule(y);
    } catch (error) {
      if (!(error instanceof ScheduleMissingError)) throw error;
      await catalogue.calendar.loadYearSchedule(
        { requestId: `test-year-000000-${y}` },
        {
          regionCode: '000000',
          year: y,
          holidays: [{ date: `${y}-01-01`, name: '元旦' }],
          makeUpWorkdays: [],
          note: 'tests: New Year and weekends only',
        },
      );
    }
  }
}

export interface IntakeProcess {
  readonly child: ChildProcess;
  readonly address: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A second intake as its own process (`node --import tsx src/main.ts`), on the same database, bus and catalogue
 * as `under`: real-mode replicas for concurrency tests. It runs on the system clock.
 */
export async function startIntakeProcess(under: IntakeUnderTest): Promise<IntakeProcess> {
  const started = await startServiceProcess(join(__dirname, '..', 'src', 'main.ts'), under.env);
  return {
    child: started.child,
    address: `127.0.0.1:${started.grpcPort}`,
    output: started.output,
    stop: async () => {
      await started.stop();
    },
  };
}

/**
 * Waits until intake's outbox holds nothing unpublished: every event committed so far is on the stream (the
 * relay marks a row once JetStream acknowledged it). A barrier before asserting that an event came only once.
 */
export async function outboxDrained(under: IntakeUnderTest): Promise<void> {
  await waitFor(
    async () => {
      const row = await under.database.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('published_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n) === 0;
    },
    { what: 'intake outbox drained' },
  );
}

export type IntakeEvent = EventOf<typeof IntakeEvents>;
const decode = eventDecoder(IntakeEvents, contractRegistry());

/** Every event on a region's intake stream, decoded through the contracts as a consumer would. */
export async function intakeEventsOn(region: string): Promise<IntakeEvent[]> {
  const stored = await readStream(sharedNatsUrl(), `INTAKE_${region}`);
  return stored.map((message) => {
    const event = decode(message.json as EventEnvelope);
    if (!event) throw new Error(`event of an unknown type on the stream: ${JSON.stringify(message.json)}`);
    return event;
  });
}

/** The events of one type, with their payloads typed. */
export async function intakeEventsOf<T extends IntakeEvent['type']>(
  region: string,
  type: T,
): Promise<Extract<IntakeEvent, { type: T }>[]> {
  return (await intakeEventsOn(region)).filter((e): e is Extract<IntakeEvent, { type: T }> => e.type === type);
}

/** Waits until the stream holds events of `type` that `match`, at least `n`, and answers them. */
export async function intakeEventsUntil<T extends IntakeEvent['type']>(
  region: string,
  type: T,
  match: (e: Extract<IntakeEvent, { type: T }>) => boolean,
  n = 1,
): Promise<Extract<IntakeEvent, { type: T }>[]> {
  let found: Extract<IntakeEvent, { type: T }>[] = [];
  await waitFor(async () => (found = (await intakeEventsOf(region, type)).filter(match)).length >= n, {
    timeoutMs: 15_000,
    intervalMs: 100,
    what: `${n} ${type}`,
  });
  return found;
}

/** A valid resident ID number, for tests that register applicants: `first17` and its GB 11643 check character. */
export const residentId = (first17: string): string => first17 + residentIdCheckChar(first17);
