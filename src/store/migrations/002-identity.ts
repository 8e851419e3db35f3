import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/** Identity: one-time code challenges, sessions, login throttles, and the development outbox. */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('otp_challenge')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    // A keyed digest of the code, never the code.
    .addColumn('code_digest', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('expires_at', int64, (c) => c.notNull())
    .addColumn('consumed_at', int64)
    .addColumn('created_at', int64, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    // The digest of the bearer token: a copy of the database lets no one in.
    .addColumn('token_digest', 'text', (c) => c.notNull().unique())
    .addColumn('user_agent', 'text')
    .addColumn('source', 'text')
    .addColumn('created_at', int64, (c) => c.notNull())
    .addColumn('last_seen_at', int64, (c) => c.notNull())
    .addColumn('expires_at', int64, (c) => c.notNull())
    .addColumn('revoked_at', int64)
    .execute();
  await db.schema.createIndex('session_by_user').on('session').column('user_id').execute();

  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', int64, (c) => c.notNull())
    .addColumn('updated_at', int64, (c) => c.notNull())
    .execute();

  const outbox =
    engine === 'postgres'
      ? db.schema.createTable('dev_outbox').addColumn('seq', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable('dev_outbox').addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
  await outbox
    .addColumn('at', int64, (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
}
