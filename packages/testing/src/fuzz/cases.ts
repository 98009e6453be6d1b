import { toBinary, type DescMessage, type DescMethod, type Message } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { MessageGenerator } from './messages';
import { rawCases, type RawCaseKind } from './raw';

/** A request body sent to one method: a generated message or a raw (usually malformed) byte sequence. */
export interface FuzzCase {
  /** Position among the method's cases: generated messages first (`0..runs-1`), then the raw cases. */
  readonly index: number;
  readonly kind: 'message' | RawCaseKind;
  /** What the case is, in a few words (`message #3`, `a valid 41-byte message cut to 40 bytes`). */
  readonly label: string;
  /** The request body as sent. */
  readonly bytes: Uint8Array;
  /** For `kind: 'message'`, the message that `bytes` encodes. */
  readonly message?: Message;
}

/** What decides a method's cases; the same options give the same cases, byte for byte. */
export interface FuzzCaseOptions {
  /** The sweep's seed. */
  readonly seed: number;
  /** Generated messages per method. */
  readonly runs: number;
  /** Add the raw byte cases after the messages. Default true. */
  readonly raw?: boolean;
  /** Plausible strings (real ids), drawn for about a third of the string values. */
  readonly strings?: readonly string[];
  /** Nesting bound of generated messages (see `MessageArbitraryOptions.maxDepth`). */
  readonly maxDepth?: number;
  /** A generator to reuse across methods (it memoises arbitraries); made from `strings`/`maxDepth` when absent. */
  readonly generator?: MessageGenerator;
}

/**
 * The cases of one method: `runs` generated messages of its input type, then (unless `raw: false`) the raw
 * cases of `rawCases`. Each case has its own seed, derived from the sweep's seed, the method's full name and
 * the case's index, so one method's cases do not change when another method is added, and
 * `fuzzCases(method, options)[failure.replay.index]` rebuilds a reported request exactly.
 */
export function fuzzCases(method: DescMethod, options: FuzzCaseOptions): FuzzCase[] {
  const generator =
    options.generator ?? new MessageGenerator({ strings: options.strings ?? [], maxDepth: options.maxDepth ?? 3 });
  const input = method.input;
  const arbitrary = generator.arbitrary(input);
  const name = `${method.parent.typeName}/${method.name}`;
  const cases: FuzzCase[] = [];
  for (let index = 0; index < options.runs; index++) {
    const message = sampleOne(arbitrary, caseSeed(options.seed, name, index));
    cases.push({ index, kind: 'message', label: `message #${index}`, bytes: encode(input, message), message });
  }
  if (options.raw ?? true) {
    const seed = caseSeed(options.seed, name, -1);
    const inputs = sampleOne(
      fc.record({
        short: fc.uint8Array({ minLength: 1, maxLength: 16 }),
        long: fc.uint8Array({ minLength: 64, maxLength: 512 }),
        valid: arbitrary.map((m) => encode(input, m)),
      }),
      seed,
    );
    for (const raw of rawCases(input, inputs)) cases.push({ index: cases.length, ...raw });
  }
  return cases;
}

function encode(desc: DescMessage, message: Message): Uint8Array {
  return toBinary(desc, message);
}

function sampleOne<T>(arbitrary: fc.Arbitrary<T>, seed: number): T {
  const [value] = fc.sample(arbitrary, { seed, numRuns: 1 });
  if (value === undefined) throw new Error('fast-check sampled nothing');
  return value;
}

/** A 32-bit seed for one case (FNV-1a over the sweep seed, the method and the index). */
export function caseSeed(seed: number, method: string, index: number): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}|${method}|${index}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
