import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
// The repository's pinned runtime, as `npm start` uses it; else the one running the benchmark.
const NODE = existsSync(`${REPO}node_modules/.bin/node`) ? `${REPO}node_modules/.bin/node` : process.execPath;

export type Server = { url: string; child: ChildProcess; stop(): Promise<void> };

/**
 * The real server (`src/main.ts`) as a child process on the seeded data, on a free port read
 * from its banner. Only `settings` reach it among MISSIVE_* variables, and it runs in the data
 * directory, so neither the caller's environment nor a local missive.config.json changes what
 * is measured. Its log lines (warnings and errors only) are passed on, prefixed.
 */
export async function startServer(settings: Record<string, string>, cwd: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('MISSIVE_')) env[name] = value;
  Object.assign(env, settings);
  const child = spawn(NODE, [MAIN], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderrTail = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
    for (const line of chunk.split('\n')) if (line.trim() !== '') process.stderr.write(`[server] ${line}\n`);
  });

  const url = await new Promise<string>((resolve, reject) => {
    let banner = '';
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${stderrTail}`)), 60_000);
    // Read until the banner names the URL; later output is drained and dropped.
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (ready) return;
      banner += chunk;
      const found = /health\s+(http:\/\/\S+)\/healthz/.exec(banner);
      if (found) {
        ready = true;
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${code}) before it was ready:\n${stderrTail}`));
    });
  });

  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
