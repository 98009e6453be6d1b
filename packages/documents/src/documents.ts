/**
 * The data of each document kind. Callers pass applicant data already masked (the intake service stores ID
 * numbers and phones encrypted and answers them masked); a complete resident ID number or mobile number is
 * refused rather than printed.
 */
import { isIsoDate, localDateOf } from '@govhall/calendar';
import { z } from 'zod';
import { InvalidDocumentError, violationsOf } from './errors';
import {
  decisionNumber,
  documentNumber,
  instant,
  isoDate,
  line,
  maskedIdNumber,
  maskedPhone,
  paragraph,
} from './fields';
import { pointsInHundredths } from './format';

/** An applicant or agent as printed. */
export const partySchema = z
  .object({
    /** A person's or an organisation's name. */
    name: line(1, 100),
    /** 居民身份证, 统一社会信用代码, 护照…; printed before the number. */
    idType: line(1, 20).optional(),
    /** Masked for persons, e.g. 370702********1234. */
    idNumber: maskedIdNumber.optional(),
    /** Masked, e.g. 138****5678. */
    phone: maskedPhone.optional(),
  })
  .strict();

/** Where the document was issued and by whom. */
export const handlingSchema = z
  .object({
    /** e.g. 3号窗口（市场监管综合窗口）. */
    window: line(1, 60),
    /** The staff member's name or number. */
    staff: line(1, 40),
    /** The window's phone for questions. */
    phone: line(3, 30).optional(),
  })
  .strict();

const itemName = line(2, 200);

export const acceptanceNoticeSchema = z
  .object({
    kind: z.literal('acceptance_notice'),
    /** 受理编号. */
    caseNumber: documentNumber,
    itemName,
    applicant: partySchema,
    acceptedAt: instant,
    /** 承诺时限 as text, e.g. 5个工作日. */
    promisedLimit: line(1, 40).optional(),
    /** 承诺办结日期, YYYY-MM-DD in China Standard Time. */
    promisedDate: isoDate,
    /** 查询密码; left out once it was told at acceptance (it is stored hashed): the notice says so. */
    queryPassword: z
      .string()
      .regex(/^[0-9A-Za-z]{4,12}$/, 'must be 4 to 12 letters or digits')
      .optional(),
    /** How to query, e.g. 登录潍坊政务服务网或拨打12345查询; else the template's, else the standard line. */
    queryInstructions: line(2, 200).optional(),
    /** 容缺受理: the applicant's commitment to bring the materials accepted missing. */
    commitment: z
      .object({
        /** Who signed the commitment (容缺受理承诺书). */
        signedBy: line(1, 50).optional(),
        materials: z
          .array(z.object({ name: line(1, 200), supplementDueAt: instant }).strict())
          .min(1, 'name at least one material accepted missing')
          .max(100),
      })
      .strict()
      .optional(),
    handling: handlingSchema,
  })
  .strict()
  .superRefine((notice, ctx) => {
    // Both are YYYY-MM-DD, so string order is date order.
    if (notice.promisedDate < localDateOf(notice.acceptedAt)) {
      ctx.addIssue({ code: 'custom', path: ['promisedDate'], message: 'must not be before the date of acceptedAt' });
    }
    notice.commitment?.materials.forEach((material, i) => {
      if (material.supplementDueAt.getTime() <= notice.acceptedAt.getTime()) {
        ctx.addIssue({
          code: 'custom',
          path: ['commitment', 'materials', i, 'supplementDueAt'],
          message: 'must be after acceptedAt',
        });
      }
    });
  });

export const SUPPLEMENT_PROBLEMS = ['missing', 'non_conforming'] as const;
export type SupplementProblem = (typeof SUPPLEMENT_PROBLEMS)[number];

export const supplementNoticeSchema = z
  .object({
    kind: z.literal('supplement_notice'),
    /** 登记号. */
    registrationNumber: documentNumber,
    itemName,
    applicant: partySchema,
    /** 1 for the first (一次性告知) notice; a later one may only name materials the first named. */
    sequence: z.int().min(1).max(99).default(1),
    /** Every missing or non-conforming material, each with what is wrong and what to bring. */
    entries: z
      .array(
        z
          .object({
            materialName: line(1, 200),
            problem: z.enum(SUPPLEMENT_PROBLEMS),
            reason: paragraph(2, 300),
          })
          .strict(),
      )
      .min(1, 'name at least one material to supplement')
      .max(200),
    requestedAt: instant,
    handling: handlingSchema,
  })
  .strict()
  .superRefine((notice, ctx) => {
    const seen = new Set<string>();
    notice.entries.forEach((entry, i) => {
      if (seen.has(entry.materialName)) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i, 'materialName'],
          message: 'names a material already listed: give all its problems in one entry',
        });
      }
      seen.add(entry.materialName);
    });
  });

