import { Writable } from 'node:stream';
import { intakeQueueV1 as queue, intakeV1 as pb } from '@govhall/contracts';
import { callUnary, createLogger } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { sql } from 'kysely';
import { residentId, startIntakeForTest, type IntakeUnderTest } from './start-for-test';

const APPLICANT_ID = residentId('37070219851203401');
const AGENT_ID = residentId('37070519700615202');
const APPLICANT_PHONE = '13805367788';
const AGENT_PHONE = '13905361122';
const TICKET_PHONE = '15805364455';
/** A resident ID number whose check digit is wrong: refused, and then logged as a refusal. */
const BAD_ID = `${APPLICANT_ID.slice(0, 17)}${APPLICANT_ID.endsWith('0') ? '1' : '0'}`;
const SECRETS = [APPLICANT_ID, AGENT_ID, BAD_ID, APPLICANT_PHONE, AGENT_PHONE, TICKET_PHONE];

let seq = 0;
const rid = (p: string): string => `${p}-${Date.now()}-${++seq}`;

/**
 * Personal data (PIPL): ID numbers and phones reach intake in the clear and must leave it masked — in responses,
 * in log lines (debug level, refusals included), and at rest (only sealed values and look-up hashes in the tables).
 */
describe('personal data in intake', () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  let under: IntakeUnderTest;
  const answers: unknown[] = [];
  beforeAll(async () => {
    under = await startIntakeForTest({
      logger: createLogger({ service: 'intake', level: 'debug', destination }),
    });
  }, 120_000);
  afterAll(() => under?.stop());

  it('answers, logs and stores ID numbers and phones masked or sealed, never in the clear', async () => {
    const demo = await under.demo();
    const client = async (no: string) =>
      new pb.IntakeServiceClient(under.address, grpc.credentials.createInsecure(), await under.as(no));
    const front = await client('700GLB01');
    const admin = await client('700GLB07');
    const queueClient = new queue.QueueServiceClient(
      under.address,
      grpc.credentials.createInsecure(),
      await under.as('700SCJG02'),
    );
    const register = (idNumber: string) =>
      callUnary(
        front,
        'register',
        pb.RegisterRequest.fromPartial({
          requestId: rid('reg'),
          hallId: demo.halls['city'],
          windowId: demo.windows['city/A01'],
          channel: pb.Channel.CHANNEL_HALL_WINDOW,
          applicant: {
            kind: pb.ApplicantKind.APPLICANT_KIND_PERSON,
            person: { name: '高秀英', idType: pb.IdType.ID_TYPE_RESIDENT_ID, idNumber, phone: APPLICANT_PHONE },
          },
          itemId: demo.items['11370700SCJG000105003000'],
          situationCodes: ['COMPANY'],
          materials: ['M01', 'M03', 'M05', 'M06', 'M07'].map((code) => ({ code, copies: 1 })),
        }),
      );
    try {
      answers.push(await register(APPLICANT_ID));
      const refused = await register(BAD_ID).catch((error: grpc.ServiceError) => error);
      expect((refused as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
      answers.push((refused as grpc.ServiceError).details);
      answers.push(
        await callUnary(
          admin,
          'registerAgent',
          pb.RegisterAgentRequest.fromPartial({
            requestId: rid('agent'),
            agent: {
              hallId: demo.halls['city'],
              kind: pb.AgentKind.AGENT_KIND_LIAISON,
              name: '韩立群',
              idNumber: AGENT_ID,
              phone: AGENT_PHONE,
              community: '奎文区北关街道东关社区',
              regionCode: '370705001',
              appointedFrom: '2026-01-01',
            },
          }),
        ),
      );
      const adminQueue = new queue.QueueServiceClient(
        under.address,
        grpc.credentials.createInsecure(),
        await under.as('700GLB07'),
      );
      const { category } = await callUnary(
        adminQueue,
        'createTicketCategory',
        queue.CreateTicketCategoryRequest.fromPartial({
          requestId: rid('category'),
          category: {
            hallId: demo.halls['city'],
            prefix: 'PD',
            name: '市场监管业务',
            departmentIds: [demo.departments['city/SCJG']!],
            windowIds: [demo.windows['city/B01']!],
          },
        }),
      );
      adminQueue.close();
      answers.push(
        await callUnary(
          queueClient,
          'takeTicket',
          queue.TakeTicketRequest.fromPartial({
            requestId: rid('ticket'),
            hallId: demo.halls['city'],
            categoryId: category!.id,
            ticketClass: queue.TicketClass.TICKET_CLASS_WALK_IN,
            phone: TICKET_PHONE,
          }),
        ),
      );
    } finally {
      front.close();
      admin.close();
      queueClient.close();
    }

    // Responses: masked forms, never the values sent.
    const answered = JSON.stringify(answers);
    expect(answered).toContain(`370702********${APPLICANT_ID.slice(-4)}`);
    expect(answered).toContain('138****7788');
    for (const secret of SECRETS) expect(answered).not.toContain(secret);

    // Logs, at debug level: the refusal was logged, and no line holds a value in the clear.
    const logged = lines.join('');
    expect(logged).toContain('INVALID_ARGUMENT');
    for (const secret of SECRETS) expect(logged).not.toContain(secret);

    // At rest: every intake table, as the database holds it.
    const tables = ['registrations', 'applicants', 'agents', 'tickets'];
    for (const table of tables) {
      const rows = await sql`select * from ${sql.table(`intake.${table}`)}`.execute(under.database.db);
      const stored = JSON.stringify(rows.rows);
      for (const secret of SECRETS) expect(stored).not.toContain(secret);
    }
    const tickets = await sql<{
      phone_sealed: string;
    }>`select phone_sealed from intake.tickets where phone_sealed is not null`.execute(under.database.db);
    expect(tickets.rows.length).toBeGreaterThan(0);
    expect(tickets.rows[0]!.phone_sealed).toMatch(/^v1:[0-9a-f]{8}:/);
  });
});
