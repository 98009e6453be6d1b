import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileRegistry, fromBinary, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, type FileDescriptorSet } from '@bufbuild/protobuf/wkt';

/** Folder holding the .proto sources. */
export const PROTO_ROOT = join(__dirname, '..', '..', '..', 'proto');

/**
 * Every contract as one `google.protobuf.FileDescriptorSet`, built by `buf build` in `pnpm generate` (imports and
 * comments included, so reflection clients see the well-known types and the docs). It is the run-time source for
 * server reflection, for decoding diagnostics and for validating event payloads.
 */
export const DESCRIPTOR_SET_PATH = join(__dirname, 'gen', 'descriptors.binpb');

let descriptorSet: FileDescriptorSet | undefined;
let registry: FileRegistry | undefined;

/** The descriptor set of every contract, read once. */
export function contractDescriptors(): FileDescriptorSet {
  descriptorSet ??= fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET_PATH));
  return descriptorSet;
}

/** A protobuf-es registry over `contractDescriptors()`: look up any message, enum or service by full name. */
export function contractRegistry(): FileRegistry {
  registry ??= createFileRegistry(contractDescriptors());
  return registry;
}

/** The catalogue service's organisation directory contract (package govhall.catalogue.v1). */
export * as catalogueV1 from './gen/govhall/catalogue/v1/organisation';
/** The catalogue service's item contract (事项目录: items, versions, materials, fees, bundles; same package). */
export * as catalogueItemsV1 from './gen/govhall/catalogue/v1/items';
/** The catalogue service's working-time calendar data (year schedules per region, hall working hours; same package). */
export * as catalogueCalendarV1 from './gen/govhall/catalogue/v1/calendar';
/** The catalogue service's opening hours (开放时间 per hall, window kind or window; same package). */
export * as catalogueOpeningHoursV1 from './gen/govhall/catalogue/v1/opening_hours';
/** The catalogue service's fee catalogue (行政事业性收费目录 per hall; same package). */
export * as catalogueFeeCatalogueV1 from './gen/govhall/catalogue/v1/fee_catalogue';
/** The catalogue's event payloads (events.proto; same package). */
export * as catalogueEventsV1 from './gen/govhall/catalogue/v1/events';
/** The intake service's contracts (package govhall.intake.v1): the queue, appointments, registration and decisions. */
export * as intakeQueueV1 from './gen/govhall/intake/v1/queue';
export * as intakeAppointmentsV1 from './gen/govhall/intake/v1/appointments';
export * as intakeV1 from './gen/govhall/intake/v1/intake';
export * as intakeEventsV1 from './gen/govhall/intake/v1/events';
/** The case service: CaseService and the case, its stages, parts and action log (package govhall.case.v1). */
export * as caseV1 from './gen/govhall/case/v1/case';
/** The case service's event payloads (package govhall.case.v1). */
export * as caseEventsV1 from './gen/govhall/case/v1/events';
/** The timing service (电子监察): clocks, cards, supervision rules, indicators (package govhall.timing.v1). */
export * as timingV1 from './gen/govhall/timing/v1/timing';
/** The timing service's event payloads (package govhall.timing.v1). */
export * as timingEventsV1 from './gen/govhall/timing/v1/events';
/** The notification service (短信通知): templates, the dispatch log, hall settings (package govhall.notify.v1). */
export * as notifyV1 from './gen/govhall/notify/v1/notify';
/** The notification service's event payloads (package govhall.notify.v1). */
export * as notifyEventsV1 from './gen/govhall/notify/v1/events';
/** The fee service (一费制): bills, payments, receipts, refunds, settlement, deposits (package govhall.fee.v1). */
export * as feeV1 from './gen/govhall/fee/v1/fee';
/** The fee service's event payloads (package govhall.fee.v1). */
export * as feeEventsV1 from './gen/govhall/fee/v1/events';
/** The evaluation service (好差评, complaints, return visits, the monthly assessment; package govhall.evaluation.v1). */
export * as evaluationV1 from './gen/govhall/evaluation/v1/evaluation';
/** The evaluation service's event payloads (package govhall.evaluation.v1). */
export * as evaluationEventsV1 from './gen/govhall/evaluation/v1/events';
export {
  CatalogueEvents,
  IntakeEvents,
  CaseEvents,
  TimingEvents,
  NotifyEvents,
  FeeEvents,
  EvaluationEvents,
} from './events';
