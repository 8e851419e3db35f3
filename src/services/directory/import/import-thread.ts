import { parentPort, workerData } from 'node:worker_threads';
import { isMissiveError } from '../../../core/errors.ts';
import { createLogger } from '../../../observability/log.ts';
import { openSqlStore, type SqlLocation } from '../../../store/database.ts';
import type { LogLevel } from '../../../observability/log.ts';
import { importDirectory } from './importer.ts';
import type { ThreadMessage } from './isolated-import.ts';

/** The thread an import runs in (see isolated-import.ts): its own connection to the store, its own bounded heap. */
const { location, paths, logLevel } = workerData as { location: SqlLocation; paths: string[]; logLevel: LogLevel };
const port = parentPort!;
const post = (message: ThreadMessage) => port.postMessage(message);
const log = createLogger(logLevel);
// Parsing and writing take turns in this thread: on SQLite, rows are not copied to a writer thread.
const sql = await openSqlStore(location, log, { writeInThisThread: true });
try {
  const report = await importDirectory({ sql, log, clock: Date.now }, paths, { onProgress: (progress) => post({ progress }) });
  post({ report });
} catch (error) {
  post({ error: isMissiveError(error) ? { code: error.code, message: error.message } : { code: null, message: error instanceof Error ? error.message : String(error) } });
} finally {
  await sql.close();
}
