import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startSubmission } from '../../src/protocols/smtp/submission.ts';
import { loadTlsMaterial } from '../../src/protocols/smtp/tls-material.ts';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { operatorSubject, testCa } from '../../test/support/test-pki.ts';
import { benchMessage, RECIPIENTS, SENDER, senderAndThree } from '../sender-and-three.ts';
import { installPeer, startPostfixDovecot, type PostfixDovecot } from './postfix-dovecot.ts';

const exec = promisify(execFile);
const LOAD = fileURLToPath(new URL('./load.py', import.meta.url));

type Load = { accepted: number; failed: number; failures: string[]; seconds: number; start: number; loadCpuSeconds: number };
type Plan = { count: number; connections: number; perConnection: number; messageFile: string; quiet?: boolean };

/**
 * Durable messages per second over SMTP: 20 KB messages to 3 local recipients, 32 connections
 * each sending 10 messages then reconnecting, STARTTLS on every connection, from one asyncio
 * load generator (bench/smtp/load.py) for every server. Missive: AUTH with an application
 * password, 250 once the deposit is committed (so accepted = delivered). In the same run,
 * Postfix → Dovecot (LMTP, Maildir) from Debian: its accept rate (250 once queued, then held)
 * and its delivered rate (every copy in a Maildir). Missive on SQLite and Postfix's accept rate
 * are measured in alternated rounds, and the ratio is the median of the rounds' ratios: a shared
 * machine's speed drifts by tens of percent from one minute to the next, and each ratio is taken
 * on the machine as both servers found it. Missive on PostgreSQL when MISSIVE_BENCH_PG_URL names
 * a server; `--no-peer` skips Postfix.
 */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      count: { type: 'string', default: '5000' },
      connections: { type: 'string', default: '32' },
      'per-connection': { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      // By default one unmeasured round: a thousand messages left the first round ~10 % slower than the next.
      'warm-up': { type: 'string' },
      'no-peer': { type: 'boolean', default: false },
    },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-bench-smtp-'));
  const plan: Plan = { count: Number(values.count), connections: Number(values.connections), perConnection: Number(values['per-connection']), messageFile: path.join(dir, 'message.eml') };
  const rounds = Math.max(1, Number(values.rounds));
  const warmUp = Number(values['warm-up'] ?? values.count);
  writeFileSync(plan.messageFile, benchMessage());
  console.log(`smtp: ${plan.count} messages of ~20 KB to 3 recipients, ${plan.connections} connections of ${plan.perConnection} messages, STARTTLS (TLS 1.2, MSSanté suites); one asyncio load generator; ${rounds} alternated round(s)`);
  const figures: Record<string, number | number[]> = {};
  const peer = values['no-peer'] ? null : await startPeer();
  try {
    if (warmUp > 0) {
      // A server runs for months: the figures are its steady state, not the first seconds of a
      // process whose code is still being compiled. Both servers take these first, unmeasured.
      console.log(`warm-up (not measured): ${warmUp} messages to each server`);
      const quiet = { ...plan, count: warmUp, quiet: true };
      await benchMissive('sqlite', quiet);
      if (peer) await benchPostfixAccept(peer, quiet);
    }
    const missive: number[] = [];
    const accepted: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1) console.log(`round ${round}:`);
      missive.push(await benchMissive('sqlite', plan));
      if (peer) accepted.push(await benchPostfixAccept(peer, plan));
    }
    figures.missiveSqlite = median(missive);
    if (rounds > 1) figures.missiveSqliteRounds = missive;
    if (process.env.MISSIVE_BENCH_PG_URL ?? process.env.MISSIVE_TEST_PG_URL) figures.missivePostgres = await benchMissive('postgres', plan);
    else console.log('missive postgres: skipped (set MISSIVE_BENCH_PG_URL=postgres://… to include it)');
    if (peer) {
      figures.postfixAccepted = median(accepted);
      if (rounds > 1) figures.postfixAcceptedRounds = accepted;
      Object.assign(figures, await benchPostfixDelivered(peer, plan));
      const ratios = missive.map((rate, index) => rate / accepted[index]!);
      const ratio = median(ratios);
      const pg = typeof figures.missivePostgres === 'number' ? `; PostgreSQL ${(figures.missivePostgres / figures.postfixAccepted).toFixed(2)}×` : '';
      const spread = rounds > 1 ? ` (median of ${rounds} rounds: ${ratios.map((each) => each.toFixed(2)).join(', ')}; Missive ${figures.missiveSqlite} msg/s, Postfix ${figures.postfixAccepted} msg/s)` : '';
      console.log(`Missive (SQLite) / Postfix accept rate: ${ratio.toFixed(2)}×${spread} (target ≥ 1.5×)${pg}`);
      figures.ratioSqliteToPostfixAccept = Math.round(ratio * 100) / 100;
    }
  } finally {
    await peer?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ bench: 'smtp', ...plan, messageFile: undefined, rounds, warmUp, messagesPerSecond: figures }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function load(plan: Plan, target: { port: number; ca: string; user?: string; password?: string }): Promise<Load> {
  const args = { host: '127.0.0.1', port: target.port, n: plan.count, conc: plan.connections, perConn: plan.perConnection, sender: SENDER, rcpts: RECIPIENTS, messageFile: plan.messageFile, ca: target.ca, user: target.user, password: target.password };
  const { stdout } = await exec('python3', [LOAD, JSON.stringify(args)], { maxBuffer: 1 << 20 });
  const out = JSON.parse(stdout) as Load;
  if (out.failed > 0) console.log(`  ${out.failed} refused: ${out.failures.join(' | ')}`);
  return out;
}

