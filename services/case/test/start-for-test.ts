import { caseV1, intakeV1 } from '@govhall/contracts';
import { TEST_NOW, residentId, startIntakeForTest, type DemoIds, type IntakeUnderTest } from '@govhall/intake/testing';
import { callUnary, type Clock, type Logger } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { loadCaseConfig } from '../src/config';
import { startCase, type RunningCase } from '../src/main';
import type { ProgressLimits } from '../src/app/case-service';

export { TEST_NOW };

/** Catalogue (whole demo), intake and case, in this process, on one clock (a FakeClock at TEST_NOW by default). */
export interface CaseUnderTest {
  readonly intake: IntakeUnderTest;
  readonly running: RunningCase;
  /** `127.0.0.1:port` of the case service. */
  readonly address: string;
  readonly clock: Clock;
  readonly demo: DemoIds;
  /** The environment the case service started with (for a second process). */
  readonly env: Record<string, string>;
  /** A CaseService client acting as the demo staff member (one per staff member, closed by stop). */
  client(employeeNo: string): Promise<caseV1.CaseServiceClient>;
  /** An IntakeService client acting as the demo staff member (one per staff member, closed by stop). */
  intakeClient(employeeNo: string): Promise<intakeV1.IntakeServiceClient>;
  /** An anonymous client (public methods). */
  publicClient(): caseV1.CaseServiceClient;
  /** Registers and accepts an application through intake's gRPC API and waits for its case. */
  openCase(spec: OpenSpec): Promise<OpenedCase>;
  act(employeeNo: string, request: Partial<caseV1.ActRequest>): Promise<caseV1.ActResponse>;
  getCase(employeeNo: string, caseId: string): Promise<caseV1.GetCaseResponse>;
  stop(): Promise<void>;
}

export interface OpenSpec {
  /** The item's implementation code (demo items: services/catalogue/demo/items/*.yaml). */
  readonly item: string;
  /** Hall key of `demo.halls` (`city`, `district`, `township`). */
  readonly hall: string;
  /** Front desk staff (registers) and window staff (accepts), by employee number. */
  readonly frontDesk: string;
  readonly clerk: string;
  /** Window numbers in the hall: where registered (front desk) and where accepted. */
  readonly frontWindow: string;
  readonly acceptWindow: string;
  readonly situationCodes?: readonly string[];
  /** Applicant (a person by default, distinct per call unless given). */
  readonly applicant?: intakeV1.ApplicantInput;
  readonly projectName?: string;
}

export interface OpenedCase {
  readonly caseId: string;
  readonly caseNumber: string;
  readonly queryPassword: string;
  readonly applicantId: string;
}

