import { sql } from 'kysely';
import type { Queryable } from './queryable.ts';
import type { StoredProofEvent } from './proofs.ts';

export type LeafRow = { leaf_index: number; event_seq: number; hash: Uint8Array };
export type NodeRow = { level: number; position: number; hash: Uint8Array };
export type HeadRow = { tree_size: number; root_hash: Uint8Array; signed_at: number; key_id: string; signature: Uint8Array };

/** Serialises sequencers across connections and nodes (PostgreSQL); SQLite has one writer already. */
export async function lockSequencer(q: Queryable, engine: 'sqlite' | 'postgres'): Promise<void> {
  // An arbitrary constant naming "the proof log" among advisory locks.
  if (engine === 'postgres') await sql`select pg_advisory_xact_lock(4242001)`.execute(q);
}

export async function logSize(q: Queryable): Promise<{ size: number; lastSeq: number }> {
  // Two queries: SQLite answers a lone max() from its index, but scans the table for two at once.
  const last = await q.selectFrom('proof_leaf').select('leaf_index').orderBy('leaf_index', 'desc').limit(1).executeTakeFirst();
  const seq = await q.selectFrom('proof_leaf').select('event_seq').orderBy('event_seq', 'desc').limit(1).executeTakeFirst();
  return { size: last ? Number(last.leaf_index) + 1 : 0, lastSeq: seq ? Number(seq.event_seq) : 0 };
}

/** Events not yet in the log, oldest first, among those after `fromSeq`. */
export async function unsequencedEvents(q: Queryable, fromSeq: number, limit: number): Promise<StoredProofEvent[]> {
  return q
    .selectFrom('proof_event as e')
    .selectAll('e')
    .where('e.seq', '>', fromSeq)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('proof_leaf as l').select('l.leaf_index').whereRef('l.event_seq', '=', 'e.seq'))))
    .orderBy('e.seq')
    .limit(limit)
    .execute();
}

/** Events recorded up to `seq`, and leaves given to them: both counted on their index. */
export async function countEventsUpTo(q: Queryable, seq: number): Promise<{ events: number; leaves: number }> {
  const events = await q.selectFrom('proof_event').select((eb) => eb.fn.countAll().as('n')).where('seq', '<=', seq).executeTakeFirst();
  const leaves = await q.selectFrom('proof_leaf').select((eb) => eb.fn.countAll().as('n')).where('event_seq', '<=', seq).executeTakeFirst();
  return { events: Number(events?.n ?? 0), leaves: Number(leaves?.n ?? 0) };
}

// Rows per INSERT, under SQLite's bound-parameter limit.
const INSERT_ROWS = 5_000;

export async function insertLeaves(q: Queryable, rows: LeafRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_ROWS) await q.insertInto('proof_leaf').values(rows.slice(i, i + INSERT_ROWS)).execute();
}

export async function insertNodes(q: Queryable, rows: NodeRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_ROWS) await q.insertInto('proof_node').values(rows.slice(i, i + INSERT_ROWS)).execute();
}

export async function insertHead(q: Queryable, row: HeadRow): Promise<void> {
  await q.insertInto('proof_head').values(row).execute();
}

/** Hashes of perfect subtrees by (level, position); level 0 is a leaf. */
export async function perfectHashes(q: Queryable, wanted: readonly { level: number; position: number }[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const leaves = wanted.filter((node) => node.level === 0).map((node) => node.position);
  const nodes = wanted.filter((node) => node.level > 0);
  if (leaves.length > 0) {
    for (const row of await q.selectFrom('proof_leaf').select(['leaf_index', 'hash']).where('leaf_index', 'in', leaves).execute()) {
      found.set(`0:${Number(row.leaf_index)}`, Buffer.from(row.hash));
    }
  }
  if (nodes.length > 0) {
    const rows = await q
      .selectFrom('proof_node')
      .select(['level', 'position', 'hash'])
      .where((eb) => eb.or(nodes.map((node) => eb.and([eb('level', '=', node.level), eb('position', '=', node.position)]))))
      .execute();
    for (const row of rows) found.set(`${row.level}:${Number(row.position)}`, Buffer.from(row.hash));
  }
  return found;
}

export async function latestHead(q: Queryable): Promise<HeadRow | undefined> {
  return q.selectFrom('proof_head').selectAll().orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
}

export async function headOfSize(q: Queryable, size: number): Promise<HeadRow | undefined> {
  return q.selectFrom('proof_head').selectAll().where('tree_size', '=', size).executeTakeFirst();
}

export async function headsFrom(q: Queryable, afterSize: number, limit: number): Promise<HeadRow[]> {
  return q.selectFrom('proof_head').selectAll().where('tree_size', '>', afterSize).orderBy('tree_size').limit(limit).execute();
}

/** The log positions of a message's events, with the events. */
export async function loggedEventsOf(q: Queryable, messageId: string): Promise<(StoredProofEvent & { leaf_index: number })[]> {
  return q
    .selectFrom('proof_event as e')
    .innerJoin('proof_leaf as l', 'l.event_seq', 'e.seq')
    .selectAll('e')
    .select('l.leaf_index')
    .where('e.message_id', '=', messageId)
    .orderBy('l.leaf_index')
    .execute();
}

/** Leaves in log order from `from`, each with its event (absent if the event row is gone). */
export async function leavesWithEvents(q: Queryable, from: number, limit: number) {
  return q
    .selectFrom('proof_leaf as l')
    .leftJoin('proof_event as e', 'e.seq', 'l.event_seq')
    .select(['l.leaf_index', 'l.event_seq', 'l.hash', 'e.id', 'e.type', 'e.message_id', 'e.message_id_header', 'e.content_digest', 'e.actor', 'e.recipient', 'e.channel', 'e.at'])
    .where('l.leaf_index', '>=', from)
    .orderBy('l.leaf_index')
    .limit(limit)
    .execute();
}

/** Stored perfect subtrees of one level, in position order from `fromPosition`. */
export async function nodesOfLevel(q: Queryable, level: number, fromPosition: number, limit: number): Promise<NodeRow[]> {
  return q.selectFrom('proof_node').selectAll().where('level', '=', level).where('position', '>=', fromPosition).orderBy('position').limit(limit).execute();
}
