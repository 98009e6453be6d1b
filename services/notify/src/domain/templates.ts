/**
 * SMS templates (短信模板): China allows only templates approved in advance at the provider, with an approved
 * signature, so every message the platform sends is one of these with its variables filled in.
 *
 * A template's text names its variables `${name}` (Aliyun's form); Tencent takes them by position, `{1}`..`{n}`,
 * in order of first appearance. The providers' rules are checked when a template is saved, so a version that
 * cannot be approved never reaches a send; a missing variable is refused when a message is rendered.
 */
import { ValidationError, type FieldViolation } from '@govhall/kit';

export type TemplateCategory = 'notification' | 'verification' | 'marketing';
export type Audience = 'applicant' | 'staff';
/** The providers a template is approved at (the embedded start's file provider needs no approval). */
export type ApprovingProvider = 'aliyun' | 'tencent';
export const APPROVING_PROVIDERS: readonly ApprovingProvider[] = ['aliyun', 'tencent'];

export interface ProviderTemplate {
  readonly provider: ApprovingProvider;
  readonly templateId: string;
  readonly signName: string;
}

export interface TemplateDraft {
  readonly code: string;
  readonly name: string;
  readonly category: TemplateCategory;
  readonly audience: Audience;
  readonly text: string;
  readonly holdInQuietHours: boolean;
  readonly providers: readonly ProviderTemplate[];
}

export interface Template extends TemplateDraft {
  readonly version: number;
  readonly variables: readonly string[];
  readonly savedAt: Date;
  readonly savedBy: string;
}

/** Both providers cap a template's content at 500 characters. */
export const MAX_TEMPLATE_LENGTH = 500;
/** Aliyun: a notification variable's value is at most 35 characters; longer values are shortened with …. */
export const MAX_VARIABLE_VALUE_LENGTH = 35;
/** Kept well under both providers' caps, so one template can be approved at either. */
export const MAX_VARIABLES = 16;
/** One SMS holds 70 characters; a longer message is sent in parts of 67 (and billed per part). */
const SINGLE_PART = 70;
const MULTI_PART = 67;

const CODE = /^[a-z][a-z0-9_]{2,63}$/;
const VARIABLE = /\$\{([^}]*)\}/g;
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,29}$/;
const SIGN_NAME_LENGTH = { min: 2, max: 12 };
const PROVIDER_TEMPLATE_ID: Record<ApprovingProvider, RegExp> = { aliyun: /^SMS_\d{6,12}$/, tencent: /^\d{1,12}$/ };
const MARKETING_OPT_OUT = '拒收请回复R';

/** The variables of a text, in order of first appearance (duplicates once). */
export function variablesOf(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1]!;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Every rule a draft breaks, by request field; empty when it can be saved. */
export function templateViolations(draft: TemplateDraft): FieldViolation[] {
  const problems: FieldViolation[] = [];
  const add = (field: string, description: string) => problems.push({ field, description });
  if (!CODE.test(draft.code)) add('code', 'must be 3 to 64 lower-case letters, digits or _, starting with a letter');
  const name = draft.name.trim();
  if (name.length < 2 || name.length > 50) add('name', 'must be 2 to 50 characters');

  const text = draft.text;
  if (text.trim().length < 2) add('text', 'is required');
  if (text.length > MAX_TEMPLATE_LENGTH) add('text', `is ${text.length} characters; the providers take at most 500`);
  if (/[【】]/.test(text)) add('text', 'must not contain 【】: the provider adds the approved signature');
  const names = variablesOf(text);
  for (const variable of names)
    if (!VARIABLE_NAME.test(variable))
      add('text', `variable \${${variable}} must be a letter then letters, digits or _ (at most 30)`);
  if (names.length > MAX_VARIABLES) add('text', `has ${names.length} variables; at most ${MAX_VARIABLES}`);
  // Tencent reads {n} as a variable: a brace outside ${...} would be misread there.
  if (/[{}]/.test(text.replace(VARIABLE, ''))) add('text', 'braces are allowed only in ${name} variables');
  if (/^\s*\$\{[^}]*\}\s*$/.test(text)) add('text', 'must not be only a variable (free text is not allowed)');

  switch (draft.category) {
    case 'verification':
      if (names.length !== 1) add('text', 'a verification template has exactly one variable, the code');
      if (!text.includes('验证码')) add('text', 'a verification template says 验证码');
      break;
    case 'marketing':
      if (!text.trimEnd().endsWith(MARKETING_OPT_OUT))
        add('text', `a marketing template ends with ${MARKETING_OPT_OUT}`);
      if (draft.audience !== 'applicant') add('audience', 'marketing goes to applicants only');
      break;
    case 'notification':
      break;
    default:
      add('category', 'NOTIFICATION, VERIFICATION or MARKETING');
  }
  if (draft.audience !== 'applicant' && draft.audience !== 'staff') add('audience', 'APPLICANT or STAFF');

  const seen = new Set<string>();
  draft.providers.forEach((p, i) => {
    const field = `providers[${i}]`;
    if (!APPROVING_PROVIDERS.includes(p.provider)) {
      add(`${field}.provider`, 'aliyun or tencent');
      return;
    }
    if (seen.has(p.provider)) add(`${field}.provider`, `${p.provider} is listed twice`);
    seen.add(p.provider);
    if (!PROVIDER_TEMPLATE_ID[p.provider].test(p.templateId))
      add(
        `${field}.template_id`,
        p.provider === 'aliyun' ? 'an Aliyun template code, SMS_ and 6 to 12 digits' : 'a Tencent template id, digits',
      );
    const sign = p.signName.trim();
    if (sign.length < SIGN_NAME_LENGTH.min || sign.length > SIGN_NAME_LENGTH.max || /[【】]/.test(sign))
      add(`${field}.sign_name`, 'the approved signature, 2 to 12 characters without 【】');
  });
  return problems;
}

/** A variable's value as the providers take it: no brackets they reserve, at most 35 characters. */
function providerSafe(value: string): string {
  const cleaned = value
    .replace(/[【】]/g, (c) => (c === '【' ? '[' : ']'))
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > MAX_VARIABLE_VALUE_LENGTH ? `${cleaned.slice(0, MAX_VARIABLE_VALUE_LENGTH - 1)}…` : cleaned;
}

export interface RenderedMessage {
  /** The variables in the template's order, as sent. */
  readonly variables: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** 【signature】 and the text, as the recipient reads it. */
  readonly text: string;
  readonly length: number;
  readonly parts: number;
}

/** Fills a template in; a missing (or empty) variable is refused, naming it. */
export function render(
  template: Pick<Template, 'text' | 'variables'>,
  values: Readonly<Record<string, string>>,
  signName: string,
): RenderedMessage {
  // Own properties only: `${constructor}` must not read Object.prototype's function.
  const valueOf = (name: string): string => (Object.hasOwn(values, name) ? (values[name] ?? '') : '');
  const missing = template.variables.filter((name) => !valueOf(name).trim());
  if (missing.length > 0)
    throw new ValidationError(missing.map((name) => ({ field: `variables.${name}`, description: 'is missing' })));
  const variables = template.variables.map((name) => ({ name, value: providerSafe(valueOf(name)) }));
  const byName = new Map(variables.map((v) => [v.name, v.value]));
  const text = `【${signName}】${template.text.replace(VARIABLE, (_, name: string) => byName.get(name) ?? '')}`;
  const length = [...text].length;
  return { variables, text, length, parts: length <= SINGLE_PART ? 1 : Math.ceil(length / MULTI_PART) };
}
