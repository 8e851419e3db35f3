import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { describe, it } from 'node:test';
import { BLOB_KEY_PATTERN, BlobExistsError, BlobNotFoundError, InvalidBlobKeyError, newBlobKey } from '../../src/store/blobs/blob-store.ts';
import { CoalescingDirSyncer, fsyncDir } from '../../src/store/blobs/durable-fs.ts';
import { FsBlobStore } from '../../src/store/blobs/fs-blob-store.ts';
import { collect, randomData, withTempDir } from './helpers.ts';

const HOUR = new Date('2025-03-04T05:06:07Z');

/** Every file under `dir`, relative, so tests can assert nothing stray was left behind. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('newBlobKey', () => {
  it('is a UTC hour bucket plus 128 random bits', () => {
    const key = newBlobKey(HOUR);
    assert.match(key, /^2025\/03\/04\/05\/[0-9a-f]{32}$/);
    assert.match(key, BLOB_KEY_PATTERN);
    assert.notEqual(newBlobKey(HOUR), key);
    assert.match(newBlobKey(new Date('1999-12-31T23:59:59.999Z')), /^1999\/12\/31\/23\//);
    assert.match(newBlobKey(), BLOB_KEY_PATTERN);
    assert.throws(() => newBlobKey(new Date(Number.NaN)), RangeError);
  });
});

describe('FsBlobStore', () => {
  it('round trips bytes of several sizes, from streams and iterables', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(join(root, 'blobs'));
      for (const size of [0, 1, 65_536, 65_537, 1_000_000]) {
        const data = randomData(size);
        const key = newBlobKey(HOUR);
        assert.equal(await store.exists(key), false);
        const pieces = Array.from({ length: Math.ceil(size / 10_000) }, (_, i) => data.subarray(i * 10_000, (i + 1) * 10_000));
        const source = size % 2 === 0 ? Readable.from(pieces) : (async function* () { for (const p of pieces) yield new Uint8Array(p); })();
        assert.deepEqual(await store.put(key, source), { size });
        assert.equal(await store.exists(key), true);
        assert.deepEqual(await collect(store.get(key)), data);
      }
    });
  });

  it('stores files 0600 in 0700 directories, with no temporary file left', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(join(root, 'blobs'));
      const key = newBlobKey(HOUR);
      await store.put(key, Readable.from([Buffer.from('hello')]));
      assert.equal((await stat(join(root, 'blobs', key))).mode & 0o777, 0o600);
      for (const level of ['blobs', 'blobs/2025', 'blobs/2025/03', 'blobs/2025/03/04', 'blobs/2025/03/04/05']) {
        assert.equal((await stat(join(root, level))).mode & 0o777, 0o700, level);
      }
      assert.deepEqual(await listFiles(root), [join('blobs', key)]);
      assert.equal(await readFile(join(root, 'blobs', key), 'utf8'), 'hello');
    });
  });

  it('never overwrites an existing key', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      const key = newBlobKey(HOUR);
      await store.put(key, Readable.from([Buffer.from('first')]));
      await assert.rejects(store.put(key, Readable.from([Buffer.from('second, longer')])), (error: unknown) => {
        assert.ok(error instanceof BlobExistsError);
        assert.match(error.message, /already exists/);
        return true;
      });
      assert.equal((await collect(store.get(key))).toString(), 'first');
      assert.deepEqual(await listFiles(root), [key]);
    });
  });

  it('leaves nothing behind when the source fails, and rejects with its error', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      const limit = new Error('message exceeds the size limit');
      async function* failing(): AsyncGenerator<Buffer> {
        yield randomData(100_000);
        yield randomData(100_000);
        throw limit;
      }
      await assert.rejects(store.put(newBlobKey(HOUR), failing()), (error) => error === limit);

      // The same through a stream chain: an upstream transform enforcing a size limit.
      let seen = 0;
      const sizeLimit = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          callback(seen > 150_000 ? limit : null, chunk);
        },
      });
      const key = newBlobKey(HOUR);
      const chain = Readable.from([randomData(100_000), randomData(100_000), randomData(100_000)]).pipe(sizeLimit);
      await assert.rejects(store.put(key, chain), (error) => error === limit);
      assert.equal(await store.exists(key), false);
      assert.deepEqual(await listFiles(root), []);
    });
  });

  it('destroys the source when it gives up before reading it', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      const key = newBlobKey(HOUR);
      await store.put(key, Readable.from([Buffer.from('x')]));
      const source = Readable.from([Buffer.from('y')]);
      await assert.rejects(store.put('../escape', source), InvalidBlobKeyError);
      assert.equal(source.destroyed, true);
    });
  });

  it('get of a missing key errors with BlobNotFoundError', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      await assert.rejects(collect(store.get(newBlobKey(HOUR))), BlobNotFoundError);
    });
  });

  it('delete is idempotent and durable', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      const key = newBlobKey(HOUR);
      await store.delete(key); // never existed, directory absent
      await store.put(key, Readable.from([Buffer.from('bye')]));
      await store.delete(key);
      await store.delete(key);
      assert.equal(await store.exists(key), false);
      await assert.rejects(collect(store.get(key)), BlobNotFoundError);
    });
  });

  it('validates keys strictly in every method, so none escapes the root', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(join(root, 'blobs'));
      const hex = '0123456789abcdef0123456789abcdef';
      const bad: unknown[] = [
        '../x', '/etc/passwd', '', 'x', `../../${hex}`, `2025/03/04/05/../../../../../etc/passwd`,
        `2025/03/04/05/${hex.toUpperCase()}`, `2025/03/04/05/${hex}/`, `/2025/03/04/05/${hex}`, `2025/03/04/05/${hex}\n`,
        `2025/03/04/05/${hex.slice(1)}`, `2025/03/04/05/${hex}0`, `2025/13/04/05/${hex}`, `2025/03/32/05/${hex}`,
        `2025/03/04/24/${hex}`, `2025\\03\\04\\05\\${hex}`, `2025/03/04/05/${hex.slice(1)}\0`, `./2025/03/04/05/${hex}`,
        `2025//03/04/05/${hex}`, 42, null, undefined,
      ];
      for (const key of bad) {
        const k = key as string;
        await assert.rejects(store.put(k, Readable.from([Buffer.from('x')])), InvalidBlobKeyError, String(key));
        assert.throws(() => store.get(k), InvalidBlobKeyError);
        await assert.rejects(store.delete(k), InvalidBlobKeyError);
        await assert.rejects(store.exists(k), InvalidBlobKeyError);
      }
      assert.deepEqual(await listFiles(root), []);
    });
  });

  it('200 concurrent puts (32 at a time) into one bucket are all stored byte-exact', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      const items = Array.from({ length: 200 }, (_, i) => ({ key: newBlobKey(HOUR), data: randomData((i * 7919) % 150_000) }));
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < items.length) {
          const item = items[next++]!;
          const half = item.data.length >> 1;
          await store.put(item.key, Readable.from([item.data.subarray(0, half), item.data.subarray(half)]));
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
      for (const item of items) assert.ok((await collect(store.get(item.key))).equals(item.data), item.key);
      assert.equal((await listFiles(root)).length, 200);
    });
  });

  it('concurrent puts share directory fsyncs', async () => {
    await withTempDir(async (root) => {
      const synced: string[] = [];
      const store = new FsBlobStore(root, {
        fsyncDir: async (dir) => {
          synced.push(dir);
          await fsyncDir(dir);
        },
      });
      const keys = Array.from({ length: 100 }, () => newBlobKey(HOUR));
      await Promise.all(keys.map((key) => store.put(key, Readable.from([randomData(1000)]))));
      const bucketSyncs = synced.filter((dir) => dir === join(root, '2025/03/04/05')).length;
      assert.ok(bucketSyncs >= 1 && bucketSyncs < 50, `${bucketSyncs} fsyncs of the bucket for 100 puts`);
      // Each new level's entry is made durable in its parent once.
      for (const parent of ['', '2025', '2025/03', '2025/03/04']) {
        assert.ok(synced.includes(join(root, parent)), `parent ${parent || '(root)'} synced`);
      }
    });
  });

  it('recreates a bucket directory removed behind its back (retention pruning)', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      await store.put(newBlobKey(HOUR), Readable.from([Buffer.from('a')]));
      await rm(join(root, '2025'), { recursive: true });
      const key = newBlobKey(HOUR);
      await store.put(key, Readable.from([Buffer.from('b')]));
      assert.equal((await collect(store.get(key))).toString(), 'b');
    });
  });

  it('sweepTemporaryFiles removes only stale temporary files', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      const key = newBlobKey(HOUR);
      await store.put(key, Readable.from([Buffer.from('kept')]));
      const bucket = join(root, '2025/03/04/05');
      const other = join(root, '2025/03/04/06');
      await mkdir(other, { recursive: true });
      const old = new Date(Date.now() - 3_600_000);
      for (const path of [join(bucket, '.tmp-stale'), join(other, '.tmp-stale2')]) {
        await writeFile(path, 'partial');
        await utimes(path, old, old);
      }
      await writeFile(join(bucket, '.tmp-fresh'), 'in flight');
      assert.equal(await store.sweepTemporaryFiles(60_000), 2);
      assert.deepEqual(await listFiles(root), [join('2025/03/04/05', '.tmp-fresh'), key].sort());
      assert.equal(await new FsBlobStore(join(root, 'absent')).sweepTemporaryFiles(0), 0);
    });
  });
});

describe('CoalescingDirSyncer', () => {
  it('gives each caller an fsync that starts after its call, sharing one follow-up', async () => {
    const started: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
    const syncer = new CoalescingDirSyncer((_dir) => new Promise<void>((resolve, reject) => started.push({ resolve, reject })));
    const settled: string[] = [];
    const track = (name: string, promise: Promise<void>): Promise<void> =>
      promise.then(() => { settled.push(name); }, (error: Error) => { settled.push(`${name}:${error.message}`); });
    const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

    const a = track('a', syncer.sync('/d'));
    assert.equal(started.length, 1);
    const b = track('b', syncer.sync('/d'));
    const c = track('c', syncer.sync('/d'));
    const other = track('other', syncer.sync('/other'));
    assert.equal(started.length, 2, 'b and c wait for a follow-up, /other syncs on its own');

    started[0]!.resolve();
    await tick();
    assert.deepEqual(settled, ['a']);
    assert.equal(started.length, 3, 'exactly one follow-up for b and c');

    const d = track('d', syncer.sync('/d'));
    started[2]!.resolve();
    await tick();
    assert.deepEqual(settled, ['a', 'b', 'c']);
    assert.equal(started.length, 4, 'd needed an fsync started after its call');

    started[3]!.reject(new Error('EIO'));
    started[1]!.resolve();
    await Promise.all([a, b, c, d, other]);
    assert.deepEqual(settled.slice(3).sort(), ['d:EIO', 'other'], 'a failed fsync fails its waiters');

    // Idle again: the next caller starts a fresh fsync at once.
    void syncer.sync('/d');
    assert.equal(started.length, 5);
    started[4]!.resolve();
  });
});
