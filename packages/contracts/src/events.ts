import { defineEvents, type EventContract, type EventMessageCodec } from '@govhall/kit/events';
import * as catalogue from './gen/govhall/catalogue/v1/events';

/** One contract: its type, its payload message by full name, and the generated message's JSON methods. */
function contract<const Type extends string, T>(
  type: Type,
  messageName: string,
  message: EventMessageCodec<T>,
  schemaVersion = 1,
): EventContract<T> & { readonly type: Type } {
  return { type, schemaVersion, messageName, message };
}
const catalogueMessage = (name: string): string => `govhall.catalogue.v1.${name}`;

/**
 * The catalogue's events (`proto/govhall/catalogue/v1/events.proto`): type → payload message and schema
 * version. A consumer decodes them with `eventDecoder(CatalogueEvents, contractRegistry())` of the kit.
 */
export const CatalogueEvents = defineEvents({
  hallCreated: contract('catalogue.hall.created', catalogueMessage('HallChanged'), catalogue.HallChanged),
  hallUpdated: contract('catalogue.hall.updated', catalogueMessage('HallChanged'), catalogue.HallChanged),
  hallDeactivated: contract('catalogue.hall.deactivated', catalogueMessage('HallChanged'), catalogue.HallChanged),
  departmentCreated: contract(
    'catalogue.department.created',
    catalogueMessage('DepartmentChanged'),
    catalogue.DepartmentChanged,
  ),
  departmentUpdated: contract(
    'catalogue.department.updated',
    catalogueMessage('DepartmentChanged'),
    catalogue.DepartmentChanged,
  ),
  departmentDeactivated: contract(
    'catalogue.department.deactivated',
    catalogueMessage('DepartmentChanged'),
    catalogue.DepartmentChanged,
  ),
  windowCreated: contract('catalogue.window.created', catalogueMessage('WindowChanged'), catalogue.WindowChanged),
  windowUpdated: contract('catalogue.window.updated', catalogueMessage('WindowChanged'), catalogue.WindowChanged),
  windowDeactivated: contract(
    'catalogue.window.deactivated',
    catalogueMessage('WindowChanged'),
    catalogue.WindowChanged,
  ),
  staffCreated: contract('catalogue.staff.created', catalogueMessage('StaffChanged'), catalogue.StaffChanged),
  staffUpdated: contract('catalogue.staff.updated', catalogueMessage('StaffChanged'), catalogue.StaffChanged),
  staffDeactivated: contract('catalogue.staff.deactivated', catalogueMessage('StaffChanged'), catalogue.StaffChanged),
  leaderChainSet: contract('catalogue.leader_chain.set', catalogueMessage('LeaderChainSet'), catalogue.LeaderChainSet),
  itemDrafted: contract('catalogue.item.drafted', catalogueMessage('ItemDrafted'), catalogue.ItemDrafted),
  itemDraftDiscarded: contract(
    'catalogue.item.draft_discarded',
    catalogueMessage('ItemDraftDiscarded'),
    catalogue.ItemDraftDiscarded,
  ),
  itemPublished: contract('catalogue.item.published', catalogueMessage('ItemPublished'), catalogue.ItemPublished),
  itemRetired: contract('catalogue.item.retired', catalogueMessage('ItemRetired'), catalogue.ItemRetired),
  itemFrozen: contract('catalogue.item.frozen', catalogueMessage('ItemFreezeChanged'), catalogue.ItemFreezeChanged),
  itemUnfrozen: contract('catalogue.item.unfrozen', catalogueMessage('ItemFreezeChanged'), catalogue.ItemFreezeChanged),
  bundleCreated: contract(
    'catalogue.item_bundle.created',
    catalogueMessage('ItemBundleChanged'),
    catalogue.ItemBundleChanged,
  ),
  bundleUpdated: contract(
    'catalogue.item_bundle.updated',
    catalogueMessage('ItemBundleChanged'),
    catalogue.ItemBundleChanged,
  ),
  bundleDeactivated: contract(
    'catalogue.item_bundle.deactivated',
    catalogueMessage('ItemBundleChanged'),
    catalogue.ItemBundleChanged,
  ),
  calendarYearLoaded: contract(
    'catalogue.calendar.year_loaded',
    catalogueMessage('CalendarYearLoaded'),
    catalogue.CalendarYearLoaded,
  ),
  calendarHallHoursSet: contract(
    'catalogue.calendar.hall_hours_set',
    catalogueMessage('CalendarHallHoursSet'),
    catalogue.CalendarHallHoursSet,
  ),
  feeCatalogueEntryCreated: contract(
    'catalogue.fee_catalogue_entry.created',
    catalogueMessage('FeeCatalogueEntryChanged'),
    catalogue.FeeCatalogueEntryChanged,
  ),
  feeCatalogueEntryUpdated: contract(
    'catalogue.fee_catalogue_entry.updated',
    catalogueMessage('FeeCatalogueEntryChanged'),
    catalogue.FeeCatalogueEntryChanged,
  ),
  feeCatalogueEntryCancelled: contract(
    'catalogue.fee_catalogue_entry.cancelled',
    catalogueMessage('FeeCatalogueEntryChanged'),
    catalogue.FeeCatalogueEntryChanged,
  ),
  openingHoursSet: contract(
    'catalogue.opening_hours.set',
    catalogueMessage('OpeningHoursSet'),
    catalogue.OpeningHoursSet,
  ),
  openingHoursCleared: contract(
    'catalogue.opening_hours.cleared',
    catalogueMessage('OpeningHoursCleared'),
    catalogue.OpeningHoursCleared,
  ),
});
