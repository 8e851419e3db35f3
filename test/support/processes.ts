import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export type Run = { code: number | null; stdout: string; stderr: string };

/** Runs a command of the project (on the project's own Node) to completion. */
export function run(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const running = new Set<ChildProcess>();

/** Kills every Missive a test started and left running (for `after`). */
export function stopAllMissives(): void {
  for (const child of running) child.kill('SIGKILL');
}

export type StartedMissive = { url: string; output: string[]; child: ChildProcess; stop: () => Promise<number | null>; exited: Promise<number | null> };

/** Starts `src/main.ts` as `npm start` does and resolves once its welcome text is out. */
export function startMissive(env: Record<string, string>): Promise<StartedMissive> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles a benchmark's server.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, 'src/main.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const output: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (running.delete(child), resolve(code))));
  const stop = () => {
    child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    let url: string | null = null;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      url ??= /health\s+(http:\/\/\S+)\/healthz/.exec(line)?.[1] ?? null;
      if (url && line.startsWith('Ready')) resolve({ url, output, child, stop, exited });
    });
    void exited.then((code) => reject(new Error(`missive exited (${code}) before it was ready: ${stderr}`)));
  });
}
