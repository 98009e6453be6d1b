import type { Kysely, Transaction } from 'kysely';
import type { KitTables } from './tables';

/**
 * Runs an event handler at most once per (consumer, event id): the inbox row and the handler's writes commit
 * in one transaction, so a redelivered event — after a crash, a nak, or a duplicate publish — changes nothing.
 * Returns false when the event had already been handled.
 */
export async function handleOnce<DB extends KitTables>(
  db: Kysely<DB>,
  consumer: string,
  eventId: string,
  handler: (trx: Transaction<DB>) => Promise<void>,
): Promise<boolean> {
  return (db as unknown as Kysely<KitTables>).transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('inbox')
      .values({ consumer, event_id: eventId })
      .onConflict((oc) => oc.columns(['consumer', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!inserted) return false;
    await handler(trx as unknown as Transaction<DB>);
    return true;
  });
}
