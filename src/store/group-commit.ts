import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

export type Work<T> = (trx: Transaction<Database>) => Promise<T>;

type Pending = {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  attempts: number;
};

/**
 * Group commit: writes that arrive while a commit is under way are gathered into the next
 * transaction, so one fsync acknowledges many of them. Each piece of work runs inside its own
 * savepoint: one that fails is rolled back alone and rejected, the others still commit. Every
 * caller's promise settles only after the COMMIT that holds its writes has returned.
 */
export class GroupCommitter {
  readonly #db: Kysely<Database>;
  readonly #maxBatch: number;
  readonly #queue: Pending[] = [];
  #idleLanes: number;
  #closed = false;

  constructor(db: Kysely<Database>, options: { lanes: number; maxBatch?: number }) {
    this.#db = db;
    this.#idleLanes = options.lanes;
    this.#maxBatch = options.maxBatch ?? 256;
  }

  run<T>(work: Work<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject, attempts: 0 });
      this.#wake();
    });
  }

  /** Waits for queued work to finish, then refuses more. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#queue.length > 0 || this.#busy > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  #busy = 0;

  #wake(): void {
    if (this.#idleLanes === 0 || this.#queue.length === 0) return;
    this.#idleLanes--;
    this.#busy++;
    // Starting after the current turn of the event loop lets every writer whose I/O completed
    // in this turn join the batch. With node:sqlite the commit blocks the loop, so without this
    // wait batches would hold a single item and each deposit would pay its own fsync.
    setImmediate(() => {
      void this.#lane();
    });
  }

  async #lane(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#commitBatch(this.#queue.splice(0, this.#maxBatch));
    } finally {
      this.#idleLanes++;
      this.#busy--;
      this.#wake();
    }
  }

  async #commitBatch(batch: Pending[]): Promise<void> {
    const done: { item: Pending; value: unknown }[] = [];
    // Items already answered (rejected, or queued again): the rest share the batch's fate.
    const answered = new Set<Pending>();
    const answer = (item: Pending, error: unknown) => {
      answered.add(item);
      this.#retryOrReject(item, error);
    };
    let trx;
    try {
      trx = await this.#db.startTransaction().execute();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    try {
      // A lone item needs no savepoint: its failure rolls back the whole transaction anyway.
      const isolate = batch.length > 1;
      for (const item of batch) {
        if (isolate) await sql`savepoint item`.execute(trx);
        try {
          const value = await item.work(trx);
          if (isolate) await sql`release savepoint item`.execute(trx);
          done.push({ item, value });
        } catch (error) {
          if (!isolate) {
            await trx.rollback().execute().catch(() => undefined);
            answer(item, error);
            return;
          }
          try {
            await sql`rollback to savepoint item`.execute(trx);
            await sql`release savepoint item`.execute(trx);
          } catch (lost) {
            // The transaction itself is gone (I/O error, lost connection): this item hears its
            // own error, the rest of the batch the transaction's, below.
            answer(item, error);
            throw lost;
          }
          answer(item, error);
        }
      }
      await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined);
      for (const item of batch) if (!answered.has(item)) item.reject(error);
      return;
    }
    for (const { item, value } of done) item.resolve(value);
  }

  #retryOrReject(item: Pending, error: unknown): void {
    if (isTransient(error) && item.attempts < 5) {
      item.attempts++;
      this.#queue.push(item);
    } else {
      item.reject(error);
    }
  }
}

/** PostgreSQL deadlock or serialization failure: the work is sound, only its timing lost. */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
