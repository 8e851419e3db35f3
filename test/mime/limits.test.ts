import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMissiveError } from '../../src/core/errors.ts';
import { MAX_HEADER_BLOCK_BYTES } from '../../src/core/header-block.ts';
import {
  base64Lines,
  bodyOf,
  chunksOf,
  crlf,
  decodeQuotedPrintable,
  encodeQuotedPrintable,
  feedUntilThrow,
  index,
  indexChunks,
  inMixed,
  octets,
  partUnderTest,
  random,
  singlePart,
} from './messages.ts';

const N = 1000;
const LIMITS = { maxAttachmentBytes: N };

type Encoding = 'base64' | 'quoted-printable' | 'binary';

/** An inMixed() message whose part "2" is a PDF attachment holding `payload` in that encoding. */
function attachment(encoding: Encoding, payload: Buffer): Buffer {
  const header = `Content-Type: application/pdf\nContent-Transfer-Encoding: ${encoding}\nContent-Disposition: attachment; filename="scan.pdf"`;
  const body = encoding === 'base64' ? base64Lines(payload, 76) : encoding === 'quoted-printable' ? encodeQuotedPrintable(payload) : payload;
  return inMixed(header, body);
}

/** Random octets, except that CR and LF only come as CRLF pairs (a canonical binary body). */
function canonicalOctets(seed: number, size: number): Buffer {
  const rng = random(seed);
  const out = Buffer.from(Array.from(rng.bytes(size), (byte) => (byte === 13 || byte === 10 ? 0x41 : byte)));
  for (let i = 0; i + 1 < size; i += 1 + rng.int(120)) out.set([13, 10], i);
  return out;
}

function payloadFor(encoding: Encoding, size: number): Buffer {
  return encoding === 'binary' ? canonicalOctets(size, size) : random(size).bytes(size);
}

/**
 * Small chunks. Quoted-printable is cut after each line end: a cut inside a line is the
 * chunking bug (see chunking.test.ts), and the limit must be tested on its own.
 */
function smallChunks(encoding: Encoding, message: Buffer): Buffer[] {
  if (encoding !== 'quoted-printable') return chunksOf(message, 16);
  const chunks: Buffer[] = [];
  let start = 0;
  for (let lf = message.indexOf(10); lf !== -1; lf = message.indexOf(10, lf + 1)) {
    chunks.push(message.subarray(start, lf + 1));
    start = lf + 1;
  }
  if (start < message.length) chunks.push(message.subarray(start));
  return chunks;
}

function assertTooLarge(error: unknown, name = 'scan.pdf'): void {
  assert.ok(isMissiveError(error, 'attachment_too_large'), `expected attachment_too_large, got ${String(error)}`);
  assert.deepEqual(error.details, { limit: N });
  assert.ok(error.message.includes(name), error.message);
}

