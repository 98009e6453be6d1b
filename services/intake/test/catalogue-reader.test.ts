import { randomUUID } from 'node:crypto';
import { loadDemoOrganisation, type RunningCatalogue } from '@govhall/catalogue';
import { GrpcCatalogue } from '@govhall/catalogue-client';
import { UnavailableError } from '@govhall/kit';
import { freePort, waitFor } from '@govhall/testing';
import { startCatalogueForTest, type CatalogueUnderTest } from '../../catalogue/test/start-for-test';

/**
 * The catalogue as intake (and the case service) reads it: @govhall/catalogue-client's GrpcCatalogue against the
 * catalogue started as main.ts starts it (real PostgreSQL and NATS), the demo directory (Weifang 370700) loaded
 * through its use cases.
 */
describe('GrpcCatalogue over the catalogue (real PostgreSQL and NATS)', () => {
  let under: CatalogueUnderTest;
  let catalogue: RunningCatalogue;
  let reader: GrpcCatalogue;
  let address: string;

  beforeAll(async () => {
    under = await startCatalogueForTest();
    catalogue = under.running;
    await loadDemoOrganisation(catalogue.organisation);
    address = under.address;
    reader = new GrpcCatalogue({ address, ttlMs: 60_000 });
  }, 60_000);

  afterAll(async () => {
    reader.close();
    await under.stop();
  });

  const hallOfTier = async (tier: string) => {
    const halls = await catalogue.organisation.listHalls({ includeInactive: false });
    return halls.find((h) => h.tier === tier && h.kind === 'main')!;
  };

  it("gives each hall its parent one tier above, and '' for the top hall", async () => {
    const city = await hallOfTier('city');
    const district = await hallOfTier('district');
    expect(await reader.hall(city.id)).toMatchObject({ id: city.id, tier: 'city', parentId: '' });
    expect(await reader.hall(district.id)).toMatchObject({ id: district.id, tier: 'district', parentId: city.id });
    expect(await reader.hall(randomUUID())).toBeUndefined();
  });

  it('gives staff with their employee number and roles by lower-case name, as the directory holds them', async () => {
    const all = await catalogue.organisation.listStaff({ includeInactive: false });
    const leader = all.find((s) => s.roles.includes('deputy_leader'))!;
    const clerk = all.find((s) => s.roles.includes('clerk') && s.windowId)!;
    expect(await reader.staff(leader.id)).toEqual({
      id: leader.id,
      hallId: leader.hallId,
      departmentId: leader.departmentId ?? '',
      employeeNo: leader.employeeNo,
      name: leader.name,
      roles: [...leader.roles],
      windowId: leader.windowId ?? '',
      active: true,
    });
    expect(await reader.staff(clerk.id)).toMatchObject({ employeeNo: clerk.employeeNo, roles: [...clerk.roles] });
    expect(await reader.staff(randomUUID())).toBeUndefined();
  });

  it("lists a hall's active departments, none for an unknown hall, and keeps the list for ttlMs", async () => {
    const district = await hallOfTier('district');
    const seated = await catalogue.organisation.listDepartments({ hallId: district.id, includeInactive: false });
    expect(seated.length).toBeGreaterThan(1);
    const listed = await reader.departmentsOf(district.id);
    expect(listed.map((d) => d.id).sort()).toEqual(seated.map((d) => d.id).sort());
    expect(listed.every((d) => d.hallId === district.id && d.active)).toBe(true);
    const one = seated[0]!;
    expect(listed.find((d) => d.id === one.id)).toEqual({
      id: one.id,
      hallId: one.hallId,
      code: one.code,
      name: one.name,
      regionCode: one.regionCode,
      consultationPhone: one.consultationPhone,
      upperDepartmentId: one.upperDepartmentId,
      active: true,
    });
    // 对口上级部门: the demo's district bureaus name their city counterparts.
    expect(one.upperDepartmentId).toBeTruthy();
    expect(await reader.departmentsOf(randomUUID())).toEqual([]);

    const short = new GrpcCatalogue({ address, ttlMs: 200 });
    expect(await short.departmentsOf(district.id)).toHaveLength(seated.length);
    const added = await catalogue.organisation.createDepartment(
      { requestId: randomUUID() },
      {
        hallId: district.id,
        code: 'CSKH',
        name: '测试客户端局',
        nature: 'legal_organ',
        tier: undefined,
        regionCode: '',
        consultationPhone: '0536-8096123',
      },
    );
    // Within ttlMs the list is the one already read; once a short TTL has passed, the new department is in it.
    expect((await reader.departmentsOf(district.id)).map((d) => d.id)).not.toContain(added.id);
    try {
      await waitFor(async () => (await short.departmentsOf(district.id)).some((d) => d.id === added.id), {
        what: 'the new department after the TTL',
      });
    } finally {
      short.close();
    }
  });

  it('answers UNAVAILABLE when the catalogue does not answer', async () => {
    const nowhere = new GrpcCatalogue({ address: `127.0.0.1:${await freePort()}`, deadlineMs: 300 });
    try {
      await expect(nowhere.departmentsOf(randomUUID())).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      nowhere.close();
    }
  });
});
