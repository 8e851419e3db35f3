import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freshPostgresDatabase } from '../test/support/engines.ts';
import { bundleSize, type BundleSize } from './web/bundle.ts';
import { load, type LoadResult } from './web/load.ts';
import { BENCH_DOMAIN, seed, type Seeded } from './web/seed.ts';
import { startServer, type Server } from './web/server.ts';
import { logInAll } from './web/sessions.ts';

/**
 * The web client's two everyday gestures under load, through the real server: listing a page of
 * a shared inbox of 10,000 messages and opening a message, by 20 members at once, each with a
 * session of their own; and the gzip size of the client bundle. SQLite always; PostgreSQL too
 * when MISSIVE_BENCH_PG_URL (or MISSIVE_TEST_PG_URL) names a server. Targets are printed, never
 * enforced by the exit code: timings depend on the machine.
 */
const TARGET_LIST_P99_MS = 50;
const TARGET_BUNDLE_KB = 300;
const PAGE = 50;

type EngineResult = { engine: string; seconds: number; lines: LoadResult[] };

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { messages: { type: 'string', default: '10000' }, duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '20' } },
  });
  const messages = positive('--messages', values.messages);
  const duration = positive('--duration', values.duration);
  const connections = positive('--connections', values.connections);
  const pgBase = process.env.MISSIVE_BENCH_PG_URL ?? process.env.MISSIVE_TEST_PG_URL;
  const started = performance.now();
  console.log(`web: a shared inbox of ${messages} messages; ${connections} members, each logged in with a session of their own on its own connection, ${duration} s per measure`);

  const results: EngineResult[] = [await benchEngine('sqlite', { messages, duration, connections })];
  if (pgBase) {
    // freshPostgresDatabase creates its database next to this one.
    process.env.MISSIVE_TEST_PG_URL = pgBase;
    results.push(await benchEngine('postgres', { messages, duration, connections }));
  } else {
    console.log('postgres: skipped (set MISSIVE_BENCH_PG_URL=postgres://… to include it)');
  }
  const bundle = bundleSize();
  printBundle(bundle);
  printSummary(results, bundle, { messages, duration, connections, seconds: (performance.now() - started) / 1000 });
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

