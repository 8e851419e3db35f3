import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { ALL_RIGHTS } from '../src/core/mailbox.ts';
import { silentLogger } from '../src/observability/log.ts';
import { openRuntime, type Runtime } from '../src/runtime/open-runtime.ts';
import { addDomain, addMailbox, addUser } from '../src/services/accounts.ts';
import { freshPostgresDatabase } from '../test/support/engines.ts';

export const SENDER = 'sender@bench.mssante.test';
export const RECIPIENTS = ['r1@bench.mssante.test', 'r2@bench.mssante.test', 'r3@bench.mssante.test'];

/**
 * The instance the throughput benches share: fresh storage on one engine (SQLite, or a new
 * PostgreSQL database), a sender and three recipients with personal mailboxes. `close` removes it all.
 */
export async function senderAndThree(engine: 'sqlite' | 'postgres', overrides: Record<string, string> = {}): Promise<{ runtime: Runtime; close(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-bench-'));
  const env: Record<string, string> = { MISSIVE_DATA_DIR: dataDir, MISSIVE_DATABASE_URL: '', ...overrides };
  let drop = async () => {};
  if (engine === 'postgres') {
    process.env.MISSIVE_TEST_PG_URL ??= process.env.MISSIVE_BENCH_PG_URL;
    const database = await freshPostgresDatabase();
    env.MISSIVE_DATABASE_URL = database.url;
    drop = database.drop;
  }
  const runtime = await openRuntime(loadConfig({ env, file: null }), { log: silentLogger });
  const close = async () => {
    await runtime.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await addDomain(runtime.ctx, 'bench.mssante.test');
    for (const id of ['sender', 'r1', 'r2', 'r3']) {
      await addUser(runtime.ctx, { id, displayName: id });
      await addMailbox(runtime.ctx, { address: `${id}@bench.mssante.test`, kind: 'PER', displayName: id, members: [{ userId: id, rights: ALL_RIGHTS }] });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { runtime, close };
}

/** A 20 KB message with one attachment, from the sender to the three recipients. */
export function benchMessage(): Buffer {
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
