import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * The directory: the national extractions, imported as generations (one is active; an import
 * builds the next beside it and switches in one transaction), and what the regional directory
 * needs from the operator's own accounts (names, structure place, mailboxes hidden from it).
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('directory_generation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // building → active → retired; a building generation whose heartbeat stopped was interrupted.
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('started_at', int64, (c) => c.notNull())
    .addColumn('heartbeat_at', int64, (c) => c.notNull())
    .addColumn('activated_at', int64)
    // What was read and what it changed (JSON): files, lines, bad lines, added/changed/removed.
    .addColumn('report', 'text')
    .execute();
  await db.schema.createIndex('directory_generation_by_state').on('directory_generation').columns(['state', 'activated_at']).execute();

  await db.schema
    .createTable('directory_entry')
    .addColumn('generation_id', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('address_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('pp_id_type', 'text')
    .addColumn('pp_id', 'text')
    .addColumn('national_id', 'text')
    .addColumn('civility', 'text')
    .addColumn('last_name', 'text')
    .addColumn('first_name', 'text')
    .addColumn('profession_code', 'text')
    .addColumn('profession_label', 'text')
    .addColumn('category_code', 'text')
    .addColumn('speciality_code', 'text')
    .addColumn('speciality_label', 'text')
    .addColumn('structure_id_type', 'text')
    .addColumn('structure_id', 'text')
    .addColumn('structure_name', 'text')
    .addColumn('service', 'text')
    .addColumn('street', 'text')
    .addColumn('city', 'text')
    .addColumn('postcode', 'text')
    .addColumn('department', 'text')
    .addColumn('country', 'text')
    // A digest of the fields above: a refresh compares it to tell changed entries.
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_entry_pk', ['generation_id', 'address_key'])
    .execute();
  await db.schema.createIndex('directory_entry_by_person').on('directory_entry').columns(['generation_id', 'national_id', 'address_key']).execute();
  await db.schema.createIndex('directory_entry_by_structure').on('directory_entry').columns(['generation_id', 'structure_id', 'address_key']).execute();

  // Activities of the practitioners who hold a mailbox (others are counted, not kept).
  await db.schema
    .createTable('directory_activity')
    .addColumn('generation_id', 'text', (c) => c.notNull())
    .addColumn('national_id', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('profession_code', 'text')
    .addColumn('profession_label', 'text')
    .addColumn('speciality_code', 'text')
    .addColumn('speciality_label', 'text')
    .addColumn('mode_code', 'text')
    .addColumn('siret', 'text')
    .addColumn('finess', 'text')
    .addColumn('site_name', 'text')
    .addColumn('postcode', 'text')
    .addColumn('city', 'text')
    .addColumn('department', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addPrimaryKeyConstraint('directory_activity_pk', ['generation_id', 'national_id', 'line'])
    .execute();

  // The regional directory is built from the operator's own accounts.
  await db.schema.alterTable('user_account').addColumn('last_name', 'text').execute();
  await db.schema.alterTable('user_account').addColumn('first_name', 'text').execute();
  await db.schema.alterTable('structure').addColumn('postcode', 'text').execute();
  await db.schema.alterTable('structure').addColumn('city', 'text').execute();
  await db.schema.alterTable('structure').addColumn('department', 'text').execute();
  // An unused address the operator hides from the directory (it still receives mail).
  await db.schema.alterTable('mailbox').addColumn('directory_hidden', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
