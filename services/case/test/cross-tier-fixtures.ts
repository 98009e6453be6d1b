import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { localDateOf } from '@govhall/calendar';
import type { RunningCatalogue } from '@govhall/catalogue';
import type { GrpcCatalogue } from '@govhall/catalogue-client';
import { IntakeEvents, intakeEventsV1, intakeV1 } from '@govhall/contracts';
import {
  eventFactory,
  generateQueryPassword,
  hashQueryPassword,
  uuidV7Ids,
  type Clock,
  type EventBus,
  type EventEnvelope,
} from '@govhall/kit';
import { freePort, waitFor } from '@govhall/testing';
import { calendarLimit } from '../src/domain/stages';

/** 食品生产许可: city/SCJG approves; accepted at city or district halls (市县联动 when a district accepts). */
export const FOOD_PRODUCTION = '11370700SCJG000105004000';

/** What a district acceptance needs from the demo directory (ids by the keys of `DemoIds`). */
export interface AcceptancePlace {
  readonly hallId: string;
  readonly windowId: string;
  readonly clerkStaffId: string;
  /** The hall's region code (the case number's prefix). */
  readonly regionCode: string;
}

export interface Acceptance {
  readonly accepted: intakeEventsV1.Accepted;
  /** The query password the applicant was given (its scrypt hash travels in the event). */
  readonly password: string;
}

let serial = 0;

/**
 * `intake.application.accepted` as intake writes it for an acceptance at `place`: the item pinned whole as the
 * catalogue answers it, the promised date on the accepting hall's working calendar, a query password's hash.
 *
 * Built here rather than through intake's Accept because intake refuses it today: a district window serves only
 * its own hall's departments (`decidingRefusal`: 该窗口不承办本事项所属部门的业务), and the item belongs to the
 * city's SCJG, so no district clerk may accept a cross-tier item through intake's API.
 */
export async function acceptanceAt(
  catalogue: GrpcCatalogue,
  itemId: string,
  place: AcceptancePlace,
  now: Date,
  applicantName: string,
): Promise<Acceptance> {
  const item = await catalogue.item(itemId, 0);
  if (!item?.content) throw new Error(`no published item ${itemId}`);
  const content = item.content;
  const year = Number(localDateOf(now).slice(0, 4));
  const calendar = await catalogue.workingCalendar(place.hallId, year, 2);
  const limit = calendarLimit(content.promisedLimit);
  if (!limit) throw new Error(`item ${itemId} promises no limit`);
  const password = generateQueryPassword();
  serial += 1;
  const day = localDateOf(now).replaceAll('-', '');
  const sequence = String((Date.now() % 90_000) + serial).padStart(5, '0');
  const accepted = intakeEventsV1.Accepted.fromPartial({
    caseId: uuidV7Ids.next(),
    caseNumber: `${place.regionCode}${day}${sequence}`,
    registrationId: uuidV7Ids.next(),
    registrationNumber: `DJ${day}${sequence}`,
    item,
    applicantId: uuidV7Ids.next(),
    applicantKind: intakeV1.ApplicantKind.APPLICANT_KIND_ORGANISATION,
    applicantName,
    materials: content.materials.map((m) => ({
      code: m.code,
      name: m.name,
      status: intakeV1.MaterialStatus.MATERIAL_STATUS_SUBMITTED,
      copies: Math.max(1, m.copies),
      originalChecked: true,
    })),
    acceptedAt: now,
    promisedLimit: content.promisedLimit,
    promisedAt: calendar.dueInstant(now, limit),
    hallId: place.hallId,
    // The registration's department is the item's (intake files it so); the clerk's own department pre-reviews.
    departmentId: content.departmentId,
    windowId: place.windowId,
    handlerStaffId: place.clerkStaffId,
    queryPasswordHash: await hashQueryPassword(password),
    channel: intakeV1.Channel.CHANNEL_HALL_WINDOW,
  });
  return { accepted, password };
}

/** Publishes the acceptance on the region's intake subjects, as intake's outbox would. */
export async function publishAcceptance(
  bus: EventBus,
  regionCode: string,
  clock: Clock,
  accepted: intakeEventsV1.Accepted,
): Promise<EventEnvelope> {
  const event = eventFactory({ clock, ids: uuidV7Ids, regionCode }).create(IntakeEvents.accepted, accepted, {
    caseId: accepted.caseId,
  });
  await bus.publish(event);
  return event;
}

/** Demo ids of a catalogue: halls by key, windows by `<hall key>/<number>`, staff by employee number. */
export interface DirectoryIds {
  readonly halls: Readonly<Record<string, string>>;
  readonly windows: Readonly<Record<string, string>>;
  readonly staff: Readonly<Record<string, { id: string; roles: string[]; departmentId: string; hallId: string }>>;
  readonly items: Readonly<Record<string, string>>;
}

export async function directoryIds(catalogue: RunningCatalogue): Promise<DirectoryIds> {
  const org = catalogue.organisation;
  const halls = await org.listHalls({ includeInactive: false });
  const key = new Map(halls.map((h) => [h.id, h.kind === 'main' ? h.tier : `${h.tier}-${h.kind}`]));
  const windows = await org.listWindows({ includeInactive: false });
  const staff = await org.listStaff({ includeInactive: false });
  const items = await catalogue.items.listItems({ status: 'published' }, { size: 500, token: '' });
  return {
    halls: Object.fromEntries(halls.map((h) => [key.get(h.id)!, h.id])),
    windows: Object.fromEntries(windows.map((w) => [`${key.get(w.hallId)}/${w.number}`, w.id])),
    staff: Object.fromEntries(
      staff.map((s) => [
        s.employeeNo,
        { id: s.id, roles: [...s.roles], departmentId: s.departmentId ?? '', hallId: s.hallId },
      ]),
    ),
    items: Object.fromEntries(items.items.map((i) => [i.content.implementationCode, i.itemId])),
  };
}

export interface CaseProcess {
  readonly address: string;
  output(): string;
  /** SIGTERM, and waits for the process to exit. */
  stop(): Promise<void>;
}

/** The case service as its own process (`node --import tsx src/main.ts`), ready once `/readyz` answers 200. */
export async function startCaseProcess(env: Record<string, string>): Promise<CaseProcess> {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'src', 'main.ts')], {
    env: { ...process.env, ...env, GRPC_PORT: String(grpcPort), HTTP_PORT: String(httpPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`case exited: ${output}`);
      return (await fetch(`http://127.0.0.1:${httpPort}/readyz`).catch(() => undefined))?.status === 200;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: 'case process ready' },
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\n--- output ---\n${output}`);
  });
  return {
    address: `127.0.0.1:${grpcPort}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** On the system clock: intake's harness gives missing years a test schedule. */
export { loadTestYears } from '@govhall/intake/testing';
