import { catalogueItemsV1 as pb, catalogueV1 as org } from '@govhall/contracts';
import { bearerInterceptor, callUnary, fieldViolationsOf } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { sql } from 'kysely';
import { expectGrpcError } from './grpc-assertions';
import { catalogueEventsOf, startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';
import { aCityHall, aDepartment, requestId } from './builders';
import { aMaterial, aMissingMaterialPolicy, anItem, days } from './item-builders';
import { itemCalls } from './item-calls';

type ItemClient = InstanceType<typeof pb.ItemServiceClient>;
type OrganisationClient = InstanceType<typeof org.OrganisationServiceClient>;

const { CITY, DISTRICT, PROVINCE } = {
  CITY: org.HallTier.HALL_TIER_CITY,
  DISTRICT: org.HallTier.HALL_TIER_DISTRICT,
  PROVINCE: org.HallTier.HALL_TIER_PROVINCE,
};
const budget = (stage: pb.ProcessStage, amount: number): pb.StageBudget => ({ stage, limit: days(amount) });
const S = pb.ProcessStage;

/**
 * The item rules the seeds ask for, over gRPC on real PostgreSQL and NATS: 容缺 under a policy, 上报件 and 否定报备,
 * the pre-review stage (初审) of cross-tier items, and freezing items in service (冻结).
 */
describe('item rules over gRPC: 容缺, 上报件, 初审, 冻结 (real PostgreSQL and NATS)', () => {
  let catalogue: CatalogueUnderTest;
  let items: ItemClient;
  let directory: OrganisationClient;
  let market: string; // 市场监督管理局

  beforeAll(async () => {
    catalogue = await startCatalogueForTest();
    const { address } = catalogue;
    items = new pb.ItemServiceClient(address, grpc.credentials.createInsecure(), catalogue.asAdministrator);
    directory = new org.OrganisationServiceClient(
      address,
      grpc.credentials.createInsecure(),
      catalogue.asAdministrator,
    );
    const { hall } = await callUnary(directory, 'createHall', { requestId: requestId(), hall: aCityHall() });
    market = (
      await callUnary(directory, 'createDepartment', {
        requestId: requestId(),
        department: aDepartment(hall!.id, { code: 'SCJG', name: '市场监督管理局' }),
      })
    ).department!.id;
  });

  afterAll(async () => {
    items.close();
    directory.close();
    await catalogue.stop();
  });

  const { create, publish } = itemCalls(() => items);
  /** The fields an INVALID_ARGUMENT answer names. */
  const refusedFields = async (call: Promise<unknown>): Promise<string[]> =>
    fieldViolationsOf(await expectGrpcError(call, grpc.status.INVALID_ARGUMENT)).map((v) => v.field);
  const withMissing = (overrides: Partial<pb.ItemContent> = {}): pb.ItemContent =>
    anItem(market, {
      materials: [aMaterial(), aMaterial({ code: 'M02', name: '从业人员健康证明', mayBeAcceptedMissing: true })],
      missingMaterials: aMissingMaterialPolicy(),
      ...overrides,
    });
  const immediate: Partial<pb.ItemContent> = {
    caseType: pb.CaseType.CASE_TYPE_IMMEDIATE,
    promisedLimit: days(0),
    stageBudgets: [],
  };

  describe('容缺 under a policy', () => {
    it('refuses a 容缺 on an ineligible item: a material marked with no policy, or on an immediate item', async () => {
      expect(
        await refusedFields(
          callUnary(items, 'createItem', {
            requestId: requestId(),
            item: withMissing({ missingMaterials: undefined }),
          }),
        ),
      ).toEqual(['item.materials[1].may_be_accepted_missing']);
      expect(
        await refusedFields(callUnary(items, 'createItem', { requestId: requestId(), item: withMissing(immediate) })),
      ).toEqual(['item.materials[1].may_be_accepted_missing', 'item.missing_materials']);
      expect(
        await refusedFields(
          callUnary(items, 'createItem', {
            requestId: requestId(),
            item: withMissing({ missingMaterials: aMissingMaterialPolicy({ supplementLimit: days(6) }) }),
          }),
        ),
      ).toEqual(['item.missing_materials.supplement_limit']);
    });

    it('keeps the policy with the version and tells intake which materials may be missing', async () => {
      const published = await publish(await create(withMissing()));
      expect(published.content?.missingMaterials).toEqual(aMissingMaterialPolicy());
      expect(published.derived).toMatchObject({ acceptsMissingMaterials: true, missingMaterialCodes: ['M02'] });
      const { item } = await callUnary(items, 'getItem', { itemId: published.id, implementationCode: '', version: 0 });
      expect(item?.content?.missingMaterials?.eligibleCategories).toEqual([
        pb.ProjectCategory.PROJECT_CATEGORY_MAJOR_GOVERNMENT_INVESTMENT,
        pb.ProjectCategory.PROJECT_CATEGORY_INVESTMENT_ATTRACTION,
      ]);
    });
  });

  describe('上报件 and 否定报备', () => {
    it('keeps the upper authority and the refusal filing; refuses an immediate reported item', async () => {
      const reported = { upperAuthority: '山东省市场监督管理局', upperTier: PROVINCE };
      const item = await publish(await create(anItem(market, { reported, refusalFilingRequired: true })));
      expect(item.content).toMatchObject({ reported, refusalFilingRequired: true });
      expect(
        await refusedFields(
          callUnary(items, 'createItem', { requestId: requestId(), item: anItem(market, { ...immediate, reported }) }),
        ),
      ).toEqual(['item.reported']);
      expect(
        await refusedFields(
          callUnary(items, 'createItem', {
            requestId: requestId(),
            item: anItem(market, { reported: { upperAuthority: '潍坊市人民政府', upperTier: CITY } }),
          }),
        ),
      ).toEqual(['item.reported.upper_tier']);
    });
  });

  describe('初审 of cross-tier items', () => {
    const crossTier = (stageBudgets: pb.StageBudget[]): pb.ItemContent =>
      anItem(market, { name: '食品生产许可', acceptTiers: [CITY, DISTRICT], stageBudgets });

    it('refuses a pre-review budget that does not fit the promised limit, naming it', async () => {
      const error = await expectGrpcError(
        callUnary(items, 'createItem', {
          requestId: requestId(),
          item: crossTier([
            budget(S.PROCESS_STAGE_REVIEW, 2),
            budget(S.PROCESS_STAGE_PRE_REVIEW, 2),
            budget(S.PROCESS_STAGE_APPROVE, 2),
          ]),
        }),
        grpc.status.INVALID_ARGUMENT,
      );
      expect(fieldViolationsOf(error)).toEqual([
        {
          field: 'item.stage_budgets[1]',
          description:
            'the pre-review budget and the other stage budgets add up to 6 working_days, more than the promised limit of 5 working_days',
        },
      ]);
      expect(
        await refusedFields(
          callUnary(items, 'createItem', {
            requestId: requestId(),
            item: crossTier([budget(S.PROCESS_STAGE_REVIEW, 2)]),
          }),
        ),
      ).toEqual(['item.stage_budgets']);
      expect(
        await refusedFields(
          callUnary(items, 'createItem', {
            requestId: requestId(),
            item: anItem(market, { stageBudgets: [budget(S.PROCESS_STAGE_PRE_REVIEW, 1)] }),
          }),
        ),
      ).toEqual(['item.stage_budgets[0].stage']);
    });

    it('derives ACCEPT, PRE_REVIEW, REVIEW … for an item the district accepts and the city approves', async () => {
      const item = await create(
        crossTier([
          budget(S.PROCESS_STAGE_PRE_REVIEW, 2),
          budget(S.PROCESS_STAGE_REVIEW, 2),
          budget(S.PROCESS_STAGE_APPROVE, 1),
        ]),
      );
      expect(item.derived).toMatchObject({
        crossTierLinkage: true,
        stages: [
          S.PROCESS_STAGE_ACCEPT,
          S.PROCESS_STAGE_PRE_REVIEW,
          S.PROCESS_STAGE_REVIEW,
          S.PROCESS_STAGE_APPROVE,
          S.PROCESS_STAGE_ISSUE,
          S.PROCESS_STAGE_ARCHIVE,
        ],
      });
    });
  });

  describe('冻结 (freeze) in clean-up rounds', () => {
    const cleanup = { round: '2014年审批服务事项清理', basis: '天府新区管委会〔2014〕5号', note: '待上位法修订' };
    const freeze = (itemId: string, version = 1, id = requestId()) =>
      callUnary(items, 'freezeItem', { requestId: id, itemId, version, cleanup });
    const unfreeze = (itemId: string, version = 1, id = requestId()) =>
      callUnary(items, 'unfreezeItem', { requestId: id, itemId, version, cleanup });
    const guideNames = async (query: string): Promise<string[]> =>
      (
        await callUnary(items, 'searchGuide', {
          query,
          hallId: '',
          acceptTier: org.HallTier.HALL_TIER_UNSPECIFIED,
          departmentId: '',
          pageSize: 0,
          pageToken: '',
        })
      ).hits.map((h) => h.itemId);
    const listed = async (frozen: pb.FrozenFilter): Promise<string[]> =>
      (
        await callUnary(items, 'listItems', {
          hallId: '',
          departmentId: market,
          status: pb.ItemStatus.ITEM_STATUS_PUBLISHED,
          itemType: pb.ItemType.ITEM_TYPE_UNSPECIFIED,
          caseType: pb.CaseType.CASE_TYPE_UNSPECIFIED,
          acceptTier: org.HallTier.HALL_TIER_UNSPECIFIED,
          pageSize: 0,
          pageToken: '',
          frozen,
        })
      ).items.map((i) => i.id);

    it('freezes and unfreezes an item in service: the guide hides it, records and events are kept', async () => {
      const item = await publish(await create(anItem(market, { name: '食品小作坊登记证核发' })));
      expect(await guideNames('小作坊登记')).toContain(item.id);

      const freezeId = requestId();
      const { item: frozen, record } = await freeze(item.id, 1, freezeId);
      expect(frozen).toMatchObject({
        id: item.id,
        version: 1,
        status: pb.ItemStatus.ITEM_STATUS_PUBLISHED,
        frozen: true,
      });
      expect(frozen?.frozenAt).toBeInstanceOf(Date);
      expect(frozen?.content).toEqual(item.content);
      expect(record).toMatchObject({
        itemId: item.id,
        action: pb.CleanupAction.CLEANUP_ACTION_FROZEN,
        fromVersion: 1,
        ...cleanup,
      });
      expect(await guideNames('小作坊登记')).not.toContain(item.id);
      expect(
        (await callUnary(items, 'getItem', { itemId: item.id, implementationCode: '', version: 0 })).item,
      ).toMatchObject({
        status: pb.ItemStatus.ITEM_STATUS_PUBLISHED,
        frozen: true,
      });
      expect(await listed(pb.FrozenFilter.FROZEN_FILTER_FROZEN)).toEqual([item.id]);
      expect(await listed(pb.FrozenFilter.FROZEN_FILTER_NOT_FROZEN)).not.toContain(item.id);
      expect(await listed(pb.FrozenFilter.FROZEN_FILTER_UNSPECIFIED)).toContain(item.id);

      // The same request again replays the first answer; a new one is refused: it is frozen already.
      const replay = await freeze(item.id, 1, freezeId);
      expect(replay.record).toEqual(record);
      const again = await expectGrpcError(freeze(item.id), grpc.status.FAILED_PRECONDITION);
      expect(again.details).toContain('already frozen');

      const { item: thawed, record: unfrozen } = await unfreeze(item.id);
      expect(thawed).toMatchObject({ frozen: false, status: pb.ItemStatus.ITEM_STATUS_PUBLISHED });
      expect(thawed?.frozenAt).toBeUndefined();
      expect(unfrozen?.action).toBe(pb.CleanupAction.CLEANUP_ACTION_UNFROZEN);
      expect(await guideNames('小作坊登记')).toContain(item.id);
      await expectGrpcError(unfreeze(item.id), grpc.status.FAILED_PRECONDITION);

      const { records } = await callUnary(items, 'listCleanupRecords', { itemId: item.id, round: '' });
      expect(records.map((r) => r.action)).toEqual([
        pb.CleanupAction.CLEANUP_ACTION_FROZEN,
        pb.CleanupAction.CLEANUP_ACTION_UNFROZEN,
      ]);
      await waitFor(
        async () => {
          const events = [
            ...(await catalogueEventsOf(catalogue.region, 'catalogue.item.frozen')),
            ...(await catalogueEventsOf(catalogue.region, 'catalogue.item.unfrozen')),
          ].filter((e) => e.data.itemId === item.id);
          return (
            events.length === 2 &&
            events.some(
              (e) => e.type === 'catalogue.item.frozen' && e.data.frozen && e.data.record?.id === record?.id,
            ) &&
            events.some((e) => e.type === 'catalogue.item.unfrozen' && !e.data.frozen && e.data.version === 1)
          );
        },
        { what: 'one catalogue.item.frozen and one catalogue.item.unfrozen on the stream' },
      );
      // The freeze lives on the item; the published version's row was never touched.
      const { rows } = await sql<{ frozen_at: Date | null; updated_at: Date }>`
        select i.frozen_at, v.updated_at from catalogue.items i
        join catalogue.item_versions v on v.item_id = i.id where i.id = ${item.id}`.execute(catalogue.database.db);
      expect(rows).toEqual([{ frozen_at: null, updated_at: item.updatedAt }]);
    });

    it('refuses to freeze a draft, a stale version or without a clean-up round', async () => {
      const draft = await create(anItem(market, { name: '食品摊贩登记' }));
      expect((await expectGrpcError(freeze(draft.id), grpc.status.FAILED_PRECONDITION)).details).toContain(
        'no published version',
      );
      const item = await publish(draft);
      const revised = (
        await callUnary(items, 'reviseItem', { requestId: requestId(), itemId: item.id, baseVersion: 1 })
      ).item!;
      await publish(revised);
      expect((await expectGrpcError(freeze(item.id, 1), grpc.status.FAILED_PRECONDITION)).details).toContain(
        'version 2 published',
      );
      expect(
        await refusedFields(
          callUnary(items, 'freezeItem', {
            requestId: requestId(),
            itemId: item.id,
            version: 2,
            cleanup: { ...cleanup, round: '' },
          }),
        ),
      ).toEqual(['cleanup.round']);
      const { records } = await callUnary(items, 'listCleanupRecords', { itemId: item.id, round: '' });
      expect(records).toEqual([]);
    });

    it('keeps a frozen item frozen and out of the guide through a new version; retiring it ends the freeze', async () => {
      const item = await publish(await create(anItem(market, { name: '小餐饮经营许可' })));
      await freeze(item.id);
      const draft = (await callUnary(items, 'reviseItem', { requestId: requestId(), itemId: item.id, baseVersion: 1 }))
        .item!;
      expect(draft.frozen).toBe(true);
      const second = await publish(draft);
      expect(second).toMatchObject({ version: 2, frozen: true });
      expect(await guideNames('小餐饮经营')).not.toContain(item.id);
      // Start-up upkeep of the index keeps a frozen item out too.
      await catalogue.running.items.refreshGuideIndex();
      expect(await guideNames('小餐饮经营')).not.toContain(item.id);

      const { item: retired } = await callUnary(items, 'retireItem', {
        requestId: requestId(),
        itemId: item.id,
        version: 2,
        action: pb.CleanupAction.CLEANUP_ACTION_CANCELLED,
        mergedIntoItemId: '',
        cleanup,
      });
      expect(retired).toMatchObject({ status: pb.ItemStatus.ITEM_STATUS_RETIRED, frozen: false });
      await expectGrpcError(unfreeze(item.id, 2), grpc.status.FAILED_PRECONDITION);
    });

    it('lets only administrators freeze: a clerk is PERMISSION_DENIED, no token UNAUTHENTICATED', async () => {
      const item = await publish(await create(anItem(market, { name: '食品销售经营者备案' })));
      const clerk = new pb.ItemServiceClient(catalogue.address, grpc.credentials.createInsecure(), {
        interceptors: [bearerInterceptor(await catalogue.tokenFor(['clerk']))],
      });
      const anonymous = new pb.ItemServiceClient(catalogue.address, grpc.credentials.createInsecure());
      try {
        const request = { requestId: requestId(), itemId: item.id, version: 1, cleanup };
        await expectGrpcError(callUnary(clerk, 'freezeItem', request), grpc.status.PERMISSION_DENIED);
        await expectGrpcError(callUnary(anonymous, 'unfreezeItem', request), grpc.status.UNAUTHENTICATED);
      } finally {
        clerk.close();
        anonymous.close();
      }
    });
  });
});
