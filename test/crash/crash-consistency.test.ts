import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { silentLogger } from '../../src/observability/log.ts';
import { openRuntime } from '../../src/runtime/open-runtime.ts';
import { openMessage } from '../../src/services/open.ts';
import { decryptedContent } from '../../src/services/content.ts';
import { findMessage } from '../../src/store/repositories/messages.ts';
import { engines, freshPostgresDatabase } from '../support/engines.ts';
import { seedSmallOperator } from '../support/fixtures.ts';

const ROUNDS = Number(process.env.MISSIVE_TEST_CRASH_ROUNDS ?? 20);
const CHILD = path.join(import.meta.dirname, 'deposit-child.ts');

for (const engine of engines()) {
  test(`every acknowledged deposit survives SIGKILL, byte-exact, ${ROUNDS} rounds [${engine}]`, { timeout: 300_000 }, async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-crash-'));
    const env: Record<string, string> = { MISSIVE_DATA_DIR: dataDir, MISSIVE_LOG_LEVEL: 'error' };
    const database = engine === 'postgres' ? await freshPostgresDatabase() : null;
    if (database) env.MISSIVE_DATABASE_URL = database.url;
    try {
      const setup = await openRuntime(loadConfig({ env, file: null }), { log: silentLogger });
      await seedSmallOperator(setup.ctx);
      await setup.close();

      const acknowledged = new Map<string, string>();
      for (let round = 0; round < ROUNDS; round++) {
        const acks = await runAndKill(env, round, 50 + Math.floor(Math.random() * 450));
        for (const [id, sha] of acks) acknowledged.set(id, sha);
        await checkStore(env, acknowledged);
      }
      assert.ok(acknowledged.size > ROUNDS, `the child acknowledged only ${acknowledged.size} deposits in ${ROUNDS} rounds`);
    } finally {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

/** Starts the child, lets it deposit for `afterMs` once ready, kills it; returns what it acknowledged. */
async function runAndKill(env: Record<string, string>, round: number, afterMs: number): Promise<Map<string, string>> {
  const child = spawn(process.execPath, [CHILD, String(round)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const acks = new Map<string, string>();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'READY') setTimeout(() => child.kill('SIGKILL'), afterMs);
    const match = /^ACK (\S+) ([0-9a-f]{64})$/.exec(line);
    if (match) acks.set(match[1]!, match[2]!);
  }
  const signal = await exited;
  assert.equal(signal, 'SIGKILL', `round ${round}: the child died on its own: ${stderr.slice(0, 2000)}`);
  return acks;
}

/** After a crash: every acknowledged message reads back byte-exact; no entry points at a missing or unreadable blob. */
async function checkStore(env: Record<string, string>, acknowledged: ReadonlyMap<string, string>): Promise<void> {
  const runtime = await openRuntime(loadConfig({ env, file: null }), { log: silentLogger });
  try {
    const { ctx } = runtime;
    for (const [messageId, sha] of acknowledged) {
      const opened = await openMessage(ctx, { principal: { kind: 'user', userId: 'khaddad' }, messageId, channel: 'api', peek: true });
      assert.equal(await sha256(opened.content), sha, `message ${messageId} does not read back byte-exact`);
    }
    const filed = await ctx.sql.read.selectFrom('mailbox_entry').select('message_id').distinct().execute();
    for (const { message_id } of filed) {
      const message = await findMessage(ctx.sql.read, message_id);
      assert.ok(message, `an entry points at message ${message_id}, which does not exist`);
      await sha256(await decryptedContent(ctx, message)); // throws if missing, truncated or altered
    }
  } finally {
    await runtime.close();
  }
}

async function sha256(stream: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}
