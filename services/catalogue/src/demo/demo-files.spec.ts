import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { DEMO_FOLDER, DemoDataError } from './demo-files';
import { demoFeeCatalogue } from './demo-fee-catalogue';
import { demoItems } from './demo-items';
import { demoOrganisation } from './demo-organisation';

/** The shape and references of the demo files, checked without a database. */
describe('demo data files', () => {
  const folders: string[] = [];
  afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  /** A copy of the shipped demo folder with some files edited (as YAML documents, or replaced by text). */
  function demoFolderWith(edits: Record<string, ((doc: Document) => void) | string>): string {
    const folder = mkdtempSync(join(tmpdir(), 'govhall-demo-'));
    folders.push(folder);
    cpSync(DEMO_FOLDER, folder, { recursive: true });
    for (const [file, edit] of Object.entries(edits)) {
      const path = join(folder, file);
      if (typeof edit === 'string') {
        writeFileSync(path, edit);
        continue;
      }
      const doc = parseDocument(readFileSync(path, 'utf8'));
      edit(doc);
      writeFileSync(path, doc.toString());
    }
    return folder;
  }

  function refusal(read: () => unknown): DemoDataError {
    try {
      read();
    } catch (error) {
      if (error instanceof DemoDataError) return error;
      throw error;
    }
    throw new Error('the demo data was accepted');
  }

  /** The text of the line a problem points at. */
  const lineOf = (file: string, line: number): string => readFileSync(file, 'utf8').split('\n')[line - 1] ?? '';

  it('holds the Weifang network: 4 halls, 19 departments, 27 windows, 115 staff in every role, 19 leader chains', () => {
    const { halls } = demoOrganisation();
    const departments = halls.flatMap((h) => h.departments);
    const staff = departments.flatMap((d) => d.staff);
    expect(halls.map((h) => [h.key, h.kind, h.tier, h.regionCode, h.parent])).toEqual([
      ['city', 'main', 'city', '370700', undefined],
      ['district', 'main', 'district', '370705', 'city'],
      ['township', 'main', 'township', '370705001', 'district'],
      ['district-branch', 'branch', 'district', '370705', 'city'],
    ]);
    expect(departments).toHaveLength(19);
    expect(halls.flatMap((h) => h.windows)).toHaveLength(27);
    expect(staff).toHaveLength(115);
    expect(new Set(staff.flatMap((s) => s.roles))).toEqual(
      new Set([
        'clerk',
        'reviewer',
        'verifier',
        'approver',
        'chief_representative',
        'deputy_leader',
        'principal_leader',
        'supervisor',
        'administrator',
      ]),
    );
    expect(departments.filter((d) => d.leaderChain)).toHaveLength(19);
  });

  it('holds 22 items of 16 departments, 2 of them delegated, and 1 bundle', () => {
    const { items, bundles } = demoItems();
    expect(items).toHaveLength(22);
    expect(new Set(items.map((i) => i.key)).size).toBe(22);
    expect(new Set(items.map((i) => i.department)).size).toBe(16);
    expect(items.filter((i) => i.delegation).map((i) => i.key)).toEqual(['pension-register', 'employment-card']);
    expect(bundles).toEqual([
      expect.objectContaining({ items: ['property-certificate', 'land-certificate'], hall: 'district', window: 'B03' }),
    ]);
  });

  it('holds a fee catalogue: city construction fees in the one-fee bill, one remitted upward, one cancelled', () => {
    const entries = demoFeeCatalogue();
    const city = entries.filter((e) => e.chargingDepartment.startsWith('city/'));
    expect(city.filter((e) => e.oneFee && !e.cancelled).map((e) => e.name)).toEqual(
      expect.arrayContaining(['城市基础设施配套费', '耕地开垦费']),
    );
    expect(entries.filter((e) => e.upwardShareBasisPoints > 0).map((e) => [e.code, e.upwardBody])).toEqual([
      ['SF-ZRZY-001', '山东省财政厅'],
    ]);
    expect(entries.filter((e) => e.cancelled).map((e) => e.code)).toEqual(['SF-ZJJ-002']);
    // Every fee of the demo items is charged under an entry of the catalogue.
    const fees = demoItems().items.flatMap((i) => i.feeItems);
    expect(fees.length).toBeGreaterThanOrEqual(6);
    expect(fees.every((f) => f.catalogueEntry !== undefined)).toBe(true);
  });

  it('refuses fee catalogue entries, linked fees and bundle places that name nothing', () => {
    const folder = demoFolderWith({
      'fee-catalogue.yaml': (doc) => {
        doc.setIn(['entries', 0, 'chargingDepartment'], 'city/NOPE');
        doc.setIn(['entries', 2, 'code'], 'SF-ZRZY-001');
      },
    });
    expect(refusal(() => demoFeeCatalogue(folder)).problems.map((p) => [p.path, p.message])).toEqual([
      ['entries[0].chargingDepartment', 'names no department of organisation.yaml (city/NOPE)'],
      ['entries[2].code', 'repeats city/SF-ZRZY-001 (also at index 1)'],
    ]);
    const items = demoFolderWith({
      'items/03-real-estate.yaml': (doc) => {
        doc.setIn(['items', 0, 'feeItems', 0, 'catalogueEntry'], 'city/SF-BDC-009');
        doc.setIn(['bundles', 0, 'window'], 'B99');
      },
    });
    expect(refusal(() => demoItems(items)).problems.map((p) => [p.path, p.message])).toEqual([
      ['items[0].feeItems[0].catalogueEntry', 'names no entry of fee-catalogue.yaml (city/SF-BDC-009)'],
      ['bundles[0].window', 'names no window of hall district (B99)'],
    ]);
  });

  it('refuses a window serving an unknown department, naming the file, the line and the path', () => {
    const folder = demoFolderWith({
      'organisation.yaml': (doc) => doc.setIn(['halls', 0, 'windows', 1, 'departments', 0], 'SCJX'),
    });
    const error = refusal(() => demoOrganisation(folder));
    const file = join(folder, 'organisation.yaml');
    expect(error.problems).toEqual([
      {
        file,
        line: expect.any(Number) as number,
        path: 'halls[0].windows[1].departments[0]',
        message: 'names no department of hall city (SCJX)',
      },
    ]);
    expect(lineOf(file, error.problems[0]!.line)).toContain('SCJX');
    expect(error.message).toContain(`${file}:${error.problems[0]!.line} halls[0].windows[1].departments[0]`);
  });

  it('refuses a missing required field, an unknown field and digits that YAML reads as a number, all at once', () => {
    const folder = demoFolderWith({
      'organisation.yaml': (doc) => {
        doc.deleteIn(['halls', 1, 'name']);
        doc.setIn(['halls', 0, 'adress'], '潍坊市');
        doc.setIn(['halls', 2, 'regionCode'], 370705001);
        doc.setIn(['halls', 0, 'departments', 1, 'staff', 0, 'roles', 0], 'cleark');
      },
    });
    const error = refusal(() => demoOrganisation(folder));
    expect(error.problems.map((p) => [p.path, p.message])).toEqual(
      expect.arrayContaining([
        ['halls[1].name', 'is required'],
        ['halls[0].adress', 'is not a known field'],
        ['halls[2].regionCode', 'must be text (quote digits: "370700")'],
        ['halls[0].departments[1].staff[0].roles[0]', expect.stringContaining('must be one of clerk, reviewer')],
      ]),
    );
    expect(error.problems).toHaveLength(4);
  });

  it('refuses references to nothing and names used twice in the organisation', () => {
    const folder = demoFolderWith({
      'organisation.yaml': (doc) => {
        doc.setIn(['halls', 1, 'parent'], 'province');
        doc.setIn(['halls', 0, 'departments', 2, 'code'], 'SCJG');
        doc.setIn(['halls', 0, 'departments', 1, 'staff', 0, 'window'], 'B99');
        doc.setIn(['halls', 0, 'departments', 1, 'leaderChain', 'deputyLeader'], '700FGW06');
      },
    });
    expect(refusal(() => demoOrganisation(folder)).problems.map((p) => [p.path, p.message])).toEqual([
      ['halls[0].departments[2].code', 'repeats department code SCJG (also at index 1)'],
      ['halls[0].windows[2].departments[0]', 'names no department of hall city (FGW)'],
      ['halls[0].windows[5].departments[0]', 'names no department of hall city (FGW)'],
      ['halls[0].departments[1].staff[0].window', 'names no window of hall city (B99)'],
      ['halls[0].departments[1].leaderChain.deputyLeader', 'names no staff of department SCJG (700FGW06)'],
      ['halls[1].parent', 'names no hall listed before this one (province)'],
    ]);
  });

  it('refuses items naming unknown departments, items loaded later, or nothing, in every file at once', () => {
    const folder = demoFolderWith({
      'items/01-market-regulation.yaml': (doc) => {
        doc.setIn(['items', 0, 'department'], 'city/NOPE');
        doc.setIn(['items', 2, 'prerequisites', 0, 'item'], 'eia');
      },
      'items/03-real-estate.yaml': (doc) => {
        doc.setIn(['bundles', 0, 'items', 1], 'land-certificat');
        doc.setIn(['items', 0, 'feeItems', 0, 'receivingDepartment'], 'SCJG');
      },
      'items/06-township.yaml': (doc) => doc.setIn(['items', 1, 'key'], 'company-setup'),
    });
    const error = refusal(() => demoItems(folder));
    const at = (file: string) => join(folder, 'items', file);
    // Shapes first (a file with a bad shape is not searched for references), then references.
    expect(error.problems.map((p) => [p.file, p.path, p.message])).toEqual([
      [
        at('03-real-estate.yaml'),
        'items[0].feeItems[0].receivingDepartment',
        'must name a department as <hall key>/<code>, e.g. city/SCJG',
      ],
      [at('01-market-regulation.yaml'), 'items[0].department', 'names no department of organisation.yaml (city/NOPE)'],
      [
        at('01-market-regulation.yaml'),
        'items[2].prerequisites[0].item',
        'names item eia, which loads after this one: list it earlier',
      ],
      [
        at('06-township.yaml'),
        'items[1].key',
        `repeats item key company-setup (first at ${at('01-market-regulation.yaml')} items[0].key)`,
      ],
    ]);
    // The bundle's reference is checked once its file's shape is right.
    const bundle = demoFolderWith({
      'items/03-real-estate.yaml': (doc) => doc.setIn(['bundles', 0, 'items', 1], 'land-certificat'),
    });
    expect(refusal(() => demoItems(bundle)).problems.map((p) => [p.path, p.message])).toEqual([
      ['bundles[0].items[1]', 'names no demo item (land-certificat)'],
    ]);
  });

  it('refuses YAML it cannot parse, with the line', () => {
    const folder = demoFolderWith({ 'items/05-district.yaml': 'items:\n  - key: a\n    key: b\n' });
    const [problem, ...rest] = refusal(() => demoItems(folder)).problems;
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: join(folder, 'items', '05-district.yaml'), line: 3, path: '(yaml)' });
  });

  it('refuses a folder without the files', () => {
    const folder = mkdtempSync(join(tmpdir(), 'govhall-demo-'));
    folders.push(folder);
    expect(refusal(() => demoItems(folder)).problems.map((p) => p.file)).toEqual([
      join(folder, 'organisation.yaml'),
      join(folder, 'fee-catalogue.yaml'),
      join(folder, 'items'),
    ]);
  });
});
