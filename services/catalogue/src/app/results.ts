import { z } from 'zod';
import { RegionLevels, ScheduleSources } from '../domain/calendar-admin';
import {
  CleanupActions,
  DelegationModes,
  FeeKinds,
  ItemStatuses,
  RetiredReasons,
  deriveProcess,
  storedContent,
  type CleanupRecord,
  type ItemBundle,
  type ItemContent,
  type ItemDerived,
} from '../domain/items';
import {
  BodyNatures,
  HallKinds,
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
import { FeeCatalogueStatuses, type FeeCatalogueEntry } from '../domain/fee-catalogue';
import type { FeeCatalogueUpdate } from './fee-catalogue-service';
import { ScopeLevels, SessionKinds, type OpeningScope, type StoredOpeningHours } from '../domain/opening-hours';
import type {
  OpeningHoursClearedResult as OpeningHoursCleared,
  OpeningHoursSetResult as OpeningHoursSetAnswer,
} from './opening-hours-service';
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
  kind: z.enum(HallKinds),
  complaintPhone: z.string(),
  complaintUrl: z.string(),
  ...versioned,
});

export const DepartmentResult: z.ZodType<Department> = z.object({
  id: z.string(),
  hallId: z.string(),
  code: z.string(),
  name: z.string(),
  nature: z.enum(BodyNatures),
  tier: z.enum(HallTiers),
  regionCode: z.string(),
  consultationPhone: z.string(),
  // Absent in answers stored before departments named their upper one, as in any without one.
  upperDepartmentId: z.string().optional(),
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
  photoRef: z.string(),
  title: z.string(),
  duties: z.string(),
  backupStaffId: z.string().nullable(),
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

// Content and derived process hold no dates: stored and read back as written (the store validated them). An
// answer stored before the item rules of migration 0007 reads their fields as "none" (not frozen, no 容缺
// policy), and its derived process gains the codes of its 容缺 materials; one stored before joint lead rules
// gains its joint lead department.
const itemContent = z
  .custom<ItemContent>((value) => typeof value === 'object' && value !== null)
  .transform(storedContent);
const itemDerived = z.custom<
  Omit<ItemDerived, 'missingMaterialCodes' | 'jointLeadDepartmentId'> & Partial<ItemDerived>
>((value) => typeof value === 'object' && value !== null);

export const ItemViewResult: z.ZodType<ItemView> = z
  .object({
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
    frozenAt: date.nullable().default(null),
  })
  .transform((v) => {
    // Derived at most once, and only for a row stored before one of these fields existed.
    let fresh: ItemDerived | undefined;
    const derive = (): ItemDerived => (fresh ??= deriveProcess(v.content));
    return {
      ...v,
      derived: {
        ...v.derived,
        missingMaterialCodes: v.derived.missingMaterialCodes ?? derive().missingMaterialCodes,
        jointLeadDepartmentId:
          v.derived.jointLeadDepartmentId === undefined
            ? derive().jointLeadDepartmentId
            : v.derived.jointLeadDepartmentId,
      },
    };
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
  // Answers stored before bundles named their place have neither.
  hallId: z.string().nullable().default(null),
  windowId: z.string().nullable().default(null),
  ...versioned,
});

export const FeeCatalogueEntryResult: z.ZodType<FeeCatalogueEntry> = z.object({
  id: z.string(),
  hallId: z.string(),
  code: z.string(),
  name: z.string(),
  chargingDepartmentId: z.string(),
  basis: z.string(),
  kind: z.enum(FeeKinds),
  amountFen: z.number().int(),
  unitPriceFen: z.number().int(),
  unitName: z.string(),
  fiscalAccount: z.string(),
  oneFee: z.boolean(),
  upwardShareBasisPoints: z.number().int(),
  upwardBody: z.string(),
  status: z.enum(FeeCatalogueStatuses),
  cancellation: z.object({ round: z.string(), basis: z.string(), note: z.string(), cancelledAt: date }).nullable(),
  version: z.number().int(),
  createdAt: date,
  updatedAt: date,
});

export const FeeCatalogueUpdateResult: z.ZodType<FeeCatalogueUpdate> = z.object({
  entry: FeeCatalogueEntryResult,
  itemsToRevise: z.array(z.string()),
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

const openingScope: z.ZodType<OpeningScope> = z.discriminatedUnion('level', [
  z.object({ level: z.literal(ScopeLevels.hall) }),
  z.object({ level: z.literal(ScopeLevels.windowKind), windowKind: z.enum(WindowKinds) }),
  z.object({ level: z.literal(ScopeLevels.window), windowId: z.string() }),
]);

const storedOpeningHours: z.ZodType<StoredOpeningHours> = z.object({
  hallId: z.string(),
  scope: openingScope,
  schedule: z.object({
    sessions: z.array(
      z.object({
        weekdays: z.array(z.number().int()),
        start: z.string(),
        end: z.string(),
        kind: z.enum(SessionKinds),
      }),
    ),
    openOnPublicHolidays: z.boolean(),
    note: z.string(),
  }),
  version: z.number().int(),
  setAt: date,
});

export const OpeningHoursSetResult: z.ZodType<OpeningHoursSetAnswer> = z.object({
  openingHours: storedOpeningHours,
  unchanged: z.boolean(),
});

export const OpeningHoursClearedResult: z.ZodType<OpeningHoursCleared> = z.object({
  cleared: storedOpeningHours,
  clearedAt: date,
});
