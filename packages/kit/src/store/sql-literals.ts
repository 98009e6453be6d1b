import { escapeLiteral } from 'pg';

/**
 * A parameterised statement written out as one plain SQL text, so that it can travel in the same round trip as
 * `BEGIN` or `COMMIT` (PostgreSQL's simple query protocol takes several statements at once; its extended
 * protocol, which carries parameters, takes one).
 *
 * Each `$n` becomes a quoted literal of the parameter's text form: the same text `pg` sends for a parameter, and,
 * like a parameter sent without a type, a literal of unknown type that PostgreSQL types from its context
 * (`'12'::bigint[]`, `'...'::jsonb`). `$n` inside quoted strings, quoted identifiers, dollar quotes and comments is
 * left alone. Returns `undefined` when a value has no safe text form here (the caller then sends the statement
 * on its own, as usual).
 */
export function inlineParameters(sql: string, parameters: readonly unknown[]): string | undefined {
  const literals: string[] = [];
  for (const value of parameters) {
    const literal = toLiteral(value);
    if (literal === undefined) return undefined;
    literals.push(literal);
  }
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      if (end < 0) return undefined;
      out += sql.slice(i, end + 1);
      i = end + 1;
    } else if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      out += sql.slice(i, end + 2);
      i = end + 2;
    } else if (ch === '$') {
      const param = /^\$(\d+)/.exec(sql.slice(i));
      if (param) {
        const literal = literals[Number(param[1]) - 1];
        if (literal === undefined) return undefined;
        out += literal;
        i += param[0].length;
        continue;
      }
      const tag = /^\$[A-Za-z_][A-Za-z0-9_]*\$|^\$\$/.exec(sql.slice(i));
      if (!tag) {
        out += ch;
        i += 1;
        continue;
      }
      const end = sql.indexOf(tag[0], i + tag[0].length);
      if (end < 0) return undefined;
      out += sql.slice(i, end + tag[0].length);
      i = end + tag[0].length;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/** Index of the quote that closes the one at `start` (doubled quotes are part of the text); -1 if none. */
function closingQuote(sql: string, start: number, quote: string): number {
  // E'...' strings escape with backslashes as well.
  const escapes = quote === "'" && start > 0 && /[eE]/.test(sql[start - 1]!) && !/\w/.test(sql[start - 2] ?? '');
  for (let i = start + 1; i < sql.length; i++) {
    const ch = sql[i];
    if (escapes && ch === '\\') {
      i += 1;
    } else if (ch === quote) {
      if (sql[i + 1] === quote) i += 1;
      else return i;
    }
  }
  return -1;
}

/** The literal of one parameter, as `pg` would send it as text; undefined for values it would not send as such. */
function toLiteral(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'NULL';
  const text = textOf(value);
  return text === undefined ? undefined : escapeLiteral(text);
}

function textOf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
      if (Array.isArray(value)) return arrayLiteral(value);
      if (Object.getPrototypeOf(value) === Object.prototype) return JSON.stringify(value);
      return undefined;
    }
    case 'function':
    case 'symbol':
    case 'undefined':
      return undefined;
  }
}

/** A PostgreSQL array literal (`{"a","b",NULL}`), nested arrays included. */
function arrayLiteral(values: readonly unknown[]): string | undefined {
  const parts: string[] = [];
  for (const value of values) {
    if (value === null || value === undefined) {
      parts.push('NULL');
      continue;
    }
    if (Array.isArray(value)) {
      const inner = arrayLiteral(value);
      if (inner === undefined) return undefined;
      parts.push(inner);
      continue;
    }
    const text = textOf(value);
    if (text === undefined) return undefined;
    parts.push(`"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  }
  return `{${parts.join(',')}}`;
}
