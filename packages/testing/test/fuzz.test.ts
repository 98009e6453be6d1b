import {
  create as createMessage,
  createFileRegistry,
  fromBinary,
  toBinary,
  toJson,
  type DescMessage,
  type FileRegistry,
  type Message,
} from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import {
  buildDescriptors,
  caseSeed,
  expectNoInternalAnswers,
  formatFuzzReport,
  fuzzCases,
  fuzzGrpcServices,
  FuzzFailuresFound,
  FuzzTargetUnreachable,
  MessageGenerator,
  replayFuzzCase,
  RawCaseKinds,
  UnknownFuzzService,
  type FuzzReport,
} from '@govhall/testing';

const SERVICE = 'govhall.test.fuzz.v1.FuzzFixtureService';
const ECHO = `${SERVICE}/Echo`;
const CHARGE = `${SERVICE}/Charge`;
const LOOKUP = `${SERVICE}/Lookup`;
const KNOWN_IDS = ['hall-370700-1', 'hall-370702-7'];
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const registry: FileRegistry = createFileRegistry(buildDescriptors([`${__dirname}/fixtures`]));
const message = (name: string): DescMessage => registry.getMessage(`govhall.test.fuzz.v1.${name}`)!;
const method = (name: string) => registry.getService(SERVICE)!.methods.find((m) => m.name === name)!;

interface EchoRequest extends Message {
  text: string;
  tags: string[];
}
interface ChargeRequest extends Message {
  caseId: string;
  amount: bigint;
  currency: string;
}

// --- A plain grpc-js server (not the kit's) whose handlers misbehave in known ways -----------------------------

type Decoded = { ok: true; message: Message } | { ok: false; reason: string };

/** Decodes without throwing, so a malformed body reaches the handler as INVALID_ARGUMENT, not grpc-js's INTERNAL. */
const decoder =
  (desc: DescMessage) =>
  (bytes: Buffer): Decoded => {
    try {
      return { ok: true, message: fromBinary(desc, bytes) };
    } catch (error) {
      return { ok: false, reason: String(error) };
    }
  };

