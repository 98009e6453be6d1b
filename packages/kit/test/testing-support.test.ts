import { Client } from 'pg';
import { createTestDatabase } from '@govhall/testing';

describe('test support', () => {
  it('gives each test file its own real PostgreSQL database', async () => {
    const db = await createTestDatabase();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('select current_database() as name');
    await client.end();
    await db.drop();
    expect(rows[0]?.name).toBe(db.name);
  });
});
