import { catalogueV1 as pb } from '@govhall/contracts';
import { callUnary, fieldViolationsOf, type EventEnvelope } from '@govhall/kit';
import { readStream, sharedNatsUrl, waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { expectGrpcError } from './grpc-assertions';
import {
  catalogueEventsOf,
  startCatalogueForTest,
  type CatalogueEvent,
  type CatalogueUnderTest,
} from './start-for-test';
import { aCityHall, aDepartment, aDistrictHall, aStaff, aWindow, requestId } from './builders';

type Client = InstanceType<typeof pb.OrganisationServiceClient>;

describe('catalogue organisation directory over gRPC (real PostgreSQL and NATS)', () => {
  let catalogue: CatalogueUnderTest;
  let client: Client;
  const region = (): string => catalogue.region;

  beforeAll(async () => {
    catalogue = await startCatalogueForTest();
    client = new pb.OrganisationServiceClient(
      catalogue.address,
      grpc.credentials.createInsecure(),
      catalogue.asAdministrator,
    );
  });

  afterAll(async () => {
    client.close();
    await catalogue.stop();
  });

  let city: pb.Hall;
  let department: pb.Department;

  it('creates a hall and publishes catalogue.hall.created through the outbox', async () => {
    const { hall } = await callUnary(client, 'createHall', { requestId: requestId(), hall: aCityHall() });
    city = hall!;
    expect(city).toMatchObject({
      name: '潍坊市政务服务中心',
      tier: pb.HallTier.HALL_TIER_CITY,
      version: 1,
      active: true,
    });
    let events: CatalogueEvent[] = [];
    await waitFor(
      async () => {
        events = await catalogueEventsOf(region(), 'catalogue.hall.created');
        return events.length > 0;
      },
      { what: 'hall.created on the stream' },
    );
    // Decoded through the contract: the payload is a govhall.catalogue.v1.HallChanged.
    expect(events[0]).toMatchObject({
      envelope: { regionCode: region(), schemaVersion: 1 },
      data: { hall: { id: city.id, regionCode: '370700', tier: pb.HallTier.HALL_TIER_CITY, version: 1 } },
    });
  });

  it('repeats a command with the same request id without changing anything', async () => {
    const id = requestId();
    const first = await callUnary(client, 'createDepartment', { requestId: id, department: aDepartment(city.id) });
    const again = await callUnary(client, 'createDepartment', { requestId: id, department: aDepartment(city.id) });
    department = first.department!;
    expect(again.department).toEqual(first.department);
    const { departments } = await callUnary(client, 'listDepartments', { hallId: city.id, includeInactive: true });
    expect(departments.filter((d) => d.code === 'SCJG')).toHaveLength(1);
    const error = await expectGrpcError(
      callUnary(client, 'createDepartment', { requestId: id, department: aDepartment(city.id, { code: 'OTHER' }) }),
      grpc.status.FAILED_PRECONDITION,
    );
    expect(error.details).toMatch(/already used/);
  });

  it('refuses bad input with INVALID_ARGUMENT naming each field', async () => {
    const error = await expectGrpcError(
      callUnary(client, 'createHall', {
        requestId: requestId(),
        hall: aDistrictHall('', { regionCode: '3707', name: 'x' }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    const fields = fieldViolationsOf(error)
      .map((v) => v.field)
      .sort();
    expect(fields).toEqual(['hall.name', 'hall.parent_hall_id', 'hall.region_code']);
    expect(error.details).toContain('hall.region_code');
  });

  it('refuses a window whose departments do not exist, naming the list entry', async () => {
    const error = await expectGrpcError(
      callUnary(client, 'createWindow', {
        requestId: requestId(),
        window: aWindow(city.id, [department.id, 'no-such-department']),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(error)).toEqual([
      { field: 'window.department_ids[1]', description: 'department no-such-department does not exist' },
    ]);
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    const error = await expectGrpcError(callUnary(client, 'getHall', { id: 'nope' }), grpc.status.NOT_FOUND);
    expect(error.details).toBe('hall nope not found');
  });

  it('refuses a loop in the hall tree and a district outside its city', async () => {
    const { hall: district } = await callUnary(client, 'createHall', {
      requestId: requestId(),
      hall: aDistrictHall(city.id),
    });
    const loop = await expectGrpcError(
      callUnary(client, 'updateHall', {
        requestId: requestId(),
        id: city.id,
        expectedVersion: city.version,
        hall: aCityHall({ parentHallId: district!.id }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(loop)[0]?.field).toBe('hall.parent_hall_id');
    expect(fieldViolationsOf(loop)[0]?.description).toMatch(/loop in the hall tree/);
    const outside = await expectGrpcError(
      callUnary(client, 'createHall', {
        requestId: requestId(),
        hall: aDistrictHall(city.id, { regionCode: '370105', name: '历下区政务服务中心' }),
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(outside)[0]?.field).toBe('hall.region_code');
  });

  it('refuses an update made from a stale version', async () => {
    const { hall: updated } = await callUnary(client, 'updateHall', {
      requestId: requestId(),
      id: city.id,
      expectedVersion: 1,
      hall: aCityHall({ address: '潍坊市奎文区福寿东街6396号' }),
    });
    expect(updated?.version).toBe(2);
    await expectGrpcError(
      callUnary(client, 'updateHall', { requestId: requestId(), id: city.id, expectedVersion: 1, hall: aCityHall() }),
      grpc.status.FAILED_PRECONDITION,
    );
  });

  it('masks staff mobiles in answers and events, and keeps the full number for GetStaffContact', async () => {
    const { staff } = await callUnary(client, 'createStaff', {
      requestId: requestId(),
      staff: aStaff(city.id, department.id, { mobile: '13912345678' }),
    });
    expect(staff?.mobileMasked).toBe('139****5678');
    expect(JSON.stringify(staff)).not.toContain('13912345678');
    const contact = await callUnary(client, 'getStaffContact', { id: staff!.id });
    expect(contact.mobile).toBe('13912345678');
    await waitFor(async () =>
      (await readStream(sharedNatsUrl(), `CATALOGUE_${region()}`)).some(
        (m) => (m.json as EventEnvelope).type === 'catalogue.staff.created',
      ),
    );
    const stream = JSON.stringify(await readStream(sharedNatsUrl(), `CATALOGUE_${region()}`));
    expect(stream).not.toContain('13912345678');
  });

  it('sets a leader chain only from department staff holding each role', async () => {
    const person = (roles: pb.StaffRole[]) =>
      callUnary(client, 'createStaff', {
        requestId: requestId(),
        staff: aStaff(city.id, department.id, { roles }),
      }).then((r) => r.staff!);
    const deputy = await person([pb.StaffRole.STAFF_ROLE_DEPUTY_LEADER]);
    const principal = await person([pb.StaffRole.STAFF_ROLE_PRINCIPAL_LEADER]);
    const clerk = await person([pb.StaffRole.STAFF_ROLE_CLERK]);
    const wrong = await expectGrpcError(
      callUnary(client, 'setLeaderChain', {
        requestId: requestId(),
        departmentId: department.id,
        chiefRepresentativeId: '',
        deputyLeaderId: clerk.id,
        principalLeaderId: principal.id,
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(wrong)).toEqual([
      { field: 'deputy_leader_id', description: `staff ${clerk.id} does not hold the deputy_leader role` },
    ]);
    const { leaderChain } = await callUnary(client, 'setLeaderChain', {
      requestId: requestId(),
      departmentId: department.id,
      chiefRepresentativeId: '',
      deputyLeaderId: deputy.id,
      principalLeaderId: principal.id,
    });
    expect(leaderChain).toMatchObject({ deputyLeaderId: deputy.id, principalLeaderId: principal.id, version: 1 });
    // The deputy cannot be deactivated while the chain names them.
    await expectGrpcError(
      callUnary(client, 'deactivateStaff', { requestId: requestId(), id: deputy.id }),
      grpc.status.FAILED_PRECONDITION,
    );
  });

  it('lets only one of two concurrent updates from the same version win', async () => {
    const { department: before } = await callUnary(client, 'getDepartment', { id: department.id });
    const update = (name: string) =>
      callUnary(client, 'updateDepartment', {
        requestId: requestId(),
        id: department.id,
        expectedVersion: before!.version,
        department: aDepartment(city.id, { name }),
      }).then(
        (r) => r.department!.name,
        (error: grpc.ServiceError) => grpc.status[error.code],
      );
    const outcomes = await Promise.all([update('市场监督管理局（甲）'), update('市场监督管理局（乙）')]);
    expect(outcomes.filter((o) => o === 'FAILED_PRECONDITION')).toHaveLength(1);
    const { department: after } = await callUnary(client, 'getDepartment', { id: department.id });
    expect(after?.version).toBe(before!.version + 1);
    expect(outcomes).toContain(after?.name);
  });

  it('answers ALREADY_EXISTS, not INTERNAL, when two creates race for the same region', async () => {
    const create = () =>
      callUnary(client, 'createHall', {
        requestId: requestId(),
        hall: aDistrictHall(city.id, { regionCode: '370702', name: '潍城区政务服务中心' }),
      }).then(
        () => 'OK',
        (error: grpc.ServiceError) => grpc.status[error.code],
      );
    const outcomes = await Promise.all([create(), create()]);
    expect(outcomes.sort()).toEqual(['ALREADY_EXISTS', 'OK']);
  });

  it('keeps staff out of a deactivated department and a department with staff active', async () => {
    const { department: spare } = await callUnary(client, 'createDepartment', {
      requestId: requestId(),
      department: aDepartment(city.id, { code: 'TJJ', name: '市统计局' }),
    });
    const { staff } = await callUnary(client, 'createStaff', {
      requestId: requestId(),
      staff: aStaff(city.id, spare!.id),
    });
    await expectGrpcError(
      callUnary(client, 'deactivateDepartment', { requestId: requestId(), id: spare!.id }),
      grpc.status.FAILED_PRECONDITION,
    );
    await callUnary(client, 'deactivateStaff', { requestId: requestId(), id: staff!.id });
    await callUnary(client, 'deactivateDepartment', { requestId: requestId(), id: spare!.id });
    const refused = await expectGrpcError(
      callUnary(client, 'createStaff', { requestId: requestId(), staff: aStaff(city.id, spare!.id) }),
      grpc.status.INVALID_ARGUMENT,
    );
    expect(fieldViolationsOf(refused)).toEqual([
      { field: 'staff.department_id', description: `department ${spare!.id} is deactivated` },
    ]);
  });

  it('answers the standard health check', async () => {
    const HealthClient = grpc.makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');
    const health = new HealthClient(catalogue.address, grpc.credentials.createInsecure());
    const answer = await new Promise<{ status: string }>((resolve, reject) =>
      health.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        (value: { service: string }) => healthService['Check']!.requestSerialize(value),
        (buffer: Buffer) => healthService['Check']!.responseDeserialize(buffer) as { status: string },
        { service: 'govhall.catalogue.v1.OrganisationService' },
        (error, response) => (error || !response ? reject(error ?? new Error('no response')) : resolve(response)),
      ),
    );
    health.close();
    expect(answer.status).toBe('SERVING');
  });

  it('reports readiness and RED metrics on the side port', async () => {
    const ready = await fetch(`http://127.0.0.1:${catalogue.running.httpPort}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${catalogue.running.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/grpc_server_requests_total\{[^}]*method="CreateHall"[^}]*code="OK"/);
    expect(metrics).toMatch(/grpc_server_requests_total\{[^}]*method="GetHall"[^}]*code="NOT_FOUND"/);
  });
});
