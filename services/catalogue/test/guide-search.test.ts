import { join } from 'node:path';
import { catalogueItemsV1 as pb, catalogueV1 as org, contractDescriptors } from '@govhall/contracts';
import {
  bearerInterceptor,
  createTokenVerifier,
  callUnary,
  createDatabase,
  createLogger,
  fieldViolationsOf,
  migrate,
  startGrpcServer,
  systemClock,
  uuidV7Ids,
  type Database,
  type RunningGrpcServer,
} from '@govhall/kit';
import { aStaffMember, createTestKey } from '@govhall/kit/testing';
import { createTestDatabase, uniqueRegionCode, type TestDatabase } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { sql } from 'kysely';
import { itemGrpcService } from '../src/adapters/grpc/item-handlers';
import { organisationGrpcService } from '../src/adapters/grpc/organisation-handlers';
import type { CatalogueTables } from '../src/adapters/store/pg-organisation-store';
import type { ItemService } from '../src/app/item-service';
import type { OrganisationService } from '../src/app/organisation-service';
import { catalogueUseCases } from '../src/main';
import { aCityHall, aDepartment, aDistrictHall, requestId } from './builders';
import { aMaterial, anItem } from './item-builders';
import { itemCalls } from './item-calls';

type ItemClient = InstanceType<typeof pb.ItemServiceClient>;

