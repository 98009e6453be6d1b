import { catalogueFeeCatalogueV1 as fees, catalogueItemsV1 as pb, catalogueV1 as org } from '@govhall/contracts';
import { bearerInterceptor, callUnary, fieldViolationsOf } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { sql } from 'kysely';
import { expectGrpcError } from './grpc-assertions';
import { catalogueEventsOf, startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';
import { aCityHall, aDepartment, aDistrictHall, aWindow, requestId } from './builders';
import { aFee, anItem, days } from './item-builders';

type FeeClient = InstanceType<typeof fees.FeeCatalogueServiceClient>;
type ItemClient = InstanceType<typeof pb.ItemServiceClient>;
type OrganisationClient = InstanceType<typeof org.OrganisationServiceClient>;

/**
 * The fee catalogue (收费目录), items' fee items linked to it, and bundles issued at one window of one hall, over
 * gRPC against real PostgreSQL and NATS, the catalogue started as in production.
 */
describe('fee catalogue and bundle places over gRPC (real PostgreSQL and NATS)', () => {
  let catalogue: CatalogueUnderTest;
  let feeCatalogue: FeeClient;
  let items: ItemClient;
  let directory: OrganisationClient;

  let cityHallId: string;
  let districtHallId: string;
  let housing: string; // 市住房和城乡建设局 (city hall)
  let registry: string; // 市不动产登记中心 (city hall)
  let districtHousing: string; // 区住房和城乡建设局 (district hall)
  let landBranch: string; // 市自然资源和规划局奎文分局: a city-level body seated in the district hall
  let jointWindow: string; // district B03, serving both
  let cityCertificateWindow: string; // city D01 统一出件

  /** A one-fee per-unit entry of the city hall; override what the test is about. */
  const anEntry = (overrides: Partial<fees.FeeCatalogueEntryInput> = {}): fees.FeeCatalogueEntryInput => ({
    hallId: cityHallId,
    code: `SF-ZJJ-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
    name: '城市基础设施配套费',
    chargingDepartmentId: housing,
    basis: '《山东省城市基础设施配套费征收管理办法》',
    kind: pb.FeeKind.FEE_KIND_PER_UNIT,
    amountFen: 0,
    unitPriceFen: 9000,
    unitName: '平方米',
    fiscalAccount: '3707010000100020001',
    oneFee: true,
    upwardShareBasisPoints: 0,
    upwardBody: '',
    ...overrides,
  });
  /** A fee item that names an entry and leaves its standard to it. */
  const aLinkedFee = (catalogueEntryId: string, overrides: Partial<pb.FeeItem> = {}): pb.FeeItem =>
    aFee('', {
      name: '',
      kind: pb.FeeKind.FEE_KIND_UNSPECIFIED,
      amountFen: 0,
      legalBasis: '',
      fiscalAccount: '',
      reducible: false,
      reductionBasis: '',
      catalogueEntryId,
      ...overrides,
    });

  const createEntry = async (entry: fees.FeeCatalogueEntryInput): Promise<fees.FeeCatalogueEntry> =>
    (await callUnary(feeCatalogue, 'createFeeCatalogueEntry', { requestId: requestId(), entry })).entry!;
  const createItem = async (content: pb.ItemContent): Promise<pb.Item> =>
    (await callUnary(items, 'createItem', { requestId: requestId(), item: content })).item!;
  const publish = (item: pb.Item) =>
    callUnary(items, 'publishItem', {
      requestId: requestId(),
      itemId: item.id,
      version: item.version,
      expectedRevision: item.revision,
    });
  const cleanup = { round: '2017年行政事业性收费清理', basis: '财税〔2017〕20号', note: '取消收费项目1项' };
  const cancel = (entry: fees.FeeCatalogueEntry, rid = requestId()) =>
    callUnary(feeCatalogue, 'cancelFeeCatalogueEntry', {
      requestId: rid,
      id: entry.id,
      expectedVersion: entry.version,
      cleanup,
    });
  const fieldsOf = (error: grpc.ServiceError): string[] => fieldViolationsOf(error).map((v) => v.field);

  beforeAll(async () => {
    catalogue = await startCatalogueForTest();
    const { address } = catalogue;
    const admin = catalogue.asAdministrator;
    feeCatalogue = new fees.FeeCatalogueServiceClient(address, grpc.credentials.createInsecure(), admin);
    items = new pb.ItemServiceClient(address, grpc.credentials.createInsecure(), admin);
    directory = new org.OrganisationServiceClient(address, grpc.credentials.createInsecure(), admin);

    cityHallId = (await callUnary(directory, 'createHall', { requestId: requestId(), hall: aCityHall() })).hall!.id;
    districtHallId = (
      await callUnary(directory, 'createHall', { requestId: requestId(), hall: aDistrictHall(cityHallId) })
    ).hall!.id;
    const department = async (hallId: string, overrides: Partial<org.DepartmentInput>): Promise<string> =>
      (
        await callUnary(directory, 'createDepartment', {
          requestId: requestId(),
          department: aDepartment(hallId, overrides),
        })
      ).department!.id;
    housing = await department(cityHallId, { code: 'ZJJ', name: '住房和城乡建设局' });
    registry = await department(cityHallId, { code: 'BDC', name: '不动产登记中心' });
    districtHousing = await department(districtHallId, { code: 'QZJJ', name: '奎文区住房和城乡建设局' });
    landBranch = await department(districtHallId, {
      code: 'ZRZYKW',
      name: '市自然资源和规划局奎文分局',
      tier: org.HallTier.HALL_TIER_CITY,
      regionCode: '370700',
    });
    const window = async (hallId: string, input: Partial<org.WindowInput>, departmentIds: string[]) =>
      (
        await callUnary(directory, 'createWindow', {
          requestId: requestId(),
          window: aWindow(hallId, departmentIds, input),
        })
      ).window!.id;
    jointWindow = await window(districtHallId, { number: 'B03', name: '房产·规土联办窗口' }, [
      districtHousing,
      landBranch,
    ]);
    cityCertificateWindow = await window(
      cityHallId,
      { number: 'D01', name: '统一出件窗口', kind: org.WindowKind.WINDOW_KIND_CERTIFICATE },
      [],
    );
  });

  afterAll(async () => {
    feeCatalogue.close();
    items.close();
    directory.close();
    await catalogue.stop();
  });

  describe('entries', () => {
    it('creates, reads, lists by department and one-fee membership, updates, with events on the stream', async () => {
      const infrastructure = await createEntry(anEntry());
      expect(infrastructure).toMatchObject({
        hallId: cityHallId,
        status: fees.FeeCatalogueEntryStatus.FEE_CATALOGUE_ENTRY_STATUS_ACTIVE,
        unitPriceFen: 9000,
        oneFee: true,
        version: 1,
      });
      const registration = await createEntry(
        anEntry({
          code: 'SF-BDC-001',
          name: '不动产登记费（住宅）',
          chargingDepartmentId: registry,
          basis: '发改价格规〔2016〕2559号',
          kind: pb.FeeKind.FEE_KIND_FIXED,
          amountFen: 8000,
          unitPriceFen: 0,
          unitName: '',
          fiscalAccount: '3707010000100040003',
          oneFee: false,
          upwardShareBasisPoints: 2000,
          upwardBody: '山东省财政厅',
        }),
      );
      const { entry: read } = await callUnary(feeCatalogue, 'getFeeCatalogueEntry', { id: registration.id });
      expect(read).toEqual(registration);

      const list = async (request: Partial<fees.ListFeeCatalogueEntriesRequest>) =>
        (
          await callUnary(feeCatalogue, 'listFeeCatalogueEntries', {
            hallId: cityHallId,
            departmentId: '',
            oneFee: fees.OneFeeFilter.ONE_FEE_FILTER_UNSPECIFIED,
            includeCancelled: false,
            ...request,
          })
        ).entries.map((e) => e.id);
      expect(await list({})).toEqual(expect.arrayContaining([infrastructure.id, registration.id]));
      expect(await list({ departmentId: registry })).toEqual([registration.id]);
      expect(await list({ oneFee: fees.OneFeeFilter.ONE_FEE_FILTER_SEPARATE })).toEqual([registration.id]);
      expect(await list({ oneFee: fees.OneFeeFilter.ONE_FEE_FILTER_ONE_FEE })).not.toContain(registration.id);
      expect(await list({ hallId: districtHallId })).toEqual([]);

      const { entry: updated, itemsToRevise } = await callUnary(feeCatalogue, 'updateFeeCatalogueEntry', {
        requestId: requestId(),
        id: infrastructure.id,
        expectedVersion: 1,
        entry: anEntry({ code: infrastructure.code, name: '城市基础设施配套费（住宅项目）' }),
      });
      expect(updated).toMatchObject({ version: 2, name: '城市基础设施配套费（住宅项目）' });
      expect(itemsToRevise).toEqual([]);

      await waitFor(async () => {
        const created = await catalogueEventsOf(catalogue.region, 'catalogue.fee_catalogue_entry.created');
        const changed = await catalogueEventsOf(catalogue.region, 'catalogue.fee_catalogue_entry.updated');
        return (
          created.some((e) => e.data.entry?.id === registration.id && e.data.entry.upwardShareBasisPoints === 2000) &&
          changed.some((e) => e.data.entry?.id === infrastructure.id && e.data.entry.version === 2)
        );
      });
    });

    it('replays a request id, refuses it for another request, and refuses a stale version', async () => {
      const rid = requestId();
      const input = anEntry();
      const first = await callUnary(feeCatalogue, 'createFeeCatalogueEntry', { requestId: rid, entry: input });
      const again = await callUnary(feeCatalogue, 'createFeeCatalogueEntry', { requestId: rid, entry: input });
      expect(again.entry).toEqual(first.entry);
      await expectGrpcError(
        callUnary(feeCatalogue, 'createFeeCatalogueEntry', { requestId: rid, entry: anEntry() }),
        grpc.status.FAILED_PRECONDITION,
      );
      await expectGrpcError(
        callUnary(feeCatalogue, 'createFeeCatalogueEntry', { requestId: requestId(), entry: input }),
        grpc.status.ALREADY_EXISTS,
      );
      const update = (expectedVersion: number) =>
        callUnary(feeCatalogue, 'updateFeeCatalogueEntry', {
          requestId: requestId(),
          id: first.entry!.id,
          expectedVersion,
          entry: { ...input, unitPriceFen: 9500 },
        });
      await update(1);
      await expectGrpcError(update(1), grpc.status.FAILED_PRECONDITION);
    });

    it('refuses bad entries by field: code, amount, share, charging department of another hall, fixed code', async () => {
      const refused = async (entry: fees.FeeCatalogueEntryInput): Promise<string[]> =>
        fieldsOf(
          await expectGrpcError(
            callUnary(feeCatalogue, 'createFeeCatalogueEntry', { requestId: requestId(), entry }),
            grpc.status.INVALID_ARGUMENT,
          ),
        );
      expect(await refused(anEntry({ code: 'sf zjj 1' }))).toEqual(['entry.code']);
      expect(
        await refused(anEntry({ kind: pb.FeeKind.FEE_KIND_FIXED, amountFen: 0, unitPriceFen: 0, unitName: '' })),
      ).toEqual(['entry.amount_fen']);
      expect(await refused(anEntry({ upwardShareBasisPoints: 10_001, upwardBody: '山东省财政厅' }))).toEqual([
        'entry.upward_share_basis_points',
      ]);
      expect(await refused(anEntry({ chargingDepartmentId: districtHousing }))).toEqual([
        'entry.charging_department_id',
      ]);
      expect(await refused(anEntry({ hallId: 'no-such-hall' }))).toEqual([
        'entry.hall_id',
        'entry.charging_department_id',
      ]);

      const entry = await createEntry(anEntry());
      const moved = await expectGrpcError(
        callUnary(feeCatalogue, 'updateFeeCatalogueEntry', {
          requestId: requestId(),
          id: entry.id,
          expectedVersion: 1,
          entry: anEntry({ code: 'SF-ZJJ-RENAMED' }),
        }),
        grpc.status.INVALID_ARGUMENT,
      );
      expect(fieldsOf(moved)).toEqual(['entry.code']);
    });
  });

  describe('fee items of items', () => {
    it('take their standard from the entry and show its one-fee membership and upward share', async () => {
      const entry = await createEntry(
        anEntry({
          chargingDepartmentId: registry,
          name: '不动产登记费（非住宅）',
          kind: pb.FeeKind.FEE_KIND_FIXED,
          amountFen: 55_000,
          unitPriceFen: 0,
          unitName: '',
          fiscalAccount: '3707010000100040003',
          upwardShareBasisPoints: 2500,
          upwardBody: '山东省财政厅',
        }),
      );
      const draft = await createItem(
        anItem(registry, { name: '不动产首次登记', free: false, feeItems: [aLinkedFee(entry.id)] }),
      );
      const { item: published } = await publish(draft);
      expect(published!.content!.feeItems).toEqual([
        expect.objectContaining({
          name: '不动产登记费（非住宅）',
          kind: pb.FeeKind.FEE_KIND_FIXED,
          amountFen: 55_000,
          receivingDepartmentId: registry,
          fiscalAccount: '3707010000100040003',
          legalBasis: entry.basis,
          catalogueEntryId: entry.id,
          catalogueCode: entry.code,
          oneFee: true,
          upwardShareBasisPoints: 2500,
          upwardBody: '山东省财政厅',
        }),
      ]);
    });

    it('refuses a fee that contradicts its entry, and an entry of another hall', async () => {
      const entry = await createEntry(anEntry());
      const contradicting = await expectGrpcError(
        createItem(
          anItem(housing, {
            free: false,
            feeItems: [aLinkedFee(entry.id, { kind: pb.FeeKind.FEE_KIND_PER_UNIT, unitPriceFen: 8000 })],
          }),
        ),
        grpc.status.INVALID_ARGUMENT,
      );
      expect(fieldsOf(contradicting)).toEqual(['item.fee_items[0].unit_price_fen']);
      const district = await createEntry(
        anEntry({
          hallId: districtHallId,
          chargingDepartmentId: districtHousing,
          fiscalAccount: '3707050000200010001',
        }),
      );
      const elsewhere = await expectGrpcError(
        createItem(anItem(housing, { free: false, feeItems: [aLinkedFee(district.id)] })),
        grpc.status.INVALID_ARGUMENT,
      );
      expect(fieldsOf(elsewhere)).toEqual(['item.fee_items[0].catalogue_entry_id']);
    });

    it('cannot be published under a cancelled entry; a cancelled entry stays readable', async () => {
      const entry = await createEntry(anEntry());
      const draft = await createItem(anItem(housing, { free: false, feeItems: [aLinkedFee(entry.id)] }));
      const rid = requestId();
      const { entry: cancelled } = await cancel(entry, rid);
      expect(cancelled).toMatchObject({
        status: fees.FeeCatalogueEntryStatus.FEE_CATALOGUE_ENTRY_STATUS_CANCELLED,
        version: 2,
        cancellation: expect.objectContaining({ round: cleanup.round, basis: cleanup.basis }) as unknown,
      });
      expect((await cancel(entry, rid)).entry).toEqual(cancelled);
      // Cancelled already: answered as it is, with no new version.
      expect((await cancel(cancelled!)).entry).toEqual(cancelled);

      const refused = await expectGrpcError(publish(draft), grpc.status.INVALID_ARGUMENT);
      expect(fieldViolationsOf(refused)).toEqual([
        {
          field: 'item.fee_items[0].catalogue_entry_id',
          description: expect.stringContaining('was cancelled in 2017年行政事业性收费清理') as unknown,
        },
      ]);
      const { entry: read } = await callUnary(feeCatalogue, 'getFeeCatalogueEntry', { id: entry.id });
      expect(read).toEqual(cancelled);
      const listed = async (includeCancelled: boolean) =>
        (
          await callUnary(feeCatalogue, 'listFeeCatalogueEntries', {
            hallId: cityHallId,
            departmentId: housing,
            oneFee: fees.OneFeeFilter.ONE_FEE_FILTER_UNSPECIFIED,
            includeCancelled,
          })
        ).entries.map((e) => e.id);
      expect(await listed(false)).not.toContain(entry.id);
      expect(await listed(true)).toContain(entry.id);
      await expectGrpcError(
        callUnary(feeCatalogue, 'updateFeeCatalogueEntry', {
          requestId: requestId(),
          id: entry.id,
          expectedVersion: 2,
          entry: anEntry({ code: entry.code }),
        }),
        grpc.status.FAILED_PRECONDITION,
      );
      // The record is kept even against writers other than the service.
      await expect(
        sql`delete from catalogue.fee_catalogue_entries where id = ${entry.id}`.execute(catalogue.database.db),
      ).rejects.toThrow(/is cancelled and is kept as it is/);
      await waitFor(async () =>
        (await catalogueEventsOf(catalogue.region, 'catalogue.fee_catalogue_entry.cancelled')).some(
          (e) => e.data.entry?.id === entry.id && e.data.entry.cancellation?.round === cleanup.round,
        ),
      );
    });

    it('keeps an entry in use from cancellation, lists the items to revise after a price change', async () => {
      const entry = await createEntry(anEntry());
      const { item: inService } = await publish(
        await createItem(anItem(housing, { free: false, feeItems: [aLinkedFee(entry.id)] })),
      );
      const inUse = await expectGrpcError(cancel(entry), grpc.status.FAILED_PRECONDITION);
      expect(inUse.details).toContain(inService!.id);

      const { entry: repriced, itemsToRevise } = await callUnary(feeCatalogue, 'updateFeeCatalogueEntry', {
        requestId: requestId(),
        id: entry.id,
        expectedVersion: 1,
        entry: anEntry({ code: entry.code, unitPriceFen: 9500 }),
      });
      expect(itemsToRevise).toEqual([inService!.id]);
      // The published version keeps what it was published with; a copy of it no longer matches the entry.
      const { item: copy } = await callUnary(items, 'reviseItem', {
        requestId: requestId(),
        itemId: inService!.id,
        baseVersion: 1,
        item: undefined,
      });
      const stale = await expectGrpcError(publish(copy!), grpc.status.INVALID_ARGUMENT);
      expect(fieldsOf(stale)).toEqual(['item.fee_items[0].unit_price_fen']);
      // Saved again with the standard left to the entry, it takes the new price.
      const { item: resaved } = await callUnary(items, 'updateItem', {
        requestId: requestId(),
        itemId: copy!.id,
        version: copy!.version,
        expectedRevision: copy!.revision,
        item: anItem(housing, {
          implementationCode: copy!.content!.implementationCode,
          free: false,
          feeItems: [aLinkedFee(entry.id)],
        }),
      });
      const { item: revised } = await publish(resaved!);
      expect(revised!.content!.feeItems[0]).toMatchObject({ unitPriceFen: repriced!.unitPriceFen });
    });
  });

  describe('bundles', () => {
    /** 房屋所有权证 (district, QZJJ) and 国有土地使用证 (the city bureau's branch in the district hall). */
    const certificates = async (): Promise<{ property: pb.Item; land: pb.Item }> => {
      const property = await createItem(
        anItem(districtHousing, {
          name: '房屋所有权转移登记',
          exercisingTier: org.HallTier.HALL_TIER_DISTRICT,
          approveTier: org.HallTier.HALL_TIER_DISTRICT,
          acceptTiers: [org.HallTier.HALL_TIER_DISTRICT],
        }),
      );
      const land = await createItem(
        anItem(landBranch, {
          name: '国有建设用地使用权转移登记',
          acceptTiers: [org.HallTier.HALL_TIER_DISTRICT],
          stageBudgets: [{ stage: pb.ProcessStage.PROCESS_STAGE_PRE_REVIEW, limit: days(1) }],
        }),
      );
      return { property: (await publish(property)).item!, land: (await publish(land)).item! };
    };
    const createBundle = (bundle: Partial<pb.ItemBundleInput>) =>
      callUnary(items, 'createItemBundle', {
        requestId: requestId(),
        bundle: {
          name: '房屋所有权证、国有土地使用证两证齐发',
          description: '',
          itemIds: [],
          hallId: '',
          windowId: '',
          ...bundle,
        },
      });

    it('issues both certificates at one window of one hall (两证齐发)', async () => {
      const { property, land } = await certificates();
      const { bundle } = await createBundle({
        itemIds: [property.id, land.id],
        hallId: districtHallId,
        windowId: jointWindow,
      });
      expect(bundle).toMatchObject({ hallId: districtHallId, windowId: jointWindow, itemIds: [property.id, land.id] });
      const { bundles } = await callUnary(items, 'listItemBundles', {
        itemId: '',
        includeInactive: false,
        hallId: districtHallId,
      });
      expect(bundles.map((b) => b.id)).toContain(bundle!.id);
      await waitFor(async () =>
        (await catalogueEventsOf(catalogue.region, 'catalogue.item_bundle.created')).some(
          (e) => e.data.bundle?.id === bundle!.id && e.data.bundle.windowId === jointWindow,
        ),
      );
    });

    it('refuses a bundle across two halls, naming the item of the other hall', async () => {
      const { property } = await certificates();
      const { item: cityItem } = await publish(await createItem(anItem(registry, { name: '不动产权证书核发' })));
      const refused = await expectGrpcError(
        createBundle({ itemIds: [property.id, cityItem!.id], hallId: districtHallId, windowId: jointWindow }),
        grpc.status.INVALID_ARGUMENT,
      );
      expect(fieldsOf(refused)).toEqual(['bundle.item_ids[1]']);
    });

    it('refuses a window of another hall, and a bundle that names no place', async () => {
      const { property, land } = await certificates();
      const elsewhere = await expectGrpcError(
        createBundle({ itemIds: [property.id, land.id], hallId: districtHallId, windowId: cityCertificateWindow }),
        grpc.status.INVALID_ARGUMENT,
      );
      expect(fieldsOf(elsewhere)).toEqual(['bundle.window_id']);
      const nowhere = await expectGrpcError(
        createBundle({ itemIds: [property.id, land.id] }),
        grpc.status.INVALID_ARGUMENT,
      );
      expect(fieldsOf(nowhere)).toEqual(['bundle.hall_id', 'bundle.window_id']);
    });
  });

  describe('access', () => {
    it('lets anyone read the published catalogue and only administrators write: a clerk is PERMISSION_DENIED', async () => {
      const entry = await createEntry(anEntry());
      const anonymous = new fees.FeeCatalogueServiceClient(catalogue.address, grpc.credentials.createInsecure());
      const clerk = new fees.FeeCatalogueServiceClient(catalogue.address, grpc.credentials.createInsecure(), {
        interceptors: [bearerInterceptor(await catalogue.tokenFor(['clerk']))],
      });
      try {
        expect((await callUnary(anonymous, 'getFeeCatalogueEntry', { id: entry.id })).entry!.id).toBe(entry.id);
        const { entries } = await callUnary(anonymous, 'listFeeCatalogueEntries', {
          hallId: cityHallId,
          departmentId: '',
          oneFee: fees.OneFeeFilter.ONE_FEE_FILTER_UNSPECIFIED,
          includeCancelled: true,
        });
        expect(entries.map((e) => e.id)).toContain(entry.id);
        const write = { requestId: requestId(), entry: anEntry() };
        await expectGrpcError(callUnary(clerk, 'createFeeCatalogueEntry', write), grpc.status.PERMISSION_DENIED);
        await expectGrpcError(callUnary(anonymous, 'createFeeCatalogueEntry', write), grpc.status.UNAUTHENTICATED);
        await expectGrpcError(cancelAs(clerk, entry), grpc.status.PERMISSION_DENIED);
      } finally {
        anonymous.close();
        clerk.close();
      }
    });

    const cancelAs = (client: FeeClient, entry: fees.FeeCatalogueEntry) =>
      callUnary(client, 'cancelFeeCatalogueEntry', {
        requestId: requestId(),
        id: entry.id,
        expectedVersion: entry.version,
        cleanup,
      });
  });
});
