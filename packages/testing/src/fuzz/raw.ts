import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/** The kinds of malformed (or merely odd) request bodies sent to every method besides generated messages. */
export const RawCaseKinds = {
  /** Zero bytes: a valid encoding of the all-defaults message. */
  empty: 'empty',
  /** A few random bytes. */
  randomShort: 'random-short',
  /** A few hundred random bytes. */
  randomLong: 'random-long',
  /** A generated message with its last byte cut off, so its last field ends early. */
  truncated: 'truncated',
  /** A field sent with a wire type its declaration does not allow (a varint where a string belongs, ...). */
  wrongWireType: 'wrong-wire-type',
  /** A message field whose content is itself malformed. */
  badNested: 'bad-nested',
  /** A length prefix larger than the bytes that follow. */
  lengthBeyondEnd: 'length-beyond-end',
  /** A length prefix of 2^32-1. */
  lengthHuge: 'length-huge',
  /** A length prefix encoded as a negative 64-bit varint. */
  lengthNegative: 'length-negative',
  /** A string field holding bytes that are not UTF-8. */
  invalidUtf8: 'invalid-utf8',
  /** A tag with wire type 7, which does not exist. */
  invalidWireType: 'invalid-wire-type',
  /** An end-group tag with no group open. */
  unmatchedEndGroup: 'unmatched-end-group',
  /** A varint of 11 bytes (at most 10 are allowed). */
  overlongVarint: 'overlong-varint',
  /** A tag for field number 0, which no message may use. */
  fieldNumberZero: 'field-number-zero',
} as const;
export type RawCaseKind = (typeof RawCaseKinds)[keyof typeof RawCaseKinds];

/** One malformed body, with a line that says what is wrong with it. */
export interface RawCase {
  readonly kind: RawCaseKind;
  readonly label: string;
  readonly bytes: Uint8Array;
}

/** How many fields get a wrong-wire-type case of their own. */
const WRONG_WIRE_TYPE_FIELDS = 4;

/** What the raw cases take from outside: random bytes and one valid encoding of the input message. */
export interface RawCaseInputs {
  /** 1-16 random bytes. */
  readonly short: Uint8Array;
  /** 64-512 random bytes. */
  readonly long: Uint8Array;
  /** `toBinary` of a generated message (may be empty). */
  readonly valid: Uint8Array;
}

/** The raw cases of a method whose input is `input`, in a fixed order that depends only on the descriptor. */
export function rawCases(input: DescMessage, inputs: RawCaseInputs): RawCase[] {
  const fields = [...input.fields].sort((a, b) => a.number - b.number);
  const lengthField = fields.find((f) => wireTypeOf(f) === WireType.LengthDelimited);
  const lengthNumber = lengthField?.number ?? 1;
  const varintNumber = fields.find((f) => wireTypeOf(f) === WireType.Varint)?.number ?? 1;
  const abc = Uint8Array.of(0x61, 0x62, 0x63);
  const cases: RawCase[] = [
    { kind: RawCaseKinds.empty, label: 'empty body', bytes: new Uint8Array(0) },
    { kind: RawCaseKinds.randomShort, label: `${inputs.short.length} random bytes`, bytes: inputs.short },
    { kind: RawCaseKinds.randomLong, label: `${inputs.long.length} random bytes`, bytes: inputs.long },
    truncated(fields, inputs.valid),
  ];
  for (const field of fields.slice(0, WRONG_WIRE_TYPE_FIELDS)) cases.push(wrongWireType(field));
  const nested = fields.find((f) => f.fieldKind === 'message' && !f.delimitedEncoding);
  if (nested) {
    cases.push({
      kind: RawCaseKinds.badNested,
      label: `${nested.name} holds a truncated varint`,
      bytes: new BinaryWriter()
        .tag(nested.number, WireType.LengthDelimited)
        .bytes(Uint8Array.of(0x08, 0xff, 0xff))
        .finish(),
    });
  }
  cases.push(
    {
      kind: RawCaseKinds.lengthBeyondEnd,
      label: `field ${lengthNumber} says 1000 bytes, 3 follow`,
      bytes: new BinaryWriter().tag(lengthNumber, WireType.LengthDelimited).uint32(1000).raw(abc).finish(),
    },
    {
      kind: RawCaseKinds.lengthHuge,
      label: `field ${lengthNumber} says 2^32-1 bytes`,
      bytes: new BinaryWriter().tag(lengthNumber, WireType.LengthDelimited).uint32(0xffff_ffff).raw(abc).finish(),
    },
    {
      kind: RawCaseKinds.lengthNegative,
      label: `field ${lengthNumber} says -1 bytes`,
      bytes: new BinaryWriter().tag(lengthNumber, WireType.LengthDelimited).int64(-1n).raw(abc).finish(),
    },
  );
  const text = fields.find((f) => stringLike(f) === ScalarType.STRING);
  if (text) {
    cases.push({
      kind: RawCaseKinds.invalidUtf8,
      label: `${text.name} holds bytes that are not UTF-8`,
      bytes: new BinaryWriter()
        .tag(text.number, WireType.LengthDelimited)
        .bytes(Uint8Array.of(0x61, 0xff, 0xfe, 0xc0, 0x80))
        .finish(),
    });
  }
  cases.push(
    {
      kind: RawCaseKinds.invalidWireType,
      label: 'a tag with wire type 7',
      bytes: new BinaryWriter()
        .uint32(((lengthNumber << 3) | 7) >>> 0)
        .uint32(1)
        .finish(),
    },
    {
      kind: RawCaseKinds.unmatchedEndGroup,
      label: `an end-group tag for field ${varintNumber} with no group open`,
      bytes: new BinaryWriter().tag(varintNumber, WireType.EndGroup).finish(),
    },
    {
      kind: RawCaseKinds.overlongVarint,
      label: `field ${varintNumber} holds an 11-byte varint`,
      bytes: concat(
        new BinaryWriter().tag(varintNumber, WireType.Varint).finish(),
        Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
      ),
    },
    { kind: RawCaseKinds.fieldNumberZero, label: 'a tag for field number 0', bytes: Uint8Array.of(0x00, 0x01) },
  );
  return cases;
}

