import { createFileRegistry, toJson, type DescMethod, type FileRegistry, type JsonValue } from '@bufbuild/protobuf';
import { toText } from '@bufbuild/protobuf/txtpb';
import type { FileDescriptorSet } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import { fuzzCases, type FuzzCase } from './cases';
import { MessageGenerator } from './messages';

/** Status names as grpc-js spells them (`grpc.status`). */
export type StatusName = keyof typeof grpc.status;

/**
 * Answers that bad input must never get: the server failed (INTERNAL, UNKNOWN, DATA_LOSS), dropped the call or
 * the connection (UNAVAILABLE, CANCELLED: this client never cancels), hung (DEADLINE_EXCEEDED), or does not
 * implement a method its contract lists (UNIMPLEMENTED: every call of that method would test nothing).
 */
export const DEFAULT_FAILING_CODES: readonly StatusName[] = [
  'INTERNAL',
  'UNKNOWN',
  'DATA_LOSS',
  'UNAVAILABLE',
  'CANCELLED',
  'DEADLINE_EXCEEDED',
  'UNIMPLEMENTED',
];

export interface FuzzOptions {
  /** `host:port` of the server under test. */
  readonly address: string;
  /** Where the services' descriptors come from: a registry (`contractRegistry()`) or a descriptor set. */
  readonly registry: FileRegistry | FileDescriptorSet;
  /** Full service names, e.g. `govhall.catalogue.v1.ItemService`. */
  readonly services: readonly string[];
  /** Metadata for each call (a staff token, say); a fresh object per call. Default none. */
  readonly metadata?: () => grpc.Metadata;
  /** Channel credentials. Default insecure. */
  readonly credentials?: grpc.ChannelCredentials;
  /** Generated messages per method, on top of about 15 raw byte cases. Default 40. */
  readonly runsPerMethod?: number;
  /**
   * Seed of every generated case. Default: `FUZZ_SEED` from the environment when set, else random; the
   * report carries it, so a failure found under a random seed can be replayed.
   */
  readonly seed?: number;
  /**
   * Deadline of each call; an answer later than this is a failure (DEADLINE_EXCEEDED). The server must also
   * accept the connection within it. Default 5,000 ms.
   */
  readonly deadlineMs?: number;
  /** Plausible values drawn often, so requests get past "not found" into deeper code. */
  readonly pools?: { readonly strings?: readonly string[] };
  /** Calls in flight at once, across all methods. Default 4. */
  readonly concurrency?: number;
  /** Methods not to call: `pkg.Service/Method`, or a bare method name for that name in every service. */
  readonly skipMethods?: readonly string[];
  /** Send the raw byte cases (empty, truncated, wrong wire types, ...). Default true. */
  readonly raw?: boolean;
  /** Nesting bound of generated messages. Default 3. */
  readonly maxDepth?: number;
  /** Codes that count as failures. Default `DEFAULT_FAILING_CODES`. */
  readonly failOn?: readonly StatusName[];
  /**
   * After this many failures a method's remaining generated messages are not sent (and likewise its raw cases,
   * counted apart), so a method that hangs on everything costs a few deadlines, not forty. Default 5;
   * `Infinity` sends everything.
   */
  readonly maxFailuresPerMethod?: number;
}

/** One answer that bad input must not get, with what is needed to see and replay the request. */
export interface FuzzFailure {
  /** `pkg.Service/Method` */
  readonly method: string;
  readonly code: StatusName;
  readonly details: string;
  /** `message` for a generated message, else the raw case's kind (`truncated`, `wrong-wire-type`, ...). */
  readonly kind: FuzzCase['kind'];
  /** What the request was, in a few words. */
  readonly label: string;
  /** The request body as sent, in hex. */
  readonly requestHex: string;
  /** The generated message as proto3 JSON, when JSON can represent it (not, say, a Timestamp in year 10000). */
  readonly requestJson?: JsonValue;
  /** The generated message in protobuf text format, which represents any message. */
  readonly requestText?: string;
  /**
   * `replayFuzzCase(sweepOptions, failure)` rebuilds the request; so does
   * `fuzzCases(method, { seed, runs: runsPerMethod, strings: pools.strings, maxDepth, raw })[index]`.
   */
  readonly replay: { readonly seed: number; readonly index: number; readonly runsPerMethod: number };
}

/** A method not called, and why. */
export interface SkippedMethod {
  readonly method: string;
  readonly reason: 'client_streaming' | 'server_streaming' | 'bidi_streaming' | 'skipMethods';
}

