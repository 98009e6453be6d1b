import { randomUUID } from 'node:crypto';
import { intakeQueueV1 as pb } from '@govhall/contracts';
import { callUnary, systemClock } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { startIntakeForTest, startIntakeProcess, type IntakeProcess, type IntakeUnderTest } from './start-for-test';

const TICKETS = 60;
const WINDOWS = ['B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B09', 'B10', 'B11', 'A02'];

// Both processes on the system clock: the second one always is, and service dates must agree.
describe('CallNext from many windows in two service processes', () => {
  let under: IntakeUnderTest;
  let second: IntakeProcess;
  beforeAll(async () => {
    under = await startIntakeForTest({ clock: systemClock });
    second = await startIntakeProcess(under);
  }, 120_000);
  afterAll(async () => {
    await second?.stop();
    await under?.stop();
  });

  it('hands every ticket out exactly once', async () => {
    const demo = await under.demo();
    const city = demo.halls['city']!;
    const options = await under.as('700GLB07');
    const clerkOptions = await under.as('700SCJG02');
    const admin = new pb.QueueServiceClient(under.address, grpc.credentials.createInsecure(), options);
    const windowIds = WINDOWS.map((w) => demo.windows[`city/${w}`]!);
    const category = await callUnary(admin, 'createTicketCategory', {
      requestId: randomUUID(),
      category: pb.TicketCategoryInput.fromPartial({
        hallId: city,
        prefix: 'Q',
        name: '并发测试业务',
        departmentIds: [demo.departments['city/SCJG']!],
        windowIds,
      }),
    });
    const taken = new Set<string>();
    for (let i = 0; i < TICKETS; i++) {
      const t = await callUnary(admin, 'takeTicket', {
        ...pb.TakeTicketRequest.fromPartial({
          requestId: randomUUID(),
          hallId: city,
          categoryId: category.category!.id,
        }),
        ticketClass: pb.TicketClass.TICKET_CLASS_WALK_IN,
      });
      taken.add(t.ticket!.id);
    }
    const clients = [under.address, second.address].map(
      (address) => new pb.QueueServiceClient(address, grpc.credentials.createInsecure(), clerkOptions),
    );
    const handedOut: string[] = [];
    // Each window: call, skip, call again until nothing waits; windows alternate between the processes.
    await Promise.all(
      windowIds.map(async (windowId, w) => {
        const client = clients[w % 2]!;
        for (;;) {
          const next = await callUnary(client, 'callNext', { requestId: randomUUID(), hallId: city, windowId });
          if (!next.ticket) return;
          handedOut.push(next.ticket.id);
          expect(next.ticket.windowId).toBe(windowId);
          await callUnary(client, 'skipTicket', { requestId: randomUUID(), ticketId: next.ticket.id, windowId });
        }
      }),
    );
    expect(taken.size).toBe(TICKETS);
    expect(handedOut).toHaveLength(TICKETS);
    expect(new Set(handedOut).size).toBe(TICKETS);
    expect(new Set(handedOut)).toEqual(taken);
    [admin, ...clients].forEach((c) => c.close());
  }, 120_000);
});
