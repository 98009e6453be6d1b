/**
 * Number formats: the case number (受理编号) on the acceptance notice, the registration number (登记号) on the
 * slip, and the queue ticket (排队号). Pure: the store draws the sequence, these functions write the number.
 *
 * A case or registration number format is a small template: literal text (letters, digits, `-`, `_`, `.`) and
 * placeholders `{region}` (GB/T 2260 code), `{date:YYYYMMDD}` or `{date:YYMMDD}` (`{date}` is YYYYMMDD), `{hall}`
 * (hall code), `{dept}` (department code) and `{seq:N}` (the sequence, zero-padded to N digits, 3 to 8). A
 * format names the date and the sequence exactly once, so sequences restart each local day (China Standard
 * Time); the counter a number draws from is its `sequenceScope`.
 */
import { isIsoDate, localDateOf, REGION_CODE_PATTERN, type IsoDate } from '@govhall/calendar';
import { PreconditionFailedError, ValidationError, type FieldViolation } from '@govhall/kit/errors';

type Violations = FieldViolation[];

/** 受理编号: `370700` + `20261012` + `00042` → `3707002026101200042`. */
export const DEFAULT_CASE_NUMBER_FORMAT = '{region}{date:YYYYMMDD}{seq:5}';
/** 登记号: `DJ` + `20261012` + `00042` → `DJ2026101200042`. */
export const DEFAULT_REGISTRATION_NUMBER_FORMAT = 'DJ{date:YYYYMMDD}{seq:5}';

export const MIN_SEQUENCE_WIDTH = 3;
export const MAX_SEQUENCE_WIDTH = 8;
const MAX_FORMAT_LENGTH = 64;

const DATE_PATTERNS = ['YYYYMMDD', 'YYMMDD'] as const;
type DatePattern = (typeof DATE_PATTERNS)[number];

export type NumberToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'region' }
  | { readonly kind: 'hall' }
  | { readonly kind: 'dept' }
  | { readonly kind: 'date'; readonly pattern: DatePattern }
  | { readonly kind: 'seq'; readonly width: number };

/** A checked format. */
export interface NumberFormat {
  readonly source: string;
  readonly tokens: readonly NumberToken[];
  readonly sequenceWidth: number;
  readonly usesHall: boolean;
  readonly usesDepartment: boolean;
}

/** Department codes as the catalogue keeps them (SCJG); hall codes are short letters or digits. */
const DEPARTMENT_CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,15}$/;
const HALL_CODE_PATTERN = /^[A-Z0-9]{1,8}$/;
const LITERAL_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** A value given to a formatter that cannot be written: a caller's mistake, not the applicant's. */
export class NumberingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NumberingError';
  }
}

/** The day's (or the category's) numbers are used up: the width is not widened silently. */
export class SequenceExhaustedError extends PreconditionFailedError {}

interface Tokenized {
  tokens: NumberToken[];
  /** Placeholder names as written, malformed ones included (so `{seq:9}` is not also "missing"). */
  names: string[];
  violations: Violations;
}

function tokenize(format: string, field: string): Tokenized {
  const tokens: NumberToken[] = [];
  const names: string[] = [];
  const violations: Violations = [];
  const refuse = (description: string) => violations.push({ field, description });
  const placeholder = /\{([^{}]*)\}/y;
  let literal = '';
  const flush = () => {
    if (!literal) return;
    if (LITERAL_PATTERN.test(literal)) tokens.push({ kind: 'literal', text: literal });
    else refuse(`literal text "${literal}" may hold only letters, digits, '-', '_' and '.'`);
    literal = '';
  };
  for (let i = 0; i < format.length;) {
    const char = format[i]!;
    if (char === '}') {
      refuse(`has a '}' without its '{' at position ${i + 1}`);
      i++;
      continue;
    }
    if (char !== '{') {
      literal += char;
      i++;
      continue;
    }
    flush();
    placeholder.lastIndex = i;
    const match = placeholder.exec(format);
    if (!match) {
      refuse(`has a '{' without its '}' at position ${i + 1}`);
      break;
    }
    i = placeholder.lastIndex;
    const [name, argument, ...extra] = match[1]!.split(':');
    names.push(name!);
    const token = placeholderToken(name!, argument, extra.length > 0);
    if (typeof token === 'string') refuse(token);
    else tokens.push(token);
  }
  flush();
  return { tokens, names, violations };
}

