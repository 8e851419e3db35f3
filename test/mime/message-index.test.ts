import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMissiveError } from '../../src/core/errors.ts';
import type { MimePart } from '../../src/core/mime/mime-part.ts';
import { createIndexer, type MessageIndex, type StoredPart } from '../../src/services/deposit/message-index.ts';
import { FIXTURES } from './fixtures.ts';
import { base64Lines, chunksOf, crlf, index, octets, utf8 } from './messages.ts';

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** Indexes a message (a template with \n line ends, octets) through createIndexer, in small chunks. */
function summarise(template: string | Buffer, maxAttachmentBytes = NO_LIMIT): MessageIndex {
  const message = typeof template === 'string' ? octets(crlf(template)) : template;
  const indexer = createIndexer(maxAttachmentBytes);
  for (const chunk of chunksOf(message, 64)) indexer.write(chunk);
  return indexer.end();
}

const b64 = (text: string, charset: BufferEncoding = 'utf8') => Buffer.from(text, charset).toString('base64');
const FROM = 'From: emartin@demo.mssante.test';

describe('message index: header fields', () => {
  it('decodes RFC 2047 B and Q encoded words, UTF-8 and ISO-8859-1, across folded lines', () => {
    const cases: [string, string][] = [
      [`=?UTF-8?B?${b64('Compte rendu ')}?= =?ISO-8859-1?Q?d=E9taill=E9_du_22/11?=`, 'Compte rendu détaillé du 22/11'],
      ['Re: =?utf-8?q?=C3=89chographie?= du patient', 'Re: Échographie du patient'],
      [`=?ISO-8859-1?B?${b64('Résultats', 'latin1')}?=`, 'Résultats'],
      ["=?UTF-8?Q?Lettre_de_liaison_?=\n =?UTF-8?Q?=C3=A0_l'h=C3=B4pital?=", "Lettre de liaison à l'hôpital"],
      ['Plain subject, =?not encoded', 'Plain subject, =?not encoded'],
    ];
    for (const [raw, decoded] of cases) assert.equal(summarise(`${FROM}\nSubject: ${raw}\n\nx`).subject, decoded, raw);
    assert.equal(summarise(`${FROM}\n\nx`).subject, null);
    assert.equal(summarise(`${FROM}\nSubject:\n\nx`).subject, '');
  });

  it('parses From, Sender, Reply-To, To and Cc: encoded display names, quoted names, groups flattened', () => {
    const index = summarise(`From: =?UTF-8?B?${b64('Éloïse Martin')}?= <emartin@demo.mssante.test>
Sender: secretariat@demo.mssante.test
Reply-To: "Cardiologie (accueil)" <cardio@demo.mssante.test>
To: =?ISO-8859-1?Q?Service_de_cardiologie?=: =?UTF-8?Q?J=C3=A9r=C3=B4me_Dupont?= <jdupont@demo.mssante.test>,
 khaddad@demo.mssante.test;, "Bernard, Sophie" <sbernard@demo.mssante.test>
Cc: undisclosed-recipients:;
Subject: x

x`);
    assert.deepEqual(index.from, [{ name: 'Éloïse Martin', address: 'emartin@demo.mssante.test' }]);
    assert.deepEqual(index.sender, [{ name: '', address: 'secretariat@demo.mssante.test' }]);
    assert.deepEqual(index.replyTo, [{ name: 'Cardiologie (accueil)', address: 'cardio@demo.mssante.test' }]);
    assert.deepEqual(index.to, [
      { name: 'Jérôme Dupont', address: 'jdupont@demo.mssante.test' },
      { name: '', address: 'khaddad@demo.mssante.test' },
      { name: 'Bernard, Sophie', address: 'sbernard@demo.mssante.test' },
    ]);
    assert.deepEqual(index.cc, []);
  });

  it('parses Date, comments removed, to epoch milliseconds; null when absent or unreadable', () => {
    const at = (value: string) => summarise(`${FROM}\nDate: ${value}\n\nx`).date;
    assert.equal(at('Tue, 1 Jul 2003 10:52:37 +0200'), Date.UTC(2003, 6, 1, 8, 52, 37));
    assert.equal(at('Tue, 1 Jul 2003 10:52:37 +0200 (CEST)'), Date.UTC(2003, 6, 1, 8, 52, 37));
    assert.equal(at('Sun, 21 Mar 1993 23:56:48 -0800 (Pacific Standard Time)'), Date.UTC(1993, 2, 22, 7, 56, 48));
    assert.equal(at('Tue, 1 Jul 2003 (mardi) 10:52:37 +0200'), Date.UTC(2003, 6, 1, 8, 52, 37));
    assert.equal(at('1 Jul 2003 10:52:37 GMT'), Date.UTC(2003, 6, 1, 10, 52, 37));
    assert.equal(at('not a date'), null);
    assert.equal(summarise(`${FROM}\n\nx`).date, null);
  });

  it(
    'parses a Date whose comment nests another comment (RFC 5322 §3.2.2)',
    () => {
      assert.equal(summarise(`${FROM}\nDate: Tue, 1 Jul 2003 10:52:37 +0200 (heure (d'été) de Paris)\n\nx`).date, Date.UTC(2003, 6, 1, 8, 52, 37));
    },
  );

  it('keeps Message-ID, In-Reply-To and References', () => {
    const index = summarise(`${FROM}\nMessage-ID: <a1@demo.mssante.test>\nIn-Reply-To: <a0@demo.mssante.test>\nReferences: <r1@x>\n  <r2@x>\t<a0@demo.mssante.test>\n\nx`);
    assert.equal(index.messageId, '<a1@demo.mssante.test>');
    assert.equal(index.inReplyTo, '<a0@demo.mssante.test>');
    assert.deepEqual(index.references, ['<r1@x>', '<r2@x>', '<a0@demo.mssante.test>']);
    const none = summarise(`${FROM}\n\nx`);
    assert.deepEqual([none.messageId, none.inReplyTo, none.references], [null, null, []]);
  });

  it('keeps the MSSanté X-MSS-* headers (names in any case, encoded words decoded) and Disposition-Notification-To', () => {
    const index = summarise(`${FROM}
X-MSS-CODECDA: 11488-4
x-mss-ins: 1 84 12 75 123 456 78
X-Mss-Nil: =?UTF-8?Q?Num=C3=A9ro?= NIL
X-MSS-MES: MES-2024-0001
Disposition-Notification-To: "Dr Martin" <emartin@demo.mssante.test>
Subject: x

x`);
    assert.deepEqual(index.mss, { codeCda: '11488-4', ins: '1 84 12 75 123 456 78', nil: 'Numéro NIL', mes: 'MES-2024-0001' });
    assert.equal(index.dispositionNotificationTo, 'emartin@demo.mssante.test');
    const none = summarise(`${FROM}\n\nx`);
    assert.deepEqual(none.mss, { codeCda: null, ins: null, nil: null, mes: null });
    assert.equal(none.dispositionNotificationTo, null);
  });
});

