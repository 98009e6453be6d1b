/**
 * Applicant identity: the person's ID document number, an organisation's unified social credit code, phone
 * numbers, and how each is masked in answers and logs. Pure rules returning field violations at the path the
 * caller names, e.g. `registration.applicant.person.id_number`.
 *
 * Every check runs on the normalised value (`normaliseIdNumber`, `normalisePhone`): callers store that form,
 * so a number typed with spaces or a lower-case x finds the same look-up hash later.
 */
import { isIsoDate, localDateOf } from '@govhall/calendar';
import { maskIdNumber, maskMobile, residentIdCheckChar } from '@govhall/kit';
import type { FieldViolation } from '@govhall/kit/errors';

type Violations = FieldViolation[];

/** The documents a person may identify with at the counter. */
export const IdTypes = {
  /** 居民身份证 (GB 11643-1999). */
  residentId: 'resident_id',
  /** 护照, Chinese or foreign. */
  passport: 'passport',
  /** 港澳居民来往内地通行证 (回乡证). */
  hkMacauPermit: 'hk_macau_permit',
  /** 台湾居民来往大陆通行证 (台胞证). */
  taiwanPermit: 'taiwan_permit',
  /** 外国人永久居留身份证. */
  foreignPermanentResident: 'foreign_permanent_resident',
} as const;
export type IdType = (typeof IdTypes)[keyof typeof IdTypes];

/** Upper-cases and removes all white space (`110105 19491231 002x` → `11010519491231002X`). */
export function normaliseIdNumber(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

// ---------------------------------------------------------------------------------------------------------
// 居民身份证, GB 11643-1999: 6-digit region (GB/T 2260), 8-digit birth date, 3-digit sequence, check character.

/**
 * Province-level codes of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macau), and 83, which the residence permits
 * of Taiwan residents (台湾居民居住证) carry in the same 18-character format as 81 and 82 permits.
 */
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  ...['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37'],
  ...['41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65'],
  ...['71', '81', '82', '83'],
]);

/** The GB 11643 check character: the kit's, re-exported where the demo and the tests import it. */
export { residentIdCheckChar };

