import type { catalogueV1 as pb } from '@govhall/contracts';
import { unary, ValidationError } from '@govhall/kit';
import type { OrganisationService, PublicStaff } from '../../app/organisation-service';
import {
  BodyNatures,
  HallTiers,
  StaffRoles,
  WindowKinds,
  type Department,
  type DepartmentInput,
  type Hall,
  type HallInput,
  type LeaderChain,
  type StaffInput,
  type Window,
  type WindowInput,
} from '../../domain/organisation';
import { fromProtoEnum, toProtoEnum } from './proto-enums';

function required<T>(message: T | undefined, field: string): T {
  if (message === undefined) throw ValidationError.single(field, 'is required');
  return message;
}

const hallInput = (m: pb.HallInput): HallInput => ({
  name: m.name,
  tier: fromProtoEnum('HALL_TIER_', HallTiers, m.tier),
  regionCode: m.regionCode,
  parentHallId: m.parentHallId || null,
  address: m.address,
});
const hallOut = (h: Hall): pb.Hall => ({
  id: h.id,
  name: h.name,
  tier: toProtoEnum<pb.HallTier>('HALL_TIER_', h.tier),
  regionCode: h.regionCode,
  parentHallId: h.parentHallId ?? '',
  address: h.address,
  active: h.active,
  version: h.version,
  createdAt: h.createdAt,
  updatedAt: h.updatedAt,
});

const departmentInput = (m: pb.DepartmentInput): DepartmentInput => ({
  hallId: m.hallId,
  code: m.code,
  name: m.name,
  nature: fromProtoEnum('BODY_NATURE_', BodyNatures, m.nature),
});
const departmentOut = (d: Department): pb.Department => ({
  id: d.id,
  hallId: d.hallId,
  code: d.code,
  name: d.name,
  nature: toProtoEnum<pb.BodyNature>('BODY_NATURE_', d.nature),
  active: d.active,
  version: d.version,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const windowInput = (m: pb.WindowInput): WindowInput => ({
  hallId: m.hallId,
  number: m.number,
  name: m.name,
  kind: fromProtoEnum('WINDOW_KIND_', WindowKinds, m.kind),
  departmentIds: m.departmentIds,
});
const windowOut = (w: Window): pb.Window => ({
  id: w.id,
  hallId: w.hallId,
  number: w.number,
  name: w.name,
  kind: toProtoEnum<pb.WindowKind>('WINDOW_KIND_', w.kind),
  departmentIds: [...w.departmentIds],
  active: w.active,
  version: w.version,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});

const staffInput = (m: pb.StaffInput): StaffInput => ({
  hallId: m.hallId,
  departmentId: m.departmentId || null,
  employeeNo: m.employeeNo,
  name: m.name,
  mobile: m.mobile,
  roles: m.roles.map((role) => fromProtoEnum('STAFF_ROLE_', StaffRoles, role)),
  windowId: m.windowId || null,
});
/** Staff leave the service with the mobile number masked; GetStaffContact is the one exception. */
const staffOut = (s: PublicStaff): pb.Staff => ({
  id: s.id,
  hallId: s.hallId,
  departmentId: s.departmentId ?? '',
  employeeNo: s.employeeNo,
  name: s.name,
  mobileMasked: s.mobileMasked,
  roles: s.roles.map((role) => toProtoEnum<pb.StaffRole>('STAFF_ROLE_', role)),
  windowId: s.windowId ?? '',
  active: s.active,
  version: s.version,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

const leaderChainOut = (c: LeaderChain): pb.LeaderChain => ({
  departmentId: c.departmentId,
  chiefRepresentativeId: c.chiefRepresentativeId ?? '',
  deputyLeaderId: c.deputyLeaderId,
  principalLeaderId: c.principalLeaderId,
  version: c.version,
  updatedAt: c.updatedAt,
});

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
      const tier = fromProtoEnum('HALL_TIER_', HallTiers, r.tier);
      const halls = await service.listHalls({
        includeInactive: r.includeInactive,
        ...(r.parentHallId ? { parentHallId: r.parentHallId } : {}),
        ...(tier ? { tier } : {}),
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
      const role = fromProtoEnum('STAFF_ROLE_', StaffRoles, r.role);
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
