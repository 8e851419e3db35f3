import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Where the CPU went during a measure, to tell a slow server from a busy machine: the server's
 * main thread (Node answers every request there, so near 100 % means requests queue for it),
 * the whole server process, this process (the load generator), and the machine's load average.
 * Process figures come from /proc; elsewhere they are left out.
 */
export type CpuShare = { serverMainThread: number | null; server: number | null; loadGenerator: number; loadAverage: number; cpus: number };

// Linux reports times in clock ticks of 1/100 s (USER_HZ) on every architecture Node supports.
const TICK_MS = 10;

function ticks(file: string): number | null {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

export function cpuMeter(serverPid: number | undefined): () => CpuShare {
  const mainFile = `/proc/${serverPid}/task/${serverPid}/stat`;
  const processFile = `/proc/${serverPid}/stat`;
  const started = performance.now();
  const own = process.cpuUsage();
  const main = serverPid === undefined ? null : ticks(mainFile);
  const whole = serverPid === undefined ? null : ticks(processFile);
  return () => {
    const elapsed = performance.now() - started;
    const share = (before: number | null, after: number | null) => (before === null || after === null ? null : ((after - before) * TICK_MS) / elapsed);
    const used = process.cpuUsage(own);
    return {
      serverMainThread: share(main, ticks(mainFile)),
      server: share(whole, ticks(processFile)),
      loadGenerator: (used.user + used.system) / 1000 / elapsed,
      loadAverage: os.loadavg()[0]!,
      cpus: os.availableParallelism(),
    };
  };
}
