import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { silentLogger } from '../../src/observability/log.ts';
import { openRuntime } from '../../src/runtime/open-runtime.ts';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { engines, freshPostgresDatabase } from '../support/engines.ts';
import { openAs, seedSmallOperator } from '../support/fixtures.ts';
import { startMissive, stopAllMissives } from '../support/processes.ts';

after(stopAllMissives);

/** Four smtplib connections sending until the server goes away; each Message-ID is printed the moment its 250 arrives. */
const CLIENT = String.raw`
import smtplib, ssl, sys, threading
port, ca, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
lock = threading.Lock()
def worker(w):
    try:
        s = smtplib.SMTP("127.0.0.1", port, timeout=30)
        s.starttls(context=ctx)
        s.login(user, password)
        n = 0
        while True:
            n += 1
            mid = "<kill-%d-%d@demo.mssante.test>" % (w, n)
            msg = ("From: emartin@demo.mssante.test\r\nTo: sbernard@demo.mssante.test\r\nSubject: ingest %d %d\r\nMessage-ID: %s\r\n\r\n" % (w, n, mid)) + ("ligne de compte rendu\r\n" * 400)
            s.sendmail("emartin@demo.mssante.test", ["sbernard@demo.mssante.test"], msg.encode())
            with lock:
                print(mid, flush=True)
    except Exception:
        pass
threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
for t in threads: t.start()
for t in threads: t.join()
`;

for (const engine of engines()) {
  test(`SIGKILL during SMTP ingest: every message that got its 250 is there after the restart, whole and readable [${engine}]`, async (t) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-kill-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = { MISSIVE_DATA_DIR: dataDir, MISSIVE_DEMO_SEED: 'false', MISSIVE_LOG_LEVEL: 'error', MISSIVE_HTTP_PORT: '0', MISSIVE_SMTP_SUBMISSION_PORT: '0', MISSIVE_SMTPS_PORT: '-1', MISSIVE_SMTP_EXCHANGE_PORT: '-1', MISSIVE_IMAP_PORT: '-1', MISSIVE_IMAPS_PORT: '-1' };
    if (engine === 'postgres') {
      const database = await freshPostgresDatabase();
      env.MISSIVE_DATABASE_URL = database.url;
      t.after(() => database.drop());
    }
    const config = loadConfig({ env, file: null });
    const setup = await openRuntime(config, { log: silentLogger });
    await seedSmallOperator(setup.ctx);
    const { secret } = await createAppPassword(setup.ctx, 'emartin', 'ingest');
    await setup.close();

    const missive = await startMissive(env);
    const port = Number(/submission 127\.0\.0\.1:(\d+) \(STARTTLS\)/.exec(missive.output.join('\n'))?.[1]);
    assert.ok(port > 0, missive.output.join('\n'));
    const client = spawn('python3', ['-c', CLIENT, String(port), path.join(dataDir, 'tls', 'ca.crt'), 'emartin', secret], { stdio: ['ignore', 'pipe', 'inherit'] });
    const accepted: string[] = [];
    const clientDone = new Promise<void>((resolve) => client.on('close', () => resolve()));
    await new Promise<void>((resolve) => {
      createInterface({ input: client.stdout }).on('line', (line) => {
        accepted.push(line.trim());
        // Killed in full flow: other messages are mid-transfer or mid-commit at this moment.
        if (accepted.length === 150) {
          missive.child.kill('SIGKILL');
          resolve();
        }
      });
      void clientDone.then(() => resolve());
    });
    await missive.exited;
    await clientDone;
    assert.ok(accepted.length >= 150, `the client got ${accepted.length} acceptances before the kill`);

    const after = await openRuntime(config, { log: silentLogger });
    try {
      const stored = await after.ctx.sql.read.selectFrom('message').select(['id', 'message_id_header']).execute();
      const byHeader = new Map(stored.map((row) => [row.message_id_header, row.id]));
      const lost = accepted.filter((id) => !byHeader.has(id));
      assert.deepEqual(lost, [], 'no acknowledged message is lost');
      // Every stored message is whole: filed in the Inbox, its content readable to the last byte.
      for (const id of accepted) {
        const { content } = await openAs(after.ctx, 'sbernard', byHeader.get(id)!, { peek: true });
        assert.match(content.toString(), /ligne de compte rendu\r\n$/);
      }
      const unfiled = await after.ctx.sql.read
        .selectFrom('message as m')
        .leftJoin('mailbox_entry as e', 'e.message_id', 'm.id')
        .select('m.id')
        .where('e.message_id', 'is', null)
        .execute();
      assert.deepEqual(unfiled, [], 'no message without its entries');
      assert.ok(stored.length >= accepted.length && stored.length <= accepted.length + 4, `at most one unanswered commit per connection (${stored.length} stored, ${accepted.length} acknowledged)`);
    } finally {
      await after.close();
    }
  });
}
