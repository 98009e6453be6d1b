import { startNatsServer, type RunningNats } from './processes';

/**
 * The nats-server for a test file: the shared one `.ci/run` or jest's global setup started
 * (`TEST_NATS_URL`), or, for tests that stop and restart the server, a private one.
 */
export function sharedNatsUrl(): string {
  const url = process.env['TEST_NATS_URL'];
  if (!url) throw new Error('TEST_NATS_URL is not set: run the tests through jest (global setup) or .ci/run');
  return url;
}

export async function privateNatsServer(): Promise<RunningNats> {
  return startNatsServer();
}
