import { startNatsServer } from './processes';
import { startPostgresCluster } from './postgres';

/**
 * Jest global setup: where `.ci/run` has not already started PostgreSQL and nats-server (TEST_DATABASE_URL,
 * TEST_NATS_URL), start throwaway ones for this run and stop them in the teardown.
 */
export default async function globalSetup(): Promise<void> {
  const stops: Array<() => Promise<void>> = [];
  if (!process.env['TEST_DATABASE_URL']) {
    const pg = await startPostgresCluster();
    process.env['TEST_DATABASE_URL'] = pg.adminUrl;
    stops.push(() => pg.stop());
  }
  if (!process.env['TEST_NATS_URL']) {
    const nats = await startNatsServer();
    process.env['TEST_NATS_URL'] = nats.url;
    stops.push(() => nats.remove());
  }
  (globalThis as { __govhallStops?: Array<() => Promise<void>> }).__govhallStops = stops;
}
