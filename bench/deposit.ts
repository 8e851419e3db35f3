import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config/config.ts';
import { silentLogger } from '../src/observability/log.ts';
import { openRuntime } from '../src/runtime/open-runtime.ts';
import { addDomain, addMailbox, addUser } from '../src/services/accounts.ts';
import { ALL_RIGHTS } from '../src/core/mailbox.ts';
import { deposit } from '../src/services/deposit/deposit.ts';
import { keepProofLog } from '../src/services/proofs/proof-log-keeper.ts';
import { freshPostgresDatabase } from '../test/support/engines.ts';

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
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-bench-'));
  const env: Record<string, string> = { MISSIVE_DATA_DIR: dataDir, ...overrides };
  let drop = async () => {};
  if (engine === 'postgres') {
    process.env.MISSIVE_TEST_PG_URL ??= process.env.MISSIVE_BENCH_PG_URL;
    const database = await freshPostgresDatabase();
    env.MISSIVE_DATABASE_URL = database.url;
    drop = database.drop;
  }
  const runtime = await openRuntime(loadConfig({ env, file: null }), { log: silentLogger });
  const ctx = runtime.ctx;
  try {
    await addDomain(ctx, 'bench.mssante.test');
    const people = ['sender', 'r1', 'r2', 'r3'];
    for (const id of people) {
      await addUser(ctx, { id, displayName: id });
      await addMailbox(ctx, { address: `${id}@bench.mssante.test`, kind: 'PER', displayName: id, members: [{ userId: id, rights: ALL_RIGHTS }] });
    }
    const message = benchMessage();
    const to = ['r1@bench.mssante.test', 'r2@bench.mssante.test', 'r3@bench.mssante.test'];
    const one = () => deposit(ctx, { principal: { kind: 'user', userId: 'sender' }, channel: 'api', envelope: { from: 'sender@bench.mssante.test', to }, source: [message] });
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
    await runtime.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function benchMessage(): Buffer {
  const attachment = randomBytes(13_500).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: Sender <sender@bench.mssante.test>',
      'To: r1@bench.mssante.test, r2@bench.mssante.test, r3@bench.mssante.test',
      'Subject: XDM/1.0/DDM+Compte rendu MARTIN Eloise 01/02/1970',
      'Message-ID: <bench@bench.mssante.test>',
      'Date: Sun, 22 Nov 2026 09:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Bonjour, veuillez trouver ci-joint le compte rendu.',
      '--b',
      'Content-Type: application/pdf; name="cr.pdf"',
      'Content-Disposition: attachment; filename="cr.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      attachment,
      '--b--',
      '',
    ].join('\r\n'),
  );
}
