import { LimitUnits, REGION_CODE_PATTERN, isIsoDate, type TimeLimit as CalendarLimit } from '@govhall/calendar';
import { calendarLimitOf } from '@govhall/catalogue-client';
import { catalogueItemsV1 as items, intakeV1 as pb } from '@govhall/contracts';
import type { FieldViolation } from '@govhall/kit/errors';
import {
  IdTypes,
  validatePersonIdNumber,
  validatePhone,
  validateResidentIdNumber,
  validateSocialCreditCode,
  type IdType,
} from './identity';

type Violations = FieldViolation[];
const v = (field: string, description: string): FieldViolation => ({ field, description });

/** The registration rules of the front desk (总台受理), on the contract messages (docs/adr/0017). */

/** 4 working hours: the acceptance limit when the item names none. */
export const DEFAULT_ACCEPTANCE_LIMIT: items.TimeLimit = { amount: 4, unit: items.LimitUnit.LIMIT_UNIT_WORKING_HOURS };

const ID_TYPES: Partial<Record<pb.IdType, IdType>> = {
  [pb.IdType.ID_TYPE_RESIDENT_ID]: IdTypes.residentId,
  [pb.IdType.ID_TYPE_PASSPORT]: IdTypes.passport,
  [pb.IdType.ID_TYPE_HK_MACAO_PERMIT]: IdTypes.hkMacauPermit,
  [pb.IdType.ID_TYPE_TAIWAN_PERMIT]: IdTypes.taiwanPermit,
  [pb.IdType.ID_TYPE_FOREIGN_PERMANENT_RESIDENT]: IdTypes.foreignPermanentResident,
};
export const idTypeOf = (idType: pb.IdType): IdType | undefined => ID_TYPES[idType];

/** A catalogue time limit as the calendar computes with it (an unset unit: working days, as the catalogue reads). */
export function calendarLimit(limit: items.TimeLimit | undefined): CalendarLimit {
  return calendarLimitOf(limit) ?? { amount: limit?.amount ?? 0, unit: LimitUnits.workingDays };
}

export function acceptanceLimitOf(item: items.Item): items.TimeLimit {
  const limit = item.content?.acceptanceLimit;
  return limit && limit.amount > 0 && calendarLimitOf(limit) ? limit : DEFAULT_ACCEPTANCE_LIMIT;
}

/** Whether a text is `min` (trimmed) to `max` characters (code points). */
export const between = (text: string, min: number, max: number) =>
  [...text.trim()].length >= min && [...text].length <= max;

export function validateApplicant(input: pb.ApplicantInput | undefined, now: Date): Violations {
  if (!input) return [v('applicant', '必须填写申请人')];
  const out: Violations = [];
  if (input.kind === pb.ApplicantKind.APPLICANT_KIND_PERSON) {
    const person = input.person;
    if (!person) return [v('applicant.person', '申请人为自然人时必须填写 person')];
    if (!between(person.name, 2, 50)) out.push(v('applicant.person.name', '姓名为 2 至 50 个字符'));
    const idType = idTypeOf(person.idType);
    if (!idType) out.push(v('applicant.person.id_type', '必须选择证件类型'));
    else out.push(...validatePersonIdNumber(idType, person.idNumber, 'applicant.person.id_number', now));
    out.push(...validatePhone(person.phone, 'applicant.person.phone'));
  } else if (input.kind === pb.ApplicantKind.APPLICANT_KIND_ORGANISATION) {
    const org = input.organisation;
    if (!org) return [v('applicant.organisation', '申请人为法人或其他组织时必须填写 organisation')];
    if (!between(org.name, 2, 100)) out.push(v('applicant.organisation.name', '名称为 2 至 100 个字符'));
    out.push(...validateSocialCreditCode(org.creditCode, 'applicant.organisation.credit_code'));
    if (!between(org.legalRepresentative, 2, 50))
      out.push(v('applicant.organisation.legal_representative', '法定代表人为 2 至 50 个字符'));
    if (!between(org.contactName, 2, 50)) out.push(v('applicant.organisation.contact_name', '联系人为 2 至 50 个字符'));
    out.push(...validatePhone(org.contactPhone, 'applicant.organisation.contact_phone'));
  } else {
    out.push(v('applicant.kind', '必须选择申请人类型（自然人或法人）'));
  }
  return out;
}

