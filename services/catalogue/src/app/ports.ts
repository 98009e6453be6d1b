import type { CommandKey } from '@govhall/kit';
import type { Emit } from './events';
import type {
  Department,
  Hall,
  HallKind,
  HallTier,
  LeaderChain,
  Staff,
  StaffRole,
  Window,
} from '../domain/organisation';

/** A department to insert: its own level, or none to take the hall's. */
export type NewDepartment = Omit<Department, 'tier' | 'regionCode'> & {
  readonly tier?: HallTier;
  readonly regionCode: string;
};

export interface HallFilter {
  parentHallId?: string;
  tier?: HallTier;
  regionCode?: string;
  kind?: HallKind;
  includeInactive: boolean;
}
export interface DepartmentFilter {
  hallId?: string;
  includeInactive: boolean;
}
export interface WindowFilter {
  hallId?: string;
  departmentId?: string;
  includeInactive: boolean;
}
export interface StaffFilter {
  hallId?: string;
  departmentId?: string;
  windowId?: string;
  role?: StaffRole;
  includeInactive: boolean;
}

/** Reads of the organisation directory; inside a command they see the command's own writes. */
export interface OrganisationReads {
  getHall(id: string): Promise<Hall | undefined>;
  listHalls(filter: HallFilter): Promise<Hall[]>;
  getDepartment(id: string): Promise<Department | undefined>;
  getDepartments(ids: readonly string[]): Promise<Department[]>;
  listDepartments(filter: DepartmentFilter): Promise<Department[]>;
  getWindow(id: string): Promise<Window | undefined>;
  listWindows(filter: WindowFilter): Promise<Window[]>;
  getStaff(id: string): Promise<Staff | undefined>;
  getStaffMany(ids: readonly string[]): Promise<Staff[]>;
  listStaff(filter: StaffFilter): Promise<Staff[]>;
  getLeaderChain(departmentId: string): Promise<LeaderChain | undefined>;
}

/** One command's transaction: reads, writes, and events that leave through the outbox on commit. */
export interface OrganisationTransaction extends OrganisationReads {
  /** Parent of every hall, for the cycle check. */
  hallParents(): Promise<Map<string, string | null>>;
  /** The active main hall of a region (locked until commit). */
  findMainHall(regionCode: string): Promise<Hall | undefined>;
  /** Whether the department has a draft or published item (whose exercising tier is its level). */
  departmentHasItems(departmentId: string): Promise<boolean>;
  /** Active departments that name this one as their upper department (对口上级部门). */
  lowerDepartments(departmentId: string): Promise<Department[]>;
  /** Active staff whose AB-post backup this person is. */
  staffBackedUpBy(staffId: string): Promise<Staff[]>;
  findDepartmentByCode(hallId: string, code: string): Promise<Department | undefined>;
  findWindowByNumber(hallId: string, number: string): Promise<Window | undefined>;
  findStaffByEmployeeNo(hallId: string, employeeNo: string): Promise<Staff | undefined>;
  /** Leader chains that name this staff member in any link. */
  leaderChainsNaming(staffId: string): Promise<LeaderChain[]>;
  saveHall(hall: Hall): Promise<void>;
  saveDepartment(department: Department): Promise<void>;
  /**
   * Inserts a new department in one statement, only into an existing active hall (which stays locked against
   * deactivation until commit) and only when the hall has no department with its code. Without a tier it takes
   * the hall's level and region. Answers the level stored, or undefined when refused: the caller reads why.
   */
  insertDepartment(department: NewDepartment): Promise<{ tier: HallTier; regionCode: string } | undefined>;
  saveWindow(window: Window): Promise<void>;
  saveStaff(staff: Staff): Promise<void>;
  saveLeaderChain(chain: LeaderChain): Promise<void>;
  /** Raises an event with the command's commit (outbox). */
  readonly emit: Emit;
}

export interface OrganisationStore {
  readonly reads: OrganisationReads;
  /** Runs a command once per request id, in one transaction, then lets the outbox relay publish. */
  command<T>(key: CommandKey<T>, work: (tx: OrganisationTransaction) => Promise<T>): Promise<T>;
}
