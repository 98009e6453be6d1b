import { startCaseForTest, type CaseUnderTest } from '@govhall/case/testing';
import { feeV1 } from '@govhall/contracts';
import { bearerInterceptor, type Clock } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { loadFeeConfig } from '../src/config';
import { startFee, type RunningFee } from '../src/main';

/** Catalogue (whole demo), intake, case and fee, in this process, on one clock and the shared nats-server. */
export interface FeeUnderTest {
  readonly under: CaseUnderTest;
  readonly fee: RunningFee;
  readonly region: string;
  /** A FeeService client acting as the demo staff member. */
  as(employeeNo: string): Promise<feeV1.FeeServiceClient>;
  /** The bank's connector (service token `bank`). */
  bank(): Promise<feeV1.FeeServiceClient>;
  readonly clock: Clock;
  stop(): Promise<void>;
}

export async function startFeeForTest(): Promise<FeeUnderTest> {
  const under = await startCaseForTest();
  const fee = await startFee(loadFeeConfig({ ...under.env, GRPC_PORT: '0', HTTP_PORT: '0' }), { clock: under.clock });
  const address = `127.0.0.1:${fee.grpcPort}`;
  const clients = new Map<string, feeV1.FeeServiceClient>();
  const client = (key: string, options: grpc.ChannelOptions & { interceptors: grpc.Interceptor[] }) => {
    let c = clients.get(key);
    if (!c) {
      c = new feeV1.FeeServiceClient(address, grpc.credentials.createInsecure(), options);
      clients.set(key, c);
    }
    return c;
  };
  return {
    under,
    fee,
    region: under.intake.region,
    clock: under.clock,
    as: async (employeeNo) => client(employeeNo, await under.intake.as(employeeNo)),
    bank: async () =>
      client('service:bank', { interceptors: [bearerInterceptor(await under.intake.signer.signService('bank'))] }),
    stop: async () => {
      for (const c of clients.values()) c.close();
      await fee.stop();
      await under.stop();
    },
  };
}