export function validateAgentInput(input: pb.AgentInput | undefined, hallRegion: string, now: Date): Violations {
  if (!input) return [v('agent', '必须填写代办员')];
  const out: Violations = [];
  if (input.kind !== pb.AgentKind.AGENT_KIND_AGENT && input.kind !== pb.AgentKind.AGENT_KIND_LIAISON)
    out.push(v('agent.kind', '必须选择代办员或联络监督员'));
  if (!between(input.name, 2, 50)) out.push(v('agent.name', '姓名为 2 至 50 个字符'));
  out.push(...validateResidentIdNumber(input.idNumber, 'agent.id_number', now));
  out.push(...validatePhone(input.phone, 'agent.phone'));
  if (!between(input.community, 2, 100)) out.push(v('agent.community', '服务的村（社区）为 2 至 100 个字符'));
  if (!REGION_CODE_PATTERN.test(input.regionCode)) out.push(v('agent.region_code', '行政区划代码为 6、9 或 12 位数字'));
  else if (!input.regionCode.startsWith(hallRegion.replace(/(00)+$/, '')))
    out.push(v('agent.region_code', `须在本中心所在行政区划（${hallRegion}）之内`));
  if (!isIsoDate(input.appointedFrom)) out.push(v('agent.appointed_from', '聘任起始日期须为 YYYY-MM-DD'));
  if (input.appointedUntil) {
    if (!isIsoDate(input.appointedUntil)) out.push(v('agent.appointed_until', '聘任截止日期须为 YYYY-MM-DD'));
    else if (isIsoDate(input.appointedFrom) && input.appointedUntil < input.appointedFrom)
      out.push(v('agent.appointed_until', '聘任截止日期不得早于起始日期'));
  }
  return out;
}

export function agentAppointedOn(agent: pb.Agent, date: string): boolean {
  return agent.appointedFrom <= date && (!agent.appointedUntil || agent.appointedUntil >= date);
}

const HALL_TIERS: Record<string, string> = {
  city: 'HALL_TIER_CITY',
  district: 'HALL_TIER_DISTRICT',
  township: 'HALL_TIER_TOWNSHIP',
  village: 'HALL_TIER_VILLAGE',
  province: 'HALL_TIER_PROVINCE',
};
const TIER_NAMES: Record<string, string> = {
  HALL_TIER_CITY: '市级',
  HALL_TIER_DISTRICT: '区县级',
  HALL_TIER_TOWNSHIP: '乡镇（街道）级',
  HALL_TIER_VILLAGE: '村（社区）级',
  HALL_TIER_PROVINCE: '省级',
};

/**
 * Whether an item (as the catalogue answered for `requestedVersion`) may be registered now at a hall of `hallTier`.
 * Only the version in service takes new applications: version 0 pins it; an explicit version must be that
 * published one (a retired version, even one the catalogue still answers, is refused).
 */
export function checkItemForRegistration(
  item: items.Item | undefined,
  requestedVersion: number,
  hallTier: string,
): Violations {
  if (!item)
    return [v('item_id', requestedVersion > 0 ? `事项没有已发布的第 ${requestedVersion} 版` : '事项不存在或尚未发布')];
  if (item.status !== items.ItemStatus.ITEM_STATUS_PUBLISHED)
    return [v(requestedVersion > 0 ? 'item_version' : 'item_id', `事项第 ${item.version} 版已废止，不再受理新的申请`)];
  if (item.frozen) return [v('item_id', '事项已冻结（清理规范中），暂停受理')];
  const tier = HALL_TIERS[hallTier] ?? hallTier;
  const accepted = (item.content?.acceptTiers ?? []) as string[];
  if (!accepted.includes(tier))
    return [
      v(
        'item_id',
        `本中心（${TIER_NAMES[tier] ?? tier}）不受理该事项；受理层级：${accepted.map((t) => TIER_NAMES[t] ?? t).join('、') || '无'}`,
      ),
    ];
  return [];
}

