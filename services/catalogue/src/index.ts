/** What the embedded launcher and system tests use of the catalogue service. */
export {
  startCatalogue,
  SERVICE_NAME,
  MIGRATIONS_FOLDER,
  type RunningCatalogue,
  type CatalogueDependencies,
} from './main';
export { loadCatalogueConfig, catalogueEnv, type CatalogueConfig } from './config';
export { loadDemoOrganisation, DEMO_HALLS, type DemoSummary } from './demo/organisation-demo';
export { loadDemoItems, DEMO_ITEMS, DEMO_BUNDLES, type DemoItemsSummary } from './demo/item-demo';
