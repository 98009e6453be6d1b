import { catalogueV1 as pb } from '@govhall/contracts';
import { callUnary, fieldViolationsOf } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { sql } from 'kysely';
import { aCityHall, aDepartment, aDistrictHall, requestId } from './builders';
import { expectGrpcError } from './grpc-assertions';
import { organisationCalls } from './organisation-calls';
import { catalogueEventsOf, startCatalogueForTest, type CatalogueUnderTest } from './start-for-test';

type Client = InstanceType<typeof pb.OrganisationServiceClient>;

/** 对口上级部门: a department names the department of a hall above whose line of business it carries. */
describe('upper departments over gRPC (real PostgreSQL and NATS)', () => {
  let catalogue: CatalogueUnderTest;
  let client: Client;

  let city: pb.Hall;
  let district: pb.Hall;
  let street: pb.Hall;
  let cityScjg: pb.Department;
  let cityZrzy: pb.Department;

  const { createHall, createDepartment } = organisationCalls(() => client);
  const updateDepartment = async (current: pb.Department, department: pb.DepartmentInput): Promise<pb.Department> =>
    (
      await callUnary(client, 'updateDepartment', {
        requestId: requestId(),
        id: current.id,
        expectedVersion: current.version,
        department,
      })
    ).department!;
  /** The input a department was created with, to send again changed. */
  const inputOf = (d: pb.Department, overrides: Partial<pb.DepartmentInput> = {}): pb.DepartmentInput => ({
    hallId: d.hallId,
    code: d.code,
    name: d.name,
    nature: d.nature,
    tier: d.tier,
    regionCode: d.regionCode,
    consultationPhone: d.consultationPhone,
    upperDepartmentId: d.upperDepartmentId,
    ...overrides,
  });
  /** INVALID_ARGUMENT on `department.upper_department_id`; answers the description. */
  const refusedUpper = async (call: Promise<unknown>): Promise<string> => {
    const violations = fieldViolationsOf(await expectGrpcError(call, grpc.status.INVALID_ARGUMENT));
    expect(violations.map((v) => v.field)).toEqual(['department.upper_department_id']);
    return violations[0]!.description;
  };

  beforeAll(async () => {
    catalogue = await startCatalogueForTest();
    client = new pb.OrganisationServiceClient(
      catalogue.address,
      grpc.credentials.createInsecure(),
      catalogue.asAdministrator,
    );
    city = await createHall(aCityHall());
    district = await createHall(aDistrictHall(city.id));
    street = await createHall(
      aDistrictHall(district.id, {
        name: '东关街道便民服务中心',
        tier: pb.HallTier.HALL_TIER_TOWNSHIP,
        regionCode: '370705001',
      }),
    );
    cityScjg = await createDepartment(aDepartment(city.id, { name: '市市场监督管理局' }));
    cityZrzy = await createDepartment(aDepartment(city.id, { code: 'ZRZY', name: '市自然资源和规划局' }));
  });

  afterAll(async () => {
    client.close();
    await catalogue.stop();
  });

  it('names a city bureau as the upper department of its district counterpart, stored, answered and published', async () => {
    const id = requestId();
    const input = aDepartment(district.id, {
      code: 'QSCJ',
      name: '奎文区市场监督管理局',
      upperDepartmentId: cityScjg.id,
    });
    const qscj = await createDepartment(input, id);
    expect(qscj).toMatchObject({ upperDepartmentId: cityScjg.id, tier: pb.HallTier.HALL_TIER_DISTRICT });
    expect(qscj.regionCode).toBe('370705');
    expect((await callUnary(client, 'getDepartment', { id: qscj.id })).department?.upperDepartmentId).toBe(cityScjg.id);
    const listed = (await callUnary(client, 'listDepartments', { hallId: district.id, includeInactive: false }))
      .departments;
    expect(listed.find((d) => d.id === qscj.id)?.upperDepartmentId).toBe(cityScjg.id);
    // A retry replays the stored answer, the upper department parsed back with it.
    expect(await createDepartment(input, id)).toEqual(qscj);
    const rows = await sql<{ upper_department_id: string | null }>`
      select upper_department_id from catalogue.departments where id = ${qscj.id}`.execute(catalogue.database.db);
    expect(rows.rows[0]?.upper_department_id).toBe(cityScjg.id);
    await waitFor(
      async () =>
        (await catalogueEventsOf(catalogue.region, 'catalogue.department.created')).some(
          (e) => e.data.department?.id === qscj.id && e.data.department.upperDepartmentId === cityScjg.id,
        ),
      { what: 'catalogue.department.created naming the upper department' },
    );
    // None named: empty, as before.
    expect(cityScjg.upperDepartmentId).toBe('');
  });

  it('takes a city bureau for its branch of city level seated in the district, and one two halls up', async () => {
    const branch = await createDepartment(
      aDepartment(district.id, {
        code: 'ZRZYKW',
        name: '市自然资源和规划局奎文分局',
        tier: pb.HallTier.HALL_TIER_CITY,
        regionCode: '370700',
        upperDepartmentId: cityZrzy.id,
      }),
    );
    expect(branch).toMatchObject({ tier: pb.HallTier.HALL_TIER_CITY, upperDepartmentId: cityZrzy.id });
    const office = await createDepartment(
      aDepartment(street.id, { code: 'SCJGS', name: '东关市场监管所', upperDepartmentId: cityScjg.id }),
    );
    expect(office.upperDepartmentId).toBe(cityScjg.id);
  });

  it('refuses an unknown one, itself, one of the same hall or of a hall below or beside, a deactivated one or one of a lower level', async () => {
    const fresh = (code: string, upperDepartmentId: string, hallId = district.id) =>
      callUnary(client, 'createDepartment', {
        requestId: requestId(),
        department: aDepartment(hallId, { code, name: '测试部门', upperDepartmentId }),
      });
    expect(await refusedUpper(fresh('QA', 'no-such-department'))).toMatch(/does not exist/);

    const districtZjj = await createDepartment(aDepartment(district.id, { code: 'QZJJ', name: '奎文区住建局' }));
    expect(await refusedUpper(fresh('QB', districtZjj.id))).toMatch(/not above this department's hall/);
    expect(
      await refusedUpper(updateDepartment(districtZjj, inputOf(districtZjj, { upperDepartmentId: districtZjj.id }))),
    ).toBe('a department cannot be its own upper department');
    // A hall below: the city bureau cannot name the street's office.
    const streetOffice = await createDepartment(aDepartment(street.id, { code: 'SHSW', name: '东关街道社会事务办' }));
    expect(await refusedUpper(fresh('QC', streetOffice.id, city.id))).toMatch(/not above/);
    // Another city's bureau is not above Kuiwen.
    const weihai = await createHall(aCityHall({ name: '威海市政务服务中心', regionCode: '371000' }));
    const weihaiScjg = await createDepartment(aDepartment(weihai.id, { name: '威海市市场监督管理局' }));
    expect(await refusedUpper(fresh('QD', weihaiScjg.id))).toMatch(/not above/);
    // Deactivated.
    const retired = await createDepartment(aDepartment(city.id, { code: 'LYJ', name: '市林业局' }));
    await callUnary(client, 'deactivateDepartment', { requestId: requestId(), id: retired.id });
    expect(await refusedUpper(fresh('QE', retired.id))).toMatch(/is deactivated/);
    // A district department seated in the city hall is above in the tree, not in level, for a city-level branch.
    const seated = await createDepartment(
      aDepartment(city.id, {
        code: 'KWSP',
        name: '奎文区行政审批服务局（驻市中心）',
        tier: pb.HallTier.HALL_TIER_DISTRICT,
        regionCode: '370705',
      }),
    );
    expect(
      await refusedUpper(
        callUnary(client, 'createDepartment', {
          requestId: requestId(),
          department: aDepartment(district.id, {
            code: 'QF',
            name: '测试分局',
            tier: pb.HallTier.HALL_TIER_CITY,
            regionCode: '370700',
            upperDepartmentId: seated.id,
          }),
        }),
      ),
    ).toBe('a district department cannot be the upper department of a city department');
    expect(
      (await listCodes(district.id)).filter((code) => ['QA', 'QB', 'QC', 'QD', 'QE', 'QF'].includes(code)),
    ).toEqual([]);
  });

  it('sets and clears it on update (left out: none)', async () => {
    const rsj = await createDepartment(aDepartment(city.id, { code: 'RSJ', name: '市人社局' }));
    const qrsj = await createDepartment(aDepartment(district.id, { code: 'QRSJ', name: '奎文区人社局' }));
    const linked = await updateDepartment(qrsj, inputOf(qrsj, { upperDepartmentId: rsj.id }));
    expect(linked).toMatchObject({ upperDepartmentId: rsj.id, version: 2 });
    const cleared = await updateDepartment(linked, inputOf(linked, { upperDepartmentId: '' }));
    expect(cleared).toMatchObject({ upperDepartmentId: '', version: 3 });
    expect((await callUnary(client, 'getDepartment', { id: qrsj.id })).department?.upperDepartmentId).toBe('');
  });

  it('keeps the upper department while one names it: no deactivation, no level below theirs', async () => {
    const wjw = await createDepartment(aDepartment(city.id, { code: 'WJW', name: '市卫健委' }));
    const qwjw = await createDepartment(
      aDepartment(district.id, {
        code: 'QWJW',
        name: '市卫健委奎文分局',
        tier: pb.HallTier.HALL_TIER_CITY,
        regionCode: '370700',
        upperDepartmentId: wjw.id,
      }),
    );
    const deactivate = () => callUnary(client, 'deactivateDepartment', { requestId: requestId(), id: wjw.id });
    const refused = await expectGrpcError(deactivate(), grpc.status.FAILED_PRECONDITION);
    expect(refused.details).toMatch(/is the upper department of QWJW/);
    // A district level would put it below the city-level branch that names it.
    const lowered = await expectGrpcError(
      updateDepartment(
        wjw,
        inputOf(wjw, { tier: pb.HallTier.HALL_TIER_DISTRICT, regionCode: '370705', upperDepartmentId: '' }),
      ),
      grpc.status.FAILED_PRECONDITION,
    );
    expect(lowered.details).toMatch(/is the upper department of QWJW \(city\)/);
    await updateDepartment(qwjw, inputOf(qwjw, { upperDepartmentId: '' }));
    expect((await deactivate()).department).toMatchObject({ active: false });
  });

  const listCodes = async (hallId: string) =>
    (await callUnary(client, 'listDepartments', { hallId, includeInactive: true })).departments.map((d) => d.code);
});
