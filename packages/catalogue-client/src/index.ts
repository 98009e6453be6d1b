/**
 * @govhall/catalogue-client: the catalogue as the other services read it (intake, case, timing, fee, …). The
 * {@link CatalogueReader} port with its views of halls, departments, windows and staff, item versions, working
 * calendars and opening times; {@link GrpcCatalogue}, the reader over the catalogue's gRPC API with its cache;
 * and the pure mappings from the catalogue's answers ({@link workingCalendarFromHallCalendar},
 * {@link calendarLimitOf}, {@link enumName}).
 * Read outside transactions: a call may wait up to its deadline.
 */
export { STAFF_ROLE_NAMES } from './catalogue-reader';
export type {
  CatalogueItem,
  CatalogueReader,
  DepartmentView,
  HallView,
  OpenDay,
  StaffRoleName,
  StaffView,
  WindowKindName,
  WindowView,
} from './catalogue-reader';
export { GrpcCatalogue } from './grpc-catalogue';
export type { GrpcCatalogueOptions } from './grpc-catalogue';
export {
  calendarLimitOf,
  departmentView,
  enumName,
  hallView,
  staffView,
  windowView,
  workingCalendarFromHallCalendar,
} from './mapping';