describe('maxAttachmentBytes', () => {
  for (const encoding of ['base64', 'quoted-printable', 'binary'] as const) {
    it(`${encoding}: an attachment of exactly N decoded bytes is accepted`, () => {
      const payload = payloadFor(encoding, N);
      const message = attachment(encoding, payload);
      if (encoding === 'quoted-printable') assert.equal(decodeQuotedPrintable(bodyOf(message, partUnderTest(index(message)))).length, N);
      const part = partUnderTest(indexChunks(smallChunks(encoding, message), LIMITS));
      assert.equal(part.attachment, true);
      assert.equal(part.decodedSize, N);
    });

    it(`${encoding}: N + 1 bytes is refused with attachment_too_large, during write(), inside the attachment`, () => {
      const payload = payloadFor(encoding, N + 1);
      const message = attachment(encoding, payload);
      const unlimited = partUnderTest(index(message));
      assert.equal(unlimited.decodedSize, N + 1);
      const chunks = smallChunks(encoding, message);
      const thrown = feedUntilThrow(chunks, LIMITS);
      assert.ok(thrown, 'refused');
      assertTooLarge(thrown.error);
      assert.ok(thrown.chunk < chunks.length - 1, `thrown by write() of chunk ${thrown.chunk} of ${chunks.length}, before the end of the message`);
      // It surfaces in the chunk that carries the attachment's last bytes, not at its delimiter.
      assert.ok(thrown.fedBefore < unlimited.bodyEnd, `${thrown.fedBefore} bytes fed before the throw; the attachment ends at ${unlimited.bodyEnd}`);
      assert.ok(thrown.fedBefore + chunks[thrown.chunk]!.length > unlimited.bodyStart);
    });
  }

  it('a big base64 attachment is refused long before its end (no buffering until the delimiter)', () => {
    const message = attachment('base64', random(1).bytes(50 * N));
    const part = partUnderTest(index(message));
    const thrown = feedUntilThrow(chunksOf(message, 64), LIMITS);
    assert.ok(thrown);
    assertTooLarge(thrown.error);
    // N decoded bytes are about 4N/3 base64 characters (and CRLFs) past the body start.
    assert.ok(thrown.fedBefore < part.bodyStart + 1.4 * N, `refused after ${thrown.fedBefore - part.bodyStart} body bytes`);
  });

  it('the limit is per attachment: two attachments of N bytes each are accepted', () => {
    const one = base64Lines(random(3).bytes(N), 76).replace(/\r\n/g, '\n');
    const png = `Content-Type: image/png\nContent-Transfer-Encoding: base64\n\n${one}`;
    const message = octets(crlf(`From: a@demo.mssante.test\nContent-Type: multipart/mixed; boundary=two\n\n--two\n${png}\n--two\n${png}\n--two--\n`));
    const { root } = indexChunks(chunksOf(message, 16), LIMITS);
    assert.deepEqual(
      root.children.map((part) => part.decodedSize),
      [N, N],
    );
  });

  it('a text body larger than N that is not an attachment is not refused by this limit', () => {
    const text = `${'Compte rendu de consultation. '.repeat(200)}\r\n`.repeat(3); // far more than N bytes
    assert.ok(text.length > 10 * N);
    const inMultipart = partUnderTest(indexChunks(chunksOf(inMixed('Content-Type: text/plain; charset=us-ascii', text), 16), LIMITS));
    assert.equal(inMultipart.attachment, false);
    assert.equal(inMultipart.decodedSize, text.length);
    const html = partUnderTest(indexChunks(chunksOf(inMixed('Content-Type: text/html', `<p>${'x'.repeat(5 * N)}</p>`), 16), LIMITS));
    assert.equal(html.decodedSize, 5 * N + 7);
    const single = indexChunks(chunksOf(singlePart('Content-Type: text/plain', 'y'.repeat(5 * N)), 16), LIMITS).root;
    assert.equal(single.decodedSize, 5 * N);
    const base64Text = partUnderTest(indexChunks(chunksOf(inMixed('Content-Type: text/plain\nContent-Transfer-Encoding: base64', base64Lines(Buffer.alloc(3 * N, 'z'), 76)), 16), LIMITS));
    assert.equal(base64Text.decodedSize, 3 * N);
  });

  it('a text part that is an attachment (disposition or file name) is refused over N', () => {
    for (const header of ['Content-Type: text/plain\nContent-Disposition: attachment', 'Content-Type: text/csv; name="export.csv"', 'Content-Type: text/plain\nContent-Disposition: inline; filename="notes.txt"']) {
      const thrown = feedUntilThrow(chunksOf(inMixed(header, 'x'.repeat(N + 1)), 16), LIMITS);
      assert.ok(thrown, header);
      assert.ok(isMissiveError(thrown.error, 'attachment_too_large'), header);
    }
    const exactly = partUnderTest(indexChunks(chunksOf(inMixed('Content-Type: text/plain\nContent-Disposition: attachment', 'x'.repeat(N)), 16), LIMITS));
    assert.equal(exactly.decodedSize, N);
  });

  it('an inline image without disposition or name is an attachment, and is refused over N', () => {
    const message = inMixed('Content-Type: image/jpeg\nContent-Transfer-Encoding: base64\nContent-ID: <photo@x>', base64Lines(random(9).bytes(N + 1), 76));
    const thrown = feedUntilThrow(chunksOf(message, 16), LIMITS);
    assert.ok(thrown);
    assertTooLarge(thrown.error, 'an attachment');
  });

  it(
    'an attached message (message/rfc822) larger than N is refused like any attachment',
    () => {
      const inner = `From: b@demo.mssante.test\r\nSubject: big\r\n\r\n${'x'.repeat(2 * N)}`;
      const message = inMixed('Content-Type: message/rfc822\nContent-Disposition: attachment; filename="fwd.eml"', inner);
      const thrown = feedUntilThrow(chunksOf(message, 16), LIMITS);
      assert.ok(thrown, 'refused');
      assertTooLarge(thrown.error, 'fwd.eml');
    },
  );
});

