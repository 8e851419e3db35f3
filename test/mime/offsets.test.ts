import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURES } from './fixtures.ts';
import { bodyOf, crlf, index, marked, octets, partsByPath, pathOf } from './messages.ts';

describe('MimeIndexer offsets, tree and header fields', () => {
  for (const fixture of FIXTURES) {
    it(fixture.name, () => {
      const { root, preview } = index(fixture.message);
      const parts = partsByPath(root);
      // The tree has exactly the parts the template marks, at the same paths.
      assert.deepEqual([...parts.keys()].sort(), [...fixture.spans.keys()].sort());
      for (const [path, span] of fixture.spans) {
        const part = parts.get(path)!;
        const where = `part "${path}"`;
        assert.deepEqual({ headerStart: part.headerStart, bodyStart: part.bodyStart, bodyEnd: part.bodyEnd }, span, `${where}: offsets`);
        const expected = fixture.parts[path]!;
        const { body, ...fields } = expected;
        const actual: Record<string, unknown> = {};
        for (const key of Object.keys(fields)) actual[key] = part[key as keyof typeof part];
        assert.deepEqual(actual, fields, `${where}: fields`);
        if (body !== undefined) assert.equal(bodyOf(fixture.message, part).toString('latin1'), body, `${where}: body octets`);
      }
      // The root spans the whole message.
      assert.equal(root.headerStart, 0);
      assert.equal(root.bodyEnd, fixture.message.length);
      assert.equal(preview === null ? null : pathOf(root, preview.part), fixture.preview);
    });
  }

  it('headerStart points at the first header line and bodyStart just past the empty line', () => {
    for (const fixture of FIXTURES) {
      for (const [path, part] of partsByPath(index(fixture.message).root)) {
        const header = fixture.message.toString('latin1', part.headerStart, part.bodyStart);
        const where = `${fixture.name} "${path}"`;
        if (header === '\r\n') continue; // a part without header fields: just its empty line
        assert.match(header, /^[\x21-\x39\x3b-\x7e]+:/, `${where}: starts with a header field`);
        // Either the fields and the empty line, or (a part ending before its empty line) fields only,
        // their last CRLF left to the delimiter.
        assert.ok(header.endsWith('\r\n\r\n') || (part.bodyStart === part.bodyEnd && !header.endsWith('\r\n')), `${where}: ends with its empty line`);
      }
    }
  });

  it('keeps the part headers unfolded, names as written, in order', () => {
    const fixture = FIXTURES.find((f) => f.name.startsWith('RFC 2231'))!;
    const part = partsByPath(index(fixture.message).root).get('2')!;
    assert.deepEqual(part.headers, [
      { name: 'Content-Type', value: 'text/plain; name*0="a long name "; name*1="in two pieces.txt"' },
      { name: 'Content-Disposition', value: 'inline' },
    ]);
  });

  it('defaults: text/plain and 7bit without headers, lower-cases type, subtype and encoding', () => {
    const { root } = index(octets(crlf('From: a@demo.mssante.test\nContent-Type: TEXT/HTML; Charset=UTF-8\nContent-Transfer-Encoding: Quoted-Printable\n\n<p>x</p>')));
    assert.equal(root.contentType, 'text/html');
    assert.equal(root.encoding, 'quoted-printable');
    assert.equal(root.params.charset, 'UTF-8');
    const bare = index(octets(crlf('From: a@demo.mssante.test\n\nbody'))).root;
    assert.deepEqual([bare.contentType, bare.encoding, bare.attachment], ['text/plain', '7bit', false]);
    const invalid = index(octets(crlf('From: a@demo.mssante.test\nContent-Type: not a type\n\nbody'))).root;
    assert.equal(invalid.contentType, 'text/plain');
  });

  it('a message without an empty line is all header: the body is empty at its end', () => {
    const message = octets(crlf('From: a@demo.mssante.test\nSubject: no body'));
    const { root } = index(message);
    assert.deepEqual([root.headerStart, root.bodyStart, root.bodyEnd], [0, message.length, message.length]);
    assert.equal(root.headers.length, 2);
  });

  it('a multipart without its close delimiter ends its last part at the end of the message', () => {
    const { message, spans } = marked(`⟦h⟧From: a@demo.mssante.test
Content-Type: multipart/mixed; boundary=cut

⟦b⟧--cut
⟦h1⟧Content-Type: text/plain

⟦b1⟧truncated⟦e1⟧⟦e⟧`);
    const parts = partsByPath(index(message).root);
    for (const [path, span] of spans) {
      const part = parts.get(path)!;
      assert.deepEqual({ headerStart: part.headerStart, bodyStart: part.bodyStart, bodyEnd: part.bodyEnd }, span, path);
    }
  });

  it('ignores a delimiter of a closed multipart in its epilogue', () => {
    const { message, spans } = marked(`⟦h⟧From: a@demo.mssante.test
Content-Type: multipart/mixed; boundary=ep

⟦b⟧--ep
⟦h1⟧
⟦b1⟧one⟦e1⟧
--ep--
--ep
not a part
⟦e⟧`);
    const parts = partsByPath(index(message).root);
    assert.deepEqual([...parts.keys()], ['', '1']);
    for (const [path, span] of spans) {
      const part = parts.get(path)!;
      assert.deepEqual({ headerStart: part.headerStart, bodyStart: part.bodyStart, bodyEnd: part.bodyEnd }, span, path);
    }
  });

  it(
    'an empty part (delimiter right after delimiter) has bodyStart >= headerStart',
    () => {
      const message = octets(crlf('From: a@demo.mssante.test\nContent-Type: multipart/mixed; boundary=e\n\n--e\n--e\n\nx\n--e--\n'));
      const empty = index(message).root.children[0]!;
      const start = message.indexOf('--e\r\n--e') + 5;
      assert.equal(empty.headerStart, start);
      assert.ok(empty.bodyStart >= empty.headerStart, `bodyStart ${empty.bodyStart} < headerStart ${empty.headerStart}`);
      assert.ok(empty.bodyEnd >= empty.bodyStart);
    },
  );

  it(
    'a multipart/digest part with headers but no body still defaults to message/rfc822',
    () => {
      const message = octets(crlf('From: a@demo.mssante.test\nContent-Type: multipart/digest; boundary=d\n\n--d\nSubject: headers only\n--d--\n'));
      assert.equal(index(message).root.children[0]!.contentType, 'message/rfc822');
    },
  );

  it(
    'a line longer than the line head is no delimiter even if its first 256 bytes are "--boundary" and spaces',
    () => {
      const message = octets(crlf(`From: a@demo.mssante.test\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nbody\n--b${' '.repeat(260)}X\nmore\n--b--\n`));
      const { root } = index(message);
      assert.equal(root.children.length, 1);
      assert.equal(bodyOf(message, root.children[0]!).toString('latin1'), `body\r\n--b${' '.repeat(260)}X\r\nmore`);
    },
  );
});
