import { NATIONAL_REGION_CODE, WorkingCalendar, type YearSchedule } from '@govhall/calendar';
import {
  DEFAULT_WORKING_HOURS,
  chineseDaysDefault,
  hallHoursView,
  normaliseYearSchedule,
  regionLevelOf,
  resolveHallCalendar,
  resolveYear,
  samePeriods,
  sameYearSchedule,
  toYearSchedule,
  validateCalendarYears,
  validateHallHoursInput,
  validateRegionYear,
  validateYearScheduleInput,
  yearHistories,
  type ScheduleSourcesForResolution,
  type StoredYearSchedule,
  type YearScheduleInput,
} from './calendar-admin';

/** A valid 2026 schedule for Weifang (370700); override what the test is about. */
function aYear(overrides: Partial<YearScheduleInput> = {}): YearScheduleInput {
  return {
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
  };
}

function stored(regionCode: string, year: number, version = 1, note = ''): StoredYearSchedule {
  return {
    regionCode,
    year,
    version,
    holidays: [{ date: `${year}-01-01`, name: '元旦' }],
    makeUpWorkdays: [],
    note,
    loadedAt: new Date('2025-11-01T00:00:00Z'),
  };
}

/** Sources over a fixed list of versions in force, and a national default for the years given. */
function sources(inForce: StoredYearSchedule[], defaultYears: number[] = []): ScheduleSourcesForResolution {
  return {
    inForce: (regionCode, year) => inForce.find((s) => s.regionCode === regionCode && s.year === year),
    nationalDefault: (year): YearSchedule | undefined =>
      defaultYears.includes(year)
        ? {
            regionCode: NATIONAL_REGION_CODE,
            year,
            holidays: [{ date: `${year}-01-01`, name: '元旦' }],
            makeUpWorkdays: [],
            version: 'chinese-days@test',
          }
        : undefined,
  };
}

describe('validateYearScheduleInput', () => {
  it('accepts a well-formed year', () => {
    expect(validateYearScheduleInput(aYear())).toEqual([]);
  });

  it('names a date that is not a real date, by its request path', () => {
    const holidays = [...aYear().holidays, { date: '2026-02-30', name: '春节' }];
    expect(validateYearScheduleInput(aYear({ holidays }))).toEqual([
      { field: 'holidays[3].date', description: expect.stringMatching(/real date/) as unknown },
    ]);
  });

  it('names a date outside the year', () => {
    const violations = validateYearScheduleInput(aYear({ makeUpWorkdays: [{ date: '2025-09-28', name: '国庆节' }] }));
    expect(violations).toEqual([{ field: 'make_up_workdays[0].date', description: '2025-09-28 is not in 2026' }]);
  });

  it('refuses a date that is both a holiday and a make-up working day', () => {
    const violations = validateYearScheduleInput(aYear({ makeUpWorkdays: [{ date: '2026-02-17', name: '春节' }] }));
    expect(violations.map((v) => v.field)).toEqual(['make_up_workdays[0].date']);
    expect(violations[0]?.description).toMatch(/already listed in holidays/);
  });

  it('refuses a make-up working day on a weekday (a weekday works anyway: a typing error)', () => {
    // 2026-02-13 is a Friday.
    const violations = validateYearScheduleInput(aYear({ makeUpWorkdays: [{ date: '2026-02-13', name: '春节' }] }));
    expect(violations).toEqual([
      {
        field: 'make_up_workdays[0].date',
        description: expect.stringMatching(/星期五.*Saturday or Sunday/) as unknown,
      },
    ]);
  });

  it('refuses a year without holidays, a bad region, year, names and an overlong note, all at once', () => {
    const violations = validateYearScheduleInput({
      regionCode: '3707',
      year: 0,
      holidays: [],
      makeUpWorkdays: [{ date: '2026-02-14', name: ' ' }],
      note: 'x'.repeat(501),
    });
    expect(violations.map((v) => v.field)).toEqual([
      'year',
      'region_code',
      'make_up_workdays[0].name',
      'holidays',
      'note',
    ]);
  });

  it('refuses a name longer than 32 characters', () => {
    const violations = validateYearScheduleInput(aYear({ holidays: [{ date: '2026-01-01', name: '元'.repeat(33) }] }));
    expect(violations.map((v) => v.field)).toEqual(['holidays[0].name']);
  });
});

