import { randomUUID } from 'node:crypto';
import { intakeAppointmentsV1 as ap, intakeQueueV1 as pb } from '@govhall/contracts';
import { callUnary, fieldViolationsOf } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { expectGrpcError } from '../../catalogue/test/grpc-assertions';
import { intakeEventsOn, startIntakeForTest, type DemoIds, type IntakeUnderTest } from './start-for-test';

const rid = (): string => randomUUID();

const fields = (error: grpc.ServiceError): string[] => fieldViolationsOf(error).map((v) => v.field);

describe('appointments and the batch room through gRPC', () => {
  let under: IntakeUnderTest;
  let demo: DemoIds;
  let district: string;
  let city: string;
  const queues: Record<string, pb.QueueServiceClient> = {};
  const books: Record<string, ap.AppointmentServiceClient> = {};
  let housing: string; // district FG, window B03 (open on Saturdays)
  let individual: string; // district GT, window B01
  let market: string; // city SC, window B01

  beforeAll(async () => {
    under = await startIntakeForTest();
    demo = await under.demo();
    district = demo.halls['district']!;
    city = demo.halls['city']!;
    // The demo district hall has no administrator: add one through the catalogue's use case.
    await under.catalogue.organisation.createStaff(
      { requestId: rid() },
      {
        hallId: district,
        departmentId: null,
        employeeNo: '705ADM01',
        name: '区中心管理员',
        mobile: '13905369999',
        roles: ['administrator'],
        windowId: null,
        photoRef: '',
        title: '',
        duties: '',
        backupStaffId: null,
      },
    );
    for (const no of ['705ADM01', '700GLB07', '705QZJJ01', '700SCJG01']) {
      const options = await under.as(no);
      queues[no] = new pb.QueueServiceClient(under.address, grpc.credentials.createInsecure(), options);
      books[no] = new ap.AppointmentServiceClient(under.address, grpc.credentials.createInsecure(), options);
    }
    const category = async (admin: string, hallId: string, prefix: string, department: string, windows: string[]) =>
      (
        await callUnary(queues[admin]!, 'createTicketCategory', {
          requestId: rid(),
          category: pb.TicketCategoryInput.fromPartial({
            hallId,
            prefix,
            name: `${prefix}业务`,
            departmentIds: [demo.departments[department]!],
            windowIds: windows.map((w) => demo.windows[w]!),
          }),
        })
      ).category!.id;
    housing = await category('705ADM01', district, 'FG', 'district/QZJJ', ['district/B03']);
    individual = await category('705ADM01', district, 'GT', 'district/QSCJ', ['district/B01']);
    market = await category('700GLB07', city, 'SC', 'city/SCJG', ['city/B01']);
  }, 90_000);
  afterAll(async () => {
    [...Object.values(queues), ...Object.values(books)].forEach((c) => c.close());
    await under.stop();
  });

  const setSlots = (hallId: string, categoryId: string, date: string, slots: ap.SlotInput[], admin = '705ADM01') =>
    callUnary(books[admin]!, 'setAppointmentSlots', { requestId: rid(), hallId, categoryId, date, slots });
  const book = (slotId: string, extra: Partial<ap.BookAppointmentRequest> = {}) =>
    callUnary(books['705QZJJ01']!, 'bookAppointment', {
      ...ap.BookAppointmentRequest.fromPartial({
        requestId: rid(),
        slotId,
        applicantName: '张三丰',
        phone: '13912345678',
      }),
      kind: ap.AppointmentKind.APPOINTMENT_KIND_AT_HALL,
      ...extra,
    });

  it('accepts a Saturday slot only where a window of the category opens on Saturday', async () => {
    const saturday = '2026-10-17';
    const ok = await setSlots(district, housing, saturday, [{ start: '09:00', end: '10:00', capacity: 4 }]);
    expect(ok.slots).toEqual([expect.objectContaining({ date: saturday, sessionKind: 'WEEKEND', capacity: 4 })]);
    const refused = await expectGrpcError(
      setSlots(district, individual, saturday, [{ start: '09:00', end: '10:00', capacity: 4 }]),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fields(refused)).toEqual(['slots[0]']);
    const cityRefused = await expectGrpcError(
      setSlots(city, market, saturday, [{ start: '09:00', end: '10:00', capacity: 4 }], '700GLB07'),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fields(cityRefused)).toEqual(['slots[0]']);
    // An evening slot outside the weekday hours, and malformed input, by field.
    const evening = await expectGrpcError(
      setSlots(district, housing, '2026-10-13', [
        { start: '09:00', end: '10:00', capacity: 2 },
        { start: '18:00', end: '19:00', capacity: 2 },
      ]),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fields(evening)).toEqual(['slots[1]']);
    const bad = await expectGrpcError(
      setSlots(district, housing, '2026-13-01', [{ start: '9:00', end: '10:00', capacity: 0 }]),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fields(bad).sort()).toEqual(['date', 'slots[0].capacity', 'slots[0].start']);
    await expectGrpcError(
      setSlots(district, housing, saturday, [{ start: '09:00', end: '10:00', capacity: 4 }], '700GLB07'),
      grpc.status.PERMISSION_DENIED,
    );
  });

  it('never overbooks a slot under concurrent bookings', async () => {
    const set = await setSlots(district, housing, '2026-10-13', [{ start: '14:00', end: '15:00', capacity: 3 }]);
    const slotId = set.slots[0]!.id;
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => book(slotId)));
    const booked = results.filter((r) => r.status === 'fulfilled');
    expect(booked).toHaveLength(3);
    for (const r of results) {
      if (r.status === 'rejected')
        expect(grpc.status[(r.reason as grpc.ServiceError).code]).toBe('FAILED_PRECONDITION');
    }
    const listed = await callUnary(books['705QZJJ01']!, 'listAppointmentSlots', {
      hallId: district,
      categoryId: housing,
      fromDate: '2026-10-13',
      days: 1,
    });
    expect(listed.slots.find((s) => s.id === slotId)).toMatchObject({ booked: 3, capacity: 3 });
    const first = (booked[0] as PromiseFulfilledResult<ap.BookAppointmentResponse>).value.appointment!;
    expect(first.phoneMasked).toBe('139****5678');
    expect(first.code).toMatch(/^[A-Z0-9]{8}$/);
    const byCode = await callUnary(books['705QZJJ01']!, 'getAppointment', { id: '', code: first.code });
    expect(byCode.appointment!.id).toBe(first.id);
    // Cancel frees a place; reschedule moves atomically.
    await callUnary(books['705QZJJ01']!, 'cancelAppointment', {
      requestId: rid(),
      appointmentId: first.id,
      reason: '',
    });
    const other = await setSlots(district, housing, '2026-10-14', [{ start: '09:00', end: '10:00', capacity: 1 }]);
    const second = (booked[1] as PromiseFulfilledResult<ap.BookAppointmentResponse>).value.appointment!;
    const moved = await callUnary(books['705QZJJ01']!, 'rescheduleAppointment', {
      requestId: rid(),
      appointmentId: second.id,
      slotId: other.slots[0]!.id,
    });
    expect(moved.appointment).toMatchObject({ date: '2026-10-14', reschedules: 1 });
    const third = (booked[2] as PromiseFulfilledResult<ap.BookAppointmentResponse>).value.appointment!;
    await expectGrpcError(
      callUnary(books['705QZJJ01']!, 'rescheduleAppointment', {
        requestId: rid(),
        appointmentId: third.id,
        slotId: other.slots[0]!.id,
      }),
      grpc.status.FAILED_PRECONDITION,
    );
    const after = await callUnary(books['705QZJJ01']!, 'listAppointmentSlots', {
      hallId: district,
      categoryId: housing,
      fromDate: '2026-10-13',
      days: 2,
    });
    expect(after.slots.map((s) => [s.date, s.booked])).toEqual([
      ['2026-10-13', 1],
      ['2026-10-14', 1],
    ]);
    const home = await expectGrpcError(
      book(slotId, { kind: ap.AppointmentKind.APPOINTMENT_KIND_HOME_VISIT }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fields(home)).toEqual(['address']);
    const events = await intakeEventsOn(under.region);
    expect(events.filter((e) => e.type === 'intake.appointment.booked').length).toBeGreaterThanOrEqual(3);
  });

  it('checks in from 60 minutes before the slot: an appointment ticket called before walk-ins', async () => {
    const today = await setSlots(district, housing, '2026-10-12', [{ start: '10:00', end: '11:00', capacity: 5 }]);
    const later = await setSlots(district, housing, '2026-10-15', [{ start: '10:00', end: '11:00', capacity: 5 }]);
    const now = (await book(today.slots[0]!.id)).appointment!;
    const notYet = (await book(later.slots[0]!.id)).appointment!;
    const walkIn = await callUnary(queues['705QZJJ01']!, 'takeTicket', {
      ...pb.TakeTicketRequest.fromPartial({ requestId: rid(), hallId: district, categoryId: housing }),
      ticketClass: pb.TicketClass.TICKET_CLASS_WALK_IN,
    });
    const early = await expectGrpcError(
      callUnary(books['705QZJJ01']!, 'checkInAppointment', { requestId: rid(), appointmentId: notYet.id, code: '' }),
      grpc.status.FAILED_PRECONDITION,
    );
    expect(early.details).toContain('60分钟');
    const checked = await callUnary(books['705QZJJ01']!, 'checkInAppointment', {
      requestId: rid(),
      appointmentId: '',
      code: now.code,
    });
    expect(checked.ticketNumber).toMatch(/^FG\d{3}$/);
    const called = await callUnary(queues['705QZJJ01']!, 'callNext', {
      requestId: rid(),
      hallId: district,
      windowId: demo.windows['district/B03']!,
    });
    expect(called.ticket!).toMatchObject({
      id: checked.ticketId,
      ticketClass: pb.TicketClass.TICKET_CLASS_APPOINTMENT,
      phoneMasked: '139****5678',
    });
    expect(walkIn.ticket!.takenAt!.getTime()).toBeLessThanOrEqual(called.ticket!.takenAt!.getTime());
  });

  it('keeps the batch room rules', async () => {
    const item = demo.items['11370705QZJJ000131005000']!;
    const request = (extra: Partial<ap.BookBatchServiceRequest>) =>
      callUnary(books['705QZJJ01']!, 'bookBatchService', {
        ...ap.BookBatchServiceRequest.fromPartial({
          requestId: rid(),
          hallId: district,
          enterpriseName: '潍坊市鸢都置业有限公司',
          creditCode: '91370700MA3C4B5X7U',
          contactName: '刘建军',
          contactPhone: '13905361111',
          itemId: item,
          quantity: 11,
        }),
        session: ap.BatchSession.BATCH_SESSION_MORNING,
        ...extra,
      });
    expect(
      (await callUnary(books['705QZJJ01']!, 'getBatchServicePolicy', { hallId: district })).policy!.threshold,
    ).toBe(10);
    expect(fields(await expectGrpcError(request({ quantity: 10 }), grpc.status.INVALID_ARGUMENT))).toEqual([
      'quantity',
    ]);
    expect(
      fields(await expectGrpcError(request({ creditCode: '91370700MA3C4B5X2N' }), grpc.status.INVALID_ARGUMENT)),
    ).toEqual(['credit_code']);
    const farOff = await expectGrpcError(request({ date: '2026-10-14' }), grpc.status.INVALID_ARGUMENT);
    expect(fields(farOff)).toEqual(['date']);
    expect(fieldViolationsOf(farOff)[0]!.description).toContain('当天或次日');
    const todayBooking = await request({});
    expect(todayBooking.booking).toMatchObject({
      date: '2026-10-12',
      requestedOn: '2026-10-12',
      contactPhoneMasked: '139****1111',
    });
    const twice = await expectGrpcError(
      request({ enterpriseName: '另一家企业有限公司' }),
      grpc.status.FAILED_PRECONDITION,
    );
    expect(twice.details).toContain('潍坊市鸢都置业有限公司');
    const next = await request({ date: '2026-10-13', session: ap.BatchSession.BATCH_SESSION_AFTERNOON });
    expect(next.booking!.date).toBe('2026-10-13');
    await expectGrpcError(
      callUnary(
        books['700SCJG01']!,
        'bookBatchService',
        ap.BookBatchServiceRequest.fromPartial({
          requestId: rid(),
          hallId: district,
          enterpriseName: '潍坊市鸢都置业有限公司',
          creditCode: '91370700MA3C4B5X7U',
          contactName: '刘建军',
          contactPhone: '13905361111',
          itemId: item,
          quantity: 11,
          session: ap.BatchSession.BATCH_SESSION_MORNING,
        }),
      ),
      grpc.status.PERMISSION_DENIED,
    );
    await callUnary(books['705ADM01']!, 'setBatchServicePolicy', { requestId: rid(), hallId: district, threshold: 20 });
    expect(
      fields(
        await expectGrpcError(
          request({ quantity: 15, session: ap.BatchSession.BATCH_SESSION_AFTERNOON }),
          grpc.status.INVALID_ARGUMENT,
        ),
      ),
    ).toEqual(['quantity']);
    const listed = await callUnary(books['705QZJJ01']!, 'listBatchServices', {
      hallId: district,
      fromDate: '2026-10-12',
      days: 2,
    });
    expect(listed.bookings.map((b) => b.date)).toEqual(['2026-10-12', '2026-10-13']);
    const cancelled = await callUnary(books['705QZJJ01']!, 'cancelBatchService', {
      requestId: rid(),
      bookingId: todayBooking.booking!.id,
    });
    expect(cancelled.booking!.status).toBe(ap.BatchBookingStatus.BATCH_BOOKING_STATUS_CANCELLED);
  });
});
