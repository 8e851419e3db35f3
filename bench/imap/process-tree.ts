import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A process and all its descendants, read from /proc. */
function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // The process ended meanwhile.
    }
  }
  const pids: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    pids.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return pids;
}

/** Proportional set size (KB) of a process and all its descendants: shared pages count once, split among their sharers. */
export function treePss(root: number): number {
  let total = 0;
  for (const pid of tree(root)) {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      total += Number(match?.[1] ?? 0);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return total;
}

/**
 * CPU time (clock ticks, user and system) a process and its descendants have used so far, those
 * that have exited included (a process's cutime and cstime hold its children's once reaped:
 * Dovecot's imap processes end with their sessions).
 */
function treeCpuTicks(root: number): number {
  let total = 0;
  for (const pid of tree(root)) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [utime, stime, cutime, cstime] = fields.slice(fields.lastIndexOf(')') + 2).split(' ').slice(11, 15);
      total += Number(utime) + Number(stime) + Number(cutime) + Number(cstime);
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

/**
 * Waits until a server and its children are idle (under 5 % of a core over half a second, at
 * most `maxMs`), so that a measurement does not include what a server does on its own after it
 * starts (Missive audits its proof log, Dovecot builds its index) — for every server alike.
 */
export async function quiet(root: () => number, maxMs = 30_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  // A server that has only just started may not have written its pid file yet: not quiet yet.
  const ticks = () => {
    try {
      const pid = root();
      return Number.isInteger(pid) && pid > 0 ? treeCpuTicks(pid) : null;
    } catch {
      return null;
    }
  };
  let before = ticks();
  while (Date.now() < deadline) {
    await sleep(500);
    const now = ticks();
    // Ticks are hundredths of a second: 2.5 ticks in 500 ms is 5 % of a core.
    if (now !== null && before !== null && now - before <= 2) return;
    before = now;
  }
  console.log(`  the server was still busy after ${maxMs / 1000} s; measuring anyway`);
}