describe('other inputs', () => {
  it('checks hall hours with the calendar package, naming the period', () => {
    expect(validateHallHoursInput(DEFAULT_WORKING_HOURS.periods)).toEqual([]);
    expect(
      validateHallHoursInput([
        { start: '08:30', end: '12:00' },
        { start: '11:00', end: '17:30' },
      ]).map((v) => v.field),
    ).toEqual(['periods[1].start']);
    expect(validateHallHoursInput([{ start: '8:30', end: '25:00' }]).map((v) => v.field)).toEqual([
      'periods[0].start',
      'periods[0].end',
    ]);
    expect(validateHallHoursInput([]).map((v) => v.field)).toEqual(['periods']);
  });

  it('checks region codes, years and year lists', () => {
    expect(validateRegionYear('370700', 2026)).toEqual([]);
    expect(validateRegionYear(NATIONAL_REGION_CODE)).toEqual([]);
    expect(validateRegionYear('37070', 99).map((v) => v.field)).toEqual(['region_code', 'year']);
    expect(validateCalendarYears([2026, 2027])).toEqual([]);
    expect(validateCalendarYears([2026, 10000]).map((v) => v.field)).toEqual(['years[1]']);
    expect(validateCalendarYears(Array.from({ length: 21 }, (_, i) => 2000 + i)).map((v) => v.field)).toEqual([
      'years',
    ]);
  });
});

describe('storing', () => {
  it('normalises names and date order, so a reload of the same days is recognised', () => {
    const input = normaliseYearSchedule(
      aYear({
        holidays: [
          { date: '2026-02-17', name: ' 春节 ' },
          { date: '2026-01-01', name: '元旦' },
          { date: '2026-02-16', name: '春节' },
        ],
        note: ' 国办发明电〔2025〕7号 ',
      }),
    );
    expect(input.holidays.map((d) => d.date)).toEqual(['2026-01-01', '2026-02-16', '2026-02-17']);
    expect(input.holidays[2]?.name).toBe('春节');
    expect(input.note).toBe('国办发明电〔2025〕7号');
    const version: StoredYearSchedule = { ...input, version: 1, loadedAt: new Date() };
    expect(sameYearSchedule(normaliseYearSchedule(aYear({ note: '国办发明电〔2025〕7号' })), version)).toBe(true);
    expect(sameYearSchedule(normaliseYearSchedule(aYear()), version)).toBe(false);
  });

  it('compares periods', () => {
    expect(samePeriods(DEFAULT_WORKING_HOURS.periods, [...DEFAULT_WORKING_HOURS.periods])).toBe(true);
    expect(samePeriods(DEFAULT_WORKING_HOURS.periods, [{ start: '09:00', end: '17:00' }])).toBe(false);
  });

  it('groups versions by year, newest in force', () => {
    const summary = (year: number, version: number) => ({
      regionCode: '370700',
      year,
      version,
      loadedAt: new Date(),
      note: '',
      holidayCount: 1,
      makeUpWorkdayCount: 0,
    });
    const histories = yearHistories([summary(2027, 1), summary(2026, 2), summary(2026, 1)]);
    expect(histories.map((h) => [h.year, h.versionInForce, h.versions.map((v) => v.version)])).toEqual([
      [2026, 2, [1, 2]],
      [2027, 1, [1]],
    ]);
  });
});

