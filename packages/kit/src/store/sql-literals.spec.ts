import { inlineParameters } from './sql-literals';

describe('inlineParameters', () => {
  it('writes each $n as a quoted literal of its text form', () => {
    expect(inlineParameters('select $1, $2::int, $3', ["it's", 12, null])).toBe("select 'it''s', '12'::int, NULL");
    expect(inlineParameters('select $1::jsonb', [{ a: "b'c" }])).toBe(`select '{"a":"b''c"}'::jsonb`);
    // A backslash inside: pg's escapeLiteral writes an E'' string (a leading space keeps it apart).
    expect(inlineParameters('select $1::text[]', [['a', 'b"c', null]])).toBe(`select  E'{"a","b\\\\"c",NULL}'::text[]`);
    expect(inlineParameters('select $1', [new Date('2026-03-02T01:00:00Z')])).toBe("select '2026-03-02T01:00:00.000Z'");
    expect(inlineParameters('select $1', [true])).toBe("select 'true'");
    expect(inlineParameters('select $1', [10n ** 20n])).toBe("select '100000000000000000000'");
  });

  it('escapes backslashes so the literal means the same under any string setting', () => {
    expect(inlineParameters('select $1', ['a\\b'])).toBe("select  E'a\\\\b'");
  });

  it('leaves $n alone inside strings, quoted identifiers, dollar quotes and comments', () => {
    const sql = `select '$1', "$1", $$ $1 $$, $tag$ $1 $tag$, E'\\'$1', $1 -- $1\n/* $1 */`;
    expect(inlineParameters(sql, ['x'])).toBe(
      `select '$1', "$1", $$ $1 $$, $tag$ $1 $tag$, E'\\'$1', 'x' -- $1\n/* $1 */`,
    );
  });

  it('replaces $10 as one parameter, not $1 followed by 0', () => {
    const params = Array.from({ length: 10 }, (_, i) => `p${i + 1}`);
    expect(inlineParameters('select $10, $1', params)).toBe("select 'p10', 'p1'");
  });

  it('declines values it cannot write and statements it cannot read', () => {
    expect(inlineParameters('select $1', [new Map()])).toBeUndefined();
    expect(inlineParameters('select $1', [Symbol('x')])).toBeUndefined();
    expect(inlineParameters('select $2', ['only one'])).toBeUndefined();
    expect(inlineParameters("select 'unterminated", [])).toBeUndefined();
  });
});
