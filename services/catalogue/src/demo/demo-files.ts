/**
 * Reading the demo data files (`services/catalogue/demo/*.yaml`): YAML parsed with its source positions, its
 * shape checked by a zod schema, and every problem reported at once with the file, the line and the path of
 * the bad entry. The domain rules are not checked here: the loaders hand the data to the use cases, which do.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, ErrorKinds, ValidationError } from '@govhall/kit';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

/** The demo data shipped with the service: `organisation.yaml` and `items/*.yaml`. */
export const DEMO_FOLDER = join(__dirname, '..', '..', 'demo');

/** A path into a file's data, as zod and the YAML document spell it: `['halls', 0, 'windows', 2]`. */
export type DataPath = readonly PropertyKey[];

/** One thing wrong with the demo data. */
export interface DemoProblem {
  readonly file: string;
  /** 1-based line of the entry (or the nearest enclosing one that exists); 0 when unknown. */
  readonly line: number;
  /** Where in the file's data: `halls[0].windows[2].departments[0]`. */
  readonly path: string;
  readonly message: string;
}

/**
 * The demo data is malformed, refers to something it does not hold, or a use case refused an entry.
 * - Shapes of every file, then (once the shapes are right) every reference, are checked before anything is
 *   loaded: the error lists every problem found.
 * - A use case's refusal stops the load at that entry (what came before it stays loaded, and replays next
 *   time); the use case's error is the cause, its field violations the problems.
 * Not retryable: fix the file.
 */
export class DemoDataError extends Error {
  constructor(
    readonly problems: readonly DemoProblem[],
    options?: { cause?: unknown },
  ) {
    super(
      `invalid demo data:\n${problems.map((p) => `  - ${p.file}${p.line > 0 ? `:${p.line}` : ''} ${p.path}: ${p.message}`).join('\n')}`,
      options,
    );
    this.name = 'DemoDataError';
  }
}

/** `['halls', 0, 'windows']` → `halls[0].windows`. */
export function formatPath(path: DataPath): string {
  return (
    path
      .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index > 0 ? '.' : ''}${String(key)}`))
      .join('') || '(file)'
  );
}

/** A parsed, shape-checked demo file, and a way back from a path in its data to its source. */
export interface DemoFile<T> {
  readonly file: string;
  readonly data: T;
  /** A problem at `path`, placed on the line of the deepest part of the path that the file holds. */
  problem(path: DataPath, message: string): DemoProblem;
}

/**
 * Reads one YAML file and checks it against `schema`. Problems (unreadable file, YAML syntax, every schema
 * issue) are added to `problems`; the file is returned only when it has none.
 */
export function readDemoFile<S extends z.ZodType>(
  file: string,
  schema: S,
  problems: DemoProblem[],
): DemoFile<z.output<S>> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push({ file, line: 0, path: '(file)', message: `cannot be read: ${(error as Error).message}` });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problem = (path: DataPath, message: string): DemoProblem => ({
    file,
    line: lineOf(document, lineCounter, path),
    path: formatPath(path),
    message,
  });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      problems.push({ file, line: lineCounter.linePos(error.pos[0]).line, path: '(yaml)', message: error.message });
    }
    return undefined;
  }
  const parsed = schema.safeParse(document.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push(problem([...issue.path, key], 'is not a known field'));
      } else {
        problems.push(problem(issue.path, issue.message));
      }
    }
    return undefined;
  }
  return { file, data: parsed.data, problem };
}

/** The YAML files of a folder, in name order (the order they load in); a missing folder is a problem. */
export function demoFilesIn(folder: string, problems: DemoProblem[]): string[] {
  try {
    return readdirSync(folder)
      .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
      .sort()
      .map((name) => join(folder, name));
  } catch (error) {
    problems.push({ file: folder, line: 0, path: '(folder)', message: `cannot be read: ${(error as Error).message}` });
    return [];
  }
}

function lineOf(document: Document, lineCounter: LineCounter, path: DataPath): number {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    const range = (node as { range?: readonly number[] } | null | undefined)?.range;
    if (range?.[0] !== undefined) return lineCounter.linePos(range[0]).line;
  }
  return 0;
}

/** Where a use-case call comes from: the file and the path of the entry it loads. */
export interface DemoEntry {
  readonly source: DemoFile<unknown>;
  readonly path: DataPath;
}

/**
 * Runs a use-case call for one entry; a refusal that the data caused (any domain error but "unavailable")
 * becomes a `DemoDataError` naming the entry. A field violation is placed on the entry's own field when the
 * file spells it (`hall.region_code` → `regionCode`, `window.department_ids[1]` → `departments[1]`),
 * otherwise on the entry, with the use case's field in the message.
 */
export async function asEntry<T>(entry: DemoEntry, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof DomainError) || error.kind === ErrorKinds.unavailable) throw error;
    const violations = error instanceof ValidationError ? error.violations : [];
    const problems =
      violations.length === 0
        ? [entry.source.problem(entry.path, `${error.name}: ${error.message}`)]
        : violations.map((v) => spelled(entry, fieldPath(v.field), v));
    throw new DemoDataError(problems, { cause: error });
  }
}

function spelled(
  entry: DemoEntry,
  field: DataPath | undefined,
  violation: { field: string; description: string },
): DemoProblem {
  if (field && holds(entry.source, [...entry.path, ...field])) {
    return entry.source.problem([...entry.path, ...field], violation.description);
  }
  return entry.source.problem(entry.path, `${violation.field}: ${violation.description}`);
}

function holds(source: DemoFile<unknown>, path: DataPath): boolean {
  let node: unknown = source.data;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return true;
}

/** Prefixes the use cases put on their fields (`hall.region_code`). */
const ENTITY_PREFIXES = new Set(['hall', 'department', 'window', 'staff', 'item', 'bundle', 'entry']);

/**
 * A use case's field (`item.fee_items[0].receiving_department_id`) in the files' spelling
 * (`feeItems[0].receivingDepartment`): camel case, ids named by what they refer to.
 */
function fieldPath(field: string): DataPath | undefined {
  const parts = field.split('.');
  if (parts.length > 1 && ENTITY_PREFIXES.has(parts[0]!)) parts.shift();
  const path: PropertyKey[] = [];
  for (const part of parts) {
    const match = /^([a-z_]+)((?:\[\d+\])*)$/.exec(part);
    if (!match) return undefined;
    const camel = match[1]!.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    path.push(camel === 'parentHallId' ? 'parent' : camel.replace(/Ids$/, 's').replace(/Id$/, ''));
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  return path;
}
