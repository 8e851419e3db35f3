import { execFile, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseArgs, promisify } from 'node:util';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { deposit } from '../../src/services/deposit/deposit.ts';
import { startMissive, stopAllMissives } from '../../test/support/processes.ts';
import { benchMessage, RECIPIENTS, SENDER, senderAndThree } from '../sender-and-three.ts';
import { installPeer } from '../smtp/postfix-dovecot.ts';
import { startDovecot } from './dovecot.ts';
import { quiet, treePss } from './process-tree.ts';

const exec = promisify(execFile);
const CLIENT = fileURLToPath(new URL('./client.py', import.meta.url));
const INOTIFY = '/proc/sys/fs/inotify/max_user_instances';

type Plan = { messages: number; bodies: number; clients: number; seconds: number; idle: number; phases: string[] };
type Figures = { envelopesPerSecond: number; bodiesMegabytesPerSecond: number; sessionsPerSecond: number; idleKilobytesPerConnection: number };
type Target = { port: number; user: string; password: string; pid: () => number; settleMs?: number };

/**
 * IMAP for one mailbox of 10,000 messages of ~20 KB, in the same run for Missive (a server process
 * of its own, SQLite) and Dovecot from Debian (Maildir, as installed and tuned), all on loopback
 * with plain LOGIN, one Python client for all: envelopes per second (UID FETCH 1:* FLAGS
 * ENVELOPE RFC822.SIZE, warm), bodies MB/s (UID FETCH 1:* BODY.PEEK[], the whole mailbox in one command, warm, best of three), sessions per second
 * (20 clients: login, select, fetch the last 50 envelopes, logout) and the proportional set size
 * per idle connection (the growth from 1,000 to 2,000 connections in IDLE). Each phase starts once
 * the server is idle (see `quiet`).
 */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { messages: { type: 'string', default: '10000' }, bodies: { type: 'string', default: 'all' }, clients: { type: 'string', default: '20' }, seconds: { type: 'string', default: '10' }, idle: { type: 'string', default: '2000' }, 'missive-only': { type: 'boolean', default: false }, phases: { type: 'string', default: 'envelopes,bodies,sessions,idle' } },
  });
  const plan: Plan = { messages: Number(values.messages), bodies: values.bodies === 'all' ? Number(values.messages) : Math.min(Number(values.bodies), Number(values.messages)), clients: Number(values.clients), seconds: Number(values.seconds), idle: Number(values.idle), phases: values.phases.split(',') };
  console.log(`imap: one mailbox of ${plan.messages} messages of ~20 KB; ${plan.bodies} bodies; ${plan.clients} clients for ${plan.seconds} s; ${plan.idle} idle connections`);
  const messages = Array.from({ length: plan.messages }, (_, index) => numbered(index));
  if (!values['missive-only']) await installPeer();
  const results: Record<string, Figures> = {};
  results.missive = await benchMissive(plan, messages);
  // For quick reruns while tuning; the figures that count are the ratios of a full run.
  if (values['missive-only']) return;
  const inotify = readFileSync(INOTIFY, 'utf8').trim();
  for (const tuned of [false, true]) {
    // Hibernation watches each idle session's mailbox with inotify.
    if (tuned) writeFileSync(INOTIFY, '8192');
    const dovecot = await startDovecot({ user: 'r1', password: 'bench-password', messages, tuned });
    try {
      results[tuned ? 'dovecotTuned' : 'dovecot'] = await measure(tuned ? 'dovecot tuned' : 'dovecot as installed', plan, { port: dovecot.port, user: 'r1', password: 'bench-password', pid: dovecot.masterPid, settleMs: tuned ? 8_000 : 1_000 });
    } finally {
      await dovecot.stop();
      if (tuned) writeFileSync(INOTIFY, inotify);
    }
  }
  const best = (key: keyof Figures) => Math.max(results.dovecot![key], results.dovecotTuned![key]);
  const ratio = (key: keyof Figures) => results.missive![key] / best(key);
  console.log(
    `Missive / better Dovecot: envelopes ${ratio('envelopesPerSecond').toFixed(2)}×, bodies ${ratio('bodiesMegabytesPerSecond').toFixed(2)}×, sessions ${ratio('sessionsPerSecond').toFixed(2)}× (targets ≥ 1.0×); ` +
      `idle memory ${results.missive!.idleKilobytesPerConnection.toFixed(1)} KB vs ${results.dovecotTuned!.idleKilobytesPerConnection.toFixed(1)} KB hibernated (target: no more)`,
  );
  console.log(JSON.stringify({ bench: 'imap', ...plan, results }));
}

function numbered(index: number): Buffer {
  return Buffer.from(benchMessage().toString('latin1').replace(/^Subject: [^\r]*/m, `Subject: Compte rendu ${index + 1}`).replace(/^Message-ID: [^\r]*/m, `Message-ID: <bench-${index + 1}@bench.mssante.test>`), 'latin1');
}

