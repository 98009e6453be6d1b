import { join } from 'node:path';

/** Folder holding the .proto sources (for gRPC reflection, which serves descriptors at run time). */
export const PROTO_ROOT = join(__dirname, '..', '..', '..', 'proto');

/** The catalogue service's organisation directory contract (package govhall.catalogue.v1). */
export * as catalogueV1 from './gen/govhall/catalogue/v1/organisation';
/** The catalogue service's item contract (事项目录: items, versions, materials, fees, bundles; same package). */
export * as catalogueItemsV1 from './gen/govhall/catalogue/v1/items';
/** The catalogue service's working-time calendar data (year schedules per region, hall working hours; same package). */
export * as catalogueCalendarV1 from './gen/govhall/catalogue/v1/calendar';
export const CATALOGUE_PROTO_FILES = [
  'govhall/catalogue/v1/organisation.proto',
  'govhall/catalogue/v1/items.proto',
  'govhall/catalogue/v1/calendar.proto',
] as const;
