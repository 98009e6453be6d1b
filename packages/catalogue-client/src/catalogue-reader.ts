import type { WorkingCalendar } from '@govhall/calendar';
import type { catalogueItemsV1, catalogueOpeningHoursV1 } from '@govhall/contracts';

/** What a service reads of a hall (catalogue OrganisationService). */
export interface HallView {
  readonly id: string;
  readonly name: string;
  /** city, district, township, village, province. */
  readonly tier: string;
  readonly regionCode: string;
  /** The main hall one tier above; '' for the top hall of the network (where a cross-tier hand-off stops). */
  readonly parentId: string;
  readonly complaintPhone: string;
  readonly complaintUrl: string;
  readonly active: boolean;
}

export interface DepartmentView {
  readonly id: string;
  readonly hallId: string;
  readonly code: string;
  readonly name: string;
  readonly regionCode: string;
  readonly consultationPhone: string;
  /**
   * 对口上级部门: the department of a hall above whose line of business this one carries here (it accepts that
   * department's items at this hall, 市县联动); '' for none.
   */
  readonly upperDepartmentId: string;
  readonly active: boolean;
}

/** front_desk, department, comprehensive, cashier, certificate, complaint, guidance, shift_leader, batch_room. */
export type WindowKindName =
  | 'front_desk'
  | 'department'
  | 'comprehensive'
  | 'cashier'
  | 'certificate'
  | 'complaint'
  | 'guidance'
  | 'shift_leader'
  | 'batch_room';

export interface WindowView {
  readonly id: string;
  readonly hallId: string;
  readonly number: string;
  readonly name: string;
  readonly kind: WindowKindName;
  readonly departmentIds: readonly string[];
  readonly active: boolean;
}

/** The catalogue's staff roles (StaffRole) by their lower-case names, as the catalogue's domain and tokens name them. */
export const STAFF_ROLE_NAMES = [
  'clerk',
  'reviewer',
  'verifier',
  'approver',
  'chief_representative',
  'deputy_leader',
  'principal_leader',
  'supervisor',
  'administrator',
] as const;
export type StaffRoleName = (typeof STAFF_ROLE_NAMES)[number];

export interface StaffView {
  readonly id: string;
  readonly hallId: string;
  /** '' for hall-level staff such as supervisors. */
  readonly departmentId: string;
  readonly employeeNo: string;
  readonly name: string;
  readonly roles: readonly StaffRoleName[];
  readonly windowId: string;
  readonly active: boolean;
}

/** A catalogue item version as the contract gives it: what intake pins and hands to the case whole. */
export type CatalogueItem = catalogueItemsV1.Item;
export type OpenDay = catalogueOpeningHoursV1.OpenDay;

/**
 * The catalogue, as the other services read it (by gRPC, outside any transaction). Lookups answer `undefined` for
 * what does not exist, so the use case names the caller's field; an unreachable catalogue is UNAVAILABLE
 * (retryable).
 */
export interface CatalogueReader {
  hall(hallId: string): Promise<HallView | undefined>;
  department(departmentId: string): Promise<DepartmentView | undefined>;
  /** The active departments seated in a hall; none for an unknown hall. */
  departmentsOf(hallId: string): Promise<readonly DepartmentView[]>;
  window(windowId: string): Promise<WindowView | undefined>;
  windowsOf(hallId: string): Promise<readonly WindowView[]>;
  staff(staffId: string): Promise<StaffView | undefined>;
  /** The active staff of a hall (the evaluation service's monthly roster); none for an unknown hall. */
  staffOf(hallId: string): Promise<readonly StaffView[]>;
  /** A version of an item (0: the one in service, else the newest); published or retired versions only. */
  item(itemId: string, version: number): Promise<CatalogueItem | undefined>;
  /**
   * The hall's working calendar with the years from `fromYear` to `fromYear + years - 1` (a year with no
   * schedule makes a computation that reaches it throw `ScheduleMissingError`).
   */
  workingCalendar(hallId: string, fromYear: number, years?: number): Promise<WorkingCalendar>;
  /** Opening of a window (or the hall when `windowId` is empty) on `days` dates from `fromDate`. */
  openTimes(hallId: string, windowId: string, fromDate: string, days: number): Promise<readonly OpenDay[]>;
}
