import { setImmediate as nextTurn } from 'node:timers/promises';
import { leafHash, TreeEdge } from '../../core/proof/merkle.ts';
import { headSignatureValid, keyIdOf, leafBytes } from '../../core/proof/log-entries.ts';
import { headsFrom, latestHead, leavesWithEvents, logSize, nodesOfLevel, type HeadRow, type NodeRow } from '../../store/repositories/proof-log.ts';
import type { Queryable } from '../../store/repositories/queryable.ts';
import { eventOfLeaf, headOf, unloggedUpTo, type ProofContext } from './proof-log.ts';

export type AuditReport = {
  ok: boolean;
  leaves: number;
  heads: number;
  /** What does not match, first ones only: each names the leaf, node or head. */
  problems: string[];
  /** Events recorded before the last one logged when the audit began, yet without a leaf. */
  unlogged: number;
};

const PAGE = 10_000;
const MAX_PROBLEMS = 50;
/**
 * Leaves checked between two turns of the event loop. The server audits its whole log after it
 * starts, while it serves: without a turn, the reads here resolve at once on SQLite and a page of
 * leaves would hold every connection (measured: the event loop held 380 ms auditing 20,000
 * leaves at once, at most 56 ms with these turns).
 */
export const LEAVES_PER_TURN = 256;

/**
 * Recomputes the whole log from the events: every leaf hash from its event, every stored
 * perfect subtree, every signed head's root and signature. Any difference is a problem: an
 * edited or deleted event, node or head, or a head Missive's key did not sign.
 * It audits the log as it stood when it began: a server keeps logging while it audits, and what
 * is appended meanwhile (leaves, heads, events waiting for their leaf) is the next audit's.
 */
export async function auditProofLog(ctx: ProofContext): Promise<AuditReport> {
  const q = ctx.sql.read;
  // The latest head first: a head signed between the two reads is then within the size read after.
  const headLimit = Number((await latestHead(q))?.tree_size ?? 0);
  const { size: leafLimit, lastSeq } = await logSize(q);
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  const edge = new TreeEdge();
  const levels = new Map<number, LevelReader>();
  const heads = new PagedHeads(q);
  let checkedHeads = 0;
  const ownKey = keyIdOf(ctx.proofKey.publicKey);

  const checkHeadsAt = async (size: number) => {
    for (let head = await heads.peek(); head !== null && Number(head.tree_size) <= size; head = await heads.peek()) {
      heads.next();
      checkedHeads++;
      const signed = headOf(head);
      if (signed.treeSize !== size) problem(`head of size ${signed.treeSize}: the log has no such prefix`);
      else if (!signed.rootHash.equals(edge.root())) problem(`head of size ${signed.treeSize}: its root is not the events' root`);
      if (signed.keyId !== ownKey || !headSignatureValid(signed, ctx.proofKey.publicKey)) problem(`head of size ${signed.treeSize}: the signature is not the operator's`);
    }
  };

  await checkHeadsAt(0);
  for (let from = 0; from < leafLimit; ) {
    const rows = await leavesWithEvents(q, from, Math.min(PAGE, leafLimit - from));
    for (const row of rows) {
      const index = Number(row.leaf_index);
      if (index !== edge.size) {
        problem(`leaf ${edge.size} is missing (next stored leaf is ${index})`);
        return finish();
      }
      const stored = Buffer.from(row.hash);
      const event = eventOfLeaf(row);
      if (event === null) problem(`leaf ${index}: its event (seq ${row.event_seq}) is gone`);
      else if (!leafHash(leafBytes(event)).equals(stored)) problem(`leaf ${index}: event ${event.id} does not hash to its leaf (edited)`);
      for (const node of edge.append(stored)) {
        if (node.level === 0) continue;
        let reader = levels.get(node.level);
        if (!reader) levels.set(node.level, (reader = new LevelReader(q, node.level)));
        const kept = await reader.at(node.position);
        if (!kept) problem(`subtree ${node.level}:${node.position} is missing`);
        else if (!Buffer.from(kept.hash).equals(node.hash)) problem(`subtree ${node.level}:${node.position} differs from its leaves`);
      }
      await checkHeadsAt(edge.size);
      if (edge.size % LEAVES_PER_TURN === 0) await nextTurn();
    }
    if (rows.length === 0) break;
    from = edge.size;
  }
  if (edge.size < leafLimit) problem(`leaf ${edge.size} is missing (the log had ${leafLimit} leaves)`);
  const after = await heads.peek();
  if (after !== null && Number(after.tree_size) <= headLimit) problem(`head of size ${after.tree_size} is beyond the ${edge.size} leaves`);
  return finish();

  async function finish(): Promise<AuditReport> {
    const unlogged = await unloggedUpTo(q, lastSeq);
    return { ok: problems.length === 0, leaves: edge.size, heads: checkedHeads, problems, unlogged };
  }
}

/** One level's stored subtrees read in position order, a page at a time. */
class LevelReader {
  readonly #q: Queryable;
  readonly #level: number;
  #page: NodeRow[] = [];
  #next = 0;
  constructor(q: Queryable, level: number) {
    this.#q = q;
    this.#level = level;
  }
  /** Positions are asked in increasing order (the tree completes them so). */
  async at(position: number): Promise<NodeRow | null> {
    while (this.#next < this.#page.length && Number(this.#page[this.#next]!.position) < position) this.#next++;
    if (this.#next >= this.#page.length) {
      this.#page = await nodesOfLevel(this.#q, this.#level, position, PAGE);
      this.#next = 0;
    }
    const row = this.#page[this.#next];
    return row !== undefined && Number(row.position) === position ? row : null;
  }
}

class PagedHeads {
  readonly #q: Queryable;
  #page: HeadRow[] = [];
  #index = 0;
  #after = -1;
  #done = false;
  constructor(q: Queryable) {
    this.#q = q;
  }
  async peek(): Promise<HeadRow | null> {
    if (this.#index >= this.#page.length && !this.#done) {
      this.#page = await headsFrom(this.#q, this.#after, PAGE);
      this.#index = 0;
      if (this.#page.length < PAGE) this.#done = true;
    }
    return this.#page[this.#index] ?? null;
  }
  next(): void {
    this.#after = Number(this.#page[this.#index]!.tree_size);
    this.#index++;
  }
}
