import { ScalarType, type DescEnum } from '@bufbuild/protobuf';
import fc from 'fast-check';

/**
 * Strings that have broken servers before: empty and whitespace-only, Chinese text, emoji, NUL and other C0
 * controls, DEL, invisible and bidi characters, SQL-ish and path-ish text, and text that looks like a number,
 * a date or a keyword to code that parses strings.
 */
export const EDGE_STRINGS: readonly string[] = [
  '',
  ' ',
  '   ',
  '\t\n\r',
  '\u3000',
  '办事指南',
  '营业执照',
  '潍坊市政务服务中心',
  '个体工商户营业执照（经营者变更）',
  '😀',
  '👩‍👩‍👧‍👦',
  '🇨🇳办事',
  '\u0000',
  'a\u0000b',
  '\u0000\u0000\u0000',
  '\u0007',
  '\u001b[31m红色\u001b[0m',
  '\u007f',
  '\b\f\v',
  '\ufeff',
  '\u200b',
  '\u202eabc',
  '\ufffd',
  'ＡＢＣ１２３',
  "' OR 1=1 --",
  "'; DROP TABLE items; --",
  '" OR ""="',
  '%',
  '_',
  '\\',
  '%00',
  '../../../../etc/passwd',
  '..\\..\\windows\\system32',
  '/',
  'C:\\',
  'file:///etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  'null',
  'undefined',
  'true',
  'NaN',
  '-0',
  '0',
  '-1',
  '1e309',
  '99999999999999999999',
  '9223372036854775808',
  '0x7fffffff',
  '2024-02-30',
  '2024-13-01',
  '0000-00-00',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
  '10000-01-01T00:00:00Z',
  '1970-01-01T00:00:00+08:00',
  '25:61',
  '370700',
  '000000',
];

/** Code points of the CJK Unified Ideographs block: text as a Chinese caller writes it. */
const chinese = fc.integer({ min: 0x4e00, max: 0x9fff }).map((cp) => String.fromCodePoint(cp));
const controlMix = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u001b',
  '\u001f',
  '\u007f',
  'a',
  '办',
  ' ',
);
const whitespace = fc.constantFrom(' ', '\t', '\n', '\r', '\u3000', '\u00a0', '\u2028');

/** 10,000 to 20,000 characters of one repeated unit: big enough to cross column and message limits, cheap to make. */
const longString = fc
  .tuple(fc.integer({ min: 10_000, max: 20_000 }), fc.constantFrom('a', '办', '😀', ' ', '\u0000', 'ab'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

/** Variants of a plausible value: as is (most often), padded, case-changed, cut short, or doubled. */
function fromPool(pool: readonly string[]): fc.Arbitrary<string> {
  const value = fc.constantFrom(...pool);
  return fc.oneof(
    { weight: 6, arbitrary: value },
    { weight: 1, arbitrary: value.map((v) => ` ${v} `) },
    { weight: 1, arbitrary: value.map((v) => (v.toUpperCase() === v ? v.toLowerCase() : v.toUpperCase())) },
    { weight: 1, arbitrary: value.map((v) => v.slice(0, Math.max(0, v.length - 1))) },
    { weight: 1, arbitrary: value.map((v) => `${v}${v}`) },
  );
}

/**
 * Any string a caller could send; `pool` (plausible values such as real ids) is drawn about a third of the time.
 * `long: false` leaves out the 10,000+ character strings (for the items of a list of hundreds).
 */
export function stringArbitrary(pool: readonly string[], long = true): fc.Arbitrary<string> {
  const kinds: Array<fc.WeightedArbitrary<string>> = [
    { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
    { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
    { weight: 2, arbitrary: fc.string({ unit: chinese, minLength: 1, maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: controlMix, minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: whitespace, minLength: 1, maxLength: 8 }) },
  ];
  if (long) kinds.push({ weight: 1, arbitrary: longString });
  if (pool.length > 0) kinds.push({ weight: 7, arbitrary: fromPool(pool) });
  return fc.oneof(...kinds);
}

const utf8 = new TextEncoder();

const smallBytes: Array<fc.WeightedArbitrary<Uint8Array>> = [
  { weight: 2, arbitrary: fc.constant(null).map(() => new Uint8Array(0)) },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 32 }) },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_STRINGS).map((s) => utf8.encode(s)) },
  { weight: 1, arbitrary: fc.constant(null).map(() => Uint8Array.of(0xff, 0xfe, 0xc0, 0x80)) },
];
const largeBytes = fc
  .tuple(fc.integer({ min: 10_000, max: 20_000 }), fc.integer({ min: 0, max: 255 }))
  .map(([length, start]) => Uint8Array.from({ length }, (_, i) => (start + i * 31) & 0xff));

