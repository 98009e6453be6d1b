/** Field schemas shared by the template and the documents. */
import { isIsoDate } from '@govhall/calendar';
import { residentIdCheckChar } from '@govhall/kit';
import { z } from 'zod';

// Control characters (newlines included) would break a printed line; a paragraph allows newlines only.
// eslint-disable-next-line no-control-regex
const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
// eslint-disable-next-line no-control-regex
const PARAGRAPH = /^[^\u0000-\u0009\u000b-\u001f\u007f]*$/;

/** A single line of `min` to `max` characters, trimmed. */
export function line(min: number, max: number) {
  return z
    .string()
    .trim()
    .min(min, `must have at least ${min} characters`)
    .max(max, `must have at most ${max} characters`)
    .regex(SINGLE_LINE, 'must be a single line without control characters');
}

/**
 * Text of `min` to `max` characters that may have line breaks (a reason, a legal basis). `required` is what a
 * missing value is told, where the law makes the text mandatory.
 */
export function paragraph(min: number, max: number, required?: string) {
  return z
    .string(required ? { error: (issue) => (issue.input === undefined ? required : undefined) } : undefined)
    .trim()
    .transform((value) => value.replace(/\r\n?/g, '\n'))
    .pipe(
      z
        .string()
        .min(min, `must have at least ${min} characters`)
        .max(max, `must have at most ${max} characters`)
        .regex(PARAGRAPH, 'must have no control characters but line breaks'),
    );
}

export const instant = z.date({ error: 'must be a valid Date' });

export const isoDate = z.string().refine(isIsoDate, 'must be a real date YYYY-MM-DD');

/** 受理编号 / 登记号: letters, digits and hyphens. */
export const documentNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{4,40}$/, 'must be 4 to 40 letters, digits or hyphens');

/**
 * 文号 of a decision (GB/T 9704): the issuer's code, the year in 六角括号 and the sequence, e.g.
 * 潍市监准字〔2026〕第000123号 or 鲁政务许字〔2026〕15号.
 */
export const decisionNumber = z
  .string()
  .trim()
  .regex(/^[^\s〔〕[\]]{1,30}〔(19|20)\d{2}〕第?\d{1,10}号$/, 'must be a 文号 like 潍市监准字〔2026〕第000123号');

/** A complete resident ID number (GB 11643, check digit included), i.e. one that was not masked. */
export function isUnmaskedResidentId(value: string): boolean {
  if (!/^\d{17}[\dX]$/i.test(value)) return false;
  return residentIdCheckChar(value.slice(0, 17)) === value[17]!.toUpperCase();
}

/** An ID number as printed: the caller masks resident ID numbers (370702********1234); a full one is refused. */
export const maskedIdNumber = line(4, 40).refine(
  (value) => !isUnmaskedResidentId(value),
  'is a complete resident ID number: pass it masked, e.g. 370702********1234',
);

/** A phone as printed: a complete mobile number is refused (mask it, e.g. 138****5678). */
export const maskedPhone = line(3, 30).refine(
  (value) => !/^(\+?86)?1\d{10}$/.test(value.replace(/[\s-]/g, '')),
  'is a complete mobile number: pass it masked, e.g. 138****5678',
);
