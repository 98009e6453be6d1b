/**
 * Guide search (办事指南): how a published item's text becomes search terms, how a query becomes terms and
 * phrases, and the excerpt an applicant sees. Chinese is written without spaces, so text is indexed as
 * overlapping character bigrams (营业执照 → 营业 业执 执照) plus single characters (for one-character
 * queries), and runs of other letters and digits as whole words (ICP, B2C, 12345). See
 * docs/adr/0009-guide-search-bigrams.md. Pure, no I/O.
 */
import { limitText } from '@govhall/calendar';
import type { FieldViolation } from '@govhall/kit';
import type { TimeLimit } from './items-limits';
import type { HallTier } from './organisation';
import type { CaseType, ItemContent, ItemVersion } from './items';

/**
 * The parts of an item that search reads, one index row each: its name and codes, its department, the eight
 * disclosures (八公开) and its materials.
 */
export const GuideFields = {
  name: 'name',
  code: 'code',
  department: 'department',
  /** 工作职责 */
  duties: 'duties',
  /** 办事依据 */
  legalBasis: 'legal_basis',
  /** 前置条件: acceptance conditions and prerequisites */
  conditions: 'conditions',
  /** 办事程序 */
  procedure: 'procedure',
  /** 时限要求 */
  limits: 'limits',
  /** 服务承诺 */
  commitment: 'commitment',
  /** 收费标准 */
  fees: 'fees',
  /** 办结结果 */
  result: 'result',
  /** 申请材料 (names) */
  materials: 'materials',
} as const;
export type GuideField = (typeof GuideFields)[keyof typeof GuideFields];

/**
 * How much a hit in each field counts. A full phrase hit in the name (10 × 2) outweighs the best an item can
 * score from every other field together (see `GUIDE_SCORING`), so items named with the query rank first.
 */
export const GUIDE_FIELD_WEIGHTS: Readonly<Record<GuideField, number>> = {
  name: 10,
  code: 10,
  result: 4,
  department: 3,
  materials: 2,
  duties: 1.5,
  conditions: 1,
  legal_basis: 1,
  procedure: 1,
  fees: 1,
  limits: 0.5,
  commitment: 0.5,
};

/**
 * The scoring the store applies (in SQL), spelled out once. For each field row that shares a term with the
 * query: `weight × (coverage + phrases + precision × matched / terms in the field)`, where coverage is the
 * share of the query's terms found in the field and phrases the share of the query's phrases found there
 * verbatim (so an exact phrase beats the same bigrams scattered). An item scores its best field plus
 * `others` × the rest. Items whose fields together hold no more than half of the query's terms are left out
 * (营业场所 does not answer 营业执照; 许可 alone does not answer ICP许可), see `minimumCoveredTerms`.
 */
export const GUIDE_SCORING = { precision: 0.5, others: 0.2 } as const;

/**
 * Whether the guide shows a version: it is published and its item is not frozen (冻结: suspended, so no one
 * should be sent to apply for it). The index holds exactly these; the store's index upkeep spells the same rule
 * in SQL.
 */
export function shownInGuide(version: Pick<ItemVersion, 'status' | 'frozenAt'>): boolean {
  return version.status === 'published' && version.frozenAt === null;
}

/** One field of one version as indexed: folded text (for phrase matching) and its distinct terms. */
export interface GuideFieldDocument {
  readonly field: GuideField;
  readonly weight: number;
  /** `indexedGuideText` of the field's text. */
  readonly text: string;
  /** Sorted, distinct. */
  readonly terms: readonly string[];
}

/** A parsed query: terms to look up (bigrams, single characters, words) and phrases to find verbatim. */
export interface GuideQuery {
  /** Sorted, distinct. */
  readonly terms: readonly string[];
  /** The query's runs of letters and digits, folded, e.g. `营业执照`, `b2c平台`. */
  readonly phrases: readonly string[];
}

/** Filters of a guide search; all optional. */
export interface GuideFilter {
  /** Items whose implementing department sits in this hall (as ListItems). */
  hallId?: string;
  /** Items this tier may accept (a township applicant asks for `township`). */
  acceptTier?: HallTier;
  departmentId?: string;
}

/** One answer of a guide search, as the applicant-facing guide shows it. */
export interface GuideHit {
  readonly itemId: string;
  readonly version: number;
  readonly name: string;
  readonly implementationCode: string;
  readonly departmentId: string;
  readonly departmentName: string;
  readonly caseType: CaseType;
  readonly promisedLimit: TimeLimit;
  readonly statutoryLimit: TimeLimit | null;
  /** Fields that matched, best first. */
  readonly matchedFields: readonly GuideField[];
  readonly excerpt: { readonly field: GuideField; readonly text: string };
  readonly score: number;
}