// What must go even if the benchmark is interrupted: the server, the temporary data, the database.
const cleanups = new Set<() => Promise<void>>();
let children: Server[] = [];
let directories: string[] = [];
process.once('SIGINT', () => void interrupted('SIGINT'));
process.once('SIGTERM', () => void interrupted('SIGTERM'));
// Last resort on any exit: synchronous, so no database drop, but no server or files left behind.
process.once('exit', () => {
  for (const server of children) server.child.kill('SIGKILL');
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

async function interrupted(signal: string): Promise<void> {
  console.error(`web: ${signal}, cleaning up`);
  await Promise.allSettled([...cleanups].map((cleanup) => cleanup()));
  process.exit(130);
}

async function benchEngine(engine: 'sqlite' | 'postgres', options: { messages: number; duration: number; connections: number }): Promise<EngineResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-bench-web-'));
  directories.push(dataDir);
  const settings: Record<string, string> = { MISSIVE_DATA_DIR: dataDir, MISSIVE_DOMAIN: BENCH_DOMAIN };
  let server: Server | undefined;
  let drop = async () => {};
  const cleanup = async () => {
    cleanups.delete(cleanup);
    await server?.stop();
    children = children.filter((child) => child !== server);
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
    directories = directories.filter((directory) => directory !== dataDir);
  };
  cleanups.add(cleanup);
  try {
    if (engine === 'postgres') {
      const database = await freshPostgresDatabase();
      settings.MISSIVE_DATABASE_URL = database.url;
      drop = database.drop;
    }
    const seeded = await seed(settings, { members: options.connections, messages: options.messages, concurrency: 32 });
    console.log(`${engine}: seeded ${seeded.messageIds.length} messages into ${seeded.sharedAddress} in ${seeded.seconds.toFixed(1)} s (${(seeded.messageIds.length / seeded.seconds).toFixed(0)} deposits/s)`);

    server = await startServer(
      {
        ...settings,
        MISSIVE_MODE: 'development',
        MISSIVE_HTTP_HOST: '127.0.0.1',
        MISSIVE_HTTP_PORT: '0',
        // The web bench needs no mail listener.
        MISSIVE_SMTP_SUBMISSION_PORT: '-1',
        MISSIVE_SMTPS_PORT: '-1',
        MISSIVE_SMTP_EXCHANGE_PORT: '-1',
        MISSIVE_IMAP_PORT: '-1',
        MISSIVE_IMAPS_PORT: '-1',
        MISSIVE_DEMO_SEED: 'false',
        MISSIVE_DEV_OUTBOX: 'true',
        // The per-session limiter (600/min by default) would be what is measured.
        MISSIVE_HTTP_RATE_LIMIT_PER_MINUTE: '1000000',
        MISSIVE_LOG_LEVEL: 'warn',
      },
      dataDir,
    );
    children.push(server);
    const cookies = await logInAll(server.url, seeded.members);
    console.log(`${engine}: server at ${server.url}, ${cookies.length} members logged in`);
    await checkAnswers(server.url, cookies[0]!, seeded);

    const list = `/api/v1/mailboxes/${seeded.sharedMailboxId}/folders/INBOX/messages?limit=${PAGE}`;
    const middle = seeded.uids[Math.floor(seeded.uids.length / 2)]!;
    const ids = seeded.messageIds;
    const scenarios = [
      { name: 'list, first page', path: () => list },
      { name: `list, deep page (before=${middle})`, path: () => `${list}&before=${middle}` },
      { name: 'open a message (body)', path: () => `/api/v1/messages/${ids[Math.floor(Math.random() * ids.length)]}/body?mailbox=${seeded.sharedMailboxId}` },
    ];
    const lines: LoadResult[] = [];
    for (const scenario of scenarios) {
      const result = await load(server.url, cookies, { name: scenario.name, connections: options.connections, duration: options.duration, path: scenario.path, serverPid: server.child.pid });
      printLine(engine, result, options.connections);
      lines.push(result);
    }
    // autocannon hangs up with requests still being served; let them end before the server
    // stops, or they fail on the closed store and print errors that are not the benchmark's.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { engine, seconds: seeded.seconds, lines };
  } finally {
    await cleanup();
  }
}

/** Numbers about wrong answers measure nothing: one request of each kind first, checked. */
async function checkAnswers(url: string, cookie: string, seeded: Seeded): Promise<void> {
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`, { headers: { cookie } });
    if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const base = `/api/v1/mailboxes/${seeded.sharedMailboxId}/folders/INBOX/messages?limit=${PAGE}`;
  const first = (await get(base)).entries as { uid: number }[];
  const expected = Math.min(PAGE, seeded.uids.length);
  if (first.length !== expected || first[0]!.uid !== seeded.uids.at(-1)) throw new Error(`the first page lists ${first.length} entries from uid ${first[0]?.uid}, expected ${expected} from ${seeded.uids.at(-1)}`);
  const middle = seeded.uids[Math.floor(seeded.uids.length / 2)]!;
  const deep = (await get(`${base}&before=${middle}`)).entries as { uid: number }[];
  if (deep.length !== Math.min(PAGE, Math.floor(seeded.uids.length / 2)) || deep[0]!.uid >= middle) throw new Error(`the deep page lists ${deep.length} entries from uid ${deep[0]?.uid}`);
  const body = await get(`/api/v1/messages/${seeded.messageIds[0]}/body?mailbox=${seeded.sharedMailboxId}`);
  if (typeof body.text !== 'string' || body.text.length < 1000) throw new Error('the opened message has no text');
}

function ms(value: number): string {
  return Number.isNaN(value) ? '—' : value.toFixed(1);
}

function printLine(engine: string, result: LoadResult, connections: number): void {
  console.log(
    `${engine}: ${result.name.padEnd(34)} p50 ${ms(result.p50).padStart(6)} ms  p90 ${ms(result.p90).padStart(6)} ms  p99 ${ms(result.p99).padStart(6)} ms  max ${ms(result.max).padStart(7)} ms  ${result.requestsPerSecond.toFixed(0).padStart(5)} req/s  (${result.requests} requests, errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`,
  );
  const percent = (value: number | null) => (value === null ? '?' : `${Math.round(value * 100)} %`);
  const { cpu } = result;
  console.log(
    `${' '.repeat(engine.length)}  CPU: server main thread ${percent(cpu.serverMainThread)}, server ${percent(cpu.server)}, load generator ${percent(cpu.loadGenerator)}; load average ${cpu.loadAverage.toFixed(1)} on ${cpu.cpus} CPUs`,
  );
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    console.log(`!!!!!!!! WARNING ${engine} / ${result.name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers (status codes ${JSON.stringify(result.statusCodes)}): these figures are not valid !!!!!!!!`);
  }
  if (result.sessions.used !== connections) {
    console.log(`!!!!!!!! WARNING ${engine} / ${result.name}: answers went to ${result.sessions.used} sessions, not ${connections} !!!!!!!!`);
  }
}

function printBundle(bundle: BundleSize): void {
  for (const file of bundle.files) console.log(`bundle: ${file.name.padEnd(28)} ${(file.bytes / 1024).toFixed(1).padStart(7)} KB, gzip -9 ${(file.gzip / 1024).toFixed(1).padStart(6)} KB`);
}

function printSummary(results: EngineResult[], bundle: BundleSize, run: { messages: number; duration: number; connections: number; seconds: number }): void {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const bundleKb = bundle.gzip / 1024;
  console.log('');
  console.log(`=== web: ${run.messages} messages in the shared inbox, ${run.connections} sessions at once, ${run.duration} s per line ===`);
  for (const { engine, lines } of results) {
    for (const line of lines) {
      const target = line.name.startsWith('list') ? `  target p99 ≤ ${TARGET_LIST_P99_MS} ms: ${verdict(line.p99 <= TARGET_LIST_P99_MS)}` : '';
      const invalid = line.errors + line.timeouts + line.non2xx > 0 ? '  (INVALID: errors)' : '';
      console.log(`${engine.padEnd(9)} ${line.name.padEnd(34)} p50 ${ms(line.p50).padStart(6)}  p90 ${ms(line.p90).padStart(6)}  p99 ${ms(line.p99).padStart(6)} ms  ${line.requestsPerSecond.toFixed(0).padStart(5)} req/s${target}${invalid}`);
    }
  }
  console.log(`bundle    ${bundle.files.length} files (.js, .css), gzip -9 ${bundleKb.toFixed(1)} KB  target ≤ ${TARGET_BUNDLE_KB} KB: ${verdict(bundleKb <= TARGET_BUNDLE_KB)}`);
  console.log(`(whole run ${run.seconds.toFixed(0)} s; targets are printed, not enforced)`);
  const round = (value: number) => Math.round(value * 10) / 10;
  console.log(
    JSON.stringify({
      bench: 'web',
      messages: run.messages,
      connections: run.connections,
      duration: run.duration,
      results: Object.fromEntries(
        results.map(({ engine, lines }) => [
          engine,
          lines.map((line) => ({ name: line.name, p50: round(line.p50), p90: round(line.p90), p99: round(line.p99), rps: Math.round(line.requestsPerSecond), errors: line.errors + line.timeouts + line.non2xx })),
        ]),
      ),
      bundleGzipKb: round(bundleKb),
    }),
  );
}
