import { LimitUnits, NATIONAL_REGION_CODE, ScheduleMissingError } from '@govhall/calendar';
import { workingCalendarFromHallCalendar } from '@govhall/catalogue-client';
import { catalogueCalendarV1 as pb, catalogueV1 as org } from '@govhall/contracts';
import { callUnary, fieldViolationsOf } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { sql } from 'kysely';
import { expectGrpcError } from './grpc-assertions';
import { catalogueEventsOf, startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';
import { aCityHall, aDistrictHall, requestId } from './builders';

type CalendarClient = InstanceType<typeof pb.CalendarServiceClient>;
type OrganisationClient = InstanceType<typeof org.OrganisationServiceClient>;

/** A LoadYearSchedule request; override what the test is about. */
const aYearLoad = (overrides: Partial<pb.LoadYearScheduleRequest> = {}): pb.LoadYearScheduleRequest => ({
  requestId: requestId(),
  regionCode: '370700',
  year: 2026,
  holidays: [
    { date: '2026-01-01', name: '元旦' },
    { date: '2026-02-16', name: '春节' },
    { date: '2026-02-17', name: '春节' },
  ],
  makeUpWorkdays: [{ date: '2026-02-14', name: '春节' }],
  note: '',
  ...overrides,
});

/**
 * The catalogue's calendar data over gRPC against real PostgreSQL and NATS, started by
 * `startCatalogue` as in production (migrations, outbox relay onto the region's stream, every catalogue service).
 */
describe('catalogue calendar over gRPC (real PostgreSQL and NATS)', () => {
  let catalogue: CatalogueUnderTest;
  let calendar: CalendarClient;
  let directory: OrganisationClient;

  let cityHallId: string; // 潍坊市 370700
  let districtHallId: string; // 奎文区 370705

  beforeAll(async () => {
    catalogue = await startCatalogueForTest();
    const { address } = catalogue;
    calendar = new pb.CalendarServiceClient(address, grpc.credentials.createInsecure(), catalogue.asAdministrator);
    directory = new org.OrganisationServiceClient(
      address,
      grpc.credentials.createInsecure(),
      catalogue.asAdministrator,
    );

    cityHallId = (await callUnary(directory, 'createHall', { requestId: requestId(), hall: aCityHall() })).hall!.id;
    districtHallId = (
      await callUnary(directory, 'createHall', { requestId: requestId(), hall: aDistrictHall(cityHallId) })
    ).hall!.id;
  });

  afterAll(async () => {
    calendar.close();
    directory.close();
    await catalogue.stop();
  });

  const yearsLoaded = () => catalogueEventsOf(catalogue.region, 'catalogue.calendar.year_loaded');
  const hallCalendar = (hallId: string, years: number[]): Promise<pb.GetHallCalendarResponse> =>
    callUnary(calendar, 'getHallCalendar', { hallId, years });

  it('loads a correction of the national year for a city: version 1, catalogue.calendar.year_loaded on the stream', async () => {
    // The administrator starts from the national default (nothing is stored for the city yet) ...
    const { schedule: national } = await callUnary(calendar, 'getYearSchedule', {
      regionCode: '370700',
      year: 2026,
      version: 0,
      includeDefault: true,
    });
    expect(national).toMatchObject({
      regionCode: NATIONAL_REGION_CODE,
      regionLevel: pb.CalendarRegionLevel.CALENDAR_REGION_LEVEL_NATIONAL,
      source: pb.CalendarScheduleSource.CALENDAR_SCHEDULE_SOURCE_CHINESE_DAYS,
      version: 0,
      dataVersion: expect.stringMatching(/^chinese-days@/) as unknown,
    });
    expect(national!.loadedAt).toBeUndefined();
    // ... without include_default there is nothing for the city.
    await expectGrpcError(
      callUnary(calendar, 'getYearSchedule', { regionCode: '370700', year: 2026, version: 0, includeDefault: false }),
      grpc.status.NOT_FOUND,
    );

    // ... and adds a local day off (invented for the test: Monday 20 April, the kite festival).
    const request = aYearLoad({
      holidays: [...national!.holidays, { date: '2026-04-20', name: '风筝会' }],
      makeUpWorkdays: national!.makeUpWorkdays,
      note: '市政府通知（测试数据）',
    });
    const loaded = await callUnary(calendar, 'loadYearSchedule', request);
    expect(loaded).toMatchObject({ supersededVersion: 0, unchanged: false });
    expect(loaded.schedule).toMatchObject({
      regionCode: '370700',
      regionLevel: pb.CalendarRegionLevel.CALENDAR_REGION_LEVEL_CITY,
      year: 2026,
      source: pb.CalendarScheduleSource.CALENDAR_SCHEDULE_SOURCE_STORED,
      version: 1,
      dataVersion: 'catalogue:370700/2026@v1',
    });
    expect(loaded.schedule!.holidays).toHaveLength(national!.holidays.length + 1);
    expect(loaded.schedule!.loadedAt).toBeInstanceOf(Date);

    // The same request again (a client retry) replays the first answer and stores nothing.
    expect(await callUnary(calendar, 'loadYearSchedule', request)).toEqual(loaded);

    let events: Awaited<ReturnType<typeof yearsLoaded>> = [];
    await waitFor(
      async () => {
        events = await yearsLoaded();
        return events.length > 0;
      },
      { what: 'catalogue.calendar.year_loaded on the stream' },
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      envelope: { regionCode: catalogue.region, schemaVersion: 1 },
      data: {
        schedule: {
          regionCode: '370700',
          year: 2026,
          version: 1,
          note: '市政府通知（测试数据）',
          makeUpWorkdays: national!.makeUpWorkdays,
        },
        supersededVersion: 0,
      },
    });
  });

  it('keeps history: a second load is version 2 and in force, version 1 stays readable, an identical load changes nothing', async () => {
    const before = (
      await callUnary(calendar, 'getYearSchedule', {
        regionCode: '370700',
        year: 2026,
        version: 0,
        includeDefault: false,
      })
    ).schedule!;
    const corrected = await callUnary(
      calendar,
      'loadYearSchedule',
      aYearLoad({
        holidays: [...before.holidays.filter((d) => d.date !== '2026-04-20'), { date: '2026-04-21', name: '风筝会' }],
        makeUpWorkdays: before.makeUpWorkdays,
        note: '更正：风筝会放假改为4月21日（测试数据）',
      }),
    );
    expect(corrected).toMatchObject({ supersededVersion: 1, unchanged: false, schedule: { version: 2 } });

    const inForce = await callUnary(calendar, 'getYearSchedule', {
      regionCode: '370700',
      year: 2026,
      version: 0,
      includeDefault: true,
    });
    expect(inForce.schedule).toMatchObject({
      version: 2,
      source: pb.CalendarScheduleSource.CALENDAR_SCHEDULE_SOURCE_STORED,
    });
    expect(inForce.schedule!.holidays.map((d) => d.date)).toContain('2026-04-21');
    expect(inForce.schedule!.holidays.map((d) => d.date)).not.toContain('2026-04-20');

    const v1 = await callUnary(calendar, 'getYearSchedule', {
      regionCode: '370700',
      year: 2026,
      version: 1,
      includeDefault: false,
    });
    expect(v1.schedule!.holidays.map((d) => d.date)).toContain('2026-04-20');
    await expectGrpcError(
      callUnary(calendar, 'getYearSchedule', { regionCode: '370700', year: 2026, version: 3, includeDefault: true }),
      grpc.status.NOT_FOUND,
    );

    // Loading the version in force again, in another order, is recognised: nothing stored, no event.
    const again = await callUnary(
      calendar,
      'loadYearSchedule',
      aYearLoad({
        holidays: [...inForce.schedule!.holidays].reverse(),
        makeUpWorkdays: inForce.schedule!.makeUpWorkdays,
        note: inForce.schedule!.note,
      }),
    );
    expect(again).toMatchObject({ unchanged: true, supersededVersion: 0, schedule: { version: 2 } });

    const { years } = await callUnary(calendar, 'listYearSchedules', { regionCode: '370700' });
    expect(years).toHaveLength(1);
    expect(years[0]).toMatchObject({ year: 2026, versionInForce: 2 });
    expect(years[0]!.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(years[0]!.versions[1]!.holidayCount).toBe(inForce.schedule!.holidays.length);

    await waitFor(async () => (await yearsLoaded()).length >= 2, { what: 'the second year_loaded event' });
    expect((await yearsLoaded()).map((e) => [e.data.schedule?.version, e.data.supersededVersion])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    // The store refuses to rewrite history, whoever writes.
    await expect(
      sql`update catalogue.calendar_year_schedules set note = 'x' where region_code = '370700'`.execute(
        catalogue.database.db,
      ),
    ).rejects.toThrow(/keeps history/);
  });

  it('refuses bad dates with INVALID_ARGUMENT naming the field', async () => {
    const holidays = [
      { date: '2026-01-01', name: '元旦' },
      { date: '2026-02-16', name: '春节' },
      { date: '2026-02-17', name: '春节' },
    ];
    const bad = await expectGrpcError(
      callUnary(
        calendar,
        'loadYearSchedule',
        aYearLoad({ holidays: [...holidays, { date: '2026-13-01', name: 'x' }] }),
      ),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(bad)).toEqual([
      { field: 'holidays[3].date', description: expect.stringMatching(/real date/) as unknown },
    ]);

    const outside = await expectGrpcError(
      callUnary(calendar, 'loadYearSchedule', aYearLoad({ makeUpWorkdays: [{ date: '2025-12-27', name: '元旦' }] })),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(outside)).toEqual([
      { field: 'make_up_workdays[0].date', description: '2025-12-27 is not in 2026' },
    ]);

    const both = await expectGrpcError(
      callUnary(calendar, 'loadYearSchedule', aYearLoad({ makeUpWorkdays: [{ date: '2026-02-16', name: '春节' }] })),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(both).map((v) => v.field)).toEqual(['make_up_workdays[0].date']);
    expect(fieldViolationsOf(both)[0]!.description).toMatch(/already listed in holidays/);

    const region = await expectGrpcError(
      callUnary(calendar, 'loadYearSchedule', aYearLoad({ regionCode: '3707', year: 0 })),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(region).map((v) => v.field)).toEqual(expect.arrayContaining(['region_code', 'year']));

    // Nothing of it was stored.
    const { years } = await callUnary(calendar, 'listYearSchedules', { regionCode: '370700' });
    expect(years[0]!.versionInForce).toBe(2);
  });

  it("gives a district hall its city's correction, reports 2027 missing until the nation's 2027 is loaded, and the answer builds a WorkingCalendar", async () => {
    const before = await hallCalendar(districtHallId, [2027, 2026]);
    expect(before).toMatchObject({
      hallId: districtHallId,
      regionCode: '370705',
      lookupChain: ['370705', '370700', '370000', NATIONAL_REGION_CODE],
      workingHours: {
        periods: [
          { start: '08:30', end: '12:00' },
          { start: '14:00', end: '17:30' },
        ],
        version: 0,
        isDefault: true,
      },
      missingYears: [2027],
    });
    expect(before.years.map((y) => [y.year, y.missing])).toEqual([
      [2026, false],
      [2027, true],
    ]);
    expect(before.years[0]!.schedule).toMatchObject({
      regionCode: '370700',
      regionLevel: pb.CalendarRegionLevel.CALENDAR_REGION_LEVEL_CITY,
      source: pb.CalendarScheduleSource.CALENDAR_SCHEDULE_SOURCE_STORED,
      version: 2,
    });
    expect(before.years[1]!.schedule).toBeUndefined();

    const beforeCalendar = workingCalendarFromHallCalendar(before);
    // Friday 17 April 10:00, 3 working days: the city's day off on Tuesday 21 April is skipped → Thursday.
    expect(
      beforeCalendar.dueInstant(new Date('2026-04-17T10:00:00+08:00'), { amount: 3, unit: LimitUnits.workingDays }),
    ).toEqual(new Date('2026-04-23T17:30:00+08:00'));
    // A limit running into 2027 fails clearly: 2027 is not known, it is never guessed.
    const newYear = { amount: 3, unit: LimitUnits.workingDays } as const;
    expect(() => beforeCalendar.dueInstant(new Date('2026-12-30T10:00:00+08:00'), newYear)).toThrow(
      ScheduleMissingError,
    );

    // The nation's 2027 (test data, not the State Council's notice) is loaded for region 000000.
    const national = await callUnary(
      calendar,
      'loadYearSchedule',
      aYearLoad({
        regionCode: NATIONAL_REGION_CODE,
        year: 2027,
        holidays: [
          { date: '2027-01-01', name: '元旦' },
          { date: '2027-02-05', name: '春节' },
          { date: '2027-02-08', name: '春节' },
        ],
        makeUpWorkdays: [{ date: '2027-02-20', name: '春节' }],
        note: '测试数据',
      }),
    );
    expect(national.schedule).toMatchObject({
      regionLevel: pb.CalendarRegionLevel.CALENDAR_REGION_LEVEL_NATIONAL,
      version: 1,
    });

    // A city administrator starting a 2027 correction now starts from the stored national year.
    const start = await callUnary(calendar, 'getYearSchedule', {
      regionCode: '370700',
      year: 2027,
      version: 0,
      includeDefault: true,
    });
    expect(start.schedule).toMatchObject({
      regionCode: NATIONAL_REGION_CODE,
      source: pb.CalendarScheduleSource.CALENDAR_SCHEDULE_SOURCE_STORED,
      version: 1,
    });

    const after = await hallCalendar(districtHallId, [2026, 2027]);
    expect(after.missingYears).toEqual([]);
    expect(after.years[1]!.schedule).toMatchObject({
      regionCode: NATIONAL_REGION_CODE,
      year: 2027,
      source: pb.CalendarScheduleSource.CALENDAR_SCHEDULE_SOURCE_STORED,
      version: 1,
    });
    // Wednesday 30 December 10:00 + 3 working days: Thursday 31, (Friday 1 January off), Monday 4, Tuesday 5.
    expect(workingCalendarFromHallCalendar(after).dueInstant(new Date('2026-12-30T10:00:00+08:00'), newYear)).toEqual(
      new Date('2027-01-05T17:30:00+08:00'),
    );

    await expectGrpcError(hallCalendar('no-such-hall', [2026]), grpc.status.NOT_FOUND);
    const badYears = await expectGrpcError(hallCalendar(districtHallId, [2026, 99]), grpc.status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(badYears).map((v) => v.field)).toEqual(['years[1]']);
  });

  it("sets a hall's working hours with versions: validated, stale expected_version refused, evented, used by the calendar", async () => {
    const periods = [
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '17:00' },
    ];
    const invalid = await expectGrpcError(
      callUnary(calendar, 'setHallWorkingHours', {
        requestId: requestId(),
        hallId: cityHallId,
        periods: [
          { start: '09:00', end: '12:00' },
          { start: '11:30', end: '17:00' },
        ],
        expectedVersion: 0,
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(invalid).map((v) => v.field)).toEqual(['periods[1].start']);
    await expectGrpcError(
      callUnary(calendar, 'setHallWorkingHours', {
        requestId: requestId(),
        hallId: 'no-such-hall',
        periods,
        expectedVersion: 0,
      }),
      grpc.status.NOT_FOUND,
    );

    const first = await callUnary(calendar, 'setHallWorkingHours', {
      requestId: requestId(),
      hallId: cityHallId,
      periods,
      expectedVersion: 0,
    });
    expect(first).toMatchObject({
      unchanged: false,
      workingHours: { hallId: cityHallId, periods, version: 1, isDefault: false },
    });
    expect(first.workingHours!.setAt).toBeInstanceOf(Date);

    // Someone who read the default hours (version 0) is now stale.
    const stale = await expectGrpcError(
      callUnary(calendar, 'setHallWorkingHours', {
        requestId: requestId(),
        hallId: cityHallId,
        periods: [{ start: '08:00', end: '16:00' }],
        expectedVersion: 0,
      }),
      grpc.status.FAILED_PRECONDITION,
    );
    expect(stale.details).toMatch(/version 1, you read 0/);
    // The same hours again change nothing.
    const same = await callUnary(calendar, 'setHallWorkingHours', {
      requestId: requestId(),
      hallId: cityHallId,
      periods,
      expectedVersion: 1,
    });
    expect(same).toMatchObject({ unchanged: true, workingHours: { version: 1 } });

    const hoursSet = () => catalogueEventsOf(catalogue.region, 'catalogue.calendar.hall_hours_set');
    await waitFor(async () => (await hoursSet()).length > 0, {
      what: 'catalogue.calendar.hall_hours_set on the stream',
    });
    const events = await hoursSet();
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ regionCode: '370700', hours: { hallId: cityHallId, version: 1, periods } });

    const answer = await hallCalendar(cityHallId, [2026]);
    expect(answer.workingHours).toMatchObject({ version: 1, isDefault: false, periods });
    // 4 working hours from 16:30 on Wednesday 30 September: half an hour that day, National Day off until
    // Thursday 8 October, then 09:00–12:00 and 13:30–14:00.
    expect(
      workingCalendarFromHallCalendar(answer).dueInstant(new Date('2026-09-30T16:30:00+08:00'), {
        amount: 4,
        unit: LimitUnits.workingHours,
      }),
    ).toEqual(new Date('2026-10-08T14:00:00+08:00'));
    // The district hall keeps the default hours.
    expect((await hallCalendar(districtHallId, [])).workingHours).toMatchObject({ version: 0, isDefault: true });
  });
  it('serialises concurrent changes: two loads of one year get versions 1 and 2, two setters of one version get one winner', async () => {
    const loads = await Promise.all(
      ['甲', '乙'].map((who) =>
        callUnary(calendar, 'loadYearSchedule', aYearLoad({ regionCode: '370705', note: `并发${who}` })),
      ),
    );
    expect(loads.map((l) => l.schedule!.version).sort()).toEqual([1, 2]);
    expect(loads.find((l) => l.schedule!.version === 2)!.supersededVersion).toBe(1);

    const setters = await Promise.allSettled(
      ['08:00', '08:15'].map((start) =>
        callUnary(calendar, 'setHallWorkingHours', {
          requestId: requestId(),
          hallId: districtHallId,
          periods: [{ start, end: '17:00' }],
          expectedVersion: 0,
        }),
      ),
    );
    expect(setters.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
    const loser = setters.find((s): s is PromiseRejectedResult => s.status === 'rejected')!;
    expect(grpc.status[(loser.reason as grpc.ServiceError).code]).toBe('FAILED_PRECONDITION');
    expect((await hallCalendar(districtHallId, [])).workingHours).toMatchObject({ version: 1, isDefault: false });
  });
});
