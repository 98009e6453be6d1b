import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@govhall/kit';
import { WorkingCalendar } from '@govhall/calendar';
import { sql } from 'kysely';
import { parseDocument } from 'yaml';
import type { ItemService, ItemView } from '../src/app/item-service';
import type { OrganisationService } from '../src/app/organisation-service';
import { DEMO_FOLDER, DemoDataError } from '../src/demo/demo-files';
import { demoItems, loadDemoItems, type DemoItemsSummary } from '../src/demo/demo-items';
import { loadDemoFeeCatalogue, type DemoFeeCatalogueSummary } from '../src/demo/demo-fee-catalogue';
import type { FeeCatalogueService } from '../src/app/fee-catalogue-service';
import { loadDemoOrganisation } from '../src/demo/demo-organisation';
import { compareLimits } from '../src/domain/items';
import type { HallTier } from '../src/domain/organisation';
import { startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';

/** The demo catalogue the embedded start loads, on a real PostgreSQL: every promise of issue 3 holds. */
describe('demo catalogue (real PostgreSQL)', () => {
  let catalogue: CatalogueUnderTest;
  let items: ItemService;
  let organisation: OrganisationService;
  let summary: DemoItemsSummary;
  let feeCatalogue: FeeCatalogueService;
  let feeSummary: DemoFeeCatalogueSummary;
  let published: ItemView[];
  /** Tier of each department's hall, and its code. */
  const departments = new Map<string, { tier: HallTier; code: string }>();

  const named = (fragment: string): ItemView => {
    const found = published.find((i) => i.content.name.includes(fragment));
    if (!found) throw new Error(`no demo item named with ${fragment}`);
    return found;
  };

  const TABLES = [
    'items',
    'item_versions',
    'item_cleanup_records',
    'item_bundles',
    'item_bundle_members',
    'item_search_fields',
    'fee_catalogue_entries',
    'idempotency_keys',
    'outbox',
  ] as const;
  const counts = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(`catalogue.${table}`)}`.execute(catalogue.database.db);
      out[table] = rows[0]!.n;
    }
    return out;
  };

  beforeAll(async () => {
    // The service as main.ts wires it; the demo is loaded through its use cases, as the launcher does.
    catalogue = await startCatalogueForTest();
    ({ organisation, items, feeCatalogue } = catalogue.running);
    await loadDemoOrganisation(organisation);
    feeSummary = await loadDemoFeeCatalogue(feeCatalogue, organisation);
    summary = await loadDemoItems(items, organisation, DEMO_FOLDER, feeCatalogue);
    published = (await items.listItems({ status: 'published' }, { size: 500, token: '' })).items;
    for (const hall of await organisation.listHalls({ includeInactive: false })) {
      for (const d of await organisation.listDepartments({ hallId: hall.id, includeInactive: false })) {
        departments.set(d.id, { tier: hall.tier, code: d.code });
      }
    }
  }, 60_000);

  afterAll(async () => {
    await catalogue.stop();
  });

  it('gives every limit of every item a due instant in its hall’s working time, half working days included', async () => {
    const { calendar } = catalogue.running;
    // From a Friday afternoon, so weekends are crossed.
    const start = new Date('2026-06-05T15:00:00+08:00');
    const calendars = new Map<string, WorkingCalendar>();
    const calendarOf = async (hallId: string): Promise<WorkingCalendar> => {
      const known = calendars.get(hallId);
      if (known) return known;
      const hall = await calendar.getHallCalendar(hallId, [2026]);
      const built = new WorkingCalendar({
        regionCode: hall.regionCode,
        workingHours: { periods: hall.workingHours.periods },
        schedules: hall.years.flatMap((y) =>
          y.missing ? [] : [{ ...y.schedule, year: y.year, version: y.schedule.dataVersion }],
        ),
      });
      calendars.set(hallId, built);
      return built;
    };
    let halves = 0;
    for (const item of published) {
      const department = await organisation.getDepartment(item.content.departmentId);
      const working = await calendarOf(department.hallId);
      const { content } = item;
      const limits = [content.promisedLimit, content.acceptanceLimit, ...content.stageBudgets.map((b) => b.limit)];
      for (const limit of limits) {
        if (!Number.isInteger(limit.amount)) halves += 1;
        const due = working.dueInstant(start, limit);
        expect(due.getTime()).toBeGreaterThan(start.getTime());
        if (limit.unit === 'working_days' || limit.unit === 'working_hours') {
          // Inside the hall's working time: no working time lies between `due` and a moment before it ends.
          expect(working.workingTimeBetween(new Date(due.getTime() - 60_000), due)).toBe(60_000);
        }
      }
    }
    // The demo's half-day review and verify steps are among them.
    expect(halves).toBeGreaterThan(0);
  });

  it('loads what the files hold: 22 items of 16 departments, 2 delegated, 1 bundle, 6 fee catalogue entries', () => {
    expect(summary).toEqual({ items: 22, departments: 16, delegated: 2, bundles: 1 });
    expect(feeSummary).toEqual({ entries: 6, oneFee: 4, cancelled: 1 });
    const files = demoItems();
    expect(published.map((i) => i.content.implementationCode).sort()).toEqual(
      files.items.map((i) => i.implementationCode).sort(),
    );
  });

  it('publishes at least 15 items over at least 8 departments of the city, district and township', () => {
    expect(summary.items).toBeGreaterThanOrEqual(15);
    expect(published).toHaveLength(summary.items);
    const used = new Set(published.map((i) => i.content.departmentId));
    expect(used.size).toBeGreaterThanOrEqual(8);
    expect(summary.departments).toBe(used.size);
    expect(new Set([...used].map((id) => departments.get(id)!.tier))).toEqual(
      new Set(['city', 'district', 'township']),
    );
    expect([...used].map((id) => departments.get(id)!.code)).toEqual(
      expect.arrayContaining(['SCJG', 'FGW', 'ZRZY', 'ZJJ', 'STHJ', 'GAJ', 'RSJ', 'SWJ', 'BDC', 'WJW', 'QSCJ', 'SHSW']),
    );
  });

  it('has real items by their Chinese names', () => {
    for (const name of [
      '营业执照',
      '食品经营许可',
      '建设工程规划许可证',
      '施工许可',
      '不动产',
      '户口迁移',
      '社会保障卡',
    ]) {
      expect(named(name).status).toBe('published');
    }
  });

  it('covers every case type, both review modes, 容缺 materials and situation groups', async () => {
    expect(new Set(published.map((i) => i.content.caseType))).toEqual(new Set(['immediate', 'promised', 'joint']));
    expect(new Set(published.map((i) => i.content.reviewMode))).toEqual(new Set(['single', 'review_verify']));
    expect(published.filter((i) => i.derived.acceptsMissingMaterials).length).toBeGreaterThanOrEqual(3);

    const grouped = published.filter((i) => {
      const groups = i.content.situations.map((s) => s.group).filter((g) => g !== '');
      return groups.length > new Set(groups).size; // some group offers a choice
    });
    expect(grouped.length).toBeGreaterThanOrEqual(3);
    // The applicant sees only what applies to their situation.
    const company = named('企业设立登记');
    const llc = await items.listMaterials(company.itemId, 0, ['LLC']);
    const sole = await items.listMaterials(company.itemId, 0, ['SOLE']);
    expect(llc.materials.map((m) => m.name)).toContain('公司章程');
    expect(sole.materials.map((m) => m.name)).not.toContain('公司章程');
    expect((await items.listMaterials(company.itemId, 0, [])).unansweredGroups).toEqual(['企业类型']);
  });

  it('has a joint investment project: approval → site selection ∥ land pre-review → EIA → construction permit', () => {
    const joint = published.filter((i) => i.content.caseType === 'joint');
    expect(joint).toHaveLength(1);
    const project = joint[0]!;
    const graph = project.content.joint!;
    expect(project.derived.jointLayers).toEqual([['LX'], ['XZ', 'YD'], ['HP'], ['SG']]);
    const part = (code: string) => graph.subItems.find((s) => s.code === code)!;
    const codeOf = (code: string): string => departments.get(part(code).departmentId)!.code;
    expect(['LX', 'XZ', 'YD', 'HP', 'SG'].map(codeOf)).toEqual(['FGW', 'ZRZY', 'ZRZY', 'STHJ', 'ZJJ']);
    expect(departments.get(graph.leadDepartmentId)!.code).toBe('FGW');
    expect(graph.leadRule).toBe('named');
    expect(project.derived.jointLeadDepartmentId).toBe(graph.leadDepartmentId);
    // Parts that are catalogue items point at them.
    expect(part('SG').itemId).toBe(named('建筑工程施工许可证').itemId);
    expect(compareLimits(project.derived.jointCriticalPath!, project.content.promisedLimit)).toBeLessThanOrEqual(0);
  });

  it('charges one project fees of at least three departments', () => {
    const project = published.find((i) => i.content.caseType === 'joint')!;
    expect(project.content.free).toBe(false);
    const receivers = new Set(project.content.feeItems.map((f) => departments.get(f.receivingDepartmentId)!.code));
    expect(receivers.size).toBeGreaterThanOrEqual(3);
    expect(project.content.feeItems.map((f) => f.kind)).toEqual(expect.arrayContaining(['fixed', 'per_unit']));
  });

  it('issues the property and land certificates together (两证齐发) at the district hall’s window B03', async () => {
    const bundles = await items.listBundles({ includeInactive: false });
    expect(bundles).toHaveLength(summary.bundles);
    const [bundle] = bundles;
    expect(bundle!.itemIds).toHaveLength(2);
    const results = bundle!.itemIds.map((id) => published.find((i) => i.itemId === id)!.content.result);
    expect(results.map((r) => r.kind)).toEqual(['certificate', 'certificate']);
    expect(results.map((r) => r.name)).toEqual(['房屋所有权证', '国有土地使用证']);
    const hall = await organisation.getHall(bundle!.hallId!);
    const window = await organisation.getWindow(bundle!.windowId!);
    expect([hall.name, window.number, window.hallId]).toEqual(['奎文区政务服务中心', 'B03', hall.id]);
    // Both departments sit in that hall; the land bureau's branch is a city-level body, so the city approves.
    const land = published.find((i) => i.itemId === bundle!.itemIds[1])!;
    expect(departments.get(land.content.departmentId)!.code).toBe('ZRZYKW');
    expect([land.content.exercisingTier, land.content.approveTier, land.content.acceptTiers]).toEqual([
      'city',
      'city',
      ['district'],
    ]);
    expect(window.departmentIds).toEqual(
      bundle!.itemIds.map((id) => published.find((i) => i.itemId === id)!.content.departmentId),
    );
  });

  it('charges the project’s fees under the city hall’s fee catalogue, in its one-fee bill, one remitted upward', async () => {
    const project = published.find((i) => i.content.caseType === 'joint')!;
    const cityHall = (await organisation.listHalls({ includeInactive: false })).find((h) => h.regionCode === '370700')!;
    const entries = await feeCatalogue.listEntries({ hallId: cityHall.id, includeCancelled: true });
    const byId = new Map(entries.map((e) => [e.id, e]));
    for (const fee of project.content.feeItems) {
      const entry = byId.get(fee.catalogueEntryId!)!;
      expect(entry.status).toBe('active');
      // The standard is the entry's, and so are the terms the cashier and the revenue split read.
      expect([fee.kind, fee.amountFen, fee.unitPriceFen, fee.receivingDepartmentId, fee.fiscalAccount]).toEqual([
        entry.kind,
        entry.amountFen,
        entry.unitPriceFen,
        entry.chargingDepartmentId,
        entry.fiscalAccount,
      ]);
      expect(fee.catalogue).toEqual({
        code: entry.code,
        oneFee: true,
        upwardShareBasisPoints: entry.upwardShareBasisPoints,
        upwardBody: entry.upwardBody,
      });
    }
    expect(project.content.feeItems.map((f) => f.catalogue!.upwardShareBasisPoints)).toEqual([0, 3000, 0]);
    const cancelled = entries.filter((e) => e.status === 'cancelled');
    expect(cancelled.map((e) => [e.name, e.cancellation!.basis])).toEqual([['建设工程质量监督费', '财综〔2008〕78号']]);
    // Every demo fee is charged under an active entry of the hall seating its item's department.
    for (const item of published) {
      for (const fee of item.content.feeItems) expect(fee.catalogueEntryId).toEqual(expect.any(String));
    }
  });

  it('has an item the district accepts and the city approves', () => {
    const linked = published.filter(
      (i) => i.content.acceptTiers.includes('district') && i.content.approveTier === 'city',
    );
    expect(linked.length).toBeGreaterThanOrEqual(1);
    expect(linked.every((i) => i.derived.crossTierLinkage)).toBe(true);
  });

  it('pre-reviews at the district what the city approves (初审) within the promise', () => {
    const permit = named('建设工程规划许可证');
    expect(permit.content.acceptTiers).toEqual(['city', 'district']);
    expect(permit.derived.stages).toEqual(['accept', 'pre_review', 'review', 'verify', 'approve', 'issue', 'archive']);
    expect(permit.content.stageBudgets[0]).toEqual({ stage: 'pre_review', limit: { amount: 2, unit: 'working_days' } });
    // Every promised item accepted below its approving tier has its pre-review budget.
    const linked = published.filter((i) => i.derived.crossTierLinkage && i.content.caseType !== 'immediate');
    expect(linked.length).toBeGreaterThanOrEqual(3);
    for (const item of linked) expect(item.content.stageBudgets.map((b) => b.stage)).toContain('pre_review');
  });

  it('accepts key investment projects with a material missing (容缺) under a policy, and every 容缺 has one', () => {
    const approval = named('企业投资项目核准');
    expect(approval.content.missingMaterials).toEqual({
      eligibleCategories: ['major_government_investment', 'investment_attraction', 'poverty_alleviation'],
      supplementLimit: { amount: 5, unit: 'working_days' },
      basis: '《潍坊市政务服务容缺受理制度（试行）》',
    });
    expect(approval.derived.missingMaterialCodes).toEqual(['M02']);
    for (const item of published) {
      expect(item.content.missingMaterials !== null).toBe(item.derived.acceptsMissingMaterials);
    }
  });

  it('publishes the results of six items (结果公示) and bounds the EIA’s extension (延期) at 15 working days', () => {
    expect(published.filter((i) => i.content.publishResults)).toHaveLength(6);
    expect(named('企业设立登记').content.publishResults).toBe(true);
    expect(named('建设项目环境影响评价文件审批').content.extensionLimit).toEqual({ amount: 15, unit: 'working_days' });
    expect(published.filter((i) => i.content.extensionLimit !== null)).toHaveLength(1);
  });

  it('has a reported item (上报件) and one whose refusals are filed with the centre (否定报备)', () => {
    expect(named('高龄津贴').content.reported).toEqual({ upperAuthority: '奎文区民政局', upperTier: 'district' });
    expect(published.filter((i) => i.content.refusalFilingRequired).map((i) => i.content.name)).toEqual([
      '食品经营许可',
    ]);
  });

  it('delegates items to the township in a clean-up round, keeping the first version', async () => {
    const delegated = published.filter((i) => i.content.delegation?.tier === 'township');
    expect(delegated.length).toBeGreaterThanOrEqual(2);
    expect(delegated).toHaveLength(summary.delegated);
    for (const item of delegated) {
      expect(item).toMatchObject({ version: 2, content: { approveTier: 'township', acceptTiers: ['township'] } });
      expect((await items.getItem({ itemId: item.itemId, version: 1 })).retiredReason).toBe('superseded');
      const records = await items.listCleanupRecords({ itemId: item.itemId });
      expect(records.map((r) => r.action)).toEqual(['delegated']);
    }
  });

  it('promises much less than the law allows (承诺提速)', () => {
    const limited = published.filter(
      (i) => i.content.statutoryLimit && i.content.statutoryLimit.unit === i.content.promisedLimit.unit,
    );
    const statutory = limited.reduce((sum, i) => sum + i.content.statutoryLimit!.amount, 0);
    const promised = limited.reduce((sum, i) => sum + i.content.promisedLimit.amount, 0);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(promised / statutory).toBeLessThan(0.5);
    expect(limited.some((i) => i.content.statutoryLimit!.amount === 20 && i.content.promisedLimit.amount === 5)).toBe(
      true,
    );
    for (const i of limited) expect(compareLimits(i.content.promisedLimit, i.content.statutoryLimit!)).toBeLessThan(1);
  });

  it('answers the guide search: 营业执照 finds the items named with it first', async () => {
    const { hits } = await items.searchGuide('营业执照', {}, { size: 0, token: '' });
    expect(hits.slice(0, 3).map((h) => h.name)).toEqual(
      expect.arrayContaining(['企业设立登记（营业执照核发）', '个体工商户设立登记（营业执照核发）']),
    );
    expect(hits[0]!.name).toContain('营业执照');
    // What applicants type: 社保卡 for 社会保障卡.
    expect((await items.searchGuide('社保卡', {}, { size: 0, token: '' })).hits[0]!.name).toBe(
      '社会保障卡申领（即时制卡）',
    );
    const township = await items.searchGuide('参保登记', { acceptTier: 'township' }, { size: 0, token: '' });
    expect(township.hits.map((h) => h.name)).toEqual(
      expect.arrayContaining(['城乡居民基本养老保险参保登记', '城乡居民基本医疗保险参保登记']),
    );
  });

  it('refuses an item that breaks a domain rule through the use case, naming the file, the line and the field', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'govhall-demo-'));
    try {
      cpSync(DEMO_FOLDER, folder, { recursive: true });
      const file = join(folder, 'items', '06-township.yaml');
      const doc = parseDocument(readFileSync(file, 'utf8'));
      // A new item (its own key), 即办件 but promising 5 working days: only the use case knows that is wrong.
      const copy = doc.createNode({
        ...(doc.getIn(['items', 1]) as { toJSON(): Record<string, unknown> }).toJSON(),
        key: 'bad-medical-insurance',
        implementationCode: '11370705001SBZ000116009099',
        promisedLimit: { amount: 5, unit: 'working_days' },
      });
      doc.addIn(['items'], copy);
      writeFileSync(file, doc.toString());

      const error: unknown = await loadDemoItems(items, organisation, folder, feeCatalogue).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DemoDataError);
      const { problems, cause } = error as DemoDataError;
      expect(cause).toBeInstanceOf(ValidationError);
      expect(problems).toEqual([
        {
          file,
          line: expect.any(Number) as number,
          path: 'items[2].promisedLimit.amount',
          message: 'an immediate item is completed on the spot: its promised limit is 0',
        },
      ]);
      expect(readFileSync(file, 'utf8').split('\n')[problems[0]!.line - 1]).toContain('5');
      // The items before it replayed: nothing new was published.
      expect((await items.listItems({ status: 'published' }, { size: 500, token: '' })).items).toHaveLength(
        published.length,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('changes nothing when loaded again', async () => {
    const before = await counts();
    expect(await loadDemoFeeCatalogue(feeCatalogue, organisation)).toEqual(feeSummary);
    const again = await loadDemoItems(items, organisation, DEMO_FOLDER, feeCatalogue);
    expect(again).toEqual(summary);
    expect(await counts()).toEqual(before);
    const after = (await items.listItems({ status: 'published' }, { size: 500, token: '' })).items;
    expect(after).toEqual(published);
  });
});
