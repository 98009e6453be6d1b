/** What the embedded launcher and system tests use of the timing service. */
export {
  startTiming,
  SERVICE_NAME,
  SCHEMA_NAME,
  MIGRATIONS_FOLDER,
  type RunningTiming,
  type TimingDependencies,
} from './main';
export { loadTimingConfig, timingEnv, type TimingConfig } from './config';
