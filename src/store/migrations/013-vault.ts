import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * The vault: one row per message and recipient outside the trust space. The link and the access
 * code are kept only as keyed digests; a reader's session likewise. The row outlives the content
 * (its facts are proofs); the patient's INS is kept with the message it concerns.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('vault_item')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().references('message.id'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('sender_mailbox_id', 'text', (c) => c.notNull())
    .addColumn('link_digest', 'text', (c) => c.notNull().unique())
    .addColumn('code_digest', 'text')
    .addColumn('code_by', 'text', (c) => c.notNull().check(sql`code_by in ('sms', 'phone')`))
    .addColumn('phone', 'text')
    .addColumn('replies', 'text', (c) => c.notNull().check(sql`replies in ('none', 'once', 'thread')`))
    .addColumn('replies_sent', 'integer', (c) => c.notNull())
    .addColumn('wrong_codes', 'integer', (c) => c.notNull())
    .addColumn('session_digest', 'text')
    .addColumn('session_until', int64)
    .addColumn('created_at', int64, (c) => c.notNull())
    .addColumn('expires_at', int64, (c) => c.notNull())
    .addColumn('notified_at', int64)
    .addColumn('opened_at', int64)
    .addColumn('revoked_at', int64)
    .addColumn('locked_at', int64)
    .execute();
  await db.schema.createIndex('vault_item_by_message').on('vault_item').columns(['message_id']).execute();
  await db.schema.alterTable('message').addColumn('patient_ins', 'text').execute();
}
