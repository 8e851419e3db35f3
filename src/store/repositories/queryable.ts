import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';

/** Repositories run on the read handle or inside a group-committed transaction alike. */
export type Queryable = Kysely<Database> | Transaction<Database>;