export const refusalNoticeSchema = z
  .object({
    kind: z.literal('refusal_notice'),
    /** 登记号. */
    registrationNumber: documentNumber,
    itemName,
    applicant: partySchema,
    /** The written reason. */
    reason: paragraph(2, 1000),
    /** 法律依据, e.g. 《中华人民共和国行政许可法》第三十二条第一款第（二）项. */
    legalBasis: paragraph(2, 500).optional(),
    refusedAt: instant,
    /** 行政复议机关, e.g. 潍坊市人民政府; printed in the standard sentence when given. */
    reconsiderationAuthority: line(2, 100).optional(),
    /** The court to sue at, e.g. 潍坊市奎文区人民法院. */
    court: line(2, 100).optional(),
    handling: handlingSchema,
  })
  .strict();

export const CHANNELS = ['hall_window', 'online_pre_review', 'agent', 'township'] as const;
export type Channel = (typeof CHANNELS)[number];
export const MATERIAL_STATUSES = ['submitted', 'on_file', 'missing'] as const;
export type MaterialStatus = (typeof MATERIAL_STATUSES)[number];

export const registrationSlipSchema = z
  .object({
    kind: z.literal('registration_slip'),
    /** 登记号, e.g. DJ2026101200042. */
    registrationNumber: documentNumber,
    itemName,
    /** The item's code in the catalogue. */
    itemCode: line(1, 60).optional(),
    /** The catalogue version of the item the registration pinned. */
    catalogueVersion: z.int().min(1),
    /** 情形 chosen. */
    situations: z.array(line(1, 200)).max(50).default([]),
    applicant: partySchema,
    /** 代办员 / 联络监督员 / 委托代理人, when one acts for the applicant. */
    agent: partySchema
      .extend({ role: line(1, 20).optional() })
      .strict()
      .optional(),
    channel: z.enum(CHANNELS),
    registeredAt: instant,
    /** 受理时限: the limit as text (e.g. 4个工作小时内) and the instant it ends. */
    acceptanceDue: z.object({ limit: line(1, 40), at: instant }).strict(),
    materials: z
      .array(
        z
          .object({
            name: line(1, 200),
            /** Paper copies handed in. */
            copies: z.int().min(0).max(999).optional(),
            /** e.g. 原件, 复印件, 电子件, 原件核验. */
            form: line(1, 40).optional(),
            status: z.enum(MATERIAL_STATUSES),
            /** Where a material on file comes from, e.g. 电子证照库（潍坊市市场监督管理局）. */
            onFileFrom: line(1, 200).optional(),
          })
          .strict(),
      )
      .min(1, 'list at least one material')
      .max(200),
    handling: handlingSchema,
  })
  .strict()
  .superRefine((slip, ctx) => {
    if (slip.acceptanceDue.at.getTime() < slip.registeredAt.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['acceptanceDue', 'at'], message: 'must not be before registeredAt' });
    }
    slip.materials.forEach((material, i) => {
      if (material.status === 'on_file' && !material.onFileFrom) {
        ctx.addIssue({
          code: 'custom',
          path: ['materials', i, 'onFileFrom'],
          message: 'a material on file says where it comes from',
        });
      }
      if (material.status !== 'on_file' && material.onFileFrom) {
        ctx.addIssue({
          code: 'custom',
          path: ['materials', i, 'onFileFrom'],
          message: 'only a material on file has a source',
        });
      }
    });
  });

/** 法律依据: one law or regulation and the article cited, e.g. 《中华人民共和国食品安全法》第三十五条. */
export const legalBasisSchema = z
  .object({
    /** e.g. 《中华人民共和国食品安全法》; the book-title marks 《》 are added when missing. */
    name: line(2, 100),
    /** e.g. 第三十五条第一款; left out: the law as a whole. */
    article: line(2, 60).optional(),
  })
  .strict();

const legalBases = z.array(legalBasisSchema).min(1, 'cite at least one law or regulation').max(20);

