import { catalogueItemsV1 as items, intakeV1 as pb } from '@govhall/contracts';
import { PreconditionFailedError, type FieldViolation } from '@govhall/kit/errors';
import { between, missingRequired } from './registration';

type Violations = FieldViolation[];
const v = (field: string, description: string): FieldViolation => ({ field, description });
const S = pb.RegistrationStatus;

/** The department window's decisions on a registration (受理, 容缺受理, 补正, 不予受理, 即办). */

export type Decision =
  | 'accept'
  | 'accept_with_missing'
  | 'supply_missing'
  | 'request_supplement'
  | 'resubmit'
  | 'refuse'
  | 'complete_immediately'
  | 'reissue_password';

const ALLOWED: Record<Decision, readonly pb.RegistrationStatus[]> = {
  accept: [S.REGISTRATION_STATUS_REGISTERED],
  accept_with_missing: [S.REGISTRATION_STATUS_REGISTERED],
  complete_immediately: [S.REGISTRATION_STATUS_REGISTERED],
  supply_missing: [S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING],
  request_supplement: [S.REGISTRATION_STATUS_REGISTERED],
  resubmit: [S.REGISTRATION_STATUS_SUPPLEMENT_REQUESTED],
  refuse: [S.REGISTRATION_STATUS_REGISTERED, S.REGISTRATION_STATUS_SUPPLEMENT_REQUESTED],
  reissue_password: [
    S.REGISTRATION_STATUS_ACCEPTED,
    S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING,
    S.REGISTRATION_STATUS_COMPLETED,
  ],
};

const STATUS_NAMES: Record<string, string> = {
  [S.REGISTRATION_STATUS_REGISTERED]: '已登记待受理',
  [S.REGISTRATION_STATUS_SUPPLEMENT_REQUESTED]: '补正中',
  [S.REGISTRATION_STATUS_ACCEPTED]: '已受理',
  [S.REGISTRATION_STATUS_ACCEPTED_WITH_MISSING]: '已容缺受理',
  [S.REGISTRATION_STATUS_REFUSED]: '不予受理',
  [S.REGISTRATION_STATUS_COMPLETED]: '已办结（即办）',
};
const DECISION_NAMES: Record<Decision, string> = {
  accept: '受理',
  accept_with_missing: '容缺受理',
  supply_missing: '补交容缺材料',
  request_supplement: '补正告知',
  resubmit: '补正材料提交',
  refuse: '不予受理',
  complete_immediately: '即办',
  reissue_password: '重置查询密码',
};

/**
 * The state machine: which decision each status admits. A later supplement notice is the same decision from
 * REGISTERED after a resubmission (the notice history tells it is a later one).
 */
export function assertCanDecide(registration: pb.Registration, decision: Decision): void {
  if (!ALLOWED[decision].includes(registration.status))
    throw new PreconditionFailedError(
      `登记 ${registration.number} 当前状态为“${STATUS_NAMES[registration.status] ?? registration.status}”，不能${DECISION_NAMES[decision]}`,
    );
  const immediate = registration.caseType === items.CaseType.CASE_TYPE_IMMEDIATE;
  if (immediate && (decision === 'accept' || decision === 'accept_with_missing'))
    throw new PreconditionFailedError('即办件当场办结：请用 CompleteImmediately（即办）一步受理并办结');
  if (!immediate && decision === 'complete_immediately')
    throw new PreconditionFailedError('只有即办件可以当场办结；承诺件请用 Accept 受理');
}

/**
 * Who decides: staff of the item's department at a window of the hall serving it, or at a comprehensive window
 * serving it. 市县联动: where the item's department sits in another hall (a city bureau's item accepted at the
 * district), a department of this hall that carries its line (`carriers`, see {@link carryingDepartments}) stands
 * in for it, by the same rules.
 */