/** Guide search (办事指南) over gRPC against a real PostgreSQL: ranking, filters, index upkeep. */
describe('guide search (real PostgreSQL)', () => {
  const region = uniqueRegionCode();
  let testDatabase: TestDatabase;
  let database: Database<CatalogueTables>;
  let server: RunningGrpcServer;
  let items: ItemClient;
  let itemService: ItemService;
  let organisation: OrganisationService;

  let cityHallId: string;
  let market: string; // 市场监督管理局 (city)
  let tax: string; // 税务局 (city)
  let districtMarket: string; // 奎文区市场监督管理局

  /** Item ids by a short key. */
  const ids = new Map<string, string>();

  const { create, publish } = itemCalls(() => items);
  const search = (query: string, filter: Partial<pb.SearchGuideRequest> = {}): Promise<pb.SearchGuideResponse> =>
    callUnary(items, 'searchGuide', {
      query,
      hallId: '',
      acceptTier: org.HallTier.HALL_TIER_UNSPECIFIED,
      departmentId: '',
      pageSize: 0,
      pageToken: '',
      ...filter,
    });
  const names = (response: pb.SearchGuideResponse): string[] => response.hits.map((h) => h.name);

  /** Conditions and materials that do not mention 营业执照 (the builder's defaults do). */
  const plain = { acceptanceConditions: ['申请人具有完全民事行为能力'], materials: [aMaterial({ name: '申请书' })] };

  const key = createTestKey();

  beforeAll(async () => {
    const logger = createLogger({ service: 'guide-search-test', level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
    testDatabase = await createTestDatabase();
    database = createDatabase<CatalogueTables>({ url: testDatabase.url, schema: 'catalogue' });
    await migrate({ pool: database.pool, schema: 'catalogue', folder: join(__dirname, '..', 'migrations'), logger });
    ({ organisation, items: itemService } = catalogueUseCases(database, {
      clock: systemClock,
      ids: uuidV7Ids,
      regionCode: region,
    }));
    server = await startGrpcServer({
      port: 0,
      host: '127.0.0.1',
      services: [organisationGrpcService(organisation), itemGrpcService(itemService)],
      descriptors: contractDescriptors(),
      verifier: createTokenVerifier({ trustedKeys: key.trustedKeys }),
      logger,
    });
    const administrator = await key.signer().signStaff(aStaffMember({ roles: ['administrator'] }));
    items = new pb.ItemServiceClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure(), {
      interceptors: [bearerInterceptor(administrator)],
    });

    const city = await organisation.createHall(
      { requestId: requestId() },
      { ...aCityHall(), tier: 'city', parentHallId: null, kind: 'main' },
    );
    cityHallId = city.id;
    const district = await organisation.createHall(
      { requestId: requestId() },
      { ...aDistrictHall(city.id), tier: 'district', kind: 'main' },
    );
    const department = async (hallId: string, code: string, name: string): Promise<string> =>
      (
        await organisation.createDepartment(
          { requestId: requestId() },
          { ...aDepartment(hallId, { code, name }), nature: 'legal_organ', tier: undefined },
        )
      ).id;
    market = await department(city.id, 'SCJG', '潍坊市市场监督管理局');
    tax = await department(city.id, 'SWJ', '国家税务总局潍坊市税务局');
    districtMarket = await department(district.id, 'QSCJ', '奎文区市场监督管理局');

    const put = async (key: string, content: pb.ItemContent): Promise<void> => {
      ids.set(key, (await publish(await create(content))).id);
    };
    // Named with the phrase.
    await put('company', anItem(market, { ...plain, name: '营业执照设立登记（有限责任公司）' }));
    await put(
      'individual',
      anItem(districtMarket, {
        ...plain,
        name: '个体工商户营业执照注销登记',
        exercisingTier: org.HallTier.HALL_TIER_DISTRICT,
        acceptTiers: [org.HallTier.HALL_TIER_DISTRICT],
        approveTier: org.HallTier.HALL_TIER_DISTRICT,
      }),
    );
    // The phrase only in its disclosures and materials (the builder's condition names 营业执照).
    await put(
      'food',
      anItem(market, {
        name: '食品经营许可',
        materials: [aMaterial(), aMaterial({ code: 'M02', name: '营业执照复印件' })],
      }),
    );
    // Both bigrams 营业 and 执照 in the name, but not the phrase.
    await put('scattered', anItem(market, { ...plain, name: '执照年检与营业状态公示' }));
    // Only 营业: less than half of the query's terms.
    await put('premises', anItem(market, { ...plain, name: '营业性演出许可' }));
    // Mixed Chinese and latin.
    await put('b2c', anItem(market, { ...plain, name: 'B2C网络交易平台备案' }));
    await put('platform', anItem(market, { ...plain, name: '网络交易平台经营者登记' }));
    // A one-character query.
    await put(
      'invoice',
      anItem(tax, {
        ...plain,
        name: '增值税专用发票最高开票限额审批',
        duties: '负责增值税专用发票最高开票限额的审批',
        result: { name: '准予税务行政许可决定书', kind: pb.ResultKind.RESULT_KIND_APPROVAL_DOCUMENT, sampleRef: '' },
      }),
    );
    // A draft is never an answer.
    await create(anItem(market, { ...plain, name: '营业执照草稿事项' }));
  });

  afterAll(async () => {
    items.close();
    await server.shutdown();
    await database.close();
    await testDatabase.drop();
  });

  it('ranks items named with 营业执照 first, the exact phrase above scattered bigrams, disclosure hits after', async () => {
    const response = await search('营业执照');
    const order = response.hits.map((h) => h.itemId);
    expect(new Set(order.slice(0, 2))).toEqual(new Set([ids.get('company'), ids.get('individual')]));
    const rank = (key: string): number => order.indexOf(ids.get(key)!);
    expect(rank('scattered')).toBeGreaterThan(1);
    expect(rank('food')).toBeGreaterThan(1);
    // 营业 alone is a third of the query: not an answer. Nor is a draft.
    expect(order).not.toContain(ids.get('premises'));
    expect(names(response)).not.toContain('营业执照草稿事项');
    expect(response.totalMatches).toBe(response.hits.length);

    const top = response.hits[0]!;
    expect(top).toMatchObject({
      version: 1,
      caseType: pb.CaseType.CASE_TYPE_PROMISED,
      promisedLimit: { amount: 5, unit: pb.LimitUnit.LIMIT_UNIT_WORKING_DAYS },
      statutoryLimit: { amount: 20, unit: pb.LimitUnit.LIMIT_UNIT_WORKING_DAYS },
    });
    expect(top.matchedFields[0]).toBe(pb.GuideField.GUIDE_FIELD_NAME);
    expect(top.implementationCode).toMatch(/^[0-9A-Z]{12,64}$/);
    // Named with it: the excerpt quotes the duties. The food licence matched in its disclosures and
    // materials: the excerpt quotes one of them.
    expect(top.excerpt).toMatchObject({ field: pb.GuideField.GUIDE_FIELD_DUTIES });
    const food = response.hits.find((h) => h.itemId === ids.get('food'))!;
    expect(food.departmentName).toBe('潍坊市市场监督管理局');
    expect(food.matchedFields).not.toContain(pb.GuideField.GUIDE_FIELD_NAME);
    expect([pb.GuideField.GUIDE_FIELD_MATERIALS, pb.GuideField.GUIDE_FIELD_CONDITIONS]).toContain(food.excerpt!.field);
    expect(food.excerpt!.text).toContain('营业执照');
    // Scores are ordered.
    const scores = response.hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('answers a one-character query and a mixed Chinese and latin one', async () => {
    const single = await search('税');
    expect(single.hits[0]!.itemId).toBe(ids.get('invoice'));
    expect(single.hits[0]!.departmentName).toBe('国家税务总局潍坊市税务局');

    // Both terms (b2c, 平台) are needed: 平台 alone is half the query.
    const mixed = await search('b2c平台');
    expect(mixed.hits.map((h) => h.itemId)).toEqual([ids.get('b2c')]);
    expect((await search('网络交易平台')).hits.map((h) => h.itemId)).toEqual(
      expect.arrayContaining([ids.get('b2c'), ids.get('platform')]),
    );
    // Width and case do not matter.
    expect((await search('Ｂ２Ｃ')).hits.map((h) => h.itemId)).toEqual([ids.get('b2c')]);
  });

  it('filters by hall, accepting tier and department', async () => {
    const inCityHall = await search('营业执照', { hallId: cityHallId });
    expect(inCityHall.hits.map((h) => h.itemId)).not.toContain(ids.get('individual'));
    expect(inCityHall.hits.map((h) => h.itemId)).toContain(ids.get('company'));

    const districtAccepts = await search('营业执照', { acceptTier: org.HallTier.HALL_TIER_DISTRICT });
    expect(districtAccepts.hits.map((h) => h.itemId)).toEqual([ids.get('individual')]);

    const byDepartment = await search('营业执照', { departmentId: districtMarket });
    expect(byDepartment.hits.map((h) => h.itemId)).toEqual([ids.get('individual')]);
    expect((await search('营业执照', { departmentId: tax })).hits).toEqual([]);
  });

  it('pages through the answers', async () => {
    const all = await search('营业执照');
    const first = await search('营业执照', { pageSize: 2 });
    expect(first.hits.map((h) => h.itemId)).toEqual(all.hits.slice(0, 2).map((h) => h.itemId));
    expect(first.nextPageToken).not.toBe('');
    expect(first.totalMatches).toBe(all.totalMatches);
    const second = await search('营业执照', { pageSize: 2, pageToken: first.nextPageToken });
    expect(second.hits.map((h) => h.itemId)).toEqual(all.hits.slice(2, 4).map((h) => h.itemId));
    // A token serves only the query that made it.
    const elsewhere = await search('食品', { pageSize: 2, pageToken: first.nextPageToken }).catch(
      (e: grpc.ServiceError) => e,
    );
    expect((elsewhere as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('refuses an empty query and a bad page, naming the field', async () => {
    const error = await callUnary(items, 'searchGuide', {
      query: ' ，。 ',
      hallId: '',
      acceptTier: org.HallTier.HALL_TIER_UNSPECIFIED,
      departmentId: '',
      pageSize: 51,
      pageToken: 'x',
    }).then(
      () => {
        throw new Error('expected INVALID_ARGUMENT');
      },
      (e: grpc.ServiceError) => e,
    );
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(error).map((v) => v.field)).toEqual(['query', 'page_size', 'page_token']);
  });

  it('drops a retired item at once and follows a new version', async () => {
    const lost = await publish(await create(anItem(market, { ...plain, name: '营业执照遗失补领' })));
    expect(names(await search('遗失补领'))).toEqual(['营业执照遗失补领']);
    await callUnary(items, 'retireItem', {
      requestId: requestId(),
      itemId: lost.id,
      version: 1,
      action: pb.CleanupAction.CLEANUP_ACTION_CANCELLED,
      mergedIntoItemId: '',
      cleanup: { round: '2024年事项清理', basis: '潍政办字〔2024〕1号', note: '' },
    });
    expect((await search('遗失补领')).hits).toEqual([]);

    const boiler = await publish(await create(anItem(market, { ...plain, name: '锅炉使用登记' })));
    expect(names(await search('锅炉'))).toEqual(['锅炉使用登记']);
    const { item: draft } = await callUnary(items, 'reviseItem', {
      requestId: requestId(),
      itemId: boiler.id,
      baseVersion: 1,
      item: { ...boiler.content!, name: '特种设备使用登记' },
    });
    await publish(draft!);
    expect((await search('锅炉')).hits).toEqual([]);
    expect((await search('特种设备')).hits.map((h) => [h.itemId, h.version])).toEqual([[boiler.id, 2]]);
  });

  it('refreshes the index: versions it lacks, and department renames', async () => {
    expect(await itemService.refreshGuideIndex()).toBe(0);
    const company = ids.get('company')!;
    await sql`delete from catalogue.item_search_fields where item_id = ${company}`.execute(database.db);
    expect((await search('营业执照')).hits.map((h) => h.itemId)).not.toContain(company);
    expect(await itemService.refreshGuideIndex()).toBe(1);
    expect((await search('营业执照')).hits.map((h) => h.itemId)).toContain(company);

    const department = await organisation.getDepartment(tax);
    await organisation.updateDepartment({ requestId: requestId(), expectedVersion: department.version }, tax, {
      hallId: department.hallId,
      code: department.code,
      name: '潍坊市税务和征管局',
      nature: department.nature,
      tier: department.tier,
      regionCode: department.regionCode,
      consultationPhone: department.consultationPhone,
    });
    expect((await search('征管')).hits).toEqual([]);
    expect(await itemService.refreshGuideIndex()).toBe(1);
    expect((await search('征管')).hits.map((h) => h.itemId)).toEqual([ids.get('invoice')]);
  });
});
