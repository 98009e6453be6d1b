import { randomUUID } from 'node:crypto';
import { intakeQueueV1 as pb } from '@govhall/contracts';
import { callUnary, fieldViolationsOf } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { expectGrpcError } from '../../catalogue/test/grpc-assertions';
import { loadDemoQueue } from '../src/demo/demo-queue';
import { intakeEventsOn, startIntakeForTest, type DemoIds, type IntakeUnderTest } from './start-for-test';

const rid = (): string => randomUUID();

interface TicketEvent {
  readonly data: { readonly ticket?: pb.Ticket; readonly windowNumber: string };
}
/** The ticket events of a type on the region's stream. */
async function ticketEvents(region: string, type: string): Promise<TicketEvent[]> {
  return (await intakeEventsOn(region)).filter((e) => e.type === type) as unknown as TicketEvent[];
}

/** Waits until `probe` answers something (events reach the stream after the commit). */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<NonNullable<T>> {
  let value: T | undefined;
  await waitFor(async () => (value = await probe()) !== undefined && value !== null, { what: 'an event' });
  return value as NonNullable<T>;
}
const { TicketClass, TicketStatus } = pb;

describe('the queue through gRPC', () => {
  let under: IntakeUnderTest;
  let demo: DemoIds;
  const clients: Record<string, pb.QueueServiceClient> = {};
  const as = (employeeNo: string): pb.QueueServiceClient => clients[employeeNo]!;
  let categoryId: string;
  let city: string;

  beforeAll(async () => {
    under = await startIntakeForTest();
    demo = await under.demo();
    city = demo.halls['city']!;
    for (const no of ['700GLB07', '700SCJG01', '700SCJG02', '700GLB01', '705QSCJ01']) {
      clients[no] = new pb.QueueServiceClient(under.address, grpc.credentials.createInsecure(), await under.as(no));
    }
    const created = await callUnary(as('700GLB07'), 'createTicketCategory', {
      requestId: rid(),
      category: {
        hallId: city,
        prefix: 'A',
        name: '市场监管业务',
        departmentIds: [demo.departments['city/SCJG']!],
        itemIds: [],
        windowIds: [demo.windows['city/B01']!, demo.windows['city/B02']!],
        maxCalls: 3,
        numberWidth: 3,
      },
    });
    categoryId = created.category!.id;
  }, 90_000);
  afterAll(async () => {
    Object.values(clients).forEach((c) => c.close());
    await under.stop();
  });

  const take = (extra: Partial<pb.TakeTicketRequest> = {}) =>
    callUnary(as('700GLB01'), 'takeTicket', {
      ...pb.TakeTicketRequest.fromPartial({ requestId: rid(), hallId: city, categoryId }),
      ticketClass: TicketClass.TICKET_CLASS_WALK_IN,
      ...extra,
    });
  const callNext = (no: string, window: string) =>
    callUnary(as(no), 'callNext', { requestId: rid(), hallId: city, windowId: demo.windows[`city/${window}`]! });
  const at = (window: string) => demo.windows[`city/${window}`]!;

  it('refuses bad categories by field and other halls’ staff', async () => {
    const bad = await expectGrpcError(
      callUnary(as('700GLB07'), 'createTicketCategory', {
        requestId: rid(),
        category: pb.TicketCategoryInput.fromPartial({
          hallId: city,
          prefix: 'a1',
          name: '测试',
          departmentIds: [demo.departments['city/SCJG']!],
          windowIds: [demo.windows['district/B01']!],
        }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(bad).map((v) => v.field)).toEqual(['category.prefix']);
    const foreign = await expectGrpcError(
      callUnary(as('700GLB07'), 'createTicketCategory', {
        requestId: rid(),
        category: pb.TicketCategoryInput.fromPartial({
          hallId: city,
          prefix: 'Z',
          name: '测试',
          departmentIds: [demo.departments['city/SCJG']!],
          windowIds: [demo.windows['district/B01']!],
        }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(foreign).map((v) => v.field)).toEqual(['category.window_ids[0]']);
    await expectGrpcError(
      callUnary(as('700GLB07'), 'createTicketCategory', {
        requestId: rid(),
        category: pb.TicketCategoryInput.fromPartial({
          hallId: city,
          prefix: 'A',
          name: '重复前缀',
          departmentIds: [demo.departments['city/SCJG']!],
          windowIds: [at('B01')],
        }),
      }),
      grpc.status.ALREADY_EXISTS,
    );
    await expectGrpcError(callNext('705QSCJ01', 'B01'), grpc.status.PERMISSION_DENIED);
    await expectGrpcError(
      take({ hallId: city }).then(() =>
        callUnary(as('705QSCJ01'), 'takeTicket', {
          ...pb.TakeTicketRequest.fromPartial({ requestId: rid(), hallId: city, categoryId }),
          ticketClass: TicketClass.TICKET_CLASS_WALK_IN,
        }),
      ),
      grpc.status.PERMISSION_DENIED,
    );
    const green = await expectGrpcError(
      take({ ticketClass: TicketClass.TICKET_CLASS_GREEN_CHANNEL }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(green).map((v) => v.field)).toEqual(['assigned_staff_id']);
    const other = await expectGrpcError(
      take({ ticketClass: TicketClass.TICKET_CLASS_GREEN_CHANNEL, assignedStaffId: demo.staff['705QSCJ01']! }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(other).map((v) => v.field)).toEqual(['assigned_staff_id']);
    const phone = await expectGrpcError(take({ phone: '12345' }), grpc.status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(phone).map((v) => v.field)).toEqual(['phone']);
    // Drain the ticket the refused-foreigner check took, so the next case starts empty.
    const drained = await callNext('700SCJG02', 'B02');
    await callUnary(as('700SCJG02'), 'skipTicket', {
      requestId: rid(),
      ticketId: drained.ticket!.id,
      windowId: at('B02'),
    });
  });

  it('calls green channel first (to its handler only), then walk-ins first come first served; recall skips after max_calls', async () => {
    const w1 = await take({ phone: '13812345678' });
    expect(w1.ticket!.phoneMasked).toBe('138****5678');
    expect(w1.ticket!.number).toMatch(/^A\d{3}$/);
    const w2 = await take();
    expect(w2.waitingAhead).toBe(1);
    const g = await take({
      ticketClass: TicketClass.TICKET_CLASS_GREEN_CHANNEL,
      assignedStaffId: demo.staff['700SCJG01']!,
    });
    expect(Number(w2.ticket!.number.slice(1))).toBe(Number(w1.ticket!.number.slice(1)) + 1);

    // 700SCJG02 is not the handler: the green-channel ticket is not his, the first walk-in is.
    const first = await callNext('700SCJG02', 'B02');
    expect(first.ticket!.id).toBe(w1.ticket!.id);
    expect(first.ticket!.windowNumber).toBe('B02');
    const green = await callNext('700SCJG01', 'B01');
    expect(green.ticket!.id).toBe(g.ticket!.id);
    expect(green.ticket!.ticketClass).toBe(TicketClass.TICKET_CLASS_GREEN_CHANNEL);

    // B02 still holds w1 with calls left: refused until recalled, skipped or started.
    const held = await expectGrpcError(callNext('700SCJG02', 'B02'), grpc.status.FAILED_PRECONDITION);
    expect(held.details).toContain('重呼');
    for (const calls of [2, 3]) {
      const again = await callUnary(as('700SCJG02'), 'recall', {
        requestId: rid(),
        ticketId: w1.ticket!.id,
        windowId: at('B02'),
      });
      expect([again.skipped, again.ticket!.calls]).toEqual([false, calls]);
    }
    const beyond = await callUnary(as('700SCJG02'), 'recall', {
      requestId: rid(),
      ticketId: w1.ticket!.id,
      windowId: at('B02'),
    });
    expect(beyond.skipped).toBe(true);
    expect(beyond.ticket!.status).toBe(TicketStatus.TICKET_STATUS_SKIPPED);

    const second = await callNext('700SCJG02', 'B02');
    expect(second.ticket!.id).toBe(w2.ticket!.id);
    await callUnary(as('700SCJG02'), 'startServing', {
      requestId: rid(),
      ticketId: w2.ticket!.id,
      windowId: at('B02'),
    });
    // Only at the window that holds it.
    await expectGrpcError(
      callUnary(as('700SCJG01'), 'finishTicket', {
        requestId: rid(),
        ticketId: w2.ticket!.id,
        windowId: at('B01'),
        registrationIds: [],
      }),
      grpc.status.FAILED_PRECONDITION,
    );
    const done = await callUnary(as('700SCJG02'), 'finishTicket', {
      requestId: rid(),
      ticketId: w2.ticket!.id,
      windowId: at('B02'),
      registrationIds: ['reg-1'],
    });
    expect(done.ticket!.status).toBe(TicketStatus.TICKET_STATUS_DONE);
    expect(done.ticket!.registrationIds).toEqual(['reg-1']);

    // Nothing left for B02 (the green-channel ticket is at B01): an empty answer.
    const none = await callNext('700SCJG02', 'B02');
    expect(none.ticket).toBeUndefined();

    // The max_calls-th call left unanswered: CallNext skips it and answers it in `skipped`.
    const w3 = await take();
    const w4 = await take();
    await callNext('700SCJG02', 'B02');
    for (let i = 0; i < 2; i++) {
      await callUnary(as('700SCJG02'), 'recall', { requestId: rid(), ticketId: w3.ticket!.id, windowId: at('B02') });
    }
    const next = await callNext('700SCJG02', 'B02');
    expect(next.skipped!.id).toBe(w3.ticket!.id);
    expect(next.ticket!.id).toBe(w4.ticket!.id);
    await callUnary(as('700SCJG02'), 'skipTicket', { requestId: rid(), ticketId: w4.ticket!.id, windowId: at('B02') });

    const calls = await eventually(async () => {
      const events = await ticketEvents(under.region, 'intake.ticket.called');
      return events.length >= 7 ? events : undefined;
    });
    expect(calls.some((e) => e.data.windowNumber === 'B01' && e.data.ticket?.id === g.ticket!.id)).toBe(true);
    expect(calls.filter((e) => e.data.ticket?.id === w1.ticket!.id)).toHaveLength(3);
    const finished = await eventually(async () => (await ticketEvents(under.region, 'intake.ticket.finished'))[0]);
    expect(finished.data.ticket!.id).toBe(w2.ticket!.id);
    expect(finished.data.ticket!.phoneMasked).not.toMatch(/\d{11}/);
    const metrics = await (await fetch(`http://127.0.0.1:${under.running.httpPort}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`intake_queue_wait_seconds_count\\{[^}]*hall_id="${city}"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`intake_queue_service_seconds_count\\{[^}]*hall_id="${city}"\\} 1\\b`));
  });

  it('transfers a ticket to one window, keeping its number and place', async () => {
    const t = await take();
    const called = await callNext('700SCJG02', 'B02');
    expect(called.ticket!.id).toBe(t.ticket!.id);
    const bad = await expectGrpcError(
      callUnary(
        as('700SCJG02'),
        'transferTicket',
        pb.TransferTicketRequest.fromPartial({
          requestId: rid(),
          ticketId: t.ticket!.id,
          windowId: at('B02'),
          toWindowId: demo.windows['district/B01']!,
        }),
      ),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(bad).map((v) => v.field)).toEqual(['to_window_id']);
    const moved = await callUnary(
      as('700SCJG02'),
      'transferTicket',
      pb.TransferTicketRequest.fromPartial({
        requestId: rid(),
        ticketId: t.ticket!.id,
        windowId: at('B02'),
        toWindowId: at('B01'),
        reason: '需先办理名称预先核准',
      }),
    );
    expect(moved.ticket!).toMatchObject({
      number: t.ticket!.number,
      transfers: 1,
      targetWindowId: at('B01'),
      status: TicketStatus.TICKET_STATUS_WAITING,
    });
    expect(moved.ticket!.takenAt).toEqual(t.ticket!.takenAt);
    // B02 may not call it; B01 does, once its green-channel ticket is done.
    expect((await callNext('700SCJG02', 'B02')).ticket).toBeUndefined();
    const g = (await callUnary(as('700SCJG01'), 'getQueueBoard', { hallId: city, categoryId: '' })).atWindows.find(
      (x) => x.windowNumber === 'B01',
    )!;
    await callUnary(as('700SCJG01'), 'startServing', { requestId: rid(), ticketId: g.id, windowId: at('B01') });
    await callUnary(as('700SCJG01'), 'finishTicket', {
      requestId: rid(),
      ticketId: g.id,
      windowId: at('B01'),
      registrationIds: [],
    });
    const atB01 = await callNext('700SCJG01', 'B01');
    expect(atB01.ticket!.id).toBe(t.ticket!.id);
    expect(atB01.ticket!.transfers).toBe(1);
    const transferred = await eventually(
      async () => (await ticketEvents(under.region, 'intake.ticket.transferred'))[0],
    );
    expect(transferred.data.windowNumber).toBe('B02');
    await callUnary(as('700SCJG01'), 'skipTicket', { requestId: rid(), ticketId: t.ticket!.id, windowId: at('B01') });
  });

  it('shows the board: waiting per category and the tickets at windows', async () => {
    await take();
    (under.clock as unknown as { advance(ms: number): void }).advance(120_000);
    const board = await callUnary(as('700GLB01'), 'getQueueBoard', { hallId: city, categoryId });
    expect(board.serviceDate).toBe('2026-10-12');
    expect(board.categories).toEqual([expect.objectContaining({ prefix: 'A', waiting: 1, longestWaitSeconds: 120 })]);
    await expectGrpcError(
      callUnary(as('705QSCJ01'), 'getQueueBoard', { hallId: city, categoryId: '' }),
      grpc.status.PERMISSION_DENIED,
    );
  });

  it('loads the demo queue twice with the same result', async () => {
    const first = await loadDemoQueue(under.running, under.catalogue, under.clock);
    const second = await loadDemoQueue(under.running, under.catalogue, under.clock);
    expect(second).toEqual(first);
    expect(first.categories).toBeGreaterThanOrEqual(4);
    expect(first.tickets).toBeGreaterThanOrEqual(4);
    expect(first.slots).toBeGreaterThan(0);
    expect(first.appointments).toBe(1);
    expect(first.batchBookings).toBe(1);
  });
});
