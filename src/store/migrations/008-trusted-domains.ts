import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/** The other operators' domains, from the national whitelist: replaced whole at each import. */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('trusted_domain')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text')
    .addColumn('certificate_subject', 'text')
    .addColumn('responsible_contact', 'text')
    .addColumn('support_contact', 'text')
    .addColumn('updated_on', 'text')
    .addColumn('imported_at', int64, (c) => c.notNull())
    .execute();
}
