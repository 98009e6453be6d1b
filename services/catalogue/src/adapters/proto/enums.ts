import { LimitUnits } from '@govhall/calendar';
import { catalogueCalendarV1 as cal, catalogueItemsV1 as items, catalogueV1 as org } from '@govhall/contracts';
import { enumCodec } from '@govhall/kit';
import { catalogueOpeningHoursV1 as hours } from '@govhall/contracts';
import { ScopeLevels, SessionKinds } from '../../domain/opening-hours';
import { RegionLevels, ScheduleSources } from '../../domain/calendar-admin';
import {
  CaseTypes,
  CleanupActions,
  DelegationModes,
  FeeKinds,
  HandlingScopes,
  ItemStatuses,
  ItemTypes,
  JointLeadRules,
  MaterialForms,
  MaterialNecessities,
  MaterialSources,
  ProjectCategories,
  ResultKinds,
  RetiredReasons,
  ReviewModes,
  Stages,
} from '../../domain/items';
import { GuideFields } from '../../domain/items-search';
import { catalogueFeeCatalogueV1 as fees } from '@govhall/contracts';
import { FeeCatalogueStatuses, OneFeeFilters } from '../../domain/fee-catalogue';
import { BodyNatures, HallKinds, HallTiers, StaffRoles, WindowKinds } from '../../domain/organisation';

/**
 * One codec per proto enum of the catalogue: proto value ↔ domain value, each table checked by the compiler
 * against both the generated enum and the domain union (see `enumCodec`).
 */

export const hallTier = enumCodec<(typeof HallTiers)[keyof typeof HallTiers]>()(org.HallTier, {
  HALL_TIER_CITY: HallTiers.city,
  HALL_TIER_DISTRICT: HallTiers.district,
  HALL_TIER_TOWNSHIP: HallTiers.township,
  HALL_TIER_VILLAGE: HallTiers.village,
  HALL_TIER_PROVINCE: HallTiers.province,
});

export const hallKind = enumCodec<(typeof HallKinds)[keyof typeof HallKinds]>()(org.HallKind, {
  HALL_KIND_MAIN: HallKinds.main,
  HALL_KIND_BRANCH: HallKinds.branch,
  HALL_KIND_DEPARTMENT: HallKinds.department,
});

export const bodyNature = enumCodec<(typeof BodyNatures)[keyof typeof BodyNatures]>()(org.BodyNature, {
  BODY_NATURE_LEGAL_ORGAN: BodyNatures.legalOrgan,
  BODY_NATURE_AUTHORISED: BodyNatures.authorised,
  BODY_NATURE_ENTRUSTED: BodyNatures.entrusted,
});

export const windowKind = enumCodec<(typeof WindowKinds)[keyof typeof WindowKinds]>()(org.WindowKind, {
  WINDOW_KIND_FRONT_DESK: WindowKinds.frontDesk,
  WINDOW_KIND_DEPARTMENT: WindowKinds.department,
  WINDOW_KIND_COMPREHENSIVE: WindowKinds.comprehensive,
  WINDOW_KIND_CASHIER: WindowKinds.cashier,
  WINDOW_KIND_CERTIFICATE: WindowKinds.certificate,
  WINDOW_KIND_COMPLAINT: WindowKinds.complaint,
  WINDOW_KIND_GUIDANCE: WindowKinds.guidance,
  WINDOW_KIND_SHIFT_LEADER: WindowKinds.shiftLeader,
  WINDOW_KIND_BATCH_ROOM: WindowKinds.batchRoom,
});

export const staffRole = enumCodec<(typeof StaffRoles)[keyof typeof StaffRoles]>()(org.StaffRole, {
  STAFF_ROLE_CLERK: StaffRoles.clerk,
  STAFF_ROLE_REVIEWER: StaffRoles.reviewer,
  STAFF_ROLE_VERIFIER: StaffRoles.verifier,
  STAFF_ROLE_APPROVER: StaffRoles.approver,
  STAFF_ROLE_CHIEF_REPRESENTATIVE: StaffRoles.chiefRepresentative,
  STAFF_ROLE_DEPUTY_LEADER: StaffRoles.deputyLeader,
  STAFF_ROLE_PRINCIPAL_LEADER: StaffRoles.principalLeader,
  STAFF_ROLE_SUPERVISOR: StaffRoles.supervisor,
  STAFF_ROLE_ADMINISTRATOR: StaffRoles.administrator,
});