let serial = 0;
const rid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++serial}`;

/** A person applicant with a valid resident ID number, distinct for each `n`. */
export function testPerson(name: string, n: number): intakeV1.ApplicantInput {
  const first17 = `370702198801${String(10 + (n % 18)).padStart(2, '0')}${String(100 + (n % 900)).padStart(3, '0')}`;
  return intakeV1.ApplicantInput.fromPartial({
    kind: intakeV1.ApplicantKind.APPLICANT_KIND_PERSON,
    person: {
      name,
      idType: intakeV1.IdType.ID_TYPE_RESIDENT_ID,
      idNumber: residentId(first17),
      phone: `1380536${String(1000 + (n % 9000))}`,
    },
  });
}

export async function startCaseForTest(
  options: { clock?: Clock; logger?: Logger; progressLimits?: ProgressLimits; servedRegions?: string } = {},
): Promise<CaseUnderTest> {
  const intake = await startIntakeForTest({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const env: Record<string, string> = {
    ...intake.env,
    SERVED_REGIONS: options.servedRegions ?? '*',
    // The sweep runs when a test calls it (on the fake clock).
    OVERDUE_SWEEP_MS: '3600000',
  };
  delete env['PERSONAL_DATA_KEY_FILE'];
  const running = await startCase(loadCaseConfig({ ...env, GRPC_PORT: '0', HTTP_PORT: '0' }), {
    clock: intake.clock,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.progressLimits ? { progressLimits: options.progressLimits } : {}),
  });
  const address = `127.0.0.1:${running.grpcPort}`;
  const demo = await intake.demo();
  const clients: grpc.Client[] = [];
  const intakeClients = new Map<string, intakeV1.IntakeServiceClient>();
  const intakeClient = async (employeeNo: string) => {
    let c = intakeClients.get(employeeNo);
    if (!c) {
      c = new intakeV1.IntakeServiceClient(
        intake.address,
        grpc.credentials.createInsecure(),
        await intake.as(employeeNo),
      );
      intakeClients.set(employeeNo, c);
      clients.push(c);
    }
    return c;
  };
  const caseClients = new Map<string, caseV1.CaseServiceClient>();
  const client = async (employeeNo: string) => {
    let c = caseClients.get(employeeNo);
    if (!c) {
      c = new caseV1.CaseServiceClient(address, grpc.credentials.createInsecure(), await intake.as(employeeNo));
      caseClients.set(employeeNo, c);
      clients.push(c);
    }
    return c;
  };
  const getCase = async (employeeNo: string, caseId: string) =>
    callUnary(await client(employeeNo), 'getCase', { caseId, caseNumber: '' });

  const openCase = async (spec: OpenSpec): Promise<OpenedCase> => {
    const item = (await intake.catalogue.items.getItem({ itemId: demo.items[spec.item]!, version: 0 })).content;
    const situations = spec.situationCodes ?? [];
    const materials = item.materials
      .filter((m) => m.necessity === 'required')
      .filter((m) => m.situationCodes.length === 0 || m.situationCodes.some((s) => situations.includes(s)))
      .map((m) => ({ code: m.code, copies: Math.max(1, m.copies), originalChecked: true, fileRef: '' }));
    const front = await intakeClient(spec.frontDesk);
    const { registration } = await callUnary(
      front,
      'register',
      intakeV1.RegisterRequest.fromPartial({
        requestId: rid('reg'),
        hallId: demo.halls[spec.hall],
        windowId: demo.windows[`${spec.hall}/${spec.frontWindow}`],
        channel: intakeV1.Channel.CHANNEL_HALL_WINDOW,
        applicant: spec.applicant ?? testPerson('测试申请人', ++serial),
        itemId: demo.items[spec.item],
        situationCodes: [...situations],
        materials,
        ...(spec.projectName ? { project: { name: spec.projectName } } : {}),
      }),
    );
    const window = demo.windows[`${spec.hall}/${spec.acceptWindow}`]!;
    const accepted = await callUnary(await intakeClient(spec.clerk), 'accept', {
      requestId: rid('acc'),
      registrationId: registration!.id,
      windowId: window,
    });
    const caseId = accepted.registration!.acceptance!.caseId;
    await waitFor(
      async () => {
        try {
          await getCase(spec.clerk, caseId);
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `case ${caseId} opened` },
    );
    return {
      caseId,
      caseNumber: accepted.registration!.acceptance!.caseNumber,
      queryPassword: accepted.queryPassword,
      applicantId: registration!.applicant!.id,
    };
  };

  return {
    intake,
    running,
    address,
    clock: intake.clock,
    demo,
    env,
    client,
    intakeClient,
    publicClient: () => {
      const c = new caseV1.CaseServiceClient(address, grpc.credentials.createInsecure());
      clients.push(c);
      return c;
    },
    openCase,
    act: async (employeeNo, request) =>
      callUnary(await client(employeeNo), 'act', caseV1.ActRequest.fromPartial({ requestId: rid('act'), ...request })),
    getCase,
    stop: async () => {
      for (const c of clients) c.close();
      await running.stop();
      await intake.stop();
    },
  };
}