describe('structural limits', () => {
  /** `levels` nested multiparts around a text leaf: the leaf sits levels + 1 parts deep (root = 1). */
  function nestedMultiparts(levels: number): Buffer {
    let text = 'From: a@demo.mssante.test\nContent-Type: multipart/mixed; boundary=L0\n\n';
    for (let i = 1; i < levels; i++) text += `--L${i - 1}\nContent-Type: multipart/mixed; boundary=L${i}\n\n`;
    text += `--L${levels - 1}\nContent-Type: text/plain\n\nleaf\n`;
    for (let i = levels - 1; i >= 0; i--) text += `--L${i}--\n`;
    return octets(crlf(text));
  }

  /** `levels` message/rfc822 wrappings around a text message: the text sits levels + 1 parts deep. */
  function nestedMessages(levels: number): Buffer {
    return octets(crlf(`${'From: a@demo.mssante.test\nContent-Type: message/rfc822\n\n'.repeat(levels)}From: a@demo.mssante.test\n\nleaf\n`));
  }

  function depth(root: ReturnType<typeof index>['root']): number {
    return 1 + Math.max(0, ...root.children.map(depth));
  }

  it('parts nested 32 deep are indexed; 33 deep is malformed_message, thrown during write()', () => {
    for (const nested of [nestedMultiparts, nestedMessages]) {
      const ok = index(nested(31)).root;
      assert.equal(depth(ok), 32, nested.name);
      const chunks = chunksOf(nested(32), 32);
      // Attached messages count as attachments: a large limit, so that only the depth is tested here.
      const thrown = feedUntilThrow(chunks, { maxAttachmentBytes: 1 << 30 });
      assert.ok(thrown, `${nested.name}: 33 deep is refused`);
      assert.ok(isMissiveError(thrown.error, 'malformed_message'), String(thrown.error));
      assert.match((thrown.error as Error).message, /nested more than 32 deep/);
      assert.ok(thrown.chunk < chunks.length, 'thrown by write(), not end()');
    }
  });

  /** A part header of exactly `bytes` octets, its empty line included. */
  function partHeaderOf(bytes: number): string {
    let header = 'Content-Type: text/plain\r\n';
    const room = bytes - header.length - 2;
    const line = (length: number) => `X-Pad: ${'p'.repeat(length - 'X-Pad: \r\n'.length)}\r\n`;
    let left = room;
    while (left > 0) {
      const length = left >= 998 + 20 ? 998 : left;
      assert.ok(length >= 'X-Pad: \r\n'.length + 1, 'room for a padding line');
      header += line(length);
      left -= length;
    }
    header += '\r\n';
    assert.equal(header.length, bytes);
    return header;
  }

  function withPartHeader(header: string): { message: Buffer; bodyAt: number } {
    const head = crlf('From: a@demo.mssante.test\nContent-Type: multipart/mixed; boundary=h\n\n--h\n');
    const text = `${head}${header}body\r\n--h--\r\n`;
    return { message: octets(text), bodyAt: head.length + header.length };
  }

  it('a part header of 64 KiB is read; one byte more is malformed_message, thrown before its body is fed', () => {
    const fits = withPartHeader(partHeaderOf(64 * 1024));
    const part = index(fits.message).root.children[0]!;
    assert.equal(part.bodyStart, fits.bodyAt);
    assert.equal(part.contentType, 'text/plain');
    assert.equal(bodyOf(fits.message, part).toString(), 'body');

    const over = withPartHeader(partHeaderOf(64 * 1024 + 1));
    const chunks = chunksOf(over.message, 512);
    const thrown = feedUntilThrow(chunks, { maxAttachmentBytes: N });
    assert.ok(thrown);
    assert.ok(isMissiveError(thrown.error, 'malformed_message'), String(thrown.error));
    assert.match((thrown.error as Error).message, /MIME part header exceeds 65536 bytes/);
    assert.ok(thrown.fedBefore < over.bodyAt, 'refused before the body');
  });

  it('one endless header line is refused once it passes 64 KiB, without waiting for its end', () => {
    const message = octets(crlf(`From: a@demo.mssante.test\nContent-Type: multipart/mixed; boundary=h\n\n--h\nX-Endless: ${'e'.repeat(200_000)}`));
    const thrown = feedUntilThrow(chunksOf(message, 4096), { maxAttachmentBytes: N });
    assert.ok(thrown && isMissiveError(thrown.error, 'malformed_message'));
    assert.ok(thrown.fedBefore < 64 * 1024 + 4096 + 100, `refused after ${thrown.fedBefore} bytes`);
  });

  it(
    'the message header itself may be as large as the header block limit (256 KiB), as deposit accepts it',
    () => {
      const received = Array.from({ length: 110 }, (_, i) => `Received: from relay${i}.demo.mssante.test by mx.demo.mssante.test; ${'x'.repeat(900)}`).join('\n');
      const message = octets(crlf(`${received}\nFrom: a@demo.mssante.test\nSubject: many hops\n\nbody`));
      assert.ok(message.indexOf('\r\n\r\n') > 64 * 1024 && message.indexOf('\r\n\r\n') < MAX_HEADER_BLOCK_BYTES);
      const { root } = index(message);
      assert.equal(root.headers.length, 112);
    },
  );
});
