import { randomUUID } from 'node:crypto';
import { catalogueV1 as pb } from '@govhall/contracts';

/** Test data builders: a valid input by default, override what the test is about. */
export const requestId = (): string => randomUUID();

export const aCityHall = (overrides: Partial<pb.HallInput> = {}): pb.HallInput => ({
  name: '潍坊市政务服务中心',
  tier: pb.HallTier.HALL_TIER_CITY,
  regionCode: '370700',
  parentHallId: '',
  address: '潍坊市奎文区福寿东街',
  kind: pb.HallKind.HALL_KIND_MAIN,
  complaintPhone: '0536-12345',
  complaintUrl: 'https://zwfw.weifang.gov.cn/ts',
  ...overrides,
});

export const aDistrictHall = (parentHallId: string, overrides: Partial<pb.HallInput> = {}): pb.HallInput => ({
  name: '奎文区政务服务中心',
  tier: pb.HallTier.HALL_TIER_DISTRICT,
  regionCode: '370705',
  parentHallId,
  address: '',
  kind: pb.HallKind.HALL_KIND_MAIN,
  complaintPhone: '0536-8096123',
  complaintUrl: '',
  ...overrides,
});

export const aDepartment = (hallId: string, overrides: Partial<pb.DepartmentInput> = {}): pb.DepartmentInput => ({
  hallId,
  code: 'SCJG',
  name: '市场监督管理局',
  nature: pb.BodyNature.BODY_NATURE_LEGAL_ORGAN,
  tier: pb.HallTier.HALL_TIER_UNSPECIFIED,
  regionCode: '',
  consultationPhone: '0536-8096001',
  upperDepartmentId: '',
  ...overrides,
});

export const aWindow = (
  hallId: string,
  departmentIds: string[],
  overrides: Partial<pb.WindowInput> = {},
): pb.WindowInput => ({
  hallId,
  number: 'B01',
  name: '市场监管窗口',
  kind: pb.WindowKind.WINDOW_KIND_DEPARTMENT,
  departmentIds,
  ...overrides,
});

export const aStaff = (
  hallId: string,
  departmentId: string,
  overrides: Partial<pb.StaffInput> = {},
): pb.StaffInput => ({
  hallId,
  departmentId,
  employeeNo: `E${Math.floor(Math.random() * 1e6)}`,
  name: '王晓明',
  mobile: '13912345678',
  roles: [pb.StaffRole.STAFF_ROLE_CLERK],
  windowId: '',
  photoRef: '',
  title: '',
  duties: '',
  backupStaffId: '',
  ...overrides,
});
