import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { parseDocument, type Document } from 'yaml';
import type { OpeningHoursService } from '../src/app/opening-hours-service';
import type { OrganisationService } from '../src/app/organisation-service';
import { DEMO_FOLDER, DemoDataError } from '../src/demo/demo-files';
import { demoOpeningHours, loadDemoOpeningHours } from '../src/demo/demo-opening-hours';
import { loadDemoOrganisation } from '../src/demo/demo-organisation';
import { startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';

/** The demo opening hours the embedded start loads, on a real PostgreSQL, through the use cases. */
describe('demo opening hours (real PostgreSQL)', () => {
  let catalogue: CatalogueUnderTest;
  let organisation: OrganisationService;
  let openingHours: OpeningHoursService;
  const folders: string[] = [];

  /** Id of a demo hall (by name) and of one of its windows (by number). */
  async function windowOf(hallName: string, number: string): Promise<{ hallId: string; windowId: string }> {
    const hall = (await organisation.listHalls({ includeInactive: false })).find((h) => h.name === hallName)!;
    const windows = await organisation.listWindows({ hallId: hall.id, includeInactive: false });
    return { hallId: hall.id, windowId: windows.find((w) => w.number === number)!.id };
  }
  const shown = async (hallName: string, number: string, date: string): Promise<string[]> => {
    const { hallId, windowId } = await windowOf(hallName, number);
    const answer = await openingHours.getOpenTimes(hallId, windowId, date, 1);
    return answer.days[0]!.intervals.map((i) => `${i.start}-${i.end} ${i.kind}`);
  };
  const rows = async (): Promise<number> => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from catalogue.opening_hours`.execute(
      catalogue.database.db,
    );
    return rows[0]!.n;
  };

  /** A copy of the shipped demo folder with opening-hours.yaml edited. */
  function demoFolderWith(edit: (doc: Document) => void): string {
    const folder = mkdtempSync(join(tmpdir(), 'govhall-demo-hours-'));
    folders.push(folder);
    cpSync(DEMO_FOLDER, folder, { recursive: true });
    const path = join(folder, 'opening-hours.yaml');
    const doc = parseDocument(readFileSync(path, 'utf8'));
    edit(doc);
    writeFileSync(path, doc.toString());
    return folder;
  }

  beforeAll(async () => {
    catalogue = await startCatalogueForTest();
    ({ organisation, openingHours } = catalogue.running);
    await loadDemoOrganisation(organisation);
  }, 60_000);

  afterAll(async () => {
    folders.forEach((folder) => rmSync(folder, { recursive: true, force: true }));
    await catalogue.stop();
  });

  it('loads the schedules of the file, and a second load replays and changes nothing', async () => {
    expect(demoOpeningHours().map((s) => [s.hall, s.window ?? s.windowKind ?? 'hall'])).toEqual([
      ['district', 'B03'],
      ['city', 'A01'],
      ['city', 'department'],
      ['city', 'B10'],
    ]);
    expect(await loadDemoOpeningHours(openingHours, organisation)).toEqual({ schedules: 4, halls: 2 });
    const stored = await rows();
    expect(stored).toBe(4);
    expect(await loadDemoOpeningHours(openingHours, organisation)).toEqual({ schedules: 4, halls: 2 });
    expect(await rows()).toBe(stored);
  });

  it("opens the district's B03 every Saturday all day (周末便民服务), but not on a National Day Saturday", async () => {
    expect(await shown('奎文区政务服务中心', 'B03', '2026-10-17')).toEqual(['08:30-17:00 weekend']);
    expect(await shown('奎文区政务服务中心', 'B03', '2026-10-03')).toEqual([]);
    // Another district window keeps the working hours: closed on Saturdays.
    expect(await shown('奎文区政务服务中心', 'B01', '2026-10-17')).toEqual([]);
  });

  it('shows the leaders’ on-site session at the city department windows on Monday afternoons, not on Tuesdays', async () => {
    expect(await shown('潍坊市政务服务中心', 'B01', '2026-10-19')).toEqual([
      '08:30-12:00 regular',
      '14:00-14:30 regular',
      '14:30-17:30 leader_on_site',
    ]);
    expect(await shown('潍坊市政务服务中心', 'B01', '2026-10-20')).toEqual([
      '08:30-12:00 regular',
      '14:00-17:30 regular',
    ]);
  });

  it('keeps the city front desk open on National Day (五加二) and B10 open until 19:00 on weekdays', async () => {
    expect(await shown('潍坊市政务服务中心', 'A01', '2026-10-01')).toEqual([
      '08:30-12:00 regular',
      '14:00-17:30 regular',
    ]);
    expect(await shown('潍坊市政务服务中心', 'A01', '2026-10-04')).toEqual([
      '09:00-12:00 weekend',
      '14:00-17:00 weekend',
    ]);
    expect(await shown('潍坊市政务服务中心', 'B10', '2026-10-20')).toEqual([
      '08:30-12:00 regular',
      '12:00-14:00 extended',
      '14:00-17:30 regular',
      '17:30-19:00 extended',
    ]);
  });

  it('refuses a file naming a window its hall does not have, and a schedule the rules refuse, by file and entry', async () => {
    const unknown = demoFolderWith((doc) => doc.setIn(['schedules', 0, 'window'], 'Z99'));
    const refused = (() => {
      try {
        demoOpeningHours(unknown);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(DemoDataError);
    expect((refused as DemoDataError).problems).toEqual([
      expect.objectContaining({ path: 'schedules[0].window', message: 'names no window of hall district (Z99)' }),
    ]);

    // A Saturday session that overlaps another on Saturday: the use case refuses it; nothing of it is stored.
    const overlapping = demoFolderWith((doc) =>
      doc.addIn(['schedules', 0, 'sessions'], { weekdays: [6], start: '12:00', end: '13:00', kind: 'weekend' }),
    );
    const before = await rows();
    const error: unknown = await loadDemoOpeningHours(openingHours, organisation, overlapping).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoDataError);
    expect((error as DemoDataError).problems[0]).toMatchObject({
      file: join(overlapping, 'opening-hours.yaml'),
      path: 'schedules[0]',
      message: expect.stringMatching(/schedule\.sessions\[3\]: overlaps sessions\[2\]/) as unknown,
    });
    expect(await rows()).toBe(before);
  });
});
