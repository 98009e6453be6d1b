/**
 * Service items (事项): content, versions, the process derived from case type and review mode, materials by
 * situation, fees, tiers and delegation, joint graphs, bundles. Pure rules, no I/O.
 */
import type { FieldViolation } from '@govhall/kit';
import {
  validateJointGraph,
  jointCriticalPath,
  jointLayers,
  jointLeadCandidates,
  jointLeadDepartmentId,
  type JointProcess,
} from './items-joint';
import {
  amountProblem,
  compareLimits,
  DEFAULT_ACCEPTANCE_LIMIT,
  formatLimit,
  sumLimits,
  type TimeLimit,
} from './items-limits';
import { TIER_RANK, type BodyNature, type HallTier, type WindowKind } from './organisation';
import type { FeeCatalogueTerms } from './fee-catalogue';

export * from './items-limits';
export * from './items-joint';

/** Kinds of power or service (事项类型): 行政许可, 行政确认, 行政给付, 行政征收, 行政奖励, 行政裁决, 其他行政权力, 公共服务. */
export const ItemTypes = {
  licensing: 'licensing',
  confirmation: 'confirmation',
  payment: 'payment',
  levy: 'levy',
  reward: 'reward',
  ruling: 'ruling',
  otherPower: 'other_power',
  publicService: 'public_service',
} as const;
export type ItemType = (typeof ItemTypes)[keyof typeof ItemTypes];

/** 即办件 (decided on the spot), 承诺件 (within the promised limit), 联办件 (several departments, a lead). */
export const CaseTypes = { immediate: 'immediate', promised: 'promised', joint: 'joint' } as const;
export type CaseType = (typeof CaseTypes)[keyof typeof CaseTypes];

/** 审核合一: one reviewer decides; 一审一核: a reviewer examines and a verifier approves. */
export const ReviewModes = { single: 'single', reviewVerify: 'review_verify' } as const;
export type ReviewMode = (typeof ReviewModes)[keyof typeof ReviewModes];

/** Stages of the standard process, in order: 受理 [→ 初审] → 审核 [→ 核准] → 审批 → 发证办结 → 归档. */
export const Stages = {
  accept: 'accept',
  /** 初审: the lower tier that accepted a cross-tier item examines it before the approving tier reviews it. */
  preReview: 'pre_review',
  review: 'review',
  verify: 'verify',
  approve: 'approve',
  issue: 'issue',
  archive: 'archive',
} as const;
export type Stage = (typeof Stages)[keyof typeof Stages];

/** Stages that take a budget out of the promised limit (acceptance has its own limit; archive comes after). */
export const BUDGETED_STAGES: ReadonlySet<Stage> = new Set(['pre_review', 'review', 'verify', 'approve', 'issue']);

/**
 * 行政许可法 art. 43: a lower tier that pre-reviews an application for an upper tier does so within 20 days
 * (days of the law are working days, art. 82), so a pre-review budget is at most this.
 */
export const MAX_PRE_REVIEW: TimeLimit = { amount: 20, unit: 'working_days' };

/**
 * The most an item's own extension bound (延期) may be. Without one, 行政许可法 art. 42 applies: 10 working days
 * with the leader's approval, 15 for a joint (联合办理) item.
 */
export const MAX_EXTENSION_LIMIT: TimeLimit = { amount: 30, unit: 'working_days' };

/** 办结结果 kinds: 证照, 批文, other. */
export const ResultKinds = {
  certificate: 'certificate',
  approvalDocument: 'approval_document',
  other: 'other',
} as const;
export type ResultKind = (typeof ResultKinds)[keyof typeof ResultKinds];

/** Whether a material must be brought (situations decide whether it applies at all). */
export const MaterialNecessities = { required: 'required', optional: 'optional' } as const;
export type MaterialNecessity = (typeof MaterialNecessities)[keyof typeof MaterialNecessities];

/** 原件, 复印件, 电子材料. */
export const MaterialForms = { original: 'original', copy: 'copy', electronic: 'electronic' } as const;
export type MaterialForm = (typeof MaterialForms)[keyof typeof MaterialForms];

/** Who produces a material: the applicant, a government body (fetchable from the exchange), an intermediary. */
export const MaterialSources = {
  applicant: 'applicant',
  government: 'government',
  intermediary: 'intermediary',
  other: 'other',
} as const;
export type MaterialSource = (typeof MaterialSources)[keyof typeof MaterialSources];

/** A fixed amount per case, or a price per named unit (e.g. per square metre). */
export const FeeKinds = { fixed: 'fixed', perUnit: 'per_unit' } as const;
export type FeeKind = (typeof FeeKinds)[keyof typeof FeeKinds];

/** 通办范围: where besides its own halls an item may be handled. */
export const HandlingScopes = {
  local: 'local',
  cityWide: 'city_wide',
  provinceWide: 'province_wide',
  nationwide: 'nationwide',
} as const;
export type HandlingScope = (typeof HandlingScopes)[keyof typeof HandlingScopes];

/** 下放 (the lower tier holds the power) or 委托 (it acts in the upper body's name). */
export const DelegationModes = { devolved: 'devolved', entrusted: 'entrusted' } as const;
export type DelegationMode = (typeof DelegationModes)[keyof typeof DelegationModes];

/** Lifecycle of one version: draft → published → retired; only a draft changes. */
export const ItemStatuses = { draft: 'draft', published: 'published', retired: 'retired' } as const;
export type ItemStatus = (typeof ItemStatuses)[keyof typeof ItemStatuses];

/** Why a version was retired: a newer one was published, or the item was cancelled or merged. */
export const RetiredReasons = { superseded: 'superseded', cancelled: 'cancelled', merged: 'merged' } as const;
export type RetiredReason = (typeof RetiredReasons)[keyof typeof RetiredReasons];

/** Actions of a clean-up round (事项清理): 取消, 合并, 下放 / 委托, 冻结 and its lifting (解冻). */
export const CleanupActions = {
  cancelled: 'cancelled',
  merged: 'merged',
  delegated: 'delegated',
  frozen: 'frozen',
  unfrozen: 'unfrozen',
} as const;
export type CleanupAction = (typeof CleanupActions)[keyof typeof CleanupActions];

/**
 * Projects 容缺受理 is for (《容缺受理制度》: 重大政府投资、招商引资、脱贫攻坚项目), or `any` for an item whose 容缺
 * applies to every applicant.
 */
export const ProjectCategories = {
  any: 'any',
  majorGovernmentInvestment: 'major_government_investment',
  investmentAttraction: 'investment_attraction',
  povertyAlleviation: 'poverty_alleviation',
} as const;
export type ProjectCategory = (typeof ProjectCategories)[keyof typeof ProjectCategories];