/** The header fields of every decision (决定书), issued and sealed by a department, not by the hall. */
const decisionFields = {
  /** 发文机关, e.g. 潍坊市市场监督管理局: the document's header and, unless `sealText` says otherwise, its seal line. */
  department: line(2, 60),
  /** The seal's text when it is not the department's name, e.g. 潍坊市行政审批服务局行政许可专用章. */
  sealText: line(2, 40).optional(),
  /** 文号, e.g. 潍市监准字〔2026〕第000123号. */
  documentNumber: decisionNumber,
  /** 受理编号 of the case. */
  caseNumber: documentNumber,
  itemName,
  applicant: partySchema,
  /** The decision's date (printed under the seal). */
  decidedAt: instant,
  /** The window and staff to ask; a decision may leave them out. */
  handling: handlingSchema.optional(),
};

/** Where a refused or revoked applicant may seek 行政复议 and sue; the standard sentence names them when given. */
const remedyFields = {
  /** 行政复议机关, e.g. 潍坊市人民政府. */
  reconsiderationAuthority: line(2, 100).optional(),
  /** e.g. 潍坊市奎文区人民法院; else 人民法院. */
  court: line(2, 100).optional(),
};

export const COLLECTION_METHODS = ['window', 'appointment', 'express'] as const;
export type CollectionMethod = (typeof COLLECTION_METHODS)[number];