describe('message index: attachments', () => {
  const image = base64Lines(Buffer.alloc(100, 7), 76).replace(/\r\n/g, '\n');
  const pdf = base64Lines(Buffer.alloc(2000, 1), 76).replace(/\r\n/g, '\n');

  it('lists the file parts with IMAP part numbers, decoded sizes, Content-ID and the inline flag', () => {
    const index = summarise(`${FROM}
Content-Type: multipart/mixed; boundary=m

--m
Content-Type: multipart/related; boundary=r

--r
Content-Type: multipart/alternative; boundary=a

--a
Content-Type: text/plain

Bonjour
--a
Content-Type: text/html

<p>Bonjour <img src="cid:logo@x"></p>
--a--
--r
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-ID: <logo@x>

${image}
--r--
--m
Content-Type: application/pdf
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sultat.pdf

${pdf}
--m
Content-Type: image/jpeg; name="photo.jpg"
Content-Transfer-Encoding: base64
Content-Disposition: inline

${image}
--m
Content-Type: text/plain; charset=utf-8
Content-Disposition: attachment; filename="notes.txt"

notes
--m--
`);
    assert.deepEqual(index.attachments, [
      { part: '1.2', filename: null, contentType: 'image/png', size: 100, contentId: '<logo@x>', inline: true },
      { part: '2', filename: 'résultat.pdf', contentType: 'application/pdf', size: 2000, contentId: null, inline: false },
      { part: '3', filename: 'photo.jpg', contentType: 'image/jpeg', size: 100, contentId: null, inline: true },
      { part: '4', filename: 'notes.txt', contentType: 'text/plain', size: 5, contentId: null, inline: false },
    ]);
    assert.equal(index.textPreview, 'Bonjour');
  });

  it('a message that is one file is attachment "1"; a text message has none', () => {
    const index = summarise(`${FROM}\nContent-Type: application/pdf; name=scan.pdf\nContent-Transfer-Encoding: base64\n\n${pdf}\n`);
    assert.deepEqual(index.attachments, [{ part: '1', filename: 'scan.pdf', contentType: 'application/pdf', size: 2000, contentId: null, inline: false }]);
    assert.deepEqual(summarise(`${FROM}\n\nhello`).attachments, []);
  });

  it('an attached message is one attachment (its own parts are not listed)', () => {
    const fixture = FIXTURES.find((f) => f.name.startsWith('message/rfc822'))!;
    const index = summarise(fixture.message);
    assert.deepEqual(
      index.attachments.map(({ size: _size, ...rest }) => rest),
      [{ part: '2', filename: 'original.eml', contentType: 'message/rfc822', contentId: null, inline: false }],
    );
  });

  it(
    'the size of an attached message is the size of the message it holds',
    () => {
      const fixture = FIXTURES.find((f) => f.name.startsWith('message/rfc822'))!;
      const span = fixture.spans.get('2')!;
      assert.equal(summarise(fixture.message).attachments[0]!.size, span.bodyEnd - span.bodyStart);
    },
  );

  it('passes the attachment limit through: write() throws attachment_too_large', () => {
    const indexer = createIndexer(1000);
    const message = octets(crlf(`${FROM}\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n${pdf}\n`));
    assert.throws(
      () => {
        for (const chunk of chunksOf(message, 64)) indexer.write(chunk);
      },
      (error: unknown) => isMissiveError(error, 'attachment_too_large'),
    );
  });
});

