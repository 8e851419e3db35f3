import { consistencyProof, edgeOf, inclusionProof, isPerfect, leafHash, rangeHashFromPerfect, TreeEdge, type Hash } from '../../core/proof/merkle.ts';
import { leafBytes, signHead, type LoggedEvent, type TreeHead } from '../../core/proof/log-entries.ts';
import {
  countEventsUpTo,
  headOfSize,
  insertHead,
  insertLeaves,
  insertNodes,
  latestHead,
  leavesWithEvents,
  lockSequencer,
  logSize,
  perfectHashes,
  unsequencedEvents,
  type HeadRow,
  type LeafRow,
  type NodeRow,
} from '../../store/repositories/proof-log.ts';
import type { Queryable } from '../../store/repositories/queryable.ts';
import type { StoredProofEvent } from '../../store/repositories/proofs.ts';
import type { ServiceContext } from '../context.ts';

// Events sequenced per transaction: a fraction of a second of work, then other writers go on.
const BATCH = 5_000;
// How far behind the last sequenced event to look for events that committed late: PostgreSQL
// hands out sequence numbers before commit, so a transaction may land after a later one. SQLite
// has one writer: events commit in sequence order, none can appear behind the last one.
const LOOKBACK = { postgres: 10_000, sqlite: 0 } as const;

export type ProofContext = Pick<ServiceContext, 'sql' | 'proofKey' | 'clock' | 'log'>;

export function loggedEvent(row: Pick<StoredProofEvent, 'id' | 'type' | 'message_id' | 'message_id_header' | 'content_digest' | 'actor' | 'recipient' | 'channel' | 'at'>): LoggedEvent {
  return {
    id: row.id,
    type: row.type,
    messageId: row.message_id,
    messageIdHeader: row.message_id_header,
    contentDigest: row.content_digest,
    actor: row.actor,
    recipient: row.recipient,
    channel: row.channel,
    at: Number(row.at),
  };
}

/** The event of a leaf read with `leavesWithEvents`, or null when its event row is gone. */
export function eventOfLeaf(row: Awaited<ReturnType<typeof leavesWithEvents>>[number]): LoggedEvent | null {
  if (row.id === null) return null;
  return loggedEvent({ ...row, id: row.id, type: row.type!, message_id: row.message_id!, message_id_header: row.message_id_header!, content_digest: row.content_digest!, actor: row.actor!, channel: row.channel!, at: row.at! });
}

export function headOf(row: HeadRow): TreeHead {
  return { treeSize: Number(row.tree_size), rootHash: Buffer.from(row.root_hash), signedAt: Number(row.signed_at), keyId: row.key_id, signature: Buffer.from(row.signature) };
}

/**
 * Gives every proof event not yet in the log its leaf, in the order they were recorded, stores
 * the perfect subtrees this completes and signs the new head; one transaction per batch.
 * Deposits only insert events: the log follows them, so proving costs a deposit nothing.
 * Returns the latest head (null while the log is empty).
 */
export async function sequenceEvents(ctx: ProofContext): Promise<TreeHead | null> {
  for (;;) {
    const added = await ctx.sql.write((trx) => sequenceBatch(ctx, trx));
    if (added < BATCH) break;
  }
  const head = await latestHead(ctx.sql.read);
  return head ? headOf(head) : null;
}

async function sequenceBatch(ctx: ProofContext, trx: Queryable): Promise<number> {
  await lockSequencer(trx, ctx.sql.engine);
  const { size, lastSeq } = await logSize(trx);
  const events = await unsequencedEvents(trx, Math.max(0, lastSeq - LOOKBACK[ctx.sql.engine]), BATCH);
  if (events.length === 0) return 0;
  const edge = await loadEdge(trx, size);
  const leaves: LeafRow[] = [];
  const nodes: NodeRow[] = [];
  for (const event of events) {
    const hash = leafHash(leafBytes(loggedEvent(event)));
    const index = edge.size;
    for (const node of edge.append(hash)) if (node.level > 0) nodes.push(node);
    leaves.push({ leaf_index: index, event_seq: Number(event.seq), hash });
  }
  await insertLeaves(trx, leaves);
  await insertNodes(trx, nodes);
  const head = signHead({ treeSize: edge.size, rootHash: edge.root(), signedAt: ctx.clock() }, ctx.proofKey.privateKey, ctx.proofKey.publicKey);
  await insertHead(trx, { tree_size: head.treeSize, root_hash: head.rootHash, signed_at: head.signedAt, key_id: head.keyId, signature: head.signature });
  return events.length;
}

/** The right edge of the stored tree of `size` leaves. */
async function loadEdge(q: Queryable, size: number): Promise<TreeEdge> {
  const wanted = edgeOf(size);
  const found = await perfectHashes(q, wanted);
  return new TreeEdge(
    size,
    wanted.map(({ level, position }) => {
      const hash = found.get(`${level}:${position}`);
      if (!hash) throw new Error(`the proof log lacks its subtree ${level}:${position}; run missive proof audit`);
      return { level, hash };
    }),
  );
}

/**
 * Runs a proof algorithm against the stored tree: a first pass lists the perfect subtrees it
 * needs, one query fetches them, the second pass computes.
 */
async function withStoredTree<T>(q: Queryable, run: (hashOf: (start: number, end: number) => Hash) => T): Promise<T> {
  const needed = new Map<string, { level: number; position: number }>();
  const note = (start: number, end: number): Hash => {
    const size = end - start;
    const level = Math.log2(size);
    needed.set(`${level}:${start / size}`, { level, position: start / size });
    return Buffer.alloc(32);
  };
  run((start, end) => rangeHashFromPerfect(start, end, note));
  const found = await perfectHashes(q, [...needed.values()]);
  return run((start, end) =>
    rangeHashFromPerfect(start, end, (s, e) => {
      if (!isPerfect(s, e)) throw new Error(`not a perfect subtree: ${s}..${e}`);
      const key = `${Math.log2(e - s)}:${s / (e - s)}`;
      const hash = found.get(key);
      if (!hash) throw new Error(`the proof log lacks its subtree ${key}; run missive proof audit`);
      return hash;
    }),
  );
}

export async function storedInclusionProof(q: Queryable, index: number, size: number): Promise<Hash[]> {
  return withStoredTree(q, (hashOf) => inclusionProof(index, size, hashOf));
}

export async function storedConsistencyProof(q: Queryable, first: number, second: number): Promise<Hash[]> {
  return withStoredTree(q, (hashOf) => consistencyProof(first, second, hashOf));
}

export async function signedHead(q: Queryable, size?: number): Promise<TreeHead | null> {
  const row = size === undefined ? await latestHead(q) : await headOfSize(q, size);
  return row ? headOf(row) : null;
}

/**
 * Events recorded up to `seq` but never given a leaf: the log would not prove them. Bounded,
 * because events recorded later are only waiting for the next sequencing (about a second).
 */
export async function unloggedUpTo(q: Queryable, seq: number): Promise<number> {
  const { events, leaves } = await countEventsUpTo(q, seq);
  return events - leaves;
}
