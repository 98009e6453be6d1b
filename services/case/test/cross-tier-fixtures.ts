import { join } from 'node:path';
import { localDateOf } from '@govhall/calendar';
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
import { startServiceProcess } from '@govhall/testing';
import { calendarLimit } from '../src/domain/stages';

/** 食品生产许可: city/SCJG approves; accepted at city or district halls (市县联动 when a district accepts). */
export const FOOD_PRODUCTION = '11370700SCJG000105004000';

/** What a district acceptance needs from the demo directory (ids by the keys of intake's `DemoIds`). */
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

export interface CaseProcess {
  readonly address: string;
  output(): string;
  /** SIGTERM, and waits for the process to exit. */
  stop(): Promise<void>;
}

/** The case service as its own process (`node --import tsx src/main.ts`), ready once `/readyz` answers 200. */
export async function startCaseProcess(env: Record<string, string>): Promise<CaseProcess> {
  const started = await startServiceProcess(join(__dirname, '..', 'src', 'main.ts'), env);
  return {
    address: `127.0.0.1:${started.grpcPort}`,
    output: started.output,
    stop: async () => {
      await started.stop();
    },
  };
}
