import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/** The sender's alert when a message they sent is opened: opt-in, coalesced like arrival alerts. */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema.alterTable('user_preference').addColumn('alert_tracking', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('user_preference').addColumn('last_tracking_alert_at', int64).execute();
}
