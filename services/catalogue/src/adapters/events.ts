import { CatalogueEvents } from '@govhall/contracts';
import type { EventContract, EventEnvelope, EventFactory, PayloadOf } from '@govhall/kit';
import type { CatalogueDomainEvents } from '../app/events';
import { hallHoursToProto, scheduleToProto } from './proto/calendar';
import { retiredReason } from './proto/enums';
import { openingHoursOut } from './proto/opening-hours';
import { bundleOut, cleanupOut, itemToProto } from './proto/items';
import { feeCatalogueEntryOut } from './proto/fee-catalogue';
import { departmentOut, hallOut, leaderChainOut, staffOut, windowOut } from './proto/organisation';
import { storedScheduleView } from '../domain/calendar-admin';

type Contracts = typeof CatalogueEvents;

/**
 * Each domain event's contract message. The mapped type makes the compiler check that every event the use cases
 * raise has a mapping and that each mapping builds exactly its contract's message.
 */
const toMessage: {
  readonly [K in keyof CatalogueDomainEvents]: (payload: CatalogueDomainEvents[K]) => PayloadOf<Contracts[K]>;
} = {
  hallCreated: (hall) => ({ hall: hallOut(hall) }),
  hallUpdated: (hall) => ({ hall: hallOut(hall) }),
  hallDeactivated: (hall) => ({ hall: hallOut(hall) }),
  departmentCreated: (department) => ({ department: departmentOut(department) }),
  departmentUpdated: (department) => ({ department: departmentOut(department) }),
  departmentDeactivated: (department) => ({ department: departmentOut(department) }),
  windowCreated: (window) => ({ window: windowOut(window) }),
  windowUpdated: (window) => ({ window: windowOut(window) }),
  windowDeactivated: (window) => ({ window: windowOut(window) }),
  staffCreated: (staff) => ({ staff: staffOut(staff) }),
  staffUpdated: (staff) => ({ staff: staffOut(staff) }),
  staffDeactivated: (staff) => ({ staff: staffOut(staff) }),
  leaderChainSet: (chain) => ({ leaderChain: leaderChainOut(chain) }),
  itemDrafted: (e) => ({ itemId: e.itemId, version: e.version, name: e.name, basedOnVersion: e.basedOnVersion ?? 0 }),
  itemDraftDiscarded: (e) => ({ itemId: e.itemId, version: e.version, itemRemoved: e.itemRemoved }),
  itemPublished: (e) => ({ item: itemToProto(e), supersededVersion: e.supersededVersion ?? 0 }),
  itemRetired: (e) => ({
    itemId: e.itemId,
    version: e.version,
    reason: retiredReason.toProto(e.reason),
    mergedIntoItemId: e.mergedIntoItemId ?? '',
    record: cleanupOut(e.record),
  }),
  itemFrozen: (e) => ({ itemId: e.itemId, version: e.version, frozen: true, record: cleanupOut(e.record) }),
  itemUnfrozen: (e) => ({ itemId: e.itemId, version: e.version, frozen: false, record: cleanupOut(e.record) }),
  bundleCreated: (bundle) => ({ bundle: bundleOut(bundle) }),
  bundleUpdated: (bundle) => ({ bundle: bundleOut(bundle) }),
  bundleDeactivated: (bundle) => ({ bundle: bundleOut(bundle) }),
  feeCatalogueEntryCreated: (entry) => ({ entry: feeCatalogueEntryOut(entry) }),
  feeCatalogueEntryUpdated: (entry) => ({ entry: feeCatalogueEntryOut(entry) }),
  feeCatalogueEntryCancelled: (entry) => ({ entry: feeCatalogueEntryOut(entry) }),
  calendarYearLoaded: (e) => ({
    schedule: scheduleToProto(storedScheduleView(e)),
    supersededVersion: e.supersededVersion ?? 0,
  }),
  calendarHallHoursSet: (e) => ({
    regionCode: e.regionCode,
    hours: hallHoursToProto({
      hallId: e.hallId,
      periods: e.periods,
      version: e.version,
      isDefault: false,
      setAt: e.setAt,
    }),
  }),
  openingHoursSet: (e) => ({
    openingHours: openingHoursOut(e.openingHours),
    supersededVersion: e.supersededVersion ?? 0,
  }),
  openingHoursCleared: (cleared) => ({ cleared: openingHoursOut(cleared) }),
};

/** Turns the use cases' domain events into envelopes of the catalogue's contracts. */
export function catalogueEnvelopes(factory: EventFactory) {
  return <K extends keyof CatalogueDomainEvents>(name: K, payload: CatalogueDomainEvents[K]): EventEnvelope =>
    factory.create<PayloadOf<Contracts[K]>>(
      CatalogueEvents[name] as unknown as EventContract<PayloadOf<Contracts[K]>>,
      toMessage[name](payload),
    );
}
export type CatalogueEnvelopes = ReturnType<typeof catalogueEnvelopes>;