function truncated(fields: readonly DescField[], valid: Uint8Array): RawCase {
  // Dropping the final byte always breaks the last field: a varint loses its last byte, a fixed value or a
  // length-delimited payload comes up short, or a lone tag remains.
  const whole = valid.length > 0 ? valid : fallbackEncoding(fields);
  return {
    kind: RawCaseKinds.truncated,
    label: `a valid ${whole.length}-byte message cut to ${whole.length - 1} bytes`,
    bytes: whole.slice(0, whole.length - 1),
  };
}

/** One field at a non-default value, for a message whose generated encoding was empty. */
function fallbackEncoding(fields: readonly DescField[]): Uint8Array {
  const first = fields[0];
  const writer = new BinaryWriter();
  if (first === undefined) return writer.tag(1, WireType.Varint).uint32(300).finish();
  return writeWith(writer.tag(first.number, wireTypeOf(first)), wireTypeOf(first)).finish();
}

function wrongWireType(field: DescField): RawCase {
  const allowed = allowedWireTypes(field);
  const wrong =
    [WireType.Varint, WireType.LengthDelimited, WireType.Bit64, WireType.Bit32].find((w) => !allowed.includes(w)) ??
    WireType.Bit32;
  return {
    kind: RawCaseKinds.wrongWireType,
    label: `${field.name} (field ${field.number}) sent as ${WIRE_NAMES[wrong]}, declared ${allowed.map((w) => WIRE_NAMES[w]).join(' or ')}`,
    bytes: writeWith(new BinaryWriter().tag(field.number, wrong), wrong).finish(),
  };
}

/** A small payload of wire type `wire`. */
function writeWith(writer: BinaryWriter, wire: WireType): BinaryWriter {
  switch (wire) {
    case WireType.Varint:
      return writer.uint32(300);
    case WireType.LengthDelimited:
      return writer.bytes(Uint8Array.of(0x61, 0x62, 0x63));
    case WireType.Bit64:
      return writer.fixed64(1n);
    case WireType.Bit32:
      return writer.fixed32(1);
    case WireType.StartGroup:
    case WireType.EndGroup:
      return writer;
  }
}

const WIRE_NAMES: Record<WireType, string> = {
  [WireType.Varint]: 'varint',
  [WireType.Bit64]: 'fixed64',
  [WireType.LengthDelimited]: 'length-delimited',
  [WireType.StartGroup]: 'start-group',
  [WireType.EndGroup]: 'end-group',
  [WireType.Bit32]: 'fixed32',
};

/** The wire types a conforming parser accepts for `field` (repeated numbers come packed or not). */
function allowedWireTypes(field: DescField): WireType[] {
  if (field.fieldKind === 'list' && field.listKind !== 'message') {
    const element = field.listKind === 'enum' ? WireType.Varint : scalarWireType(field.scalar);
    return element === WireType.LengthDelimited ? [element] : [element, WireType.LengthDelimited];
  }
  return [wireTypeOf(field)];
}

/** The wire type `field` is written with (for a packed list, length-delimited). */
function wireTypeOf(field: DescField): WireType {
  switch (field.fieldKind) {
    case 'map':
      return WireType.LengthDelimited;
    case 'message':
      return field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited;
    case 'enum':
      return WireType.Varint;
    case 'scalar':
      return scalarWireType(field.scalar);
    case 'list':
      switch (field.listKind) {
        case 'message':
          return field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited;
        case 'enum':
          return field.packed ? WireType.LengthDelimited : WireType.Varint;
        case 'scalar': {
          const element = scalarWireType(field.scalar);
          return field.packed || element === WireType.LengthDelimited ? WireType.LengthDelimited : element;
        }
      }
  }
}

function scalarWireType(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    case ScalarType.INT32:
    case ScalarType.INT64:
    case ScalarType.UINT32:
    case ScalarType.UINT64:
    case ScalarType.SINT32:
    case ScalarType.SINT64:
    case ScalarType.BOOL:
      return WireType.Varint;
  }
}

/** The scalar type of a singular or repeated scalar field, for picking a string field. */
function stringLike(field: DescField): ScalarType | undefined {
  if (field.fieldKind === 'scalar') return field.scalar;
  if (field.fieldKind === 'list' && field.listKind === 'scalar') return field.scalar;
  return undefined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
