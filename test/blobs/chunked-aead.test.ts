import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { before, describe, it } from 'node:test';
import { CryptoError, DEFAULT_CHUNK_SIZE, decryptBuffer, decryptStream, encryptStream, generateDataKey } from '../../src/store/crypto/envelope.ts';
import { HEADER_BYTES, TAG_BYTES } from '../../src/store/crypto/chunked-aead.ts';
import { collect, generated, randomData, sha256, through } from './helpers.ts';

const CONTEXT = '2025/01/02/03/0123456789abcdef0123456789abcdef';

async function encrypt(key: Buffer, plaintext: Buffer, chunkSize?: number, context = CONTEXT): Promise<Buffer> {
  return through(encryptStream(key, context, chunkSize === undefined ? {} : { chunkSize }), plaintext);
}

/** Decrypts, keeping what was released before any error, so tests can check nothing unauthenticated leaked. */
async function decrypt(key: Buffer, ciphertext: Buffer, context = CONTEXT, pieceSize = 7919): Promise<{ output: Buffer; error?: unknown }> {
  const stream = decryptStream(key, context);
  const released: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => released.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  for (let offset = 0; offset < ciphertext.length; offset += pieceSize) {
    stream.write(ciphertext.subarray(offset, offset + pieceSize));
  }
  stream.end();
  try {
    await done;
    return { output: Buffer.concat(released) };
  } catch (error) {
    return { output: Buffer.concat(released), error };
  }
}

async function assertRejected(key: Buffer, ciphertext: Buffer, plaintext: Buffer, pattern: RegExp, context = CONTEXT): Promise<void> {
  const { output, error } = await decrypt(key, ciphertext, context);
  assert.ok(error instanceof CryptoError, `expected a CryptoError, got ${String(error)}`);
  assert.match(error.message, pattern);
  // Whatever was released is an authenticated prefix of the original, never altered bytes.
  assert.ok(plaintext.subarray(0, output.length).equals(output), 'released output is not a prefix of the plaintext');
  // The whole-buffer form refuses the same ciphertext for the same reason.
  assert.throws(() => decryptBuffer(key, context, ciphertext), (thrown: unknown) => thrown instanceof CryptoError && pattern.test(thrown.message));
}

