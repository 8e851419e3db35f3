import path from 'node:path';
import { execFile } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { startSubmission } from '../src/protocols/smtp/submission.ts';
import { loadTlsMaterial } from '../src/protocols/smtp/tls-material.ts';
import { createAppPassword } from '../src/services/identity/app-passwords.ts';
import { benchMessage, RECIPIENTS, SENDER, senderAndThree } from './sender-and-three.ts';

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
  const instance = await senderAndThree(engine);
  const { ctx, config } = instance.runtime;
  try {
    const { secret } = await createAppPassword(ctx, 'sender', 'bench');
    const tls = await loadTlsMaterial(config);
    const smtp = await startSubmission(ctx, { host: '127.0.0.1', port: 0, securePort: -1, domain: 'bench.mssante.test', tls, allowTls13: false });
    try {
      const clientArgs = { ca: path.join(config.dataDir, 'tls', 'ca.crt'), port: smtp.port, user: 'sender', password: secret, sender: SENDER, rcpt: RECIPIENTS, message: benchMessage().toString('latin1'), count, connections };
      const { stdout } = await promisify(execFile)('python3', ['-c', CLIENT, JSON.stringify(clientArgs)], { maxBuffer: 1 << 20 });
      const out = JSON.parse(stdout) as { seconds: number; errors: string[]; errorCount: number };
      const rate = count / out.seconds;
      console.log(`${engine}: ${count} messages accepted (250 after commit) in ${out.seconds.toFixed(2)} s = ${rate.toFixed(0)} messages/s${out.errorCount ? `; ${out.errorCount} refused: ${out.errors.join(' | ')}` : ''}`);
      return Math.round(rate);
    } finally {
      await smtp.close();
    }
  } finally {
    await instance.close();
  }
}