/** Bytes: empty, short random, text, invalid UTF-8, and (unless `large: false`) 10-20 KB blobs. */
export function bytesArbitrary(large = true): fc.Arbitrary<Uint8Array> {
  return fc.oneof(...smallBytes, ...(large ? [{ weight: 1, arbitrary: largeBytes }] : []));
}

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const UINT32_MAX = 0xffff_ffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const int32 = fc.oneof(
  fc.constantFrom(0, 1, -1, 7, 1000, INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1),
  fc.integer({ min: -100, max: 100 }),
  fc.integer(),
);
const uint32 = fc.oneof(
  fc.constantFrom(0, 1, 7, 1000, INT32_MAX, INT32_MAX + 1, UINT32_MAX),
  fc.integer({ min: 0, max: 100 }),
  fc.integer({ min: 0, max: UINT32_MAX }),
);
/** Includes values a JavaScript number cannot hold (above 2^53) and the ends of the range. */
const int64 = fc.oneof(
  fc.constantFrom(
    0n,
    1n,
    -1n,
    SAFE,
    SAFE + 1n,
    SAFE + 2n,
    -SAFE - 2n,
    2n ** 31n,
    2n ** 32n,
    INT64_MAX,
    INT64_MAX - 1n,
    INT64_MIN,
    INT64_MIN + 1n,
  ),
  fc.bigInt({ min: -100n, max: 100n }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
);
const uint64 = fc.oneof(
  fc.constantFrom(
    0n,
    1n,
    SAFE,
    SAFE + 1n,
    SAFE + 2n,
    2n ** 32n,
    INT64_MAX,
    INT64_MAX + 1n,
    UINT64_MAX - 1n,
    UINT64_MAX,
  ),
  fc.bigInt({ min: 0n, max: 100n }),
  fc.bigInt({ min: 0n, max: UINT64_MAX }),
);
const double = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2, 1e-300),
  fc.double(),
);
/** float32 values only: protobuf-es refuses a finite number that rounds to infinity in a float field. */
const float = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45),
  fc.float(),
);

/**
 * Values of a scalar field in the shape the protobuf-es reflect API takes: `number` for 32-bit integers and
 * floating point, `bigint` for 64-bit integers (the reflect API converts for `jstype = JS_STRING` fields),
 * `Uint8Array` for bytes.
 */
export function scalarArbitrary(
  scalar: ScalarType,
  text: { readonly strings: fc.Arbitrary<string>; readonly bytes: fc.Arbitrary<Uint8Array> },
): fc.Arbitrary<unknown> {
  switch (scalar) {
    case ScalarType.STRING:
      return text.strings;
    case ScalarType.BYTES:
      return text.bytes;
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return int32;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return uint32;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return int64;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return uint64;
    case ScalarType.DOUBLE:
      return double;
    case ScalarType.FLOAT:
      return float;
  }
}

/** Numbers no enum of ours declares, the ends of the int32 range included. */
export const UNKNOWN_ENUM_NUMBERS: readonly number[] = [999, -1, INT32_MAX, INT32_MIN, 12345];

