import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { freshRuntime } from '../support/engines.ts';
import { DOMAIN, eventually, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

/** The messages a copy of the database file alone holds: what checkpoints have moved out of the WAL. */
function messagesInMainFile(file: string): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-checkpoint-'));
  try {
    copyFileSync(file, path.join(dir, 'copy.sqlite'));
    const copy = new DatabaseSync(path.join(dir, 'copy.sqlite'), { readOnly: true });
    try {
      return Number((copy.prepare('select count(*) as n from message').get() as { n: number }).n);
    } finally {
      copy.close();
    }
  } catch {
    return -1; // caught mid-write: look again
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('SQLite: the write-ahead log is copied into the database file in the background, long before the writer would checkpoint itself', async () => {
  const rt = await freshRuntime('sqlite');
  try {
    await seedSmallOperator(rt.ctx);
    for (let i = 0; i < 20; i++) await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`sbernard@${DOMAIN}`], subject: `Dossier ${i}` }));
    const file = path.join(rt.dataDir, 'missive.sqlite');
    // A few megabytes of WAL at most: far below the writer's own threshold (64 MB).
    await eventually('the deposits reach the database file', () => messagesInMainFile(file) === 20, 10_000);
    assert.equal(messagesInMainFile(file), 20);
  } finally {
    await rt.close();
  }
});
