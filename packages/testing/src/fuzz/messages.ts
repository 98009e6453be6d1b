import { create, type DescField, type DescMessage, type DescOneof, type Message } from '@bufbuild/protobuf';
import { reflect, type ReflectList, type ReflectMap, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import fc from 'fast-check';
import {
  bytesArbitrary,
  durationParts,
  enumArbitrary,
  scalarArbitrary,
  stringArbitrary,
  timestampParts,
} from './values';

/** How generated messages are shaped. */
export interface MessageArbitraryOptions {
  /** Plausible string values (real ids, codes), drawn for about a third of the strings. Default none. */
  readonly strings?: readonly string[];
  /**
   * How deep nested message fields go; a field below it is left unset (so recursive types such as
   * google.protobuf.Value end). Default 3: request → message → message → message.
   */
  readonly maxDepth?: number;
}

/** A field chosen to be set, with its value in reflect-API shape (nested messages as `Message`). */
type Assignment = readonly [DescField, unknown];

const NONE: readonly Assignment[] = [];

/**
 * Builds fast-check arbitraries of protobuf-es messages from descriptors, every field kind covered: scalars,
 * enums (known and unknown numbers), nested messages to `maxDepth`, repeated fields (usually short, sometimes
 * hundreds of items), maps, oneofs and the well-known Timestamp and Duration with invalid values too. One
 * generator memoises per message type and depth, so a sweep over many methods builds each arbitrary once.
 */
export class MessageGenerator {
  /** Strings and bytes of any size. */
  private readonly text: { strings: fc.Arbitrary<string>; bytes: fc.Arbitrary<Uint8Array> };
  /** Without the 10,000+ character values: items of lists and maps, so a request stays well under 4 MB. */
  private readonly smallText: { strings: fc.Arbitrary<string>; bytes: fc.Arbitrary<Uint8Array> };
  private readonly maxDepth: number;
  private readonly cache = new Map<string, fc.Arbitrary<Message>>();

  constructor(options: MessageArbitraryOptions = {}) {
    const pool = options.strings ?? [];
    this.text = { strings: stringArbitrary(pool), bytes: bytesArbitrary() };
    this.smallText = { strings: stringArbitrary(pool, false), bytes: bytesArbitrary(false) };
    this.maxDepth = options.maxDepth ?? 3;
  }

  /** Messages of type `desc`: sometimes empty (every field at its default), usually with a random subset set. */
  arbitrary(desc: DescMessage, depth = 0): fc.Arbitrary<Message> {
    const key = `${desc.typeName}@${depth}`;
    let arbitrary = this.cache.get(key);
    if (arbitrary === undefined) {
      arbitrary = this.build(desc, depth);
      this.cache.set(key, arbitrary);
    }
    return arbitrary;
  }

  private build(desc: DescMessage, depth: number): fc.Arbitrary<Message> {
    switch (desc.typeName) {
      case 'google.protobuf.Timestamp':
        return timestampParts.map((parts) => secondsAndNanos(desc, parts));
      case 'google.protobuf.Duration':
        return durationParts.map((parts) => secondsAndNanos(desc, parts));
      default:
        break;
    }
    if (desc.members.length === 0) return fc.constant(null).map(() => create(desc));
    const members = desc.members.map((member) =>
      member.kind === 'oneof' ? this.oneof(member, depth) : this.optional(member, depth),
    );
    const filled = fc.tuple(...members).map((parts) => assemble(desc, parts.flat()));
    return fc.oneof(
      { weight: 1, arbitrary: fc.constant(null).map(() => create(desc)) },
      { weight: 7, arbitrary: filled },
    );
  }

  private optional(field: DescField, depth: number): fc.Arbitrary<readonly Assignment[]> {
    const value = this.value(field, depth);
    if (value === undefined) return fc.constant(NONE);
    return fc.option(value, { nil: undefined, freq: 3 }).map((v) => (v === undefined ? NONE : [[field, v] as const]));
  }

  private oneof(oneof: DescOneof, depth: number): fc.Arbitrary<readonly Assignment[]> {
    const cases: Array<fc.Arbitrary<readonly Assignment[]>> = [fc.constant(NONE)];
    for (const field of oneof.fields) {
      const value = this.value(field, depth);
      if (value !== undefined) cases.push(value.map((v) => [[field, v] as const]));
    }
    return fc.oneof(...cases);
  }

  /** The values of one field, or `undefined` when it must stay unset (a message field below `maxDepth`). */
  private value(field: DescField, depth: number): fc.Arbitrary<unknown> | undefined {
    const deeper = depth + 1;
    switch (field.fieldKind) {
      case 'scalar':
        return scalarArbitrary(field.scalar, this.text);
      case 'enum':
        return enumArbitrary(field.enum);
      case 'message':
        return deeper > this.maxDepth ? undefined : this.arbitrary(field.message, deeper);
      case 'list': {
        switch (field.listKind) {
          case 'scalar':
            return listOf(scalarArbitrary(field.scalar, this.text), scalarArbitrary(field.scalar, this.smallText));
          case 'enum':
            return listOf(enumArbitrary(field.enum), enumArbitrary(field.enum));
          case 'message':
            return deeper > this.maxDepth ? undefined : listOf(this.arbitrary(field.message, deeper));
        }
        break;
      }
      case 'map': {
        const key = scalarArbitrary(field.mapKey, this.smallText);
        let value: fc.Arbitrary<unknown>;
        switch (field.mapKind) {
          case 'scalar':
            value = scalarArbitrary(field.scalar, this.smallText);
            break;
          case 'enum':
            value = enumArbitrary(field.enum);
            break;
          case 'message':
            if (deeper > this.maxDepth) return undefined;
            value = this.arbitrary(field.message, deeper);
            break;
        }
        return fc.array(fc.tuple(key, value), { maxLength: 6 });
      }
    }
  }
}

/**
 * Usually 0-3 items, sometimes 4-12; given `smallItem` (lists of scalars and enums), also 200-1,000 small items
 * (more than any page size or batch limit expects).
 */
function listOf<T>(item: fc.Arbitrary<T>, smallItem?: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  const sizes: Array<fc.WeightedArbitrary<T[]>> = [
    { weight: 6, arbitrary: fc.array(item, { maxLength: 3 }) },
    { weight: 2, arbitrary: fc.array(item, { minLength: 4, maxLength: 12 }) },
  ];
  if (smallItem) sizes.push({ weight: 1, arbitrary: fc.array(smallItem, { minLength: 200, maxLength: 1000 }) });
  return fc.oneof(...sizes);
}

function secondsAndNanos(desc: DescMessage, parts: { seconds: bigint; nanos: number }): Message {
  const message = reflect(desc);
  const seconds = desc.fields.find((f) => f.name === 'seconds');
  const nanos = desc.fields.find((f) => f.name === 'nanos');
  if (seconds) message.set(seconds, parts.seconds);
  if (nanos) message.set(nanos, parts.nanos);
  return message.message;
}

function assemble(desc: DescMessage, assignments: readonly Assignment[]): Message {
  const message = reflect(desc);
  for (const [field, value] of assignments) assign(message, field, value);
  return message.message;
}

function assign(message: ReflectMessage, field: DescField, value: unknown): void {
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum':
      message.set(field, value);
      return;
    case 'message':
      message.set(field, reflect(field.message, value as Message));
      return;
    case 'list': {
      const list: ReflectList = message.get(field);
      for (const item of value as unknown[]) {
        list.add(field.listKind === 'message' ? reflect(field.message, item as Message) : item);
      }
      return;
    }
    case 'map': {
      const map: ReflectMap = message.get(field);
      for (const [key, item] of value as Array<[unknown, unknown]>) {
        map.set(key, field.mapKind === 'message' ? reflect(field.message, item as Message) : item);
      }
      return;
    }
  }
}