/** The birth date of a well-formed resident ID number, `YYYY-MM-DD`. */
export function residentIdBirthDate(idNumber: string): string {
  const id = normaliseIdNumber(idNumber);
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/**
 * 居民身份证号码: 18 characters, a plausible region, a real birth date from 1900 to today (China's local date of
 * `now`), and the GB 11643 check character. Reports the first problem found, most basic first.
 */
export function validateResidentIdNumber(value: string, field: string, now: Date): Violations {
  const id = normaliseIdNumber(value);
  const problem = residentIdProblem(id, now);
  return problem ? [{ field, description: problem }] : [];
}

function residentIdProblem(id: string, now: Date): string | undefined {
  if (id.length === 0) return 'is required';
  if (id.length !== 18) return `must be 18 characters (GB 11643), not ${id.length}`;
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 17 digits followed by a digit or X (GB 11643)';
  const province = id.slice(0, 2);
  if (!PROVINCE_CODES.has(province))
    return `region code ${id.slice(0, 6)} does not start with a province code (GB/T 2260), ${province} is none`;
  const birth = residentIdBirthDate(id);
  if (!isIsoDate(birth)) return `birth date ${birth} is not a real date`;
  if (birth < '1900-01-01') return `birth date ${birth} is before 1900`;
  const today = localDateOf(now);
  if (birth > today) return `birth date ${birth} is in the future (today is ${today})`;
  const expected = residentIdCheckChar(id.slice(0, 17));
  if (expected !== id[17]) return `check digit is ${expected}, not ${id[17]} (GB 11643)`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Other person documents: format only (their check schemes are not published).

const OTHER_ID_FORMATS: Record<Exclude<IdType, 'resident_id'>, { pattern: RegExp; description: string }> = {
  // ICAO 9303 document numbers run to 9 characters in the machine-readable zone, longer ones overflow into
  // the optional field; Chinese ones are E + 8 digits or E + letter + 7 digits.
  passport: { pattern: /^[A-Z0-9]{5,17}$/, description: 'must be 5 to 17 letters or digits' },
  // H (Hong Kong) or M (Macau) + 8 digits; cards before 2013 added a 2-digit issue count.
  hk_macau_permit: {
    pattern: /^[HM]\d{8}(\d{2})?$/,
    description: 'must be H or M followed by 8 digits (or 10 on older permits), e.g. H12345678',
  },
  // 8 digits on the card permit (since 2015); 10 on the older booklet, sometimes with a letter in brackets.
  taiwan_permit: {
    pattern: /^(\d{8}|\d{10}(\([A-Z]\))?)$/,
    description: 'must be 8 digits (or 10 on older permits), e.g. 12345678',
  },
  // 18 characters starting with 9 since December 2023; the 15-character cards before (3-letter nationality
  // code + 12 digits) stay valid until they expire.
  foreign_permanent_resident: {
    pattern: /^(9\d{16}[\dX]|[A-Z]{3}\d{12})$/,
    description: 'must be 18 characters starting with 9 (or 3 letters and 12 digits on cards before 2023)',
  },
};

/** A person's ID number of any type: the resident ID in full, the others by format. */
export function validatePersonIdNumber(idType: IdType, value: string, field: string, now: Date): Violations {
  if (idType === 'resident_id') return validateResidentIdNumber(value, field, now);
  const id = normaliseIdNumber(value);
  if (id.length === 0) return [{ field, description: 'is required' }];
  const { pattern, description } = OTHER_ID_FORMATS[idType];
  return pattern.test(id) ? [] : [{ field, description }];
}

// ---------------------------------------------------------------------------------------------------------
// 统一社会信用代码, GB 32100-2015: registration department (1), institution category (1), region (6),
// organisation code (9, GB 11714 with its own check character), check character (1).

/** The 31 characters of GB 32100 (no I, O, Z, S, V), their index being their value. */
export const SOCIAL_CREDIT_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// 3^(i-1) mod 31 for positions 1..17.
const SOCIAL_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Registration management departments (登记管理部门) and the institution categories each issues (GB 32100 annex A). */
const SOCIAL_CREDIT_CATEGORIES: Readonly<Record<string, string>> = {
  '1': '1239', // 机构编制: 机关, 事业单位, 中央编办直管群众团体, 其他
  '2': '19', // 外交: 外国常驻新闻机构, 其他
  '3': '123459', // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
  '4': '19', // 文化: 外国在华文化中心, 其他
  '5': '1239', // 民政: 社会团体, 民办非企业单位, 基金会, 其他
  '6': '129', // 旅游: 外国及港澳台旅游部门常驻代表机构, 其他
  '7': '129', // 宗教: 宗教活动场所, 宗教院校, 其他
  '8': '19', // 工会: 基层工会, 其他
  '9': '123', // 工商: 企业, 个体工商户, 农民专业合作社
  A: '19', // 中央军委改革和编制办公室: 军队事业单位, 其他
  N: '1239', // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
  Y: '1', // 其他
};

/** GB 32100 check character of the first 17 characters (which must be from the charset). */
export function socialCreditCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = SOCIAL_CREDIT_CHARSET.indexOf(first17[i] ?? '');
    if (value < 0) throw new RangeError(`character ${i + 1} of a social credit code is outside the GB 32100 set`);
    sum += value * SOCIAL_CREDIT_WEIGHTS[i]!;
  }
  return SOCIAL_CREDIT_CHARSET[(31 - (sum % 31)) % 31]!;
}

const ORGANISATION_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** GB 11714 check character of an 8-character organisation code body (digits 0–9, letters A=10 … Z=35). */
export function organisationCodeCheckChar(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8)) throw new RangeError('an organisation code body is 8 digits or capital letters');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(first8[i]!, 36) * ORGANISATION_CODE_WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** 统一社会信用代码 of an organisation applicant (upper-cased and without spaces first). */
export function validateSocialCreditCode(value: string, field: string): Violations {
  const problem = socialCreditProblem(normaliseIdNumber(value));
  return problem ? [{ field, description: problem }] : [];
}

