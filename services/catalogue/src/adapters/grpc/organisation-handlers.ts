import { catalogueV1 as pb } from '@govhall/contracts';
import { Access, grpcService, required, unary, type GrpcServiceRegistration } from '@govhall/kit';
import type { OrganisationService } from '../../app/organisation-service';
import { hallKind, hallTier, staffRole } from '../proto/enums';
import {
  departmentInput,
  departmentOut,
  hallInput,
  hallOut,
  leaderChainOut,
  staffInput,
  staffOut,
  staffProfileOut,
  windowInput,
  windowOut,
} from '../proto/organisation';

/** Thin gRPC handlers: decode, call one use case, encode. */
export function organisationHandlers(service: OrganisationService): pb.OrganisationServiceServer {
  const handlers: { [K in keyof pb.OrganisationServiceServer]: pb.OrganisationServiceServer[K] } = {
    createHall: unary('CreateHall', async (r: pb.CreateHallRequest) => ({
      hall: hallOut(await service.createHall({ requestId: r.requestId }, hallInput(required(r.hall, 'hall')))),
    })),
    updateHall: unary('UpdateHall', async (r: pb.UpdateHallRequest) => ({
      hall: hallOut(
        await service.updateHall(
          { requestId: r.requestId, expectedVersion: r.expectedVersion },
          r.id,
          hallInput(required(r.hall, 'hall')),
        ),
      ),
    })),
    getHall: unary('GetHall', async (r: pb.GetHallRequest) => ({ hall: hallOut(await service.getHall(r.id)) })),
    listHalls: unary('ListHalls', async (r: pb.ListHallsRequest) => {
      const tier = hallTier.fromProto(r.tier);
      const kind = hallKind.fromProto(r.kind);
      const halls = await service.listHalls({
        includeInactive: r.includeInactive,
        ...(r.parentHallId ? { parentHallId: r.parentHallId } : {}),
        ...(tier ? { tier } : {}),
        ...(r.regionCode ? { regionCode: r.regionCode } : {}),
        ...(kind ? { kind } : {}),
      });
      return { halls: halls.map(hallOut) };
    }),
    deactivateHall: unary('DeactivateHall', async (r: pb.DeactivateHallRequest) => ({
      hall: hallOut(await service.deactivateHall({ requestId: r.requestId }, r.id)),
    })),

    createDepartment: unary('CreateDepartment', async (r: pb.CreateDepartmentRequest) => ({
      department: departmentOut(
        await service.createDepartment(
          { requestId: r.requestId },
          departmentInput(required(r.department, 'department')),
        ),
      ),
    })),
    updateDepartment: unary('UpdateDepartment', async (r: pb.UpdateDepartmentRequest) => ({
      department: departmentOut(
        await service.updateDepartment(
          { requestId: r.requestId, expectedVersion: r.expectedVersion },
          r.id,
          departmentInput(required(r.department, 'department')),
        ),
      ),
    })),
    getDepartment: unary('GetDepartment', async (r: pb.GetDepartmentRequest) => ({
      department: departmentOut(await service.getDepartment(r.id)),
    })),
    listDepartments: unary('ListDepartments', async (r: pb.ListDepartmentsRequest) => ({
      departments: (
        await service.listDepartments({ includeInactive: r.includeInactive, ...(r.hallId ? { hallId: r.hallId } : {}) })
      ).map(departmentOut),
    })),
    deactivateDepartment: unary('DeactivateDepartment', async (r: pb.DeactivateDepartmentRequest) => ({
      department: departmentOut(await service.deactivateDepartment({ requestId: r.requestId }, r.id)),
    })),

    createWindow: unary('CreateWindow', async (r: pb.CreateWindowRequest) => ({
      window: windowOut(
        await service.createWindow({ requestId: r.requestId }, windowInput(required(r.window, 'window'))),
      ),
    })),
    updateWindow: unary('UpdateWindow', async (r: pb.UpdateWindowRequest) => ({
      window: windowOut(
        await service.updateWindow(
          { requestId: r.requestId, expectedVersion: r.expectedVersion },
          r.id,
          windowInput(required(r.window, 'window')),
        ),
      ),
    })),
    getWindow: unary('GetWindow', async (r: pb.GetWindowRequest) => ({
      window: windowOut(await service.getWindow(r.id)),
    })),
    listWindows: unary('ListWindows', async (r: pb.ListWindowsRequest) => ({
      windows: (
        await service.listWindows({
          includeInactive: r.includeInactive,
          ...(r.hallId ? { hallId: r.hallId } : {}),
          ...(r.departmentId ? { departmentId: r.departmentId } : {}),
        })
      ).map(windowOut),
    })),
    deactivateWindow: unary('DeactivateWindow', async (r: pb.DeactivateWindowRequest) => ({
      window: windowOut(await service.deactivateWindow({ requestId: r.requestId }, r.id)),
    })),

    createStaff: unary('CreateStaff', async (r: pb.CreateStaffRequest) => {
      const input = staffInput(required(r.staff, 'staff'));
      return { staff: staffOut(await service.createStaff({ requestId: r.requestId }, input)) };
    }),
    updateStaff: unary('UpdateStaff', async (r: pb.UpdateStaffRequest) => {
      const input = staffInput(required(r.staff, 'staff'));
      const staff = await service.updateStaff(
        { requestId: r.requestId, expectedVersion: r.expectedVersion },
        r.id,
        input,
      );
      return { staff: staffOut(staff) };
    }),
    getStaff: unary('GetStaff', async (r: pb.GetStaffRequest) => ({ staff: staffOut(await service.getStaff(r.id)) })),
    listStaff: unary('ListStaff', async (r: pb.ListStaffRequest) => {
      const role = staffRole.fromProto(r.role);
      const staff = await service.listStaff({
        includeInactive: r.includeInactive,
        ...(r.hallId ? { hallId: r.hallId } : {}),
        ...(r.departmentId ? { departmentId: r.departmentId } : {}),
        ...(role ? { role } : {}),
      });
      return { staff: staff.map(staffOut) };
    }),
    deactivateStaff: unary('DeactivateStaff', async (r: pb.DeactivateStaffRequest) => ({
      staff: staffOut(await service.deactivateStaff({ requestId: r.requestId }, r.id)),
    })),
    getStaffContact: unary('GetStaffContact', async (r: pb.GetStaffContactRequest) => {
      const contact = await service.getStaffContact(r.id);
      return { staffId: contact.id, name: contact.name, mobile: contact.mobile };
    }),
    listStaffProfiles: unary('ListStaffProfiles', async (r: pb.ListStaffProfilesRequest) => {
      const profiles = await service.listStaffProfiles({
        hallId: r.hallId,
        ...(r.departmentId ? { departmentId: r.departmentId } : {}),
        ...(r.windowId ? { windowId: r.windowId } : {}),
      });
      return { profiles: profiles.map(staffProfileOut) };
    }),

    setLeaderChain: unary('SetLeaderChain', async (r: pb.SetLeaderChainRequest) => ({
      leaderChain: leaderChainOut(
        await service.setLeaderChain(
          { requestId: r.requestId },
          {
            departmentId: r.departmentId,
            chiefRepresentativeId: r.chiefRepresentativeId || null,
            deputyLeaderId: r.deputyLeaderId,
            principalLeaderId: r.principalLeaderId,
          },
        ),
      ),
    })),
    getLeaderChain: unary('GetLeaderChain', async (r: pb.GetLeaderChainRequest) => ({
      leaderChain: leaderChainOut(await service.getLeaderChain(r.departmentId)),
    })),
  };
  return handlers;
}

