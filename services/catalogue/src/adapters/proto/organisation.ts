import type { catalogueV1 as pb } from '@govhall/contracts';
import type { PublicStaff, StaffProfile } from '../../app/organisation-service';
import type {
  Department,
  DepartmentInput,
  Hall,
  HallInput,
  LeaderChain,
  StaffInput,
  Window,
  WindowInput,
} from '../../domain/organisation';
import { bodyNature, hallKind, hallTier, staffRole, windowKind } from './enums';

/** The directory's messages: proto → domain inputs, domain → proto (answers and event payloads). */

export const hallInput = (m: pb.HallInput): HallInput => ({
  name: m.name,
  tier: hallTier.fromProto(m.tier),
  regionCode: m.regionCode,
  parentHallId: m.parentHallId || null,
  address: m.address,
  kind: hallKind.fromProto(m.kind),
  complaintPhone: m.complaintPhone,
  complaintUrl: m.complaintUrl,
});
export const hallOut = (h: Hall): pb.Hall => ({
  id: h.id,
  name: h.name,
  tier: hallTier.toProto(h.tier),
  regionCode: h.regionCode,
  parentHallId: h.parentHallId ?? '',
  address: h.address,
  kind: hallKind.toProto(h.kind),
  complaintPhone: h.complaintPhone,
  complaintUrl: h.complaintUrl,
  active: h.active,
  version: h.version,
  createdAt: h.createdAt,
  updatedAt: h.updatedAt,
});

export const departmentInput = (m: pb.DepartmentInput): DepartmentInput => ({
  hallId: m.hallId,
  code: m.code,
  name: m.name,
  nature: bodyNature.fromProto(m.nature),
  tier: hallTier.fromProto(m.tier),
  regionCode: m.regionCode,
  consultationPhone: m.consultationPhone,
  upperDepartmentId: m.upperDepartmentId || undefined,
});
export const departmentOut = (d: Department): pb.Department => ({
  id: d.id,
  hallId: d.hallId,
  code: d.code,
  name: d.name,
  nature: bodyNature.toProto(d.nature),
  tier: hallTier.toProto(d.tier),
  regionCode: d.regionCode,
  consultationPhone: d.consultationPhone,
  upperDepartmentId: d.upperDepartmentId ?? '',
  active: d.active,
  version: d.version,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

export const windowInput = (m: pb.WindowInput): WindowInput => ({
  hallId: m.hallId,
  number: m.number,
  name: m.name,
  kind: windowKind.fromProto(m.kind),
  departmentIds: m.departmentIds,
});
export const windowOut = (w: Window): pb.Window => ({
  id: w.id,
  hallId: w.hallId,
  number: w.number,
  name: w.name,
  kind: windowKind.toProto(w.kind),
  departmentIds: [...w.departmentIds],
  active: w.active,
  version: w.version,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});

export const staffInput = (m: pb.StaffInput): StaffInput => ({
  hallId: m.hallId,
  departmentId: m.departmentId || null,
  employeeNo: m.employeeNo,
  name: m.name,
  mobile: m.mobile,
  roles: m.roles.map((role) => staffRole.fromProto(role)),
  windowId: m.windowId || null,
  photoRef: m.photoRef,
  title: m.title,
  duties: m.duties,
  backupStaffId: m.backupStaffId || null,
});
/** Staff leave the service with the mobile number masked; GetStaffContact is the one exception. */
export const staffOut = (s: PublicStaff): pb.Staff => ({
  id: s.id,
  hallId: s.hallId,
  departmentId: s.departmentId ?? '',
  employeeNo: s.employeeNo,
  name: s.name,
  mobileMasked: s.mobileMasked,
  roles: s.roles.map((role) => staffRole.toProto(role)),
  windowId: s.windowId ?? '',
  photoRef: s.photoRef,
  title: s.title,
  duties: s.duties,
  backupStaffId: s.backupStaffId ?? '',
  active: s.active,
  version: s.version,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

export const leaderChainOut = (c: LeaderChain): pb.LeaderChain => ({
  departmentId: c.departmentId,
  chiefRepresentativeId: c.chiefRepresentativeId ?? '',
  deputyLeaderId: c.deputyLeaderId,
  principalLeaderId: c.principalLeaderId,
  version: c.version,
  updatedAt: c.updatedAt,
});

export const staffProfileOut = (p: StaffProfile): pb.StaffProfile => ({
  staffId: p.staffId,
  employeeNo: p.employeeNo,
  name: p.name,
  photoRef: p.photoRef,
  title: p.title,
  duties: p.duties,
  departmentId: p.departmentId ?? '',
  departmentName: p.departmentName,
  windowId: p.windowId ?? '',
  windowNumber: p.windowNumber,
  backupStaffId: p.backupStaffId ?? '',
  backupName: p.backupName,
});
