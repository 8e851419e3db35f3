import type { DepositRows } from '../../store/repositories/messages.ts';
import type { ServiceContext } from '../context.ts';

type Waiting = { rows: DepositRows; resolve: (uids: (number | null)[]) => void; reject: (error: unknown) => void };

const MAX_BATCH = 128;
const batchers = new WeakMap<ServiceContext, DepositBatcher>();

/**
 * Deposits ready in the same turn of the event loop are written together: one transaction, a
 * few multi-row statements, one fsync. If a batch fails, its deposits are retried one by one so
 * that a single bad deposit cannot take the others down with it.
 */
export function commitDeposit(ctx: ServiceContext, rows: DepositRows): Promise<(number | null)[]> {
  let batcher = batchers.get(ctx);
  if (!batcher) {
    batcher = new DepositBatcher(ctx, ctx.sql.engine === 'postgres' ? 4 : 1);
    batchers.set(ctx, batcher);
  }
  return batcher.submit(rows);
}

/** Resolves once every deposit handed to the batcher has been answered (used before closing the store). */
export async function drainDeposits(ctx: ServiceContext): Promise<void> {
  await batchers.get(ctx)?.drained();
}

class DepositBatcher {
  readonly #ctx: ServiceContext;
  readonly #lanes: number;
  readonly #queue: Waiting[] = [];
  #running = 0;
  #scheduled = false;

  constructor(ctx: ServiceContext, lanes: number) {
    this.#ctx = ctx;
    this.#lanes = lanes;
  }

  async drained(): Promise<void> {
    while (this.#queue.length > 0 || this.#running > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  submit(rows: DepositRows): Promise<(number | null)[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ rows, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#running >= this.#lanes || this.#queue.length === 0) return;
    this.#scheduled = true;
    // After this turn: every deposit whose intake completed in it joins the batch.
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#running >= this.#lanes || this.#queue.length === 0) return;
      this.#running++;
      void this.#run(this.#queue.splice(0, MAX_BATCH)).finally(() => {
        this.#running--;
        this.#schedule();
      });
      this.#schedule();
    });
  }

  async #run(batch: Waiting[]): Promise<void> {
    try {
      const uids = await this.#ctx.sql.procedure('fileDeposits', batch.map((waiting) => waiting.rows));
      batch.forEach((waiting, index) => waiting.resolve(uids[index]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const waiting of batch) await this.#run([waiting]);
    }
  }
}
