import type { Department, Hall, LeaderChain, Window } from '../domain/organisation';
import type { ItemBundle } from '../domain/items';
import type { FeeCatalogueEntry } from '../domain/fee-catalogue';
import type { HallHoursSetEvent, YearLoadedEvent } from './calendar-service';
import type { ItemDraftedEvent, ItemFreezeEvent, ItemRetiredEvent, ItemView } from './item-service';
import type { OpeningHoursSetEvent } from './opening-hours-service';
import type { StoredOpeningHours } from '../domain/opening-hours';
import type { PublicStaff } from './organisation-service';

/**
 * The catalogue's events as its use cases raise them: by the name of their contract in `CatalogueEvents`
 * (@govhall/contracts), with a domain payload. The event adapter (`src/adapters/events.ts`) turns them into contract
 * messages and envelopes, so use cases neither build envelopes nor know proto types.
 */
export interface CatalogueDomainEvents {
  hallCreated: Hall;
  hallUpdated: Hall;
  hallDeactivated: Hall;
  departmentCreated: Department;
  departmentUpdated: Department;
  departmentDeactivated: Department;
  windowCreated: Window;
  windowUpdated: Window;
  windowDeactivated: Window;
  staffCreated: PublicStaff;
  staffUpdated: PublicStaff;
  staffDeactivated: PublicStaff;
  leaderChainSet: LeaderChain;
  itemDrafted: ItemDraftedEvent;
  itemDraftDiscarded: { readonly itemId: string; readonly version: number; readonly itemRemoved: boolean };
  itemPublished: ItemView & { readonly supersededVersion: number | null };
  itemRetired: ItemRetiredEvent;
  itemFrozen: ItemFreezeEvent;
  itemUnfrozen: ItemFreezeEvent;
  bundleCreated: ItemBundle;
  bundleUpdated: ItemBundle;
  bundleDeactivated: ItemBundle;
  calendarYearLoaded: YearLoadedEvent;
  calendarHallHoursSet: HallHoursSetEvent;
  feeCatalogueEntryCreated: FeeCatalogueEntry;
  feeCatalogueEntryUpdated: FeeCatalogueEntry;
  feeCatalogueEntryCancelled: FeeCatalogueEntry;
  openingHoursSet: OpeningHoursSetEvent;
  /** The schedule that was in force. */
  openingHoursCleared: StoredOpeningHours;
}

/** Raises one event with the command's commit (see `CommandScope.emit`). */
export type Emit = <K extends keyof CatalogueDomainEvents>(name: K, payload: CatalogueDomainEvents[K]) => void;
