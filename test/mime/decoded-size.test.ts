import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as qp from 'nodemailer/lib/qp';
import {
  base64Lines,
  bodyOf,
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
  singlePart,
  splitAt,
  utf8,
} from './messages.ts';

const BASE64_ATTACHMENT = 'Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="payload.bin"';
const QP_TEXT = 'Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable';

/** Sizes 0..80 one by one (every padding case, every line fill), then random sizes up to 5000. */
function sizes(seed: number): number[] {
  const rng = random(seed);
  const out = Array.from({ length: 81 }, (_, i) => i);
  for (let i = 0; i < 60; i++) out.push(81 + rng.int(4920));
  out.push(4998, 4999, 5000);
  return out;
}

/**
 * Indexes the inMixed() message whole and cut at a few random places: both give the same part.
 * (Quoted-printable is fed whole here: chunking.test.ts cuts it everywhere.)
 */
function sizedPart(message: Buffer, rngSeed: number) {
  const part = partUnderTest(index(message));
  const rng = random(rngSeed);
  const cut = partUnderTest(indexChunks(splitAt(message, randomCuts(rng, message.length, 1 + rng.int(6)))));
  assert.equal(cut.decodedSize, part.decodedSize, 'the same decoded size when fed in pieces');
  return part;
}

describe('decodedSize of base64 parts equals what a base64 decoder yields', () => {
  for (const lineLength of [76, 64, 72, 4, 1, 3, 7, 75, 77, 998, Number.POSITIVE_INFINITY]) {
    it(`random payloads of 0..5000 bytes in lines of ${lineLength} characters`, () => {
      const rng = random(lineLength === Number.POSITIVE_INFINITY ? 1 : lineLength);
      for (const size of sizes(lineLength === Number.POSITIVE_INFINITY ? 99 : lineLength * 7)) {
        const payload = rng.bytes(size);
        const body = base64Lines(payload, lineLength);
        const oracle = Buffer.from(body, 'base64').length;
        assert.equal(oracle, size, 'the oracle decodes the payload back');
        const message = inMixed(BASE64_ATTACHMENT, body);
        const part = sizedPart(message, size);
        assert.equal(bodyOf(message, part).toString('latin1'), body);
        assert.equal(part.decodedSize, oracle, `${size} bytes in a multipart`);
        // As a single part the body runs to the end of the message, here with a final CRLF.
        assert.equal(index(singlePart(BASE64_ATTACHMENT, `${body}\r\n`)).root.decodedSize, oracle, `${size} bytes as a single part`);
      }
    });
  }

  it('padding "=" and "==", unpadded ends, trailing CRLFs and white space', () => {
    const cases: [string, number][] = [
      ['QQ==', 1],
      ['QUI=', 2],
      ['QUJD', 3],
      ['QQ', 1],
      ['QUI', 2],
      ['QUJDRA==\r\n', 4],
      ['QUJD\r\nRA==\r\n\r\n', 4],
      ['QUJD\r\nRA\r\n==', 4],
      ['QQ== ', 1],
      ['QUI=\t\r\n', 2],
      ['', 0],
      ['\r\n', 0],
    ];
    for (const [body, decoded] of cases) {
      assert.equal(Buffer.from(body, 'base64').length, decoded, `oracle for ${JSON.stringify(body)}`);
      const part = sizedPart(inMixed(BASE64_ATTACHMENT, body), body.length);
      assert.equal(part.decodedSize, decoded, JSON.stringify(body));
    }
  });

  it('matches the encoding name whatever its case and padding', () => {
    const part = partUnderTest(index(inMixed('Content-Type: image/png\nContent-Transfer-Encoding:  BASE64 ', 'QUJD')));
    assert.equal(part.encoding, 'base64');
    assert.equal(part.decodedSize, 3);
  });
});

