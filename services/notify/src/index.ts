/** What the embedded launcher and system tests use of the notify service. */
export {
  startNotify,
  SERVICE_NAME,
  SCHEMA_NAME,
  MIGRATIONS_FOLDER,
  type RunningNotify,
  type NotifyDependencies,
} from './main';
export { loadNotifyConfig, notifyEnv, type NotifyConfig } from './config';
