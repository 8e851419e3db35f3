import { enableCompileCache } from 'node:module';

/**
 * Keeps the compiled form of Missive's modules on disk (Node's compile cache: the TypeScript
 * with its types stripped, and V8's code for it), so that a start, and above all each worker
 * thread, compiles nothing it compiled before: a thread otherwise strips every module of its
 * own again, loading the stripper (a WebAssembly module) for itself — about 0.1–0.2 s of CPU each.
 * The cache lives with the code (node_modules/.cache), not in a shared temporary directory: what
 * is in it runs as Missive. Set in the environment, it reaches worker threads and child processes.
 * A cache that cannot be written is no error; Missive then compiles as before.
 */
export function keepCompiledCode(): void {
  const result = enableCompileCache(process.env.NODE_COMPILE_CACHE ?? new URL('../../node_modules/.cache/missive-compile', import.meta.url).pathname);
  if (result.directory) process.env.NODE_COMPILE_CACHE = result.directory;
}
