import { intakeAppointmentsV1 as ap, intakeQueueV1 as pb } from '@govhall/contracts';
import { PreconditionFailedError, ValidationError, type Clock, type StaffActor } from '@govhall/kit';
import type { AppointmentService } from '../app/appointment-service';
import type { QueueService } from '../app/queue-service';
import { addDays, serviceDateOf } from '../domain/queue';

/** What the loader reads of the catalogue's directory (the catalogue's OrganisationService and ItemService). */
export interface DemoQueueCatalogue {
  readonly organisation: {
    listHalls(filter: {
      includeInactive: boolean;
    }): Promise<ReadonlyArray<{ id: string; tier: string; kind: string; regionCode: string }>>;
    listDepartments(filter: {
      includeInactive: boolean;
    }): Promise<ReadonlyArray<{ id: string; hallId: string; code: string }>>;
    listWindows(filter: {
      includeInactive: boolean;
    }): Promise<ReadonlyArray<{ id: string; hallId: string; number: string; departmentIds: readonly string[] }>>;
    listStaff(filter: { includeInactive: boolean }): Promise<ReadonlyArray<{ id: string; employeeNo: string }>>;
  };
  readonly items: {
    listItems(
      filter: { status: 'published' },
      page: { size: number; token: string },
    ): Promise<{ items: ReadonlyArray<{ itemId: string; content: { implementationCode: string } }> }>;
  };
}

export interface DemoQueueSummary {
  readonly categories: number;
  readonly tickets: number;
  readonly slots: number;
  readonly appointments: number;
  readonly batchBookings: number;
}

/** Demo categories: hall key, prefix, name, department code, window numbers. */
const CATEGORIES = [
  { hall: 'city', prefix: 'SC', name: '市场监管业务', department: 'SCJG', windows: ['B01', 'B02'] },
  { hall: 'city', prefix: 'BD', name: '不动产登记', department: 'BDC', windows: ['B10'] },
  { hall: 'district', prefix: 'FG', name: '房产·规土联办', department: 'QZJJ', windows: ['B03'] },
  { hall: 'district', prefix: 'GT', name: '个体工商户登记', department: 'QSCJ', windows: ['B01'] },
] as const;
const SLOT_DAYS = 7;
const BATCH_ITEM_CODE = '11370705QZJJ000131005000';

function refusedByRules(error: unknown): boolean {
  return error instanceof ValidationError || error instanceof PreconditionFailedError;
}

/**
 * The demo queue of the embedded start, through the use cases: categories for the city and district halls,
 * tickets waiting today (walk-ins and one green channel), one served and one called, appointment slots for the
 * next days where the windows open (the district B03 Saturday included; closed days skipped), one appointment,
 * the district's batch policy and one batch booking. Request ids are fixed per day: a rerun changes nothing.
 */