export function validateSituations(item: items.Item, codes: readonly string[]): Violations {
  const situations = item.content?.situations ?? [];
  const out: Violations = [];
  const byCode = new Map(situations.map((s) => [s.code, s]));
  const groupsAnswered = new Map<string, number>();
  const seen = new Set<string>();
  codes.forEach((code, i) => {
    const situation = byCode.get(code);
    if (!situation) out.push(v(`situation_codes[${i}]`, `事项没有情形 ${code}`));
    else if (seen.has(code)) out.push(v(`situation_codes[${i}]`, `情形 ${code} 重复`));
    else if (situation.group && groupsAnswered.has(situation.group))
      out.push(v(`situation_codes[${i}]`, `“${situation.group}”只能选择一个情形`));
    seen.add(code);
    if (situation?.group && !groupsAnswered.has(situation.group)) groupsAnswered.set(situation.group, i);
  });
  const groups = [...new Set(situations.map((s) => s.group).filter((g) => g))];
  const unanswered = groups.filter((g) => !groupsAnswered.has(g));
  if (unanswered.length > 0) out.push(v('situation_codes', `必须选择：${unanswered.join('、')}`));
  return out;
}

/** What a handed-in material sets on its registration material: submitted, as many copies as given (else as listed). */
export function submittedFields(s: pb.SubmittedMaterial, listedCopies: number) {
  return {
    status: pb.MaterialStatus.MATERIAL_STATUS_SUBMITTED,
    copies: s.copies || listedCopies,
    originalChecked: s.originalChecked,
    fileRef: s.fileRef,
  };
}

/** The item's materials for the chosen situations: those of no situation, and those of a chosen one. */
export function materialList(item: items.Item, situationCodes: readonly string[]): items.Material[] {
  const chosen = new Set(situationCodes);
  return (item.content?.materials ?? []).filter(
    (m) => m.situationCodes.length === 0 || m.situationCodes.some((c) => chosen.has(c)),
  );
}

export const isRequired = (m: items.Material) => m.necessity !== items.MaterialNecessity.MATERIAL_NECESSITY_OPTIONAL;

export function validateSubmittedMaterials(
  list: readonly items.Material[],
  submitted: readonly pb.SubmittedMaterial[],
  channel: pb.Channel,
  field = 'materials',
): Violations {
  const out: Violations = [];
  const byCode = new Map(list.map((m) => [m.code, m]));
  const seen = new Set<string>();
  submitted.forEach((s, i) => {
    const material = byCode.get(s.code);
    if (!material) out.push(v(`${field}[${i}].code`, `材料 ${s.code} 不在所选情形的材料清单中`));
    else if (seen.has(s.code)) out.push(v(`${field}[${i}].code`, `材料 ${s.code} 重复提交`));
    else if (s.copies < 0 || s.copies > 100) out.push(v(`${field}[${i}].copies`, '份数为 0 至 100'));
    else if (
      channel === pb.Channel.CHANNEL_ONLINE_PRE_REVIEW &&
      (material.originalForCheck || material.form === items.MaterialForm.MATERIAL_FORM_ORIGINAL) &&
      !s.originalChecked
    )
      out.push(v(`${field}[${i}].original_checked`, `网上预审件须在窗口核验“${material.name}”原件`));
    seen.add(s.code);
  });
  return out;
}

export function validateRegisterShape(r: pb.RegisterRequest, now: Date): Violations {
  const out = validateApplicant(r.applicant, now);
  if (!r.hallId) out.push(v('hall_id', '必须指定政务服务中心'));
  if (!r.windowId) out.push(v('window_id', '必须指定登记窗口'));
  if (!r.itemId) out.push(v('item_id', '必须选择事项'));
  if (r.itemVersion < 0) out.push(v('item_version', '版本号不得为负数'));
  if (
    ![
      pb.Channel.CHANNEL_HALL_WINDOW,
      pb.Channel.CHANNEL_ONLINE_PRE_REVIEW,
      pb.Channel.CHANNEL_AGENT,
      pb.Channel.CHANNEL_TOWNSHIP,
    ].includes(r.channel)
  )
    out.push(v('channel', '必须选择受理渠道'));
  if (r.channel === pb.Channel.CHANNEL_AGENT && !r.agentId) out.push(v('agent_id', '代办件必须指定代办员'));
  if (r.channel === pb.Channel.CHANNEL_ONLINE_PRE_REVIEW && !r.preReviewReference.trim())
    out.push(v('pre_review_reference', '网上预审件必须填写预审申请编号'));
  if (r.preReviewReference.length > 64) out.push(v('pre_review_reference', '预审申请编号至多 64 个字符'));
  if (r.project && (r.project.name || r.project.category !== items.ProjectCategory.PROJECT_CATEGORY_UNSPECIFIED)) {
    if (!between(r.project.name, 2, 100)) out.push(v('project.name', '项目名称为 2 至 100 个字符'));
    if (r.project.category === items.ProjectCategory.PROJECT_CATEGORY_ANY)
      out.push(v('project.category', '项目类别须为重大政府投资、招商引资或脱贫攻坚'));
  }
  return out;
}

