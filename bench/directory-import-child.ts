import { loadConfig } from '../src/config/config.ts';
import { silentLogger } from '../src/observability/log.ts';
import { openRuntime } from '../src/runtime/open-runtime.ts';
import { importInOwnThread } from '../src/services/directory/import/isolated-import.ts';

/**
 * One directory import in a process of its own, so that its peak resident memory is the
 * import's alone, run as the command line runs it (in its own thread); prints one JSON line. Configuration from MISSIVE_* variables, files as arguments.
 */
const runtime = await openRuntime(loadConfig(), { log: silentLogger });
try {
  const report = await importInOwnThread(runtime.config, process.argv.slice(2));
  const { badLines, ...rest } = report;
  process.stdout.write(`${JSON.stringify({ ...rest, badLines: badLines.length, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
} finally {
  await runtime.close();
}
