import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { describe, it } from 'node:test';
import { BlobExistsError, BlobNotFoundError, newBlobKey } from '../../src/store/blobs/blob-store.ts';
import { openDecrypted } from '../../src/store/blobs/encrypted-blobs.ts';
import { FsBlobStore } from '../../src/store/blobs/fs-blob-store.ts';
import { CryptoError, generateDataKey } from '../../src/store/crypto/envelope.ts';
import { collect, putEncrypted, randomData, sha256, withTempDir } from './helpers.ts';

describe('encrypted blobs', () => {
  it('round trip: sizes, plaintext digest, ciphertext on disk', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      for (const size of [0, 1, 65_536, 65_537, 300_001]) {
        const key = newBlobKey();
        const dataKey = generateDataKey();
        const data = randomData(size);
        const result = await putEncrypted(store, key, dataKey, Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
        assert.equal(result.plainSize, size);
        assert.equal(result.sha256, sha256(data));
        const stored = await readFile(join(root, key));
        assert.equal(result.size, stored.length);
        assert.equal(stored.subarray(0, 4).toString(), 'MSVB');
        if (size >= 16) assert.equal(stored.indexOf(data.subarray(0, 16)), -1, 'plaintext visible on disk');
        assert.deepEqual(await collect(openDecrypted(store, key, dataKey)), data);
      }
    });
  });

  it('a blob copied under another key does not decrypt (the key is the context)', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      const dataKey = generateDataKey();
      const key = newBlobKey();
      await putEncrypted(store, key, dataKey, Readable.from([randomData(1000)]));
      const moved = newBlobKey();
      await mkdir(dirname(join(root, moved)), { recursive: true });
      await copyFile(join(root, key), join(root, moved));
      await assert.rejects(collect(openDecrypted(store, moved, dataKey)), CryptoError);
      await assert.rejects(collect(openDecrypted(store, key, generateDataKey())), CryptoError);
    });
  });

  it('a tampered file on disk errors and releases no altered plaintext', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      const dataKey = generateDataKey();
      const key = newBlobKey();
      const data = randomData(200_000);
      await putEncrypted(store, key, dataKey, Readable.from([data]));
      const path = join(root, key);
      const stored = await readFile(path);
      stored[150_000]! ^= 0x20; // inside the third 64 KiB chunk
      await writeFile(path, stored);
      const released: Buffer[] = [];
      const stream = openDecrypted(store, key, dataKey);
      await assert.rejects(
        (async () => { for await (const chunk of stream) released.push(chunk as Buffer); })(),
        /chunk 2 failed authentication/,
      );
      const output = Buffer.concat(released);
      assert.ok(output.length <= 2 * 65_536 && data.subarray(0, output.length).equals(output));
    });
  });

  it('a missing blob surfaces BlobNotFoundError on the decrypted stream', async () => {
    await withTempDir(async (root) => {
      await assert.rejects(collect(openDecrypted(new FsBlobStore(root), newBlobKey(), generateDataKey())), BlobNotFoundError);
    });
  });

  it('a failing source (size limit upstream) rejects with its error and leaves nothing', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      const limit = new Error('too large');
      let seen = 0;
      const sizeLimit = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          callback(seen > 500_000 ? limit : null, chunk);
        },
      });
      const source = Readable.from((function* () { for (let i = 0; i < 20; i++) yield randomData(64_000); })()).pipe(sizeLimit);
      const key = newBlobKey();
      await assert.rejects(putEncrypted(store, key, generateDataKey(), source), (error) => error === limit);
      await assert.rejects(putEncrypted(store, key, generateDataKey(), (async function* () {
        yield randomData(100_000);
        throw limit;
      })()), (error) => error === limit);
      assert.equal(await store.exists(key), false);
      assert.deepEqual((await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()), []);
    });
  });

  it('refuses to overwrite, and the source is not left hanging', async () => {
    await withTempDir(async (root) => {
      const store = new FsBlobStore(root);
      const key = newBlobKey();
      await putEncrypted(store, key, generateDataKey(), Readable.from([Buffer.from('first')]));
      const source = Readable.from([Buffer.from('second')]);
      await assert.rejects(putEncrypted(store, key, generateDataKey(), source), BlobExistsError);
      assert.equal(source.destroyed, true);
    });
  });
});
