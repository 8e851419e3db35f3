import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * Copies the write-ahead log into the database file every few hundred milliseconds (a passive
 * checkpoint: it never waits for or blocks the writer or readers). Done here, most of the copy
 * and its fsync no longer stall the commit that crosses the WAL's size limit: the writer keeps
 * committing deposits meanwhile, and its own checkpoint finds little left to do.
 */
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const database = new DatabaseSync(file);
database.exec('PRAGMA busy_timeout = 1000');
database.exec('PRAGMA synchronous = FULL');
let lastError = '';
setInterval(() => {
  try {
    database.exec('PRAGMA wal_checkpoint(PASSIVE)');
    lastError = '';
  } catch (error) {
    // Said once, not every interval; the writer's own checkpoints are the backstop.
    const message = error instanceof Error ? error.message : String(error);
    if (message !== lastError) parentPort!.postMessage({ error: message });
    lastError = message;
  }
}, intervalMs);
