export {
  freePort,
  waitFor,
  startNatsServer,
  startServiceProcess,
  type RunningNats,
  type ServiceProcess,
  type ServiceProcessOptions,
} from './processes';
export {
  startPostgresCluster,
  createTestDatabase,
  testDatabaseAdminUrl,
  type RunningPostgres,
  type RestartablePostgres,
  type TestDatabase,
} from './postgres';
export { sharedNatsUrl, privateNatsServer } from './nats';
export { startNatsHubAndLeaf, type NatsHubAndLeaf, type NatsHubAndLeafOptions } from './nats-hub-leaf';
export { uniqueRegionCode } from './region';
export { readStream, type StoredMessage } from './streams';
export { buildDescriptors, bufBinary } from './descriptors';
export * from './fuzz';