export const permitDecisionSchema = z
  .object({
    kind: z.literal('permit_decision'),
    ...decisionFields,
    /** The item's 办事依据 the approval rests on. */
    legalBasis: legalBases,
    /** 告知承诺: approved on the applicant's written commitment, to be verified later. */
    commitment: z
      .object({
        /** When the department verifies the commitment by; printed when given. */
        verificationDueAt: instant.optional(),
      })
      .strict()
      .optional(),
    /** 行政许可证件 issued with the decision (行政许可法第三十九条); none when the decision is the result. */
    certificates: z
      .array(
        z
          .object({
            name: line(2, 100),
            number: line(1, 60),
            /** YYYY-MM-DD, the last day it is valid; left out: 长期. */
            validUntil: isoDate.optional(),
          })
          .strict(),
      )
      .max(20)
      .default([]),
    /** How the applicant receives the result (证照领取). */
    collection: z
      .object({
        method: z.enum(COLLECTION_METHODS),
        /** window and appointment: where, e.g. 3号窗口（市场监管综合窗口）; else the accepting window. */
        window: line(1, 60).optional(),
        /** appointment: the agreed time. */
        appointmentAt: instant.optional(),
        /** express: the carrier, e.g. 中国邮政EMS. */
        expressCompany: line(2, 40).optional(),
        /** express: the waybill, once sent. */
        trackingNumber: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9-]{6,40}$/, 'must be 6 to 40 letters, digits or hyphens')
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((decision, ctx) => {
    const day = localDateOf(decision.decidedAt);
    decision.certificates.forEach((certificate, i) => {
      // An impossible date is told once, by its own field.
      if (certificate.validUntil !== undefined && isIsoDate(certificate.validUntil) && certificate.validUntil < day) {
        ctx.addIssue({
          code: 'custom',
          path: ['certificates', i, 'validUntil'],
          message: 'must not be before the date of decidedAt',
        });
      }
    });
    const due = decision.commitment?.verificationDueAt;
    if (due && due.getTime() <= decision.decidedAt.getTime()) {
      ctx.addIssue({
        code: 'custom',
        path: ['commitment', 'verificationDueAt'],
        message: 'must be after decidedAt',
      });
    }
    const collection = decision.collection;
    if (!collection) return;
    const issue = (field: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: ['collection', field], message });
    if (collection.method === 'appointment' && !collection.appointmentAt) {
      issue('appointmentAt', 'an appointment says when');
    }
    if (collection.method !== 'appointment' && collection.appointmentAt) {
      issue('appointmentAt', 'only an appointment has a time');
    }
    if (collection.method === 'express' && !collection.expressCompany) {
      issue('expressCompany', 'an express delivery names its carrier');
    }
    if (collection.method === 'express' && collection.window) {
      issue('window', 'an express delivery has no window');
    }
    if (collection.method !== 'express') {
      if (collection.expressCompany) issue('expressCompany', 'only an express delivery has a carrier');
      if (collection.trackingNumber) issue('trackingNumber', 'only an express delivery has a waybill');
    }
  });

export const refusalDecisionSchema = z
  .object({
    kind: z.literal('refusal_decision'),
    ...decisionFields,
    /** The written reason (行政许可法第三十八条第二款). */
    reason: paragraph(2, 1000, 'is required: a refusal gives its written reason (行政许可法第三十八条)'),
    legalBasis: legalBases,
    ...remedyFields,
  })
  .strict();

export const revocationDecisionSchema = z
  .object({
    kind: z.literal('revocation_decision'),
    ...decisionFields,
    /** The 告知承诺 approval revoked. */
    originalDecision: z.object({ documentNumber: decisionNumber, decidedAt: instant }).strict(),
    /** What the verification found (核查发现申请人承诺内容与实际情况不符: this). */
    finding: paragraph(2, 1000, 'is required: a revocation states what the verification found'),
    /** Left out: 《中华人民共和国行政许可法》第六十九条第二款. */
    legalBasis: legalBases.optional(),
    /** Certificates of the original decision, cancelled with it. */
    revokedCertificates: z
      .array(z.object({ name: line(2, 100), number: line(1, 60) }).strict())
      .max(20)
      .default([]),
    ...remedyFields,
  })
  .strict()
  .superRefine((decision, ctx) => {
    if (decision.originalDecision.decidedAt.getTime() > decision.decidedAt.getTime()) {
      ctx.addIssue({
        code: 'custom',
        path: ['originalDecision', 'decidedAt'],
        message: 'must not be after decidedAt',
      });
    }
    if (decision.originalDecision.documentNumber === decision.documentNumber) {
      ctx.addIssue({
        code: 'custom',
        path: ['originalDecision', 'documentNumber'],
        message: 'is the revocation’s own number: name the decision revoked',
      });
    }
  });

/** An amount of money: integer fen (分), never a float. */
const fen = z
  .number({ error: 'must be an amount in fen' })
  .int('must be a whole number of fen (a safe integer)')
  .min(0, 'must not be negative');

export const FEE_STANDARD_KINDS = ['fixed', 'per_unit'] as const;
/** A fee's published standard: a fixed amount, or a price per unit times the quantity. */
export type FeeStandardKind = (typeof FEE_STANDARD_KINDS)[number];

/** One charged line of a bill (收费项目), as the fee service confirmed it. */
export const paymentNoticeLineSchema = z
  .object({
    /** 收费单位, e.g. 潍坊市自然资源和规划局. */
    departmentName: line(2, 60),
    /** 收费项目, e.g. 城市基础设施配套费. */
    feeName: line(1, 100),
    standard: z.enum(FEE_STANDARD_KINDS),
    /** per_unit: the price of one unit. */
    unitPriceFen: fen.optional(),
    /** per_unit: the unit, e.g. 平方米. */
    unitName: line(1, 20).optional(),
    /** per_unit: the quantity in thousandths of the unit (1,250.000 平方米 = 1250000), above 0. */
    quantityMilli: z
      .number({ error: 'must be a quantity in thousandths of the unit' })
      .int('must be a whole number of thousandths of the unit (a safe integer)')
      .min(1, 'must be above 0')
      .optional(),
    /** What the standard gives: the fixed amount, or unit price × quantity rounded half up to the fen. */
    standardFen: fen,
    /** 减免: standard − charged when less than the standard is charged, else 0. */
    reductionFen: fen.default(0),
    /** 减免依据, e.g. 小微企业免收（财税〔2016〕79号）: required with a reduction. */
    reductionBasis: line(2, 200).optional(),
    /** 应缴金额: what is charged on this line. */
    chargedFen: fen,
  })
  .strict();

/** unit price × thousandths of a unit, rounded half up to the fen, in BigInt: a product can pass 2^53. */
function perUnitFen(unitPriceFen: number, quantityMilli: number): bigint {
  return (BigInt(unitPriceFen) * BigInt(quantityMilli) * 2n + 1000n) / 2000n;
}

/** Whether an amount passed its own field's check: arithmetic on a bad one would only repeat that refusal. */
function isFen(value: number | undefined): value is number {
  return value !== undefined && Number.isSafeInteger(value) && value >= 0;
}

function checkPaymentLine(
  entry: z.output<typeof paymentNoticeLineSchema>,
  issue: (field: string, message: string) => void,
): void {
  const perUnitFields = ['unitPriceFen', 'unitName', 'quantityMilli'] as const;
  if (entry.standard === 'per_unit') {
    for (const field of perUnitFields) {
      if (entry[field] === undefined) issue(field, 'a per-unit fee gives its unit price, unit and quantity');
    }
    if (
      isFen(entry.unitPriceFen) &&
      isFen(entry.standardFen) &&
      isFen(entry.quantityMilli) &&
      entry.quantityMilli > 0 &&
      perUnitFen(entry.unitPriceFen, entry.quantityMilli) !== BigInt(entry.standardFen)
    ) {
      issue('standardFen', 'must be unitPriceFen × quantityMilli / 1000, rounded half up to the fen');
    }
  } else {
    for (const field of perUnitFields) {
      if (entry[field] !== undefined) issue(field, 'only a per-unit fee has a unit price, unit and quantity');
    }
  }
  if (!isFen(entry.standardFen) || !isFen(entry.chargedFen) || !isFen(entry.reductionFen)) return;
  // Charged above the standard is a breach the fee service reports; the notice prints what is charged.
  const expectedReduction = Math.max(0, entry.standardFen - entry.chargedFen);
  if (entry.reductionFen !== expectedReduction) {
    issue('reductionFen', 'must be standardFen − chargedFen when less than the standard is charged, else 0');
  }
  if (entry.reductionFen > 0 && !entry.reductionBasis) issue('reductionBasis', 'a reduction names its basis');
  if (entry.reductionFen === 0 && entry.reductionBasis) issue('reductionBasis', 'only a reduction has a basis');
}

/** 缴费通知单: an issued bill (一费制 or one department's), to pay at the hall's bank counter or online. */
export const paymentNoticeSchema = z
  .object({
    kind: z.literal('payment_notice'),
    /** 缴费通知单号, e.g. JF370700-20261202-0001: the document's number. */
    billNumber: documentNumber,
    /** 缴款码: the 20 digits the payer gives the bank (printed in groups of four). */
    paymentCode: z
      .string()
      .trim()
      .regex(/^\d{20}$/, 'must be the 20 digits of the payment code'),
    /** 缴款人: the applicant as registered (masked like every party). */
    payer: partySchema,
    /** 受理编号 of the cases on the bill (several for a project's bundle). */
    caseNumbers: z.array(documentNumber).min(1, 'name at least one case').max(100),
    /** The project's name for a bundle's bill, else the item's name. */
    title: line(2, 200),
    lines: z.array(paymentNoticeLineSchema).min(1, 'list at least one charged line').max(200),
    /** 应缴合计: the sum of the lines' chargedFen. */
    totalFen: fen,
    /** Whether the bank may take the total in several payments. */
    allowPartial: z.boolean({ error: 'must be true or false' }),
    /** When the bill was issued (开票). */
    issuedAt: instant,
    /** Where and how to pay; else the standard sentence (the hall's bank counter, or online with the code). */
    paymentInstructions: line(2, 200).optional(),
    /** The window and staff that issued the bill; a notice may leave them out. */
    handling: handlingSchema.optional(),
  })
  .strict()
  .superRefine((notice, ctx) => {
    let sum = 0n;
    notice.lines.forEach((entry, i) => {
      if (isFen(entry.chargedFen)) sum += BigInt(entry.chargedFen);
      checkPaymentLine(entry, (field, message) => ctx.addIssue({ code: 'custom', path: ['lines', i, field], message }));
    });
    if (
      isFen(notice.totalFen) &&
      notice.lines.every((entry) => isFen(entry.chargedFen)) &&
      sum !== BigInt(notice.totalFen)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['totalFen'],
        message: `must be the sum of the lines' chargedFen (${sum} fen)`,
      });
    }
  });

