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
import { installPeer, startPostfixDovecot } from './postfix-dovecot.ts';

const exec = promisify(execFile);
const LOAD = fileURLToPath(new URL('./load.py', import.meta.url));

type Load = { accepted: number; failed: number; failures: string[]; seconds: number; start: number; loadCpuSeconds: number };
type Plan = { count: number; connections: number; perConnection: number; messageFile: string };

/**
 * Durable messages per second over SMTP: 20 KB messages to 3 local recipients, 32 connections
 * each sending 10 messages then reconnecting, STARTTLS on every connection, from one asyncio
 * load generator (bench/smtp/load.py) for every server. Missive: AUTH with an application
 * password, 250 once the deposit is committed (so accepted = delivered). In the same run,
 * Postfix → Dovecot (LMTP, Maildir) from Debian: its accept rate (250 once queued, then held)
 * and its delivered rate (every copy in a Maildir). Missive on SQLite, and on PostgreSQL when
 * MISSIVE_BENCH_PG_URL names a server; `--no-peer` skips Postfix.
 */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { count: { type: 'string', default: '5000' }, connections: { type: 'string', default: '32' }, 'per-connection': { type: 'string', default: '10' }, 'no-peer': { type: 'boolean', default: false } },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-bench-smtp-'));
  const plan: Plan = { count: Number(values.count), connections: Number(values.connections), perConnection: Number(values['per-connection']), messageFile: path.join(dir, 'message.eml') };
  writeFileSync(plan.messageFile, benchMessage());
  console.log(`smtp: ${plan.count} messages of ~20 KB to 3 recipients, ${plan.connections} connections of ${plan.perConnection} messages, STARTTLS (TLS 1.2, MSSanté suites); one asyncio load generator`);
  const figures: Record<string, number> = {};
  try {
    figures.missiveSqlite = await benchMissive('sqlite', plan);
    if (process.env.MISSIVE_BENCH_PG_URL ?? process.env.MISSIVE_TEST_PG_URL) figures.missivePostgres = await benchMissive('postgres', plan);
    else console.log('missive postgres: skipped (set MISSIVE_BENCH_PG_URL=postgres://… to include it)');
    if (!values['no-peer']) Object.assign(figures, await benchPostfix(plan));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (figures.postfixAccepted) {
    const ratio = figures.missiveSqlite! / figures.postfixAccepted;
    console.log(`Missive (SQLite) / Postfix accept rate: ${ratio.toFixed(2)}× (target ≥ 1.5×)${figures.missivePostgres ? `; PostgreSQL ${(figures.missivePostgres / figures.postfixAccepted).toFixed(2)}×` : ''}`);
    figures.ratioSqliteToPostfixAccept = Math.round(ratio * 100) / 100;
  }
  console.log(JSON.stringify({ bench: 'smtp', ...plan, messageFile: undefined, messagesPerSecond: figures }));
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
      console.log(
        `missive ${engine}: ${out.accepted} messages stored and delivered (250 after commit) in ${out.seconds.toFixed(2)} s = ${rate.toFixed(0)} msg/s ` +
          `(Missive ${cpuSeconds.toFixed(1)} s CPU, ${((cpuSeconds / Math.max(out.accepted, 1)) * 1000).toFixed(2)} ms per message; load generator ${out.loadCpuSeconds.toFixed(1)} s CPU)`,
      );
      return Math.round(rate);
    } finally {
      await smtp.close();
    }
  } finally {
    await instance.close();
  }
}

async function benchPostfix(plan: Plan): Promise<Record<string, number>> {
  await installPeer();
  const ca = await testCa('Bench');
  const cert = await ca.issue('postfix', operatorSubject('bench.mssante.test'));
  const users = RECIPIENTS.map((address) => address.split('@')[0]!);
  const peer = await startPostfixDovecot({ domain: 'bench.mssante.test', users, certFile: cert.certFile, keyFile: cert.keyFile });
  try {
    const accept = await load(plan, { port: peer.acceptPort, ca: ca.certFile });
    const accepted = accept.accepted / accept.seconds;
    console.log(`postfix accept only: ${accept.accepted} messages queued (fsync, then held) in ${accept.seconds.toFixed(2)} s = ${accepted.toFixed(0)} msg/s (load generator ${accept.loadCpuSeconds.toFixed(1)} s CPU)`);
    await peer.reset();
    const full = await load(plan, { port: peer.fullPort, ca: ca.certFile });
    const expected = full.accepted * RECIPIENTS.length;
    const deadline = Date.now() + 15 * 60_000;
    while (peer.deliveredFiles() < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const deliveredSeconds = Date.now() / 1000 - full.start;
    const delivered = full.accepted / deliveredSeconds;
    console.log(`postfix → dovecot: ${full.accepted} accepted at ${(full.accepted / full.seconds).toFixed(0)} msg/s; all ${peer.deliveredFiles()}/${expected} copies in Maildirs after ${deliveredSeconds.toFixed(2)} s = ${delivered.toFixed(0)} msg/s delivered`);
    return { postfixAccepted: Math.round(accepted), postfixFullPathAccepted: Math.round(full.accepted / full.seconds), postfixDelivered: Math.round(delivered) };
  } finally {
    await peer.stop();
    rmSync(ca.dir, { recursive: true, force: true });
  }
}