function placeholderToken(name: string, argument: string | undefined, extra: boolean): NumberToken | string {
  const whole = `{${[name, argument].filter((part) => part !== undefined).join(':')}${extra ? ':…' : ''}}`;
  switch (name) {
    case 'region':
    case 'hall':
    case 'dept':
      return argument === undefined && !extra ? { kind: name } : `placeholder ${whole} takes no argument`;
    case 'date': {
      const pattern = argument ?? 'YYYYMMDD';
      return !extra && (DATE_PATTERNS as readonly string[]).includes(pattern)
        ? { kind: 'date', pattern: pattern as DatePattern }
        : `placeholder ${whole} must be {date:YYYYMMDD} or {date:YYMMDD}`;
    }
    case 'seq': {
      const width = /^\d$/.test(argument ?? '') ? Number(argument) : NaN;
      return !extra && width >= MIN_SEQUENCE_WIDTH && width <= MAX_SEQUENCE_WIDTH
        ? { kind: 'seq', width }
        : `placeholder ${whole} must give the sequence width, {seq:${MIN_SEQUENCE_WIDTH}} to {seq:${MAX_SEQUENCE_WIDTH}}`;
    }
    default:
      return `placeholder {${name}} is unknown: use {region}, {date:YYYYMMDD}, {date:YYMMDD}, {hall}, {dept} or {seq:N}`;
  }
}

/** Checks a case or registration number format; every problem is reported at `field`. */
export function validateNumberFormat(format: string, field: string): Violations {
  return checkFormat(format, field).violations;
}

function checkFormat(format: string, field: string): { tokens: NumberToken[]; violations: Violations } {
  if (!format) return { tokens: [], violations: [{ field, description: 'is required' }] };
  if (format.length > MAX_FORMAT_LENGTH)
    return { tokens: [], violations: [{ field, description: `must be at most ${MAX_FORMAT_LENGTH} characters` }] };
  const { tokens, names, violations } = tokenize(format, field);
  const count = (name: string) => names.filter((written) => written === name).length;
  if (count('seq') === 0) violations.push({ field, description: 'must contain the sequence, e.g. {seq:5}' });
  if (count('date') === 0)
    violations.push({ field, description: 'must contain the date, e.g. {date:YYYYMMDD}, so sequences restart daily' });
  for (const kind of ['region', 'hall', 'dept', 'date', 'seq'] as const) {
    if (count(kind) > 1) violations.push({ field, description: `names {${kind}} more than once` });
  }
  return { tokens, violations };
}

/** A checked format, or a `ValidationError` naming every problem at `field`. */
export function parseNumberFormat(format: string, field = 'format'): NumberFormat {
  const { tokens, violations } = checkFormat(format, field);
  ValidationError.throwIfAny(violations);
  const seq = tokens.find((token) => token.kind === 'seq');
  return {
    source: format,
    tokens,
    sequenceWidth: seq?.kind === 'seq' ? seq.width : 0,
    usesHall: tokens.some((token) => token.kind === 'hall'),
    usesDepartment: tokens.some((token) => token.kind === 'dept'),
  };
}

const asFormat = (format: string | NumberFormat): NumberFormat =>
  typeof format === 'string' ? parseNumberFormat(format) : format;

export interface NumberScopeValues {
  /** The service's region (GB/T 2260). */
  readonly regionCode: string;
  /** The local date, or an instant taken at its local date in China (`localDateOf`). */
  readonly localDate: IsoDate | Date;
  readonly hallCode?: string;
  readonly departmentCode?: string;
}
export interface NumberValues extends NumberScopeValues {
  /** The day's sequence in its scope, from 1. */
  readonly sequence: number;
}

/**
 * The counter a number draws from: the region and the local date always, the hall and the department when
 * the format writes them (numbers of different departments are told apart only then). `key` is stable, for
 * the store's counter table.
 */
export interface SequenceScope {
  readonly key: string;
  readonly regionCode: string;
  readonly localDate: IsoDate;
  readonly hallCode: string | null;
  readonly departmentCode: string | null;
}

export function sequenceScope(format: string | NumberFormat, values: NumberScopeValues): SequenceScope {
  const parsed = asFormat(format);
  if (!REGION_CODE_PATTERN.test(values.regionCode))
    throw new NumberingError(`region code "${values.regionCode}" is not 6, 9 or 12 digits`);
  const localDate = values.localDate instanceof Date ? localDateOf(values.localDate) : values.localDate;
  if (!isIsoDate(localDate)) throw new NumberingError(`local date "${localDate}" is not a YYYY-MM-DD date`);
  const hallCode = parsed.usesHall ? required(parsed, 'hall code', values.hallCode, HALL_CODE_PATTERN) : null;
  const departmentCode = parsed.usesDepartment
    ? required(parsed, 'department code', values.departmentCode, DEPARTMENT_CODE_PATTERN)
    : null;
  const key = [
    `region:${values.regionCode}`,
    ...(hallCode ? [`hall:${hallCode}`] : []),
    ...(departmentCode ? [`dept:${departmentCode}`] : []),
    `date:${localDate}`,
  ].join('|');
  return { key, regionCode: values.regionCode, localDate, hallCode, departmentCode };
}