describe('message index: text preview', () => {
  it('from base64 UTF-8 text', () => {
    let text = 'Bonjour Éloïse, voici le compte rendu de l’échographie.';
    while (Buffer.byteLength(text) % 3 !== 0) text += '.';
    const index = summarise(`${FROM}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n${base64Lines(Buffer.from(text), 20).replace(/\r\n/g, '\n')}\n`);
    assert.equal(index.textPreview, text);
  });

  it(
    'from base64 text whose length is not a multiple of 3 bytes (padded with "=")',
    () => {
      assert.equal(summarise(`${FROM}\nContent-Transfer-Encoding: base64\n\n${b64('Hello')}\n`).textPreview, 'Hello');
      assert.equal(summarise(`${FROM}\nContent-Transfer-Encoding: base64\n\n${b64('Bonjour docteur')}\n`).textPreview, 'Bonjour docteur');
    },
  );

  it('from quoted-printable ISO-8859-1 text (hard line breaks, =3D)', () => {
    const index = summarise(`${FROM}\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 cr=E8me =3D bon\nFr=E9d=E9ric`);
    assert.equal(index.textPreview, 'Café crème = bon Frédéric');
  });

  it(
    'from quoted-printable text with soft line breaks',
    () => {
      const index = summarise(`${FROM}\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nune phrase coup=\n=E9e en deux, une autre coup=\ndee ici\n`);
      assert.equal(index.textPreview, 'une phrase coupée en deux, une autre coupdee ici');
    },
  );

  it('from HTML: tags, <style> and <script> removed, &nbsp; as a space', () => {
    const index = summarise(`${FROM}
Content-Type: text/html; charset=utf-8

<html><head><style type="text/css">p { color: red; }</style>
<SCRIPT>alert("x")</SCRIPT></head>
<body><p>Bonjour&nbsp;<b>docteur</b></p><div>Suite   du
message</div></body></html>`);
    assert.equal(index.textPreview, 'Bonjour docteur Suite du message');
  });

  it(
    'from HTML: character references decoded',
    () => {
      const index = summarise(`${FROM}\nContent-Type: text/html\n\n<p>R&eacute;sultats &amp; compte rendu &#233;crit &lt;urgent&gt;</p>`);
      assert.equal(index.textPreview, 'Résultats & compte rendu écrit <urgent>');
    },
  );

  it('collapses white space and is capped at 240 characters', () => {
    const words = Array.from({ length: 200 }, (_, i) => `mot${i}`);
    const index = summarise(`${FROM}\nContent-Type: text/plain\n\n   ${words.join(' \t ')}\n\n\nfin  `);
    const expected = `${words.join(' ')} fin`.slice(0, 240);
    assert.equal(index.textPreview, expected);
    assert.equal(index.textPreview.length, 240);
    assert.equal(summarise(`${FROM}\n\n  a\n\n\tb  `).textPreview, 'a b');
  });

  it('comes from the first text part that is not an attachment, in tree order', () => {
    const index = summarise(`${FROM}
Content-Type: multipart/mixed; boundary=m

--m
Content-Type: text/plain
Content-Disposition: attachment; filename=a.txt

from the attachment
--m
Content-Type: multipart/alternative; boundary=a

--a
Content-Type: text/html

<p>from the html</p>
--a
Content-Type: text/plain

from the text
--a--
--m--
`);
    assert.equal(index.textPreview, 'from the html');
    assert.equal(summarise(`${FROM}\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\nQUJD\n`).textPreview, '');
  });

  it(
    'keeps the lines that start with "-" (lists, signature) in a multipart',
    () => {
      const index = summarise(`${FROM}\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\nA faire :\n- ECG\n- bilan\n-- \nDr Martin\n--m--\n`);
      assert.equal(index.textPreview, 'A faire : - ECG - bilan -- Dr Martin');
    },
  );

  it('decodes with the part charset, falling back to latin1 for an unknown one', () => {
    assert.equal(summarise(`${FROM}\nContent-Type: text/plain; charset=utf-8\n\n${utf8('Éloïse à l’hôpital')}`).textPreview, 'Éloïse à l’hôpital');
    assert.equal(summarise(`${FROM}\nContent-Type: text/plain; charset=x-unknown\n\nCaf\xe9`).textPreview, 'Café');
  });
});

describe('message index: structure', () => {
  it('is the indexer tree without the raw headers, at every level', () => {
    for (const fixture of FIXTURES) {
      const { root } = index(fixture.message);
      const withoutHeaders = (part: MimePart): StoredPart => {
        const { headers: _headers, children, ...rest } = part;
        return { ...rest, children: children.map(withoutHeaders) };
      };
      const structure = summarise(fixture.message).structure;
      assert.deepEqual(structure, withoutHeaders(root), fixture.name);
      assert.ok(!JSON.stringify(structure).includes('"headers"'), fixture.name);
    }
  });
});
