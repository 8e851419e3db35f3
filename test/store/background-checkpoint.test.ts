import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
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

test('SQLite: the truncating checkpoint after a purge waits out a checkpoint under way instead of leaving old pages in the log', async () => {
  // Large messages kept inline: some 18 MB of log for a checkpoint to copy.
  const rt = await freshRuntime('sqlite', { MISSIVE_INLINE_CONTENT_BYTES: String(4 * 1024 * 1024) });
  const file = path.join(rt.dataDir, 'missive.sqlite');
  const copier = new Worker(
    `const { DatabaseSync } = require('node:sqlite');
     const { parentPort, workerData } = require('node:worker_threads');
     const database = new DatabaseSync(workerData);
     parentPort.on('message', () => {
       parentPort.postMessage('copying');
       database.exec('PRAGMA wal_checkpoint(PASSIVE)');
       parentPort.postMessage('done');
     });`,
    { eval: true, workerData: file },
  );
  try {
    await seedSmallOperator(rt.ctx);
    const text = 'Ligne de compte rendu operatoire, assez longue pour peser.\r\n'.repeat(60_000);
    for (let i = 0; i < 5; i++) await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`sbernard@${DOMAIN}`], subject: `Dossier ${i}`, body: text }));
    const copying = new Promise((resolve) => copier.once('message', resolve));
    const done = new Promise((resolve) => copier.on('message', (message) => message === 'done' && resolve(message)));
    copier.postMessage('go');
    await copying;
    await rt.ctx.sql.scrub();
    assert.equal(statSync(`${file}-wal`).size, 0, 'the log is empty once scrub returns');
    await done;
  } finally {
    await copier.terminate();
    await rt.close();
  }
});
