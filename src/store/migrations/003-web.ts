import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * What the web client keeps per user: preferences, a TOTP second factor, uploaded attachments
 * waiting for a message, and drafts. Secrets and content are sealed (envelope encryption).
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';
  const binary = engine === 'postgres' ? 'bytea' : 'blob';

  // The display name of From, for lists (the envelope sender alone reads poorly).
  await db.schema.alterTable('message').addColumn('from_name', 'text').execute();
  // Folded words a person searches by (names, addresses, subject, first words, file names); cleared at purge.
  await db.schema.alterTable('message').addColumn('search_text', 'text').execute();

  await db.schema
    .createTable('user_preference')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('user_account.id'))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('alert_new_message', 'integer', (c) => c.notNull())
    // Alerts are coalesced: at most one per quiet interval, whatever arrives.
    .addColumn('last_alert_at', int64)
    .addColumn('updated_at', int64, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('totp_credential')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('user_account.id'))
    // The shared secret, sealed with a data key wrapped by the KEK.
    .addColumn('secret_sealed', binary, (c) => c.notNull())
    .addColumn('confirmed_at', int64)
    // The last time step accepted: a code is good once (RFC 6238 §5.2).
    .addColumn('last_step', int64)
    .addColumn('created_at', int64, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('upload')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', int64, (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', binary, (c) => c.notNull())
    .addColumn('kek_id', 'text', (c) => c.notNull())
    .addColumn('created_at', int64, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('upload_by_user').on('upload').column('user_id').execute();

  await db.schema
    .createTable('draft')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('mailbox_id', 'text', (c) => c.notNull().references('mailbox.id'))
    // Recipients, subject, body and attachment ids as sealed JSON.
    .addColumn('sealed', binary, (c) => c.notNull())
    .addColumn('created_at', int64, (c) => c.notNull())
    .addColumn('updated_at', int64, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('draft_by_user').on('draft').columns(['user_id', 'updated_at']).execute();
}
