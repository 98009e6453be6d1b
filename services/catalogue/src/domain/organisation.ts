/**
 * The organisation directory: halls of the four-level network, departments stationed in them, numbered
 * windows, staff and their roles, and each department's leader chain. Pure rules, no I/O.
 */
import type { FieldViolation } from '@govhall/kit';

/** A hall's tier, and a department's government level. */
export const HallTiers = {
  province: 'province',
  city: 'city',
  district: 'district',
  township: 'township',
  village: 'village',
} as const;
export type HallTier = (typeof HallTiers)[keyof typeof HallTiers];
/** Province 0 → village 4: a hall's parent sits exactly one tier above it. */
export const TIER_RANK: Record<HallTier, number> = { province: 0, city: 1, district: 2, township: 3, village: 4 };

/** What a hall is within its region: the main hall, a branch beside it, or a department's own hall. */
export const HallKinds = { main: 'main', branch: 'branch', department: 'department' } as const;
export type HallKind = (typeof HallKinds)[keyof typeof HallKinds];

export const BodyNatures = { legalOrgan: 'legal_organ', authorised: 'authorised', entrusted: 'entrusted' } as const;
export type BodyNature = (typeof BodyNatures)[keyof typeof BodyNatures];

export const WindowKinds = {
  frontDesk: 'front_desk',
  department: 'department',
  comprehensive: 'comprehensive',
  cashier: 'cashier',
  certificate: 'certificate',
  /** 监督投诉台 */
  complaint: 'complaint',
  /** 咨询导办台 */
  guidance: 'guidance',
  /** 值班长席 */
  shiftLeader: 'shift_leader',
  /** 批量办证服务室 */
  batchRoom: 'batch_room',
} as const;
export type WindowKind = (typeof WindowKinds)[keyof typeof WindowKinds];

export const StaffRoles = {
  clerk: 'clerk',
  reviewer: 'reviewer',
  verifier: 'verifier',
  approver: 'approver',
  chiefRepresentative: 'chief_representative',
  deputyLeader: 'deputy_leader',
  principalLeader: 'principal_leader',
  supervisor: 'supervisor',
  /** 中心管理员: keeps the directory, the catalogue and the calendar. */
  administrator: 'administrator',
} as const;
export type StaffRole = (typeof StaffRoles)[keyof typeof StaffRoles];