export interface DecidingWindow {
  readonly id: string;
  readonly hallId: string;
  readonly kind: string;
  readonly departmentIds: readonly string[];
  readonly active: boolean;
}
export function decidingRefusal(
  actor: { readonly hallId: string; readonly departmentId: string | null; readonly windowId: string },
  registration: pb.Registration,
  window: DecidingWindow | undefined,
  carriers: readonly string[] = [],
): string | undefined {
  if (actor.hallId !== registration.hallId) return '只有本中心工作人员可以作出受理决定';
  if (!window || window.hallId !== registration.hallId || !window.active) return '受理窗口不属于本中心';
  const served = [registration.departmentId, ...carriers].filter((id) => window.departmentIds.includes(id));
  if (served.length === 0) return '该窗口不承办本事项所属部门的业务';
  const ofServed = actor.departmentId !== null && served.includes(actor.departmentId);
  if (window.kind === 'department' && ofServed) return undefined;
  if (window.kind === 'comprehensive' && (ofServed || actor.windowId === window.id)) return undefined;
  return '只有事项所属部门的窗口工作人员或承办该部门业务的综合窗口工作人员可以作出受理决定';
}

/** A department as the cross-tier rule reads it: where it sits, and its 对口上级部门 ('' for none). */
export interface LinkedDepartment {
  readonly id: string;
  readonly hallId: string;
  readonly upperDepartmentId: string;
  readonly active: boolean;
}

/**
 * 市县联动: which of `candidates` (departments a window of hall `hallId` serves) carry the line of `itemDepartment`
 * at this hall: active departments of this hall whose chain of upper departments (each link active) reaches it.
 * None when the item's department sits in this hall itself, or is unknown.
 */
export function carryingDepartments(
  itemDepartment: LinkedDepartment | undefined,
  hallId: string,
  candidates: readonly string[],
  departmentOf: (id: string) => LinkedDepartment | undefined,
): string[] {
  if (!itemDepartment || itemDepartment.hallId === hallId) return [];
  return candidates.filter((id) => {
    const start = departmentOf(id);
    if (!start || start.hallId !== hallId || !start.active) return false;
    const seen = new Set([id]);
    for (let up = start.upperDepartmentId; up && !seen.has(up);) {
      if (up === itemDepartment.id) return true;
      const link = departmentOf(up);
      if (!link || !link.active) return false;
      seen.add(up);
      up = link.upperDepartmentId;
    }
    return false;
  });
}

/** Accept: every required material submitted or on file. */
export function validateAccept(registration: pb.Registration): Violations {
  return missingRequired(registration.materials).map((m) =>
    v(`materials[${m.code}]`, `缺少必要材料“${m.name}”：请补正（一次性告知）或按容缺受理办理`),
  );
}

const CATEGORY_NAMES: Record<string, string> = {
  [items.ProjectCategory.PROJECT_CATEGORY_MAJOR_GOVERNMENT_INVESTMENT]: '重大政府投资',
  [items.ProjectCategory.PROJECT_CATEGORY_INVESTMENT_ATTRACTION]: '招商引资',
  [items.ProjectCategory.PROJECT_CATEGORY_POVERTY_ALLEVIATION]: '脱贫攻坚',
};

/** 容缺受理: what the policy, the materials and the commitment must be. Throws for the policy; answers field errors. */
export function validateAcceptWithMissing(
  registration: pb.Registration,
  item: items.Item,
  codes: readonly string[],
  commitment: pb.MissingMaterialCommitment | undefined,
): Violations {
  const policy = item.content?.missingMaterials;
  if (!policy) throw new PreconditionFailedError(`事项“${registration.itemName}”不实行容缺受理`);
  const eligible = policy.eligibleCategories;
  if (
    !eligible.includes(items.ProjectCategory.PROJECT_CATEGORY_ANY) &&
    !eligible.includes(registration.projectCategory)
  )
    throw new PreconditionFailedError(
      `容缺受理仅限${eligible.map((c) => CATEGORY_NAMES[c] ?? c).join('、')}项目` +
        (registration.projectName ? `；项目“${registration.projectName}”不在其列` : '；本申请未登记所属重点项目'),
    );
  const out: Violations = [];
  if (codes.length === 0) out.push(v('missing_material_codes', '必须列出容缺的材料'));
  const byCode = new Map(registration.materials.map((m) => [m.code, m]));
  const seen = new Set<string>();
  codes.forEach((code, i) => {
    const m = byCode.get(code);
    const field = `missing_material_codes[${i}]`;
    if (!m) out.push(v(field, `材料 ${code} 不在本申请的材料清单中`));
    else if (seen.has(code)) out.push(v(field, `材料 ${code} 重复`));
    else if (!m.mayBeAcceptedMissing) out.push(v(field, `“${m.name}”不属于可容缺材料`));
    else if (m.status !== pb.MaterialStatus.MATERIAL_STATUS_MISSING)
      out.push(v(field, `“${m.name}”已提交或已在库，无需容缺`));
    seen.add(code);
  });
  for (const m of missingRequired(registration.materials))
    if (!seen.has(m.code)) out.push(v(`materials[${m.code}]`, `缺少必要材料“${m.name}”，且未列为容缺`));
  if (!commitment || !between(commitment.signedBy, 2, 50))
    out.push(v('commitment.signed_by', '必须由申请人或其代理人签署容缺受理承诺书（2 至 50 个字符）'));
  if (commitment && [...commitment.statement].length > 500)
    out.push(v('commitment.statement', '承诺内容至多 500 个字符'));
  return out;
}

