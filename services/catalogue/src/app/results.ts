import { z } from 'zod';
import { RegionLevels, ScheduleSources } from '../domain/calendar-admin';
import {
  CleanupActions,
  DelegationModes,
  ItemStatuses,
  RetiredReasons,
  type CleanupRecord,
  type ItemBundle,
  type ItemContent,
  type ItemDerived,
} from '../domain/items';
import {
  BodyNatures,
  HallTiers,
  StaffRoles,
  WindowKinds,
  type Department,
  type Hall,
  type LeaderChain,
  type Window,
} from '../domain/organisation';
import type { HallHoursResult as HallHours, YearLoadResult as YearLoad } from './calendar-service';
import type { ItemView } from './item-service';
import type { PublicStaff } from './organisation-service';

/**
 * The answers of the catalogue's commands as they are stored with their request ids, and parsed back for a
 * retry (see `CommandKey.result`). Dates are stored as ISO strings and revived here, field by field.
 */

const date = z.coerce.date();
const versioned = { active: z.boolean(), version: z.number().int(), createdAt: date, updatedAt: date };

export const HallResult: z.ZodType<Hall> = z.object({
  id: z.string(),
  name: z.string(),
  tier: z.enum(HallTiers),
  regionCode: z.string(),
  parentHallId: z.string().nullable(),
  address: z.string(),
  ...versioned,
});

export const DepartmentResult: z.ZodType<Department> = z.object({
  id: z.string(),
  hallId: z.string(),
  code: z.string(),
  name: z.string(),
  nature: z.enum(BodyNatures),
  ...versioned,
});

export const WindowResult: z.ZodType<Window> = z.object({
  id: z.string(),
  hallId: z.string(),
  number: z.string(),
  name: z.string(),
  kind: z.enum(WindowKinds),
  departmentIds: z.array(z.string()),
  ...versioned,
});

export const PublicStaffResult: z.ZodType<PublicStaff> = z.object({
  id: z.string(),
  hallId: z.string(),
  departmentId: z.string().nullable(),
  employeeNo: z.string(),
  name: z.string(),
  mobileMasked: z.string(),
  roles: z.array(z.enum(StaffRoles)),
  windowId: z.string().nullable(),
  ...versioned,
});

export const LeaderChainResult: z.ZodType<LeaderChain> = z.object({
  departmentId: z.string(),
  chiefRepresentativeId: z.string().nullable(),
  deputyLeaderId: z.string(),
  principalLeaderId: z.string(),
  version: z.number().int(),
  updatedAt: date,
});

// Content and derived process hold no dates: stored and read back as written (the store validated them).
const itemContent = z.custom<ItemContent>((value) => typeof value === 'object' && value !== null);
const itemDerived = z.custom<ItemDerived>((value) => typeof value === 'object' && value !== null);

export const ItemViewResult: z.ZodType<ItemView> = z.object({
  itemId: z.string(),
  version: z.number().int(),
  status: z.enum(ItemStatuses),
  revision: z.number().int(),
  content: itemContent,
  derived: itemDerived,
  createdAt: date,
  updatedAt: date,
  publishedAt: date.nullable(),
  retiredAt: date.nullable(),
  retiredReason: z.enum(RetiredReasons).nullable(),
  mergedIntoItemId: z.string().nullable(),
});

export const CleanupRecordResult: z.ZodType<CleanupRecord> = z.object({
  id: z.string(),
  itemId: z.string(),
  round: z.string(),
  basis: z.string(),
  note: z.string(),
  action: z.enum(CleanupActions),
  fromVersion: z.number().int(),
  mergedIntoItemId: z.string().nullable(),
  delegation: z.object({ tier: z.enum(HallTiers), mode: z.enum(DelegationModes), basis: z.string() }).nullable(),
  draftVersion: z.number().int().nullable(),
  recordedAt: date,
});

export const ItemWithRecordResult: z.ZodType<{ item: ItemView; record: CleanupRecord }> = z.object({
  item: ItemViewResult,
  record: CleanupRecordResult,
});

export const DraftDiscardedResult: z.ZodType<{ itemRemoved: boolean }> = z.object({ itemRemoved: z.boolean() });

export const ItemBundleResult: z.ZodType<ItemBundle> = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  itemIds: z.array(z.string()),
  ...versioned,
});

const namedDate = z.object({ date: z.string(), name: z.string() });

export const YearLoadResult: z.ZodType<YearLoad> = z.object({
  schedule: z.object({
    regionCode: z.string(),
    regionLevel: z.enum(RegionLevels),
    year: z.number().int(),
    source: z.enum(ScheduleSources),
    version: z.number().int(),
    dataVersion: z.string(),
    holidays: z.array(namedDate),
    makeUpWorkdays: z.array(namedDate),
    note: z.string(),
    loadedAt: date.nullable(),
  }),
  supersededVersion: z.number().int().nullable(),
  unchanged: z.boolean(),
});

export const HallHoursResult: z.ZodType<HallHours> = z.object({
  workingHours: z.object({
    hallId: z.string(),
    periods: z.array(z.object({ start: z.string(), end: z.string() })),
    version: z.number().int(),
    isDefault: z.boolean(),
    setAt: date.nullable(),
  }),
  unchanged: z.boolean(),
});