function required(format: NumberFormat, what: string, value: string | undefined, pattern: RegExp): string {
  if (!value) throw new NumberingError(`format ${format.source} needs a ${what}`);
  if (!pattern.test(value)) throw new NumberingError(`${what} "${value}" cannot be written into a number`);
  return value;
}

/** Writes a case number, e.g. `formatCaseNumber(DEFAULT_CASE_NUMBER_FORMAT, …)` → `3707002026101200042`. */
export function formatCaseNumber(format: string | NumberFormat, values: NumberValues): string {
  const parsed = asFormat(format);
  const scope = sequenceScope(parsed, values);
  const sequence = padSequence(values.sequence, parsed.sequenceWidth, `{seq:${parsed.sequenceWidth}} of ${scope.key}`);
  return parsed.tokens
    .map((token) => {
      switch (token.kind) {
        case 'literal':
          return token.text;
        case 'region':
          return scope.regionCode;
        case 'hall':
          return scope.hallCode!;
        case 'dept':
          return scope.departmentCode!;
        case 'date': {
          const digits = scope.localDate.replace(/-/g, '');
          return token.pattern === 'YYYYMMDD' ? digits : digits.slice(2);
        }
        case 'seq':
          return sequence;
      }
    })
    .join('');
}

/** Writes a registration number (登记号), `DJ2026101200042` by default. */
export function formatRegistrationNumber(
  values: NumberValues,
  format: string | NumberFormat = DEFAULT_REGISTRATION_NUMBER_FORMAT,
): string {
  return formatCaseNumber(format, values);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** Matches the numbers a format writes (e.g. to tell a typed case number from a name in a search box). */
export function numberPattern(format: string | NumberFormat): RegExp {
  const source = asFormat(format)
    .tokens.map((token) => {
      switch (token.kind) {
        case 'literal':
          return escapeRegExp(token.text);
        case 'region':
          return '(?:\\d{6}|\\d{9}|\\d{12})';
        case 'hall':
          return '[A-Z0-9]{1,8}';
        case 'dept':
          return '[A-Z][A-Z0-9_]{1,15}';
        case 'date':
          return `\\d{${token.pattern.length}}`;
        case 'seq':
          return `\\d{${token.width}}`;
      }
    })
    .join('');
  return new RegExp(`^${source}$`);
}

function padSequence(sequence: number, width: number, what: string): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1)
    throw new NumberingError(`sequence ${sequence} is not a whole number from 1`);
  const text = String(sequence);
  if (text.length > width)
    throw new SequenceExhaustedError(`sequence ${sequence} does not fit ${what}: the numbers are used up`);
  return text.padStart(width, '0');
}

// ---------------------------------------------------------------------------------------------------------
// 排队号: a category prefix and the category's daily sequence, e.g. A012, GS007.

export const TICKET_PREFIX_PATTERN = /^[A-Z]{1,3}$/;
export const DEFAULT_TICKET_WIDTH = 3;
export const MIN_TICKET_WIDTH = 2;
export const MAX_TICKET_WIDTH = 4;

export function validateTicketPrefix(prefix: string, field: string): Violations {
  return TICKET_PREFIX_PATTERN.test(prefix)
    ? []
    : [{ field, description: 'must be 1 to 3 capital letters, e.g. A or GS' }];
}

export function validateTicketWidth(width: number, field: string): Violations {
  return Number.isInteger(width) && width >= MIN_TICKET_WIDTH && width <= MAX_TICKET_WIDTH
    ? []
    : [{ field, description: `must be a whole number from ${MIN_TICKET_WIDTH} to ${MAX_TICKET_WIDTH}` }];
}

/** `formatTicketNumber('A', 12)` → `A012`. */
export function formatTicketNumber(prefix: string, sequence: number, width: number = DEFAULT_TICKET_WIDTH): string {
  const problems = [...validateTicketPrefix(prefix, 'prefix'), ...validateTicketWidth(width, 'width')];
  if (problems.length > 0)
    throw new NumberingError(problems.map((problem) => `ticket ${problem.field} ${problem.description}`).join('; '));
  return `${prefix}${padSequence(sequence, width, `ticket width ${width} of category ${prefix}`)}`;
}
