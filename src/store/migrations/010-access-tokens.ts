import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * Short-lived bearer tokens Missive issues for mail protocols (SASL XOAUTH2 and OAUTHBEARER),
 * until OpenID Connect brings the national provider's. Only a keyed digest is stored.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('access_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('token_digest', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', int64, (c) => c.notNull())
    .addColumn('expires_at', int64, (c) => c.notNull())
    .addColumn('revoked_at', int64)
    .execute();
  await db.schema.createIndex('access_token_by_user').on('access_token').columns(['user_id', 'expires_at']).execute();
}
