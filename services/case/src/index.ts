/** What the embedded launcher and system tests use of the case service. */
export {
  startCase,
  SERVICE_NAME,
  SCHEMA_NAME,
  MIGRATIONS_FOLDER,
  type RunningCase,
  type CaseDependencies,
} from './main';
export { loadCaseConfig, caseEnv, type CaseConfig } from './config';
export {
  loadDemoCases,
  readDemoCases,
  DEMO_CASES_FILE,
  type DemoCasesOptions,
  type DemoCasesSummary,
  type DemoCaseRef,
  type DemoPast,
} from './demo/demo-cases';
