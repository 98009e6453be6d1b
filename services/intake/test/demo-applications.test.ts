import { intakeV1 as pb } from '@govhall/contracts';
import { callUnary, type FakeClock } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { sql } from 'kysely';
import { loadDemoApplications } from '../src';
import { startIntakeForTest, type DemoIds, type IntakeUnderTest } from './start-for-test';

const S = pb.RegistrationStatus;

describe('demo applications', () => {
  let under: IntakeUnderTest;
  let demo: DemoIds;
  let cityClient: pb.IntakeServiceClient;
  let districtClient: pb.IntakeServiceClient;
  beforeAll(async () => {
    under = await startIntakeForTest();
    demo = await under.demo();
    cityClient = new pb.IntakeServiceClient(
      under.address,
      grpc.credentials.createInsecure(),
      await under.as('700GLB01'),
    );
    districtClient = new pb.IntakeServiceClient(
      under.address,
      grpc.credentials.createInsecure(),
      await under.as('705QSCJ01'),
    );
  }, 120_000);
  afterAll(async () => {
    cityClient?.close();
    districtClient?.close();
    await under?.stop();
  });

  const count = async (table: 'registrations') =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from ${sql.table(`intake.${table}`)}`.execute(under.database.db))
        .rows[0]!.n,
    );
  const byStatus = async (client: pb.IntakeServiceClient, hall: string, status: pb.RegistrationStatus) =>
    (
      await callUnary(client, 'listRegistrations', {
        hallId: demo.halls[hall]!,
        departmentId: '',
        status,
        pageSize: 0,
        pageToken: '',
      })
    ).registrations;

  it('loads registrations in every state, twice with the same summary and no second case', async () => {
    const first = await loadDemoApplications(under.running, under.catalogue);
    expect(first).toEqual({
      registrations: 6,
      accepted: 1,
      acceptedWithMissing: 1,
      supplementRequested: 1,
      refused: 1,
      completedImmediately: 1,
      waiting: 1,
      skipped: 0,
    });
    const registrations = await count('registrations');
    const caseNumbers = await sql<{ n: string }>`select count(case_number) as n from intake.registrations`.execute(
      under.database.db,
    );
    expect(registrations).toBe(6);
    expect(Number(caseNumbers.rows[0]!.n)).toBe(3);

    const again = await loadDemoApplications(under.running, under.catalogue);
    expect(again).toEqual(first);
    expect(await count('registrations')).toBe(6);
    const after = await sql<{ n: string }>`select count(case_number) as n from intake.registrations`.execute(
      under.database.db,
    );
    expect(Number(after.rows[0]!.n)).toBe(3);
  }, 60_000);

  it('the states are as the summary says, in the city and the district hall', async () => {
    const city = {
      accepted: await byStatus(cityClient, 'city', S.REGISTRATION_STATUS_ACCEPTED),
      missing: await byStatus(cityClient, 'city', S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING),
      supplement: await byStatus(cityClient, 'city', S.REGISTRATION_STATUS_SUPPLEMENT_REQUESTED),
    };
    expect(city.accepted.map((r) => r.itemName)).toEqual(['企业设立登记（营业执照核发）']);
    expect(city.accepted[0]!.acceptance?.promisedAt).toBeDefined();
    expect(city.missing).toHaveLength(1);
    expect(city.missing[0]!.projectName).toBe('潍坊滨海文旅综合体招商项目');
    expect(city.missing[0]!.acceptance?.commitment?.supplementDueAt).toBeDefined();
    expect(city.supplement[0]!.supplementNotices[0]!.entries.map((e) => e.materialName)).toEqual(['营业执照']);

    const refused = await byStatus(districtClient, 'district', S.REGISTRATION_STATUS_REFUSED);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.refusal?.reason).toContain('查封');
    expect(refused[0]!.refusal?.filedAt).toBeDefined();
    const completed = await byStatus(districtClient, 'district', S.REGISTRATION_STATUS_COMPLETED);
    expect(completed.map((r) => r.itemName)).toEqual(['个体工商户设立登记（营业执照核发）']);
    expect(completed[0]!.acceptance?.completedAt).toBeDefined();
    const waiting = await byStatus(districtClient, 'district', S.REGISTRATION_STATUS_REGISTERED);
    expect(waiting.map((r) => r.itemName)).toEqual(['国有建设用地使用权转移登记（国有土地使用证核发）']);
    // Invented people, answered masked: never the number in clear.
    expect(waiting[0]!.applicant?.idNumberMasked).toMatch(/^370705\*{8}\d{3}[\dX]$/);
  });

  it("the demo's accepted case renders an acceptance notice PDF", async () => {
    const [accepted] = await byStatus(cityClient, 'city', S.REGISTRATION_STATUS_ACCEPTED);
    const pdf = await callUnary(cityClient, 'renderDocument', {
      registrationId: accepted!.id,
      kind: pb.DocumentKind.DOCUMENT_KIND_ACCEPTANCE_NOTICE,
      format: pb.DocumentFormat.DOCUMENT_FORMAT_PDF,
      queryPassword: '',
      sequence: 0,
    });
    expect(Buffer.from(pdf.content).subarray(0, 4).toString()).toBe('%PDF');
    expect(pdf.fileName).toContain(accepted!.acceptance!.caseNumber);
  }, 60_000);

  // Moves the clock: the last test of the file.
  it('on a day whose year the calendar holds no schedule for, every case is skipped and nothing is written', async () => {
    const before = await count('registrations');
    (under.clock as FakeClock).set('2027-03-02T10:00:00+08:00');
    const summary = await loadDemoApplications(under.running, under.catalogue);
    expect(summary).toMatchObject({ registrations: 0, accepted: 0, waiting: 0, skipped: 6 });
    expect(await count('registrations')).toBe(before);
  }, 60_000);
});
