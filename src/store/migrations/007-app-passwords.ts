import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * Application passwords: long random secrets a user makes for a mail client or health software
 * (SMTP, IMAP), each revocable alone. Only a keyed digest is stored.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('app_password')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('secret_digest', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', int64, (c) => c.notNull())
    .addColumn('last_used_at', int64)
    .addColumn('revoked_at', int64)
    .execute();
  await db.schema.createIndex('app_password_by_user').on('app_password').columns(['user_id', 'created_at']).execute();
}
