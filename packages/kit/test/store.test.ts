import { CompiledQuery, sql } from 'kysely';
import { z } from 'zod';
import {
  createTestDatabase,
  readStream,
  sharedNatsUrl,
  uniqueRegionCode,
  waitFor,
  type TestDatabase,
} from '@govhall/testing';
import { JetStreamBus } from '../src/bus';
import { AlreadyExistsError, NotFoundError, PreconditionFailedError, ValidationError } from '../src/errors';
import { streamFor, type EventEnvelope } from '../src/events';
import { createLogger } from '../src/logging';
import {
  CommandRunner,
  OutboxRelay,
  createDatabase,
  handleOnce,
  migrate,
  type CommittedEvent,
  type CommittedEventSink,
  type Database,
  type KitTables,
} from '../src/store';

interface TestTables extends KitTables {
  things: { id: string; made_at: Date };
}

const SCHEMA = 'kit_test';
const Thing = z.object({ id: z.string(), madeAt: z.coerce.date() });
type Thing = z.infer<typeof Thing>;
const logger = createLogger({ service: 'store-test', level: 'silent' });

/** A sink that records what the runner hands over after each commit. */
function recordingSink(): CommittedEventSink & { handed: CommittedEvent[] } {
  const handed: CommittedEvent[] = [];
  return { leaseMs: 3_000, handed, committed: (events) => void handed.push(...events) };
}

function anEvent(regionCode: string, id: string): EventEnvelope {
  return {
    id,
    type: 'catalogue.thing.made',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    regionCode,
    data: { id },
  };
}

