import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURES } from './fixtures.ts';
import {
  chunksOf,
  crlf,
  decodeQuotedPrintable,
  encodeQuotedPrintable,
  index,
  indexChunks,
  inMixed,
  octets,
  partUnderTest,
  random,
  randomCuts,
  snapshot,
  splitAt,
} from './messages.ts';

/** The first cut positions (at most `max`) where a two-chunk feed disagrees with the one-chunk result. */
function disagreeingCuts(message: Buffer, picture: (result: ReturnType<typeof index>) => string, max = 8): number[] {
  const whole = picture(index(message));
  const bad: number[] = [];
  for (let cut = 1; cut < message.length && bad.length < max; cut++) {
    if (picture(indexChunks(splitAt(message, [cut]))) !== whole) bad.push(cut);
  }
  return bad;
}

describe('MimeIndexer is independent of how the message is cut into chunks', () => {
  for (const [n, fixture] of FIXTURES.entries()) {
    it(fixture.name, () => {
      const { message } = fixture;
      const whole = snapshot(index(message));
      assert.equal(snapshot(indexChunks(chunksOf(message, 1))), whole, 'byte by byte');
      for (const size of [2, 3, 7, 64, 255, 256, 257, 1024]) {
        assert.equal(snapshot(indexChunks(chunksOf(message, size))), whole, `chunks of ${size}`);
      }
      for (let cut = 1; cut < message.length; cut++) {
        assert.equal(snapshot(indexChunks(splitAt(message, [cut]))), whole, `two chunks cut at ${cut}`);
      }
      const rng = random(0x5eed + n);
      for (let round = 0; round < 40; round++) {
        const cuts = randomCuts(rng, message.length, 2 + rng.int(15));
        assert.equal(snapshot(indexChunks(splitAt(message, cuts))), whole, `cut at ${cuts.join(',')}`);
      }
      // Empty chunks change nothing either.
      const withEmpty = splitAt(message, [0, 0, Math.floor(message.length / 2), Math.floor(message.length / 2), message.length]);
      assert.equal(snapshot(indexChunks(withEmpty)), whole, 'with empty chunks');
    });
  }

  it('base64 and 8bit parts: the decoded sizes do not depend on the cuts either (random payloads)', () => {
    const rng = random(7);
    for (let round = 0; round < 20; round++) {
      const payload = rng.bytes(rng.int(600));
      const message = inMixed('Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64', payload.toString('base64').replace(/(.{1,76})/g, '$1\r\n').replace(/\r\n$/, ''));
      const whole = snapshot(index(message));
      assert.equal(partUnderTest(index(message)).decodedSize, payload.length);
      for (let cut = 1; cut < message.length; cut += 1 + rng.int(5)) assert.equal(snapshot(indexChunks(splitAt(message, [cut]))), whole, `cut at ${cut}`);
    }
  });

  it('base64 with white space and stray "=" inside its lines: the sizes do not depend on the cuts, and white space counts for nothing', () => {
    const rng = random(11);
    for (let round = 0; round < 20; round++) {
      const payload = rng.bytes(200 + rng.int(400));
      // White space sprinkled into the lines, as some encoders and hand edits leave it.
      const spaced = payload.toString('base64').replace(/.{1,76}/g, (line) => line.replace(/.{1,9}/g, (piece) => piece + [' ', '\t', ''][rng.int(3)]));
      const lines = spaced.replace(/(.{1,80})/g, '$1\r\n').replace(/\r\n$/, '');
      const message = inMixed('Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64', lines);
      const whole = snapshot(index(message));
      assert.equal(partUnderTest(index(message)).decodedSize, payload.length);
      for (let cut = 1; cut < message.length; cut += 1 + rng.int(7)) assert.equal(snapshot(indexChunks(splitAt(message, [cut]))), whole, `cut at ${cut}`);
      // A stray "=" inside a line is not counted, wherever it falls.
      const stray = inMixed('Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64', lines.replace(/(\r\n[^\r]{10})/, '$1='));
      const strayWhole = snapshot(index(stray));
      assert.equal(partUnderTest(index(stray)).decodedSize, payload.length);
      for (let cut = 1; cut < stray.length; cut += 1 + rng.int(7)) assert.equal(snapshot(indexChunks(splitAt(stray, [cut]))), strayWhole, `cut at ${cut}`);
    }
  });

  it(
    'quoted-printable: a cut inside "=XX", before a soft break or inside trailing white space changes nothing',
    () => {
      const body = crlf('Ligne avec =3D et un accent =C3=A9   \nune coupure douce=\nen fin de ligne=  \n=\nfin');
      const message = inMixed('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable', body);
      const expected = decodeQuotedPrintable(octets(body)).length;
      assert.equal(partUnderTest(index(message)).decodedSize, expected, 'in one chunk');
      const bad = disagreeingCuts(message, (result) => JSON.stringify(partUnderTest(result)));
      const shown = bad.map((cut) => `${JSON.stringify(message.toString('latin1', cut - 4, cut))} | ${JSON.stringify(message.toString('latin1', cut, cut + 3))}`);
      assert.deepEqual(shown, [], 'cuts that change the result (4 bytes before | 3 bytes after the cut)');
    },
  );

  it('quoted-printable without escapes, padding or soft breaks at the cut is independent of the cuts', () => {
    // The cuts fall only inside plain runs of text: this part of the QP counting is chunk-safe.
    const rng = random(11);
    const payload = Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 40 === 39 ? '\r\n' : String.fromCharCode(97 + rng.int(26)))).join(''), 'latin1');
    const body = encodeQuotedPrintable(payload);
    const message = inMixed('Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable', body);
    const whole = snapshot(index(message));
    const start = message.indexOf(body);
    for (let cut = start; cut < start + body.length; cut++) {
      const around = message.toString('latin1', cut - 2, cut + 2);
      if (/[=\r\n \t]/.test(around)) continue;
      assert.equal(snapshot(indexChunks(splitAt(message, [cut]))), whole, `cut at ${cut}`);
    }
    assert.equal(partUnderTest(index(message)).decodedSize, payload.length);
  });
});