/** What the certificate store and the applicant's earlier cases hold, as the registration rules read them. */
export interface OnFileLookup {
  certificate(name: string): { number: string; issuer: string } | undefined;
  verified(materialName: string): { caseNumber: string; issuer: string } | undefined;
}

/**
 * The registration's materials: submitted ones as handed in; a required one not handed in is ON_FILE when a
 * valid certificate of its `certificate_name` is in the store, or when it is government-issued and was verified
 * in an earlier accepted case of the applicant; otherwise MISSING.
 */
export function registrationMaterials(
  list: readonly items.Material[],
  submitted: readonly pb.SubmittedMaterial[],
  onFile: OnFileLookup,
): pb.RegistrationMaterial[] {
  const handed = new Map(submitted.map((s) => [s.code, s]));
  return list.map((m) => {
    const base = pb.RegistrationMaterial.fromPartial({
      code: m.code,
      name: m.name,
      required: isRequired(m),
      mayBeAcceptedMissing: m.mayBeAcceptedMissing,
    });
    const s = handed.get(m.code);
    if (s) return { ...base, ...submittedFields(s, m.copies) };
    const certificate = m.certificateName ? onFile.certificate(m.certificateName) : undefined;
    if (certificate)
      return {
        ...base,
        status: pb.MaterialStatus.MATERIAL_STATUS_ON_FILE,
        onFileSource: pb.OnFileSource.ON_FILE_SOURCE_CERTIFICATE,
        onFileReference: certificate.number,
        onFileIssuer: certificate.issuer,
      };
    const verified = m.source === items.MaterialSource.MATERIAL_SOURCE_GOVERNMENT ? onFile.verified(m.name) : undefined;
    if (verified)
      return {
        ...base,
        status: pb.MaterialStatus.MATERIAL_STATUS_ON_FILE,
        onFileSource: pb.OnFileSource.ON_FILE_SOURCE_EARLIER_CASE,
        onFileReference: verified.caseNumber,
        onFileIssuer: verified.issuer,
      };
    return { ...base, status: pb.MaterialStatus.MATERIAL_STATUS_MISSING };
  });
}

/** The required materials neither submitted nor on file. */
export const missingRequired = (materials: readonly pb.RegistrationMaterial[]) =>
  materials.filter((m) => m.required && m.status === pb.MaterialStatus.MATERIAL_STATUS_MISSING);
export const missingRequiredCodes = (materials: readonly pb.RegistrationMaterial[]) =>
  missingRequired(materials).map((m) => m.code);

/**
 * The identity an applicant is keyed by: a person by their document's look-up hash, an organisation by its code.
 * Takes an `ApplicantInput`, or the same fields of a look-up request.
 */
export function applicantIdentityKey(
  input: {
    readonly kind: pb.ApplicantKind;
    readonly person?: { readonly idType: pb.IdType; readonly idNumber: string } | undefined;
    readonly organisation?: { readonly creditCode: string } | undefined;
  },
  lookupHash: (value: string) => string,
): string {
  if (input.kind === pb.ApplicantKind.APPLICANT_KIND_ORGANISATION)
    return `org:${input.organisation!.creditCode.trim().toUpperCase()}`;
  return `person:${idTypeOf(input.person!.idType)}:${lookupHash(input.person!.idNumber)}`;
}
