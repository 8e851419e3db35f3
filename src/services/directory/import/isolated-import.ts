import { Worker } from 'node:worker_threads';
import type { Config } from '../../../config/config.ts';
import { MissiveError, type MissiveErrorCode } from '../../../core/errors.ts';
import { sqlLocationOf } from '../../../runtime/open-runtime.ts';
import type { ImportOptions, ImportReport } from './importer.ts';

export type ThreadMessage =
  | { progress: { file: string; lines: number } }
  | { report: ImportReport }
  | { error: { code: MissiveErrorCode | null; message: string } };

// The import's heap: its live data is small (hashed keys, one load of rows), the rest is
// garbage from reading lines. Bounds make that garbage collected early instead of growing the
// process by hundreds of megabytes, whatever V8 would size heaps for on a large machine.
const OLD_GENERATION_MB = 192;
const YOUNG_GENERATION_MB = 16;

/**
 * Runs a directory import in a thread of its own, with its own connection to the store and a
 * bounded heap: the way the command line (and any long-running process) imports, so that the
 * national files never inflate the memory of the process that asked. Resolves to the report.
 */
export function importInOwnThread(config: Config, paths: readonly string[], options: ImportOptions = {}): Promise<ImportReport> {
  const worker = new Worker(new URL('./import-thread.ts', import.meta.url), {
    workerData: { location: sqlLocationOf(config), paths: [...paths], logLevel: config.logLevel },
    resourceLimits: { maxOldGenerationSizeMb: OLD_GENERATION_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: ThreadMessage) => {
      if ('progress' in message) options.onProgress?.(message.progress);
      else if ('report' in message) {
        settled = true;
        resolve(message.report);
      } else {
        settled = true;
        reject(message.error.code ? new MissiveError(message.error.code, message.error.message) : new Error(message.error.message));
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      settled = true;
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        reject(new Error(`the directory import outgrew its ${OLD_GENERATION_MB} MB heap and stopped; the directory in use is unchanged`));
      } else reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the directory import thread stopped (exit code ${code}) before reporting`));
    });
  });
}
