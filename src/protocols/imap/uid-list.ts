/**
 * The UIDs of a selected folder in ascending order, as runs of consecutive numbers: a folder of
 * 10,000 messages filed one after the other is one run, so an idle session holds a few numbers
 * instead of an array of them. Sequence number n is the n-th UID.
 */
export class UidList {
  #starts: number[] = [];
  #lengths: number[] = [];
  /** Sequence numbers before each run, rebuilt when the runs change. */
  #before: number[] = [];
  #count = 0;

  constructor(uids: Iterable<number> = []) {
    this.append(uids);
  }

  /** From ascending, non-overlapping runs `[first, last]` (as the database gives them). */
  static fromRuns(runs: readonly (readonly [number, number])[]): UidList {
    const list = new UidList();
    for (const [first, last] of runs) {
      list.#starts.push(first);
      list.#lengths.push(last - first + 1);
      list.#count += last - first + 1;
    }
    list.#reindex();
    return list;
  }

  get length(): number {
    return this.#count;
  }

  last(): number {
    const runs = this.#starts.length;
    return runs === 0 ? 0 : this.#starts[runs - 1]! + this.#lengths[runs - 1]! - 1;
  }

  /** The UID at sequence number `seq` (1-based), or undefined. */
  uidAt(seq: number): number | undefined {
    if (seq < 1 || seq > this.#count) return undefined;
    const run = this.#runOfSeq(seq);
    return this.#starts[run]! + (seq - 1 - this.#before[run]!);
  }

  /** The sequence number of `uid`, or 0 when it is not in the list. */
  seqOf(uid: number): number {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const start = this.#starts[middle]!;
      if (uid < start) high = middle - 1;
      else if (uid >= start + this.#lengths[middle]!) low = middle + 1;
      else return this.#before[middle]! + (uid - start) + 1;
    }
    return 0;
  }

  has(uid: number): boolean {
    return this.seqOf(uid) > 0;
  }

  /** Every UID, ascending (made for the command that needs them, not kept). */
  all(): number[] {
    const out: number[] = [];
    this.#starts.forEach((start, run) => {
      for (let i = 0; i < this.#lengths[run]!; i++) out.push(start + i);
    });
    return out;
  }

  /** Adds UIDs greater than the last one. */
  append(uids: Iterable<number>): void {
    for (const uid of uids) {
      const runs = this.#starts.length;
      if (runs > 0 && uid === this.last() + 1) this.#lengths[runs - 1]!++;
      else {
        this.#starts.push(uid);
        this.#lengths.push(1);
      }
      this.#count++;
    }
    this.#reindex();
  }

  /** Removes UIDs; returns the sequence numbers they had, highest first (the order EXPUNGE reports them in). */
  remove(uids: Iterable<number>): number[] {
    const gone = [...new Set(uids)].filter((uid) => this.has(uid)).sort((a, b) => b - a);
    const seqs = gone.map((uid) => this.seqOf(uid));
    if (gone.length === 0) return [];
    const removed = new Set(gone);
    const kept = this.all().filter((uid) => !removed.has(uid));
    this.#starts = [];
    this.#lengths = [];
    this.#count = 0;
    this.append(kept);
    return seqs;
  }

  #runOfSeq(seq: number): number {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.#before[middle]! < seq) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  #reindex(): void {
    let before = 0;
    this.#before = this.#lengths.map((length) => {
      const here = before;
      before += length;
      return here;
    });
  }
}