describe('resolution along the region chain', () => {
  const district = ['370705', '370700', '370000', NATIONAL_REGION_CODE];

  it('knows the level of a region code', () => {
    expect(
      ['370705001001', '370705001', '370705', '370700', '370000', NATIONAL_REGION_CODE].map(regionLevelOf),
    ).toEqual(['village', 'township', 'county', 'city', 'province', 'national']);
  });

  it('takes the most specific stored region: the county over the city over the nation', () => {
    const all = [stored(NATIONAL_REGION_CODE, 2026), stored('370700', 2026, 2), stored('370705', 2026)];
    expect(resolveYear(district, 2026, sources(all))).toMatchObject({
      missing: false,
      schedule: { regionCode: '370705', regionLevel: 'county', source: 'stored', version: 1 },
    });
    expect(resolveYear(district, 2026, sources(all.slice(0, 2)))).toMatchObject({
      schedule: { regionCode: '370700', regionLevel: 'city', version: 2, dataVersion: 'catalogue:370700/2026@v2' },
    });
    expect(resolveYear(district, 2026, sources(all.slice(0, 1), [2026]))).toMatchObject({
      schedule: { regionCode: NATIONAL_REGION_CODE, regionLevel: 'national', source: 'stored' },
    });
  });

  it('ignores regions off the chain (a sibling district, another city)', () => {
    const off = [stored('370702', 2026), stored('370600', 2026)];
    expect(resolveYear(district, 2026, sources(off))).toEqual({ year: 2026, missing: true });
  });

  it('falls back to the chinese-days default, marked as such, and reports a year with nothing as missing', () => {
    expect(resolveYear(district, 2026, sources([], [2026]))).toMatchObject({
      missing: false,
      schedule: { source: 'chinese_days', version: 0, dataVersion: 'chinese-days@test', loadedAt: null },
    });
    expect(resolveYear(district, 2027, sources([], [2026]))).toEqual({ year: 2027, missing: true });
  });

  it("resolves a hall's years (distinct, ascending) and its default hours", () => {
    const calendar = resolveHallCalendar(
      { id: 'hall-1', regionCode: '370705001' },
      undefined,
      [2027, 2026, 2027],
      sources([stored('370700', 2026)]),
    );
    expect(calendar).toMatchObject({
      hallId: 'hall-1',
      regionCode: '370705001',
      lookupChain: ['370705001', '370705', '370700', '370000', NATIONAL_REGION_CODE],
      workingHours: { version: 0, isDefault: true, setAt: null, periods: DEFAULT_WORKING_HOURS.periods },
      missingYears: [2027],
    });
    expect(calendar.years.map((y) => [y.year, y.missing])).toEqual([
      [2026, false],
      [2027, true],
    ]);
  });

  it("answers a hall's own hours when set", () => {
    const hours = { hallId: 'h', version: 3, periods: [{ start: '09:00', end: '17:00' }], setAt: new Date() };
    expect(hallHoursView('h', hours)).toMatchObject({ version: 3, isDefault: false });
  });

  it('gives schedules a WorkingCalendar takes: real chinese-days data for 2026, none for 2027', () => {
    const real: ScheduleSourcesForResolution = { inForce: () => undefined, nationalDefault: chineseDaysDefault };
    const calendar = resolveHallCalendar({ id: 'h', regionCode: '370705' }, undefined, [2026, 2027], real);
    expect(calendar.missingYears).toEqual([2027]);
    const year = calendar.years[0];
    if (!year || year.missing) throw new Error('2026 should be found');
    const working = new WorkingCalendar({
      regionCode: calendar.regionCode,
      workingHours: { periods: calendar.workingHours.periods },
      schedules: [toYearSchedule(year.schedule)],
    });
    // Saturday 14 February 2026 is a make-up working day before the Spring Festival.
    expect(working.isWorkingDay('2026-02-14')).toBe(true);
    expect(working.isWorkingDay('2026-02-16')).toBe(false);
    expect(() => working.isWorkingDay('2027-01-04')).toThrow(/no working-day schedule is loaded for 2027/);
  });
});