describe('decodedSize of quoted-printable parts equals a reference decode (RFC 2045 §6.7)', () => {
  const TEXTISH = ['a', 'b', 'z', 'E', ' ', ' ', '\t', '=', '.', '-', '\r\n', '\r\n', '\xe9', '\xff', '\x00'];
  const payloads = (seed: number, kind: 'octets' | 'text') => {
    const rng = random(seed);
    return sizes(seed).map((size) =>
      kind === 'octets' ? rng.bytes(size) : Buffer.from(Array.from({ length: size }, () => rng.pick(TEXTISH)).join(''), 'latin1').subarray(0, size),
    );
  };

  for (const kind of ['octets', 'text'] as const) {
    for (const lineLength of [76, 40, 4]) {
      it(`random ${kind} payloads of 0..5000 bytes, soft-broken at ${lineLength} characters`, () => {
        for (const payload of payloads(lineLength + (kind === 'text' ? 1000 : 0), kind)) {
          if (payload.length > 0 && payload[payload.length - 1] === 13) continue; // a CR cut from its LF cannot end a canonical line
          const body = encodeQuotedPrintable(payload, lineLength);
          assert.ok(body.split('\r\n').every((line) => line.length <= lineLength), 'the encoder keeps to its line length');
          const oracle = decodeQuotedPrintable(octets(body));
          assert.deepEqual(oracle, payload, 'the reference decoder undoes the encoder');
          const message = inMixed(QP_TEXT, body);
          const part = partUnderTest(index(message));
          assert.equal(bodyOf(message, part).toString('latin1'), body);
          assert.equal(part.decodedSize, oracle.length, `${payload.length} bytes`);
        }
      });
    }
  }

  it('transport padding (trailing spaces and tabs) after any line, soft breaks included, is not counted', () => {
    const rng = random(2045);
    for (const payload of payloads(77, 'text')) {
      if (payload.length > 0 && payload[payload.length - 1] === 13) continue;
      const body = encodeQuotedPrintable(payload)
        .split('\r\n')
        .map((line) => (rng.next() < 0.5 ? line + rng.pick([' ', '\t', '  ', ' \t ']) : line))
        .join('\r\n');
      const oracle = decodeQuotedPrintable(octets(body));
      assert.deepEqual(oracle, payload, 'padding decodes to nothing');
      assert.equal(partUnderTest(index(inMixed(QP_TEXT, body))).decodedSize, oracle.length, JSON.stringify(body.slice(0, 60)));
    }
  });

  it("nodemailer's encoder output (qp.encode + qp.wrap) on canonical text", () => {
    const rng = random(5322);
    const words = ['Bonjour', 'compte', 'rendu', utf8('échographie'), utf8('à'), '=', 'a=b', ' ', '  ', '\t', '\r\n', '\r\n', '.', utf8('Éloïse'), 'x'.repeat(90)];
    for (let round = 0; round < 150; round++) {
      const payload = Buffer.from(Array.from({ length: rng.int(400) }, () => rng.pick(words)).join(''), 'latin1');
      const body = qp.wrap(qp.encode(payload), 76);
      const oracle = decodeQuotedPrintable(octets(body));
      assert.deepEqual(oracle, payload, 'the reference decoder undoes nodemailer');
      assert.equal(partUnderTest(index(inMixed(QP_TEXT, body))).decodedSize, oracle.length);
    }
  });

  it('hand-written cases: soft breaks, =3D, lower-case hex, padding, "=" at the end of a line and of the body', () => {
    const cases: [string, number][] = [
      ['abc=\r\ndef', 6],
      ['a=3Db', 3],
      ['a=3db', 3],
      ['=C3=A9t=C3=A9', 5],
      ['trailing   \r\nx', 11],
      ['tab\t\r\n', 5],
      ['soft=  \r\nnext', 8],
      ['soft=\t\r\n', 4],
      ['=\r\n=\r\nx', 1],
      ['ends with a soft break=', 22],
      ['line\r\n\r\n', 8],
      ['=20\r\n', 3],
      ['a=\r\n\r\nb', 4],
      ['', 0],
    ];
    for (const [body, decoded] of cases) {
      assert.equal(decodeQuotedPrintable(octets(body)).length, decoded, `oracle for ${JSON.stringify(body)}`);
      assert.equal(partUnderTest(index(inMixed(QP_TEXT, body))).decodedSize, decoded, JSON.stringify(body));
    }
  });

  it(
    'an "=" not followed by two hex digits is kept literally, as decoders do',
    () => {
      for (const [body, decoded] of [['=ZZ', 3], ['a=G1b', 5], ['=\t\tx', 4]] as const) {
        assert.equal(decodeQuotedPrintable(octets(body)).length, decoded);
        assert.equal(partUnderTest(index(inMixed(QP_TEXT, body))).decodedSize, decoded, JSON.stringify(body));
      }
    },
  );
});

