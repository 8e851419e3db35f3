import type { Kysely } from 'kysely';
import type { Engine } from '../engine.ts';
import { forbidChanges } from './001-core.ts';

/**
 * The proof log: an RFC 9162 Merkle tree over the proof events. Each event gets a dense leaf
 * index when it is sequenced (proof_leaf, with its leaf hash); every perfect subtree the tree
 * completes is kept (proof_node), so an inclusion or consistency proof reads a few dozen rows at
 * any size; each signed tree head is kept (proof_head). All three are append-only, enforced by
 * the database as for the events themselves.
 */
export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const int64 = engine === 'postgres' ? 'bigint' : 'integer';
  const bytes = engine === 'postgres' ? 'bytea' : 'blob';

  await db.schema
    .createTable('proof_leaf')
    .addColumn('leaf_index', int64, (c) => c.primaryKey())
    .addColumn('event_seq', int64, (c) => c.notNull().unique())
    .addColumn('hash', bytes, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('proof_node')
    // A perfect subtree of 2^level leaves (level ≥ 1) starting at leaf position × 2^level.
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('position', int64, (c) => c.notNull())
    .addColumn('hash', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('proof_node_pk', ['level', 'position'])
    .execute();

  await db.schema
    .createTable('proof_head')
    .addColumn('tree_size', int64, (c) => c.primaryKey())
    .addColumn('root_hash', bytes, (c) => c.notNull())
    .addColumn('signed_at', int64, (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', bytes, (c) => c.notNull())
    .execute();

  for (const table of ['proof_leaf', 'proof_node', 'proof_head']) await forbidChanges(db, engine, table);
}