export function validateSupplementEntries(
  registration: pb.Registration,
  entries: readonly pb.SupplementEntry[],
): Violations {
  if (entries.length === 0) return [v('entries', '补正告知必须一次性列明需补正的全部材料')];
  const out: Violations = [];
  const byCode = new Map(registration.materials.map((m) => [m.code, m]));
  const first = registration.supplementNotices[0];
  const firstCodes = new Set(first?.entries.map((e) => e.materialCode) ?? []);
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const field = `entries[${i}]`;
    if (!byCode.has(e.materialCode))
      out.push(v(`${field}.material_code`, `材料 ${e.materialCode} 不在本申请的材料清单中`));
    else if (seen.has(e.materialCode)) out.push(v(`${field}.material_code`, `材料 ${e.materialCode} 重复`));
    else if (first && !firstCodes.has(e.materialCode))
      out.push(
        v(
          `${field}.material_code`,
          `一次性告知：再次补正只能针对首次告知列明的材料，“${byCode.get(e.materialCode)!.name}”不在其中`,
        ),
      );
    seen.add(e.materialCode);
    if (
      e.problem !== pb.SupplementProblem.SUPPLEMENT_PROBLEM_MISSING &&
      e.problem !== pb.SupplementProblem.SUPPLEMENT_PROBLEM_NON_CONFORMING
    )
      out.push(v(`${field}.problem`, '必须说明是缺少还是不符合法定形式'));
    if (!between(e.reason, 2, 300)) out.push(v(`${field}.reason`, '补正理由为 2 至 300 个字符'));
  });
  return out;
}

export function validateRefusal(reason: string, legalBasis: string): Violations {
  const out: Violations = [];
  if (!between(reason, 2, 1000)) out.push(v('reason', '不予受理必须书面说明理由（2 至 1000 个字符）'));
  if ([...legalBasis].length > 300) out.push(v('legal_basis', '法律依据至多 300 个字符'));
  return out;
}

export function validateCompletion(resultNote: string, certificateNumber: string): Violations {
  const out: Violations = [];
  if (!between(resultNote, 2, 500)) out.push(v('result_note', '必须记录办理结果（2 至 500 个字符）'));
  if ([...certificateNumber].length > 64) out.push(v('certificate_number', '证照编号至多 64 个字符'));
  return out;
}

/** Supplied 容缺 materials: each must be one accepted missing and not yet supplied. */
export function validateSupplied(
  registration: pb.Registration,
  materials: readonly pb.SubmittedMaterial[],
): Violations {
  if (materials.length === 0) return [v('materials', '必须列出补交的材料')];
  const byCode = new Map(registration.materials.map((m) => [m.code, m]));
  const out: Violations = [];
  const seen = new Set<string>();
  materials.forEach((s, i) => {
    const m = byCode.get(s.code);
    if (!m || !m.supplementDueAt) out.push(v(`materials[${i}].code`, `材料 ${s.code} 不是容缺受理的材料`));
    else if (m.suppliedAt) out.push(v(`materials[${i}].code`, `“${m.name}”已补交`));
    else if (seen.has(s.code)) out.push(v(`materials[${i}].code`, `材料 ${s.code} 重复`));
    seen.add(s.code);
  });
  return out;
}

export function validateResubmitted(
  registration: pb.Registration,
  materials: readonly pb.SubmittedMaterial[],
): Violations {
  const notice = registration.supplementNotices.at(-1);
  const named = new Set(notice?.entries.map((e) => e.materialCode) ?? []);
  const out: Violations = [];
  materials.forEach((s, i) => {
    if (!named.has(s.code)) out.push(v(`materials[${i}].code`, `材料 ${s.code} 不在补正告知书列明的材料中`));
  });
  return out;
}