export const GUIDE_QUERY_MAX_LENGTH = 64;
export const GUIDE_QUERY_MAX_TERMS = 48;
const WORD_MAX_LENGTH = 64;

const HAN = /\p{Script=Han}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Folds text for matching: NFKC per character (full-width ＩＣＰ and ０１ become ICP and 01) and lower case.
 * Done one character at a time so that positions in the folded text map back to the original (`excerpt`).
 */
export function foldGuideText(text: string): string {
  return foldWithOffsets(text).folded;
}

function foldWithOffsets(text: string): { folded: string; offsets: number[] } {
  let folded = '';
  // offsets[i]: the index in `text` of the character that produced folded[i].
  const offsets: number[] = [];
  let index = 0;
  for (const char of text) {
    const piece = char.normalize('NFKC').toLowerCase();
    for (let i = 0; i < piece.length; i += 1) offsets.push(index);
    folded += piece;
    index += char.length;
  }
  return { folded, offsets };
}

type Run = { readonly han: boolean; readonly chars: readonly string[] };

/** Maximal runs of Han characters, and of other letters and digits, in folded text; the rest separates. */
function runs(folded: string): Run[] {
  const out: Run[] = [];
  let current: { han: boolean; chars: string[] } | undefined;
  for (const char of folded) {
    const han = HAN.test(char);
    if (!han && !LETTER_OR_DIGIT.test(char)) {
      current = undefined;
      continue;
    }
    if (!current || current.han !== han) {
      current = { han, chars: [] };
      out.push(current);
    }
    current.chars.push(char);
  }
  return out;
}