/** The centre administration office (中心管理员) keeps the directory. */
export const ADMINISTRATOR = Access.staff({ anyRole: ['administrator'] });
/** Services that send messages to staff or escalate to them (SMS, yellow and red cards). */
const CONTACTING_SERVICES = Access.service('notify', 'timing', 'case', 'intake', 'evaluation');

/** Who may call each method: writes are the administrators', reads are public but contacts and leader chains. */
export const ORGANISATION_ACCESS = {
  createHall: ADMINISTRATOR,
  updateHall: ADMINISTRATOR,
  getHall: Access.public(),
  listHalls: Access.public(),
  deactivateHall: ADMINISTRATOR,
  createDepartment: ADMINISTRATOR,
  updateDepartment: ADMINISTRATOR,
  getDepartment: Access.public(),
  listDepartments: Access.public(),
  deactivateDepartment: ADMINISTRATOR,
  createWindow: ADMINISTRATOR,
  updateWindow: ADMINISTRATOR,
  getWindow: Access.public(),
  listWindows: Access.public(),
  deactivateWindow: ADMINISTRATOR,
  createStaff: ADMINISTRATOR,
  updateStaff: ADMINISTRATOR,
  // Names, numbers and roles are on the window's sign; the mobile stays masked.
  getStaff: Access.public(),
  listStaff: Access.public(),
  deactivateStaff: ADMINISTRATOR,
  // The full mobile number (PIPL: as few as need it): the services that text or escalate to staff, and the
  // centre's administrators and supervisors (督查), who chase a case with its handler.
  // The public profile the hall posts at every window: no contact data.
  listStaffProfiles: Access.public(),
  getStaffContact: Access.anyOf(CONTACTING_SERVICES, Access.staff({ anyRole: ['administrator', 'supervisor'] })),
  setLeaderChain: ADMINISTRATOR,
  getLeaderChain: Access.anyOf(Access.staff(), CONTACTING_SERVICES),
} as const;

/** The directory as `startGrpcServer` takes it. */
export function organisationGrpcService(service: OrganisationService): GrpcServiceRegistration {
  return grpcService(pb.OrganisationServiceService, organisationHandlers(service), ORGANISATION_ACCESS);
}
