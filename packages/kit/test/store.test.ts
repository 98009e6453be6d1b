import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@govhall/testing';
import { PreconditionFailedError, ValidationError } from '../src/errors';
import { createLogger } from '../src/logging';
import { createDatabase, handleOnce, migrate, runIdempotent, type Database, type KitTables } from '../src/store';

const identity = { encode: (v: { n: number }) => v, decode: (v: unknown) => v as { n: number } };

describe('SQL store', () => {
  let testDb: TestDatabase;
  let database: Database<KitTables>;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = createDatabase<KitTables>({ url: testDb.url, schema: 'kit_test' });
    await migrate({ pool: database.pool, schema: 'kit_test', logger: createLogger({ service: 't', level: 'silent' }) });
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it('applies migrations once, into the service schema', async () => {
    const again = await migrate({ pool: database.pool, schema: 'kit_test' });
    expect(again).toEqual([]);
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'kit_test' order by table_name`.execute(
      database.db,
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['idempotency_keys', 'inbox', 'kysely_migration', 'outbox']),
    );
  });

  it('runs a command once per request id and replays the first answer', async () => {
    let runs = 0;
    const command = () => Promise.resolve({ n: ++runs });
    const key = { requestId: 'req-0001-abc', operation: 'Count', request: { a: 1 } };
    const first = await runIdempotent(database.db, key, identity, command);
    const again = await runIdempotent(database.db, key, identity, command);
    expect(first).toEqual({ n: 1 });
    expect(again).toEqual({ n: 1 });
    expect(runs).toBe(1);
    await expect(runIdempotent(database.db, { ...key, request: { a: 2 } }, identity, command)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await expect(runIdempotent(database.db, { ...key, requestId: 'short' }, identity, command)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('forgets a request id whose command failed, so a retry runs it', async () => {
    const key = { requestId: 'req-0002-abc', operation: 'Count', request: {} };
    await expect(runIdempotent(database.db, key, identity, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await expect(runIdempotent(database.db, key, identity, () => Promise.resolve({ n: 7 }))).resolves.toEqual({ n: 7 });
  });

  it('serialises two concurrent first attempts: one runs, the other replays', async () => {
    let runs = 0;
    const key = { requestId: 'req-0003-abc', operation: 'Count', request: {} };
    const command = () => Promise.resolve({ n: ++runs });
    const [a, b] = await Promise.all([
      runIdempotent(database.db, key, identity, command),
      runIdempotent(database.db, key, identity, command),
    ]);
    expect(runs).toBe(1);
    expect(a).toEqual(b);
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
});