function unary(name: string, input: DescMessage, output: DescMessage): grpc.MethodDefinition<Decoded, Message> {
  return {
    path: `/${SERVICE}/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: () => Buffer.alloc(0),
    requestDeserialize: decoder(input),
    responseSerialize: (reply: Message) => Buffer.from(toBinary(output, reply)),
    responseDeserialize: (bytes: Buffer) => fromBinary(output, bytes),
  };
}

type Handler = (request: Decoded, answer: grpc.sendUnaryData<Message>) => void;

// Details are clipped: a status echoing a 20,000-character input (percent-encoded into the trailers) stalls the
// HTTP/2 connection, which the sweep found in this very fixture before the clipping.
const clip = (text: string): string => text.slice(0, 100);
const invalid = (details: string): Partial<grpc.StatusObject> => ({
  code: grpc.status.INVALID_ARGUMENT,
  details: clip(details),
});

const handlers: Record<'Echo' | 'Charge' | 'Lookup', Handler> = {
  // Bug 1: a NUL anywhere in the request fails deep down, and the failure crosses the wire as INTERNAL.
  Echo: (request, answer) => {
    if (!request.ok) return answer(invalid(request.reason));
    const { text, tags } = request.message as EchoRequest;
    if ([text, ...tags].some((s) => s.includes('\u0000'))) {
      return answer({ code: grpc.status.INTERNAL, details: 'invalid byte sequence for encoding "UTF8": 0x00' });
    }
    answer(null, create('EchoReply', { text }));
  },
  // Bug 2: converts the amount to a number first and throws when it cannot be exact (grpc-js answers UNKNOWN).
  Charge: (request, answer) => {
    if (!request.ok) return answer(invalid(request.reason));
    const { amount, currency } = request.message as ChargeRequest;
    if (amount > SAFE) throw new RangeError(`amount ${amount} is not a safe integer`);
    if (amount <= 0n) return answer(invalid('amount: must be positive'));
    if (currency !== 'CNY') return answer(invalid('currency: must be CNY'));
    answer(null, create('ChargeReply', { receipt: 'r-1' }));
  },
  // Correct: whatever arrives is answered OK, INVALID_ARGUMENT or NOT_FOUND.
  Lookup: (request, answer) => {
    if (!request.ok) return answer(invalid(request.reason));
    try {
      // Refuses what proto3 JSON refuses: out-of-range Timestamps and Durations, among others.
      toJson(message('Everything'), request.message);
    } catch (error) {
      return answer(invalid(String(error)));
    }
    const { id } = request.message as Message & { id: string };
    if (!KNOWN_IDS.includes(id)) return answer({ code: grpc.status.NOT_FOUND, details: `no hall ${clip(id)}` });
    answer(null, create('LookupReply', { id }));
  },
};

function create(name: string, fields: Record<string, unknown>): Message {
  return createMessage(message(name), fields);
}

interface FixtureServer {
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * The fixture service on a free port. `hang` lists methods that never answer; `stall` methods answer NOT_FOUND
 * with 20,000 Chinese characters of details, which percent-encode to trailers that stall the HTTP/2 connection.
 */
async function startFixtureServer(
  options: { hang?: ReadonlyArray<keyof typeof handlers>; stall?: ReadonlyArray<keyof typeof handlers> } = {},
): Promise<FixtureServer> {
  const server = new grpc.Server();
  const definition: grpc.ServiceDefinition = {
    Echo: unary('Echo', message('EchoRequest'), message('EchoReply')),
    Charge: unary('Charge', message('ChargeRequest'), message('ChargeReply')),
    Lookup: unary('Lookup', message('Everything'), message('LookupReply')),
    Watch: { ...unary('Watch', message('EchoRequest'), message('EchoReply')), responseStream: true },
  };
  const implementation: grpc.UntypedServiceImplementation = {
    Watch: (call: grpc.ServerWritableStream<Decoded, Message>) => call.end(),
  };
  for (const name of ['Echo', 'Charge', 'Lookup'] as const) {
    implementation[name] = (call: grpc.ServerUnaryCall<Decoded, Message>, answer: grpc.sendUnaryData<Message>) => {
      if (options.hang?.includes(name)) return;
      if (options.stall?.includes(name)) return answer({ code: grpc.status.NOT_FOUND, details: '办'.repeat(20_000) });
      handlers[name](call.request, answer);
    };
  }
  server.addService(definition, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    stop: () => {
      // Hanging calls would hold a graceful shutdown forever.
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}

// --- What the failing requests really held -----------------------------------------------------------------------

/** Decodes a sent body as the server did; `undefined` when the server could not decode it either. */
function decodeSent<T extends Message>(name: string, bytes: Uint8Array): T | undefined {
  try {
    return fromBinary(message(name), bytes) as T;
  } catch {
    return undefined;
  }
}
const hasNul = (r: EchoRequest | undefined): boolean =>
  r !== undefined && [r.text, ...r.tags].some((s) => s.includes('\u0000'));
const aboveSafe = (r: ChargeRequest | undefined): boolean => r !== undefined && r.amount > SAFE;
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const withoutTiming = (report: FuzzReport): Omit<FuzzReport, 'durationMs'> => {
  const { durationMs: _durationMs, ...rest } = report;
  return rest;
};

describe('fuzzGrpcServices against a grpc-js server that misbehaves in known ways', () => {
  const SEED = 20_240_601;
  const RUNS = 150;
  const POOLS = { strings: [...KNOWN_IDS, 'CNY'] };
  const cases = (name: string) => fuzzCases(method(name), { seed: SEED, runs: RUNS, strings: POOLS.strings });
  let server: FixtureServer;
  let report: FuzzReport;

  beforeAll(async () => {
    server = await startFixtureServer();
    report = await fuzzGrpcServices({
      address: server.address,
      registry,
      services: [SERVICE],
      seed: SEED,
      runsPerMethod: RUNS,
      pools: POOLS,
      maxFailuresPerMethod: Infinity,
    });
  });
  afterAll(() => server.stop());

  it('finds exactly the two methods with bugs and skips the stream', () => {
    expect([...new Set(report.failures.map((f) => f.method))].sort()).toEqual([CHARGE, ECHO]);
    expect(report.skipped).toEqual([{ method: `${SERVICE}/Watch`, reason: 'server_streaming' }]);
    expect(Object.keys(report.byMethod).sort()).toEqual([CHARGE, ECHO, LOOKUP]);
    expect(report.stoppedEarly).toEqual([]);
  });

  it('sends every case and counts every answer', () => {
    for (const [name, counts] of Object.entries(report.byMethod)) {
      const planned = cases(name.split('/')[1]!).length;
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(planned);
    }
    expect(report.calls).toBe(
      Object.values(report.byMethod)
        .flatMap((c) => Object.values(c))
        .reduce((a, b) => a + b),
    );
  });

  it('reports Echo INTERNAL for exactly the requests that held a NUL, with the request recorded', () => {
    const expected = cases('Echo')
      .filter((c) => hasNul(decodeSent<EchoRequest>('EchoRequest', c.bytes)))
      .map((c) => c.index);
    const failures = report.failures.filter((f) => f.method === ECHO);
    expect(expected.length).toBeGreaterThan(2);
    expect(failures.map((f) => f.replay.index)).toEqual(expected);
    for (const failure of failures) {
      expect(failure.code).toBe('INTERNAL');
      expect(failure.details).toContain('0x00');
      expect(hasNul(decodeSent<EchoRequest>('EchoRequest', hex(failure.requestHex)))).toBe(true);
      expect(JSON.stringify(failure.requestJson)).toContain('\\u0000');
      expect(failure.replay).toEqual({ seed: SEED, index: failure.replay.index, runsPerMethod: RUNS });
      const replayed = replayFuzzCase({ registry, pools: POOLS }, failure);
      expect(Buffer.from(replayed.bytes).toString('hex')).toBe(failure.requestHex);
    }
  });

  it('reports Charge UNKNOWN for exactly the amounts above 2^53, which a ts-proto client could not send', () => {
    const expected = cases('Charge')
      .filter((c) => aboveSafe(decodeSent<ChargeRequest>('ChargeRequest', c.bytes)))
      .map((c) => c.index);
    const failures = report.failures.filter((f) => f.method === CHARGE);
    expect(expected.length).toBeGreaterThan(2);
    expect(failures.map((f) => f.replay.index)).toEqual(expected);
    for (const failure of failures) {
      expect(failure.code).toBe('UNKNOWN');
      const sent = decodeSent<ChargeRequest>('ChargeRequest', hex(failure.requestHex))!;
      expect(sent.amount > SAFE).toBe(true);
      // proto3 JSON writes int64 as a decimal string, exact.
      expect((failure.requestJson as { amount: string }).amount).toBe(sent.amount.toString());
    }
  });

  it('passes the correct method, which answered OK, INVALID_ARGUMENT and NOT_FOUND', () => {
    expect(report.failures.filter((f) => f.method === LOOKUP)).toEqual([]);
    expect(Object.keys(report.byMethod[LOOKUP]!).sort()).toEqual(['INVALID_ARGUMENT', 'NOT_FOUND', 'OK']);
    expect(report.byMethod[ECHO]!['INTERNAL']).toBe(report.failures.filter((f) => f.method === ECHO).length);
  });

  it('is deterministic for a fixed seed and different for another', async () => {
    const again = await fuzzGrpcServices({
      address: server.address,
      registry,
      services: [SERVICE],
      seed: SEED,
      runsPerMethod: RUNS,
      pools: POOLS,
      maxFailuresPerMethod: Infinity,
      concurrency: 7,
    });
    expect(withoutTiming(again)).toEqual(withoutTiming(report));
    const other = await fuzzGrpcServices({
      address: server.address,
      registry,
      services: [SERVICE],
      seed: SEED + 1,
      runsPerMethod: RUNS,
      pools: POOLS,
      maxFailuresPerMethod: Infinity,
    });
    expect(other.failures.map((f) => f.requestHex)).not.toEqual(report.failures.map((f) => f.requestHex));
  });

  it('fails a jest test with the first failures readable, and passes a clean report', () => {
    let thrown: unknown;
    try {
      expectNoInternalAnswers(report, { show: 3 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FuzzFailuresFound);
    const text = (thrown as Error).message;
    expect(text).toContain(`${ECHO} answered INTERNAL`);
    expect(text).toContain('request (JSON): {');
    expect(text).toContain(`FUZZ_SEED=${SEED}`);
    expect(text).toContain(`... and ${report.failures.length - 3} more`);
    expect(text.split('\n').filter((l) => / answered (INTERNAL|UNKNOWN)/.test(l))).toHaveLength(3);
  });

  it('passes a clean sweep: only the correct method, the others skipped by name', async () => {
    const clean = await fuzzGrpcServices({
      address: server.address,
      registry,
      services: [SERVICE],
      seed: SEED,
      pools: { strings: KNOWN_IDS },
      skipMethods: ['Echo', `${SERVICE}/Charge`],
    });
    expect(Object.keys(clean.byMethod)).toEqual([LOOKUP]);
    expect(clean.calls).toBe(fuzzCases(method('Lookup'), { seed: SEED, runs: 40 }).length);
    expect(clean.skipped.map((s) => `${s.method} ${s.reason}`).sort()).toEqual([
      `${CHARGE} skipMethods`,
      `${ECHO} skipMethods`,
      `${SERVICE}/Watch server_streaming`,
    ]);
    expect(() => expectNoInternalAnswers(clean)).not.toThrow();
  });

  it('formats one line per method, the skipped stream and a total', () => {
    const lines = formatFuzzReport(report).split('\n');
    expect(lines.find((l) => l.includes(ECHO))).toMatch(/^✗ .*INTERNAL \d+/);
    expect(lines.find((l) => l.includes(LOOKUP))).toMatch(/^✓ .*NOT_FOUND \d+/);
    expect(lines.find((l) => l.includes('/Watch'))).toContain('skipped (server_streaming)');
    expect(lines.at(-1)).toContain(`${report.calls} calls to 3 methods`);
  });
});

describe('fuzzGrpcServices options', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureServer({ hang: ['Lookup'] });
  });
  afterAll(() => server.stop());

  it('reports a handler that never answers as DEADLINE_EXCEEDED and stops sending to it', async () => {
    const report = await fuzzGrpcServices({
      address: server.address,
      registry,
      services: [SERVICE],
      seed: 7,
      runsPerMethod: 30,
      deadlineMs: 200,
      maxFailuresPerMethod: 3,
      skipMethods: ['Echo', 'Charge'],
    });
    // Three generated messages and three raw cases, then nothing more.
    expect(report.byMethod[LOOKUP]).toEqual({ DEADLINE_EXCEEDED: 6 });
    expect(report.failures.map((f) => f.replay.index)).toEqual([0, 1, 2, 30, 31, 32]);
    expect(report.stoppedEarly).toEqual([
      { method: LOOKUP, sent: 6, planned: fuzzCases(method('Lookup'), { seed: 7, runs: 30 }).length },
    ]);
  });

  it('blames a connection that a request stalled on its own method, not on the methods called after it', async () => {
    const stalling = await startFixtureServer({ stall: ['Echo'] });
    try {
      const report = await fuzzGrpcServices({
        address: stalling.address,
        registry,
        services: [SERVICE],
        seed: 7,
        runsPerMethod: 12,
        raw: false,
        deadlineMs: 600,
        maxFailuresPerMethod: Infinity,
      });
      const echo = report.failures.filter((f) => f.method === ECHO).map((f) => f.code);
      expect(echo).toContain('DEADLINE_EXCEEDED');
      expect(echo.every((code) => code === 'DEADLINE_EXCEEDED' || code === 'UNAVAILABLE')).toBe(true);
      expect(report.failures.filter((f) => f.method === LOOKUP)).toEqual([]);
      expect(new Set(report.failures.filter((f) => f.method === CHARGE).map((f) => f.code))).toEqual(
        new Set(['UNKNOWN']),
      );
    } finally {
      await stalling.stop();
    }
  });

  it('throws for an unknown service and for a server that is not there', async () => {
    await expect(
      fuzzGrpcServices({ address: server.address, registry, services: ['govhall.nope.v1.Nope'] }),
    ).rejects.toBeInstanceOf(UnknownFuzzService);
    const stopped = await startFixtureServer();
    await stopped.stop();
    await expect(
      fuzzGrpcServices({ address: stopped.address, registry, services: [SERVICE], deadlineMs: 300 }),
    ).rejects.toBeInstanceOf(FuzzTargetUnreachable);
  });
});

describe('request generation', () => {
  const everything = message('Everything');
  const generator = new MessageGenerator({ strings: KNOWN_IDS, maxDepth: 3 });
  const samples = fc.sample(generator.arbitrary(everything), { seed: 42, numRuns: 600 }) as Array<
    Message & Record<string, unknown>
  >;
  const values = <T>(key: string): T[] => samples.map((s) => s[key] as T).filter((v) => v !== undefined);
  const strings = samples.flatMap((s) => [s['id'] as string, ...(s['names'] as string[])]);

  it('covers 64-bit integers past 2^53 and at the ends of their ranges', () => {
    const i64 = values<bigint>('i64');
    expect(i64.some((v) => v > SAFE)).toBe(true);
    expect(i64).toEqual(expect.arrayContaining([2n ** 63n - 1n, -(2n ** 63n)]));
    expect(values<bigint>('u64')).toContain(2n ** 64n - 1n);
    expect(values<bigint>('s64').some((v) => v < -SAFE)).toBe(true);
    // jstype = JS_STRING fields get the same values, as strings.
    expect(values<string>('asText').some((v) => BigInt(v) > SAFE)).toBe(true);
  });

  it('covers NaN, both infinities and -0', () => {
    const db = values<number>('db');
    expect(db.some(Number.isNaN)).toBe(true);
    expect(db).toEqual(expect.arrayContaining([Infinity, -Infinity]));
    expect(db.some((v) => Object.is(v, -0))).toBe(true);
    expect(values<number>('fl').some(Number.isNaN)).toBe(true);
  });

  it('covers known and unknown enum numbers', () => {
    expect(values<number>('colour')).toEqual(expect.arrayContaining([0, 1, 2, 999, -1]));
    expect(samples.flatMap((s) => s['colours'] as number[])).toEqual(expect.arrayContaining([2, 999]));
  });

  it('covers the strings that break servers, and the pool', () => {
    expect(strings).toEqual(expect.arrayContaining(['', "' OR 1=1 --", ...KNOWN_IDS]));
    expect(strings.some((s) => s.includes('\u0000'))).toBe(true);
    expect(strings.some((s) => ['\u0007', '\u001b', '\u007f'].some((c) => s.includes(c)))).toBe(true);
    expect(strings.some((s) => /[\u4e00-\u9fff]/.test(s))).toBe(true);
    expect(strings.some((s) => /\p{Extended_Pictographic}/u.test(s))).toBe(true);
    expect(strings.some((s) => s.length >= 10_000)).toBe(true);
    expect(strings.some((s) => s.length > 0 && s.trim() === '')).toBe(true);
    expect(strings.some((s) => s.includes('../'))).toBe(true);
  });

  it('covers empty, short and large repeated fields, maps and every oneof case', () => {
    const lengths = samples.map((s) => (s['numbers'] as bigint[]).length);
    expect(lengths).toContain(0);
    expect(lengths.some((n) => n > 0 && n <= 3)).toBe(true);
    expect(lengths.some((n) => n >= 200)).toBe(true);
    expect(samples.some((s) => Object.keys(s['labels'] as object).length > 0)).toBe(true);
    expect(samples.some((s) => Object.keys(s['byNumber'] as object).some((k) => BigInt(k) > SAFE))).toBe(true);
    const choices = new Set(samples.map((s) => (s['choice'] as { case?: string }).case));
    expect(choices).toEqual(new Set([undefined, 'choiceText', 'choiceNumber', 'choiceNode']));
    expect(values<string>('maybeText').length).toBeGreaterThan(0);
  });

  it('covers valid, edge and invalid Timestamps', () => {
    const at = values<{ seconds: bigint; nanos: number }>('at');
    expect(at.some((t) => t.nanos < 0)).toBe(true);
    expect(at.some((t) => t.nanos >= 1_000_000_000)).toBe(true);
    expect(at.some((t) => t.seconds > 253_402_300_799n)).toBe(true);
    expect(at.some((t) => t.seconds === -62_135_596_800n)).toBe(true);
    expect(at.some((t) => t.seconds === 253_402_300_799n)).toBe(true);
    expect(at.some((t) => t.seconds > 1_600_000_000n && t.seconds < 1_900_000_000n && t.nanos >= 0)).toBe(true);
  });

  it('bounds the nesting of recursive messages at maxDepth', () => {
    const depth = (node: unknown): number => {
      if (node === undefined) return 0;
      const n = node as { child?: unknown; children: unknown[] };
      return 1 + Math.max(depth(n.child), ...n.children.map(depth));
    };
    const depths = samples.map((s) => depth(s['node']));
    expect(Math.max(...depths)).toBe(3);
  });

  it('encodes every message so that it decodes to the same bytes', () => {
    for (const sample of samples) {
      const bytes = toBinary(everything, sample);
      expect(Buffer.from(toBinary(everything, fromBinary(everything, bytes))).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('adds the raw cases after the messages, and rebuilds the same cases from the same seed', () => {
    const cases = fuzzCases(method('Lookup'), { seed: 3, runs: 10, strings: KNOWN_IDS });
    expect(cases.slice(0, 10).every((c) => c.kind === 'message')).toBe(true);
    expect(new Set(cases.slice(10).map((c) => c.kind))).toEqual(new Set(Object.values(RawCaseKinds)));
    expect(cases.map((c) => c.index)).toEqual(cases.map((_, i) => i));
    const again = fuzzCases(method('Lookup'), { seed: 3, runs: 10, strings: KNOWN_IDS });
    expect(again.map((c) => Buffer.from(c.bytes).toString('hex'))).toEqual(
      cases.map((c) => Buffer.from(c.bytes).toString('hex')),
    );
    const other = fuzzCases(method('Lookup'), { seed: 4, runs: 10, strings: KNOWN_IDS });
    expect(other.map((c) => Buffer.from(c.bytes).toString('hex'))).not.toEqual(
      cases.map((c) => Buffer.from(c.bytes).toString('hex')),
    );
    expect(caseSeed(3, LOOKUP, 0)).not.toBe(caseSeed(3, LOOKUP, 1));
  });

  it('makes raw cases that protobuf-es refuses to decode, but for the valid empty body', () => {
    const raw = fuzzCases(method('Lookup'), { seed: 3, runs: 0 });
    const refused = raw.filter((c) => decodeSent('Everything', c.bytes) === undefined).map((c) => c.kind);
    for (const kind of [
      RawCaseKinds.truncated,
      RawCaseKinds.badNested,
      RawCaseKinds.lengthBeyondEnd,
      RawCaseKinds.lengthHuge,
      RawCaseKinds.lengthNegative,
      RawCaseKinds.invalidUtf8,
      RawCaseKinds.invalidWireType,
      RawCaseKinds.overlongVarint,
      RawCaseKinds.fieldNumberZero,
    ]) {
      expect(refused).toContain(kind);
    }
    expect(refused).not.toContain(RawCaseKinds.empty);
  });
});