/** What a sweep did and found. */
export interface FuzzReport {
  readonly seed: number;
  readonly runsPerMethod: number;
  /** Calls answered (by any status, OK included). */
  readonly calls: number;
  /** Per method (`pkg.Service/Method`): how many calls were answered with each status. */
  readonly byMethod: Record<string, Partial<Record<StatusName, number>>>;
  /** Answers with a failing code, in method then case order. */
  readonly failures: FuzzFailure[];
  readonly skipped: SkippedMethod[];
  /** Methods whose remaining cases were not sent after `maxFailuresPerMethod` failures. */
  readonly stoppedEarly: Array<{ readonly method: string; readonly sent: number; readonly planned: number }>;
  readonly durationMs: number;
}

/** A service name the descriptors do not hold. */
export class UnknownFuzzService extends Error {
  override readonly name = 'UnknownFuzzService';
  constructor(readonly service: string) {
    super(`service ${service} is not in the descriptors given to fuzzGrpcServices`);
  }
}

/** The server could not be reached before the sweep started, so nothing was tested. */
export class FuzzTargetUnreachable extends Error {
  override readonly name = 'FuzzTargetUnreachable';
  constructor(
    readonly address: string,
    options: { cause: unknown },
  ) {
    super(`no gRPC server answered at ${address}`, options);
  }
}

/** An option out of range (a seed that is not an integer, a concurrency of 0, ...). */
export class InvalidFuzzOptions extends Error {
  override readonly name = 'InvalidFuzzOptions';
}

interface Planned {
  readonly method: DescMethod;
  readonly path: string;
  readonly name: string;
  readonly cases: FuzzCase[];
}

interface Answer {
  readonly code: grpc.status;
  readonly details: string;
}

const identity = (bytes: Buffer): Buffer => bytes;
/** Only checks that an answer's bytes arrive; decoding the reply is not the sweep's business. */
const checkBytes = (bytes: Buffer): Buffer => {
  if (!Buffer.isBuffer(bytes)) throw new TypeError('the reply carried no bytes');
  return bytes;
};

/**
 * Calls every unary method of `services` on the server at `address` with generated and malformed requests,
 * encoded straight from the descriptors with protobuf-es (so 64-bit integers above 2^53, unknown enum numbers
 * and invalid Timestamps reach the server as a ts-proto client could not send them), and reports how each call
 * was answered. Streaming methods are listed as skipped. Calls use identity serializers, and each method has a
 * connection of its own, so a request that breaks its connection is blamed on its method only.
 *
 * It throws only when the options are wrong, a service is unknown, or the server cannot be reached at all;
 * every answer, failing or not, is in the report. Assert on it with `expectNoInternalAnswers`.
 */
export async function fuzzGrpcServices(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const seed = resolveSeed(options.seed);
  const runsPerMethod = positiveInteger('runsPerMethod', options.runsPerMethod ?? 40, true);
  const concurrency = positiveInteger('concurrency', options.concurrency ?? 4);
  const deadlineMs = positiveInteger('deadlineMs', options.deadlineMs ?? 5_000);
  const maxFailures = options.maxFailuresPerMethod ?? 5;
  if (maxFailures !== Infinity) positiveInteger('maxFailuresPerMethod', maxFailures);
  const failOn = new Set<grpc.status>((options.failOn ?? DEFAULT_FAILING_CODES).map((name) => grpc.status[name]));
  const registry = '$typeName' in options.registry ? createFileRegistry(options.registry) : options.registry;
  const skip = new Set(options.skipMethods ?? []);

  const generator = new MessageGenerator({ strings: options.pools?.strings ?? [], maxDepth: options.maxDepth ?? 3 });
  const planned: Planned[] = [];
  const skipped: SkippedMethod[] = [];
  for (const serviceName of options.services) {
    const service = registry.getService(serviceName);
    if (service === undefined) throw new UnknownFuzzService(serviceName);
    for (const method of service.methods) {
      const name = `${service.typeName}/${method.name}`;
      if (method.methodKind !== 'unary') skipped.push({ method: name, reason: method.methodKind });
      else if (skip.has(name) || skip.has(method.name)) skipped.push({ method: name, reason: 'skipMethods' });
      else {
        const cases = fuzzCases(method, { seed, runs: runsPerMethod, raw: options.raw ?? true, generator });
        planned.push({ method, path: `/${name}`, name, cases });
      }
    }
  }

  const channels = new Channels(options.address, options.credentials ?? grpc.credentials.createInsecure());
  try {
    await ready(channels.open(), options.address, deadlineMs);
    const answers = await callAll(channels, planned, { concurrency, deadlineMs, maxFailures, failOn, options });
    return report(planned, answers, { seed, runsPerMethod, failOn, skipped, registry, started });
  } finally {
    channels.closeAll();
  }
}