/**
 * Points of an assessment (得分, a reason's 扣分 / 加分): any finite number, as the rules compute them (a weighted
 * indicator's are fractions); the notice prints them rounded to two decimals.
 */
const assessmentPoints = z
  .number({ error: 'must be a number of points' })
  .min(-1_000_000, 'must be at least −1,000,000')
  .max(1_000_000, 'must be at most 1,000,000');

/** 排名: 1 = best; equal points may share a rank. */
const assessmentRank = z.int('must be a whole rank, 1 = best').min(1, 'must be at least 1 (1 = best)').max(100_000);

/** One published reason a staff member's score moved (扣分理由 / 加分理由). */
export const assessmentReasonSchema = z
  .object({
    /** The published reason, e.g. 办件超时（黄牌）. */
    label: line(1, 100),
    /** Signed: negative a deduction (printed −5), positive a bonus (+2). */
    points: assessmentPoints,
  })
  .strict();

/** A staff member's month as published. */
export const assessmentStaffSchema = z
  .object({
    name: line(1, 50),
    /** e.g. B01窗口. */
    window: line(1, 60),
    points: assessmentPoints,
    /** 等次, e.g. 优秀, 合格. */
    grade: line(1, 10),
    rank: assessmentRank,
    /** 服务标兵 of the month. */
    bestStaff: z.boolean({ error: 'must be true or false' }),
    reasons: z.array(assessmentReasonSchema).max(50),
  })
  .strict();