function socialCreditProblem(code: string): string | undefined {
  if (code.length === 0) return 'is required';
  if (code.length !== 18) return `must be 18 characters (GB 32100), not ${code.length}`;
  const outside = [...code].findIndex((c) => !SOCIAL_CREDIT_CHARSET.includes(c));
  if (outside >= 0)
    return `character ${outside + 1} (${code[outside]}) is not in the GB 32100 set 0-9 and A-Y without I, O, S, V, Z`;
  const department = code[0]!;
  const categories = SOCIAL_CREDIT_CATEGORIES[department];
  if (!categories) return `registration department code ${department} is not one of GB 32100 (1-9, A, N, Y)`;
  if (!categories.includes(code[1]!))
    return `institution category ${code[1]} is not one of department ${department}'s (${[...categories].join(', ')})`;
  const region = code.slice(2, 8);
  // 10 is the central level: organs and enterprises registered by the State (e.g. 91100000…).
  if (!/^\d{6}$/.test(region) || !(PROVINCE_CODES.has(region.slice(0, 2)) || region.slice(0, 2) === '10'))
    return `region code ${region} is not a GB/T 2260 code`;
  const organisation = code.slice(8, 17);
  const organisationCheck = organisationCodeCheckChar(organisation.slice(0, 8));
  if (organisationCheck !== organisation[8])
    return `organisation code ${organisation} has check character ${organisation[8]}, not ${organisationCheck} (GB 11714)`;
  const expected = socialCreditCheckChar(code.slice(0, 17));
  if (expected !== code[17]) return `check character is ${expected}, not ${code[17]} (GB 32100)`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Phones.

/** A mainland mobile: 11 digits starting 13 to 19. */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
/**
 * A landline with its area code: 010 and 020–029 are the 3-digit area codes, every other one has 4 digits; the
 * local number has 7 or 8 digits and does not start with 0 or 1; an extension may follow a dash.
 */
export const LANDLINE_PATTERN = /^(0(?:10|2\d)|0[3-9]\d{2})-?([2-9]\d{6,7})(?:-(\d{1,6}))?$/;

/**
 * The stored form of a phone: white space, brackets and a +86 / 0086 prefix removed; a mobile as its 11 digits
 * (`138 1234 5678` → `13812345678`), a landline as `area-local[-extension]` (`(0536)8096123` →
 * `0536-8096123`), anything else compacted as typed (and refused by the checks).
 */
export function normalisePhone(value: string): string {
  const compact = value.replace(/[\s()（）]+/g, '');
  const international = /^(\+|00)86-?/.exec(compact);
  const rest = international ? compact.slice(international[0].length) : compact;
  const digits = rest.replace(/-/g, '');
  if (MOBILE_PATTERN.test(digits)) return digits;
  const national = international && !rest.startsWith('0') ? `0${rest}` : rest;
  const landline = LANDLINE_PATTERN.exec(national);
  if (landline) return `${landline[1]}-${landline[2]}${landline[3] ? `-${landline[3]}` : ''}`;
  return compact;
}

export function isMobile(value: string): boolean {
  return MOBILE_PATTERN.test(normalisePhone(value));
}

export function isLandline(value: string): boolean {
  return LANDLINE_PATTERN.test(normalisePhone(value));
}

/** A contact mobile (for text messages: 短信通知). */
export function validateMobile(value: string, field: string): Violations {
  if (!value.trim()) return [{ field, description: 'is required' }];
  return isMobile(value)
    ? []
    : [{ field, description: 'must be an 11-digit mainland mobile number, e.g. 13812345678' }];
}

/** A contact phone: a mobile, or a landline with its area code. */
export function validatePhone(value: string, field: string): Violations {
  if (!value.trim()) return [{ field, description: 'is required' }];
  return isMobile(value) || isLandline(value)
    ? []
    : [{ field, description: 'must be a mobile like 13812345678 or a landline with area code like 0536-8096123' }];
}

// ---------------------------------------------------------------------------------------------------------
// Masking for answers and logs (PIPL). Organisation codes are public and are never masked.

/**
 * A person's ID number for display. Resident IDs keep the national convention of the first 6 and last 4
 * (`370702********1234`, the kit's `maskIdNumber`). Other documents keep at most 6 + 4 characters and never
 * more than half of the number (`E12345678` → `E1*****78`), so short numbers are not given away.
 */
export function maskPersonIdNumber(idType: IdType, value: string): string {
  const id = normaliseIdNumber(value);
  if (idType === 'resident_id' && id.length === 18) return maskIdNumber(id);
  if (id.length < 6) return '****';
  const shown = Math.floor(id.length / 2);
  const tail = Math.min(4, Math.ceil(shown / 2));
  const head = Math.min(6, shown - tail);
  return `${id.slice(0, head)}${'*'.repeat(id.length - head - tail)}${id.slice(id.length - tail)}`;
}

/**
 * A phone for display: a mobile as 3 + 4 (`138****5678`, the kit's `maskMobile`), a landline as its area code
 * and the last 2 digits (`0536-*****23`; the extension is dropped), anything else fully hidden.
 */
export function maskPhone(value: string): string {
  const phone = normalisePhone(value);
  if (MOBILE_PATTERN.test(phone)) return maskMobile(phone);
  const landline = LANDLINE_PATTERN.exec(phone);
  if (landline) return `${landline[1]}-${'*'.repeat(landline[2]!.length - 2)}${landline[2]!.slice(-2)}`;
  return '****';
}
