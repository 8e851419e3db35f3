import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * The UIDs that left a folder and the MODSEQ of their leaving: what a resynchronising IMAP client
 * (QRESYNC) is told vanished since it last looked, without listing every message it knows.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('expunged_entry')
    .addColumn('folder_id', 'text', (c) => c.notNull())
    .addColumn('uid', int64, (c) => c.notNull())
    .addColumn('modseq', int64, (c) => c.notNull())
    .addPrimaryKeyConstraint('expunged_entry_pk', ['folder_id', 'uid'])
    .execute();
  await db.schema.createIndex('expunged_entry_by_modseq').on('expunged_entry').columns(['folder_id', 'modseq']).execute();
}