export interface LegalBasis {
  readonly name: string;
  readonly article: string;
  readonly text: string;
}
export interface Prerequisite {
  readonly description: string;
  readonly itemId: string | null;
}
export interface Channels {
  /** 网上办理深度 0 (not online) to 4 (全程网办). */
  readonly onlineDepth: number;
  readonly appointment: boolean;
  readonly expressDelivery: boolean;
  readonly onlinePayment: boolean;
}
export interface Procedure {
  readonly description: string;
  readonly channels: Channels;
}
export interface ServiceCommitment {
  readonly text: string;
  /** 到办事现场次数. */
  readonly maxVisits: number;
}
export interface ItemResult {
  readonly name: string;
  /** Null while a draft has not said yet; required to publish. */
  readonly kind: ResultKind | null;
  readonly sampleRef: string;
}
export interface StageBudget {
  readonly stage: Stage;
  readonly limit: TimeLimit;
}
/** 情形. Situations of one non-empty group exclude each other. */
export interface Situation {
  readonly code: string;
  readonly name: string;
  readonly group: string;
}
export interface Material {
  readonly code: string;
  readonly name: string;
  readonly necessity: MaterialNecessity;
  readonly form: MaterialForm;
  readonly copies: number;
  /** 复印件, 验原件. */
  readonly originalForCheck: boolean;
  readonly source: MaterialSource;
  readonly sourceDepartment: string;
  readonly paperSize: string;
  readonly blankFormRef: string;
  readonly sampleRef: string;
  readonly acceptanceStandard: string;
  readonly basis: string;
  /** 容缺: the case may be accepted while this required material is still missing. */
  readonly mayBeAcceptedMissing: boolean;
  /** Empty: applies always; otherwise when any of these situations applies. */
  readonly situationCodes: readonly string[];
  /** 证照: the certificate (an issuing item's result name) this government-issued material is; empty if none. */
  readonly certificateName: string;
}
/** A fee item: FIXED carries `amountFen`; PER_UNIT carries `unitPriceFen` and `unitName`. */
export interface FeeItem {
  readonly code: string;
  readonly name: string;
  readonly kind: FeeKind;
  readonly amountFen: number;
  readonly unitPriceFen: number;
  readonly unitName: string;
  readonly legalBasis: string;
  readonly receivingDepartmentId: string;
  /** 财政非税专户. */
  readonly fiscalAccount: string;
  readonly reducible: boolean;
  readonly reductionBasis: string;
  /**
   * The hall's fee catalogue entry (收费目录) the fee is charged under; its standard is taken from the entry when
   * the draft is saved (see `linkFeeItems`). Absent (versions written before the catalogue) or null: the fee
   * states its own standard.
   */
  readonly catalogueEntryId?: string | null;
  /** Copied from the linked entry when the draft was saved: its code, one-fee membership and upward share. */
  readonly catalogue?: FeeCatalogueTerms;
}
export interface Delegation {
  readonly tier: HallTier;
  readonly mode: DelegationMode;
  readonly basis: string;
}

/**
 * 容缺受理: the projects that may be accepted with the marked materials missing, how long the applicant has to
 * bring them (working days from acceptance) and the rule it rests on.
 */
export interface MissingMaterialPolicy {
  readonly eligibleCategories: readonly ProjectCategory[];
  readonly supplementLimit: TimeLimit;
  readonly basis: string;
}
/** 上报件 (申报协办): the hall accepts and forwards the case to an upper authority, which decides. */
export interface Reporting {
  readonly upperAuthority: string;
  /** Its tier when it is one of the network's, above the approving tier. */
  readonly upperTier: HallTier | null;
}

/** Everything one version of an item says; see items.proto `ItemContent` for the eight disclosures. */
export interface ItemContent {
  readonly baseCode: string;
  readonly implementationCode: string;
  readonly name: string;
  readonly departmentId: string;
  readonly bodyNature: BodyNature;
  readonly itemType: ItemType;
  readonly exercisingTier: HallTier;
  readonly duties: string;
  readonly legalBasis: readonly LegalBasis[];
  readonly acceptanceConditions: readonly string[];
  readonly prerequisites: readonly Prerequisite[];
  readonly notificationCommitment: boolean;
  readonly procedure: Procedure;
  readonly statutoryLimit: TimeLimit | null;
  readonly promisedLimit: TimeLimit;
  readonly acceptanceLimit: TimeLimit;
  readonly stageBudgets: readonly StageBudget[];
  readonly limitNote: string;
  readonly commitment: ServiceCommitment;
  readonly free: boolean;
  readonly feeItems: readonly FeeItem[];
  readonly result: ItemResult;
  readonly caseType: CaseType;
  readonly reviewMode: ReviewMode;
  readonly situations: readonly Situation[];
  readonly materials: readonly Material[];
  readonly acceptTiers: readonly HallTier[];
  readonly approveTier: HallTier;
  readonly handlingScope: HandlingScope;
  readonly delegation: Delegation | null;
  readonly joint: JointProcess | null;
  /** 容缺受理; null: no material may be missing. */
  readonly missingMaterials: MissingMaterialPolicy | null;
  /** 上报件; null: the item's own tier decides. */
  readonly reported: Reporting | null;
  /** 否定报备: a refusal is filed with the centre before it is issued. */
  readonly refusalFilingRequired: boolean;
  /** 结果公示: completed cases are published (case number, masked applicant, result). */
  readonly publishResults: boolean;
  /**
   * 延期 bound (行政许可法 art. 42): how much a leader may extend the limit, in working days; null: 10 working days,
   * or 15 for a joint item.
   */
  readonly extensionLimit: TimeLimit | null;
}

/**
 * What a caller sent: every enum may be missing or unknown (undefined), which validation reports by field.
 * Plain strings, numbers and booleans keep their types.
 */
export type Unchecked<T> = T extends string
  ? string extends T
    ? T
    : T | undefined
  : T extends readonly (infer U)[]
    ? readonly Unchecked<U>[]
    : T extends object
      ? { readonly [K in keyof T]: Unchecked<T[K]> }
      : T;

/** An item as sent: limits may be absent (null); an absent acceptance limit means 4 working hours. */
export type ItemInput = Omit<
  Unchecked<ItemContent>,
  'promisedLimit' | 'acceptanceLimit' | 'stageBudgets' | 'missingMaterials'
> & {
  readonly promisedLimit: Unchecked<TimeLimit> | null;
  readonly acceptanceLimit: Unchecked<TimeLimit> | null;
  readonly stageBudgets: readonly { readonly stage: Stage | undefined; readonly limit: Unchecked<TimeLimit> | null }[];
  readonly missingMaterials:
    | (Omit<Unchecked<MissingMaterialPolicy>, 'supplementLimit'> & {
        readonly supplementLimit: Unchecked<TimeLimit> | null;
      })
    | null;
};

/** One version of an item. Published and retired versions never change content. */
export interface ItemVersion {
  readonly itemId: string;
  readonly version: number;
  readonly status: ItemStatus;
  /** Edits while a draft; frozen at publish. */
  readonly revision: number;
  readonly content: ItemContent;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly publishedAt: Date | null;
  readonly retiredAt: Date | null;
  readonly retiredReason: RetiredReason | null;
  readonly mergedIntoItemId: string | null;
  /**
   * When the item was frozen (冻结), null when it is not. A state of the item, not of this version (a published
   * version never changes): read with every version, never stored with one.
   */
  readonly frozenAt: Date | null;
}

export type ItemVersionSummary = Pick<
  ItemVersion,
  'version' | 'status' | 'revision' | 'createdAt' | 'publishedAt' | 'retiredAt' | 'retiredReason'