/** A window's month as published. */
export const assessmentWindowSchema = z
  .object({
    /** e.g. B01窗口. */
    window: line(1, 60),
    points: assessmentPoints,
    rank: assessmentRank,
    /** 红旗窗口 of the month. */
    redFlag: z.boolean({ error: 'must be true or false' }),
    /** The points this month stands for in the department's annual assessment. */
    departmentAnnualPoints: assessmentPoints,
  })
  .strict();

/** A correction made after the month was published: the notice states it, a result never changes silently. */
export const assessmentCorrectionSchema = z
  .object({
    seq: z.int('must be a whole number').min(1, 'must be at least 1').max(10_000),
    reason: paragraph(2, 500),
    correctedAt: instant,
  })
  .strict();

/**
 * Ranks follow points as printed: an entry that scores less than another ranks after it (equal points may share a
 * rank, or be split by votes). Each wrong rank is told once, naming the first entry with more points that it is
 * not after.
 */
function checkRanks(
  list: 'staff' | 'windows',
  entries: readonly { points: number; rank: number }[],
  issue: (index: number, message: string) => void,
): void {
  const printed = entries.map((entry) => pointsInHundredths(entry.points));
  entries.forEach((entry, i) => {
    const above = entries.findIndex((other, j) => printed[j]! > printed[i]! && other.rank >= entry.rank);
    if (above !== -1) issue(i, `must be after the rank of ${list}[${above}], which has more points`);
  });
}

/** 窗口工作人员考核情况通报: the centre's written notice of a published month to a department's leaders. */
export const assessmentNoticeSchema = z
  .object({
    kind: z.literal('assessment_notice'),
    /** 文号 of the notice, e.g. 考核通报〔2026〕11号. */
    number: line(1, 40),
    /** The issuing centre, e.g. 漳州市行政服务中心: its seal line. */
    hallName: line(2, 60),
    /** The department addressed, e.g. 漳州市市场监督管理局. */
    departmentName: line(2, 60),
    /** The salutation, e.g. 市场监督管理局分管领导. */
    addressee: line(2, 60),
    /** The month assessed, YYYY-MM. */
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
    issuedAt: instant,
    /** The rules assessed by, e.g. 漳州市行政服务中心窗口工作人员月考评办法 (《》 added when missing). */
    rulesName: line(2, 100).optional(),
    /** The department's staff, in the order printed. */
    staff: z.array(assessmentStaffSchema).min(1, 'list at least one staff member').max(200),
    /** The department's windows, in the order printed; none: the table is left out. */
    windows: z.array(assessmentWindowSchema).max(50).default([]),
    /** 更正说明, when the month was corrected after publication. */
    corrections: z.array(assessmentCorrectionSchema).max(20).optional(),
    /** A closing paragraph, e.g. the month's findings and what the department is asked to do. */
    summary: paragraph(2, 1000).optional(),
    /** 联系人及电话, e.g. 王五 0596-2345678. */
    contact: line(2, 100).optional(),
  })
  .strict()
  .superRefine((notice, ctx) => {
    // Both are YYYY-MM…, so string order is date order.
    if (notice.month > localDateOf(notice.issuedAt).slice(0, 7)) {
      ctx.addIssue({ code: 'custom', path: ['month'], message: 'must not be after the month of issuedAt' });
    }
    const staffSeen = new Set<string>();
    notice.staff.forEach((member, i) => {
      const key = `${member.name}\u0000${member.window}`;
      if (staffSeen.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['staff', i], message: 'lists a staff member of a window twice' });
      }
      staffSeen.add(key);
    });
    checkRanks('staff', notice.staff, (i, message) =>
      ctx.addIssue({ code: 'custom', path: ['staff', i, 'rank'], message }),
    );
    const windowsSeen = new Set<string>();
    notice.windows.forEach((entry, i) => {
      if (windowsSeen.has(entry.window)) {
        ctx.addIssue({ code: 'custom', path: ['windows', i, 'window'], message: 'lists a window twice' });
      }
      windowsSeen.add(entry.window);
    });
    checkRanks('windows', notice.windows, (i, message) =>
      ctx.addIssue({ code: 'custom', path: ['windows', i, 'rank'], message }),
    );
    const seqs = new Set<number>();
    notice.corrections?.forEach((correction, i) => {
      if (seqs.has(correction.seq)) {
        ctx.addIssue({ code: 'custom', path: ['corrections', i, 'seq'], message: 'numbers a correction twice' });
      }
      seqs.add(correction.seq);
      // The notice is dated issuedAt: it cannot report a correction made after it.
      if (correction.correctedAt.getTime() > notice.issuedAt.getTime()) {
        ctx.addIssue({
          code: 'custom',
          path: ['corrections', i, 'correctedAt'],
          message: 'must not be after issuedAt: a corrected month is notified again',
        });
      }
    });
  });