export async function loadDemoQueue(
  intake: { readonly queue: QueueService; readonly appointments: AppointmentService },
  catalogue: DemoQueueCatalogue,
  clock: Clock,
): Promise<DemoQueueSummary> {
  const org = catalogue.organisation;
  const halls = await org.listHalls({ includeInactive: false });
  const hallOf = (key: string) => {
    const [tier, kind] = key.split('-');
    return halls.find((h) => h.tier === tier && h.kind === (kind ?? 'main'))!;
  };
  const departments = await org.listDepartments({ includeInactive: false });
  const windows = await org.listWindows({ includeInactive: false });
  const staff = await org.listStaff({ includeInactive: false });
  const staffId = (no: string) => staff.find((s) => s.employeeNo === no)!.id;
  const staffActor = (actor: Omit<StaffActor, 'kind'>): StaffActor => ({ kind: 'staff', ...actor });
  const admin = (hallId: string, regionCode: string): StaffActor =>
    staffActor({ staffId: 'demo-queue-loader', roles: ['administrator'], departmentId: null, hallId, regionCode });
  const today = serviceDateOf(clock.now());
  const day = `demo-queue-${today}`;

  const categories: pb.TicketCategory[] = [];
  for (const c of CATEGORIES) {
    const hall = hallOf(c.hall);
    const existing = (await intake.queue.listCategories({ hallId: hall.id, includeInactive: false })).find(
      (x) => x.prefix === c.prefix,
    );
    if (existing) {
      categories.push(existing);
      continue;
    }
    const department = departments.find((d) => d.hallId === hall.id && d.code === c.department)!;
    const windowIds = c.windows.map((n) => windows.find((w) => w.hallId === hall.id && w.number === n)!.id);
    categories.push(
      await intake.queue.createCategory(
        { requestId: `demo-queue-category-${c.hall}-${c.prefix}`, actor: admin(hall.id, hall.regionCode) },
        {
          requestId: `demo-queue-category-${c.hall}-${c.prefix}`,
          category: {
            hallId: hall.id,
            prefix: c.prefix,
            name: c.name,
            departmentIds: [department.id],
            itemIds: [],
            windowIds,
            maxCalls: 3,
            numberWidth: 3,
          },
        },
      ),
    );
  }

  // Today's tickets at the city's market-regulation windows.
  const city = hallOf('city');
  const market = categories[0]!;
  const clerk = staffActor({
    staffId: staffId('700SCJG02'),
    roles: ['reviewer'],
    departmentId: market.departmentIds[0]!,
    hallId: city.id,
    regionCode: city.regionCode,
  });
  const takes: Array<Partial<pb.TakeTicketRequest>> = [
    { ticketClass: pb.TicketClass.TICKET_CLASS_WALK_IN, phone: '13805361234' },
    { ticketClass: pb.TicketClass.TICKET_CLASS_WALK_IN },
    { ticketClass: pb.TicketClass.TICKET_CLASS_WALK_IN },
    { ticketClass: pb.TicketClass.TICKET_CLASS_WALK_IN },
    {
      ticketClass: pb.TicketClass.TICKET_CLASS_GREEN_CHANNEL,
      assignedStaffId: staffId('700SCJG01'),
      projectName: '潍坊新能源装备产业园项目',
    },
  ];
  for (const [i, extra] of takes.entries()) {
    const requestId = `${day}-ticket-${i}`;
    await intake.queue.takeTicket(
      { requestId, actor: clerk },
      pb.TakeTicketRequest.fromPartial({ requestId, hallId: city.id, categoryId: market.id, ...extra }),
    );
  }
  const b02 = windows.find((w) => w.hallId === city.id && w.number === 'B02')!.id;
  const served = await intake.queue.callNext(
    { requestId: `${day}-call-1`, actor: clerk },
    { requestId: `${day}-call-1`, hallId: city.id, windowId: b02 },
  );
  if (served.ticket) {
    const ticketId = served.ticket.id;
    await intake.queue.startServing(
      { requestId: `${day}-serve-1`, actor: clerk },
      { requestId: `${day}-serve-1`, ticketId, windowId: b02 },
    );
    await intake.queue.finish(
      { requestId: `${day}-finish-1`, actor: clerk },
      { requestId: `${day}-finish-1`, ticketId, windowId: b02, registrationIds: [] },
    );
    await intake.queue.callNext(
      { requestId: `${day}-call-2`, actor: clerk },
      { requestId: `${day}-call-2`, hallId: city.id, windowId: b02 },
    );
  }

  // Slots for the next days, where a window of the category opens (a closed day is skipped).
  let slots = 0;
  let firstSlot: ap.AppointmentSlot | undefined;
  for (const category of [categories[0]!, categories[2]!]) {
    const hall = halls.find((h) => h.id === category.hallId)!;
    for (let d = 1; d <= SLOT_DAYS; d++) {
      const date = addDays(today, d);
      const requestId = `${day}-slots-${category.prefix}-${date}`;
      try {
        const set = await intake.appointments.setSlots(
          { requestId, actor: admin(hall.id, hall.regionCode) },
          {
            requestId,
            hallId: hall.id,
            categoryId: category.id,
            date,
            slots: [
              { start: '09:00', end: '10:00', capacity: 5 },
              { start: '10:00', end: '11:00', capacity: 5 },
            ],
          },
        );
        slots += set.slots.length;
        firstSlot ??= set.slots[0];
      } catch (error) {
        if (!refusedByRules(error)) throw error;
      }
    }
  }

  let appointments = 0;
  if (firstSlot) {
    const requestId = `${day}-appointment-1`;
    await intake.appointments.book(
      { requestId, actor: clerk },
      {
        requestId,
        slotId: firstSlot.id,
        kind: ap.AppointmentKind.APPOINTMENT_KIND_AT_HALL,
        applicantName: '王晓明',
        phone: '13905369876',
        itemId: '',
        address: '',
      },
    );
    appointments = 1;
  }

  // The district's batch room: a policy, and one enterprise today or on the room's next open day.
  const district = hallOf('district');
  const districtAdmin = admin(district.id, district.regionCode);
  await intake.appointments.setPolicy(
    { requestId: 'demo-queue-batch-policy', actor: districtAdmin },
    { requestId: 'demo-queue-batch-policy', hallId: district.id, threshold: 10 },
  );
  const item = (await catalogue.items.listItems({ status: 'published' }, { size: 500, token: '' })).items.find(
    (i) => i.content.implementationCode === BATCH_ITEM_CODE,
  );
  let batchBookings = 0;
  const nextDays = [today, addDays(today, 1), addDays(today, 2), addDays(today, 3)];
  for (const date of nextDays) {
    if (!item || batchBookings > 0) break;
    for (const session of [ap.BatchSession.BATCH_SESSION_MORNING, ap.BatchSession.BATCH_SESSION_AFTERNOON]) {
      const requestId = `${day}-batch-${date}-${session}`;
      try {
        await intake.appointments.bookBatch(
          { requestId, actor: districtAdmin },
          {
            requestId,
            hallId: district.id,
            roomWindowId: '',
            enterpriseName: '潍坊市鸢都置业有限公司',
            creditCode: '91370700MA3C4B5X7U',
            contactName: '刘建军',
            contactPhone: '13905361111',
            itemId: item.itemId,
            quantity: 36,
            date,
            session,
          },
        );
        batchBookings = 1;
        break;
      } catch (error) {
        if (!refusedByRules(error)) throw error;
      }
    }
  }
  return { categories: categories.length, tickets: takes.length, slots, appointments, batchBookings };
}