describe('SQL store', () => {
  let testDb: TestDatabase;
  let database: Database<TestTables>;
  let sink: ReturnType<typeof recordingSink>;
  let runner: CommandRunner<TestTables>;
  let counter = 0;
  const requestId = (): string => `req-${Date.now()}-${++counter}`;

  /** A command that makes a thing (unique id) and raises an event for it. */
  const makeThing = (id: string, events = [anEvent('370700', `evt-${id}`)]) =>
    runner.run(
      { requestId: `make-${id}`, operation: 'MakeThing', request: { id }, result: Thing },
      async ({ trx, emit }) => {
        const madeAt = new Date('2026-03-02T09:00:00+08:00');
        await trx.insertInto('things').values({ id, made_at: madeAt }).execute();
        for (const event of events) emit(event);
        return { id, madeAt };
      },
    );

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = createDatabase<TestTables>({ url: testDb.url, schema: SCHEMA });
    await migrate({ pool: database.pool, schema: SCHEMA, logger });
    await sql`create table kit_test.things (id text primary key, made_at timestamptz not null)`.execute(database.db);
  });
  beforeEach(() => {
    sink = recordingSink();
    runner = new CommandRunner({ database, sink });
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it('applies migrations once, into the service schema, with the retention indexes', async () => {
    const again = await migrate({ pool: database.pool, schema: SCHEMA });
    expect(again).toEqual([]);
    const { rows } = await sql<{ indexname: string }>`
      select indexname from pg_indexes where schemaname = 'kit_test' order by indexname`.execute(database.db);
    expect(rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['idempotency_keys_created_at', 'inbox_processed_at', 'outbox_published_at']),
    );
  });

  it('runs a command once per request id and replays the first answer through its schema', async () => {
    const first = await makeThing('t-1');
    const again = await makeThing('t-1');
    expect(again).toEqual(first);
    // Revived by the schema, not by guessing from the key's name.
    expect(again.madeAt).toBeInstanceOf(Date);
    const rows = await database.db.selectFrom('things').selectAll().where('id', '=', 't-1').execute();
    expect(rows).toHaveLength(1);
    // One event, handed to the sink once, with its outbox position.
    expect(sink.handed.map((h) => h.event.id)).toEqual(['evt-t-1']);
    expect(Number(sink.handed[0]!.position)).toBeGreaterThan(0);
  });

  it('refuses a request id reused for a different request, and a malformed request id', async () => {
    const key = { requestId: requestId(), operation: 'Count', request: { a: 1 }, result: z.number() };
    await runner.run(key, () => Promise.resolve(1));
    await expect(runner.run({ ...key, request: { a: 2 } }, () => Promise.resolve(2))).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await expect(runner.run({ ...key, operation: 'Other' }, () => Promise.resolve(2))).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await expect(runner.run({ ...key, requestId: 'short' }, () => Promise.resolve(3))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('leaves nothing behind when the work throws, so a retry runs it', async () => {
    const key = { requestId: requestId(), operation: 'Fail', request: {}, result: z.number() };
    await expect(
      runner.run(key, async ({ trx, emit }) => {
        await trx.insertInto('things').values({ id: 'never', made_at: new Date() }).execute();
        emit(anEvent('370700', 'evt-never'));
        throw new NotFoundError('hall', 'h-1');
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await database.db.selectFrom('things').selectAll().where('id', '=', 'never').execute()).toEqual([]);
    expect(await database.db.selectFrom('outbox').selectAll().where('id', '=', 'evt-never').execute()).toEqual([]);
    expect(sink.handed).toEqual([]);
    await expect(runner.run(key, () => Promise.resolve(7))).resolves.toBe(7);
  });

  it('answers a retry from the record even when its work would now fail', async () => {
    await makeThing('t-2');
    // The same request again: the work would hit the primary key of t-2, but the request id is recorded.
    await expect(makeThing('t-2')).resolves.toMatchObject({ id: 't-2' });
  });

  it('reports a unique violation of the work as ALREADY_EXISTS', async () => {
    await makeThing('t-3');
    await expect(
      runner.run(
        { requestId: requestId(), operation: 'MakeThing', request: { id: 't-3', other: true }, result: Thing },
        async ({ trx }) => {
          await trx.insertInto('things').values({ id: 't-3', made_at: new Date() }).execute();
          return { id: 't-3', madeAt: new Date() };
        },
      ),
    ).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('serialises two concurrent first attempts: one records, the other replays', async () => {
    let runs = 0;
    const key = { requestId: requestId(), operation: 'Count', request: {}, result: z.number() };
    const command = ({ emit }: { emit: (event: EventEnvelope) => void }) => {
      runs += 1;
      emit(anEvent('370700', `evt-count-${runs}`));
      return Promise.resolve(runs);
    };
    const [a, b] = await Promise.all([runner.run(key, command), runner.run(key, command)]);
    expect(a).toEqual(b);
    // Both may have run their work, but only the recorded one committed its event.
    expect(sink.handed).toHaveLength(1);
    const stored = await database.db.selectFrom('outbox').select('id').where('id', 'like', 'evt-count-%').execute();
    expect(stored).toHaveLength(1);
  });

  it('stores every kind of value the same whether it travels with BEGIN / COMMIT (inlined) or as a parameter', async () => {
    await sql`create table kit_test.kinds (
      id text primary key, t text, n bigint, f double precision, b boolean, j jsonb, a text[], ts timestamptz,
      by bytea, nul text)`.execute(database.db);
    const row = (id: string) => ({
      id,
      t: `it's "quoted" \\ back\\slash 办事 😀 $1 -- not a comment`,
      n: '9007199254740993',
      f: -0.5,
      b: false,
      j: JSON.stringify({ name: "O'Brien", list: [1, 'x\\y'] }),
      a: ['a', 'b"c', "d'e", 'f\\g'],
      ts: new Date('2026-02-14T08:30:00.123Z'),
      by: Buffer.from([0, 1, 254, 255]),
      nul: null,
    });
    // First statement of a transaction: it goes with BEGIN, its parameters inlined.
    await database.db.transaction().execute(async (trx) => {
      await trx.withTables<{ kinds: ReturnType<typeof row> }>().insertInto('kinds').values(row('inlined')).execute();
    });
    // Second statement of a transaction: a plain parameterised statement.
    await database.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await trx.withTables<{ kinds: ReturnType<typeof row> }>().insertInto('kinds').values(row('parameter')).execute();
    });
    const { rows } = await sql<Record<string, unknown>>`select * from kit_test.kinds order by id`.execute(database.db);
    const [inlined, parameter] = [rows.find((r) => r['id'] === 'inlined')!, rows.find((r) => r['id'] === 'parameter')!];
    expect({ ...inlined, id: 'x' }).toEqual({ ...parameter, id: 'x' });
    expect(inlined['t']).toBe(row('x').t);
    expect(inlined['a']).toEqual(row('x').a);
  });

  it('rolls back a transaction whose first statement fails, and one that throws after it', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`insert into kit_test.things (id, made_at) values ('tx-1', 'not a date')`.execute(trx);
      }),
    ).rejects.toThrow();
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`insert into kit_test.things (id, made_at) values ('tx-2', now())`.execute(trx);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const left = await database.db.selectFrom('things').select('id').where('id', 'in', ['tx-1', 'tx-2']).execute();
    expect(left).toEqual([]);
    // The connections are clean afterwards: no transaction left open on them.
    const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
      where datname = current_database() and state like 'idle in transaction%'`.execute(database.db);
    expect(rows[0]?.n).toBe('0');
  });

  it('handles an event once per consumer, with the handler writes in the same transaction', async () => {
    let handled = 0;
    const handler = () => {
      handled += 1;
      return Promise.resolve();
    };
    expect(await handleOnce(database.db, 'consumer-a', 'evt-1', handler)).toBe(true);
    expect(await handleOnce(database.db, 'consumer-a', 'evt-1', handler)).toBe(false);
    expect(await handleOnce(database.db, 'consumer-b', 'evt-1', handler)).toBe(true);
    await expect(
      handleOnce(database.db, 'consumer-a', 'evt-2', () => Promise.reject(new Error('fail'))),
    ).rejects.toThrow('fail');
    // The failed attempt left no inbox row, so a redelivery is handled.
    expect(await handleOnce(database.db, 'consumer-a', 'evt-2', handler)).toBe(true);
    expect(handled).toBe(3);
  });

  describe('outbox relay', () => {
    let bus: JetStreamBus;
    let regionCode: string;
    const natsUrl = (): string => sharedNatsUrl();

    beforeEach(async () => {
      regionCode = uniqueRegionCode();
      bus = await JetStreamBus.connect({ servers: natsUrl(), name: 'store-test' });
      await bus.ensureStream(streamFor('catalogue', regionCode));
    });
    afterEach(async () => {
      await bus.close();
    });

    const published = async (): Promise<string[]> =>
      (await readStream(natsUrl(), streamFor('catalogue', regionCode).name)).map((m) => m.msgId ?? '');
    const unpublished = async (ids: string[]): Promise<number> =>
      (
        await database.db
          .selectFrom('outbox')
          .select('id')
          .where('id', 'in', ids)
          .where('published_at', 'is', null)
          .execute()
      ).length;

    it('publishes a command’s events right after its commit, in order, and marks them', async () => {
      const relay = new OutboxRelay({ database, bus, logger, pollMs: 60_000, leaseMs: 3_000 });
      relay.start();
      try {
        const direct = new CommandRunner({ database, sink: relay });
        const ids = [`a-${regionCode}`, `b-${regionCode}`, `c-${regionCode}`];
        await direct.run(
          { requestId: requestId(), operation: 'Three', request: { regionCode }, result: z.null() },
          ({ emit }) => {
            for (const id of ids) emit(anEvent(regionCode, id));
            return Promise.resolve(null);
          },
        );
        // The sweep is an hour away: only the after-commit path can have published these.
        await waitFor(async () => (await published()).length === 3, { timeoutMs: 5_000 });
        expect(await published()).toEqual(ids);
        await waitFor(async () => (await unpublished(ids)) === 0, { timeoutMs: 5_000 });
      } finally {
        await relay.stop();
      }
    });

    it('sweeps up events a dead process committed, once their lease is over', async () => {
      // A "dead" process: it committed with a 1 s lease and never published (no sink).
      const dead = new CommandRunner({ database, sink: { leaseMs: 1_000, committed: () => undefined } });
      const id = `orphan-${regionCode}`;
      await dead.run({ requestId: requestId(), operation: 'Orphan', request: { id }, result: z.null() }, ({ emit }) => {
        emit(anEvent(regionCode, id));
        return Promise.resolve(null);
      });
      const relay = new OutboxRelay({ database, bus, logger, pollMs: 100, leaseMs: 1_000 });
      const began = Date.now();
      relay.start();
      try {
        await waitFor(async () => (await published()).includes(id), { timeoutMs: 5_000 });
        // Not before the lease: the row was reserved for its writer.
        expect(Date.now() - began).toBeGreaterThanOrEqual(500);
        await waitFor(async () => (await unpublished([id])) === 0, { timeoutMs: 5_000 });
        expect(await published()).toEqual([id]);
      } finally {
        await relay.stop();
      }
    });

    it('deletes published rows, request ids and inbox rows past their retention', async () => {
      const old = `old-${regionCode}`;
      await database.db.executeQuery(
        CompiledQuery.raw(
          `insert into kit_test.outbox (id, event, published_at) values ($1, '{}'::jsonb, now() - interval '2 hours')`,
          [old],
        ),
      );
      await database.db.executeQuery(
        CompiledQuery.raw(
          `insert into kit_test.idempotency_keys (request_id, operation, request_hash, response, created_at)
           values ($1, 'Old', 'h', 'null', now() - interval '2 hours')`,
          [`req-${old}`],
        ),
      );
      await database.db.executeQuery(
        CompiledQuery.raw(
          `insert into kit_test.inbox (consumer, event_id, processed_at) values ('c', $1, now() - interval '2 hours')`,
          [old],
        ),
      );
      const hour = 3600 * 1000;
      const relay = new OutboxRelay({
        database,
        bus,
        logger,
        pollMs: 50,
        retention: { outboxMs: hour, idempotencyMs: hour, inboxMs: hour },
      });
      relay.start();
      try {
        await waitFor(
          async () =>
            (await database.db.selectFrom('outbox').select('id').where('id', '=', old).execute()).length === 0,
          { timeoutMs: 5_000 },
        );
        const keys = await database.db
          .selectFrom('idempotency_keys')
          .select('request_id')
          .where('request_id', '=', `req-${old}`)
          .execute();
        const inbox = await database.db.selectFrom('inbox').select('event_id').where('event_id', '=', old).execute();
        expect(keys).toEqual([]);
        expect(inbox).toEqual([]);
        // Recent ones stay (consumers a and b handled evt-1 above).
        expect(
          await database.db.selectFrom('inbox').select('event_id').where('event_id', '=', 'evt-1').execute(),
        ).toHaveLength(2);
      } finally {
        await relay.stop();
      }
    });
  });
});
