import {
  CaseEvents,
  FeeEvents,
  contractRegistry,
  caseV1,
  catalogueItemsV1,
  type feeEventsV1,
} from '@govhall/contracts';
import {
  JetStreamBus,
  eventDecoder,
  eventFactory,
  fieldViolationsOf,
  streamFor,
  uuidV7Ids,
  type Clock,
  type EventEnvelope,
  type EventOf,
} from '@govhall/kit';
import { readStream, sharedNatsUrl, waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import type { CaseUnderTest, OpenSpec } from './start-for-test';

// Helpers of the case integration tests: the case stream decoded as a consumer decodes it, refusals asserted by
// status code and message, and the demo's food business licence case.

export type CaseEvent = EventOf<typeof CaseEvents>;
const decode = eventDecoder(CaseEvents, contractRegistry());

/** Every event on the region's case stream, decoded as a consumer would. */
export function caseEventsOn(region: string): Promise<CaseEvent[]> {
  return decodedCaseEvents(region, () => true);
}

/** Waits until the region's case stream holds at least `count` events of `type` that `match`, and answers them. */
export async function caseEventsCounted<T extends CaseEvent['type']>(
  region: string,
  type: T,
  match: (e: Extract<CaseEvent, { type: T }>) => boolean,
  count: number,
): Promise<Extract<CaseEvent, { type: T }>[]> {
  let found: Extract<CaseEvent, { type: T }>[] = [];
  await waitFor(
    async () => {
      found = ofType(await caseEventsOn(region), type).filter((e) => match(e));
      return found.length >= count;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `${count} × ${type}` },
  );
  return found;
}

/** Every event of one case on the region's case stream (`hall.<region>.case.>`), in stream order. */
export function caseEventsOf(region: string, caseId: string): Promise<CaseEvent[]> {
  return decodedCaseEvents(region, (envelope) => envelope.caseId === caseId);
}

/** The region's case stream in stream order, the envelopes `keep` takes decoded; fails on an unknown type. */
async function decodedCaseEvents(region: string, keep: (envelope: EventEnvelope) => boolean): Promise<CaseEvent[]> {
  const stored = await readStream(sharedNatsUrl(), `CASE_${region}`);
  const out: CaseEvent[] = [];
  for (const message of stored) {
    const envelope = message.json as EventEnvelope;
    if (!message.subject.startsWith(`hall.${region}.case.`)) throw new Error(`subject ${message.subject}`);
    if (!keep(envelope)) continue;
    const event = decode(envelope);
    if (!event) throw new Error(`an event of an unknown type on the stream: ${envelope.type}`);
    out.push(event);
  }
  return out;
}

/** Waits until the case's events include one of `type` (matching `where`), then answers them all. */
export async function caseEventsUntil(
  region: string,
  caseId: string,
  type: CaseEvent['type'],
  where: (e: CaseEvent) => boolean = () => true,
): Promise<CaseEvent[]> {
  let events: CaseEvent[] = [];
  await waitFor(
    async () => {
      events = await caseEventsOf(region, caseId);
      return events.some((e) => e.type === type && where(e));
    },
    { timeoutMs: 15_000, intervalMs: 50, what: `${type} of case ${caseId} on the stream` },
  );
  return events;
}

export function ofType<T extends CaseEvent['type']>(
  events: readonly CaseEvent[],
  type: T,
): Extract<CaseEvent, { type: T }>[] {
  return events.filter((e): e is Extract<CaseEvent, { type: T }> => e.type === type);
}

const stageName = (stage: catalogueItemsV1.ProcessStage | undefined) => (stage ?? '').replace('PROCESS_STAGE_', '');

/** The events as `type` or `type:STAGE` for the stage events: readable sequences to compare. */
export function eventTrail(events: readonly CaseEvent[]): string[] {
  return events.map((e) =>
    e.type === 'case.stage.entered' || e.type === 'case.stage.completed'
      ? `${e.type}:${stageName(e.data.stage?.stage)}`
      : e.type,
  );
}

/** Stage records as `STAGE:STATUS`. */
export function stageTrail(c: caseV1.Case | undefined): string[] {
  return (c?.stages ?? []).map((s) => `${stageName(s.stage)}:${s.status.replace('STAGE_STATUS_', '')}`);
}

/** Awaits a refusal: its status (by name, for readable failures) and texts its message must contain, in order. */
export async function refused(
  call: Promise<unknown>,
  code: grpc.status,
  ...texts: (string | RegExp)[]
): Promise<grpc.ServiceError> {
  const error = await call.then(
    (answer) => {
      throw new Error(`expected ${grpc.status[code]}, got an answer: ${JSON.stringify(answer).slice(0, 300)}`);
    },
    (e: unknown) => e as grpc.ServiceError,
  );
  expect(`${grpc.status[error.code]}: ${error.details}`).toMatch(
    new RegExp(
      `^${grpc.status[code]}: .*${texts.map((t) => (typeof t === 'string' ? escapeRegExp(t) : t.source)).join('[\\s\\S]*')}`,
      's',
    ),
  );
  return error;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Awaits INVALID_ARGUMENT naming `field` among its violations. */
export async function invalid(call: Promise<unknown>, field: string): Promise<grpc.ServiceError> {
  const error = await refused(call, grpc.status.INVALID_ARGUMENT, field);
  expect(fieldViolationsOf(error).map((v) => v.field)).toContain(field);
  return error;
}

export const S = caseV1.CaseStatus;
export const D = caseV1.DecisionKind;
export const P = catalogueItemsV1.ProcessStage;
export const WORKING_DAYS = catalogueItemsV1.LimitUnit.LIMIT_UNIT_WORKING_DAYS;

export const WINDOW_DELIVERY: caseV1.DeliverAction = {
  method: caseV1.DeliveryMethod.DELIVERY_METHOD_WINDOW,
  windowId: '',
  expressCompany: '',
  trackingNumber: '',
};

/** Beijing time, for readable expected instants. */
export { cst as at } from '../src/domain/spec-fixtures';

/** 食品经营许可 at the city hall (承诺件, 一审): registered at A01 by 700GLB01, accepted at B02 by 700SCJG01. */
export const FOOD: OpenSpec = {
  item: '11370700SCJG000105003000',
  hall: 'city',
  frontDesk: '700GLB01',
  clerk: '700SCJG01',
  frontWindow: 'A01',
  acceptWindow: 'B02',
  situationCodes: ['COMPANY'],
};

/** Shortcuts over the demo of the city hall, for a CaseUnderTest started in `beforeAll`. */
export function cityShortcuts(under: () => CaseUnderTest) {
  return {
    staff: (no: string) => under().demo.staff[no]!,
    scjg: () => under().demo.departments['city/SCJG']!,
    city: () => under().demo.halls['city']!,
    approve: (no: string, caseId: string) =>
      under().act(no, { caseId, approve: { opinion: '准予许可', attachments: [], upperAuthority: '' } }),
  };
}

/** The fee service as the case service sees it: its stream, and `fee.case.fees_paid` published as its outbox would. */
export interface FeeServiceStandIn {
  /** Publishes fee.case.fees_paid for the case (a fresh event id each call) and answers the envelope. */
  feesPaid(paid: Partial<feeEventsV1.CaseFeesPaid> & { caseId: string }): Promise<EventEnvelope>;
  /** Publishes an envelope again (a redelivery: same id). */
  publish(event: EventEnvelope): Promise<void>;
  close(): Promise<void>;
}

/** A publisher on the region's FEE stream (`streamFor('fee', region)`, created as the fee service creates it). */
export async function feeServiceStandIn(region: string, clock: Clock): Promise<FeeServiceStandIn> {
  const bus = await JetStreamBus.connect({ servers: sharedNatsUrl(), name: 'fee-stand-in' });
  await bus.ensureStream(streamFor('fee', region));
  const events = eventFactory({ clock, ids: uuidV7Ids, regionCode: region });
  return {
    feesPaid: async (paid) => {
      const payload = { caseNumber: '', billIds: [], paidFen: 0, ...paid };
      const event = events.create(FeeEvents.caseFeesPaid, payload, { caseId: paid.caseId });
      await bus.publish(event);
      return event;
    },
    publish: async (event) => {
      await bus.publish(event);
    },
    close: () => bus.close(),
  };
}

/** Waits until the case shows `status` to `employeeNo`, and answers it. */
export async function feeStatusReached(
  under: CaseUnderTest,
  employeeNo: string,
  caseId: string,
  status: caseV1.CaseFeeStatus,
): Promise<caseV1.Case> {
  let found: caseV1.Case | undefined;
  await waitFor(
    async () => {
      found = (await under.getCase(employeeNo, caseId)).case;
      return found?.feeStatus === status;
    },
    { timeoutMs: 15_000, intervalMs: 50, what: `case ${caseId} ${status}` },
  );
  return found!;
}
