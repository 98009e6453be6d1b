/**
 * Building blocks of the demo files' zod schemas. Messages say what to write, in the words the domain's own
 * violations use ("is required").
 */
import { z } from 'zod';

const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;

/** Text; a number where text is expected is refused (YAML reads `370700` as a number: quote it). */
export const text = z.string({ error: required('text (quote digits: "370700")') });

/** Text that may be left out, meaning the empty string. */
export const optionalText = text.default('');

export const flag = z.boolean({ error: required('true or false') });

export const number = z.number({ error: required('a number') });

/** One of an `as const` object's values. */
export function oneOf<const E extends Readonly<Record<string, string>>>(values: E) {
  const allowed = Object.values(values).join(', ');
  return z.enum(values, { error: required(`one of ${allowed}`) });
}

/**
 * The key of a hall, an item or a bundle: names its request ids (`demo-<hall>-dept-<code>`,
 * `demo-item-<key>-create`), so it must never change once loaded.
 */
export const key = text.regex(/^[a-z][a-z0-9-]{1,47}$/, 'must be 2 to 48 lower-case letters, digits or -');

/** A list that may be left out, meaning none. */
export const list = <T extends z.ZodType>(of: T) => z.array(of, { error: required('a list') }).default([]);
