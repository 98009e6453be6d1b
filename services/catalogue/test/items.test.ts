import { catalogueItemsV1 as pb, catalogueV1 as org } from '@govhall/contracts';
import { callUnary, fieldViolationsOf } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { sql } from 'kysely';
import { expectGrpcError } from './grpc-assertions';
import { catalogueEventsOf, startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';
import { aCityHall, aDepartment, aDistrictHall, aWindow, requestId } from './builders';
import {
  aFee,
  aJointItem,
  aMaterial,
  aMissingMaterialPolicy,
  anItem,
  aProjectGraph,
  days,
  type ProjectDepartments,
} from './item-builders';
import { itemCalls } from './item-calls';

type ItemClient = InstanceType<typeof pb.ItemServiceClient>;
type OrganisationClient = InstanceType<typeof org.OrganisationServiceClient>;

/**
 * The catalogue's item service over gRPC against real PostgreSQL and NATS, started by
 * `startCatalogue` as in production (migrations, outbox relay onto the region's stream, every catalogue service).
 */
describe('catalogue items over gRPC (real PostgreSQL and NATS)', () => {
  let catalogue: CatalogueUnderTest;
  let items: ItemClient;
  let directory: OrganisationClient;

  let cityHallId: string;
  let market: string; // 市场监督管理局
  let project: ProjectDepartments;
  let districtDepartment: string;

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
    cityHallId = hall!.id;
    const department = async (hallId: string, code: string, name: string): Promise<string> =>
      (
        await callUnary(directory, 'createDepartment', {
          requestId: requestId(),
          department: aDepartment(hallId, { code, name }),
        })
      ).department!.id;
    market = await department(cityHallId, 'SCJG', '市场监督管理局');
    project = {
      development: await department(cityHallId, 'FGW', '发展和改革委员会'),
      land: await department(cityHallId, 'ZRZY', '自然资源和规划局'),
      environment: await department(cityHallId, 'SSTHJ', '生态环境局'),
      housing: await department(cityHallId, 'ZJJ', '住房和城乡建设局'),
    };
    const { hall: district } = await callUnary(directory, 'createHall', {
      requestId: requestId(),
      hall: aDistrictHall(cityHallId),
    });
    districtDepartment = await department(district!.id, 'QSCJG', '奎文区市场监督管理局');
  });

  afterAll(async () => {
    items.close();
    directory.close();
    await catalogue.stop();
  });

  const { create, publish } = itemCalls(() => items);
  const publishedEvents = async () => catalogueEventsOf(catalogue.region, 'catalogue.item.published');

  it('creates a draft, publishes it, and puts catalogue.item.published on the stream', async () => {
    const draft = await create(anItem(market));
    expect(draft).toMatchObject({ version: 1, revision: 1, status: pb.ItemStatus.ITEM_STATUS_DRAFT });
    // The body nature comes from the department; the acceptance limit defaults to 4 working hours.
    expect(draft.content).toMatchObject({
      bodyNature: org.BodyNature.BODY_NATURE_LEGAL_ORGAN,
      acceptanceLimit: { amount: 4, unit: pb.LimitUnit.LIMIT_UNIT_WORKING_HOURS },
    });
    expect(draft.derived?.stages).toEqual([
      pb.ProcessStage.PROCESS_STAGE_ACCEPT,
      pb.ProcessStage.PROCESS_STAGE_REVIEW,
      pb.ProcessStage.PROCESS_STAGE_APPROVE,
      pb.ProcessStage.PROCESS_STAGE_ISSUE,
      pb.ProcessStage.PROCESS_STAGE_ARCHIVE,
    ]);

    const published = await publish(draft);
    expect(published.status).toBe(pb.ItemStatus.ITEM_STATUS_PUBLISHED);
    expect(published.publishedAt).toBeInstanceOf(Date);

    let events: Awaited<ReturnType<typeof publishedEvents>> = [];
    await waitFor(
      async () => {
        events = await publishedEvents();
        return events.some((e) => e.data.item?.id === draft.id);
      },
      { what: 'catalogue.item.published on the stream' },
    );
    const event = events.find((e) => e.data.item?.id === draft.id)!;
    // Decoded through the contract: the payload is a govhall.catalogue.v1.ItemPublished.
    expect(event).toMatchObject({
      envelope: { regionCode: catalogue.region, schemaVersion: 1 },
      data: {
        item: {
          id: draft.id,
          version: 1,
          status: pb.ItemStatus.ITEM_STATUS_PUBLISHED,
          content: {
            name: '食品经营许可',
            promisedLimit: { amount: 5, unit: pb.LimitUnit.LIMIT_UNIT_WORKING_DAYS },
          },
          derived: {
            stages: [
              pb.ProcessStage.PROCESS_STAGE_ACCEPT,
              pb.ProcessStage.PROCESS_STAGE_REVIEW,
              pb.ProcessStage.PROCESS_STAGE_APPROVE,
              pb.ProcessStage.PROCESS_STAGE_ISSUE,
              pb.ProcessStage.PROCESS_STAGE_ARCHIVE,
            ],
          },
        },
        supersededVersion: 0,
      },
    });
    expect(
      (await catalogueEventsOf(catalogue.region, 'catalogue.item.drafted')).some((e) => e.data.itemId === draft.id),
    ).toBe(true);
  });

  it('never changes a published version: an update is FAILED_PRECONDITION, a revision is a new draft', async () => {
    const v1 = await publish(await create(anItem(market, { name: '食品经营许可（旧）' })));
    const refused = await expectGrpcError(
      callUnary(items, 'updateItem', {
        requestId: requestId(),
        itemId: v1.id,
        version: 1,
        expectedRevision: v1.revision,
        item: anItem(market, { implementationCode: v1.content!.implementationCode, name: '改名' }),
      }),
      grpc.status.FAILED_PRECONDITION,
    );
    expect(refused.details).toMatch(/version 1 is published and never changes/);

    const { item: v2draft } = await callUnary(items, 'reviseItem', {
      requestId: requestId(),
      itemId: v1.id,
      baseVersion: 1,
    });
    expect(v2draft).toMatchObject({ version: 2, status: pb.ItemStatus.ITEM_STATUS_DRAFT });
    expect(v2draft!.content).toEqual(v1.content);

    // A second draft while one is open is refused.
    await expectGrpcError(
      callUnary(items, 'reviseItem', { requestId: requestId(), itemId: v1.id, baseVersion: 1 }),
      grpc.status.FAILED_PRECONDITION,
    );
    // The store refuses it too, whoever writes: a published row cannot be edited behind the service's back.
    await expect(
      sql`update catalogue.item_versions set name = 'x' where item_id = ${v1.id} and version = 1`.execute(
        catalogue.database.db,
      ),
    ).rejects.toThrow(/never changes/);
  });

  it('returns an old version by number after a newer one is published (a case keeps its version)', async () => {
    const v1 = await publish(await create(anItem(market, { name: '食品经营许可（2019版）', promisedLimit: days(10) })));
    const { item: draft } = await callUnary(items, 'reviseItem', {
      requestId: requestId(),
      itemId: v1.id,
      baseVersion: 1,
    });
    const { item: edited } = await callUnary(items, 'updateItem', {
      requestId: requestId(),
      itemId: v1.id,
      version: 2,
      expectedRevision: 1,
      item: { ...v1.content!, name: '食品经营许可（2024版）', promisedLimit: days(3), stageBudgets: [] },
    });
    expect(edited).toMatchObject({ version: 2, revision: 2 });
    // A stale revision is refused.
    await expectGrpcError(
      callUnary(items, 'publishItem', { requestId: requestId(), itemId: v1.id, version: 2, expectedRevision: 1 }),
      grpc.status.FAILED_PRECONDITION,
    );
    const v2 = await publish(edited!);
    expect(v2.version).toBe(draft!.version);

    const { item: old } = await callUnary(items, 'getItem', { itemId: v1.id, implementationCode: '', version: 1 });
    expect(old).toMatchObject({
      version: 1,
      status: pb.ItemStatus.ITEM_STATUS_RETIRED,
      retiredReason: pb.RetiredReason.RETIRED_REASON_SUPERSEDED,
    });
    expect(old!.content).toMatchObject({ name: '食品经营许可（2019版）', promisedLimit: days(10) });
    expect(old!.content!.stageBudgets).toHaveLength(3);

    const { item: current } = await callUnary(items, 'getItem', {
      itemId: '',
      implementationCode: v1.content!.implementationCode,
      version: 0,
    });
    expect(current).toMatchObject({ version: 2, status: pb.ItemStatus.ITEM_STATUS_PUBLISHED });
    expect(current!.content).toMatchObject({ name: '食品经营许可（2024版）', promisedLimit: days(3) });

    const { versions } = await callUnary(items, 'listItemVersions', { itemId: v1.id });
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [1, pb.ItemStatus.ITEM_STATUS_RETIRED],
      [2, pb.ItemStatus.ITEM_STATUS_PUBLISHED],
    ]);
    await waitFor(async () =>
      (await publishedEvents()).some(
        (e) => e.data.item?.id === v1.id && e.data.item.version === 2 && e.data.supersededVersion === 1,
      ),
    );
  });

  it('refuses a promised limit above the statutory limit, naming the field', async () => {
    const error = await expectGrpcError(
      callUnary(items, 'createItem', {
        requestId: requestId(),
        item: anItem(market, { statutoryLimit: days(20), promisedLimit: days(25), stageBudgets: [] }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(error)).toEqual([
      { field: 'item.promised_limit', description: '25 working_days exceeds the statutory limit of 20 working_days' },
    ]);
    const mixed = await expectGrpcError(
      callUnary(items, 'createItem', {
        requestId: requestId(),
        item: anItem(market, { promisedLimit: days(30, pb.LimitUnit.LIMIT_UNIT_WORKING_HOURS), stageBudgets: [] }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(mixed).map((v) => v.field)).toEqual(['item.promised_limit.unit']);
  });

  it('refuses a cyclic joint graph naming the cycle, and derives serial and parallel layers of a sound one', async () => {
    const graph = aProjectGraph(project);
    const cyclic = await expectGrpcError(
      callUnary(items, 'createItem', {
        requestId: requestId(),
        item: aJointItem(project, { joint: { ...graph, edges: [...graph.edges, { subItem: 'LX', dependsOn: 'SG' }] } }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(cyclic)).toEqual([
      {
        field: 'item.joint.edges[5]',
        description: 'makes a dependency cycle: LX → SG → HP → XZ → LX (→ reads "depends on")',
      },
    ]);

    const unknown = await expectGrpcError(
      callUnary(items, 'createItem', {
        requestId: requestId(),
        item: aJointItem(project, {
          joint: {
            ...graph,
            subItems: graph.subItems.map((s) => (s.code === 'HP' ? { ...s, departmentId: 'no-such-department' } : s)),
          },
        }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(unknown)).toEqual([
      { field: 'item.joint.sub_items[3].department_id', description: 'department no-such-department does not exist' },
    ]);

    const lead = await expectGrpcError(
      callUnary(items, 'createItem', {
        requestId: requestId(),
        item: aJointItem(project, { joint: { ...graph, leadDepartmentId: market } }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(lead).map((v) => v.field)).toEqual(['item.joint.lead_department_id']);

    const joint = await create(aJointItem(project));
    expect(joint.derived).toMatchObject({
      jointLayers: [
        { subItemCodes: ['LX'] },
        { subItemCodes: ['XZ', 'YD'] },
        { subItemCodes: ['HP'] },
        { subItemCodes: ['SG'] },
      ],
      jointCriticalPath: days(28),
    });
    expect(joint.derived?.stages).toContain(pb.ProcessStage.PROCESS_STAGE_VERIFY);
  });

  it('finds a LAST_APPROVING lead in the graph and keeps 结果公示 and the 延期 bound with the version', async () => {
    const { JOINT_LEAD_RULE_LAST_APPROVING: LAST_APPROVING, JOINT_LEAD_RULE_NAMED: NAMED } = pb.JointLeadRule;
    const graph = aProjectGraph(project, { leadRule: LAST_APPROVING, leadDepartmentId: '' });
    const twoSinks = await expectGrpcError(
      callUnary(items, 'createItem', {
        requestId: requestId(),
        item: aJointItem(project, { joint: { ...graph, edges: graph.edges.filter((e) => e.subItem !== 'SG') } }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(twoSinks).map((v) => v.field)).toEqual(['item.joint.lead_rule']);
    const tooLong = await expectGrpcError(
      callUnary(items, 'createItem', {
        requestId: requestId(),
        item: aJointItem(project, { extensionLimit: days(31) }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(tooLong).map((v) => v.field)).toEqual(['item.extension_limit.amount']);

    const draft = await create(aJointItem(project, { joint: graph, publishResults: true, extensionLimit: days(15) }));
    const published = await publish(draft);
    const { item } = await callUnary(items, 'getItem', { itemId: draft.id, implementationCode: '', version: 0 });
    for (const version of [draft, published, item!]) {
      // SG (施工许可, 住房和城乡建设局) follows every other part: its department leads.
      expect(version.derived?.jointLeadDepartmentId).toBe(project.housing);
      expect(version.content).toMatchObject({
        publishResults: true,
        extensionLimit: days(15),
        joint: { leadRule: LAST_APPROVING, leadDepartmentId: '' },
      });
    }
    // An unspecified rule is NAMED: the named department leads; results unpublished, no bound of its own.
    const named = await create(
      aJointItem(project, {
        joint: aProjectGraph(project, { leadRule: pb.JointLeadRule.JOINT_LEAD_RULE_UNSPECIFIED }),
      }),
    );
    expect(named.content?.joint?.leadRule).toBe(NAMED);
    expect(named.content).toMatchObject({ publishResults: false, extensionLimit: undefined });
    expect(named.derived?.jointLeadDepartmentId).toBe(project.development);
  });

  it('repeats a command with the same request id without creating anything twice', async () => {
    const id = requestId();
    const content = anItem(market);
    const first = await callUnary(items, 'createItem', { requestId: id, item: content });
    const again = await callUnary(items, 'createItem', { requestId: id, item: content });
    expect(again.item).toEqual(first.item);
    await expectGrpcError(
      callUnary(items, 'createItem', { requestId: id, item: { ...content, name: '别的事项' } }),
      grpc.status.FAILED_PRECONDITION,
    );
    // A second item with the same implementation code is refused.
    await expectGrpcError(
      callUnary(items, 'createItem', { requestId: requestId(), item: content }),
      grpc.status.ALREADY_EXISTS,
    );
  });

  it('checks departments against the directory: tier, fee receivers', async () => {
    const error = await expectGrpcError(
      callUnary(items, 'createItem', {
        requestId: requestId(),
        item: anItem(districtDepartment, {
          free: false,
          feeItems: [aFee('no-such-department')],
        }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(error).map((v) => v.field)).toEqual([
      'item.exercising_tier',
      'item.fee_items[0].receiving_department_id',
    ]);
  });

  it('refuses to publish a draft whose disclosures are incomplete', async () => {
    const draft = await create(anItem(market, { duties: '', commitment: undefined }));
    const error = await expectGrpcError(publish(draft), grpc.status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(error).map((v) => v.field)).toEqual(['item.duties', 'item.commitment.text']);
  });

  it('lists the materials of the applicant situations only', async () => {
    const item = await publish(
      await create(
        anItem(market, {
          situations: [
            { code: 'COMPANY', name: '申请人为企业', group: '申请人类型' },
            { code: 'PERSON', name: '申请人为个体工商户', group: '申请人类型' },
          ],
          materials: [
            aMaterial(),
            aMaterial({
              code: 'M02',
              name: '营业执照复印件',
              situationCodes: ['COMPANY'],
              form: pb.MaterialForm.MATERIAL_FORM_COPY,
              originalForCheck: true,
            }),
            aMaterial({ code: 'M03', name: '经营者身份证明', situationCodes: ['PERSON'] }),
            aMaterial({ code: 'M04', name: '健康证明', mayBeAcceptedMissing: true }),
          ],
          missingMaterials: aMissingMaterialPolicy(),
        }),
      ),
    );
    expect(item.derived?.acceptsMissingMaterials).toBe(true);
    const company = await callUnary(items, 'listMaterials', {
      itemId: item.id,
      version: 0,
      situationCodes: ['COMPANY'],
    });
    expect(company.materials.map((m) => m.code)).toEqual(['M01', 'M02', 'M04']);
    expect(company.unansweredGroups).toEqual([]);
    const unanswered = await callUnary(items, 'listMaterials', { itemId: item.id, version: 0, situationCodes: [] });
    expect(unanswered.unansweredGroups).toEqual(['申请人类型']);
    const both = await expectGrpcError(
      callUnary(items, 'listMaterials', { itemId: item.id, version: 0, situationCodes: ['COMPANY', 'PERSON'] }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(both).map((v) => v.field)).toEqual(['situation_codes[1]']);
  });

  it('keeps clean-up rounds: merges retire with an event, delegation drafts a lower-tier version', async () => {
    const target = await publish(await create(anItem(market, { name: '食品经营许可（合并后）' })));
    const source = await publish(await create(anItem(market, { name: '食品流通许可' })));
    const cleanup = { round: '2010年行政审批事项清理', basis: '潍政发〔2010〕12号', note: '' };
    const { item: retired, record } = await callUnary(items, 'retireItem', {
      requestId: requestId(),
      itemId: source.id,
      version: 1,
      action: pb.CleanupAction.CLEANUP_ACTION_MERGED,
      mergedIntoItemId: target.id,
      cleanup,
    });
    expect(retired).toMatchObject({
      status: pb.ItemStatus.ITEM_STATUS_RETIRED,
      retiredReason: pb.RetiredReason.RETIRED_REASON_MERGED,
      mergedIntoItemId: target.id,
    });
    expect(record).toMatchObject({ action: pb.CleanupAction.CLEANUP_ACTION_MERGED, fromVersion: 1, ...cleanup });
    await waitFor(async () =>
      (await catalogueEventsOf(catalogue.region, 'catalogue.item.retired')).some(
        (e) => e.data.itemId === source.id && e.data.reason === pb.RetiredReason.RETIRED_REASON_MERGED,
      ),
    );

    const { item: delegated, record: delegation } = await callUnary(items, 'delegateItem', {
      requestId: requestId(),
      itemId: target.id,
      version: 1,
      delegation: {
        tier: org.HallTier.HALL_TIER_DISTRICT,
        mode: pb.DelegationMode.DELEGATION_MODE_DEVOLVED,
        basis: '潍政发〔2010〕30号',
      },
      cleanup,
    });
    expect(delegated).toMatchObject({ version: 2, status: pb.ItemStatus.ITEM_STATUS_DRAFT });
    expect(delegated!.content).toMatchObject({
      approveTier: org.HallTier.HALL_TIER_DISTRICT,
      acceptTiers: [org.HallTier.HALL_TIER_DISTRICT],
    });
    expect(delegation).toMatchObject({ action: pb.CleanupAction.CLEANUP_ACTION_DELEGATED, draftVersion: 2 });

    const { records } = await callUnary(items, 'listCleanupRecords', { itemId: target.id, round: '' });
    expect(records.map((r) => r.action)).toEqual([
      pb.CleanupAction.CLEANUP_ACTION_MERGED,
      pb.CleanupAction.CLEANUP_ACTION_DELEGATED,
    ]);
    const { items: out } = await callUnary(items, 'listItems', {
      hallId: cityHallId,
      departmentId: '',
      status: pb.ItemStatus.ITEM_STATUS_RETIRED,
      itemType: pb.ItemType.ITEM_TYPE_UNSPECIFIED,
      caseType: pb.CaseType.CASE_TYPE_UNSPECIFIED,
      acceptTier: org.HallTier.HALL_TIER_UNSPECIFIED,
      pageSize: 0,
      pageToken: '',
      frozen: pb.FrozenFilter.FROZEN_FILTER_UNSPECIFIED,
    });
    expect(out.map((i) => i.id)).toContain(source.id);
    expect(out.map((i) => i.id)).not.toContain(target.id);
  });

  it('bundles items issued together (两证齐发)', async () => {
    const property = await publish(await create(anItem(market, { name: '不动产权证书核发' })));
    const land = await publish(await create(anItem(market, { name: '国有土地使用证核发' })));
    const { window } = await callUnary(directory, 'createWindow', {
      requestId: requestId(),
      window: aWindow(cityHallId, [], {
        number: 'C09',
        name: '统一出件窗口',
        kind: org.WindowKind.WINDOW_KIND_CERTIFICATE,
      }),
    });
    const place = { hallId: cityHallId, windowId: window!.id };
    const { bundle } = await callUnary(items, 'createItemBundle', {
      requestId: requestId(),
      bundle: {
        name: '房产证土地证两证齐发',
        description: '一窗受理、一窗出件',
        itemIds: [property.id, land.id],
        ...place,
      },
    });
    expect(bundle).toMatchObject({ itemIds: [property.id, land.id], active: true, version: 1, ...place });
    const { bundles } = await callUnary(items, 'listItemBundles', {
      itemId: land.id,
      includeInactive: false,
      hallId: cityHallId,
    });
    expect(bundles.map((b) => b.id)).toEqual([bundle!.id]);
    const bad = await expectGrpcError(
      callUnary(items, 'createItemBundle', {
        requestId: requestId(),
        bundle: { name: '错误的组合', description: '', itemIds: [property.id, 'no-such-item'], ...place },
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(bad).map((v) => v.field)).toEqual(['bundle.item_ids[1]']);
  });
});
