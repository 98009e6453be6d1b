/**
 * A hall's document template: the hall's own lines on every document it prints. It is data (services store it
 * as JSON and validate it with {@link hallDocumentTemplateSchema}); the wording of each kind is the package's.
 * A decision (决定书) is the department's document: its header and seal are the department's, and the template
 * gives it the title override, the complaint line and the footer lines.
 */
import { z } from 'zod';
import { InvalidTemplateError, violationsOf } from './errors';
import { line } from './fields';

export const DOCUMENT_KINDS = [
  'acceptance_notice',
  'supplement_notice',
  'refusal_notice',
  'registration_slip',
  'permit_decision',
  'refusal_decision',
  'revocation_decision',
  'payment_notice',
  'assessment_notice',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The titles printed when the hall names none. */
export const DEFAULT_TITLES: Readonly<Record<DocumentKind, string>> = {
  acceptance_notice: '受理通知书',
  supplement_notice: '补正材料通知书',
  refusal_notice: '不予受理通知书',
  registration_slip: '受理通知单',
  permit_decision: '准予行政许可决定书',
  refusal_decision: '不予行政许可决定书',
  revocation_decision: '撤销行政许可决定书',
  payment_notice: '缴费通知单',
  assessment_notice: '窗口工作人员考核情况通报',
};

const title = line(2, 30);

export const hallDocumentTemplateSchema = z
  .object({
    /** The title line above every notice and slip, e.g. 潍坊市政务服务中心 (a decision's is its department). */
    header: line(2, 60),
    /** A second line under the header, e.g. 潍坊市行政审批服务局. */
    subtitle: line(1, 80).optional(),
    /** The seal's text printed where the seal is stamped, e.g. 潍坊市政务服务中心业务专用章 (not on decisions). */
    sealText: line(2, 40),
    /** 投诉电话, e.g. 12345 or 0536-8096000. */
    complaintPhone: z
      .string()
      .trim()
      .regex(/^\+?[0-9][0-9 -]{1,18}[0-9]$/, 'must be a phone number of 3 to 20 digits, spaces or hyphens'),
    /** 投诉网址. */
    complaintUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(200)
      .optional(),
    /** How to query a case, when the acceptance notice's data gives none. */
    queryInstructions: line(2, 200).optional(),
    /** Lines printed at the foot of every document. */
    footerLines: z.array(line(1, 200)).max(8, 'at most 8 footer lines').default([]),
    /** Per-kind title overrides. */
    titles: z
      .object({
        acceptance_notice: title.optional(),
        supplement_notice: title.optional(),
        refusal_notice: title.optional(),
        registration_slip: title.optional(),
        permit_decision: title.optional(),
        refusal_decision: title.optional(),
        revocation_decision: title.optional(),
        payment_notice: title.optional(),
        assessment_notice: title.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type HallDocumentTemplate = z.output<typeof hallDocumentTemplateSchema>;
/** What a caller writes: `footerLines` may be left out. */
export type HallDocumentTemplateInput = z.input<typeof hallDocumentTemplateSchema>;

/** Validates a stored or submitted template; throws {@link InvalidTemplateError} naming every bad field. */
export function parseHallDocumentTemplate(input: unknown): HallDocumentTemplate {
  const result = hallDocumentTemplateSchema.safeParse(input);
  if (!result.success) throw new InvalidTemplateError(violationsOf(result.error));
  return result.data;
}

/** The template of a hall that has set none: its name as the header and on the seal, its complaint contacts. */
export function defaultTemplateFor(hall: {
  hallName: string;
  complaintPhone: string;
  complaintUrl?: string;
}): HallDocumentTemplate {
  const hallName = hall.hallName.trim();
  return parseHallDocumentTemplate({
    header: hallName,
    sealText: `${hallName}业务专用章`,
    complaintPhone: hall.complaintPhone,
    ...(hall.complaintUrl ? { complaintUrl: hall.complaintUrl } : {}),
    footerLines: [],
  });
}

export function titleOf(kind: DocumentKind, template: HallDocumentTemplate): string {
  return template.titles?.[kind] ?? DEFAULT_TITLES[kind];
}
