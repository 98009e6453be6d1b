import { randomUUID } from 'node:crypto';
import { localDateOf } from '@govhall/calendar';
import { intakeV1 as pb } from '@govhall/contracts';
import { callUnary, systemClock } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import {
  residentId,
  startIntakeForTest,
  startIntakeProcess,
  type IntakeProcess,
  type IntakeUnderTest,
} from './start-for-test';

const APPLICATIONS = 20;

/** A valid resident ID of 1990-01-01 with its own sequence, so each application has its own applicant. */
const idNumber = (i: number) => residentId(`37070219900101${String(i).padStart(3, '0')}`);

// Clock: both processes run on the system clock. The second process always does, and a case number's date and
// its daily counter scope come from the deciding process's clock: a FakeClock in one of them would put the two
// halves in different daily scopes (two sequences from 1) and hide any race. So dates here are today's;
// startIntakeForTest loads a test schedule (New Year, weekends) for this year and the next when chinese-days lacks them,
// and the item (企业设立登记, promised in 1 working day) keeps every promise inside those two years.
describe('case numbers from two service processes', () => {
  let under: IntakeUnderTest;
  let second: IntakeProcess;
  let demo: Awaited<ReturnType<IntakeUnderTest['demo']>>;
  let clients: { front: pb.IntakeServiceClient; clerk: pb.IntakeServiceClient }[];
  beforeAll(async () => {
    under = await startIntakeForTest({ clock: systemClock });
    second = await startIntakeProcess(under);
    demo = await under.demo();
    const [front, clerk] = await Promise.all([under.as('700GLB01'), under.as('700SCJG01')]);
    clients = [under.address, second.address].map((address) => ({
      front: new pb.IntakeServiceClient(address, grpc.credentials.createInsecure(), front),
      clerk: new pb.IntakeServiceClient(address, grpc.credentials.createInsecure(), clerk),
    }));
  }, 120_000);
  afterAll(async () => {
    for (const c of clients ?? []) {
      c.front.close();
      c.clerk.close();
    }
    await second?.stop();
    await under?.stop();
  });

  /** 企业设立登记, 个人独资企业: every required material handed in, so Accept needs nothing more. */
  const registerRequest = (i: number): pb.RegisterRequest =>
    pb.RegisterRequest.fromPartial({
      requestId: randomUUID(),
      hallId: demo.halls['city'],
      windowId: demo.windows['city/A01'],
      channel: pb.Channel.CHANNEL_HALL_WINDOW,
      applicant: {
        kind: pb.ApplicantKind.APPLICANT_KIND_PERSON,
        person: {
          name: `申请人${i}`,
          idType: pb.IdType.ID_TYPE_RESIDENT_ID,
          idNumber: idNumber(i),
          phone: `1380536${String(i).padStart(4, '0')}`,
        },
      },
      itemId: demo.items['11370700SCJG000105001000'],
      situationCodes: ['SOLE'],
      materials: ['M01', 'M04', 'M07'].map((code) => ({ code, copies: 1 })),
    });

  it('numbers concurrent registrations and acceptances 1..N without gaps or duplicates, and replays through the other process', async () => {
    const today = localDateOf(new Date()).replaceAll('-', '');

    // Concurrent Registers, alternating between the processes.
    const registrations = await Promise.all(
      Array.from({ length: APPLICATIONS }, (_, i) =>
        callUnary(clients[i % 2]!.front, 'register', registerRequest(i + 1)).then((r) => r.registration!),
      ),
    );
    const registrationNumbers = registrations.map((r) => r.number);
    expect(new Set(registrationNumbers).size).toBe(APPLICATIONS);
    for (const n of registrationNumbers) expect(n).toMatch(new RegExp(`^DJ${today}\\d{5}$`));
    expect(registrationNumbers.map((n) => Number(n.slice(-5))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: APPLICATIONS }, (_, i) => i + 1),
    );
    expect(new Set(registrations.map((r) => r.applicant!.id)).size).toBe(APPLICATIONS);

    // Concurrent Accepts by a 市场监管 clerk at its window B02, half through each process.
    const requests = registrations.map((r) =>
      pb.AcceptRequest.fromPartial({
        requestId: randomUUID(),
        registrationId: r.id,
        windowId: demo.windows['city/B02'],
      }),
    );
    const accepted = await Promise.all(requests.map((r, i) => callUnary(clients[i % 2]!.clerk, 'accept', r)));
    const caseNumbers = accepted.map((a) => a.registration!.acceptance!.caseNumber);
    expect(new Set(caseNumbers).size).toBe(APPLICATIONS);
    accepted.forEach((a, i) => {
      const acceptance = a.registration!.acceptance!;
      expect(a.registration!.id).toBe(registrations[i]!.id);
      expect(a.registration!.status).toBe(pb.RegistrationStatus.REGISTRATION_STATUS_ACCEPTED);
      expect(a.queryPassword).toMatch(/^\d{6}$/);
      // {region}{date:YYYYMMDD}{seq:5}, the date that of the acceptance in China.
      expect(acceptance.caseNumber).toMatch(new RegExp(`^${under.region}${today}\\d{5}$`));
      expect(localDateOf(acceptance.acceptedAt!).replaceAll('-', '')).toBe(today);
    });
    expect(caseNumbers.map((n) => Number(n.slice(-5))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: APPLICATIONS }, (_, i) => i + 1),
    );

    // In the database: one acceptance per registration, one accepted event each, and the counter at N.
    const db = under.database.db;
    const rows = await db.selectFrom('registrations').select(['id', 'case_id', 'case_number', 'status']).execute();
    expect(rows).toHaveLength(APPLICATIONS);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(registrations.map((r) => r.id)));
    expect(new Set(rows.map((r) => r.case_number))).toEqual(new Set(caseNumbers));
    expect(new Set(rows.map((r) => r.case_id)).size).toBe(APPLICATIONS);
    for (const row of rows) {
      const answered = accepted.find((a) => a.registration!.id === row.id)!.registration!.acceptance!;
      expect(row).toMatchObject({
        case_id: answered.caseId,
        case_number: answered.caseNumber,
        status: pb.RegistrationStatus.REGISTRATION_STATUS_ACCEPTED,
      });
    }
    const acceptedEvents = (await db.selectFrom('outbox').select('event').execute())
      .map((r) => r.event as { type: string; caseId?: string })
      .filter((e) => e.type === 'intake.application.accepted');
    expect(acceptedEvents).toHaveLength(APPLICATIONS);
    expect(new Set(acceptedEvents.map((e) => e.caseId))).toEqual(new Set(rows.map((r) => r.case_id)));
    const counters = await db.selectFrom('number_counters').selectAll().execute();
    expect(counters.filter((c) => c.scope.startsWith('case|')).map((c) => Number(c.next))).toEqual([APPLICATIONS]);

    // Each Accept retried (same request id) through the other process: the same case, no new password or number.
    const replays = await Promise.all(requests.map((r, i) => callUnary(clients[(i + 1) % 2]!.clerk, 'accept', r)));
    replays.forEach((replay, i) => {
      expect(replay.queryPassword).toBe('');
      expect(replay.registration!.acceptance!.caseNumber).toBe(caseNumbers[i]);
      expect(replay.registration!.acceptance!.caseId).toBe(accepted[i]!.registration!.acceptance!.caseId);
    });
    const after = await db.selectFrom('number_counters').selectAll().execute();
    expect(after.filter((c) => c.scope.startsWith('case|')).map((c) => Number(c.next))).toEqual([APPLICATIONS]);
    expect(
      await db.selectFrom('registrations').select('id').where('case_number', 'is not', null).execute(),
    ).toHaveLength(APPLICATIONS);
  }, 120_000);

  // Not about numbering, but it needs a running intake: the date rule of ListRefusals, fixed alongside.
  it('ListRefusals refuses a date that is no calendar day by its field, not as an internal error', async () => {
    const admin = new pb.IntakeServiceClient(
      under.address,
      grpc.credentials.createInsecure(),
      await under.as('700GLB07'),
    );
    const list = (fromDate: string, toDate: string) =>
      callUnary(admin, 'listRefusals', { hallId: demo.halls['city']!, fromDate, toDate });
    try {
      await expect(list('2026-13-01', '2026-12-31')).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: 'from_date: 日期须为 YYYY-MM-DD',
      });
      await expect(list('2026-02-01', '2026-02-30')).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: 'to_date: 日期须为 YYYY-MM-DD',
      });
      expect((await list('2026-01-01', '2026-12-31')).registrations).toEqual([]);
    } finally {
      admin.close();
    }
  });
});