export const itemType = enumCodec<(typeof ItemTypes)[keyof typeof ItemTypes]>()(items.ItemType, {
  ITEM_TYPE_LICENSING: ItemTypes.licensing,
  ITEM_TYPE_CONFIRMATION: ItemTypes.confirmation,
  ITEM_TYPE_PAYMENT: ItemTypes.payment,
  ITEM_TYPE_LEVY: ItemTypes.levy,
  ITEM_TYPE_REWARD: ItemTypes.reward,
  ITEM_TYPE_RULING: ItemTypes.ruling,
  ITEM_TYPE_OTHER_POWER: ItemTypes.otherPower,
  ITEM_TYPE_PUBLIC_SERVICE: ItemTypes.publicService,
});

export const caseType = enumCodec<(typeof CaseTypes)[keyof typeof CaseTypes]>()(items.CaseType, {
  CASE_TYPE_IMMEDIATE: CaseTypes.immediate,
  CASE_TYPE_PROMISED: CaseTypes.promised,
  CASE_TYPE_JOINT: CaseTypes.joint,
});

export const reviewMode = enumCodec<(typeof ReviewModes)[keyof typeof ReviewModes]>()(items.ReviewMode, {
  REVIEW_MODE_SINGLE: ReviewModes.single,
  REVIEW_MODE_REVIEW_VERIFY: ReviewModes.reviewVerify,
});

export const processStage = enumCodec<(typeof Stages)[keyof typeof Stages]>()(items.ProcessStage, {
  PROCESS_STAGE_ACCEPT: Stages.accept,
  PROCESS_STAGE_PRE_REVIEW: Stages.preReview,
  PROCESS_STAGE_REVIEW: Stages.review,
  PROCESS_STAGE_VERIFY: Stages.verify,
  PROCESS_STAGE_APPROVE: Stages.approve,
  PROCESS_STAGE_ISSUE: Stages.issue,
  PROCESS_STAGE_ARCHIVE: Stages.archive,
});

export const limitUnit = enumCodec<(typeof LimitUnits)[keyof typeof LimitUnits]>()(items.LimitUnit, {
  LIMIT_UNIT_WORKING_DAYS: LimitUnits.workingDays,
  LIMIT_UNIT_NATURAL_DAYS: LimitUnits.naturalDays,
  LIMIT_UNIT_WORKING_HOURS: LimitUnits.workingHours,
  LIMIT_UNIT_NATURAL_HOURS: LimitUnits.naturalHours,
});

export const resultKind = enumCodec<(typeof ResultKinds)[keyof typeof ResultKinds]>()(items.ResultKind, {
  RESULT_KIND_CERTIFICATE: ResultKinds.certificate,
  RESULT_KIND_APPROVAL_DOCUMENT: ResultKinds.approvalDocument,
  RESULT_KIND_OTHER: ResultKinds.other,
});

export const materialNecessity = enumCodec<(typeof MaterialNecessities)[keyof typeof MaterialNecessities]>()(
  items.MaterialNecessity,
  {
    MATERIAL_NECESSITY_REQUIRED: MaterialNecessities.required,
    MATERIAL_NECESSITY_OPTIONAL: MaterialNecessities.optional,
  },
);

export const materialForm = enumCodec<(typeof MaterialForms)[keyof typeof MaterialForms]>()(items.MaterialForm, {
  MATERIAL_FORM_ORIGINAL: MaterialForms.original,
  MATERIAL_FORM_COPY: MaterialForms.copy,
  MATERIAL_FORM_ELECTRONIC: MaterialForms.electronic,
});

