import { parseArgs } from 'node:util';
import { deposit } from '../src/services/deposit/deposit.ts';
import { keepProofLog } from '../src/services/proofs/proof-log-keeper.ts';
import { benchMessage, RECIPIENTS, SENDER, senderAndThree } from './sender-and-three.ts';

/**
 * Durable deposits per second: 20 KB messages with one attachment and 3 local recipients, at
 * concurrency 32, through the real service (parse, encrypt, fsync'd blob, group-committed SQL).
 * SQLite always; PostgreSQL when MISSIVE_BENCH_PG_URL (or MISSIVE_TEST_PG_URL) names a server.
 */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { count: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '32' }, 'inline-bytes': { type: 'string' } },
  });
  const count = Number(values.count);
  const concurrency = Number(values.concurrency);
  // --inline-bytes 0 sends every message to the blob store, as large messages always go.
  const overrides: Record<string, string> = values['inline-bytes'] === undefined ? {} : { MISSIVE_INLINE_CONTENT_BYTES: values['inline-bytes'] };
  const pgBase = process.env.MISSIVE_BENCH_PG_URL ?? process.env.MISSIVE_TEST_PG_URL;
  console.log(`deposit: ${count} messages of ~20 KB (1 attachment, 3 local recipients), concurrency ${concurrency}`);
  const results: Record<string, number> = {};
  results.sqlite = await benchOne('sqlite', count, concurrency, overrides);
  if (pgBase) results.postgres = await benchOne('postgres', count, concurrency, overrides);
  else console.log('postgres: skipped (set MISSIVE_BENCH_PG_URL=postgres://… to include it)');
  console.log(JSON.stringify({ bench: 'deposit', count, concurrency, depositsPerSecond: results }));
}

/** Deposits per second on a fresh instance; with `proofLog`, the server's proof-log sequencer runs meanwhile, as in production. */
export async function benchOne(engine: 'sqlite' | 'postgres', count: number, concurrency: number, overrides: Record<string, string>, options: { proofLog?: boolean; quiet?: boolean } = {}): Promise<number> {
  const instance = await senderAndThree(engine, overrides);
  const ctx = instance.runtime.ctx;
  try {
    const message = benchMessage();
    const to = RECIPIENTS;
    const one = () => deposit(ctx, { principal: { kind: 'user', userId: 'sender' }, channel: 'api', envelope: { from: SENDER, to }, source: [message] });
    for (let i = 0; i < 50; i++) await one(); // warm-up: JIT, statement caches
    const proofLog = options.proofLog ? keepProofLog(ctx) : null;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < count) await one();
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await proofLog?.stop();
    const rate = count / seconds;
    if (!options.quiet) console.log(`${engine}: ${count} durable deposits in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} deposits/s (${message.length} bytes each)`);
    return Math.round(rate);
  } finally {
    await instance.close();
  }
}