async function benchMissive(plan: Plan, messages: readonly Buffer[]): Promise<Figures> {
  const instance = await senderAndThree('sqlite');
  const { ctx, config } = instance.runtime;
  const { secret } = await createAppPassword(ctx, 'r1', 'bench');
  // Filled through the one delivery path, 32 at a time.
  for (let i = 0; i < messages.length; i += 32) {
    await Promise.all(messages.slice(i, i + 32).map((message) => deposit(ctx, { principal: { kind: 'user', userId: 'sender' }, channel: 'api', envelope: { from: SENDER, to: [RECIPIENTS[0]!] }, source: [message] })));
  }
  await instance.runtime.close();
  const env = {
    MISSIVE_DATA_DIR: config.dataDir,
    MISSIVE_DOMAIN: 'bench.mssante.test',
    MISSIVE_DEMO_SEED: 'false',
    MISSIVE_LOG_LEVEL: 'warn',
    MISSIVE_HTTP_PORT: '0',
    MISSIVE_SMTP_SUBMISSION_PORT: '-1',
    MISSIVE_SMTPS_PORT: '-1',
    MISSIVE_SMTP_EXCHANGE_PORT: '-1',
    MISSIVE_IMAP_PORT: '0',
    MISSIVE_IMAPS_PORT: '-1',
    MISSIVE_MAIL_CONNECTIONS_PER_ADDRESS: '10000',
  };
  const server = await startMissive(env);
  try {
    const port = Number(/IMAP\s+127\.0\.0\.1:(\d+)/.exec(server.output.join('\n'))?.[1]);
    return await measure('missive', plan, { port, user: 'r1', password: secret, pid: () => server.child.pid! });
  } finally {
    await server.stop();
    stopAllMissives();
    rmSync(config.dataDir, { recursive: true, force: true });
  }
}

async function client(args: Record<string, unknown>): Promise<Record<string, number>> {
  const { stdout } = await exec('python3', [CLIENT, JSON.stringify(args)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

async function measure(name: string, plan: Plan, target: Target): Promise<Figures> {
  const common = { host: '127.0.0.1', port: target.port, user: target.user, password: target.password };
  // Phases left out (`--phases`, to profile one) measure 0.
  const phase = async <T>(name: string, run: () => Promise<T>, none: T): Promise<T> => {
    if (!plan.phases.includes(name)) return none;
    await quiet(target.pid);
    return run();
  };
  const fetched = await phase('envelopes', () => client({ ...common, mode: 'fetchall' }), { envelopesPerSecond: 0, messages: 0 });
  const bodies = await phase('bodies', () => client({ ...common, mode: 'bodies', count: plan.bodies }), { megabytesPerSecond: 0 });
  const sessions = await phase('sessions', () => client({ ...common, mode: 'sessions', clients: plan.clients, seconds: plan.seconds, messages: plan.messages }), { sessionsPerSecond: 0, errors: 0 });
  const idle = await phase('idle', () => idleMemory(plan, target, common), 0);
  const figures = { envelopesPerSecond: fetched.envelopesPerSecond!, bodiesMegabytesPerSecond: bodies.megabytesPerSecond!, sessionsPerSecond: sessions.sessionsPerSecond!, idleKilobytesPerConnection: idle };
  console.log(
    `${name}: ${figures.envelopesPerSecond} envelopes/s (${fetched.messages} messages), ${figures.bodiesMegabytesPerSecond} MB/s of bodies, ${figures.sessionsPerSecond} sessions/s${sessions.errors ? ` (${sessions.errors} errors)` : ''}, ${idle.toFixed(1)} KB per idle connection (PSS)`,
  );
  return figures;
}

/**
 * What one more idle connection costs a warm server: the proportional set size of the server's
 * processes with half of `plan.idle` connections in IDLE, then with all of them; the growth over
 * the second half, per connection. The first half absorbs what any server grows by once under
 * load (heaps, caches, pools), which is not a cost per connection.
 */
async function idleMemory(plan: Plan, target: Target, common: Record<string, unknown>): Promise<number> {
  const child = spawn('python3', [CLIENT, JSON.stringify({ ...common, mode: 'idle', connections: plan.idle, waves: 2 })], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const wave = async (): Promise<{ ready: number; pss: number }> => {
    const line = await lines.next();
    const ready = JSON.parse(line.value as string) as { ready: number; errors: number };
    if (ready.errors > 0) console.log(`  ${ready.errors} idle connections failed`);
    await new Promise((resolve) => setTimeout(resolve, target.settleMs ?? 1_000));
    return { ready: ready.ready, pss: treePss(target.pid()) };
  };
  const half = await wave();
  child.stdin.write('\n');
  const all = await wave();
  child.stdin.end('\n');
  await new Promise((resolve) => child.once('close', resolve));
  return (all.pss - half.pss) / Math.max(all.ready - half.ready, 1);
}
