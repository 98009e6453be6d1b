import { join } from 'node:path';
import { create, createFileRegistry, fromBinary, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { buildDescriptors } from '@govhall/testing';
import { Access, actorLabel, createTokenVerifier, serviceCallCredentials } from '../src/auth';
import { aStaffMember, createTestKey } from '../src/auth/testing';
import { FakeClock } from '../src/clock';
import { callUnary, fieldViolationsOf, grpcService, startGrpcServer, unary, type RunningGrpcServer } from '../src/grpc';

const SERVICE = 'govhall.test.guarded.v1.GuardedService';
const descriptors = buildDescriptors([join(__dirname, 'fixtures', 'guarded')]);
const registry = createFileRegistry(descriptors);
const requestSchema = registry.getMessage('govhall.test.guarded.v1.GuardedRequest') as DescMessage;

interface GuardedRequest {
  hallId: string;
  note: string;
  amount: number;
  tagIds: string[];
  at: Date | undefined;
}

/**
 * The request decoded the way ts-proto decodes with `forceLong=number`: an int64 beyond ±2^53 throws
 * ("Value is larger than Number.MAX_SAFE_INTEGER"), a Timestamp becomes a Date.
 */
function decodeLikeTsProto(bytes: Buffer): GuardedRequest {
  const message = fromBinary(requestSchema, bytes) as unknown as {
    hallId: string;
    note: string;
    amount: bigint;
    tagIds: string[];
    at?: { seconds: bigint; nanos: number };
  };
  if (message.amount > BigInt(Number.MAX_SAFE_INTEGER) || message.amount < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new Error('Value is larger than Number.MAX_SAFE_INTEGER');
  }
  return {
    hallId: message.hallId,
    note: message.note,
    amount: Number(message.amount),
    tagIds: message.tagIds,
    at: message.at ? new Date(Number(message.at.seconds) * 1000 + message.at.nanos / 1e6) : undefined,
  };
}

const method = (name: string): grpc.MethodDefinition<GuardedRequest, { caller: string }> => ({
  path: `/${SERVICE}/${name}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: () => Buffer.alloc(0),
  requestDeserialize: decodeLikeTsProto,
  responseSerialize: (reply) => Buffer.from(reply.caller, 'utf8'),
  responseDeserialize: (bytes) => ({ caller: bytes.toString('utf8') }),
});
const definition = { open: method('Open'), approve: method('Approve'), internal: method('Internal') };

/** A client that sends raw bytes and reads the reply as text (the caller's label). */
const RawClient = grpc.makeGenericClientConstructor(
  Object.fromEntries(
    Object.entries(definition).map(([name, m]) => [
      name,
      {
        ...m,
        requestSerialize: (bytes: Buffer) => bytes,
        requestDeserialize: (bytes: Buffer) => bytes,
      },
    ]),
  ),
  'GuardedService',
);
type Raw = grpc.Client & Record<string, grpc.requestCallback<{ caller: string }> & ((...args: unknown[]) => unknown)>;

describe('the kit gRPC server: caller identity, access rules and the request guard', () => {
  const clock = new FakeClock(new Date());
  const key = createTestKey();
  const stranger = createTestKey('stranger');
  const logLines: string[] = [];
  let server: RunningGrpcServer;
  let client: Raw;

  beforeAll(async () => {
    const reply = (_r: GuardedRequest, ctx: { actor: Parameters<typeof actorLabel>[0] }) =>
      Promise.resolve({ caller: actorLabel(ctx.actor) });
    server = await startGrpcServer({
      port: 0,
      host: '127.0.0.1',
      services: [
        grpcService(
          definition,
          { open: unary('Open', reply), approve: unary('Approve', reply), internal: unary('Internal', reply) },
          {
            open: Access.public(),
            approve: Access.staff({ anyRole: ['approver'] }),
            internal: Access.service('case'),
          },
        ),
      ],
      descriptors,
      verifier: createTokenVerifier({ trustedKeys: key.trustedKeys, clock }),
      logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
    });
    client = new RawClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure()) as unknown as Raw;
  });
  afterAll(async () => {
    client.close();
    await server.shutdown();
  });

  const encode = (fields: Partial<Record<string, unknown>>): Buffer =>
    Buffer.from(toBinary(requestSchema, create(requestSchema, fields)));
  const call = (name: string, bytes: Buffer, token?: string): Promise<{ caller: string }> =>
    new Promise((resolve, reject) => {
      const metadata = new grpc.Metadata();
      if (token) metadata.set('authorization', `Bearer ${token}`);
      (client[name] as unknown as (b: Buffer, m: grpc.Metadata, cb: grpc.requestCallback<{ caller: string }>) => void)(
        bytes,
        metadata,
        (error, reply) => (error ? reject(error) : resolve(reply!)),
      );
    });
  const refusal = (promise: Promise<unknown>): Promise<grpc.ServiceError> =>
    promise.then(
      () => {
        throw new Error('expected the call to be refused');
      },
      (error: grpc.ServiceError) => error,
    );
  const staffToken = (roles: string[], signer = key.signer({ clock })) =>
    signer.signStaff(aStaffMember({ staffId: 'staff-77', roles }));

  describe('caller identity and access', () => {
    it('lets a staff member with the role in, and hands the use case the verified actor', async () => {
      await expect(call('approve', encode({}), await staffToken(['approver']))).resolves.toEqual({
        caller: 'staff:staff-77',
      });
    });

    it('answers a public method without credentials, as anonymous', async () => {
      await expect(call('open', encode({}))).resolves.toEqual({ caller: 'anonymous' });
    });

    it('refuses a missing token with UNAUTHENTICATED', async () => {
      expect((await refusal(call('approve', encode({})))).code).toBe(grpc.status.UNAUTHENTICATED);
    });

    it('refuses an expired token with UNAUTHENTICATED', async () => {
      const signer = key.signer({ clock: new FakeClock(new Date(clock.now().getTime() - 9 * 3600 * 1000)) });
      const error = await refusal(call('approve', encode({}), await staffToken(['approver'], signer)));
      expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(error.details).toBe('token expired');
    });

    it('refuses a token signed by a key it does not trust with UNAUTHENTICATED', async () => {
      const error = await refusal(call('approve', encode({}), await staffToken(['approver'], stranger.signer())));
      expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
      // Even a public method refuses bad credentials rather than treating them as none.
      expect((await refusal(call('open', encode({}), 'not-a-token'))).code).toBe(grpc.status.UNAUTHENTICATED);
    });

    it('refuses a staff member without the role with PERMISSION_DENIED, and logs the rule that refused', async () => {
      const error = await refusal(call('approve', encode({}), await staffToken(['clerk'])));
      expect(error.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(error.details).toBe('requires staff with role approver');
      const line = logLines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l['caller'] === 'staff:staff-77');
      expect(line).toMatchObject({ method: 'Approve', rule: 'staff with role approver' });
    });

    it('lets a service in with its own token sent by callUnary as call credentials', async () => {
      const reply = await callUnary(client as never, 'internal' as never, encode({}) as never, {
        credentials: serviceCallCredentials(key.signer({ clock }), 'case'),
      });
      expect(reply).toEqual({ caller: 'service:case' });
    });

    it('refuses staff on a service-only method, and lets that service in', async () => {
      const error = await refusal(call('internal', encode({}), await staffToken(['approver', 'administrator'])));
      expect(error.code).toBe(grpc.status.PERMISSION_DENIED);
      const serviceToken = await key.signer({ clock }).signService('case');
      await expect(call('internal', encode({}), serviceToken)).resolves.toEqual({ caller: 'service:case' });
      const other = await key.signer({ clock }).signService('fee');
      expect((await refusal(call('internal', encode({}), other))).code).toBe(grpc.status.PERMISSION_DENIED);
    });
  });

  describe('bad input is INVALID_ARGUMENT, naming the field, before the handler runs', () => {
    const violated = async (bytes: Buffer): Promise<string[]> => {
      const error = await refusal(call('open', bytes));
      expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
      return fieldViolationsOf(error).map((v) => v.field);
    };

    it('refuses NUL and other control characters in any string', async () => {
      expect(await violated(encode({ note: 'a\u0000b' }))).toEqual(['note']);
      expect(await violated(encode({ tagIds: ['ok', 'bell\u0007'] }))).toEqual(['tag_ids[1]']);
      // Line breaks and tabs are text.
      await expect(call('open', encode({ note: '第一行\n第二行\t完' }))).resolves.toBeDefined();
    });

    it('refuses an id that is not shaped like one, and any overlong string', async () => {
      expect(await violated(encode({ hallId: 'h'.repeat(10_000) }))).toEqual(['hall_id']);
      expect(await violated(encode({ hallId: "1' OR 1=1 --" }))).toEqual(['hall_id']);
      expect(await violated(encode({ note: '办'.repeat(10_001) }))).toEqual(['note']);
    });

    it('names an int64 beyond ±2^53, which the generated decoder cannot read', async () => {
      const error = await refusal(call('open', encode({ amount: 2n ** 60n })));
      expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(fieldViolationsOf(error)).toEqual([
        { field: 'amount', description: 'must be between -2^53 and 2^53 (9007199254740991)' },
      ]);
    });

    it('refuses bytes that are not the message, and an instant past the year 9999', async () => {
      expect(await violated(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toEqual(['request']);
      const farFuture = timestampFromDate(new Date('9999-12-31T23:59:59Z'));
      farFuture.seconds += 10n ** 6n;
      expect(await violated(encode({ at: farFuture }))).toEqual(['at']);
    });
  });
});
