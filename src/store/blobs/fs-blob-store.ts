import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { link, lstat, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { assertValidBlobKey, assertValidBucket, BlobExistsError, BlobNotFoundError, isValidBlobKey, type BlobStore } from './blob-store.ts';
import { CoalescingDirSyncer, errorCode, mkdirDurable } from './durable-fs.ts';

export const TEMP_PREFIX = '.tmp-';
const READ_CHUNK_BYTES = 64 * 1024;
// Key depth: YYYY/MM/DD/HH; temporary files live next to their target, at the same depth.
const KEY_DIR_DEPTH = 4;
// Bounds the memo of directories known durable; forgetting one only costs a redundant mkdir+fsync.
const MAX_REMEMBERED_DIRS = 4096;
// link() gives no-overwrite atomically; some file systems (FUSE, SMB…) refuse hard links.
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Blobs as files under `root`, one per key (root/YYYY/MM/DD/HH/<hex>), mode 0600 in 0700 dirs.
 * A put is written to a temporary file beside its target, fsynced, linked under its final
 * name (never replacing an existing file), and the directory fsynced: after a crash an object
 * is either complete or absent, and leftovers are `.tmp-*` files that sweepTemporaryFiles removes.
 */
export class FsBlobStore implements BlobStore {
  readonly root: string;
  #syncer: CoalescingDirSyncer;
  #durableDirs = new Map<string, Promise<void>>();

  /** `options.fsyncDir` lets tests observe directory fsyncs; the default is the real one. */
  constructor(root: string, options: { fsyncDir?: (dir: string) => Promise<void> } = {}) {
    this.root = resolve(root);
    this.#syncer = new CoalescingDirSyncer(options.fsyncDir);
  }

  #pathOf(key: string): string {
    assertValidBlobKey(key);
    return join(this.root, key);
  }

  async put(key: string, source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream): Promise<{ size: number }> {
    let temp: string | undefined;
    let handle: FileHandle | undefined;
    let target: string | undefined;
    try {
      const path = this.#pathOf(key);
      const dir = dirname(path);
      ({ temp, handle } = await this.#createTemp(dir));
      let size = 0;
      // Pulling the next chunk only after the previous write completes is the backpressure.
      for await (const chunk of source) {
        const bytes = toBuffer(chunk);
        await writeAll(handle, bytes);
        size += bytes.length;
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      const kept = await this.#publish(temp, path, key);
      target = path;
      if (kept === 'linked') await unlink(temp);
      temp = undefined;
      await this.#syncer.sync(dir);
      return { size };
    } catch (error) {
      destroySource(source);
      await handle?.close().catch(noop);
      if (temp !== undefined) await unlink(temp).catch(noop);
      // Linked but not durably: remove it, the caller will not record a key it was told failed.
      if (target !== undefined) await unlink(target).catch(noop);
      throw error;
    }
  }

  get(key: string): Readable {
    const path = this.#pathOf(key);
    return Readable.from(readChunks(path, key), { objectMode: false });
  }

  async delete(key: string): Promise<void> {
    const path = this.#pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    // Also when already gone: an earlier delete may have crashed before its fsync.
    try {
      await this.#syncer.sync(dirname(path));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    const path = this.#pathOf(key);
    try {
      return (await stat(path)).isFile();
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw error;
    }
  }

  async *listBucket(bucket: string): AsyncIterable<{ key: string; modifiedAt: number }> {
    assertValidBucket(bucket);
    let names: string[];
    try {
      names = await readdir(join(this.root, bucket));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    for (const name of names) {
      const key = `${bucket}/${name}`;
      if (!isValidBlobKey(key)) continue; // temporary files are the temp sweep's, not ours
      try {
        yield { key, modifiedAt: (await stat(join(this.root, key))).mtimeMs };
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
    }
  }

  /**
   * Removes `.tmp-*` files left by a crash. Only those older than `olderThanMs`, so puts still
   * in flight (in this process or, during a rolling restart, another) are left alone.
   * Returns how many were removed.
   */
  async sweepTemporaryFiles(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return;
        throw error;
      }
      let removedHere = 0;
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && depth < KEY_DIR_DEPTH) {
          await walk(path, depth + 1);
        } else if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX)) {
          const info = await lstat(path).catch(() => undefined);
          if (info === undefined || info.mtimeMs >= cutoff) continue;
          try {
            await unlink(path);
            removedHere++;
          } catch (error) {
            if (errorCode(error) !== 'ENOENT') throw error;
          }
        }
      }
      if (removedHere > 0) await this.#syncer.sync(dir);
      removed += removedHere;
    };
    await walk(this.root, 0);
    return removed;
  }

  async #createTemp(dir: string): Promise<{ temp: string; handle: FileHandle }> {
    for (let attempt = 0; ; attempt++) {
      await this.#ensureDurableDir(dir);
      const temp = join(dir, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`);
      try {
        return { temp, handle: await open(temp, 'wx', 0o600) };
      } catch (error) {
        // The directory was removed after we memoised it (retention pruning empty buckets).
        if (errorCode(error) !== 'ENOENT' || attempt > 0) throw error;
        this.#forgetDirs(dir);
      }
    }
  }

  /** Gives `temp` the name `path` without ever replacing an existing file; 'linked' leaves `temp` to unlink. */
  async #publish(temp: string, path: string, key: string): Promise<'linked' | 'renamed'> {
    try {
      await link(temp, path);
      return 'linked';
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') throw new BlobExistsError(key);
      if (code === undefined || !NO_HARD_LINKS.has(code)) throw error;
    }
    // Fallback without hard links: check then rename. Not atomic, but keys carry 128 random
    // bits, so only a caller bug can reuse one, and the check still catches it outside a race.
    const present = await lstat(path).then(() => true, (error: unknown) => {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    });
    if (present) throw new BlobExistsError(key);
    await rename(temp, path);
    return 'renamed';
  }

  /** Resolves once `dir` exists and its entry (and its ancestors') is durable; once per directory per process. */
  #ensureDurableDir(dir: string): Promise<void> {
    let pending = this.#durableDirs.get(dir);
    if (pending === undefined) {
      if (this.#durableDirs.size >= MAX_REMEMBERED_DIRS) this.#durableDirs.clear();
      const made = this.#makeDurableDir(dir);
      this.#durableDirs.set(dir, made);
      made.catch(() => {
        if (this.#durableDirs.get(dir) === made) this.#durableDirs.delete(dir);
      });
      pending = made;
    }
    return pending;
  }

  async #makeDurableDir(dir: string): Promise<void> {
    if (dir === this.root || !dir.startsWith(this.root)) {
      await mkdirDurable(dir, 0o700);
      return;
    }
    const parent = dirname(dir);
    await this.#ensureDurableDir(parent);
    try {
      await mkdir(dir, { mode: 0o700 });
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    // Even if it existed: a crash may have left its entry unsynced. One fsync per directory per process.
    await this.#syncer.sync(parent);
  }

  #forgetDirs(dir: string): void {
    for (let current = dir; current.startsWith(this.root); current = dirname(current)) {
      this.#durableDirs.delete(current);
      if (current === this.root) break;
    }
  }
}

async function* readChunks(path: string, key: string): AsyncGenerator<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new BlobNotFoundError(key);
    throw error;
  }
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      yield bytesRead === READ_CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
    offset += bytesWritten;
  }
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Stops an upstream producer we will not consume further; no error argument, which would be unhandled. */
function destroySource(source: unknown): void {
  const destroy = (source as { destroy?: unknown } | null)?.destroy;
  if (typeof destroy === 'function') destroy.call(source);
}

function noop(): void {}
