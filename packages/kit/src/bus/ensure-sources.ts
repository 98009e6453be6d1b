/**
 * Creates or updates one sourced stream (`sourcedStreamFor`) on the NATS server of the region that keeps the
 * copy. For operators, as user `admin`: service users may not create streams other than their own.
 * deploy/nats/sources.md lists the streams a deployment needs.
 *
 *   NATS_URL=tls://nats-hub:4222 NATS_USER=admin NATS_PASSWORD=… NATS_TLS_CA_FILE=/etc/nats/ca.crt \
 *     node --import tsx packages/kit/src/bus/ensure-sources.ts --service case \
 *       --owner 370705 --owner-domain district-370705 --at 370700 --filter 'hall.370705.case.handoff.>'
 *
 * Idempotent: run it again after changing the filter and the stream is updated.
 */
import { parseArgs } from 'node:util';
import { baseServiceEnv, loadConfig } from '../config';
import { ConfigError } from '../config-error';
import { Services, sourcedStreamFor, type ServiceName, type StreamSpec } from '../events';
import { JetStreamBus } from './jetstream';
import { natsAuthEnv, natsConnectionOptions } from './nats-connection';

const USAGE =
  'usage: ensure-sources --service <service> --owner <region> --owner-domain <JetStream domain> --at <region> ' +
  '[--filter <subject>]\n  (NATS_URL, NATS_USER, NATS_PASSWORD and NATS_TLS_* from the environment)';

const ensureSourcesEnv = natsAuthEnv.extend({ NATS_URL: baseServiceEnv.shape.NATS_URL });

/** The stream the arguments describe; throws `ConfigError` naming every bad argument. */
export function sourcedStreamFromArgs(argv: readonly string[]): StreamSpec {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        service: { type: 'string' },
        owner: { type: 'string' },
        'owner-domain': { type: 'string' },
        at: { type: 'string' },
        filter: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new ConfigError([(error as Error).message, USAGE]);
  }
  const missing = (['service', 'owner', 'owner-domain', 'at'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new ConfigError([...missing.map((name) => `--${name}: required`), USAGE]);
  const service = values.service!;
  if (!Object.values<string>(Services).includes(service)) {
    throw new ConfigError([`--service: must be one of ${Object.values(Services).join(', ')}, got "${service}"`]);
  }
  try {
    return sourcedStreamFor(service as ServiceName, values.owner!, values.at!, {
      ownerDomain: values['owner-domain']!,
      ...(values.filter !== undefined && { filterSubject: values.filter }),
    });
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
}

/** Parses the arguments and the `NATS_*` variables, then creates or updates the stream; returns its spec. */
export async function ensureSourcedStream(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<StreamSpec> {
  const spec = sourcedStreamFromArgs(argv);
  const config = loadConfig(ensureSourcesEnv, env);
  const bus = await JetStreamBus.connect({
    servers: config.NATS_URL,
    name: 'ensure-sources',
    connection: natsConnectionOptions(config),
  });
  try {
    await bus.ensureStream(spec);
  } finally {
    await bus.close();
  }
  return spec;
}

if (require.main === module) {
  ensureSourcedStream(process.argv.slice(2), process.env).then(
    (spec) => {
      const [source] = spec.sources ?? [];
      process.stdout.write(
        `${spec.name}: sources ${source?.name} via $JS.${source?.domain}.API, ${source?.filterSubject ?? 'every subject'}\n`,
      );
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
