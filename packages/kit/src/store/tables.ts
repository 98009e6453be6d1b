import type { ColumnType, Generated } from 'kysely';

/** The kit's tables, present in every service schema (see migrations.ts). */
export interface KitTables {
  outbox: {
    position: Generated<string>;
    id: string;
    event: ColumnType<unknown, string, string>;
    created_at: Generated<Date>;
    claimed_until: Date | null;
    attempts: Generated<number>;
    last_error: string | null;
    published_at: Date | null;
  };
  inbox: {
    consumer: string;
    event_id: string;
    processed_at: Generated<Date>;
  };
  idempotency_keys: {
    request_id: string;
    operation: string;
    request_hash: string;
    response: ColumnType<unknown, string, string>;
    created_at: Generated<Date>;
  };
}