/**
 * Rebuilds the request of a reported failure from the options of the sweep that found it (the seed, runs and
 * index come from `failure.replay`; the pools, depth and raw setting from `options`), to debug it in isolation.
 */
export function replayFuzzCase(
  options: Pick<FuzzOptions, 'registry' | 'pools' | 'maxDepth' | 'raw'>,
  failure: Pick<FuzzFailure, 'method' | 'replay'>,
): FuzzCase {
  const registry = '$typeName' in options.registry ? createFileRegistry(options.registry) : options.registry;
  const [serviceName = '', methodName = ''] = failure.method.split('/');
  const service = registry.getService(serviceName);
  if (service === undefined) throw new UnknownFuzzService(serviceName);
  const method = service.methods.find((m) => m.name === methodName);
  if (method === undefined) throw new InvalidFuzzOptions(`${serviceName} has no method ${methodName}`);
  const cases = fuzzCases(method, {
    seed: failure.replay.seed,
    runs: failure.replay.runsPerMethod,
    raw: options.raw ?? true,
    strings: options.pools?.strings ?? [],
    maxDepth: options.maxDepth ?? 3,
  });
  const found = cases[failure.replay.index];
  if (found === undefined) throw new InvalidFuzzOptions(`${failure.method} has no case ${failure.replay.index}`);
  return found;
}

interface CallSettings {
  readonly concurrency: number;
  readonly deadlineMs: number;
  readonly maxFailures: number;
  readonly failOn: ReadonlySet<grpc.status>;
  readonly options: FuzzOptions;
}

/**
 * Sends every case, `concurrency` at a time, in method then case order, and returns each method's answers by
 * case index. A method's generated messages and its raw cases each stop being sent once `maxFailures` of them
 * have failed; answers past the `maxFailures`-th failure (by index) are then dropped, so the report is the same
 * whatever order the answers came back in.
 */
async function callAll(
  channels: Channels,
  planned: readonly Planned[],
  settings: CallSettings,
): Promise<Array<Map<number, Answer>>> {
  const answers = planned.map(() => new Map<number, Answer>());
  const clients = new Map<number, grpc.Client>();
  const failures = planned.map(() => ({ message: 0, raw: 0 }));
  const queue: Array<{ method: number; testCase: FuzzCase }> = [];
  planned.forEach((p, method) => p.cases.forEach((testCase) => queue.push({ method, testCase })));

  const unfinished = planned.map((p) => p.cases.length);
  const finish = (method: number): void => {
    // A method's connection is closed once its last case is done, so a sweep holds about `concurrency` open.
    if (--unfinished[method]! === 0) clients.get(method)?.close();
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const item = queue[next++]!;
      const group = item.testCase.kind === 'message' ? 'message' : 'raw';
      const count = failures[item.method]!;
      if (count[group] < settings.maxFailures) {
        let client = clients.get(item.method);
        if (client === undefined) clients.set(item.method, (client = channels.open()));
        const answer = await call(client, planned[item.method]!.path, item.testCase.bytes, settings);
        answers[item.method]!.set(item.testCase.index, answer);
        if (settings.failOn.has(answer.code)) count[group]++;
      }
      finish(item.method);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, () => worker()));

  // Keep, per group, the answers up to and including the maxFailures-th failure by index: every case before it
  // was sent (cases go out in index order and sending stopped only after that many failures had come back).
  return answers.map((byIndex, method) => {
    const kept = new Map<number, Answer>();
    const seen = { message: 0, raw: 0 };
    const closed = { message: false, raw: false };
    for (const testCase of planned[method]!.cases) {
      const group = testCase.kind === 'message' ? 'message' : 'raw';
      const answer = byIndex.get(testCase.index);
      if (closed[group] || answer === undefined) continue;
      kept.set(testCase.index, answer);
      if (settings.failOn.has(answer.code) && ++seen[group] >= settings.maxFailures) closed[group] = true;
    }
    return kept;
  });
}

/**
 * One channel, so one HTTP/2 connection, per method: a request that stalls or breaks its connection (a status
 * whose details are too big for the trailers, a crash of the session) then fails its own method's calls, not
 * every method called after it.
 */
class Channels {
  private readonly clients: grpc.Client[] = [];

  constructor(
    private readonly address: string,
    private readonly credentials: grpc.ChannelCredentials,
  ) {}

  open(): grpc.Client {
    // grpc-js shares connections between channels to one address unless each has a subchannel pool of its own.
    const client = new grpc.Client(this.address, this.credentials, { 'grpc.use_local_subchannel_pool': 1 });
    this.clients.push(client);
    return client;
  }

