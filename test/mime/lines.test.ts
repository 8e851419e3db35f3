/**
 * `lines`: IMAP BODYSTRUCTURE reports, for text/* and message/rfc822 parts, the size of the body
 * in text lines: the number of lines in the body octets (lines ended by CRLF, plus a last line
 * without one; see linesIn()).
 *
 * MimeIndexer gives every non-multipart part linesIn(body) — whether the body runs to the end of
 * the message or ends at a delimiter (whose preceding CRLF is not the body's) — and a
 * message/rfc822 part the lines of the message it holds. Multipart containers have 0. Every leaf
 * is counted, whatever its type and encoding (base64 lines included).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bodyOf, crlf, index, indexChunks, inMixed, linesIn, octets, partUnderTest, random, singlePart, splitAt, randomCuts } from './messages.ts';

const WORDS = ['Bonjour', ' ', 'docteur', '\r\n', '\r\n', '\r\n\r\n', '- tiret', '--', 'x'.repeat(300), '.'];

function randomBodies(seed: number, count: number): string[] {
  const rng = random(seed);
  return Array.from({ length: count }, () => Array.from({ length: rng.int(40) }, () => rng.pick(WORDS)).join(''));
}

describe('lines', () => {
  it('linesIn (the IMAP count used as the expectation) on known bodies', () => {
    assert.deepEqual(
      ['', 'a', 'a\r\n', 'a\r\nb', 'a\r\nb\r\n', '\r\n', '\r\n\r\n'].map((body) => linesIn(octets(body))),
      [0, 1, 1, 2, 2, 1, 2],
    );
  });

  it('a single-part body has linesIn(body) lines, with or without a final line break', () => {
    for (const [body, lines] of [['', 0], ['a', 1], ['a\r\n', 1], ['a\r\nb', 2], ['a\r\nb\r\n', 2], ['\r\n\r\n', 2]] as const) {
      assert.equal(index(singlePart('Content-Type: text/plain', body)).root.lines, lines, JSON.stringify(body));
    }
    for (const body of randomBodies(1, 200)) {
      const message = singlePart('Content-Type: text/plain', body);
      const root = index(message).root;
      assert.equal(root.lines, linesIn(octets(body)), JSON.stringify(body.slice(0, 80)));
      assert.equal(indexChunks(splitAt(message, randomCuts(random(body.length), message.length, 5))).root.lines, root.lines);
    }
  });

  it('in a multipart, a body that does not end with a line break has linesIn(body) lines', () => {
    for (const body of randomBodies(2, 300)) {
      const trimmed = body.replace(/(\r\n)+$/, '');
      if (trimmed === '') continue;
      const message = inMixed('Content-Type: text/plain', trimmed);
      const part = partUnderTest(index(message));
      assert.equal(bodyOf(message, part).toString('latin1'), trimmed);
      assert.equal(part.lines, linesIn(octets(trimmed)), JSON.stringify(trimmed.slice(0, 80)));
    }
  });

  it('in a multipart, any body has linesIn(body) lines (the delimiter CRLF is not counted)', () => {
    for (const body of [...randomBodies(3, 300), '', 'a\r\n', '\r\n']) {
      const part = partUnderTest(index(inMixed('Content-Type: text/plain', body)));
      assert.equal(part.lines, linesIn(octets(body)), JSON.stringify(body.slice(0, 80)));
    }
  });

  it(
    'in a multipart, a body that ends with a line break has linesIn(body) lines, as the same body alone',
    () => {
      for (const body of ['Hello\r\n', 'Hello\r\nWorld\r\n', '\r\n', 'a\r\n\r\n']) {
        const part = partUnderTest(index(inMixed('Content-Type: text/plain', body)));
        const alone = index(singlePart('Content-Type: text/plain', body)).root;
        assert.equal(part.lines, linesIn(octets(body)), `${JSON.stringify(body)} in a multipart`);
        assert.equal(part.lines, alone.lines, `${JSON.stringify(body)}: same as alone`);
      }
    },
  );

  it('base64 text is counted in encoded lines; multipart containers have none', () => {
    const body = Buffer.from('x'.repeat(500)).toString('base64').replace(/(.{76})/g, '$1\r\n');
    const { root } = index(inMixed('Content-Type: text/plain\nContent-Transfer-Encoding: base64', body));
    assert.equal(root.lines, 0);
    assert.equal(root.children[1]!.lines, linesIn(octets(body)));
    assert.equal(root.children[1]!.lines, 9);
  });

  it('a non-text leaf gets the same count (harmless: BODYSTRUCTURE only prints it for text)', () => {
    const part = partUnderTest(index(inMixed('Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64', 'QUJD\r\nREVG')));
    assert.equal(part.lines, 2);
  });

  it(
    'a message/rfc822 part reports the lines of the message it holds',
    () => {
      const inner = crlf('From: b@demo.mssante.test\nSubject: inner\n\nline one\nline two');
      const message = inMixed('Content-Type: message/rfc822', inner);
      const part = partUnderTest(index(message));
      assert.equal(bodyOf(message, part).toString('latin1'), inner);
      assert.equal(part.lines, linesIn(octets(inner)));
      assert.equal(part.lines, 5);
    },
  );
});
