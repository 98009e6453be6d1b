/** What the embedded launcher and system tests use of the catalogue service. */
export {
  startCatalogue,
  SERVICE_NAME,
  MIGRATIONS_FOLDER,
  type RunningCatalogue,
  type CatalogueDependencies,
} from './main';
export { loadCatalogueConfig, catalogueEnv, type CatalogueConfig } from './config';
export { DEMO_FOLDER, DemoDataError, type DemoProblem } from './demo/demo-files';
export {
  loadDemoOrganisation,
  demoOrganisation,
  type DemoOrganisation,
  type DemoSummary,
} from './demo/demo-organisation';
export { loadDemoItems, demoItems, type DemoCatalogue, type DemoItemsSummary } from './demo/demo-items';
export {
  loadDemoFeeCatalogue,
  demoFeeCatalogue,
  type DemoFeeEntry,
  type DemoFeeCatalogueSummary,
} from './demo/demo-fee-catalogue';
export {
  loadDemoOpeningHours,
  demoOpeningHours,
  type DemoSchedule,
  type DemoOpeningHoursSummary,
} from './demo/demo-opening-hours';
export { loadDemoCalendar, type DemoCalendarSummary } from './demo/demo-calendar';
/** Staff roles between the contract's enum and their names in tokens and access rules (`STAFF_ROLE_CLERK` ↔ `clerk`). */
export { staffRole } from './adapters/proto/enums';
