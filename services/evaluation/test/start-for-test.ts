import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCaseForTest, testPerson, type CaseUnderTest } from '@govhall/case/testing';
import { evaluationV1, intakeV1 } from '@govhall/contracts';
import { bearerInterceptor, callUnary, type Clock } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { loadEvaluationConfig } from '../src/config';
import { startEvaluation, type RunningEvaluation } from '../src/main';

/** 公司变更登记 (即办件): accepted and completed at once at the city's B01 by 700SCJG01. */
const IMMEDIATE_ITEM = '11370700SCJG000105002000';

/** Catalogue (whole demo), intake, case and evaluation, in this process, on one clock and the shared nats-server. */
export interface EvaluationUnderTest {
  readonly under: CaseUnderTest;
  readonly evaluation: RunningEvaluation;
  readonly region: string;
  readonly clock: Clock;
  /** An EvaluationService client acting as the demo staff member. */
  as(employeeNo: string): Promise<evaluationV1.EvaluationServiceClient>;
  /** The gateway (service token `gateway`): window devices, kiosks, the web, SMS links. */
  gateway(): Promise<evaluationV1.EvaluationServiceClient>;
  /** Anyone (public methods). */
  anonymous(): evaluationV1.EvaluationServiceClient;
  /** A 即办件 accepted and completed at the city's B01 by 700SCJG01, once evaluation has seen it completed. */
  completedCase(applicantName: string): Promise<{ caseId: string; caseNumber: string }>;
  stop(): Promise<void>;
}

let serial = 0;

export async function startEvaluationForTest(): Promise<EvaluationUnderTest> {
  const under = await startCaseForTest();
  const keyFile = join(mkdtempSync(join(tmpdir(), 'evaluation-key-')), 'rating-link.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'));
  const evaluation = await startEvaluation(
    loadEvaluationConfig({ ...under.env, GRPC_PORT: '0', HTTP_PORT: '0', RATING_LINK_KEY_FILE: keyFile }),
    { clock: under.clock },
  );
  const address = `127.0.0.1:${evaluation.grpcPort}`;
  const clients = new Map<string, evaluationV1.EvaluationServiceClient>();
  const client = (key: string, options: grpc.ChannelOptions & { interceptors?: grpc.Interceptor[] }) => {
    let c = clients.get(key);
    if (!c) {
      c = new evaluationV1.EvaluationServiceClient(address, grpc.credentials.createInsecure(), options);
      clients.set(key, c);
    }
    return c;
  };
  const demo = under.demo;
  return {
    under,
    evaluation,
    region: under.intake.region,
    clock: under.clock,
    as: async (employeeNo) => client(employeeNo, await under.intake.as(employeeNo)),
    gateway: async () =>
      client('service:gateway', {
        interceptors: [bearerInterceptor(await under.intake.signer.signService('gateway'))],
      }),
    anonymous: () => client('anonymous', {}),
    completedCase: async (applicantName) => {
      const n = ++serial;
      const front = await under.intakeClient('700GLB01');
      const { registration } = await callUnary(
        front,
        'register',
        intakeV1.RegisterRequest.fromPartial({
          requestId: `eval-reg-${Date.now()}-${n}`,
          hallId: demo.halls['city'],
          windowId: demo.windows['city/A01'],
          channel: intakeV1.Channel.CHANNEL_HALL_WINDOW,
          applicant: testPerson(applicantName, 500 + n),
          itemId: demo.items[IMMEDIATE_ITEM],
          situationCodes: ['SCOPE'],
          materials: ['M01', 'M02', 'M04'].map((code) => ({ code, copies: 1, originalChecked: true, fileRef: '' })),
        }),
      );
      const done = await callUnary(await under.intakeClient('700SCJG01'), 'completeImmediately', {
        requestId: `eval-ci-${Date.now()}-${n}`,
        registrationId: registration!.id,
        windowId: demo.windows['city/B01']!,
        resultNote: '经营范围变更登记已办结',
        certificateNumber: `91370700MA3CDJ${String(2000 + n)}-02`,
      });
      const acceptance = done.registration!.acceptance!;
      await waitFor(async () => (await evaluation.service.completedCase(acceptance.caseId)) !== undefined, {
        timeoutMs: 20_000,
        what: `evaluation saw case ${acceptance.caseNumber} completed`,
      });
      return { caseId: acceptance.caseId, caseNumber: acceptance.caseNumber };
    },
    stop: async () => {
      for (const c of clients.values()) c.close();
      await evaluation.stop();
      await under.stop();
    },
  };
}
