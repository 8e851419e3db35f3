import type { Kysely } from 'kysely';

/**
 * A message's IMAP ENVELOPE, encoded once on its first FETCH and read as is afterwards: a client
 * synchronising a folder asks for thousands, and decoding each message's index to encode the
 * same envelope again is most of the cost. Cleared at purge with the subject and the index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('message').addColumn('imap_envelope', 'text').execute();
}
