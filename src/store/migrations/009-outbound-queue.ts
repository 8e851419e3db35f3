import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * Messages waiting for another operator: one row per message and recipient domain, written in
 * the deposit's transaction (so a queued message survives any crash), removed once every
 * recipient of the row is delivered or has failed. `lease_until` lets one node at a time try it.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('outbound_queue')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().references('message.id'))
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    // The recipients still to deliver, space-separated (addresses hold no space).
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', int64, (c) => c.notNull())
    .addColumn('expires_at', int64, (c) => c.notNull())
    .addColumn('lease_until', int64)
    .addColumn('last_error', 'text')
    .addColumn('created_at', int64, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbound_queue_by_due').on('outbound_queue').columns(['next_attempt_at']).execute();
}