export const materialSource = enumCodec<(typeof MaterialSources)[keyof typeof MaterialSources]>()(
  items.MaterialSource,
  {
    MATERIAL_SOURCE_APPLICANT: MaterialSources.applicant,
    MATERIAL_SOURCE_GOVERNMENT: MaterialSources.government,
    MATERIAL_SOURCE_INTERMEDIARY: MaterialSources.intermediary,
    MATERIAL_SOURCE_OTHER: MaterialSources.other,
  },
);

export const feeKind = enumCodec<(typeof FeeKinds)[keyof typeof FeeKinds]>()(items.FeeKind, {
  FEE_KIND_FIXED: FeeKinds.fixed,
  FEE_KIND_PER_UNIT: FeeKinds.perUnit,
});

export const handlingScope = enumCodec<(typeof HandlingScopes)[keyof typeof HandlingScopes]>()(items.HandlingScope, {
  HANDLING_SCOPE_LOCAL: HandlingScopes.local,
  HANDLING_SCOPE_CITY_WIDE: HandlingScopes.cityWide,
  HANDLING_SCOPE_PROVINCE_WIDE: HandlingScopes.provinceWide,
  HANDLING_SCOPE_NATIONWIDE: HandlingScopes.nationwide,
});

export const delegationMode = enumCodec<(typeof DelegationModes)[keyof typeof DelegationModes]>()(
  items.DelegationMode,
  {
    DELEGATION_MODE_DEVOLVED: DelegationModes.devolved,
    DELEGATION_MODE_ENTRUSTED: DelegationModes.entrusted,
  },
);

export const jointLeadRule = enumCodec<(typeof JointLeadRules)[keyof typeof JointLeadRules]>()(items.JointLeadRule, {
  JOINT_LEAD_RULE_NAMED: JointLeadRules.named,
  JOINT_LEAD_RULE_FIRST_DEPARTMENT: JointLeadRules.firstDepartment,
  JOINT_LEAD_RULE_LAST_APPROVING: JointLeadRules.lastApproving,
});

export const itemStatus = enumCodec<(typeof ItemStatuses)[keyof typeof ItemStatuses]>()(items.ItemStatus, {
  ITEM_STATUS_DRAFT: ItemStatuses.draft,
  ITEM_STATUS_PUBLISHED: ItemStatuses.published,
  ITEM_STATUS_RETIRED: ItemStatuses.retired,
});

export const retiredReason = enumCodec<(typeof RetiredReasons)[keyof typeof RetiredReasons]>()(items.RetiredReason, {
  RETIRED_REASON_SUPERSEDED: RetiredReasons.superseded,
  RETIRED_REASON_CANCELLED: RetiredReasons.cancelled,
  RETIRED_REASON_MERGED: RetiredReasons.merged,
});

export const cleanupAction = enumCodec<(typeof CleanupActions)[keyof typeof CleanupActions]>()(items.CleanupAction, {
  CLEANUP_ACTION_CANCELLED: CleanupActions.cancelled,
  CLEANUP_ACTION_MERGED: CleanupActions.merged,
  CLEANUP_ACTION_DELEGATED: CleanupActions.delegated,
  CLEANUP_ACTION_FROZEN: CleanupActions.frozen,
  CLEANUP_ACTION_UNFROZEN: CleanupActions.unfrozen,
});

export const projectCategory = enumCodec<(typeof ProjectCategories)[keyof typeof ProjectCategories]>()(
  items.ProjectCategory,
  {
    PROJECT_CATEGORY_ANY: ProjectCategories.any,
    PROJECT_CATEGORY_MAJOR_GOVERNMENT_INVESTMENT: ProjectCategories.majorGovernmentInvestment,
    PROJECT_CATEGORY_INVESTMENT_ATTRACTION: ProjectCategories.investmentAttraction,
    PROJECT_CATEGORY_POVERTY_ALLEVIATION: ProjectCategories.povertyAlleviation,
  },
);

/** ListItems' freeze filter: frozen items only, or those not frozen (unspecified: both). */
export const frozenFilter = enumCodec<'frozen' | 'not_frozen'>()(items.FrozenFilter, {
  FROZEN_FILTER_FROZEN: 'frozen',
  FROZEN_FILTER_NOT_FROZEN: 'not_frozen',
});

