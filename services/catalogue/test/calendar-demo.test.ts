import { loadDemoCalendar } from '../src/demo/demo-calendar';
import { startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';

describe('the demo calendar data', () => {
  let under: CatalogueUnderTest;
  beforeAll(async () => {
    under = await startCatalogueForTest();
  });
  afterAll(() => under.stop());

  it('loads a provisional national 2027 with the statutory days off, once however often it is loaded', async () => {
    expect(await loadDemoCalendar(under.running.calendar)).toEqual({ years: ['000000/2027'] });
    await loadDemoCalendar(under.running.calendar);
    const schedule = await under.running.calendar.getYearSchedule('000000', 2027, 0, false);
    expect(schedule.version).toBe(1);
    expect(schedule.holidays.map((h) => h.date)).toEqual(expect.arrayContaining(['2027-01-01', '2027-10-03']));
    expect(schedule.holidays).toHaveLength(13);
    expect(schedule.note).toContain('演示数据');
  });
});
