import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * The core schema. Written once with Kysely's schema builder; the few places the engines
 * differ (auto-increment, binary, 64-bit integers, triggers) branch on `engine`.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';
  const binary = engine === 'postgres' ? 'bytea' : 'blob';
  const serial = (table: string) =>
    engine === 'postgres'
      ? db.schema.createTable(table).addColumn('seq', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());

  await db.schema
    .createTable('operator_domain')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('created_at', int64, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('structure')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('finess', 'text')
    .addColumn('siret', 'text')
    .addColumn('created_at', int64, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('rpps', 'text')
    .addColumn('profession', 'text')
    .addColumn('structure_id', 'text', (c) => c.references('structure.id'))
    .addColumn('notify_email', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('created_at', int64, (c) => c.notNull())
    .addColumn('disabled_at', int64)
    .execute();

  await db.schema
    .createTable('mailbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('address_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('PER', 'ORG', 'APP')`))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('structure_id', 'text', (c) => c.references('structure.id'))
    .addColumn('liste_rouge', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', int64, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mailbox_member')
    .addColumn('mailbox_id', 'text', (c) => c.notNull().references('mailbox.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('can_read', 'integer', (c) => c.notNull())
    .addColumn('can_send', 'integer', (c) => c.notNull())
    .addColumn('can_manage', 'integer', (c) => c.notNull())
    .addColumn('created_at', int64, (c) => c.notNull())
    .addPrimaryKeyConstraint('mailbox_member_pk', ['mailbox_id', 'user_id'])
    .execute();
  await db.schema.createIndex('mailbox_member_by_user').on('mailbox_member').column('user_id').execute();

  await db.schema
    .createTable('folder')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mailbox_id', 'text', (c) => c.notNull().references('mailbox.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('special_use', 'text')
    .addColumn('uidvalidity', int64, (c) => c.notNull())
    .addColumn('uid_next', int64, (c) => c.notNull())
    .addColumn('highest_modseq', int64, (c) => c.notNull())
    .addColumn('created_at', int64, (c) => c.notNull())
    .addUniqueConstraint('folder_name_unique', ['mailbox_id', 'name'])
    .execute();

  await db.schema
    .createTable('message')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('blob_key', 'text')
    .addColumn('storage', 'text', (c) => c.notNull().check(sql`storage in ('inline', 'blob')`))
    .addColumn('wrapped_key', binary)
    .addColumn('kek_id', 'text', (c) => c.notNull())
    .addColumn('size', int64, (c) => c.notNull())
    .addColumn('content_digest', 'text', (c) => c.notNull())
    .addColumn('message_id_header', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('date_header', int64)
    .addColumn('has_attachments', 'integer', (c) => c.notNull())
    .addColumn('index_json', 'text')
    .addColumn('received_at', int64, (c) => c.notNull())
    .addColumn('purged_at', int64)
    .execute();
  // Ciphertext of small messages, written in the deposit's own transaction (see services/deposit).
  await db.schema
    .createTable('message_content')
    .addColumn('message_id', 'text', (c) => c.primaryKey().references('message.id'))
    .addColumn('ciphertext', binary, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_by_received').on('message').columns(['purged_at', 'received_at']).execute();

  await db.schema
    .createTable('mailbox_entry')
    .addColumn('folder_id', 'text', (c) => c.notNull().references('folder.id'))
    .addColumn('uid', int64, (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().references('message.id'))
    .addColumn('mailbox_id', 'text', (c) => c.notNull().references('mailbox.id'))
    .addColumn('flags', 'text', (c) => c.notNull())
    .addColumn('modseq', int64, (c) => c.notNull())
    .addColumn('internal_date', int64, (c) => c.notNull())
    .addPrimaryKeyConstraint('mailbox_entry_pk', ['folder_id', 'uid'])
    .execute();
  await db.schema.createIndex('mailbox_entry_by_message').on('mailbox_entry').columns(['message_id', 'mailbox_id']).execute();
  await db.schema.createIndex('mailbox_entry_by_modseq').on('mailbox_entry').columns(['folder_id', 'modseq']).execute();

  await db.schema
    .createTable('recipient')
    .addColumn('message_id', 'text', (c) => c.notNull().references('message.id'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('header_kind', 'text', (c) => c.notNull().check(sql`header_kind in ('to', 'cc', 'bcc')`))
    .addColumn('route', 'text', (c) => c.notNull().check(sql`route in ('local', 'operator', 'vault')`))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('delivered', 'queued', 'failed')`))
    .addColumn('mailbox_id', 'text', (c) => c.references('mailbox.id'))
    .addColumn('delivered_at', int64)
    .addColumn('opened_at', int64)
    .addPrimaryKeyConstraint('recipient_pk', ['message_id', 'address'])
    .execute();
  await db.schema.createIndex('recipient_by_mailbox').on('recipient').columns(['mailbox_id', 'message_id']).execute();

  await serial('proof_event')
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('message_id_header', 'text', (c) => c.notNull())
    .addColumn('content_digest', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('at', int64, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('proof_event_by_message').on('proof_event').column('message_id').execute();

  await serial('audit_log')
    .addColumn('at', int64, (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();

  await forbidChanges(db, engine, 'proof_event');
  await forbidChanges(db, engine, 'audit_log');
}

/** Proofs and traces are append-only; the database refuses an UPDATE or DELETE whoever asks. */
export async function forbidChanges(db: Kysely<unknown>, engine: Engine, table: string): Promise<void> {
  const message = `${table} is append-only`;
  if (engine === 'postgres') {
    await sql`create function ${sql.raw(`${table}_append_only`)}() returns trigger language plpgsql as ${sql.lit(
      `begin raise exception '${message}'; end`,
    )}`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_change`)} before update or delete or truncate on ${sql.table(table)}
      for each statement execute function ${sql.raw(`${table}_append_only`)}()`.execute(db);
    return;
  }
  for (const operation of ['update', 'delete']) {
    await sql`create trigger ${sql.raw(`${table}_no_${operation}`)} before ${sql.raw(operation)} on ${sql.table(table)}
      begin select raise(abort, ${sql.lit(message)}); end`.execute(db);
  }
}
