import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { leafBytes } from '../src/core/proof/log-entries.ts';
import { leafHash, verifyInclusion } from '../src/core/proof/merkle.ts';
import { silentLogger } from '../src/observability/log.ts';
import { openRuntime } from '../src/runtime/open-runtime.ts';
import { eventOfLeaf, sequenceEvents, storedInclusionProof } from '../src/services/proofs/proof-log.ts';
import { leavesWithEvents } from '../src/store/repositories/proof-log.ts';
import { benchOne } from './deposit.ts';

/**
 * The proof log (SQLite): deposits per second with and without the log's sequencer running
 * (same run, alternated), then a log of 10 million events: how fast events are appended
 * (sequenced into leaves, subtrees and signed heads), and the time and size of inclusion proofs.
 */
const TARGET_SLOWDOWN = 0.1;

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { events: { type: 'string', default: '10000000' }, deposits: { type: 'string', default: '4000' }, rounds: { type: 'string', default: '2' }, proofs: { type: 'string', default: '1000' } },
  });
  const events = Number(values.events);
  const deposits = Number(values.deposits);

  // Alternated rounds, so that the machine's drift touches both sides alike.
  const without: number[] = [];
  const withLog: number[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    without.push(await benchOne('sqlite', deposits, 32, {}, { quiet: true }));
    withLog.push(await benchOne('sqlite', deposits, 32, {}, { proofLog: true, quiet: true }));
  }
  const mean = (list: number[]) => list.reduce((a, b) => a + b, 0) / list.length;
  const slowdown = 1 - mean(withLog) / mean(without);
  console.log(`deposits (20 KB, 3 recipients, 32 concurrent): without the log ${without.join(', ')}/s; with it sequencing meanwhile ${withLog.join(', ')}/s`);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-bench-proofs-'));
  try {
    const env = { MISSIVE_DATA_DIR: dataDir, MISSIVE_DATABASE_URL: '', MISSIVE_LOG_LEVEL: 'error' };
    const config = loadConfig({ env, file: null });
    // The schema first, then the events written straight into the file: seeding, not measuring.
    await (await openRuntime(config, { log: silentLogger })).close();
    let started = performance.now();
    seedEvents(path.join(dataDir, 'missive.sqlite'), events);
    console.log(`seeded ${events} proof events in ${seconds(started)} s`);

    const runtime = await openRuntime(config, { log: silentLogger });
    try {
      started = performance.now();
      const head = await sequenceEvents(runtime.ctx);
      const appendSeconds = (performance.now() - started) / 1000;
      const perSecond = events / appendSeconds;
      console.log(`appended ${head?.treeSize} events to the log in ${appendSeconds.toFixed(1)} s (leaves, subtrees, a signed head per 5,000)`);

      const times: number[] = [];
      let proofHashes = 0;
      let seed = 12345;
      for (let i = 0; i < Number(values.proofs); i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const index = seed % head!.treeSize;
        const t0 = performance.now();
        const proof = await storedInclusionProof(runtime.ctx.sql.read, index, head!.treeSize);
        times.push(performance.now() - t0);
        proofHashes = proof.length;
        if (i < 20) {
          const [leaf] = await leavesWithEvents(runtime.ctx.sql.read, index, 1);
          const hash = leafHash(leafBytes(eventOfLeaf(leaf!)!));
          if (!verifyInclusion(hash, index, head!.treeSize, proof, head!.rootHash)) throw new Error(`inclusion proof of leaf ${index} does not verify`);
        }
      }
      times.sort((a, b) => a - b);
      const at = (share: number) => times[Math.min(times.length - 1, Math.floor(share * times.length))]!;
      console.log('');
      console.log(`=== proofs: ${events} events (SQLite) ===`);
      console.log(`append          ${perSecond.toFixed(0)} events/s`);
      console.log(`inclusion proof p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms; ${proofHashes} hashes = ${proofHashes * 32} bytes (${times.length} random leaves; 20 verified)`);
      console.log(`deposit cost    ${(slowdown * 100).toFixed(1)} % slower with the log sequencing (target ≤ ${TARGET_SLOWDOWN * 100} %: ${slowdown <= TARGET_SLOWDOWN ? 'PASS' : 'MISS'})`);
      console.log(JSON.stringify({ bench: 'proofs', events, appendPerSecond: Math.round(perSecond), inclusion: { p50: at(0.5), p99: at(0.99), hashes: proofHashes }, deposits: { without, with: withLog, slowdown } }));
    } finally {
      await runtime.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

/** Realistic events (a message's submitted, delivered, opened) in one transaction, through SQLite directly. */
function seedEvents(file: string, count: number): void {
  const database = new DatabaseSync(file);
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = NORMAL');
  const insert = database.prepare('insert into proof_event (id, type, message_id, message_id_header, content_digest, actor, recipient, channel, at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const types = ['submitted', 'delivered', 'delivered', 'opened'];
  const salt = randomBytes(4).toString('hex');
  database.exec('begin');
  for (let i = 0; i < count; i++) {
    const message = Math.floor(i / 4);
    const type = types[i % 4]!;
    insert.run(`evt_${salt}${i.toString(36).padStart(12, '0')}`, type, `msg_${message.toString(36).padStart(20, '0')}`, `<${message}@bench.mssante.test>`, `sha256:${message.toString(16).padStart(64, '0')}`, 'user:sender', type === 'submitted' ? null : `r${i % 3}@bench.mssante.test`, 'web', 1_790_000_000_000 + i);
    if (i % 500_000 === 499_999) {
      database.exec('commit');
      database.exec('begin');
    }
  }
  database.exec('commit');
  database.close();
}
