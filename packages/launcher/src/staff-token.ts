/**
 * `pnpm -s staff-token <employee number>`: prints a signed token for a staff member of the running embedded
 * platform, for `grpcurl -H "authorization: Bearer $(pnpm -s staff-token 700GLB07)" ...`. The staff member's
 * roles, department, hall and region are read from the catalogue (public reads), the token is signed with the
 * embedded start's key in `<data>/keys`. `pnpm -s staff-token --service <name>` prints a service token instead.
 *
 * The embedded start plays the part the gateway plays in production: whoever authenticated the person mints
 * the token. Only the embedded start's keys are used, never a deployment's.
 */
import { staffRole } from '@govhall/catalogue/enums';
import { catalogueV1 as pb } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { developmentKeys, launcherSigner, loadLauncherEnv, servicePorts } from './env';
import { SERVICE_PORT_DEFAULTS } from './service-ports';

const USAGE =
  'usage: pnpm -s staff-token <employee number>   (e.g. 700GLB07, the demo 中心管理员)\n' +
  '       pnpm -s staff-token --service <name>';

async function main(argv: readonly string[]): Promise<string> {
  const env = loadLauncherEnv(SERVICE_PORT_DEFAULTS);
  const keys = await developmentKeys(env);
  const signer = launcherSigner(keys);
  if (argv[0] === '--service') {
    if (!argv[1]) throw new Error(USAGE);
    return signer.signService(argv[1]);
  }
  const employeeNo = argv[0];
  if (!employeeNo || argv.length > 1) throw new Error(USAGE);

  const catalogue = SERVICE_PORT_DEFAULTS.find((s) => s.name === 'catalogue')!;
  const address = `127.0.0.1:${servicePorts(env, catalogue).grpc}`;
  const client = new pb.OrganisationServiceClient(address, grpc.credentials.createInsecure());
  try {
    const { staff } = await callUnary(
      client,
      'listStaff',
      pb.ListStaffRequest.fromPartial({ includeInactive: false }),
    ).catch((error: grpc.ServiceError) => {
      throw new Error(`cannot reach the catalogue at ${address} (is pnpm start running?): ${error.details}`);
    });
    const person = staff.find((s) => s.employeeNo === employeeNo);
    if (!person) throw new Error(`no active staff member has employee number ${employeeNo}`);
    const { hall } = await callUnary(client, 'getHall', { id: person.hallId });
    return signer.signStaff({
      staffId: person.id,
      roles: person.roles.flatMap((role) => staffRole.fromProto(role) ?? []),
      departmentId: person.departmentId || null,
      hallId: person.hallId,
      regionCode: hall!.regionCode,
    });
  } finally {
    client.close();
  }
}

main(process.argv.slice(2)).then(
  (token) => {
    process.stdout.write(`${token}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