describe('decodedSize of 7bit, 8bit and binary parts equals the body length', () => {
  it('random 7bit and 8bit texts inside a multipart, ending with or without line breaks', () => {
    const rng = random(822);
    const words = ['Bonjour', ' ', 'docteur', '\r\n', '\r\n\r\n', '- liste', '-- ', '--', '.', utf8('é'), utf8('€'), '\t'];
    for (let round = 0; round < 300; round++) {
      const body = Array.from({ length: rng.int(120) }, () => rng.pick(words)).join('');
      for (const encoding of ['7bit', '8bit']) {
        const message = inMixed(`Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: ${encoding}`, body);
        const part = sizedPart(message, round);
        assert.equal(bodyOf(message, part).toString('latin1'), body);
        assert.equal(part.decodedSize, octets(body).length, JSON.stringify(body));
      }
    }
  });

  // Deposit canonicalises every line end (canonical-stream.ts), so the indexer never sees a bare
  // CR or LF, binary bodies included: only canonical binary content is in scope.
  it('binary with canonical line ends (CR and LF only as CRLF)', () => {
    const rng = random(3030);
    for (const size of sizes(3030)) {
      const payload = Buffer.from(Array.from(rng.bytes(size), (byte) => (byte === 13 || byte === 10 ? 0x20 : byte)));
      for (let i = 0; i + 1 < payload.length; i += 1 + rng.int(200)) payload.set([13, 10], i);
      const message = inMixed('Content-Type: application/octet-stream\nContent-Transfer-Encoding: binary', payload);
      const part = sizedPart(message, size);
      assert.deepEqual(bodyOf(message, part), payload);
      assert.equal(part.decodedSize, payload.length, `${size} bytes`);
    }
  });

  it('multipart containers have no decoded size of their own', () => {
    const { root } = index(inMixed(BASE64_ATTACHMENT, 'QUJD'));
    assert.equal(root.decodedSize, 0);
  });

  it(
    'a single-part body that ends with a line break counts that line break',
    () => {
      const text = singlePart('Content-Type: text/plain', 'Hello\r\n');
      assert.equal(index(text).root.decodedSize, 7);
      const printable = singlePart(QP_TEXT, 'abc\r\n');
      assert.equal(index(printable).root.decodedSize, decodeQuotedPrintable(octets('abc\r\n')).length);
    },
  );

  it(
    'a text line starting with "-" longer than 256 bytes is counted exactly',
    () => {
      const body = `-${'x'.repeat(300)}\r\nend`;
      const message = inMixed('Content-Type: text/plain', body);
      assert.equal(partUnderTest(index(message)).decodedSize, body.length);
    },
  );
});

describe('decodedSize as a single part (body up to the end of the message)', () => {
  it('7bit without a final line break, base64 and quoted-printable ending in a soft break', () => {
    assert.equal(index(singlePart('Content-Type: text/plain', 'Hello\r\nworld')).root.decodedSize, 12);
    assert.equal(index(singlePart(BASE64_ATTACHMENT, 'QUJD\r\nRA==\r\n')).root.decodedSize, 4);
    assert.equal(index(singlePart(QP_TEXT, crlf('caf=E9 au =\nlait'))).root.decodedSize, 12);
  });

  it(
    'quoted-printable whose last line, at the very end of the message, ends in "="',
    () => {
      const body = crlf('caf=E9 au =\nlait=');
      assert.equal(decodeQuotedPrintable(octets(body)).length, 12);
      assert.equal(index(singlePart(QP_TEXT, body)).root.decodedSize, 12);
    },
  );
});
