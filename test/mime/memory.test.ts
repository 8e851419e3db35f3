/**
 * A 20 MiB attachment streamed through the indexer in 64 KiB chunks: the decoded size is exact
 * and the memory the process holds (V8 heap plus Buffer memory, after a full GC) does not grow
 * with the body: the indexer counts, it never keeps a body.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { MimeIndexer } from '../../src/core/mime/mime-indexer.ts';
import { crlf, random } from './messages.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const PAYLOAD = 20 * 1024 * 1024;
const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;

/** Bytes held: V8 heap in use plus ArrayBuffer/Buffer memory, measured after a full collection. */
function held(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * The message as a stream of fresh 64 KiB chunks (as a socket would hand them over): a text part,
 * then the base64 attachment whose payload is PAYLOAD bytes (lines of 76 characters, cycling over
 * a random block of 1024 lines), then a closing text part.
 */
function* message(): Generator<Buffer> {
  const block = random(20).bytes(57 * 1024);
  const lines = Array.from({ length: 1024 }, (_, i) => Buffer.from(`${block.subarray(57 * i, 57 * (i + 1)).toString('base64')}\r\n`, 'latin1'));
  let chunk = Buffer.allocUnsafe(CHUNK);
  let filled = 0;
  function* put(bytes: Buffer): Generator<Buffer> {
    let at = 0;
    while (at < bytes.length) {
      const n = Math.min(bytes.length - at, CHUNK - filled);
      bytes.copy(chunk, filled, at, at + n);
      filled += n;
      at += n;
      if (filled === CHUNK) {
        yield chunk;
        chunk = Buffer.allocUnsafe(CHUNK);
        filled = 0;
      }
    }
  }
  yield* put(
    Buffer.from(
      crlf('From: emartin@demo.mssante.test\nSubject: big\nContent-Type: multipart/mixed; boundary=big\n\n--big\nContent-Type: text/plain\n\nSee the scan.\n--big\nContent-Type: application/dicom\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="scan.dcm"\n\n'),
      'latin1',
    ),
  );
  const full = Math.floor(PAYLOAD / 57);
  for (let i = 0; i < full; i++) yield* put(lines[i % 1024]!);
  const rest = PAYLOAD - full * 57;
  yield* put(Buffer.from(Buffer.alloc(rest, 0xab).toString('base64'), 'latin1'));
  yield* put(Buffer.from(crlf('\n--big\nContent-Type: text/plain\n\nEnd.\n--big--\n'), 'latin1'));
  if (filled > 0) yield chunk.subarray(0, filled);
}

describe('MimeIndexer memory', () => {
  it('a 20 MiB base64 attachment in 64 KiB chunks: exact decoded size, no growth of the memory held', () => {
    const indexer = new MimeIndexer({ maxAttachmentBytes: PAYLOAD });
    const before = held();
    let growth = 0;
    let chunks = 0;
    let bytes = 0;
    for (const chunk of message()) {
      indexer.write(chunk);
      chunks++;
      bytes += chunk.length;
      if (chunks % 100 === 0) growth = Math.max(growth, held() - before);
    }
    growth = Math.max(growth, held() - before);
    const { root } = indexer.end();
    growth = Math.max(growth, held() - before);

    assert.ok(bytes > 27 * MiB, `${bytes} bytes fed`);
    assert.ok(chunks > 400);
    const scan = root.children[1]!;
    assert.equal(scan.contentType, 'application/dicom');
    assert.equal(scan.attachment, true);
    assert.equal(scan.decodedSize, PAYLOAD);
    const encodedLength = Math.ceil(PAYLOAD / 3) * 4 + 2 * Math.floor(PAYLOAD / 57);
    assert.equal(scan.bodyEnd - scan.bodyStart, encodedLength);
    assert.equal(root.children[2]!.decodedSize, 4);
    assert.ok(growth < 4 * MiB, `memory held grew by ${(growth / MiB).toFixed(2)} MiB while indexing 20 MiB`);
  });

  it('control: the measurement does see chunks that are kept', () => {
    const before = held();
    const kept: Buffer[] = [];
    let n = 0;
    for (const chunk of message()) {
      kept.push(chunk);
      if (++n === 100) break;
    }
    const growth = held() - before;
    assert.ok(growth > 6 * MiB, `keeping 100 chunks of 64 KiB shows as ${(growth / MiB).toFixed(2)} MiB`);
    assert.equal(kept.length, 100);
  });
});
