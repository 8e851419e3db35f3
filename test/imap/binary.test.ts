import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaryOf } from '../../src/protocols/imap/body-section.ts';
import { encode } from '../../src/protocols/imap/codec/response-writer.ts';
import type { StoredPart } from '../../src/services/deposit/message-index.ts';

/** A multipart of three leaves, each body between its markers in `content`. */
function message(encodings: string[], bodies: string[]): { structure: StoredPart; content: Buffer } {
  let text = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n';
  const children = bodies.map((body, index): StoredPart => {
    text += '--b\r\n';
    const headerStart = text.length;
    text += `Content-Transfer-Encoding: ${encodings[index]}\r\n\r\n`;
    const bodyStart = text.length;
    text += body;
    const bodyEnd = text.length;
    text += '\r\n';
    return { contentType: 'application/octet-stream', params: {}, disposition: null, dispositionParams: {}, encoding: encodings[index]!, contentId: null, description: null, headerStart, bodyStart, bodyEnd, lines: 0, decodedSize: 0, attachment: true, children: [] };
  });
  text += '--b--\r\n';
  const structure: StoredPart = { ...children[0]!, contentType: 'multipart/mixed', encoding: '7bit', headerStart: 0, bodyStart: 0, bodyEnd: text.length, children };
  return { structure, content: Buffer.from(text, 'latin1') };
}

test('BINARY: base64 and quoted-printable undone, 7bit as is, the whole message for an empty section, null for an unknown encoding, empty for no such part', () => {
  const bytes = Buffer.from([0x25, 0x50, 0x00, 0xff, 0x0a, 0x41]);
  const { structure, content } = message(['base64', 'quoted-printable', '7bit', 'x-uuencode'], [bytes.toString('base64').replace(/(.{4})/, '$1\r\n'), 'caf=C3=A9 =\r\ncr=C3=A8me', 'texte', 'begin 644 x']);
  assert.deepEqual(binaryOf(structure, content, '1'), bytes);
  assert.equal(binaryOf(structure, content, '2')!.toString('utf8'), 'café crème');
  assert.equal(binaryOf(structure, content, '3')!.toString(), 'texte');
  assert.equal(binaryOf(structure, content, '4'), null);
  assert.deepEqual(binaryOf(structure, content, ''), content);
  assert.equal(binaryOf(structure, content, '9')!.length, 0);
});

test('BINARY: decoded content goes as a literal8 (~{n}) when asked, a plain literal otherwise', () => {
  assert.equal(encode({ literal: Buffer.from('a\0b'), binary: true }).toString('latin1'), '~{3}\r\na\0b');
  assert.equal(encode({ literal: Buffer.from('ab') }).toString(), '{2}\r\nab');
});
