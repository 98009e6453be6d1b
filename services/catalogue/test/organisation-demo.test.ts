import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError, type Database } from '@govhall/kit';
import { sql } from 'kysely';
import { parseDocument, type Document } from 'yaml';
import type { CatalogueTables } from '../src/adapters/store/pg-organisation-store';
import type { OrganisationService } from '../src/app/organisation-service';
import { DEMO_FOLDER, DemoDataError } from '../src/demo/demo-files';
import { demoOrganisation, loadDemoOrganisation, type DemoSummary } from '../src/demo/demo-organisation';
import { startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';

/** The demo organisation the embedded start loads, on a real PostgreSQL, and the files it refuses. */
describe('demo organisation (real PostgreSQL)', () => {
  const folders: string[] = [];
  const started: CatalogueUnderTest[] = [];

  /** The service as main.ts wires it, on a database of its own. */
  async function freshOrganisation(): Promise<{
    organisation: OrganisationService;
    database: Database<CatalogueTables>;
  }> {
    const catalogue = await startCatalogueForTest();
    started.push(catalogue);
    return { organisation: catalogue.running.organisation, database: catalogue.database };
  }

  /** A copy of the shipped demo folder with `organisation.yaml` edited as a YAML document. */
  function organisationWith(edit: (doc: Document) => void): string {
    const folder = mkdtempSync(join(tmpdir(), 'govhall-demo-'));
    folders.push(folder);
    cpSync(DEMO_FOLDER, folder, { recursive: true });
    const file = join(folder, 'organisation.yaml');
    const doc = parseDocument(readFileSync(file, 'utf8'));
    edit(doc);
    writeFileSync(file, doc.toString());
    return folder;
  }

  async function refusal(load: Promise<unknown>): Promise<DemoDataError> {
    const error: unknown = await load.then(
      () => new Error('the demo organisation was accepted'),
      (e: unknown) => e,
    );
    if (error instanceof DemoDataError) return error;
    throw error;
  }

  afterAll(async () => {
    for (const catalogue of started) await catalogue.stop();
    folders.forEach((folder) => rmSync(folder, { recursive: true, force: true }));
  });

  describe('the shipped files', () => {
    let organisation: OrganisationService;
    let database: Database<CatalogueTables>;
    let summary: DemoSummary;

    const TABLES = ['halls', 'departments', 'windows', 'window_departments', 'staff', 'leader_chains'] as const;
    const counts = async (): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      for (const table of TABLES) {
        const { rows } = await sql<{
          n: number;
        }>`select count(*)::int as n from ${sql.table(`catalogue.${table}`)}`.execute(database.db);
        out[table] = rows[0]!.n;
      }
      return out;
    };
    /** Everything the directory holds, with ids and versions. */
    const directory = async () => {
      const halls = await organisation.listHalls({ includeInactive: true });
      const departments = await organisation.listDepartments({ includeInactive: true });
      return {
        halls,
        departments,
        windows: await organisation.listWindows({ includeInactive: true }),
        staff: await organisation.listStaff({ includeInactive: true }),
        chains: await Promise.all(departments.map((d) => organisation.getLeaderChain(d.id))),
      };
    };

    beforeAll(async () => {
      ({ organisation, database } = await freshOrganisation());
      summary = await loadDemoOrganisation(organisation);
    }, 60_000);

    it('loads 4 halls, 19 departments, 27 windows and 115 staff, as the files hold them', async () => {
      expect(summary).toEqual({ halls: 4, departments: 19, windows: 27, staff: 115 });
      const files = demoOrganisation();
      const held = await directory();
      expect(held.halls.map((h) => `${h.regionCode} ${h.kind}`).sort()).toEqual([
        '370700 main',
        '370705 branch',
        '370705 main',
        '370705001 main',
      ]);
      expect(held.staff.map((s) => s.employeeNo).sort()).toEqual(
        files.halls.flatMap((h) => h.departments.flatMap((d) => d.staff.map((s) => s.employeeNo))).sort(),
      );
      expect(await counts()).toMatchObject({ halls: 4, departments: 19, windows: 27, staff: 115, leader_chains: 19 });
    });

    it('resolves the keys: parents, windows by department code, staff at their window, leader chains', async () => {
      const held = await directory();
      const hall = (regionCode: string) => held.halls.find((h) => h.regionCode === regionCode && h.kind === 'main')!;
      expect(hall('370705').parentHallId).toBe(hall('370700').id);
      expect(hall('370705001').parentHallId).toBe(hall('370705').id);
      const city = hall('370700').id;
      const department = (code: string) => held.departments.find((d) => d.hallId === city && d.code === code)!;
      const window = (number: string) => held.windows.find((w) => w.hallId === city && w.number === number)!;
      expect(window('A02').departmentIds).toEqual([department('SCJG').id, department('SWJ').id, department('GAJ').id]);
      const person = (employeeNo: string) => held.staff.find((s) => s.employeeNo === employeeNo)!;
      expect(person('700SCJG01')).toMatchObject({
        name: '赵文静',
        mobileMasked: '139****0007',
        roles: ['clerk'],
        departmentId: department('SCJG').id,
        windowId: window('B01').id,
      });
      expect(await organisation.getLeaderChain(department('SCJG').id)).toMatchObject({
        chiefRepresentativeId: person('700SCJG05').id,
        deputyLeaderId: person('700SCJG06').id,
        principalLeaderId: person('700SCJG07').id,
      });
    });

    it('seats departments of other levels, one window serving two levels, a branch hall and an AB post', async () => {
      const held = await directory();
      const main = (regionCode: string) => held.halls.find((h) => h.regionCode === regionCode && h.kind === 'main')!;
      const [city, district] = [main('370700'), main('370705')];
      const seated = (hallId: string, code: string) =>
        held.departments.find((d) => d.hallId === hallId && d.code === code)!;
      // 市区一体化: a district department in the city hall; a city bureau's branch in the district hall.
      expect(seated(city.id, 'KWSP')).toMatchObject({ tier: 'district', regionCode: '370705' });
      expect(seated(city.id, 'SCJG')).toMatchObject({ tier: 'city', regionCode: '370700' });
      expect(seated(district.id, 'ZRZYKW')).toMatchObject({ tier: 'city', regionCode: '370700' });
      const b03 = held.windows.find((w) => w.hallId === district.id && w.number === 'B03')!;
      expect(b03.departmentIds.map((id) => held.departments.find((d) => d.id === id)!.tier)).toEqual([
        'district',
        'city',
      ]);
      const branch = held.halls.find((h) => h.kind === 'branch')!;
      expect(branch).toMatchObject({ regionCode: '370705', parentHallId: city.id, complaintPhone: '0536-8239110' });
      expect(city).toMatchObject({ complaintPhone: '0536-12345', complaintUrl: 'https://zwfw.weifang.gov.cn/tousu' });
      const person = (employeeNo: string) => held.staff.find((s) => s.employeeNo === employeeNo)!;
      expect(person('700GLB02').backupStaffId).toBe(person('700GLB01').id);
      const profiles = await organisation.listStaffProfiles({
        hallId: city.id,
        windowId: person('700GLB02').windowId!,
      });
      expect(profiles.find((p) => p.employeeNo === '700GLB02')).toEqual({
        staffId: person('700GLB02').id,
        employeeNo: '700GLB02',
        name: '张丽娜',
        photoRef: 'photos/700GLB02.jpg',
        title: '综合受理员',
        duties: '负责综合受理总台的登记、材料初核和分办',
        departmentId: seated(city.id, 'GLB').id,
        departmentName: '市政务服务中心管理办公室',
        windowId: person('700GLB02').windowId,
        windowNumber: 'A01',
        backupStaffId: person('700GLB01').id,
        backupName: '李建国',
      });
    });

    it('names the upper department (对口上级部门) of the district and street counterparts of city bureaus', async () => {
      const held = await directory();
      const regionOf = new Map(held.halls.map((h) => [h.id, h.regionCode]));
      const ref = (id: string | undefined): string => {
        const d = held.departments.find((x) => x.id === id);
        return d ? `${regionOf.get(d.hallId)}/${d.code}` : `unknown ${id}`;
      };
      const uppers: Record<string, string> = Object.fromEntries(
        held.departments.filter((d) => d.upperDepartmentId).map((d) => [ref(d.id), ref(d.upperDepartmentId)]),
      );
      expect(uppers).toEqual({
        '370705/QSCJ': '370700/SCJG',
        '370705/QRSJ': '370700/RSJ',
        '370705/QZJJ': '370700/ZJJ',
        '370705/ZRZYKW': '370700/ZRZY',
        '370705001/SBZ': '370705/QRSJ',
      });
    });

    it('changes nothing when loaded again', async () => {
      const before = { rows: await counts(), held: await directory() };
      expect(await loadDemoOrganisation(organisation)).toEqual(summary);
      expect({ rows: await counts(), held: await directory() }).toEqual(before);
    });
  });

  describe('files it refuses', () => {
    it('refuses a malformed file before writing anything, naming the file, the line and the path', async () => {
      const { organisation } = await freshOrganisation();
      const folder = organisationWith((doc) => {
        doc.setIn(['halls', 0, 'windows', 2, 'departments', 1], 'ZRZX');
        doc.deleteIn(['halls', 1, 'departments', 0, 'name']);
      });
      const error = await refusal(loadDemoOrganisation(organisation, folder));
      const file = join(folder, 'organisation.yaml');
      expect(error.problems.map((p) => [p.file, p.path, p.message])).toEqual([
        [file, 'halls[1].departments[0].name', 'is required'],
      ]);
      expect(error.message).toMatch(new RegExp(`${file}:\\d+ halls\\[1\\]\\.departments\\[0\\]\\.name: is required`));
      // References are checked once the shape is right.
      const fixed = organisationWith((doc) => doc.setIn(['halls', 0, 'windows', 2, 'departments', 1], 'ZRZX'));
      expect((await refusal(loadDemoOrganisation(organisation, fixed))).problems).toEqual([
        expect.objectContaining({
          path: 'halls[0].windows[2].departments[1]',
          message: expect.stringContaining('ZRZX') as string,
        }),
      ]);
      expect(await organisation.listHalls({ includeInactive: true })).toEqual([]);
    });

    it('refuses an entry that breaks a domain rule through the use case, naming the file, the line and the field', async () => {
      const { organisation } = await freshOrganisation();
      const folder = organisationWith((doc) => doc.setIn(['halls', 1, 'regionCode'], '3707050'));
      const error = await refusal(loadDemoOrganisation(organisation, folder));
      const file = join(folder, 'organisation.yaml');
      expect(error.cause).toBeInstanceOf(ValidationError);
      expect(error.problems).toEqual([
        {
          file,
          line: expect.any(Number) as number,
          path: 'halls[1].regionCode',
          message: 'a district hall needs a 6-digit district or county code, e.g. 370705',
        },
      ]);
      expect(readFileSync(file, 'utf8').split('\n')[error.problems[0]!.line - 1]).toContain('3707050');
      // The load stops at the refused entry: what came before it is loaded (and replays next time).
      expect((await organisation.listHalls({ includeInactive: true })).map((h) => h.regionCode)).toEqual(['370700']);
    });

    it('refuses an upper department that is not of a hall listed before', async () => {
      const { organisation } = await freshOrganisation();
      const folder = organisationWith((doc) =>
        doc.setIn(['halls', 0, 'departments', 1, 'upperDepartment'], 'district/QSCJ'),
      );
      expect((await refusal(loadDemoOrganisation(organisation, folder))).problems).toEqual([
        expect.objectContaining({
          path: 'halls[0].departments[1].upperDepartment',
          message: 'names no department of a hall listed before this one (district/QSCJ)',
        }),
      ]);
    });

    it('refuses a leader chain whose people do not hold its roles', async () => {
      const { organisation } = await freshOrganisation();
      const folder = organisationWith((doc) =>
        doc.setIn(['halls', 0, 'departments', 1, 'leaderChain', 'deputyLeader'], '700SCJG02'),
      );
      const error = await refusal(loadDemoOrganisation(organisation, folder));
      expect(error.problems).toEqual([
        expect.objectContaining({
          path: 'halls[0].departments[1].leaderChain.deputyLeader',
          message: expect.stringMatching(/^staff \S+ does not hold the deputy_leader role$/) as string,
        }),
      ]);
    });
  });
});