  closeAll(): void {
    for (const client of this.clients) client.close();
  }
}

function call(client: grpc.Client, path: string, body: Uint8Array, settings: CallSettings): Promise<Answer> {
  const metadata = settings.options.metadata?.() ?? new grpc.Metadata();
  const deadline = Date.now() + settings.deadlineMs;
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, identity, checkBytes, Buffer.from(body), metadata, { deadline }, (error) => {
      if (error === null) resolve({ code: grpc.status.OK, details: '' });
      else resolve({ code: error.code, details: error.details });
    });
  });
}

/** The server must accept a connection within one call deadline. */
function ready(client: grpc.Client, address: string, deadlineMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + deadlineMs, (error) => {
      if (error) reject(new FuzzTargetUnreachable(address, { cause: error }));
      else resolve();
    });
  });
}

function report(
  planned: readonly Planned[],
  answers: ReadonlyArray<ReadonlyMap<number, Answer>>,
  context: {
    seed: number;
    runsPerMethod: number;
    failOn: ReadonlySet<grpc.status>;
    skipped: SkippedMethod[];
    registry: FileRegistry;
    started: number;
  },
): FuzzReport {
  const byMethod: Record<string, Partial<Record<StatusName, number>>> = {};
  const failures: FuzzFailure[] = [];
  const stoppedEarly: FuzzReport['stoppedEarly'][number][] = [];
  let calls = 0;
  planned.forEach((p, method) => {
    const counts: Partial<Record<StatusName, number>> = {};
    const byIndex = answers[method]!;
    for (const testCase of p.cases) {
      const answer = byIndex.get(testCase.index);
      if (answer === undefined) continue;
      calls++;
      const code = statusName(answer.code);
      counts[code] = (counts[code] ?? 0) + 1;
      if (context.failOn.has(answer.code)) {
        failures.push({
          method: p.name,
          code,
          details: answer.details,
          kind: testCase.kind,
          label: testCase.label,
          requestHex: Buffer.from(testCase.bytes).toString('hex'),
          ...describe(p.method, testCase, context.registry),
          replay: { seed: context.seed, index: testCase.index, runsPerMethod: context.runsPerMethod },
        });
      }
    }
    byMethod[p.name] = counts;
    if (byIndex.size < p.cases.length)
      stoppedEarly.push({ method: p.name, sent: byIndex.size, planned: p.cases.length });
  });
  return {
    seed: context.seed,
    runsPerMethod: context.runsPerMethod,
    calls,
    byMethod,
    failures,
    skipped: context.skipped,
    stoppedEarly,
    durationMs: Math.round(performance.now() - context.started),
  };
}

function describe(
  method: DescMethod,
  testCase: FuzzCase,
  registry: FileRegistry,
): { requestJson?: JsonValue; requestText?: string } {
  if (testCase.message === undefined) return {};
  const out: { requestJson?: JsonValue; requestText?: string } = {};
  try {
    out.requestJson = toJson(method.input, testCase.message, { registry });
  } catch {
    // Not representable in JSON (an out-of-range Timestamp, an Any of an unknown type); the text format is.
  }
  try {
    out.requestText = toText(method.input, testCase.message, { registry });
  } catch {
    // The hex is always there.
  }
  return out;
}

const STATUS_NAMES = new Map<number, StatusName>(
  Object.keys(grpc.status)
    .filter((key) => Number.isNaN(Number(key)))
    .map((key) => [grpc.status[key as StatusName], key as StatusName]),
);

/** `INVALID_ARGUMENT` for 3; `UNKNOWN` for a number no status has. */
export function statusName(code: number): StatusName {
  return STATUS_NAMES.get(code) ?? 'UNKNOWN';
}

function resolveSeed(seed: number | undefined): number {
  if (seed !== undefined) {
    if (!Number.isInteger(seed)) throw new InvalidFuzzOptions(`seed must be an integer, got ${seed}`);
    return seed;
  }
  const fromEnvironment = process.env['FUZZ_SEED'];
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    const parsed = Number(fromEnvironment);
    if (!Number.isInteger(parsed)) throw new InvalidFuzzOptions(`FUZZ_SEED must be an integer, got ${fromEnvironment}`);
    return parsed;
  }
  return Math.floor(Math.random() * 0x7fff_ffff);
}

function positiveInteger(name: string, value: number, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new InvalidFuzzOptions(`${name} must be an integer ${allowZero ? '>= 0' : '>= 1'}, got ${value}`);
  }
  return value;
}
