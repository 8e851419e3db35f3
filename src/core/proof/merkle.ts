import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency v2, same hashing as RFC 6962): SHA-256,
 * leaves prefixed with 0x00, interior nodes with 0x01, a tree of n leaves split at the largest
 * power of two below n. Inclusion and consistency proofs and their verification, written from
 * §2.1 of the RFC. Sizes and indexes are plain numbers (exact up to 2^53), never 32-bit bit
 * operations, so a log can outgrow two billion events.
 */
export type Hash = Buffer;

/** The hash of a range of leaves [start, end): the storage behind a tree answers it. */
export type RangeHash = (start: number, end: number) => Hash;

export const HASH_BYTES = 32;

export function leafHash(leaf: Uint8Array): Hash {
  return createHash('sha256').update(Buffer.of(0)).update(leaf).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** The root of an empty tree: the hash of nothing. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** The largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** True when a range [start, end) is one perfect subtree: a power of two long, aligned on its size. */
export function isPerfect(start: number, end: number): boolean {
  const size = end - start;
  return size > 0 && isPowerOfTwo(size) && start % size === 0;
}

/** The hash of [start, end) from the hashes of the perfect subtrees it is made of (RFC 9162 MTH). */
export function rangeHashFromPerfect(start: number, end: number, perfect: (start: number, end: number) => Hash): Hash {
  if (end - start === 0) return EMPTY_ROOT;
  if (isPerfect(start, end)) return perfect(start, end);
  const k = splitPoint(end - start);
  return nodeHash(rangeHashFromPerfect(start, start + k, perfect), rangeHashFromPerfect(start + k, end, perfect));
}

/** PATH(index, D[0:size]) of RFC 9162 §2.1.3.1: the audit path from the leaf up to the root. */
export function inclusionProof(index: number, size: number, hashOf: RangeHash): Hash[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  const proof: Hash[] = [];
  const path = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, start + k);
      proof.push(hashOf(start + k, end));
    } else {
      path(m - k, start + k, end);
      proof.push(hashOf(start, start + k));
    }
  };
  path(index, 0, size);
  return proof;
}

/** PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1: that the tree of `first` leaves is a prefix of the one of `second`. */
export function consistencyProof(first: number, second: number, hashOf: RangeHash): Hash[] {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 1 || first > second) throw new RangeError(`no consistency proof from ${first} to ${second}`);
  const proof: Hash[] = [];
  const sub = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) proof.push(hashOf(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, start + k, whole);
      proof.push(hashOf(start + k, end));
    } else {
      sub(m - k, start + k, end, false);
      proof.push(hashOf(start, start + k));
    }
  };
  sub(first, 0, second, true);
  return proof;
}

const odd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/** The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or null when the proof cannot be one for that index and size. */
export function rootFromInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[]): Hash | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== HASH_BYTES || sn === 0) return null;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!(odd(fn) || fn === 0)) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  const computed = rootFromInclusion(leaf, index, size, proof);
  return computed !== null && computed.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show that the tree (first, firstRoot) is a prefix of (second, secondRoot)? */
export function verifyConsistency(first: number, second: number, proof: readonly Hash[], firstRoot: Hash, secondRoot: Hash): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 1 || first > second) return false;
  if (proof.some((p) => p.length !== HASH_BYTES)) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  // A first tree that is one perfect subtree is itself the proof's starting node.
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!(odd(fn) || fn === 0)) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}

/** A perfect subtree completed by an append: 2^level leaves starting at position × 2^level. */
export type CompletedNode = { level: number; position: number; hash: Hash };

/**
 * The right edge of a growing tree: one perfect subtree per set bit of its size, which is all an
 * append needs. Appending returns the perfect subtrees it completes (for storage), the root is
 * the right-to-left fold of the edge.
 */
export class TreeEdge {
  #size: number;
  readonly #edge: { level: number; hash: Hash }[];

  /** `edge`: the perfect subtrees of a tree of `size` leaves, largest first (as `edgeOf` lists them). */
  constructor(size = 0, edge: { level: number; hash: Hash }[] = []) {
    this.#size = size;
    this.#edge = [...edge];
  }

  get size(): number {
    return this.#size;
  }

  append(leaf: Hash): CompletedNode[] {
    const completed: CompletedNode[] = [{ level: 0, position: this.#size, hash: leaf }];
    let node = { level: 0, hash: leaf };
    let position = this.#size;
    while (this.#edge.length > 0 && this.#edge[this.#edge.length - 1]!.level === node.level) {
      const left = this.#edge.pop()!;
      position = half(position);
      node = { level: node.level + 1, hash: nodeHash(left.hash, node.hash) };
      completed.push({ level: node.level, position, hash: node.hash });
    }
    this.#edge.push(node);
    this.#size++;
    return completed;
  }

  root(): Hash {
    if (this.#edge.length === 0) return EMPTY_ROOT;
    let r = this.#edge[this.#edge.length - 1]!.hash;
    for (let i = this.#edge.length - 2; i >= 0; i--) r = nodeHash(this.#edge[i]!.hash, r);
    return r;
  }
}

/** The perfect subtrees (level, position) making up a tree of `size` leaves, largest first. */
export function edgeOf(size: number): { level: number; position: number }[] {
  const out: { level: number; position: number }[] = [];
  let start = 0;
  for (let level = 52; level >= 0; level--) {
    const width = 2 ** level;
    if (size - start >= width) {
      out.push({ level, position: start / width });
      start += width;
    }
  }
  return out;
}