export const guideField = enumCodec<(typeof GuideFields)[keyof typeof GuideFields]>()(items.GuideField, {
  GUIDE_FIELD_NAME: GuideFields.name,
  GUIDE_FIELD_CODE: GuideFields.code,
  GUIDE_FIELD_DEPARTMENT: GuideFields.department,
  GUIDE_FIELD_DUTIES: GuideFields.duties,
  GUIDE_FIELD_LEGAL_BASIS: GuideFields.legalBasis,
  GUIDE_FIELD_CONDITIONS: GuideFields.conditions,
  GUIDE_FIELD_PROCEDURE: GuideFields.procedure,
  GUIDE_FIELD_LIMITS: GuideFields.limits,
  GUIDE_FIELD_COMMITMENT: GuideFields.commitment,
  GUIDE_FIELD_FEES: GuideFields.fees,
  GUIDE_FIELD_RESULT: GuideFields.result,
  GUIDE_FIELD_MATERIALS: GuideFields.materials,
});

export const scheduleSource = enumCodec<(typeof ScheduleSources)[keyof typeof ScheduleSources]>()(
  cal.CalendarScheduleSource,
  {
    CALENDAR_SCHEDULE_SOURCE_STORED: ScheduleSources.stored,
    CALENDAR_SCHEDULE_SOURCE_CHINESE_DAYS: ScheduleSources.chineseDays,
  },
);

export const regionLevel = enumCodec<(typeof RegionLevels)[keyof typeof RegionLevels]>()(cal.CalendarRegionLevel, {
  CALENDAR_REGION_LEVEL_VILLAGE: RegionLevels.village,
  CALENDAR_REGION_LEVEL_TOWNSHIP: RegionLevels.township,
  CALENDAR_REGION_LEVEL_COUNTY: RegionLevels.county,
  CALENDAR_REGION_LEVEL_CITY: RegionLevels.city,
  CALENDAR_REGION_LEVEL_PROVINCE: RegionLevels.province,
  CALENDAR_REGION_LEVEL_NATIONAL: RegionLevels.national,
});

export const sessionKind = enumCodec<(typeof SessionKinds)[keyof typeof SessionKinds]>()(hours.OpeningSessionKind, {
  OPENING_SESSION_KIND_REGULAR: SessionKinds.regular,
  OPENING_SESSION_KIND_EXTENDED: SessionKinds.extended,
  OPENING_SESSION_KIND_WEEKEND: SessionKinds.weekend,
  OPENING_SESSION_KIND_LEADER_ON_SITE: SessionKinds.leaderOnSite,
});

export const scopeLevel = enumCodec<(typeof ScopeLevels)[keyof typeof ScopeLevels]>()(hours.OpeningHoursScopeLevel, {
  OPENING_HOURS_SCOPE_LEVEL_HALL: ScopeLevels.hall,
  OPENING_HOURS_SCOPE_LEVEL_WINDOW_KIND: ScopeLevels.windowKind,
  OPENING_HOURS_SCOPE_LEVEL_WINDOW: ScopeLevels.window,
  OPENING_HOURS_SCOPE_LEVEL_WORKING_HOURS: ScopeLevels.workingHours,
});

export const feeCatalogueStatus = enumCodec<(typeof FeeCatalogueStatuses)[keyof typeof FeeCatalogueStatuses]>()(
  fees.FeeCatalogueEntryStatus,
  {
    FEE_CATALOGUE_ENTRY_STATUS_ACTIVE: FeeCatalogueStatuses.active,
    FEE_CATALOGUE_ENTRY_STATUS_CANCELLED: FeeCatalogueStatuses.cancelled,
  },
);

export const oneFeeFilter = enumCodec<(typeof OneFeeFilters)[keyof typeof OneFeeFilters]>()(fees.OneFeeFilter, {
  ONE_FEE_FILTER_ONE_FEE: OneFeeFilters.oneFee,
  ONE_FEE_FILTER_SEPARATE: OneFeeFilters.separate,
});
