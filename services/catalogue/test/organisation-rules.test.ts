import { catalogueItemsV1, catalogueV1 as pb } from '@govhall/contracts';
import { callUnary, fieldViolationsOf } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { expectGrpcError } from './grpc-assertions';
import { organisationCalls } from './organisation-calls';
import { startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';
import { aCityHall, aDepartment, aDistrictHall, aStaff, aWindow, requestId } from './builders';
import { anItem } from './item-builders';

type Client = InstanceType<typeof pb.OrganisationServiceClient>;

/** The directory's second-pass rules: tiers, halls per region, departments' own levels, AB posts, profiles. */
describe('organisation directory rules over gRPC (real PostgreSQL and NATS)', () => {
  let catalogue: CatalogueUnderTest;
  let client: Client;
  let anonymous: Client;

  beforeAll(async () => {
    catalogue = await startCatalogueForTest();
    client = new pb.OrganisationServiceClient(
      catalogue.address,
      grpc.credentials.createInsecure(),
      catalogue.asAdministrator,
    );
    anonymous = new pb.OrganisationServiceClient(catalogue.address, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    client.close();
    anonymous.close();
    await catalogue.stop();
  });

  const { createHall, createDepartment, createStaff } = organisationCalls(() => client);
  const refusal = async (call: Promise<unknown>, code = grpc.status.INVALID_ARGUMENT) =>
    fieldViolationsOf(await expectGrpcError(call, code)).map((v) => v.field);

  const aProvinceHall = (overrides: Partial<pb.HallInput> = {}): pb.HallInput =>
    aCityHall({
      name: '陕西省工商局政务服务中心',
      tier: pb.HallTier.HALL_TIER_PROVINCE,
      regionCode: '610000',
      kind: pb.HallKind.HALL_KIND_DEPARTMENT,
      address: '西安市二环北路东段739号',
      ...overrides,
    });

  let city: pb.Hall;
  let district: pb.Hall;

  it('adds the province tier above the city and refuses a province hall with a bad code', async () => {
    expect(
      await refusal(
        callUnary(client, 'createHall', { requestId: requestId(), hall: aProvinceHall({ regionCode: '610100' }) }),
      ),
    ).toEqual(['hall.region_code']);
    expect(
      await refusal(
        callUnary(client, 'createHall', { requestId: requestId(), hall: aProvinceHall({ regionCode: '000000' }) }),
      ),
    ).toEqual(['hall.region_code']);
    const province = await createHall(aProvinceHall());
    expect(province).toMatchObject({ tier: pb.HallTier.HALL_TIER_PROVINCE, kind: pb.HallKind.HALL_KIND_DEPARTMENT });
    // A department hall is no parent: the network hangs under main halls.
    const xian = aCityHall({ name: '西安市政务服务中心', regionCode: '610100', parentHallId: province.id });
    expect(await refusal(callUnary(client, 'createHall', { requestId: requestId(), hall: xian }))).toEqual([
      'hall.parent_hall_id',
    ]);
    const shaanxi = await createHall(
      aProvinceHall({ name: '陕西省政务服务中心', kind: pb.HallKind.HALL_KIND_MAIN, address: '' }),
    );
    expect((await createHall({ ...xian, parentHallId: shaanxi.id })).parentHallId).toBe(shaanxi.id);
  });

  it('holds one main hall per region, branches beside it, and refuses a branch with no main hall', async () => {
    city = await createHall(aCityHall());
    district = await createHall(aDistrictHall(city.id));
    await expectGrpcError(
      callUnary(client, 'createHall', {
        requestId: requestId(),
        hall: aDistrictHall(city.id, { name: '奎文区第二中心' }),
      }),
      grpc.status.ALREADY_EXISTS,
    );
    const orphan = aDistrictHall(city.id, {
      name: '潍城区政务服务中心分中心',
      regionCode: '370702',
      kind: pb.HallKind.HALL_KIND_BRANCH,
    });
    expect(await refusal(callUnary(client, 'createHall', { requestId: requestId(), hall: orphan }))).toEqual([
      'hall.kind',
    ]);
    const branch = await createHall(
      aDistrictHall(city.id, { name: '奎文区政务服务中心社保分中心', kind: pb.HallKind.HALL_KIND_BRANCH }),
    );
    const { halls } = await callUnary(anonymous, 'listHalls', {
      parentHallId: '',
      tier: pb.HallTier.HALL_TIER_UNSPECIFIED,
      includeInactive: false,
      regionCode: '370705',
      kind: pb.HallKind.HALL_KIND_UNSPECIFIED,
    });
    expect(halls.map((h) => h.id).sort()).toEqual([district.id, branch.id].sort());
    // A township hangs under the main hall, never a branch.
    const township = aDistrictHall(branch.id, {
      name: '东关街道便民服务中心',
      tier: pb.HallTier.HALL_TIER_TOWNSHIP,
      regionCode: '370705001',
    });
    expect(await refusal(callUnary(client, 'createHall', { requestId: requestId(), hall: township }))).toEqual([
      'hall.parent_hall_id',
    ]);
    // The main hall stays while a branch stands beside it.
    const error = await expectGrpcError(
      callUnary(client, 'deactivateHall', { requestId: requestId(), id: district.id }),
      grpc.status.FAILED_PRECONDITION,
    );
    expect(error.details).toContain('社保分中心');
    await callUnary(client, 'deactivateHall', { requestId: requestId(), id: branch.id });
  });

  it('requires the complaint phone of a hall and the consultation phone of a department', async () => {
    expect(
      await refusal(
        callUnary(client, 'createHall', {
          requestId: requestId(),
          hall: aCityHall({ regionCode: '370800', complaintPhone: '', complaintUrl: 'ftp://x' }),
        }),
      ),
    ).toEqual(['hall.complaint_phone', 'hall.complaint_url']);
    expect(
      await refusal(
        callUnary(client, 'createDepartment', {
          requestId: requestId(),
          department: aDepartment(city.id, { consultationPhone: '8096' }),
        }),
      ),
    ).toEqual(['department.consultation_phone']);
  });

  it("seats a department of its own level and region, on one line with the hall's", async () => {
    const own = await createDepartment(aDepartment(city.id, { code: 'SCJG' }));
    expect(own).toMatchObject({ tier: pb.HallTier.HALL_TIER_CITY, regionCode: '370700' });
    const kuiwen = await createDepartment(
      aDepartment(city.id, {
        code: 'KWSP',
        name: '奎文区行政审批服务局',
        tier: pb.HallTier.HALL_TIER_DISTRICT,
        regionCode: '370705',
      }),
    );
    expect(kuiwen).toMatchObject({ hallId: city.id, tier: pb.HallTier.HALL_TIER_DISTRICT, regionCode: '370705' });
    const cityBureau = await createDepartment(
      aDepartment(district.id, {
        code: 'ZRZYKW',
        name: '市自然资源和规划局奎文分局',
        tier: pb.HallTier.HALL_TIER_CITY,
        regionCode: '370700',
      }),
    );
    expect(cityBureau.tier).toBe(pb.HallTier.HALL_TIER_CITY);
    const districtHousing = await createDepartment(aDepartment(district.id, { code: 'QZJJ', name: '奎文区住建局' }));
    // One window serving departments of two levels.
    const { window } = await callUnary(client, 'createWindow', {
      requestId: requestId(),
      window: aWindow(district.id, [districtHousing.id, cityBureau.id], { number: 'B03', name: '房产·规土联办窗口' }),
    });
    expect(window!.departmentIds).toEqual([districtHousing.id, cityBureau.id]);

    const qingdao = aDepartment(city.id, {
      code: 'QDSJ',
      name: '青岛市市南区审批局',
      tier: pb.HallTier.HALL_TIER_DISTRICT,
      regionCode: '370202',
    });
    expect(
      await refusal(callUnary(client, 'createDepartment', { requestId: requestId(), department: qingdao })),
    ).toEqual(['department.region_code']);
    const noTier = aDepartment(city.id, { code: 'XX', regionCode: '370705' });
    expect(
      await refusal(callUnary(client, 'createDepartment', { requestId: requestId(), department: noTier })),
    ).toEqual(['department.tier']);
    const badShape = aDepartment(city.id, { code: 'YY', tier: pb.HallTier.HALL_TIER_DISTRICT, regionCode: '370700' });
    expect(
      await refusal(callUnary(client, 'createDepartment', { requestId: requestId(), department: badShape })),
    ).toEqual(['department.region_code']);
  });

  it("exercises items at the department's own level, which then cannot change under them", async () => {
    const items = new catalogueItemsV1.ItemServiceClient(
      catalogue.address,
      grpc.credentials.createInsecure(),
      catalogue.asAdministrator,
    );
    try {
      const { departments } = await callUnary(client, 'listDepartments', { hallId: city.id, includeInactive: false });
      const kuiwen = departments.find((d) => d.code === 'KWSP')!;
      const district = pb.HallTier.HALL_TIER_DISTRICT;
      // Seated in the city hall, the district department exercises at the district tier.
      const cityLevel = anItem(kuiwen.id);
      const refused = await expectGrpcError(
        callUnary(items, 'createItem', { requestId: requestId(), item: cityLevel }),
        grpc.status.INVALID_ARGUMENT,
      );
      const [violation, ...others] = fieldViolationsOf(refused);
      expect(others).toEqual([]);
      expect(violation?.field).toBe('item.exercising_tier');
      expect(violation?.description).toContain('district');
      await callUnary(items, 'createItem', {
        requestId: requestId(),
        item: anItem(kuiwen.id, { exercisingTier: district, approveTier: district, acceptTiers: [district] }),
      });
      const { department } = await callUnary(client, 'getDepartment', { id: kuiwen.id });
      const error = await expectGrpcError(
        callUnary(client, 'updateDepartment', {
          requestId: requestId(),
          id: kuiwen.id,
          expectedVersion: department!.version,
          department: { ...department!, tier: pb.HallTier.HALL_TIER_CITY, regionCode: '370700' },
        }),
        grpc.status.FAILED_PRECONDITION,
      );
      expect(error.details).toContain('exercised at the district tier');
    } finally {
      items.close();
    }
  });

  it('knows the guidance desk, shift leader, complaint desk and batch room', async () => {
    for (const [number, kind] of [
      ['A00', pb.WindowKind.WINDOW_KIND_GUIDANCE],
      ['E01', pb.WindowKind.WINDOW_KIND_SHIFT_LEADER],
      ['E02', pb.WindowKind.WINDOW_KIND_COMPLAINT],
    ] as const) {
      const { window } = await callUnary(client, 'createWindow', {
        requestId: requestId(),
        window: aWindow(city.id, [], { number, kind, name: '大厅服务台' }),
      });
      expect(window!.kind).toBe(kind);
    }
    const emptyRoom = aWindow(city.id, [], {
      number: 'C02',
      kind: pb.WindowKind.WINDOW_KIND_BATCH_ROOM,
      name: '批量办证服务室',
    });
    expect(await refusal(callUnary(client, 'createWindow', { requestId: requestId(), window: emptyRoom }))).toEqual([
      'window.department_ids',
    ]);
  });

  it('names AB-post backups who can stand in, and keeps them able to', async () => {
    const { departments } = await callUnary(client, 'listDepartments', { hallId: city.id, includeInactive: false });
    const market = departments.find((d) => d.code === 'SCJG')!;
    const kuiwen = departments.find((d) => d.code === 'KWSP')!;
    const clerk = [pb.StaffRole.STAFF_ROLE_CLERK];
    const a = await createStaff(aStaff(city.id, market.id, { name: '赵文静', roles: clerk }));
    const reviewer = await createStaff(
      aStaff(city.id, market.id, { name: '周春梅', roles: [pb.StaffRole.STAFF_ROLE_REVIEWER] }),
    );
    const elsewhere = await createStaff(aStaff(city.id, kuiwen.id, { name: '田晓燕', roles: clerk }));
    for (const backup of [reviewer, elsewhere]) {
      expect(
        await refusal(
          callUnary(client, 'createStaff', {
            requestId: requestId(),
            staff: aStaff(city.id, market.id, { name: '孙俊杰', roles: clerk, backupStaffId: backup.id }),
          }),
        ),
      ).toEqual(['staff.backup_staff_id']);
    }
    const b = await createStaff(
      aStaff(city.id, market.id, {
        name: '孙俊杰',
        roles: clerk,
        backupStaffId: a.id,
        photoRef: 'photos/sun.jpg',
        title: '科员',
        duties: '负责市场主体登记的受理',
      }),
    );
    expect(b.backupStaffId).toBe(a.id);
    // The backup cannot lose the role, nor leave, while someone counts on them.
    await expectGrpcError(
      callUnary(client, 'updateStaff', {
        requestId: requestId(),
        id: a.id,
        expectedVersion: a.version,
        staff: aStaff(city.id, market.id, {
          employeeNo: a.employeeNo,
          name: a.name,
          roles: [pb.StaffRole.STAFF_ROLE_REVIEWER],
        }),
      }),
      grpc.status.FAILED_PRECONDITION,
    );
    await expectGrpcError(
      callUnary(client, 'deactivateStaff', { requestId: requestId(), id: a.id }),
      grpc.status.FAILED_PRECONDITION,
    );

    // The public profile: what the window's sign shows, to anyone, and never the mobile.
    const { profiles } = await callUnary(anonymous, 'listStaffProfiles', {
      hallId: city.id,
      departmentId: market.id,
      windowId: '',
    });
    const profile = profiles.find((p) => p.staffId === b.id)!;
    expect(profile).toMatchObject({
      name: '孙俊杰',
      photoRef: 'photos/sun.jpg',
      title: '科员',
      duties: '负责市场主体登记的受理',
      departmentName: '市场监督管理局',
      backupStaffId: a.id,
      backupName: '赵文静',
    });
    expect(JSON.stringify(profiles)).not.toMatch(/139\d{8}|\*\*\*\*/);
    expect(
      await refusal(callUnary(anonymous, 'listStaffProfiles', { hallId: '', departmentId: '', windowId: '' })),
    ).toEqual(['hall_id']);
  });
});
