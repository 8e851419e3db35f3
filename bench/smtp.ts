import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config/config.ts';
import { ALL_RIGHTS } from '../src/core/mailbox.ts';
import { silentLogger } from '../src/observability/log.ts';
import { startSubmission } from '../src/protocols/smtp/submission.ts';
import { loadTlsMaterial } from '../src/protocols/smtp/tls-material.ts';
import { openRuntime } from '../src/runtime/open-runtime.ts';
import { addDomain, addMailbox, addUser } from '../src/services/accounts.ts';
import { createAppPassword } from '../src/services/identity/app-passwords.ts';
import { freshPostgresDatabase } from '../test/support/engines.ts';

/**
 * Durable messages per second through SMTP submission: 20 KB messages to 3 local recipients
 * over 32 connections (STARTTLS, AUTH with an application password, then message after
 * message), each 250 said only after the deposit committed. The client is Python's smtplib in
 * 32 threads, so the figure is Missive's, not a Node client sharing its event loop.
 * SQLite always; PostgreSQL when MISSIVE_BENCH_PG_URL (or MISSIVE_TEST_PG_URL) names a server.
 */
const CLIENT = String.raw`
import json, smtplib, ssl, sys, threading, time
a = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=a["ca"])
lock = threading.Lock()
left = [a["count"]]
errors = []
def worker():
    s = smtplib.SMTP("127.0.0.1", a["port"], timeout=60)
    s.starttls(context=ctx)
    s.login(a["user"], a["password"])
    while True:
        with lock:
            if left[0] == 0:
                break
            left[0] -= 1
        try:
            s.sendmail(a["sender"], a["rcpt"], a["message"])
        except Exception as e:
            errors.append(str(e))
    s.quit()
threads = [threading.Thread(target=worker) for _ in range(a["connections"])]
start = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"seconds": time.perf_counter() - start, "errors": errors[:5], "errorCount": len(errors)}))
`;

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { count: { type: 'string', default: '5000' }, connections: { type: 'string', default: '32' } } });
  const count = Number(values.count);
  const connections = Number(values.connections);
  console.log(`smtp: ${count} messages of ~20 KB to 3 local recipients over ${connections} connections (STARTTLS + AUTH), Python smtplib as the client`);
  const results: Record<string, number> = {};
  results.sqlite = await benchOne('sqlite', count, connections);
  const pgBase = process.env.MISSIVE_BENCH_PG_URL ?? process.env.MISSIVE_TEST_PG_URL;
  if (pgBase) results.postgres = await benchOne('postgres', count, connections);
  else console.log('postgres: skipped (set MISSIVE_BENCH_PG_URL=postgres://… to include it)');
  console.log(JSON.stringify({ bench: 'smtp', count, connections, messagesPerSecond: results }));
}

async function benchOne(engine: 'sqlite' | 'postgres', count: number, connections: number): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-bench-smtp-'));
  const env: Record<string, string> = { MISSIVE_DATA_DIR: dataDir, MISSIVE_DATABASE_URL: '' };
  let drop = async () => {};
  if (engine === 'postgres') {
    process.env.MISSIVE_TEST_PG_URL ??= process.env.MISSIVE_BENCH_PG_URL;
    const database = await freshPostgresDatabase();
    env.MISSIVE_DATABASE_URL = database.url;
    drop = database.drop;
  }
  const config = loadConfig({ env, file: null });
  const runtime = await openRuntime(config, { log: silentLogger });
  const { ctx } = runtime;
  try {
    await addDomain(ctx, 'bench.mssante.test');
    for (const id of ['sender', 'r1', 'r2', 'r3']) {
      await addUser(ctx, { id, displayName: id });
      await addMailbox(ctx, { address: `${id}@bench.mssante.test`, kind: 'PER', displayName: id, members: [{ userId: id, rights: ALL_RIGHTS }] });
    }
    const { secret } = await createAppPassword(ctx, 'sender', 'bench');
    const tls = await loadTlsMaterial(config);
    const smtp = await startSubmission(ctx, { host: '127.0.0.1', port: 0, securePort: -1, domain: 'bench.mssante.test', tls, allowTls13: false });
    try {
      const rcpt = ['r1@bench.mssante.test', 'r2@bench.mssante.test', 'r3@bench.mssante.test'];
      const attachment = randomBytes(13_500).toString('base64').replace(/.{76}/g, '$&\r\n');
      const message = [
        'From: sender@bench.mssante.test',
        `To: ${rcpt.join(', ')}`,
        'Subject: Compte rendu',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Bonjour, veuillez trouver ci-joint le compte rendu.',
        '--b',
        'Content-Type: application/pdf; name="cr.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        attachment,
        '--b--',
        '',
      ].join('\r\n');
      const clientArgs = { ca: tls.certFile, port: smtp.port, user: 'sender', password: secret, sender: 'sender@bench.mssante.test', rcpt, message, count, connections };
      const { stdout } = await promisify(execFile)('python3', ['-c', CLIENT, JSON.stringify(clientArgs)], { maxBuffer: 1 << 20 });
      const out = JSON.parse(stdout) as { seconds: number; errors: string[]; errorCount: number };
      const rate = count / out.seconds;
      console.log(`${engine}: ${count} messages accepted (250 after commit) in ${out.seconds.toFixed(2)} s = ${rate.toFixed(0)} messages/s${out.errorCount ? `; ${out.errorCount} refused: ${out.errors.join(' | ')}` : ''}`);
      return Math.round(rate);
    } finally {
      await smtp.close();
    }
  } finally {
    await runtime.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
