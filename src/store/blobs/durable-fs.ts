import { constants } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** A rename, link, unlink or mkdir is only durable once the directory holding the entry is fsynced. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** mkdir -p where every level it creates is made durable by fsyncing that level's parent. */
export async function mkdirDurable(dir: string, mode = 0o700): Promise<void> {
  const missing: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    try {
      await stat(current);
      break;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      missing.push(current);
      if (dirname(current) === current) break;
    }
  }
  for (const level of missing.reverse()) {
    try {
      await mkdir(level, { mode });
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    await fsyncDir(dirname(level));
  }
}

type DirState = { running: Promise<void> | undefined; next: Promise<void> | undefined };

/**
 * Shares directory fsyncs between concurrent writers. A caller needs an fsync that STARTS after
 * its own rename: if none is running one starts now; if one is running (it may have started
 * before the rename) the caller joins the single follow-up queued behind it, shared by everyone
 * who arrives meanwhile. N concurrent puts into one directory thus cost about two fsyncs, not N.
 */
export class CoalescingDirSyncer {
  #dirs = new Map<string, DirState>();
  #fsync: (dir: string) => Promise<void>;

  constructor(fsync: (dir: string) => Promise<void> = fsyncDir) {
    this.#fsync = fsync;
  }

  sync(dir: string): Promise<void> {
    let state = this.#dirs.get(dir);
    if (state === undefined) {
      state = { running: undefined, next: undefined };
      this.#dirs.set(dir, state);
    }
    if (state.next !== undefined) return state.next;
    if (state.running === undefined) return this.#start(dir, state);
    const current = state.running;
    const queued = current.then(noop, noop).then(() => {
      state.next = undefined;
      return this.#start(dir, state);
    });
    state.next = queued;
    return queued;
  }

  #start(dir: string, state: DirState): Promise<void> {
    const run = this.#fsync(dir);
    state.running = run;
    const settle = (): void => {
      if (state.running !== run) return;
      state.running = undefined;
      // Forget idle directories so the map does not grow with every hourly bucket.
      if (state.next === undefined && this.#dirs.get(dir) === state) this.#dirs.delete(dir);
    };
    run.then(settle, settle);
    return run;
  }
}

function noop(): void {}