describe('chunked AEAD stream', () => {
  const key = generateDataKey();

  describe('round trips', () => {
    const C = DEFAULT_CHUNK_SIZE;
    for (const size of [0, 1, C - 1, C, C + 1, 3 * C, 3 * C + 17]) {
      it(`${size} bytes`, async () => {
        const plaintext = randomData(size);
        const ciphertext = await encrypt(key, plaintext);
        const chunks = Math.max(1, Math.ceil(size / C));
        assert.equal(ciphertext.length, HEADER_BYTES + size + chunks * TAG_BYTES);
        assert.deepEqual((await decrypt(key, ciphertext)).output, plaintext);
        assert.deepEqual(decryptBuffer(key, CONTEXT, ciphertext), plaintext);
        // Delivered one byte at a time too: framing must not depend on how input is split.
        if (size <= C + 1) assert.deepEqual((await decrypt(key, ciphertext, CONTEXT, 1)).output, plaintext);
      });
    }

    it('10 MB+ streamed through both transforms', async () => {
      const total = 10 * 1024 * 1024 + 12345;
      const input = generated(total, 50_000);
      const output = await collect(
        Readable.from(input.source, { objectMode: false }).pipe(encryptStream(key, CONTEXT)).pipe(decryptStream(key, CONTEXT)),
      );
      assert.equal(output.length, total);
      assert.equal(sha256(output), input.digest());
    });

    it('two encryptions of the same plaintext differ (random nonce prefix)', async () => {
      const plaintext = randomData(100);
      assert.notDeepEqual(await encrypt(key, plaintext), await encrypt(key, plaintext));
    });

    it('releases plaintext only chunk by chunk, after each chunk is verified', async () => {
      const chunkSize = 64;
      const plaintext = randomData(chunkSize * 4 + 10);
      const ciphertext = await encrypt(key, plaintext, chunkSize);
      const stream = decryptStream(key, CONTEXT);
      const sizes: number[] = [];
      stream.on('data', (chunk: Buffer) => sizes.push(chunk.length));
      for (const byte of ciphertext) stream.write(Buffer.from([byte]));
      stream.end();
      await new Promise((resolve) => stream.on('end', resolve));
      assert.deepEqual(sizes, [chunkSize, chunkSize, chunkSize, chunkSize, 10]);
    });
  });

  describe('rejects', () => {
    const chunkSize = 32;
    const plaintext = randomData(chunkSize * 4 + 5); // 5 chunks, the last one short
    const frame = chunkSize + TAG_BYTES;
    let ciphertext: Buffer = Buffer.alloc(0);
    const chunkAt = (i: number): Buffer => ciphertext.subarray(HEADER_BYTES + i * frame, HEADER_BYTES + (i + 1) * frame);
    const header = (): Buffer => ciphertext.subarray(0, HEADER_BYTES);

    before(async () => {
      ciphertext = await encrypt(key, plaintext, chunkSize);
    });

    it('(the untampered stream decrypts)', async () => {
      assert.equal(ciphertext.length, HEADER_BYTES + 4 * frame + 5 + TAG_BYTES);
      assert.deepEqual((await decrypt(key, ciphertext)).output, plaintext);
    });

    it('a wrong data key', async () => {
      await assertRejected(generateDataKey(), ciphertext, plaintext, /chunk 0 failed authentication/);
    });

    it('a wrong context (blob moved under another key)', async () => {
      await assertRejected(key, ciphertext, plaintext, /chunk 0 failed authentication/, CONTEXT.replace(/f$/, 'e'));
    });

    it('truncation at a chunk boundary', async () => {
      await assertRejected(key, ciphertext.subarray(0, HEADER_BYTES + 3 * frame), plaintext, /truncated.*not the last chunk/);
    });

    it('truncation inside a chunk, at every length', async () => {
      for (let length = 0; length < ciphertext.length; length++) {
        const { output, error } = await decrypt(key, ciphertext.subarray(0, length));
        assert.ok(error instanceof CryptoError, `length ${length} was accepted`);
        assert.ok(plaintext.subarray(0, output.length).equals(output));
      }
    });

    it('an empty input and a header alone', async () => {
      await assertRejected(key, Buffer.alloc(0), plaintext, /empty/);
      await assertRejected(key, header(), plaintext, /header without any chunk/);
      await assertRejected(key, header().subarray(0, 9), plaintext, /truncated inside its header/);
    });

    it('reordered chunks', async () => {
      const swapped = Buffer.concat([header(), chunkAt(1), chunkAt(0), ciphertext.subarray(HEADER_BYTES + 2 * frame)]);
      await assertRejected(key, swapped, plaintext, /chunk 0 failed authentication/);
    });

    it('a duplicated chunk', async () => {
      const duplicated = Buffer.concat([header(), chunkAt(0), chunkAt(1), chunkAt(1), ciphertext.subarray(HEADER_BYTES + 2 * frame)]);
      await assertRejected(key, duplicated, plaintext, /chunk 2 failed authentication/);
    });

    it('a dropped middle chunk', async () => {
      const dropped = Buffer.concat([header(), chunkAt(0), ciphertext.subarray(HEADER_BYTES + 2 * frame)]);
      await assertRejected(key, dropped, plaintext, /chunk 1 failed authentication/);
    });

    it('trailing data after the last chunk', async () => {
      await assertRejected(key, Buffer.concat([ciphertext, Buffer.from([0])]), plaintext, /failed authentication|trailing/);
      await assertRejected(key, Buffer.concat([ciphertext, ciphertext]), plaintext, /failed authentication|trailing/);
      // A full last chunk followed by one byte is caught as trailing data, by name.
      const exact = randomData(chunkSize * 2);
      const exactCiphertext = await encrypt(key, exact, chunkSize);
      await assertRejected(key, Buffer.concat([exactCiphertext, Buffer.from([0])]), exact, /trailing data after its last chunk 1/);
    });

    it('two streams spliced together (same key and context)', async () => {
      const other = await encrypt(key, plaintext, chunkSize);
      const spliced = Buffer.concat([ciphertext.subarray(0, HEADER_BYTES + 2 * frame), other.subarray(HEADER_BYTES + 2 * frame)]);
      await assertRejected(key, spliced, plaintext, /chunk 2 failed authentication/);
    });

    it('any flipped bit, at every byte position (header included)', async () => {
      for (let position = 0; position < ciphertext.length; position++) {
        for (const mask of [0x01, 0x80]) {
          const tampered = Buffer.from(ciphertext);
          tampered[position]! ^= mask;
          const { output, error } = await decrypt(key, tampered);
          assert.ok(error instanceof CryptoError, `flip 0x${mask.toString(16)} at byte ${position} was accepted`);
          assert.ok(plaintext.subarray(0, output.length).equals(output), `altered plaintext released (byte ${position})`);
        }
      }
    });

    it('a declared chunk size changed to cover a whole one-chunk stream', async () => {
      const small = randomData(10);
      const smallCiphertext = await encrypt(key, small, chunkSize);
      const forged = Buffer.from(smallCiphertext);
      forged.writeUInt32BE(chunkSize * 2, 5); // still parses as a single last chunk
      await assertRejected(key, forged, small, /chunk 0 failed authentication/);
    });

    it('an oversized declared chunk size (memory bound)', async () => {
      const forged = Buffer.from(ciphertext);
      forged.writeUInt32BE(0x7fffffff, 5);
      await assertRejected(key, forged, plaintext, /chunk size/);
    });

    it('bad keys and chunk sizes up front', () => {
      assert.throws(() => encryptStream(Buffer.alloc(16), CONTEXT), CryptoError);
      assert.throws(() => decryptStream(Buffer.alloc(31), CONTEXT), CryptoError);
      assert.throws(() => encryptStream(key, CONTEXT, { chunkSize: 0 }), CryptoError);
      assert.throws(() => encryptStream(key, CONTEXT, { chunkSize: 2 * 1024 * 1024 }), CryptoError);
    });
  });
});
