/**
 * The messages of the offset and chunking tests. Each template marks, with ⟦h⟧ ⟦b⟧ ⟦e⟧ and a tree
 * path, where every part's header starts, where its body starts and where the body ends (RFC
 * 2046 §5.1.1: the CRLF before a delimiter line belongs to the delimiter, so a body that ends
 * with a line break has two CRLFs before the delimiter).
 */
import { fixture, utf8, type Fixture } from './messages.ts';

const FROM = 'From: emartin@demo.mssante.test\nTo: sbernard@demo.mssante.test';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
// Written as interpolations so that no editor strips the transport padding.
const SP3 = '   ';
const TAB_SP = '\t ';

export const FIXTURES: Fixture[] = [
  fixture(
    'single-part text',
    `⟦h⟧${FROM}
Subject: Compte rendu
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

⟦b⟧Bonjour,
${utf8('Voici le compte rendu de la consultation du 22/11. Cordialement, Éloïse')}
⟦e⟧`,
    {
      '': {
        contentType: 'text/plain',
        params: { charset: 'utf-8' },
        disposition: null,
        dispositionParams: {},
        encoding: '8bit',
        contentId: null,
        description: null,
        attachment: false,
        body: `Bonjour,\r\n${utf8('Voici le compte rendu de la consultation du 22/11. Cordialement, Éloïse')}\r\n`,
      },
    },
    '',
  ),

  fixture(
    'multipart/mixed: text and a base64 attachment',
    `⟦h⟧${FROM}
Subject: Resultats
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=_mixed_1"

⟦b⟧--=_mixed_1
⟦h1⟧Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

⟦b1⟧Ci-joint les resultats.
⟦e1⟧
--=_mixed_1
⟦h2⟧Content-Type: application/pdf; name="resultats.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="resultats.pdf"

⟦b2⟧${b64('%PDF-1.4 a small document that is not really a PDF, long enough for two lines of base64.').replace(/(.{76})/g, '$1\n')}⟦e2⟧
--=_mixed_1--
⟦e⟧`,
    {
      '': { contentType: 'multipart/mixed', params: { boundary: '=_mixed_1' }, attachment: false },
      '1': { contentType: 'text/plain', params: { charset: 'us-ascii' }, encoding: '7bit', disposition: null, attachment: false, body: 'Ci-joint les resultats.\r\n' },
      '2': {
        contentType: 'application/pdf',
        params: { name: 'resultats.pdf' },
        encoding: 'base64',
        disposition: 'attachment',
        dispositionParams: { filename: 'resultats.pdf' },
        attachment: true,
      },
    },
    '1',
  ),

  fixture(
    'multipart/alternative inside multipart/mixed',
    `⟦h⟧${FROM}
Content-Type: multipart/mixed; boundary=outer

⟦b⟧--outer
⟦h1⟧Content-Type: multipart/alternative; boundary=inner

⟦b1⟧--inner
⟦h1.1⟧Content-Type: text/plain; charset=us-ascii

⟦b1.1⟧Plain version⟦e1.1⟧
--inner
⟦h1.2⟧Content-Type: text/html; charset=us-ascii

⟦b1.2⟧<p>HTML version</p>⟦e1.2⟧
--inner--⟦e1⟧
--outer
⟦h2⟧Content-Type: application/octet-stream
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename=data.bin

⟦b2⟧AAECAwQFBgc=⟦e2⟧
--outer--⟦e⟧`,
    {
      '': { contentType: 'multipart/mixed', params: { boundary: 'outer' } },
      '1': { contentType: 'multipart/alternative', params: { boundary: 'inner' }, attachment: false },
      '1.1': { contentType: 'text/plain', params: { charset: 'us-ascii' }, body: 'Plain version' },
      '1.2': { contentType: 'text/html', params: { charset: 'us-ascii' }, body: '<p>HTML version</p>' },
      '2': { contentType: 'application/octet-stream', disposition: 'attachment', dispositionParams: { filename: 'data.bin' }, attachment: true, body: 'AAECAwQFBgc=' },
    },
    '1.1',
  ),

  fixture(
    'multipart/related with an inline image referenced by Content-ID',
    `⟦h⟧${FROM}
Content-Type: multipart/related; type="text/html"; boundary="rel"

⟦b⟧--rel
⟦h1⟧Content-Type: text/html; charset=utf-8

⟦b1⟧<html><body><img src="cid:logo@demo.mssante.test"></body></html>
⟦e1⟧
--rel
⟦h2⟧Content-Type: image/png
Content-Transfer-Encoding: base64
Content-ID: <logo@demo.mssante.test>
Content-Description: Logo

⟦b2⟧iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==⟦e2⟧
--rel--
⟦e⟧`,
    {
      '': { contentType: 'multipart/related', params: { type: 'text/html', boundary: 'rel' } },
      '1': { contentType: 'text/html', params: { charset: 'utf-8' }, attachment: false, contentId: null },
      '2': {
        contentType: 'image/png',
        params: {},
        encoding: 'base64',
        disposition: null,
        dispositionParams: {},
        contentId: '<logo@demo.mssante.test>',
        description: 'Logo',
        attachment: true,
      },
    },
    '1',
  ),

  fixture(
    'message/rfc822 attached (7bit) with its own multipart',
    `⟦h⟧${FROM}
Subject: Fwd: Original
Content-Type: multipart/mixed; boundary="fwd"

⟦b⟧--fwd
⟦h1⟧Content-Type: text/plain

⟦b1⟧See the forwarded message.⟦e1⟧
--fwd
⟦h2⟧Content-Type: message/rfc822
Content-Transfer-Encoding: 7bit
Content-Disposition: attachment; filename="original.eml"

⟦b2⟧⟦h2.1⟧From: khaddad@demo.mssante.test
Subject: Original
Content-Type: multipart/alternative; boundary="orig"

⟦b2.1⟧--orig
⟦h2.1.1⟧Content-Type: text/plain

⟦b2.1.1⟧original text
⟦e2.1.1⟧
--orig
⟦h2.1.2⟧Content-Type: text/html

⟦b2.1.2⟧<b>original</b>⟦e2.1.2⟧
--orig--
⟦e2.1⟧⟦e2⟧
--fwd--
⟦e⟧`,
    {
      '': { contentType: 'multipart/mixed', params: { boundary: 'fwd' } },
      '1': { contentType: 'text/plain', body: 'See the forwarded message.' },
      '2': { contentType: 'message/rfc822', encoding: '7bit', disposition: 'attachment', dispositionParams: { filename: 'original.eml' }, attachment: true },
      '2.1': { contentType: 'multipart/alternative', params: { boundary: 'orig' } },
      '2.1.1': { contentType: 'text/plain', body: 'original text\r\n' },
      '2.1.2': { contentType: 'text/html', body: '<b>original</b>' },
    },
    '1',
  ),

  fixture(
    'parts with headers but no body, an empty body, and no header',
    `⟦h⟧${FROM}
Content-Type: multipart/mixed; boundary=nb

⟦b⟧--nb
⟦h1⟧Content-Type: text/plain
Content-Description: headers only⟦b1⟧⟦e1⟧
--nb
⟦h2⟧Content-Type: text/plain

⟦b2⟧⟦e2⟧
--nb
⟦h3⟧
⟦b3⟧no header at all⟦e3⟧
--nb--
⟦e⟧`,
    {
      '': { contentType: 'multipart/mixed', params: { boundary: 'nb' } },
      '1': { contentType: 'text/plain', description: 'headers only', body: '' },
      '2': { contentType: 'text/plain', body: '' },
      '3': { contentType: 'text/plain', params: {}, encoding: '7bit', disposition: null, description: null, body: 'no header at all' },
    },
    '1',
  ),

  fixture(
    'preamble and epilogue (the RFC 2046 §5.1.1 example)',
    `⟦h⟧From: Nathaniel Borenstein <nsb@bellcore.com>
To: Ned Freed <ned@innosoft.com>
Date: Sun, 21 Mar 1993 23:56:48 -0800 (PST)
Subject: Sample message
MIME-Version: 1.0
Content-type: multipart/mixed; boundary="simple boundary"

⟦b⟧This is the preamble.  It is to be ignored, though it
is a handy place for composition agents to include an
explanatory note to non-MIME conformant readers.

--simple boundary
⟦h1⟧
⟦b1⟧This is implicitly typed plain US-ASCII text.
It does NOT end with a linebreak.⟦e1⟧
--simple boundary
⟦h2⟧Content-type: text/plain; charset=us-ascii

⟦b2⟧This is explicitly typed plain US-ASCII text.
It DOES end with a linebreak.
⟦e2⟧
--simple boundary--

This is the epilogue.  It is also to be ignored.
⟦e⟧`,
    {
      '': { contentType: 'multipart/mixed', params: { boundary: 'simple boundary' } },
      '1': { contentType: 'text/plain', params: {}, body: 'This is implicitly typed plain US-ASCII text.\r\nIt does NOT end with a linebreak.' },
      '2': { contentType: 'text/plain', params: { charset: 'us-ascii' }, body: 'This is explicitly typed plain US-ASCII text.\r\nIt DOES end with a linebreak.\r\n' },
    },
    '1',
  ),

  fixture(
    'delimiters with transport padding (trailing spaces and tabs)',
    `⟦h⟧${FROM}
Content-Type: multipart/mixed; boundary=pad

⟦b⟧--pad${SP3}
⟦h1⟧Content-Type: text/plain

⟦b1⟧one⟦e1⟧
--pad${TAB_SP}
⟦h2⟧Content-Type: text/plain

⟦b2⟧two${SP3}
⟦e2⟧
--pad--${SP3}
epilogue
⟦e⟧`,
    {
      '': { contentType: 'multipart/mixed', params: { boundary: 'pad' } },
      '1': { contentType: 'text/plain', body: 'one' },
      '2': { contentType: 'text/plain', body: `two${SP3}\r\n` },
    },
    '1',
  ),

  fixture(
    'body lines that start with "--" or "-" but are no delimiter',
    `⟦h⟧${FROM}
Content-Type: multipart/mixed; boundary=b

⟦b⟧--b
⟦h1⟧Content-Type: text/plain

⟦b1⟧- item one
-- 
--
---
--B
--b-not-a-delimiter
--b--but-not-closing
--c
- ${'x'.repeat(300)}
Dr Martin⟦e1⟧
--b
⟦h2⟧Content-Type: text/plain

⟦b2⟧--⟦e2⟧
--b--
⟦e⟧`,
    {
      '': { contentType: 'multipart/mixed', params: { boundary: 'b' } },
      '1': {
        contentType: 'text/plain',
        body: `- item one\r\n-- \r\n--\r\n---\r\n--B\r\n--b-not-a-delimiter\r\n--b--but-not-closing\r\n--c\r\n- ${'x'.repeat(300)}\r\nDr Martin`,
      },
      '2': { contentType: 'text/plain', body: '--' },
    },
    '1',
  ),

  fixture(
    'a boundary that is a prefix of a longer line, and of the inner boundary',
    `⟦h⟧${FROM}
Content-Type: multipart/mixed; boundary="=_b"

⟦b⟧--=_b
⟦h1⟧Content-Type: multipart/alternative; boundary="=_b_alt"

⟦b1⟧--=_b_alt
⟦h1.1⟧Content-Type: text/plain

⟦b1.1⟧--=_bx
--=_b_alternative
--=_b_alt-
text⟦e1.1⟧
--=_b_alt
⟦h1.2⟧Content-Type: text/html

⟦b1.2⟧<p>html</p>⟦e1.2⟧
--=_b_alt--
⟦e1⟧
--=_b
⟦h2⟧Content-Type: text/plain

⟦b2⟧--=_b--and-more
last⟦e2⟧
--=_b--⟦e⟧`,
    {
      '': { contentType: 'multipart/mixed', params: { boundary: '=_b' } },
      '1': { contentType: 'multipart/alternative', params: { boundary: '=_b_alt' } },
      '1.1': { contentType: 'text/plain', body: '--=_bx\r\n--=_b_alternative\r\n--=_b_alt-\r\ntext' },
      '1.2': { contentType: 'text/html', body: '<p>html</p>' },
      '2': { contentType: 'text/plain', body: '--=_b--and-more\r\nlast' },
    },
    '1.1',
  ),

  fixture(
    'RFC 2231 parameters: continuations, charsets, percent-encoding',
    `⟦h⟧${FROM}
Content-Type: multipart/mixed; boundary=p

⟦b⟧--p
⟦h1⟧Content-Type: application/pdf;
 name*0*=UTF-8''%C3%A9t%C3%A9;
 name*1*=%20r%C3%A9sum%C3%A9.pdf
Content-Disposition: attachment;
 filename*0*=UTF-8''compte%20rendu%20;
 filename*1*=%C3%A9t%C3%A9.pdf
Content-Transfer-Encoding: base64

⟦b1⟧JVBERi0=⟦e1⟧
--p
⟦h2⟧Content-Type: text/plain; name*0="a long name ";
 name*1="in two pieces.txt"
Content-Disposition: inline

⟦b2⟧text⟦e2⟧
--p
⟦h3⟧Content-Type: application/octet-stream
Content-Disposition: ATTACHMENT; filename*=iso-8859-1'fr'r%E9sum%E9.txt

⟦b3⟧raw⟦e3⟧
--p--
⟦e⟧`,
    {
      '': { contentType: 'multipart/mixed', params: { boundary: 'p' } },
      '1': {
        contentType: 'application/pdf',
        params: { name: 'été résumé.pdf' },
        disposition: 'attachment',
        dispositionParams: { filename: 'compte rendu été.pdf' },
        encoding: 'base64',
        attachment: true,
      },
      '2': { contentType: 'text/plain', params: { name: 'a long name in two pieces.txt' }, disposition: 'inline', attachment: true },
      '3': { contentType: 'application/octet-stream', disposition: 'attachment', dispositionParams: { filename: 'résumé.txt' }, attachment: true },
    },
    null,
  ),

  fixture(
    'multipart/digest: parts default to message/rfc822',
    `⟦h⟧${FROM}
Content-Type: multipart/digest; boundary=dig

⟦b⟧--dig
⟦h1⟧
⟦b1⟧⟦h1.1⟧From: khaddad@demo.mssante.test
Subject: one

⟦b1.1⟧first message⟦e1.1⟧⟦e1⟧
--dig
⟦h2⟧Content-Type: text/plain

⟦b2⟧not a message⟦e2⟧
--dig--
⟦e⟧`,
    {
      '': { contentType: 'multipart/digest', params: { boundary: 'dig' } },
      // An attached message counts as an attachment (it is subject to the attachment limit).
      '1': { contentType: 'message/rfc822', attachment: true },
      '1.1': { contentType: 'text/plain', body: 'first message' },
      '2': { contentType: 'text/plain', body: 'not a message' },
    },
    '1.1',
  ),

  fixture(
    'long header and body lines (past the 256-byte line head), 8bit text',
    `⟦h⟧${FROM}
Subject: ${'a long subject '.repeat(30)}
 folded ${'and continued '.repeat(30)}
Content-Type: multipart/mixed;
 boundary="${'q'.repeat(60)}"

⟦b⟧--${'q'.repeat(60)}
⟦h1⟧Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
X-Long: ${'v'.repeat(900)}

⟦b1⟧${utf8('Ligne accentuée: é à ü ').repeat(40)}
${'w'.repeat(1000)}
--${'q'.repeat(60)}${'z'.repeat(300)}
⟦e1⟧
--${'q'.repeat(60)}--
⟦e⟧`,
    {
      '': { contentType: 'multipart/mixed', params: { boundary: 'q'.repeat(60) } },
      '1': {
        contentType: 'text/plain',
        params: { charset: 'utf-8' },
        encoding: '8bit',
        body: `${utf8('Ligne accentuée: é à ü ').repeat(40)}\r\n${'w'.repeat(1000)}\r\n--${'q'.repeat(60)}${'z'.repeat(300)}\r\n`,
      },
    },
    '1',
  ),
];