interface Versioned {
  readonly active: boolean;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface HallInput {
  readonly name: string;
  readonly tier: HallTier | undefined;
  readonly regionCode: string;
  readonly parentHallId: string | null;
  readonly address: string;
  /** Undefined: main. */
  readonly kind: HallKind | undefined;
  readonly complaintPhone: string;
  /** Empty when the hall publishes none. */
  readonly complaintUrl: string;
}
export interface Hall extends HallInput, Versioned {
  readonly id: string;
  readonly tier: HallTier;
  readonly kind: HallKind;
}

export interface DepartmentInput {
  readonly hallId: string;
  readonly code: string;
  readonly name: string;
  readonly nature: BodyNature | undefined;
  /** Its own level; undefined (with an empty region code) for the seating hall's. */
  readonly tier: HallTier | undefined;
  readonly regionCode: string;
  readonly consultationPhone: string;
  /**
   * 对口上级部门: the department one tier up (or more) whose line of business this one carries at its hall (a
   * district market regulation bureau → the city's). Undefined when none, never null: a request without it hashes
   * as it did before the field existed, so stored request ids still replay.
   */
  readonly upperDepartmentId?: string;
}
export interface Department extends DepartmentInput, Versioned {
  readonly id: string;
  readonly nature: BodyNature;
  readonly tier: HallTier;
}

export interface WindowInput {
  readonly hallId: string;
  readonly number: string;
  readonly name: string;
  readonly kind: WindowKind | undefined;
  readonly departmentIds: readonly string[];
}
export interface Window extends WindowInput, Versioned {
  readonly id: string;
  readonly kind: WindowKind;
}

export interface StaffInput {
  readonly hallId: string;
  readonly departmentId: string | null;
  readonly employeeNo: string;
  readonly name: string;
  readonly mobile: string;
  readonly roles: readonly (StaffRole | undefined)[];
  readonly windowId: string | null;
  /** The public profile: photo reference, 职务, 岗位职责 (empty when not given). */
  readonly photoRef: string;
  readonly title: string;
  readonly duties: string;
  /** AB岗: who stands in. */
  readonly backupStaffId: string | null;
}
export interface Staff extends StaffInput, Versioned {
  readonly id: string;
  readonly roles: readonly StaffRole[];
}

export interface LeaderChainInput {
  readonly departmentId: string;
  readonly chiefRepresentativeId: string | null;
  readonly deputyLeaderId: string;
  readonly principalLeaderId: string;
}
export interface LeaderChain extends LeaderChainInput {
  readonly version: number;
  readonly updatedAt: Date;
}

type Violations = FieldViolation[];

function checkName(violations: Violations, field: string, value: string, max: number): void {
  const trimmed = value.trim();
  if (trimmed.length < 2 || trimmed.length > max) {
    violations.push({ field, description: `must be 2 to ${max} characters` });
  }
}

/**
 * Region code shape per tier (GB/T 2260, extended for township and village): a province is `DD0000`, a city
 * `DDDD00` (not a province), a district or county any other 6 digits, a township 9 digits, a village 12.
 */
export function regionCodeProblem(tier: HallTier, regionCode: string): string | undefined {
  switch (tier) {
    case 'province':
      return /^[1-9]\d0000$/.test(regionCode)
        ? undefined
        : 'a province needs a 6-digit code ending in 0000, e.g. 610000';
    case 'city':
      return /^\d{4}00$/.test(regionCode) && !/^\d{2}0000$/.test(regionCode)
        ? undefined
        : 'a city hall needs a 6-digit city code ending in 00, e.g. 370700';
    case 'district':
      return /^\d{6}$/.test(regionCode) && !regionCode.endsWith('00')
        ? undefined
        : 'a district hall needs a 6-digit district or county code, e.g. 370705';
    case 'township':
      return /^\d{9}$/.test(regionCode) ? undefined : 'a township hall needs a 9-digit township code, e.g. 370705001';
    case 'village':
      return /^\d{12}$/.test(regionCode) ? undefined : 'a village point needs a 12-digit village code';
  }
}

/** The digits that every region inside this one starts with (370700 → 3707, 610000 → 61). */
export function regionPrefix(tier: HallTier, regionCode: string): string {
  if (tier === 'province') return regionCode.slice(0, 2);
  return tier === 'city' ? regionCode.slice(0, 4) : regionCode;
}

/** Whether one region holds the other (or they are the same): a district department may sit in its city's hall. */
export function regionsOnOneLine(a: { tier: HallTier; regionCode: string }, b: { tier: HallTier; regionCode: string }) {
  return (
    b.regionCode.startsWith(regionPrefix(a.tier, a.regionCode)) ||
    a.regionCode.startsWith(regionPrefix(b.tier, b.regionCode))
  );
}

/**
 * 投诉电话 / 咨询电话: a landline with area code (0536-8096123, extension allowed), a public hotline alone or
 * after an area code (12345, 0536-12345), a 400 number or a mobile.
 */
export const PUBLIC_PHONE_PATTERN = /^(0\d{2,3}-?(\d{7,8}|1\d{4})(-\d{1,6})?|1\d{4,5}|1[3-9]\d{9}|400-?\d{3}-?\d{4})$/;

function checkPhone(violations: Violations, field: string, value: string): void {
  if (!value) violations.push({ field, description: 'is required' });
  else if (!PUBLIC_PHONE_PATTERN.test(value))
    violations.push({ field, description: 'must be a landline like 0536-8096123, a hotline like 12345 or a mobile' });
}

export function validateHallInput(input: HallInput, prefix = 'hall'): Violations {
  const violations: Violations = [];
  checkName(violations, `${prefix}.name`, input.name, 64);
  if (!input.tier) {
    violations.push({ field: `${prefix}.tier`, description: 'is required' });
  } else {
    const problem = regionCodeProblem(input.tier, input.regionCode);
    if (problem) violations.push({ field: `${prefix}.region_code`, description: problem });
    if (input.tier === 'province' && input.parentHallId) {
      violations.push({ field: `${prefix}.parent_hall_id`, description: 'a province hall is the top of its network' });
    } else if (input.tier !== 'province' && input.tier !== 'city' && !input.parentHallId) {
      violations.push({
        field: `${prefix}.parent_hall_id`,
        description: `a ${input.tier} hall must name its parent hall`,
      });
    }
  }
  if (input.address.length > 200)
    violations.push({ field: `${prefix}.address`, description: 'must be at most 200 characters' });
  checkPhone(violations, `${prefix}.complaint_phone`, input.complaintPhone);
  if (input.complaintUrl && !/^https?:\/\/[^\s]{3,300}$/.test(input.complaintUrl)) {
    violations.push({
      field: `${prefix}.complaint_url`,
      description: 'must be an http(s) URL of at most 300 characters',
    });
  }
  return violations;
}

/** Checks a hall against its (existing) parent: one tier above, and the region nested inside the parent's. */
export function validateHallParent(input: HallInput & { tier: HallTier }, parent: Hall, prefix = 'hall'): Violations {
  const violations: Violations = [];
  if (!parent.active) violations.push({ field: `${prefix}.parent_hall_id`, description: 'parent hall is deactivated' });
  if (parent.kind !== 'main') {
    violations.push({
      field: `${prefix}.parent_hall_id`,
      description: `a hall hangs under the main hall of the region above, not a ${parent.kind} hall`,
    });
  }
  if (TIER_RANK[parent.tier] !== TIER_RANK[input.tier] - 1) {
    violations.push({
      field: `${prefix}.parent_hall_id`,
      description: `a ${input.tier} hall's parent must be one tier above it, not a ${parent.tier} hall`,
    });
  }
  const within = regionPrefix(parent.tier, parent.regionCode);
  if (!input.regionCode.startsWith(within) || input.regionCode === parent.regionCode) {
    violations.push({
      field: `${prefix}.region_code`,
      description: `must lie inside the parent hall's region ${parent.regionCode}`,
    });
  }
  return violations;
}

/**
 * Whether making `parentId` the parent of `hallId` would close a loop. `parentOf` answers the current
 * parent of any hall (undefined at the top).
 * @returns the loop as a list of hall ids, or undefined when there is none.
 */
export function findParentCycle(
  hallId: string,
  parentId: string,
  parentOf: (id: string) => string | null | undefined,
): string[] | undefined {
  const path = [hallId];
  const seen = new Set<string>([hallId]);
  let current: string | null | undefined = parentId;
  while (current) {
    path.push(current);
    if (seen.has(current)) return current === hallId ? path : undefined;
    seen.add(current);
    current = parentOf(current);
  }
  return undefined;
}

export function validateDepartmentInput(input: DepartmentInput, prefix = 'department'): Violations {
  const violations: Violations = [];
  if (!input.hallId) violations.push({ field: `${prefix}.hall_id`, description: 'is required' });
  if (!/^[A-Z][A-Z0-9_]{1,15}$/.test(input.code)) {
    violations.push({
      field: `${prefix}.code`,
      description: 'must be 2 to 16 capital letters, digits or _, e.g. SCJG',
    });
  }
  checkName(violations, `${prefix}.name`, input.name, 64);
  if (!input.nature) violations.push({ field: `${prefix}.nature`, description: 'is required' });
  if (input.tier) {
    const problem = regionCodeProblem(input.tier, input.regionCode);
    if (problem) violations.push({ field: `${prefix}.region_code`, description: problem });
  } else if (input.regionCode) {
    violations.push({ field: `${prefix}.tier`, description: 'is required with a region code' });
  }
  checkPhone(violations, `${prefix}.consultation_phone`, input.consultationPhone);
  return violations;
}

/** A department's level and region: its own, or (when it names none) the seating hall's. */
export function departmentLevel(input: DepartmentInput, hall: Hall): { tier: HallTier; regionCode: string } {
  return input.tier
    ? { tier: input.tier, regionCode: input.regionCode }
    : { tier: hall.tier, regionCode: hall.regionCode };
}

/** A hall seats departments of its own region line only: its own level, the levels above it, the ones inside it. */
export function validateDepartmentSeat(
  department: { tier: HallTier; regionCode: string },
  hall: Hall,
  prefix = 'department',
): Violations {
  return regionsOnOneLine(department, hall)
    ? []
    : [
        {
          field: `${prefix}.region_code`,
          description: `region ${department.regionCode} neither holds nor lies inside the hall's region ${hall.regionCode}`,
        },
      ];
}

/**
 * 对口上级部门: why `upper` cannot be the upper department of `department`, or undefined when it can. The upper one
 * is an active department of a hall above the department's own (`ancestorHallIds`: its hall's parent, the
 * parent's parent, ...), of the department's level or above, and its own chain of upper departments
 * (`upperChain`: upper's upper, and so on) does not lead back to the department.
 */
export function upperDepartmentProblem(
  department: Pick<Department, 'id' | 'tier'>,
  upperId: string,
  upper: Department | undefined,
  ancestorHallIds: readonly string[],
  upperChain: readonly string[],
): string | undefined {
  if (upperId === department.id) return 'a department cannot be its own upper department';
  if (!upper) return `department ${upperId} does not exist`;
  if (!upper.active) return `department ${upperId} is deactivated`;
  if (!ancestorHallIds.includes(upper.hallId))
    return `department ${upperId} sits in hall ${upper.hallId}, which is not above this department's hall`;
  if (TIER_RANK[upper.tier] > TIER_RANK[department.tier])
    return `a ${upper.tier} department cannot be the upper department of a ${department.tier} department`;
  const back = upperChain.indexOf(department.id);
  if (back >= 0)
    return `would make a loop of upper departments: ${[department.id, upperId, ...upperChain.slice(0, back + 1)].join(' → ')}`;
  return undefined;
}

/** The halls above `hallId`, nearest first, following `parentOf` (which answers undefined or null at the top). */
export function ancestorHalls(hallId: string, parentOf: (id: string) => string | null | undefined): string[] {
  const out: string[] = [];
  const seen = new Set([hallId]);
  for (let current = parentOf(hallId); current && !seen.has(current); current = parentOf(current)) {
    out.push(current);
    seen.add(current);
  }
  return out;
}

/** Kinds of window that must serve at least one department. */
const DEPARTMENT_BOUND_WINDOWS: ReadonlySet<WindowKind> = new Set(['department', 'comprehensive', 'batch_room']);

export function validateWindowInput(input: WindowInput, prefix = 'window'): Violations {
  const violations: Violations = [];
  if (!input.hallId) violations.push({ field: `${prefix}.hall_id`, description: 'is required' });
  if (!/^[A-Z]?\d{1,3}$/.test(input.number)) {
    violations.push({
      field: `${prefix}.number`,
      description: 'must be 1 to 3 digits, optionally after one capital letter, e.g. A12',
    });
  }
  checkName(violations, `${prefix}.name`, input.name, 64);
  if (!input.kind) {
    violations.push({ field: `${prefix}.kind`, description: 'is required' });
  } else if (DEPARTMENT_BOUND_WINDOWS.has(input.kind) && input.departmentIds.length === 0) {
    violations.push({
      field: `${prefix}.department_ids`,
      description: `a ${input.kind} window must serve at least one department`,
    });
  }
  const seen = new Set<string>();
  input.departmentIds.forEach((id, index) => {
    if (seen.has(id)) violations.push({ field: `${prefix}.department_ids[${index}]`, description: 'is listed twice' });
    seen.add(id);
  });
  return violations;
}

/** Roles that only make sense inside a department. */
const DEPARTMENT_ROLES: ReadonlySet<StaffRole> = new Set([
  'clerk',
  'reviewer',
  'verifier',
  'approver',
  'chief_representative',
  'deputy_leader',
  'principal_leader',
]);

export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;

export function validateStaffInput(input: StaffInput, prefix = 'staff'): Violations {
  const violations: Violations = [];
  if (!input.hallId) violations.push({ field: `${prefix}.hall_id`, description: 'is required' });
  if (!/^[A-Za-z0-9-]{2,32}$/.test(input.employeeNo)) {
    violations.push({ field: `${prefix}.employee_no`, description: 'must be 2 to 32 letters, digits or -' });
  }
  checkName(violations, `${prefix}.name`, input.name, 32);
  if (!MOBILE_PATTERN.test(input.mobile)) {
    violations.push({ field: `${prefix}.mobile`, description: 'must be an 11-digit mainland mobile number' });
  }
  if (input.roles.length === 0)
    violations.push({ field: `${prefix}.roles`, description: 'at least one role is required' });
  const seen = new Set<StaffRole>();
  if (input.photoRef.length > 500)
    violations.push({ field: `${prefix}.photo_ref`, description: 'must be at most 500 characters' });
  if (input.title.length > 32)
    violations.push({ field: `${prefix}.title`, description: 'must be at most 32 characters' });
  if (input.duties.length > 200)
    violations.push({ field: `${prefix}.duties`, description: 'must be at most 200 characters' });
  if (input.backupStaffId && !input.departmentId) {
    violations.push({
      field: `${prefix}.backup_staff_id`,
      description: 'an AB-post backup is named inside a department',
    });
  }
  input.roles.forEach((role, index) => {
    if (!role) {
      violations.push({ field: `${prefix}.roles[${index}]`, description: 'is not a known role' });
      return;
    }
    if (seen.has(role)) violations.push({ field: `${prefix}.roles[${index}]`, description: 'is listed twice' });
    seen.add(role);
    if (DEPARTMENT_ROLES.has(role) && !input.departmentId) {
      violations.push({ field: `${prefix}.department_id`, description: `a ${role} belongs to a department` });
    }
  });
  return violations;
}

/** Which role each link of the chain must hold. */
export const LEADER_CHAIN_ROLES = {
  chiefRepresentativeId: { field: 'chief_representative_id', role: 'chief_representative' },
  deputyLeaderId: { field: 'deputy_leader_id', role: 'deputy_leader' },
  principalLeaderId: { field: 'principal_leader_id', role: 'principal_leader' },
} as const satisfies Record<string, { field: string; role: StaffRole }>;

/**
 * A leader chain names active staff of the department itself, each holding the role of their link.
 * `staffById` holds the staff the input names (missing ones are unknown ids).
 */
export function validateLeaderChain(input: LeaderChainInput, staffById: ReadonlyMap<string, Staff>): Violations {
  const violations: Violations = [];
  for (const [key, { field, role }] of Object.entries(LEADER_CHAIN_ROLES)) {
    const id = input[key as keyof typeof LEADER_CHAIN_ROLES];
    if (!id) {
      if (key !== 'chiefRepresentativeId') violations.push({ field, description: 'is required' });
      continue;
    }
    const staff = staffById.get(id);
    if (!staff) violations.push({ field, description: `staff ${id} does not exist` });
    else if (!staff.active) violations.push({ field, description: `staff ${id} is deactivated` });
    else if (staff.departmentId !== input.departmentId)
      violations.push({ field, description: `staff ${id} is not in this department` });
    else if (!staff.roles.includes(role))
      violations.push({ field, description: `staff ${id} does not hold the ${role} role` });
  }
  return violations;
}

/**
 * AB岗: the B post stands in for A, so it is another active member of A's department holding each of A's roles.
 * `backup` is the staff the input names (undefined when the id is unknown).
 */
export function backupProblem(staff: Staff, backup: Staff | undefined): string | undefined {
  if (!staff.backupStaffId) return undefined;
  if (backup?.id === staff.id || staff.backupStaffId === staff.id) return 'a person cannot be their own backup';
  if (!backup) return `staff ${staff.backupStaffId} does not exist`;
  if (!backup.active) return `staff ${backup.id} is deactivated`;
  if (backup.departmentId !== staff.departmentId)
    return `staff ${backup.id} is not in department ${staff.departmentId}`;
  const missing = staff.roles.filter((role) => !backup.roles.includes(role));
  if (missing.length > 0)
    return `staff ${backup.id} does not hold the ${missing.join(', ')} role${missing.length > 1 ? 's' : ''} to stand in`;
  return undefined;
}