export const hallDocumentSchema = z.discriminatedUnion('kind', [
  acceptanceNoticeSchema,
  supplementNoticeSchema,
  refusalNoticeSchema,
  registrationSlipSchema,
  permitDecisionSchema,
  refusalDecisionSchema,
  revocationDecisionSchema,
  paymentNoticeSchema,
  assessmentNoticeSchema,
]);

export type Party = z.output<typeof partySchema>;
export type Handling = z.output<typeof handlingSchema>;
export type AcceptanceNotice = z.output<typeof acceptanceNoticeSchema>;
export type SupplementNotice = z.output<typeof supplementNoticeSchema>;
export type RefusalNotice = z.output<typeof refusalNoticeSchema>;
export type RegistrationSlip = z.output<typeof registrationSlipSchema>;
export type LegalBasis = z.output<typeof legalBasisSchema>;
/** 准予行政许可决定书 (行政许可法第三十八条第一款、第三十九条), also for a 告知承诺 approval. */
export type PermitDecision = z.output<typeof permitDecisionSchema>;
/** 不予行政许可决定书 (行政许可法第三十八条第二款). */
export type RefusalDecision = z.output<typeof refusalDecisionSchema>;
/** 撤销行政许可决定书: a 告知承诺 approval whose verification failed. */
export type RevocationDecision = z.output<typeof revocationDecisionSchema>;
/** What a caller writes for each decision (`certificates`, `revokedCertificates` may be left out). */
export type PermitDecisionInput = z.input<typeof permitDecisionSchema>;
export type RefusalDecisionInput = z.input<typeof refusalDecisionSchema>;
export type RevocationDecisionInput = z.input<typeof revocationDecisionSchema>;
/** 缴费通知单 of an issued bill. */
export type PaymentNotice = z.output<typeof paymentNoticeSchema>;
export type PaymentNoticeLine = z.output<typeof paymentNoticeLineSchema>;
/** What a caller writes (`reductionFen` may be left out when nothing is reduced). */
export type PaymentNoticeInput = z.input<typeof paymentNoticeSchema>;
/** 窗口工作人员考核情况通报 of a published month, to one department. */
export type AssessmentNotice = z.output<typeof assessmentNoticeSchema>;
export type AssessmentStaff = z.output<typeof assessmentStaffSchema>;
export type AssessmentReason = z.output<typeof assessmentReasonSchema>;
export type AssessmentWindow = z.output<typeof assessmentWindowSchema>;
export type AssessmentCorrection = z.output<typeof assessmentCorrectionSchema>;
/** What a caller writes (`windows` may be left out when the department has no window of its own). */
export type AssessmentNoticeInput = z.input<typeof assessmentNoticeSchema>;
/** A document to render, by its `kind`. */
export type HallDocument = z.output<typeof hallDocumentSchema>;
/** What a caller writes (`sequence` and `situations` may be left out). */
export type HallDocumentInput = z.input<typeof hallDocumentSchema>;

/** Validates a document's data; throws {@link InvalidDocumentError} naming every bad field. */
export function parseHallDocument(input: unknown): HallDocument {
  const result = hallDocumentSchema.safeParse(input);
  if (!result.success) throw new InvalidDocumentError(violationsOf(result.error));
  return result.data;
}