/**
 * Known values most of the time; for open (proto3) enums also unknown numbers, which a decoder keeps as plain
 * numbers. Closed (proto2) enums get known values only, as protobuf-es cannot hold others in the field.
 */
export function enumArbitrary(desc: DescEnum): fc.Arbitrary<number> {
  const known = desc.values.length > 0 ? fc.constantFrom(...desc.values.map((v) => v.number)) : fc.constant(0);
  if (!desc.open) return known;
  const max = Math.max(0, ...desc.values.map((v) => v.number));
  return fc.oneof(
    { weight: 4, arbitrary: known },
    { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_ENUM_NUMBERS, max + 1) },
  );
}

/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of a valid google.protobuf.Timestamp. */
export const TIMESTAMP_MIN_SECONDS = -62_135_596_800n;
export const TIMESTAMP_MAX_SECONDS = 253_402_300_799n;
const NANOS_MAX = 999_999_999;

/**
 * `{ seconds, nanos }` of a google.protobuf.Timestamp: valid instants (recent and across the whole range), the
 * edges of year 0001 and 9999, and invalid ones (seconds past year 9999 or before year 1, negative nanos, nanos
 * of 1e9 or more) that a JSON codec refuses but the binary format carries.
 */
export const timestampParts: fc.Arbitrary<{ seconds: bigint; nanos: number }> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      seconds: fc.bigInt({ min: 1_600_000_000n, max: 1_900_000_000n }),
      nanos: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: NANOS_MAX })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      seconds: fc.bigInt({ min: TIMESTAMP_MIN_SECONDS, max: TIMESTAMP_MAX_SECONDS }),
      nanos: fc.integer({ min: 0, max: NANOS_MAX }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      { seconds: 0n, nanos: 0 },
      { seconds: TIMESTAMP_MIN_SECONDS, nanos: 0 },
      { seconds: TIMESTAMP_MAX_SECONDS, nanos: NANOS_MAX },
      { seconds: 951_782_400n, nanos: 0 }, // 2000-02-29
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      { seconds: TIMESTAMP_MAX_SECONDS + 1n, nanos: 0 },
      { seconds: TIMESTAMP_MIN_SECONDS - 1n, nanos: 0 },
      { seconds: INT64_MAX, nanos: 0 },
      { seconds: INT64_MIN, nanos: 0 },
      { seconds: 1_700_000_000n, nanos: -1 },
      { seconds: 1_700_000_000n, nanos: 1_000_000_000 },
      { seconds: 1_700_000_000n, nanos: INT32_MAX },
      { seconds: 1_700_000_000n, nanos: INT32_MIN },
      { seconds: -1n, nanos: -1 },
    ),
  },
);

/** 10,000 years, the range of a valid google.protobuf.Duration. */
const DURATION_MAX_SECONDS = 315_576_000_000n;

/** `{ seconds, nanos }` of a google.protobuf.Duration: valid, at the range ends, beyond them, and with mismatched signs. */
export const durationParts: fc.Arbitrary<{ seconds: bigint; nanos: number }> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      seconds: fc.bigInt({ min: 0n, max: 86_400n * 400n }),
      nanos: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: NANOS_MAX })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      { seconds: 0n, nanos: 0 },
      { seconds: -1n, nanos: -NANOS_MAX },
      { seconds: DURATION_MAX_SECONDS, nanos: NANOS_MAX },
      { seconds: -DURATION_MAX_SECONDS, nanos: -NANOS_MAX },
      { seconds: DURATION_MAX_SECONDS + 1n, nanos: 0 },
      { seconds: INT64_MAX, nanos: 0 },
      { seconds: INT64_MIN, nanos: 0 },
      { seconds: 1n, nanos: -1 },
      { seconds: -1n, nanos: 1 },
      { seconds: 0n, nanos: 1_000_000_000 },
    ),
  },
);
