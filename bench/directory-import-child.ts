import { loadConfig } from '../src/config/config.ts';
import { silentLogger } from '../src/observability/log.ts';
import { openRuntime } from '../src/runtime/open-runtime.ts';
import { importDirectory } from '../src/services/directory/import/importer.ts';

/**
 * One directory import in a process of its own, so that its peak resident memory is the
 * import's alone; prints one JSON line. Configuration from MISSIVE_* variables, files as arguments.
 */
const runtime = await openRuntime(loadConfig(), { log: silentLogger });
try {
  const report = await importDirectory(runtime.ctx, process.argv.slice(2));
  const { badLines, ...rest } = report;
  process.stdout.write(`${JSON.stringify({ ...rest, badLines: badLines.length, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
} finally {
  await runtime.close();
}
