import { catalogueCalendarV1 as cal, catalogueOpeningHoursV1 as pb, catalogueV1 as org } from '@govhall/contracts';
import { bearerInterceptor, callUnary, fieldViolationsOf } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { expectGrpcError } from './grpc-assertions';
import { organisationCalls } from './organisation-calls';
import { catalogueEventsOf, startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';
import { aCityHall, aDepartment, aDistrictHall, aWindow, requestId } from './builders';

type HoursClient = InstanceType<typeof pb.OpeningHoursServiceClient>;
type OrganisationClient = InstanceType<typeof org.OrganisationServiceClient>;
type CalendarClient = InstanceType<typeof cal.CalendarServiceClient>;

const { OpeningSessionKind: Kind, OpeningHoursScopeLevel: Level } = pb;
const WEEKDAYS = [1, 2, 3, 4, 5];
const NONE = org.WindowKind.WINDOW_KIND_UNSPECIFIED;
const DEPARTMENT = org.WindowKind.WINDOW_KIND_DEPARTMENT;

const session = (
  weekdays: number[],
  start: string,
  end: string,
  kind: pb.OpeningSessionKind = Kind.OPENING_SESSION_KIND_REGULAR,
): pb.OpeningSession => ({ weekdays, start, end, kind });

/** Weekdays 09:00–12:00 and 13:00–17:00, and Saturdays all day (周末便民服务). */
const saturdayWindow = (): pb.OpeningSchedule => ({
  sessions: [
    session(WEEKDAYS, '09:00', '12:00'),
    session(WEEKDAYS, '13:00', '17:00'),
    session([6], '08:30', '17:00', Kind.OPENING_SESSION_KIND_WEEKEND),
  ],
  openOnPublicHolidays: false,
  note: '周末便民服务：每周六全天办理',
});

/** A SetOpeningHours request for the hall itself; override the scope, schedule or version. */
const aSet = (hallId: string, overrides: Partial<pb.SetOpeningHoursRequest> = {}): pb.SetOpeningHoursRequest => ({
  requestId: requestId(),
  hallId,
  windowKind: NONE,
  windowId: '',
  schedule: { sessions: [session(WEEKDAYS, '08:00', '18:00')], openOnPublicHolidays: false, note: '' },
  expectedVersion: 0,
  ...overrides,
});

/** Each date as `date: start-end KIND, ...` (or `closed`), for readable expectations. */
const shown = (days: readonly pb.OpenDay[]): string[] =>
  days.map(
    (d) =>
      `${d.date}: ${
        d.open
          ? d.intervals.map((i) => `${i.start}-${i.end} ${i.kind.replace('OPENING_SESSION_KIND_', '')}`).join(', ')
          : 'closed'
      }`,
  );

/**
 * Opening hours over gRPC against real PostgreSQL and NATS, started as in production: schedules per hall,
 * window kind and window, resolved for windows, and laid over the hall's working-time calendar.
 */
describe('opening hours over gRPC (real PostgreSQL and NATS)', () => {
  let catalogue: CatalogueUnderTest;
  let hours: HoursClient;
  let publicHours: HoursClient;
  let directory: OrganisationClient;
  let calendar: CalendarClient;

  let cityHallId: string;
  let districtHallId: string;
  let frontDeskId: string; // city A01, front desk
  let marketWindowId: string; // city B01, department
  let foodWindowId: string; // city B02, department
  let districtWindowId: string; // district B01, department

  beforeAll(async () => {
    catalogue = await startCatalogueForTest();
    const { address } = catalogue;
    const insecure = grpc.credentials.createInsecure();
    hours = new pb.OpeningHoursServiceClient(address, insecure, catalogue.asAdministrator);
    publicHours = new pb.OpeningHoursServiceClient(address, insecure);
    directory = new org.OrganisationServiceClient(address, insecure, catalogue.asAdministrator);
    calendar = new cal.CalendarServiceClient(address, insecure, catalogue.asAdministrator);

    const { createHall, createDepartment, createWindow } = organisationCalls(() => directory);

    cityHallId = (await createHall(aCityHall())).id;
    districtHallId = (await createHall(aDistrictHall(cityHallId))).id;
    const market = (await createDepartment(aDepartment(cityHallId))).id;
    const districtMarket = (await createDepartment(aDepartment(districtHallId, { name: '奎文区市场监督管理局' }))).id;
    frontDeskId = (
      await createWindow(
        aWindow(cityHallId, [], { number: 'A01', name: '综合受理总台', kind: org.WindowKind.WINDOW_KIND_FRONT_DESK }),
      )
    ).id;
    marketWindowId = (await createWindow(aWindow(cityHallId, [market], { number: 'B01' }))).id;
    foodWindowId = (await createWindow(aWindow(cityHallId, [market], { number: 'B02', name: '食品经营许可窗口' }))).id;
    districtWindowId = (await createWindow(aWindow(districtHallId, [districtMarket], { number: 'B01' }))).id;
  });

  afterAll(async () => {
    hours.close();
    publicHours.close();
    directory.close();
    calendar.close();
    await catalogue.stop();
  });

  const openTimes = (client: HoursClient, hallId: string, windowId: string, fromDate: string, days: number) =>
    callUnary(client, 'getOpenTimes', { hallId, windowId, fromDate, days });
  const set = (request: pb.SetOpeningHoursRequest) => callUnary(hours, 'setOpeningHours', request);
  const clear = (hallId: string, scope: { windowKind?: org.WindowKind; windowId?: string }, expectedVersion: number) =>
    callUnary(hours, 'clearOpeningHours', {
      requestId: requestId(),
      hallId,
      windowKind: scope.windowKind ?? NONE,
      windowId: scope.windowId ?? '',
      expectedVersion,
    });
  const sourceOf = async (windowId: string): Promise<[pb.OpeningHoursScopeLevel, number]> => {
    const answer = await openTimes(publicHours, cityHallId, windowId, '2026-03-02', 1);
    return [answer.source!.level, answer.sourceVersion];
  };

  it("answers the hall's working hours on working days when no schedule is set: a holiday closed, a make-up Saturday open", async () => {
    await expectGrpcError(
      callUnary(publicHours, 'getOpeningHours', { hallId: districtHallId, windowKind: NONE, windowId: '' }),
      grpc.status.NOT_FOUND,
    );
    // Tuesday 29 September to Saturday 10 October 2026: National Day (1–7 October), make-up Saturday 10 October.
    const answer = await openTimes(publicHours, districtHallId, districtWindowId, '2026-09-29', 12);
    expect(answer.source).toMatchObject({
      level: Level.OPENING_HOURS_SCOPE_LEVEL_WORKING_HOURS,
      hallId: districtHallId,
    });
    expect(answer).toMatchObject({ sourceVersion: 0, windowId: districtWindowId, windowNumber: 'B01' });
    const byDate = new Map(answer.days.map((d) => [d.date, d]));
    expect(shown(answer.days)).toEqual([
      '2026-09-29: 08:30-12:00 REGULAR, 14:00-17:30 REGULAR',
      '2026-09-30: 08:30-12:00 REGULAR, 14:00-17:30 REGULAR',
      '2026-10-01: closed',
      '2026-10-02: closed',
      '2026-10-03: closed',
      '2026-10-04: closed',
      '2026-10-05: closed',
      '2026-10-06: closed',
      '2026-10-07: closed',
      '2026-10-08: 08:30-12:00 REGULAR, 14:00-17:30 REGULAR',
      '2026-10-09: 08:30-12:00 REGULAR, 14:00-17:30 REGULAR',
      '2026-10-10: 08:30-12:00 REGULAR, 14:00-17:30 REGULAR',
    ]);
    expect(byDate.get('2026-10-01')).toMatchObject({ weekday: 4, publicHoliday: true, holidayName: '国庆节' });
    expect(byDate.get('2026-10-10')).toMatchObject({ weekday: 6, publicHoliday: false, makeUpWorkday: true });
    expect(byDate.get('2026-10-10')!.calendarDataVersion).toMatch(/^chinese-days@/);
  });

  it('sets a schedule, reads it back (anonymous callers too), and raises catalogue.opening_hours.set', async () => {
    const request = aSet(districtHallId, { windowId: districtWindowId, schedule: saturdayWindow() });
    const { openingHours, unchanged } = await set(request);
    expect(unchanged).toBe(false);
    expect(openingHours).toMatchObject({
      scope: { hallId: districtHallId, level: Level.OPENING_HOURS_SCOPE_LEVEL_WINDOW, windowId: districtWindowId },
      schedule: saturdayWindow(),
      version: 1,
    });
    const read = await callUnary(publicHours, 'getOpeningHours', {
      hallId: districtHallId,
      windowKind: NONE,
      windowId: districtWindowId,
    });
    expect(read.openingHours).toEqual(openingHours);
    expect((await callUnary(publicHours, 'listOpeningHours', { hallId: districtHallId })).openingHours).toEqual([
      openingHours,
    ]);
    await waitFor(async () => (await catalogueEventsOf(catalogue.region, 'catalogue.opening_hours.set')).length >= 1, {
      what: 'catalogue.opening_hours.set',
    });
    const [event] = await catalogueEventsOf(catalogue.region, 'catalogue.opening_hours.set');
    expect(event!.data).toMatchObject({ openingHours: { version: 1, scope: { windowId: districtWindowId } } });
    expect(event!.data.supersededVersion).toBe(0);
  });

  it('lays a schedule over a real holiday, a make-up working day and a plain Saturday (chinese-days 2026)', async () => {
    // Set by the previous test: weekdays 09:00–12:00, 13:00–17:00, Saturdays 08:30–17:00.
    const answer = await openTimes(publicHours, districtHallId, districtWindowId, '2026-09-26', 22);
    expect(answer.source!.level).toBe(Level.OPENING_HOURS_SCOPE_LEVEL_WINDOW);
    expect(answer.note).toBe('周末便民服务：每周六全天办理');
    const byDate = new Map(shown(answer.days).map((line) => [line.slice(0, 10), line.slice(12)]));
    // Saturday 26 September is inside the Mid-Autumn block (中秋节): a holiday, closed.
    expect(byDate.get('2026-09-26')).toBe('closed');
    expect(answer.days[0]).toMatchObject({ publicHoliday: true, holidayName: '中秋' });
    expect(byDate.get('2026-10-01')).toBe('closed');
    // Saturday 10 October works for National Day: a Monday's regular sessions, not the Saturday session.
    expect(byDate.get('2026-10-10')).toBe('09:00-12:00 REGULAR, 13:00-17:00 REGULAR');
    // Saturday 17 October is a plain Saturday: the weekend session.
    expect(byDate.get('2026-10-17')).toBe('08:30-17:00 WEEKEND');
    expect(byDate.get('2026-10-16')).toBe('09:00-12:00 REGULAR, 13:00-17:00 REGULAR');
    expect(byDate.get('2026-10-11')).toBe('closed');
  });

  it('opens on public holidays only when the schedule says so (五加二)', async () => {
    const fivePlusTwo: pb.OpeningSchedule = {
      sessions: [
        session(WEEKDAYS, '08:30', '17:30'),
        session([6, 7], '09:00', '17:00', Kind.OPENING_SESSION_KIND_WEEKEND),
      ],
      openOnPublicHolidays: true,
      note: '五加二、白加黑',
    };
    await set(aSet(cityHallId, { windowId: frontDeskId, schedule: fivePlusTwo }));
    const answer = await openTimes(publicHours, cityHallId, frontDeskId, '2026-10-01', 4);
    expect(shown(answer.days)).toEqual([
      '2026-10-01: 08:30-17:30 REGULAR',
      '2026-10-02: 08:30-17:30 REGULAR',
      '2026-10-03: 09:00-17:00 WEEKEND',
      '2026-10-04: 09:00-17:00 WEEKEND',
    ]);
    expect(answer.days.every((d) => d.publicHoliday)).toBe(true);
  });

  it('follows a regional year loaded for the hall’s region, as GetHallCalendar resolves it', async () => {
    const { schedule: national } = await callUnary(calendar, 'getYearSchedule', {
      regionCode: '370705',
      year: 2026,
      version: 0,
      includeDefault: true,
    });
    // A local day off on Monday 12 October (invented for the test).
    await callUnary(calendar, 'loadYearSchedule', {
      requestId: requestId(),
      regionCode: '370705',
      year: 2026,
      holidays: [...national!.holidays, { date: '2026-10-12', name: '区庆' }],
      makeUpWorkdays: national!.makeUpWorkdays,
      note: '',
    });
    const [monday] = (await openTimes(publicHours, districtHallId, districtWindowId, '2026-10-12', 1)).days;
    expect(monday).toMatchObject({ open: false, publicHoliday: true, holidayName: '区庆' });
    expect(monday!.calendarDataVersion).toBe('catalogue:370705/2026@v1');
    // The city is not in 370705: its Monday is a plain Monday.
    const [cityMonday] = (await openTimes(publicHours, cityHallId, '', '2026-10-12', 1)).days;
    expect(cityMonday).toMatchObject({ open: true, publicHoliday: false });
  });

  it('refuses a date in a year with no schedule, naming the year', async () => {
    const error = await expectGrpcError(
      openTimes(publicHours, cityHallId, '', '2099-03-02', 3),
      grpc.status.FAILED_PRECONDITION,
    );
    expect(error.details).toMatch(/2099/);
  });

  it('resolves a window: its own schedule, else its kind in its hall, else the hall, else the working hours', async () => {
    const hall = await set(aSet(cityHallId, { schedule: saturdayWindow() }));
    const kind = await set(
      aSet(cityHallId, {
        windowKind: DEPARTMENT,
        schedule: {
          sessions: [
            session(WEEKDAYS, '08:30', '12:00'),
            session([1, 3, 5], '14:30', '17:30', Kind.OPENING_SESSION_KIND_LEADER_ON_SITE),
          ],
          openOnPublicHolidays: false,
          note: '部门分管领导每周一、三、五下午到中心现场审批',
        },
      }),
    );
    const own = await set(aSet(cityHallId, { windowId: marketWindowId }));
    expect(kind.openingHours!.scope).toMatchObject({
      level: Level.OPENING_HOURS_SCOPE_LEVEL_WINDOW_KIND,
      windowKind: DEPARTMENT,
      windowId: '',
    });

    expect(await sourceOf(marketWindowId)).toEqual([Level.OPENING_HOURS_SCOPE_LEVEL_WINDOW, 1]);
    expect(await sourceOf(foodWindowId)).toEqual([Level.OPENING_HOURS_SCOPE_LEVEL_WINDOW_KIND, 1]);
    // The front desk has its own (previous test); the hall itself answers its own schedule.
    expect(await sourceOf('')).toEqual([Level.OPENING_HOURS_SCOPE_LEVEL_HALL, 1]);
    // Monday 2 March 2026 at a department window: the leader's on-site session.
    const monday = await openTimes(publicHours, cityHallId, foodWindowId, '2026-03-02', 1);
    expect(shown(monday.days)).toEqual(['2026-03-02: 08:30-12:00 REGULAR, 14:30-17:30 LEADER_ON_SITE']);
    expect(monday.source).toMatchObject({ windowKind: DEPARTMENT, hallId: cityHallId });

    const listed = (await callUnary(publicHours, 'listOpeningHours', { hallId: cityHallId })).openingHours;
    expect(listed.map((h) => h.scope!.level)).toEqual([
      Level.OPENING_HOURS_SCOPE_LEVEL_HALL,
      Level.OPENING_HOURS_SCOPE_LEVEL_WINDOW_KIND,
      Level.OPENING_HOURS_SCOPE_LEVEL_WINDOW,
      Level.OPENING_HOURS_SCOPE_LEVEL_WINDOW,
    ]);

    // Clearing a scope lets the next one up apply.
    const cleared = await clear(cityHallId, { windowId: marketWindowId }, own.openingHours!.version);
    expect(cleared.cleared).toEqual(own.openingHours);
    expect(await sourceOf(marketWindowId)).toEqual([Level.OPENING_HOURS_SCOPE_LEVEL_WINDOW_KIND, 1]);
    await clear(cityHallId, { windowKind: DEPARTMENT }, kind.openingHours!.version);
    expect(await sourceOf(marketWindowId)).toEqual([Level.OPENING_HOURS_SCOPE_LEVEL_HALL, 1]);
    await clear(cityHallId, {}, hall.openingHours!.version);
    expect(await sourceOf(marketWindowId)).toEqual([Level.OPENING_HOURS_SCOPE_LEVEL_WORKING_HOURS, 0]);
    await expectGrpcError(
      callUnary(publicHours, 'getOpeningHours', { hallId: cityHallId, windowKind: DEPARTMENT, windowId: '' }),
      grpc.status.NOT_FOUND,
    );
    // Clearing what is not set is NOT_FOUND.
    await expectGrpcError(clear(cityHallId, { windowId: marketWindowId }, 1), grpc.status.NOT_FOUND);

    // The default follows the hall's working hours as the calendar keeps them.
    await callUnary(calendar, 'setHallWorkingHours', {
      requestId: requestId(),
      hallId: cityHallId,
      periods: [{ start: '09:00', end: '17:00' }],
      expectedVersion: 0,
    });
    expect(await sourceOf(marketWindowId)).toEqual([Level.OPENING_HOURS_SCOPE_LEVEL_WORKING_HOURS, 1]);
    const answer = await openTimes(publicHours, cityHallId, marketWindowId, '2026-03-02', 1);
    expect(shown(answer.days)).toEqual(['2026-03-02: 09:00-17:00 REGULAR']);

    await waitFor(
      async () => (await catalogueEventsOf(catalogue.region, 'catalogue.opening_hours.cleared')).length === 3,
      { what: 'three catalogue.opening_hours.cleared' },
    );
    const clearedEvents = await catalogueEventsOf(catalogue.region, 'catalogue.opening_hours.cleared');
    expect(clearedEvents[0]!.data.cleared).toMatchObject({ version: 1, scope: { windowId: marketWindowId } });
  });

  it('refuses a stale version; versions keep counting across a clear', async () => {
    const scope = { windowKind: org.WindowKind.WINDOW_KIND_CASHIER };
    const first = await set(aSet(cityHallId, scope));
    const stale = await expectGrpcError(set(aSet(cityHallId, scope)), grpc.status.FAILED_PRECONDITION);
    expect(stale.details).toMatch(/version 1, you read 0/);
    const second = await set(aSet(cityHallId, { ...scope, expectedVersion: 1, schedule: saturdayWindow() }));
    expect(second.openingHours!.version).toBe(2);
    await expectGrpcError(clear(cityHallId, scope, 1), grpc.status.FAILED_PRECONDITION);
    await clear(cityHallId, scope, 2);
    // Version 3 was the clear: the next set is version 4, and nobody's version 2 matches any more.
    await expectGrpcError(set(aSet(cityHallId, { ...scope, expectedVersion: 2 })), grpc.status.FAILED_PRECONDITION);
    const again = await set(aSet(cityHallId, { ...scope, expectedVersion: 0 }));
    expect(again.openingHours!.version).toBe(4);
    expect(first.openingHours!.version).toBe(1);
  });

  it('replays a request id, refuses it for another request, and answers an unchanged schedule as unchanged', async () => {
    const scope = { windowKind: org.WindowKind.WINDOW_KIND_CERTIFICATE };
    const eventsBefore = (await catalogueEventsOf(catalogue.region, 'catalogue.opening_hours.set')).length;
    const request = aSet(cityHallId, scope);
    const first = await set(request);
    expect(await set(request)).toEqual(first);
    await expectGrpcError(set({ ...request, schedule: saturdayWindow() }), grpc.status.FAILED_PRECONDITION);
    const same = await set(aSet(cityHallId, { ...scope, expectedVersion: 1 }));
    expect(same).toEqual({ openingHours: first.openingHours, unchanged: true });
    // A later change of another scope as a barrier: the relay publishes in commit order, so once its event is on
    // the stream, an event of the replay or the unchanged set would be there too.
    const barrier = { windowKind: org.WindowKind.WINDOW_KIND_GUIDANCE };
    await set(aSet(cityHallId, barrier));
    await waitFor(
      async () =>
        (await catalogueEventsOf(catalogue.region, 'catalogue.opening_hours.set')).some(
          (e) => e.data.openingHours?.scope?.windowKind === barrier.windowKind,
        ),
      { what: 'the barrier set event' },
    );
    // Only the first set changed anything.
    const after = await catalogueEventsOf(catalogue.region, 'catalogue.opening_hours.set');
    expect(after.length).toBeGreaterThanOrEqual(eventsBefore + 2);
    expect(after.filter((e) => e.data.openingHours?.scope?.windowKind === scope.windowKind)).toHaveLength(1);
  });

  it('refuses bad schedules with their field paths', async () => {
    const refused = async (request: pb.SetOpeningHoursRequest): Promise<string[]> =>
      fieldViolationsOf(await expectGrpcError(set(request), grpc.status.INVALID_ARGUMENT)).map((v) => v.field);
    const withSessions = (...sessions: pb.OpeningSession[]) =>
      aSet(cityHallId, { schedule: { sessions, openOnPublicHolidays: false, note: '' } });

    expect(await refused(withSessions(session(WEEKDAYS, '08:30', '12:00'), session([3], '11:00', '14:00')))).toEqual([
      'schedule.sessions[1]',
    ]);
    expect(await refused(withSessions(session(WEEKDAYS, '08:30', '12:00'), session([1], '17:00', '17:00')))).toEqual([
      'schedule.sessions[1].end',
    ]);
    expect(await refused(withSessions(session(WEEKDAYS, '08:30', '12:00'), session([8, 1], '14:00', '17:00')))).toEqual(
      ['schedule.sessions[1].weekdays[0]'],
    );
    expect(await refused(withSessions(session([1, 2], '08:30', '12:00', Kind.OPENING_SESSION_KIND_WEEKEND)))).toEqual([
      'schedule.sessions[0].weekdays[0]',
      'schedule.sessions[0].weekdays[1]',
    ]);
    expect(await refused(withSessions(session([1], '08:30', '12:00', Kind.OPENING_SESSION_KIND_UNSPECIFIED)))).toEqual([
      'schedule.sessions[0].kind',
    ]);
    expect(await refused(withSessions())).toEqual(['schedule.sessions']);
    expect(await refused(aSet(cityHallId, { schedule: undefined }))).toEqual(['schedule']);
  });

  it('refuses a window that does not exist or is another hall’s, and a scope that names both', async () => {
    const windowProblem = async (request: pb.SetOpeningHoursRequest) =>
      fieldViolationsOf(await expectGrpcError(set(request), grpc.status.INVALID_ARGUMENT));
    expect(await windowProblem(aSet(cityHallId, { windowId: 'no-such-window' }))).toEqual([
      { field: 'window_id', description: 'window no-such-window does not exist' },
    ]);
    expect(await windowProblem(aSet(cityHallId, { windowId: districtWindowId }))).toEqual([
      { field: 'window_id', description: expect.stringMatching(/belongs to another hall/) as unknown },
    ]);
    expect(
      (await windowProblem(aSet(cityHallId, { windowId: marketWindowId, windowKind: DEPARTMENT })))[0]!.field,
    ).toBe('window_kind');
    // GetOpenTimes checks the window too.
    const read = await expectGrpcError(
      openTimes(publicHours, districtHallId, marketWindowId, '2026-03-02', 1),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(read).map((v) => v.field)).toEqual(['window_id']);
    await expectGrpcError(set(aSet('no-such-hall')), grpc.status.NOT_FOUND);
    const range = await expectGrpcError(
      openTimes(publicHours, cityHallId, '', '2026-02-30', 40),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(range).map((v) => v.field)).toEqual(['from_date', 'days']);
  });

  it('refuses a deactivated window and a deactivated hall for commands and open times', async () => {
    const spareId = (
      await callUnary(directory, 'createWindow', {
        requestId: requestId(),
        window: aWindow(cityHallId, [], {
          number: 'C09',
          name: '银行收费窗口',
          kind: org.WindowKind.WINDOW_KIND_CASHIER,
        }),
      })
    ).window!.id;
    await callUnary(directory, 'deactivateWindow', { requestId: requestId(), id: spareId });
    const problem = await expectGrpcError(set(aSet(cityHallId, { windowId: spareId })), grpc.status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(problem)).toEqual([
      { field: 'window_id', description: `window ${spareId} is deactivated` },
    ]);

    const township = (
      await callUnary(directory, 'createHall', {
        requestId: requestId(),
        hall: aDistrictHall(districtHallId, {
          name: '东关街道便民服务中心',
          tier: org.HallTier.HALL_TIER_TOWNSHIP,
          regionCode: '370705001',
        }),
      })
    ).hall!.id;
    await callUnary(directory, 'deactivateHall', { requestId: requestId(), id: township });
    await expectGrpcError(set(aSet(township)), grpc.status.FAILED_PRECONDITION);
    await expectGrpcError(openTimes(publicHours, township, '', '2026-03-02', 1), grpc.status.FAILED_PRECONDITION);
  });

  it('lets anyone read and only administrators write: a clerk is PERMISSION_DENIED, no token UNAUTHENTICATED', async () => {
    const clerk = new pb.OpeningHoursServiceClient(catalogue.address, grpc.credentials.createInsecure(), {
      interceptors: [bearerInterceptor(await catalogue.tokenFor(['clerk']))],
    });
    try {
      const denied = await expectGrpcError(
        callUnary(clerk, 'setOpeningHours', aSet(cityHallId)),
        grpc.status.PERMISSION_DENIED,
      );
      expect(denied.details).toMatch(/administrator/);
      await expectGrpcError(
        callUnary(clerk, 'clearOpeningHours', {
          requestId: requestId(),
          hallId: districtHallId,
          windowKind: NONE,
          windowId: districtWindowId,
          expectedVersion: 1,
        }),
        grpc.status.PERMISSION_DENIED,
      );
      // A clerk reads like anyone.
      expect((await openTimes(clerk, districtHallId, districtWindowId, '2026-10-17', 1)).days[0]!.open).toBe(true);
    } finally {
      clerk.close();
    }
    await expectGrpcError(callUnary(publicHours, 'setOpeningHours', aSet(cityHallId)), grpc.status.UNAUTHENTICATED);
    expect((await callUnary(publicHours, 'listOpeningHours', { hallId: districtHallId })).openingHours).toHaveLength(1);
  });
});