async function benchMissive(engine: 'sqlite' | 'postgres', plan: Plan): Promise<number> {
  const instance = await senderAndThree(engine);
  const { ctx, config } = instance.runtime;
  try {
    const { secret } = await createAppPassword(ctx, 'sender', 'bench');
    const tls = await loadTlsMaterial(config);
    const smtp = await startSubmission(ctx, { host: '127.0.0.1', port: 0, securePort: -1, domain: 'bench.mssante.test', tls, allowTls13: false, connectionsPerAddress: 2 * plan.connections });
    try {
      // Every thread of this process (main, SQLite writer, checkpoints, garbage collector): the CPU a message costs.
      const cpu = process.cpuUsage();
      const out = await load(plan, { port: smtp.port!, ca: path.join(config.dataDir, 'tls', 'ca.crt'), user: 'sender', password: secret });
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      const rate = out.accepted / out.seconds;
      if (!plan.quiet) {
        console.log(
          `missive ${engine}: ${out.accepted} messages stored and delivered (250 after commit) in ${out.seconds.toFixed(2)} s = ${rate.toFixed(0)} msg/s ` +
            `(Missive ${cpuSeconds.toFixed(1)} s CPU, ${((cpuSeconds / Math.max(out.accepted, 1)) * 1000).toFixed(2)} ms per message; load generator ${out.loadCpuSeconds.toFixed(1)} s CPU)`,
        );
      }
      return Math.round(rate);
    } finally {
      await smtp.close();
    }
  } finally {
    await instance.close();
  }
}

type Peer = { postfix: PostfixDovecot; ca: string; stop(): Promise<void> };

/** Postfix and Dovecot from Debian, on loopback ports, with a certificate from a throwaway CA. */
async function startPeer(): Promise<Peer> {
  await installPeer();
  const ca = await testCa('Bench');
  const cert = await ca.issue('postfix', operatorSubject('bench.mssante.test'));
  const users = RECIPIENTS.map((address) => address.split('@')[0]!);
  const postfix = await startPostfixDovecot({ domain: 'bench.mssante.test', users, certFile: cert.certFile, keyFile: cert.keyFile });
  return {
    postfix,
    ca: ca.certFile,
    async stop() {
      await postfix.stop();
      rmSync(ca.dir, { recursive: true, force: true });
    },
  };
}

/** Postfix's accept rate: 250 once the queue file is fsynced, the message then held in the queue. */
async function benchPostfixAccept(peer: Peer, plan: Plan): Promise<number> {
  await peer.postfix.reset();
  const accept = await load(plan, { port: peer.postfix.acceptPort, ca: peer.ca });
  const accepted = accept.accepted / accept.seconds;
  if (!plan.quiet) console.log(`postfix accept only: ${accept.accepted} messages queued (fsync, then held) in ${accept.seconds.toFixed(2)} s = ${accepted.toFixed(0)} msg/s (load generator ${accept.loadCpuSeconds.toFixed(1)} s CPU)`);
  return Math.round(accepted);
}

/** Postfix into Dovecot over LMTP: accepted, then every copy in a Maildir. */
async function benchPostfixDelivered(peer: Peer, plan: Plan): Promise<Record<string, number>> {
  await peer.postfix.reset();
  const full = await load(plan, { port: peer.postfix.fullPort, ca: peer.ca });
  const expected = full.accepted * RECIPIENTS.length;
  const deadline = Date.now() + 15 * 60_000;
  while (peer.postfix.deliveredFiles() < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const deliveredSeconds = Date.now() / 1000 - full.start;
  const delivered = full.accepted / deliveredSeconds;
  console.log(`postfix → dovecot: ${full.accepted} accepted at ${(full.accepted / full.seconds).toFixed(0)} msg/s; all ${peer.postfix.deliveredFiles()}/${expected} copies in Maildirs after ${deliveredSeconds.toFixed(2)} s = ${delivered.toFixed(0)} msg/s delivered`);
  return { postfixFullPathAccepted: Math.round(full.accepted / full.seconds), postfixDelivered: Math.round(delivered) };
}
