export { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
export { startEmbeddedNats, natsServerOnPath, type EmbeddedNats } from './embedded-nats';