> & { readonly name: string };

export interface CleanupInput {
  readonly round: string;
  readonly basis: string;
  readonly note: string;
}
/** One action of a clean-up round, kept for good. */
export interface CleanupRecord extends CleanupInput {
  readonly id: string;
  readonly itemId: string;
  readonly action: CleanupAction;
  readonly fromVersion: number;
  readonly mergedIntoItemId: string | null;
  readonly delegation: Delegation | null;
  readonly draftVersion: number | null;
  readonly recordedAt: Date;
}

export interface ItemBundleInput {
  readonly name: string;
  readonly description: string;
  readonly itemIds: readonly string[];
  /** The hall and the window that issue the bundle. */
  readonly hallId: string;
  readonly windowId: string;
}
/** Items issued together at one window of one hall (两证齐发). */
export interface ItemBundle extends Omit<ItemBundleInput, 'hallId' | 'windowId'> {
  /** Null only for bundles stored before bundles named their place. */
  readonly hallId: string | null;
  readonly windowId: string | null;
  readonly id: string;
  readonly active: boolean;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What follows from an item's content; computed on read, never stored. */
export interface ItemDerived {
  readonly stages: readonly Stage[];
  readonly crossTierLinkage: boolean;
  readonly jointLayers: readonly (readonly string[])[];
  readonly jointCriticalPath: TimeLimit | null;
  readonly acceptsMissingMaterials: boolean;
  /** Codes of the materials that may be missing (容缺), in the item's order. */
  readonly missingMaterialCodes: readonly string[];
  /** Joint items: the lead department under the item's lead rule; null for other items. */
  readonly jointLeadDepartmentId: string | null;
}

type Violations = FieldViolation[];

// ---- derivation ----------------------------------------------------------------------------------------

/**
 * The stages a case of this item goes through.
 * - immediate (即办件): ACCEPT, ISSUE, ARCHIVE — the window clerk examines and decides while accepting, and
 *   issues on the spot; there is no separate review or approval step to assign or time;
 * - otherwise: ACCEPT, REVIEW, APPROVE, ISSUE, ARCHIVE, with VERIFY after REVIEW under 一审一核, and PRE_REVIEW
 *   after ACCEPT when the item has cross-tier linkage (the lower tier that accepted pre-reviews, 初审).
 * Joint items use the same chain for the lead department's case; their parts follow `jointLayers`.
 */
export function deriveStages(caseType: CaseType, reviewMode: ReviewMode, crossTierLinkage = false): Stage[] {
  if (caseType === 'immediate') return ['accept', 'issue', 'archive'];
  const decide: Stage[] =
    reviewMode === 'review_verify' ? ['review', 'verify', 'approve', 'issue'] : ['review', 'approve', 'issue'];
  return ['accept', ...(crossTierLinkage ? (['pre_review'] as const) : []), ...decide, 'archive'];
}

/**
 * Some tier below the approving tier accepts: it accepts and pre-reviews (市县联动). (A tier above it cannot accept
 * at all: validation refuses it on its own.)
 */
export function hasCrossTierLinkage(content: {
  readonly acceptTiers: readonly (HallTier | undefined)[];
  readonly approveTier: HallTier | undefined;
}): boolean {
  const approve = content.approveTier;
  return (
    approve !== undefined &&
    content.acceptTiers.some((tier) => tier !== undefined && TIER_RANK[tier] > TIER_RANK[approve])
  );
}

/** Stages, cross-tier linkage, joint layers and critical path of valid content. */
export function deriveProcess(content: ItemContent): ItemDerived {
  const crossTierLinkage = hasCrossTierLinkage(content);
  const missing = content.materials.filter((m) => m.mayBeAcceptedMissing).map((m) => m.code);
  return {
    stages: deriveStages(content.caseType, content.reviewMode, crossTierLinkage),
    crossTierLinkage,
    jointLayers: content.joint ? jointLayers(content.joint) : [],
    jointCriticalPath: (content.joint && jointCriticalPath(content.joint)) ?? null,
    acceptsMissingMaterials: missing.length > 0,
    missingMaterialCodes: missing,
    jointLeadDepartmentId: (content.joint && jointLeadDepartmentId(content.joint)) ?? null,
  };
}

/**
 * Content as stored: a version stored before a field existed reads it as "none" (no 容缺 policy, not reported,
 * no refusal filing, results not published, the default extension bound) and a joint graph stored before lead
 * rules as led by its named department. Stored versions are never rewritten: a published one never changes.
 */
export function storedContent(
  content: Omit<ItemContent, LaterContentFields | 'joint'> &
    Partial<Pick<ItemContent, LaterContentFields>> & {
      readonly joint: (Omit<JointProcess, 'leadRule'> & Partial<Pick<JointProcess, 'leadRule'>>) | null;
    },
): ItemContent {
  const stored = {
    missingMaterials: null,
    reported: null,
    refusalFilingRequired: false,
    publishResults: false,
    extensionLimit: null,
    ...content,
  };
  return {
    ...stored,
    // Materials stored before certificate names.
    materials: stored.materials.map((m) => ({ ...m, certificateName: m.certificateName ?? '' })),
    joint: stored.joint && { ...stored.joint, leadRule: stored.joint.leadRule ?? 'named' },
  };
}
type LaterContentFields =
  'missingMaterials' | 'reported' | 'refusalFilingRequired' | 'publishResults' | 'extensionLimit';

/** Fills what an input may leave out: the acceptance limit (4 working hours). */
export function withItemDefaults(input: ItemInput): ItemInput {
  return input.acceptanceLimit ? input : { ...input, acceptanceLimit: DEFAULT_ACCEPTANCE_LIMIT };
}

// ---- validation ----------------------------------------------------------------------------------------

const BASE_CODE = /^[0-9A-Z]{12}$/;
const IMPLEMENTATION_CODE = /^[0-9A-Z]{12,64}$/;
const LOCAL_CODE = /^[A-Za-z0-9_-]{1,32}$/;
/** 财政非税专户: the fiscal account a fee is paid into. */
export const FISCAL_ACCOUNT = /^\d{8,32}$/;

export function checkText(violations: Violations, field: string, value: string, min: number, max: number): void {
  const length = value.trim().length;
  if (length < min || value.length > max) {
    violations.push({
      field,
      description: min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`,
    });
  }
}

function checkCount(violations: Violations, field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    violations.push({ field, description: `must be a whole number from ${min} to ${max}` });
  }
}

/** Codes unique within a list: the second use of a code is the bad field. */
function checkUniqueCodes(violations: Violations, items: readonly { code: string }[], field: string): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (!LOCAL_CODE.test(item.code)) {
      violations.push({ field: `${field}[${index}].code`, description: 'must be 1 to 32 letters, digits, _ or -' });
    } else if (seen.has(item.code)) {
      violations.push({ field: `${field}[${index}].code`, description: `repeats code ${item.code}` });
    }
    seen.add(item.code);
  });
}

/** A limit is present, in a known unit, and a whole or half amount. Returns it when usable. */
function checkLimit(
  violations: Violations,
  field: string,
  limit: Unchecked<TimeLimit> | null,
  options: { required: boolean; positive: boolean },
): TimeLimit | undefined {
  if (!limit) {
    if (options.required) violations.push({ field, description: 'is required' });
    return undefined;
  }
  let ok = true;
  if (!limit.unit) {
    violations.push({ field: `${field}.unit`, description: 'is required' });
    ok = false;
  }
  const problem = amountProblem(limit.amount, limit.unit);
  if (problem) {
    violations.push({ field: `${field}.amount`, description: problem });
    ok = false;
  } else if (options.positive && limit.amount === 0) {
    violations.push({ field: `${field}.amount`, description: 'must be more than 0' });
    ok = false;
  }
  return ok ? (limit as TimeLimit) : undefined;
}

/**
 * `shorter` must not exceed `longer`, compared in like units only (see items-limits). Unlike units are an
 * error on `field`'s unit: the comparison the law asks for cannot be made without a calendar.
 */
function checkNotLonger(
  violations: Violations,
  field: string,
  shorter: TimeLimit,
  longer: TimeLimit,
  longerName: string,
): void {
  const order = compareLimits(shorter, longer);
  if (order === undefined) {
    violations.push({
      field: `${field}.unit`,
      description: `${shorter.unit} cannot be compared with the ${longerName} in ${longer.unit}: use the same unit (natural hours and natural days mix)`,
    });
  } else if (order > 0) {
    violations.push({
      field,
      description: `${formatLimit(shorter)} exceeds the ${longerName} of ${formatLimit(longer)}`,
    });
  }
}

/**
 * Validates everything about an item that needs no other data: shapes, codes, limits (promised ≤ statutory,
 * stage budgets within the promised limit), case type and review mode, materials and situations, fees, tiers
 * and delegation, the joint graph. Completeness of the disclosures is checked at publish (`publishProblems`),
 * so a draft may be saved half-written. Field paths follow items.proto under `prefix`.
 */
export function validateItemInput(input: ItemInput, prefix = 'item'): Violations {
  const violations: Violations = [];
  const f = (path: string): string => `${prefix}.${path}`;

  if (!BASE_CODE.test(input.baseCode)) {
    violations.push({ field: f('base_code'), description: 'must be 12 digits or capital letters' });
  }
  if (!IMPLEMENTATION_CODE.test(input.implementationCode)) {
    violations.push({ field: f('implementation_code'), description: 'must be 12 to 64 digits or capital letters' });
  }
  checkText(violations, f('name'), input.name, 2, 100);
  if (!input.departmentId) violations.push({ field: f('department_id'), description: 'is required' });
  if (!input.itemType) violations.push({ field: f('item_type'), description: 'is required' });
  if (!input.exercisingTier) violations.push({ field: f('exercising_tier'), description: 'is required' });

  checkText(violations, f('duties'), input.duties, 0, 2000);
  input.legalBasis.forEach((basis, i) => {
    checkText(violations, f(`legal_basis[${i}].name`), basis.name, 2, 200);
    checkText(violations, f(`legal_basis[${i}].article`), basis.article, 0, 200);
    checkText(violations, f(`legal_basis[${i}].text`), basis.text, 0, 4000);
  });
  input.acceptanceConditions.forEach((condition, i) =>
    checkText(violations, f(`acceptance_conditions[${i}]`), condition, 1, 1000),
  );
  input.prerequisites.forEach((p, i) =>
    checkText(violations, f(`prerequisites[${i}].description`), p.description, 2, 500),
  );
  checkText(violations, f('procedure.description'), input.procedure.description, 0, 4000);
  checkCount(violations, f('procedure.channels.online_depth'), input.procedure.channels.onlineDepth, 0, 4);
  checkText(violations, f('commitment.text'), input.commitment.text, 0, 1000);
  checkCount(violations, f('commitment.max_visits'), input.commitment.maxVisits, 0, 10);
  checkText(violations, f('result.name'), input.result.name, 0, 100);
  checkText(violations, f('result.sample_ref'), input.result.sampleRef, 0, 500);
  checkText(violations, f('limit_note'), input.limitNote, 0, 500);

  validateProcessAndLimits(violations, input, f);
  validateMaterials(violations, input, f);
  validateMissingMaterials(violations, input, f);
  validateReporting(violations, input, f);
  validateExtension(violations, input, f);
  validateFees(violations, input, f);
  validateTiers(violations, input, f);
  validateJoint(violations, input, f);
  return violations;
}

function validateProcessAndLimits(violations: Violations, input: ItemInput, f: (path: string) => string): void {
  const { caseType, reviewMode } = input;
  if (!caseType) violations.push({ field: f('case_type'), description: 'is required' });
  if (!reviewMode) violations.push({ field: f('review_mode'), description: 'is required' });
  if (caseType === 'immediate' && reviewMode === 'review_verify') {
    violations.push({
      field: f('review_mode'),
      description: 'an immediate item is decided at the window on the spot: review mode must be single (审核合一)',
    });
  }

  const statutory = checkLimit(violations, f('statutory_limit'), input.statutoryLimit, {
    required: false,
    positive: true,
  });
  const promised = checkLimit(violations, f('promised_limit'), input.promisedLimit, {
    required: true,
    positive: caseType !== 'immediate',
  });
  const acceptance = checkLimit(violations, f('acceptance_limit'), input.acceptanceLimit, {
    required: true,
    positive: true,
  });
  if (promised && caseType === 'immediate' && promised.amount !== 0) {
    violations.push({
      field: f('promised_limit.amount'),
      description: 'an immediate item is completed on the spot: its promised limit is 0',
    });
  }
  if (promised && statutory) checkNotLonger(violations, f('promised_limit'), promised, statutory, 'statutory limit');
  // Administrative Licensing Law art. 32: incomplete materials are told within 5 days at the latest.
  if (
    acceptance &&
    (acceptance.unit === 'working_days' || acceptance.unit === 'natural_days') &&
    acceptance.amount > 5
  ) {
    violations.push({ field: f('acceptance_limit'), description: 'must be at most 5 days (行政许可法 art. 32)' });
  }

  const stages: readonly Stage[] =
    caseType && reviewMode ? deriveStages(caseType, reviewMode, hasCrossTierLinkage(input)) : [];
  if (caseType === 'immediate' && input.stageBudgets.length > 0) {
    violations.push({ field: f('stage_budgets'), description: 'an immediate item has no stage budgets' });
    return;
  }
  const budgets: TimeLimit[] = [];
  const seen = new Set<Stage>();
  input.stageBudgets.forEach((budget, i) => {
    const field = f(`stage_budgets[${i}]`);
    if (!budget.stage) {
      violations.push({ field: `${field}.stage`, description: 'is required' });
    } else if (!BUDGETED_STAGES.has(budget.stage)) {
      violations.push({
        field: `${field}.stage`,
        description:
          budget.stage === 'accept'
            ? 'acceptance is timed by acceptance_limit'
            : 'archiving comes after completion and takes no budget',
      });
    } else if (stages.length > 0 && !stages.includes(budget.stage)) {
      violations.push({
        field: `${field}.stage`,
        description:
          budget.stage === 'pre_review'
            ? 'only an item accepted below its approving tier is pre-reviewed (初审)'
            : `this item has no ${budget.stage} stage`,
      });
    } else if (seen.has(budget.stage)) {
      violations.push({ field: `${field}.stage`, description: `repeats the ${budget.stage} stage` });
    }
    if (budget.stage) seen.add(budget.stage);
    const limit = checkLimit(violations, `${field}.limit`, budget.limit, { required: true, positive: true });
    if (!limit) return;
    const before = violations.length;
    if (promised) checkNotLonger(violations, `${field}.limit`, limit, promised, 'promised limit');
    if (budget.stage === 'pre_review' && violations.length === before) {
      checkNotLonger(violations, `${field}.limit`, limit, MAX_PRE_REVIEW, 'pre-review limit (行政许可法 art. 43)');
    }
    if (promised && violations.length === before) budgets.push(limit);
  });
  // One clock runs from acceptance at the lower tier to issue at the upper one: 初审 is timed inside the promise.
  const preReview = input.stageBudgets.findIndex((b) => b.stage === 'pre_review');
  if (stages.includes('pre_review') && preReview < 0) {
    violations.push({
      field: f('stage_budgets'),
      description: 'an item accepted below its approving tier needs a pre_review budget (初审, 行政许可法 art. 43)',
    });
  }
  if (promised && budgets.length > 1 && budgets.length === input.stageBudgets.length) {
    const total = sumLimits(budgets);
    if (total && preReview >= 0) {
      // What cross-tier linkage added is what no longer fits: name it.
      if ((compareLimits(total, promised) ?? 0) > 0) {
        violations.push({
          field: f(`stage_budgets[${preReview}]`),
          description: `the pre-review budget and the other stage budgets add up to ${formatLimit(total)}, more than the promised limit of ${formatLimit(promised)}`,
        });
      }
    } else if (total) checkNotLonger(violations, f('stage_budgets'), total, promised, 'promised limit');
  }
}

function validateMaterials(violations: Violations, input: ItemInput, f: (path: string) => string): void {
  checkUniqueCodes(violations, input.situations, f('situations'));
  input.situations.forEach((s, i) => {
    checkText(violations, f(`situations[${i}].name`), s.name, 2, 100);
    checkText(violations, f(`situations[${i}].group`), s.group, 0, 100);
  });
  const situationCodes = new Set(input.situations.map((s) => s.code));
  const used = new Set<string>();

  checkUniqueCodes(violations, input.materials, f('materials'));
  input.materials.forEach((m, i) => {
    const field = (path: string): string => f(`materials[${i}].${path}`);
    checkText(violations, field('name'), m.name, 2, 100);
    if (!m.necessity) violations.push({ field: field('necessity'), description: 'is required' });
    if (!m.form) violations.push({ field: field('form'), description: 'is required' });
    if (!m.source) violations.push({ field: field('source'), description: 'is required' });
    if (m.form === 'electronic') checkCount(violations, field('copies'), m.copies, 0, 1);
    else checkCount(violations, field('copies'), m.copies, 1, 50);
    if (m.originalForCheck && m.form !== 'copy') {
      violations.push({
        field: field('original_for_check'),
        description: 'only a copy is checked against its original',
      });
    }
    if (m.mayBeAcceptedMissing && m.necessity !== 'required') {
      violations.push({
        field: field('may_be_accepted_missing'),
        description: '容缺 applies to required materials only; an optional one may be missing anyway',
      });
    }
    checkText(violations, field('source_department'), m.sourceDepartment, 0, 100);
    checkText(violations, field('certificate_name'), m.certificateName, 0, 64);
    if (m.certificateName.trim() !== '' && m.source !== 'government') {
      violations.push({
        field: field('certificate_name'),
        description: 'only a government-issued material (source GOVERNMENT) is a certificate',
      });
    }
    checkText(violations, field('paper_size'), m.paperSize, 0, 20);
    checkText(violations, field('blank_form_ref'), m.blankFormRef, 0, 500);
    checkText(violations, field('sample_ref'), m.sampleRef, 0, 500);
    checkText(violations, field('acceptance_standard'), m.acceptanceStandard, 0, 1000);
    checkText(violations, field('basis'), m.basis, 0, 500);
    const seen = new Set<string>();
    m.situationCodes.forEach((code, j) => {
      if (!situationCodes.has(code)) {
        violations.push({ field: field(`situation_codes[${j}]`), description: `no situation has code ${code}` });
      } else if (seen.has(code)) {
        violations.push({ field: field(`situation_codes[${j}]`), description: `repeats situation ${code}` });
      }
      seen.add(code);
      used.add(code);
    });
  });
  input.situations.forEach((s, i) => {
    if (situationCodes.has(s.code) && !used.has(s.code)) {
      violations.push({ field: f(`situations[${i}]`), description: `no material applies in situation ${s.code}` });
    }
  });
  // 容缺 accepts a case whose main materials are complete: at least one required material must be in hand.
  const required = input.materials.filter((m) => m.necessity === 'required');
  if (required.length > 0 && required.every((m) => m.mayBeAcceptedMissing)) {
    violations.push({
      field: f('materials'),
      description: '容缺 needs the main materials complete: at least one required material cannot be missing',
    });
  }
}

/**
 * 容缺受理 (《容缺受理制度》): marked materials need the item's policy and the policy a marked material; the
 * window decides an immediate item on the spot, so it takes none. The supplement limit is working days from
 * acceptance and ends within the promise (the case cannot be decided on a material still missing).
 */
function validateMissingMaterials(violations: Violations, input: ItemInput, f: (path: string) => string): void {
  const policy = input.missingMaterials;
  const immediate = input.caseType === 'immediate';
  const marked = input.materials.flatMap((m, i) => (m.mayBeAcceptedMissing ? [i] : []));
  for (const i of marked) {
    if (immediate || !policy) {
      violations.push({
        field: f(`materials[${i}].may_be_accepted_missing`),
        description: immediate
          ? 'an immediate item is decided at the window with every material in hand: it takes no 容缺'
          : '容缺 needs the item’s missing_materials policy: the projects it is for, the supplement limit and its basis',
      });
    }
  }
  if (!policy) return;
  const field = (path: string): string => f(`missing_materials.${path}`);
  if (immediate) {
    violations.push({ field: f('missing_materials'), description: 'an immediate item takes no 容缺' });
    return;
  }
  if (marked.length === 0) {
    violations.push({
      field: f('missing_materials'),
      description: 'no material is marked may_be_accepted_missing: mark those that may follow, or drop the policy',
    });
  }
  const categories = policy.eligibleCategories;
  if (categories.length === 0) {
    violations.push({
      field: field('eligible_categories'),
      description: 'name the projects 容缺 is for (重大政府投资, 招商引资, 脱贫攻坚), or ANY',
    });
  }
  const seen = new Set<ProjectCategory>();
  categories.forEach((category, i) => {
    const at = field(`eligible_categories[${i}]`);
    if (!category) violations.push({ field: at, description: 'is not a known project category' });
    else if (seen.has(category)) violations.push({ field: at, description: `repeats ${category}` });
    else if (categories.length > 1 && category === 'any') {
      violations.push({ field: at, description: 'ANY already covers every applicant: list it alone' });
    }
    if (category) seen.add(category);
  });
  const limit = checkLimit(violations, field('supplement_limit'), policy.supplementLimit, {
    required: true,
    positive: true,
  });
  const promised = input.promisedLimit;
  if (limit && limit.unit !== 'working_days') {
    violations.push({
      field: field('supplement_limit.unit'),
      description: 'the supplement deadline (后补时限) is counted in working days',
    });
  } else if (limit && promised?.unit && amountProblem(promised.amount, promised.unit) === undefined) {
    checkNotLonger(violations, field('supplement_limit'), limit, promised as TimeLimit, 'promised limit');
  }
  checkText(violations, field('basis'), policy.basis, 2, 200);
}

/** 上报件: an upper authority decides, named, and above the approving tier when it is one of the network's. */
function validateReporting(violations: Violations, input: ItemInput, f: (path: string) => string): void {
  const { reported } = input;
  if (!reported) return;
  if (input.caseType === 'immediate') {
    violations.push({
      field: f('reported'),
      description: 'an immediate item is decided at the window on the spot: an upper authority cannot decide it',
    });
  }
  checkText(violations, f('reported.upper_authority'), reported.upperAuthority, 2, 100);
  const tier = reported.upperTier;
  const approve = input.approveTier;
  if (tier === undefined) {
    violations.push({ field: f('reported.upper_tier'), description: 'is not a known tier' });
  } else if (tier && approve && TIER_RANK[tier] >= TIER_RANK[approve]) {
    violations.push({
      field: f('reported.upper_tier'),
      description: `an upper authority sits above the approving tier ${approve}`,
    });
  }
}

function validateFees(violations: Violations, input: ItemInput, f: (path: string) => string): void {
  if (input.free && input.feeItems.length > 0) {
    violations.push({ field: f('fee_items'), description: 'a free item has no fee items' });
  }
  if (!input.free && input.feeItems.length === 0) {
    violations.push({ field: f('fee_items'), description: 'list the fee items, or mark the item free' });
  }
  checkUniqueCodes(violations, input.feeItems, f('fee_items'));
  input.feeItems.forEach((fee, i) => {
    const field = (path: string): string => f(`fee_items[${i}].${path}`);
    // A fee linked to the fee catalogue may leave its standard out: the entry fills it (checked against it).
    const linked = !!fee.catalogueEntryId;
    if (!linked || fee.name !== '') checkText(violations, field('name'), fee.name, 2, 100);
    checkFeeStandard(violations, field, fee, linked);
    if (!linked || fee.legalBasis !== '') checkText(violations, field('legal_basis'), fee.legalBasis, 2, 500);
    if (!fee.receivingDepartmentId && !linked) {
      violations.push({ field: field('receiving_department_id'), description: 'is required' });
    }
    if ((!linked || fee.fiscalAccount !== '') && !FISCAL_ACCOUNT.test(fee.fiscalAccount)) {
      violations.push({ field: field('fiscal_account'), description: 'must be 8 to 32 digits' });
    }
    if (fee.reducible) checkText(violations, field('reduction_basis'), fee.reductionBasis, 2, 500);
    else if (fee.reductionBasis !== '') {
      violations.push({ field: field('reduction_basis'), description: 'only a reducible fee has a reduction basis' });
    }
  });
}

/**
 * A fee's standard (收费标准), of a fee item or a fee catalogue entry: a fixed amount above 0, or a unit price
 * above 0 with its unit's name, and nothing of the other kind. `linked`: a fee item linked to a catalogue entry
 * may leave values out (0, empty), which the entry fills.
 */
export function checkFeeStandard(
  violations: Violations,
  field: (path: string) => string,
  fee: {
    readonly kind: FeeKind | undefined;
    readonly amountFen: number;
    readonly unitPriceFen: number;
    readonly unitName: string;
  },
  linked = false,
): void {
  const positiveFen = (path: string, value: number): void => {
    if (linked && value === 0) return;
    if (!Number.isSafeInteger(value) || value <= 0) {
      violations.push({ field: field(path), description: 'must be a whole number of fen above 0' });
    }
  };
  const absent = (path: string, present: boolean): void => {
    if (present) violations.push({ field: field(path), description: `is not used by a ${fee.kind} fee` });
  };
  switch (fee.kind) {
    case undefined:
      if (!linked) violations.push({ field: field('kind'), description: 'is required' });
      break;
    case 'fixed':
      positiveFen('amount_fen', fee.amountFen);
      absent('unit_price_fen', fee.unitPriceFen !== 0);
      absent('unit_name', fee.unitName !== '');
      break;
    case 'per_unit':
      positiveFen('unit_price_fen', fee.unitPriceFen);
      if (!linked || fee.unitName !== '') checkText(violations, field('unit_name'), fee.unitName, 1, 20);
      absent('amount_fen', fee.amountFen !== 0);
      break;
  }
}

function validateTiers(violations: Violations, input: ItemInput, f: (path: string) => string): void {
  if (!input.handlingScope) violations.push({ field: f('handling_scope'), description: 'is required' });
  if (input.acceptTiers.length === 0) {
    violations.push({ field: f('accept_tiers'), description: 'at least one tier must accept the item' });
  }
  const seen = new Set<HallTier>();
  const approve = input.approveTier;
  input.acceptTiers.forEach((tier, i) => {
    const field = f(`accept_tiers[${i}]`);
    if (!tier) violations.push({ field, description: 'is not a known tier' });
    else if (seen.has(tier)) violations.push({ field, description: `repeats ${tier}` });
    else if (approve && TIER_RANK[tier] < TIER_RANK[approve]) {
      violations.push({
        field,
        description: `a ${tier} hall cannot accept an item approved by the lower ${approve} tier`,
      });
    }
    if (tier) seen.add(tier);
  });
  if (!approve) {
    violations.push({ field: f('approve_tier'), description: 'is required' });
    return;
  }
  const exercising = input.exercisingTier;
  const delegation = input.delegation;
  if (!delegation) {
    if (exercising && approve !== exercising) {
      violations.push({
        field: f('approve_tier'),
        description: `must be the exercising tier ${exercising} unless the item is delegated down`,
      });
    }
    return;
  }
  violations.push(...validateDelegation(delegation, exercising, f('delegation')));
  if (delegation.tier && approve !== delegation.tier) {
    violations.push({
      field: f('approve_tier'),
      description: `a delegated item is approved by the ${delegation.tier} tier`,
    });
  }
}

/** A delegation goes down to a district or township below the exercising tier, with a mode and a basis. */
export function validateDelegation(
  delegation: Unchecked<Delegation>,
  exercisingTier: HallTier | undefined,
  prefix: string,
): Violations {
  const violations: Violations = [];
  if (!delegation.tier) {
    violations.push({ field: `${prefix}.tier`, description: 'is required' });
  } else if (delegation.tier !== 'district' && delegation.tier !== 'township') {
    violations.push({ field: `${prefix}.tier`, description: 'an item is delegated to a district or a township' });
  } else if (exercisingTier && TIER_RANK[delegation.tier] <= TIER_RANK[exercisingTier]) {
    violations.push({
      field: `${prefix}.tier`,
      description: `must be below the exercising tier ${exercisingTier}`,
    });
  }
  if (!delegation.mode) violations.push({ field: `${prefix}.mode`, description: 'is required' });
  checkText(violations, `${prefix}.basis`, delegation.basis, 2, 200);
  return violations;
}

function validateJoint(violations: Violations, input: ItemInput, f: (path: string) => string): void {
  const { joint } = input;
  if (input.caseType === 'joint' && !joint) {
    violations.push({ field: f('joint'), description: 'a joint item needs its lead department and parts' });
  }
  if (!joint) return;
  if (input.caseType !== 'joint') {
    violations.push({ field: f('joint'), description: 'only a joint item (case type joint) has parts' });
    return;
  }
  if (!joint.leadRule) {
    violations.push({ field: f('joint.lead_rule'), description: 'is not a known lead rule' });
  } else if (joint.leadRule === 'named') {
    if (!joint.leadDepartmentId) {
      violations.push({ field: f('joint.lead_department_id'), description: 'is required' });
    } else if (!joint.subItems.some((s) => s.departmentId === joint.leadDepartmentId)) {
      violations.push({
        field: f('joint.lead_department_id'),
        description: `the lead department ${joint.leadDepartmentId} has no part in the graph`,
      });
    }
  }
  if (joint.subItems.length < 2) {
    violations.push({ field: f('joint.sub_items'), description: 'a joint item has at least two parts' });
  }
  checkUniqueCodes(violations, joint.subItems, f('joint.sub_items'));
  const promised = input.promisedLimit;
  joint.subItems.forEach((s, i) => {
    const field = f(`joint.sub_items[${i}]`);
    checkText(violations, `${field}.name`, s.name, 2, 100);
    if (!s.departmentId) violations.push({ field: `${field}.department_id`, description: 'is required' });
    const limit = checkLimit(violations, `${field}.limit`, s.limit, { required: false, positive: true });
    if (limit && promised?.unit && amountProblem(promised.amount) === undefined) {
      checkNotLonger(violations, `${field}.limit`, limit, promised as TimeLimit, 'promised limit');
    }
  });
  const graphViolations = validateJointGraph(joint, f('joint'));
  violations.push(...graphViolations);
  const codesUnique = new Set(joint.subItems.map((s) => s.code)).size === joint.subItems.length;
  // Sources and sinks mean something only in a sound graph: its own violations come first.
  if (graphViolations.length === 0 && codesUnique && joint.subItems.length >= 2) {
    validateLeadByRule(violations, joint, f);
  }
  if (graphViolations.length > 0 || !promised?.unit) return;
  if (!codesUnique || joint.subItems.some((s) => s.limit && (!s.limit.unit || amountProblem(s.limit.amount)))) return;
  const critical = jointCriticalPath(joint as JointProcess);
  if (critical && compareLimits(critical, promised as TimeLimit) !== undefined) {
    checkNotLonger(violations, f('joint.sub_items'), critical, promised as TimeLimit, 'promised limit');
  }
}

/**
 * FIRST_DEPARTMENT and LAST_APPROVING find the lead in the graph: its one source (the part every other part
 * follows) or its one sink (the part that follows every other part). A named lead department may be left
 * empty; given, it is the one the rule finds (two answers to one question must agree).
 */
function validateLeadByRule(
  violations: Violations,
  joint: NonNullable<ItemInput['joint']>,
  f: (path: string) => string,
): void {
  const codes = jointLeadCandidates(joint);
  if (!codes) return;
  const first = joint.leadRule === 'first_department';
  const name = first ? 'FIRST_DEPARTMENT' : 'LAST_APPROVING';
  if (codes.length !== 1) {
    violations.push({
      field: f('joint.lead_rule'),
      description: first
        ? `${name} needs one part that every other part follows, but ${codes.join(', ')} depend on nothing: add edges or name the lead (NAMED)`
        : `${name} needs one part that follows every other part, but nothing depends on ${codes.join(', ')}: add edges or name the lead (NAMED)`,
    });
    return;
  }
  const lead = joint.subItems.find((s) => s.code === codes[0])!;
  if (joint.leadDepartmentId && joint.leadDepartmentId !== lead.departmentId) {
    violations.push({
      field: f('joint.lead_department_id'),
      description: `under ${name} the lead is part ${lead.code}'s department ${lead.departmentId}: leave it empty or name that department`,
    });
  }
}

/**
 * 延期 (行政许可法 art. 42): an item's own bound on extensions is working days, whole or half, more than 0 and at
 * most 30. An immediate item is decided on the spot: nothing to extend.
 */
function validateExtension(violations: Violations, input: ItemInput, f: (path: string) => string): void {
  const extension = input.extensionLimit;
  if (!extension) return;
  if (input.caseType === 'immediate') {
    violations.push({
      field: f('extension_limit'),
      description: 'an immediate item is decided at the window on the spot: it is never extended',
    });
    return;
  }
  const limit = checkLimit(violations, f('extension_limit'), extension, { required: false, positive: true });
  if (!limit) return;
  if (limit.unit !== 'working_days') {
    violations.push({
      field: f('extension_limit.unit'),
      description: 'an extension (延期) is counted in working days',
    });
  } else if ((compareLimits(limit, MAX_EXTENSION_LIMIT) ?? 0) > 0) {
    violations.push({
      field: f('extension_limit.amount'),
      description: `must be at most ${formatLimit(MAX_EXTENSION_LIMIT)}`,
    });
  }
}

/**
 * What a draft still lacks before it may be published: the disclosures an applicant reads (duties, legal
 * basis — every power item has one, acceptance conditions, procedure, service commitment, result).
 */
export function publishProblems(content: ItemContent, prefix = 'item'): Violations {
  const violations: Violations = [];
  const missing = (path: string, what: string): void => {
    violations.push({ field: `${prefix}.${path}`, description: `${what} must be disclosed before publishing` });
  };
  if (!content.duties.trim()) missing('duties', '工作职责 (duties)');
  if (content.legalBasis.length === 0 && content.itemType !== 'public_service') {
    missing('legal_basis', '办事依据 (legal basis)');
  }
  if (content.acceptanceConditions.length === 0) missing('acceptance_conditions', '受理条件 (acceptance conditions)');
  if (!content.procedure.description.trim()) missing('procedure.description', '办事程序 (procedure)');
  if (!content.commitment.text.trim()) missing('commitment.text', '服务承诺 (service commitment)');
  if (!content.result.name.trim()) missing('result.name', '办结结果 (result)');
  if (!content.result.kind) missing('result.kind', 'the kind of result');
  return violations;
}

// ---- materials by situation ----------------------------------------------------------------------------

export interface MaterialSelection {
  readonly materials: readonly Material[];
  /** Situation groups with no chosen situation: the applicant still has to answer them. */
  readonly unansweredGroups: readonly string[];
  readonly violations: readonly FieldViolation[];
}

/**
 * The materials an applicant brings in the chosen situations: those with no situation, and those of any
 * chosen one, in the item's order. Unknown codes, and two choices from one group, are violations on
 * `<prefix>[i]`.
 */
export function selectMaterials(
  content: Pick<ItemContent, 'situations' | 'materials'>,
  chosen: readonly string[],
  prefix = 'situation_codes',
): MaterialSelection {
  const byCode = new Map(content.situations.map((s) => [s.code, s]));
  const violations: FieldViolation[] = [];
  const groupChoice = new Map<string, string>();
  chosen.forEach((code, i) => {
    const situation = byCode.get(code);
    if (!situation) {
      violations.push({ field: `${prefix}[${i}]`, description: `the item has no situation ${code}` });
      return;
    }
    if (!situation.group) return;
    const earlier = groupChoice.get(situation.group);
    if (earlier !== undefined && earlier !== code) {
      violations.push({
        field: `${prefix}[${i}]`,
        description: `${code} and ${earlier} both answer "${situation.group}"; choose one`,
      });
    }
    groupChoice.set(situation.group, code);
  });
  const selected = new Set(chosen);
  const groups = [...new Set(content.situations.map((s) => s.group).filter((g) => g !== ''))];
  return {
    materials: content.materials.filter(
      (m) => m.situationCodes.length === 0 || m.situationCodes.some((code) => selected.has(code)),
    ),
    unansweredGroups: groups.filter((g) => !groupChoice.has(g)),
    violations,
  };
}

// ---- clean-up, delegation, bundles ---------------------------------------------------------------------

/** A clean-up action names its round and the decision it rests on. */
export function validateCleanupInput(input: CleanupInput, prefix = 'cleanup'): Violations {
  const violations: Violations = [];
  checkText(violations, `${prefix}.round`, input.round, 2, 100);
  checkText(violations, `${prefix}.basis`, input.basis, 2, 200);
  checkText(violations, `${prefix}.note`, input.note, 0, 1000);
  return violations;
}

/**
 * The content a delegation leads to: approved at the delegated tier, accepted there and at the tiers below
 * it that accepted before (a village point still takes applications in and forwards them). When no tier below
 * accepts any more, nothing is pre-reviewed: the pre-review budget goes.
 */
export function delegatedContent(content: ItemContent, delegation: Delegation): ItemContent {
  const below = content.acceptTiers.filter((t) => TIER_RANK[t] > TIER_RANK[delegation.tier]);
  const stageBudgets =
    below.length > 0 ? content.stageBudgets : content.stageBudgets.filter((b) => b.stage !== 'pre_review');
  return {
    ...content,
    delegation,
    approveTier: delegation.tier,
    acceptTiers: [delegation.tier, ...below],
    stageBudgets,
  };
}

/**
 * A bundle has a name, at least two distinct items, and names the hall and window that issue it (existence and
 * placement are checked against the directory and the catalogue: `validateBundlePlace`).
 */
export function validateBundleInput(input: ItemBundleInput, prefix = 'bundle'): Violations {
  const violations: Violations = [];
  checkText(violations, `${prefix}.name`, input.name, 2, 100);
  checkText(violations, `${prefix}.description`, input.description, 0, 1000);
  if (!input.hallId) violations.push({ field: `${prefix}.hall_id`, description: 'is required' });
  if (!input.windowId) violations.push({ field: `${prefix}.window_id`, description: 'is required' });
  if (input.itemIds.length < 2) {
    violations.push({ field: `${prefix}.item_ids`, description: 'a bundle issues at least two items together' });
  }
  const seen = new Set<string>();
  input.itemIds.forEach((id, i) => {
    if (!id) violations.push({ field: `${prefix}.item_ids[${i}]`, description: 'is required' });
    else if (seen.has(id)) violations.push({ field: `${prefix}.item_ids[${i}]`, description: `repeats item ${id}` });
    seen.add(id);
  });
  return violations;
}

/** Windows that hand results out: a department's or a comprehensive window, 统一出件, 批量办证服务室. */
export const ISSUING_WINDOWS: ReadonlySet<WindowKind> = new Set([
  'department',
  'comprehensive',
  'certificate',
  'batch_room',
]);
/** Issuing windows that issue only for the departments they serve (统一出件 issues for the whole hall). */
const DEPARTMENT_SERVING_WINDOWS: ReadonlySet<WindowKind> = new Set(['department', 'comprehensive', 'batch_room']);

/** Where a bundle is issued, as the directory and the catalogue hold it. */
export interface BundlePlace {
  readonly hall: { readonly id: string; readonly tier: HallTier; readonly active: boolean } | undefined;
  readonly window:
    | {
        readonly id: string;
        readonly hallId: string;
        readonly number: string;
        readonly kind: WindowKind;
        readonly active: boolean;
        readonly departmentIds: readonly string[];
      }
    | undefined;
  /** Each existing item's current version: its department, the hall seating it, and its accepting tiers. */
  readonly items: ReadonlyMap<
    string,
    { readonly departmentId: string; readonly departmentHallId: string; readonly acceptTiers: readonly HallTier[] }
  >;
}

/**
 * 两证齐发 at one window of one hall: the hall is active; the window is active, of that hall and issues results;
 * every item is accepted there — the hall's tier is among its accepting tiers and its department is seated in
 * the hall — and a window bound to departments serves the department of every item. Items missing from
 * `place.items` are reported by the caller (they do not exist).
 */
export function validateBundlePlace(input: ItemBundleInput, place: BundlePlace, prefix = 'bundle'): Violations {
  const violations: Violations = [];
  const { hall, window } = place;
  if (!hall) violations.push({ field: `${prefix}.hall_id`, description: `hall ${input.hallId} does not exist` });
  else if (!hall.active) violations.push({ field: `${prefix}.hall_id`, description: `hall ${hall.id} is deactivated` });
  const windowField = `${prefix}.window_id`;
  if (!window) violations.push({ field: windowField, description: `window ${input.windowId} does not exist` });
  else if (window.hallId !== input.hallId) {
    violations.push({ field: windowField, description: `window ${window.number} is not in hall ${input.hallId}` });
  } else if (!window.active) {
    violations.push({ field: windowField, description: `window ${window.number} is deactivated` });
  } else if (!ISSUING_WINDOWS.has(window.kind)) {
    violations.push({
      field: windowField,
      description: `a ${window.kind} window issues nothing: name a department, comprehensive, certificate or batch-room window`,
    });
  }
  const servesDepartments = window?.hallId === input.hallId && DEPARTMENT_SERVING_WINDOWS.has(window.kind);
  input.itemIds.forEach((id, i) => {
    const item = place.items.get(id);
    if (!item || !hall) return;
    const field = `${prefix}.item_ids[${i}]`;
    if (item.departmentHallId !== hall.id) {
      violations.push({
        field,
        description: `item ${id} is handled by department ${item.departmentId}, which is not seated in hall ${hall.id}`,
      });
    } else if (!item.acceptTiers.includes(hall.tier)) {
      violations.push({ field, description: `item ${id} is not accepted at a ${hall.tier} hall` });
    } else if (window && servesDepartments && !window.departmentIds.includes(item.departmentId)) {
      violations.push({
        field,
        description: `window ${window.number} does not serve department ${item.departmentId} of item ${id}`,
      });
    }
  });
  return violations;
}
