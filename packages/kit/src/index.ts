/**
 * @govhall/kit — the small service kit every service stands on. Not a framework: each part is a function
 * or class a service's `main.ts` wires by hand. See docs/kit.md.
 */
export * from './errors';
export * from './events';
export * from './event-codec';
export * from './enums';
export * from './paging';
export * from './clock';
export * from './ids';
export { loadConfig, ConfigError, baseServiceEnv, retentionFrom, type BaseServiceEnv } from './config';
export {
  createLogger,
  maskPersonalData,
  maskMobile,
  maskIdNumber,
  residentIdCheckChar,
  type Logger,
  type LoggerOptions,
} from './logging';
export * from './store';
export * from './bus';
export * from './grpc';
export * from './auth';
export {
  natsAuthEnv,
  natsConnectionOptions,
  type NatsAuthEnv,
  type NatsConnectionOptions,
} from './bus/nats-connection';
export {
  createMetrics,
  busObserverFor,
  MetricNames,
  type Metrics,
  type MetricName,
  type MetricsBusObserver,
} from './metrics';
export * from './http/side-port';
