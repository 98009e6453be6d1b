import { defineEvents } from '@govhall/kit/events';
import * as catalogue from './gen/govhall/catalogue/v1/events';

const v1 = 1;
const catalogueMessage = (name: string): string => `govhall.catalogue.v1.${name}`;

/**
 * The catalogue's events (`proto/govhall/catalogue/v1/events.proto`): type → payload message and schema
 * version. A consumer decodes them with `eventDecoder(CatalogueEvents, contractRegistry())` of the kit.
 */
export const CatalogueEvents = defineEvents({
  hallCreated: {
    type: 'catalogue.hall.created',
    schemaVersion: v1,
    messageName: catalogueMessage('HallChanged'),
    message: catalogue.HallChanged,
  },
  hallUpdated: {
    type: 'catalogue.hall.updated',
    schemaVersion: v1,
    messageName: catalogueMessage('HallChanged'),
    message: catalogue.HallChanged,
  },
  hallDeactivated: {
    type: 'catalogue.hall.deactivated',
    schemaVersion: v1,
    messageName: catalogueMessage('HallChanged'),
    message: catalogue.HallChanged,
  },
  departmentCreated: {
    type: 'catalogue.department.created',
    schemaVersion: v1,
    messageName: catalogueMessage('DepartmentChanged'),
    message: catalogue.DepartmentChanged,
  },
  departmentUpdated: {
    type: 'catalogue.department.updated',
    schemaVersion: v1,
    messageName: catalogueMessage('DepartmentChanged'),
    message: catalogue.DepartmentChanged,
  },
  departmentDeactivated: {
    type: 'catalogue.department.deactivated',
    schemaVersion: v1,
    messageName: catalogueMessage('DepartmentChanged'),
    message: catalogue.DepartmentChanged,
  },
  windowCreated: {
    type: 'catalogue.window.created',
    schemaVersion: v1,
    messageName: catalogueMessage('WindowChanged'),
    message: catalogue.WindowChanged,
  },
  windowUpdated: {
    type: 'catalogue.window.updated',
    schemaVersion: v1,
    messageName: catalogueMessage('WindowChanged'),
    message: catalogue.WindowChanged,
  },
  windowDeactivated: {
    type: 'catalogue.window.deactivated',
    schemaVersion: v1,
    messageName: catalogueMessage('WindowChanged'),
    message: catalogue.WindowChanged,
  },
  staffCreated: {
    type: 'catalogue.staff.created',
    schemaVersion: v1,
    messageName: catalogueMessage('StaffChanged'),
    message: catalogue.StaffChanged,
  },
  staffUpdated: {
    type: 'catalogue.staff.updated',
    schemaVersion: v1,
    messageName: catalogueMessage('StaffChanged'),
    message: catalogue.StaffChanged,
  },
  staffDeactivated: {
    type: 'catalogue.staff.deactivated',
    schemaVersion: v1,
    messageName: catalogueMessage('StaffChanged'),
    message: catalogue.StaffChanged,
  },
  leaderChainSet: {
    type: 'catalogue.leader_chain.set',
    schemaVersion: v1,
    messageName: catalogueMessage('LeaderChainSet'),
    message: catalogue.LeaderChainSet,
  },
  itemDrafted: {
    type: 'catalogue.item.drafted',
    schemaVersion: v1,
    messageName: catalogueMessage('ItemDrafted'),
    message: catalogue.ItemDrafted,
  },
  itemDraftDiscarded: {
    type: 'catalogue.item.draft_discarded',
    schemaVersion: v1,
    messageName: catalogueMessage('ItemDraftDiscarded'),
    message: catalogue.ItemDraftDiscarded,
  },
  itemPublished: {
    type: 'catalogue.item.published',
    schemaVersion: v1,
    messageName: catalogueMessage('ItemPublished'),
    message: catalogue.ItemPublished,
  },
  itemRetired: {
    type: 'catalogue.item.retired',
    schemaVersion: v1,
    messageName: catalogueMessage('ItemRetired'),
    message: catalogue.ItemRetired,
  },
  bundleCreated: {
    type: 'catalogue.item_bundle.created',
    schemaVersion: v1,
    messageName: catalogueMessage('ItemBundleChanged'),
    message: catalogue.ItemBundleChanged,
  },
  bundleUpdated: {
    type: 'catalogue.item_bundle.updated',
    schemaVersion: v1,
    messageName: catalogueMessage('ItemBundleChanged'),
    message: catalogue.ItemBundleChanged,
  },
  bundleDeactivated: {
    type: 'catalogue.item_bundle.deactivated',
    schemaVersion: v1,
    messageName: catalogueMessage('ItemBundleChanged'),
    message: catalogue.ItemBundleChanged,
  },
  calendarYearLoaded: {
    type: 'catalogue.calendar.year_loaded',
    schemaVersion: v1,
    messageName: catalogueMessage('CalendarYearLoaded'),
    message: catalogue.CalendarYearLoaded,
  },
  calendarHallHoursSet: {
    type: 'catalogue.calendar.hall_hours_set',
    schemaVersion: v1,
    messageName: catalogueMessage('CalendarHallHoursSet'),
    message: catalogue.CalendarHallHoursSet,
  },
});