function bigrams(chars: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

const word = (chars: readonly string[]): string => chars.join('').slice(0, WORD_MAX_LENGTH);

const sortedDistinct = (terms: Iterable<string>): string[] => [...new Set(terms)].sort();

/**
 * The terms a text is indexed under: every Han character and every pair of adjacent Han characters, and each
 * run of other letters or digits as one word. Sorted and distinct.
 */
export function guideTerms(text: string): string[] {
  const terms: string[] = [];
  for (const run of runs(foldGuideText(text))) {
    if (run.han) terms.push(...run.chars, ...bigrams(run.chars));
    else terms.push(word(run.chars));
  }
  return sortedDistinct(terms);
}

/**
 * Parses what an applicant typed. Phrases are the runs of letters and digits between spaces and
 * punctuation. A phrase's Han part of two or more characters looks up its bigrams; a single Han character
 * looks up itself; other letters and digits look up whole words. Violations are on `field`.
 */
export function parseGuideQuery(raw: string, field = 'query'): { query: GuideQuery; violations: FieldViolation[] } {
  const violations: FieldViolation[] = [];
  const text = raw.trim();
  if (text.length > GUIDE_QUERY_MAX_LENGTH) {
    violations.push({ field, description: `must be at most ${GUIDE_QUERY_MAX_LENGTH} characters` });
  }
  const folded = foldGuideText(text);
  const phrases = sortedDistinct(folded.split(/[^\p{L}\p{N}]+/u).filter((p) => p !== ''));
  const terms: string[] = [];
  for (const run of runs(folded)) {
    if (!run.han) terms.push(word(run.chars));
    else if (run.chars.length === 1) terms.push(run.chars[0]!);
    else terms.push(...bigrams(run.chars));
  }
  const distinct = sortedDistinct(terms);
  if (violations.length === 0 && distinct.length === 0) {
    violations.push({ field, description: 'must contain a Chinese character, a letter or a digit' });
  } else if (distinct.length > GUIDE_QUERY_MAX_TERMS) {
    violations.push({ field, description: 'is too long: use fewer words' });
  }
  return { query: { terms: distinct, phrases }, violations };
}

/**
 * How many of the query's terms an item must hold, over all its fields, to be an answer: more than half.
 * Not all: a query runs words together (办理营业执照), and the bigram across their junction (理营) is in no
 * item.
 */
export function minimumCoveredTerms(query: GuideQuery): number {
  return Math.floor(query.terms.length / 2) + 1;
}

/** The original (unfolded) text of each field, as the guide prints it. */
export function guideFieldTexts(content: ItemContent, departmentName: string): Record<GuideField, string> {
  const lines = (...parts: readonly string[]): string => parts.filter((p) => p.trim() !== '').join('\n');
  const limits = [
    content.statutoryLimit ? `法定时限${limitText(content.statutoryLimit)}` : '',
    content.caseType === 'immediate' ? '承诺时限：即办' : `承诺时限${limitText(content.promisedLimit)}`,
    content.limitNote,
  ];
  return {
    name: content.name,
    code: `${content.baseCode} ${content.implementationCode}`,
    department: departmentName,
    duties: content.duties,
    legal_basis: lines(...content.legalBasis.map((b) => `${b.name}${b.article} ${b.text}`.trim())),
    conditions: lines(...content.acceptanceConditions, ...content.prerequisites.map((p) => p.description)),
    procedure: content.procedure.description,
    limits: lines(...limits),
    commitment: content.commitment.text,
    fees: content.free
      ? '不收费'
      : lines(...content.feeItems.map((f) => `${f.name} ${f.legalBasis} ${f.reductionBasis}`.trim())),
    result: content.result.name,
    materials: lines(...content.materials.map((m) => m.name)),
  };
}

/**
 * What applicants type for what the catalogue writes out in full (社保卡 for 社会保障卡). Bigrams of the short
 * form do not occur in the full one, so a field holding the full form is indexed under the short form too.
 */
export const GUIDE_ABBREVIATIONS: readonly (readonly [full: string, short: string])[] = [
  ['社会保障卡', '社保卡'],
  ['社会保险', '社保'],
  ['医疗保险', '医保'],
  ['不动产权证书', '房产证'],
  ['房屋所有权证', '房产证'],
  ['国有土地使用证', '土地证'],
  ['环境影响评价', '环评'],
  ['增值税专用发票', '专票'],
  ['居民户口簿', '户口本'],
  ['就业创业证', '就业证'],
  ['机动车驾驶证', '驾照'],
];

/**
 * The text a field is indexed as: folded, followed by the short forms of the full forms it holds (see
 * `GUIDE_ABBREVIATIONS`), so that phrase matching finds them too.
 */
export function indexedGuideText(text: string): string {
  const folded = foldGuideText(text);
  const shorts = GUIDE_ABBREVIATIONS.filter(([full, short]) => folded.includes(full) && !folded.includes(short)).map(
    ([, short]) => short,
  );
  return [folded, ...new Set(shorts)].join(' ');
}

/** What a published version is indexed as: one document per non-empty field. */
export function guideDocument(content: ItemContent, departmentName: string): GuideFieldDocument[] {
  const texts = guideFieldTexts(content, departmentName);
  return (Object.values(GuideFields) as GuideField[])
    .map((field) => {
      const text = indexedGuideText(texts[field]);
      return { field, weight: GUIDE_FIELD_WEIGHTS[field], text, terms: guideTerms(text) };
    })
    .filter((d) => d.terms.length > 0);
}

/** Fields an excerpt is not taken from when another field matched: the answer shows them anyway. */
const SHOWN_ANYWAY: ReadonlySet<GuideField> = new Set(['name', 'code', 'department']);

/**
 * The field to quote: the best-matching field, unless the answer shows it anyway (the name, codes or
 * department matched best): then 工作职责 (duties), which says what the item is.
 */
export function excerptField(matchedFields: readonly GuideField[]): GuideField {
  const [best] = matchedFields;
  return best && !SHOWN_ANYWAY.has(best) ? best : 'duties';
}

/**
 * About `width` characters of `text` around the first phrase of the query found in it (else the first term),
 * with `…` where it was cut; the start of the text when nothing is found.
 */
export function guideExcerpt(text: string, query: GuideQuery, width = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const { folded, offsets } = foldWithOffsets(flat);
  const needles = [...query.phrases].sort((a, b) => b.length - a.length).concat(query.terms);
  let at = -1;
  for (const needle of needles) {
    const found = folded.indexOf(needle);
    if (found >= 0) {
      at = offsets[found] ?? 0;
      break;
    }
  }
  const chars = Array.from(flat);
  if (chars.length <= width) return flat;
  // Work in characters (code points), so a cut never splits one.
  const charIndex = at < 0 ? 0 : Array.from(flat.slice(0, at)).length;
  const start = Math.max(0, Math.min(charIndex - Math.floor(width / 3), chars.length - width));
  const end = Math.min(chars.length, start + width);
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('')}${end < chars.length ? '…' : ''}`;
}
