/**
 * Errors of the documents package. Both are the kit's `invalid` domain errors, so a service maps them to
 * INVALID_ARGUMENT with their field violations without knowing these classes.
 */
import { DomainError, ErrorKinds } from '@govhall/kit/errors';
import type { FieldViolation } from '@govhall/kit/errors';
import type { z } from 'zod';

/** The data of a document is malformed; every bad field is listed, e.g. `materials[2].onFileFrom`. */
export class InvalidDocumentError extends DomainError {
  readonly kind = ErrorKinds.invalid;
  constructor(
    override readonly violations: readonly FieldViolation[],
    options?: { cause?: unknown },
  ) {
    super(describe('invalid document', violations), options);
  }
}

/** A hall's document template is malformed; every bad field is listed, e.g. `footerLines[1]`. */
export class InvalidTemplateError extends DomainError {
  readonly kind = ErrorKinds.invalid;
  constructor(
    override readonly violations: readonly FieldViolation[],
    options?: { cause?: unknown },
  ) {
    super(describe('invalid document template', violations), options);
  }
}

/** `['materials', 2, 'name']` → `materials[2].name`; the root itself is `(root)`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out || '(root)';
}

/** One violation per zod issue; an unknown key is named as the field itself, so a typo points at its place. */
export function violationsOf(error: z.ZodError): FieldViolation[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldPath([...issue.path, key]), description: 'is not a known field' }))
      : [{ field: fieldPath(issue.path), description: issue.message }],
  );
}

function describe(what: string, violations: readonly FieldViolation[]): string {
  if (violations.length === 0) return what;
  return `${what}: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`;
}
