import { constants, enableCompileCache, flushCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Keeps the compiled form of Missive's modules on disk (Node's compile cache: the TypeScript
 * with its types stripped, and V8's code for it), so that a start, and above all each worker
 * thread, compiles nothing it compiled before: a thread otherwise strips every module of its
 * own again, loading the stripper (a WebAssembly module) for itself — about 0.1–0.2 s of CPU each.
 * The cache lives with the code (node_modules/.cache, to be owned like the code), not in a shared
 * temporary directory: what is in it runs as Missive. NODE_COMPILE_CACHE, when set, names another
 * directory. Passed on in the environment, it reaches worker threads and child processes. A cache
 * that cannot be written is no error; Missive then compiles as before.
 */
export function keepCompiledCode(): void {
  // Already on when NODE_COMPILE_CACHE is set: its directory is then a versioned subdirectory,
  // which must not be handed on as the cache's root.
  const result = enableCompileCache(process.env.NODE_COMPILE_CACHE || fileURLToPath(new URL('../../node_modules/.cache/missive-compile', import.meta.url)));
  if (result.status === constants.compileCacheStatus.ENABLED && result.directory) process.env.NODE_COMPILE_CACHE = result.directory;
}

/** Writes what has been compiled so far (Node otherwise writes it only at a clean exit): called once the server is up. */
export function saveCompiledCode(): void {
  flushCompileCache();
}
