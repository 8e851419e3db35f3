import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseBodyParts, type PartNode } from '../../src/core/mime/body-parts.ts';
import { asciiFilename, safeFilename } from '../../src/core/mime/filename.ts';
import { decodeCharset, transferDecoder } from '../../src/core/mime/part-decoder.ts';
import { readDecodedBodies } from '../../src/core/mime/part-reader.ts';
import { attachmentDisposition } from '../../src/protocols/http/content-disposition.ts';
import { downloadAttachment } from '../../src/services/attachment-download.ts';
import { createIndexer, type StoredPart } from '../../src/services/deposit/message-index.ts';
import { sanitizeHtml } from '../../src/services/html-sanitizer.ts';
import { htmlToText } from '../../src/services/html-text.ts';
import { readMessageBody, readMessageHtml, TEXT_LIMIT } from '../../src/services/message-body.ts';
import { engineTest } from '../support/engines.ts';
import { collectBytes, countRows, crlf, DOMAIN, expectCode, seedSmallOperator, send, user } from '../support/fixtures.ts';

const at = (local: string) => `${local}@${DOMAIN}`;

/** A deterministic generator: the same cases on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `bytes` at random places. */
function chunks(bytes: Buffer, next: () => number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * 9);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

function decodeAll(encoding: string, pieces: Buffer[]): Buffer {
  const decoder = transferDecoder(encoding);
  return Buffer.concat([...pieces.map((piece) => Buffer.from(decoder.write(piece))), decoder.end()]);
}

/** The index of a one-part message whose body is `body` in `encoding`. */
function indexed(encoding: string, body: Buffer): StoredPart {
  const indexer = createIndexer(1 << 30);
  indexer.write(Buffer.concat([crlf('From: a@b.fr', 'Content-Type: application/octet-stream', `Content-Transfer-Encoding: ${encoding}`, '', ''), body]));
  return indexer.end().structure;
}

test('base64 decodes chunk by chunk, however the input is cut, to the size the indexer counted', () => {
  const next = random(7);
  for (let round = 0; round < 40; round++) {
    const original = Buffer.from(Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256)));
    const encoded = Buffer.from(original.toString('base64').replace(/.{1,76}/g, '$&\r\n'));
    const part = indexed('base64', encoded);
    const body = encoded.subarray(0, part.bodyEnd - part.bodyStart);
    const decoded = decodeAll('base64', chunks(body, next));
    assert.deepEqual(decoded, original);
    assert.equal(decoded.length, part.decodedSize);
  }
  // base64url characters, and a final group without padding.
  assert.equal(decodeAll('base64', [Buffer.from('-_8')]).toString('hex'), 'fbff');
});

test('quoted-printable: escapes, soft breaks, padding and literal "=", and the same length as the indexer counts', () => {
  const text = (raw: string) => decodeAll('quoted-printable', [Buffer.from(raw, 'latin1')]).toString('latin1');
  assert.equal(text('caf=E9 cr=E8me  \r\nbr=FB=\r\nl=E9e\r\nfin'), 'café crème\r\nbrûlée\r\nfin');
  assert.equal(text('a = b =\t \r\nc'), 'a = b c');
  assert.equal(text('=4'), '=4');
  assert.equal(text('=4x =zz'), '=4x =zz');
  assert.equal(text('trailing   '), 'trailing');
  assert.equal(text('a\rb'), 'a\rb');

  const next = random(11);
  const alphabet = ['=', 'A', 'f', '3', ' ', '\t', '\r\n', 'x', 'é', '=\r\n', '=3D', '=c3=a9'];
  for (let round = 0; round < 300; round++) {
    const raw = Buffer.from(Array.from({ length: Math.floor(next() * 40) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
    for (const ending of ['', '\r\n']) {
      const message = Buffer.concat([raw, Buffer.from(ending)]);
      const part = indexed('quoted-printable', message);
      const body = message.subarray(0, part.bodyEnd - part.bodyStart);
      const decoded = decodeAll('quoted-printable', chunks(body, next));
      assert.equal(decoded.length, part.decodedSize, JSON.stringify(message.toString()));
      assert.deepEqual(decoded, decodeAll('quoted-printable', [body]), 'chunking changes nothing');
    }
  }
});

test('charsets: declared ones decode, quoted labels too, and an unknown one reads as Latin-1', () => {
  assert.equal(decodeCharset(Buffer.from('d00a', 'hex'), undefined), '\ufffd\n');
  assert.equal(decodeCharset(Buffer.from('Réponse', 'utf8'), 'UTF-8'), 'Réponse');
  assert.equal(decodeCharset(Buffer.from('e9e8', 'hex'), 'ISO-8859-1'), 'éè');
  assert.equal(decodeCharset(Buffer.from('a4', 'hex'), '"iso-8859-15"'), '€');
  assert.equal(decodeCharset(Buffer.from('e9', 'hex'), 'x-unheard-of'), 'é');
});

test('reading parts stops at the last byte needed and closes the message stream', async () => {
  const chunkSize = 100;
  const pulled: number[] = [];
  let destroyed = false;
  const message = Buffer.alloc(1000, 'a');
  message.write('SGVs\r\nbG8=', 150, 'latin1');
  const source = Object.assign(
    (async function* () {
      for (let at = 0; at < message.length; at += chunkSize) {
        pulled.push(at);
        yield message.subarray(at, at + chunkSize);
      }
    })(),
    { destroy: () => (destroyed = true) },
  );
  const { bodies, truncated } = await readDecodedBodies(source, [{ bodyStart: 150, bodyEnd: 160, encoding: 'base64' }, { bodyStart: 290, bodyEnd: 310, encoding: '7bit' }], 1024);
  assert.deepEqual(bodies.map((body) => body.toString()), ['Hello', 'a'.repeat(20)]);
  assert.equal(truncated, false);
  assert.deepEqual(pulled, [0, 100, 200, 300], 'nothing read after the last part');
  assert.equal(destroyed, true);

  const cut = await readDecodedBodies((async function* () { yield message; })(), [{ bodyStart: 0, bodyEnd: 600, encoding: '7bit' }, { bodyStart: 700, bodyEnd: 800, encoding: '7bit' }], 500);
  assert.deepEqual(cut.bodies.map((body) => body.length), [500, 0]);
  assert.equal(cut.truncated, true);
});

test('choosing parts: plain for text and HTML for HTML in alternatives, the related root, every text of a mixed message, never files', () => {
  const leaf = (contentType: string, attachment = false, contentId: string | null = null): PartNode => ({ contentType, params: {}, attachment, contentId, children: [] });
  const multi = (contentType: string, children: PartNode[], params: Record<string, string> = {}): PartNode => ({ contentType, params, attachment: false, contentId: null, children });
  const plain = leaf('text/plain');
  const html = leaf('text/html');
  const footer = leaf('text/plain');
  const image = leaf('image/png', true, '<logo>');
  const pdf = leaf('application/pdf', true);
  const notes = leaf('text/plain', true);
  const message = multi('multipart/mixed', [multi('multipart/alternative', [plain, multi('multipart/related', [html, image])]), pdf, notes, footer]);
  const choice = chooseBodyParts(message);
  assert.deepEqual(choice.text.map((segment) => segment.part), [plain, footer]);
  assert.deepEqual(choice.html.map((segment) => [segment.part, segment.kind]), [[html, 'html'], [footer, 'plain']]);

  const htmlOnly = chooseBodyParts(multi('multipart/mixed', [html, pdf]));
  assert.deepEqual(htmlOnly.text.map((segment) => [segment.part, segment.kind]), [[html, 'html']]);
  const started = chooseBodyParts(multi('multipart/related', [leaf('image/gif', true, '<a>'), { ...html, contentId: '<root>' }], { start: '<root>' }));
  assert.equal(started.html[0]?.kind, 'html');
  assert.deepEqual(chooseBodyParts(multi('multipart/mixed', [pdf, image])), { text: [], html: [] });
});

test('HTML as text: tags gone, entities decoded, blocks on their own lines, lists, quotes and links readable', () => {
  const text = htmlToText(
    '<html><head><title>Titre</title><style>p{color:red}</style></head><body>' +
      '<p>Bonjour&nbsp;Docteur,</p><p>Voici les r&eacute;sultats&#8239;: <b>normaux</b>.<br>Cordialement</p>' +
      '<ul><li>NFS</li><li>CRP</li></ul><blockquote><p>Votre question</p></blockquote>' +
      '<p><a href="https://exemple.fr/dossier">le dossier</a> &amp; <a href="mailto:a@b.fr">a@b.fr</a></p>' +
      '<table><tr><td>Na</td><td>140</td></tr></table><script>alert(1)</script></body></html>',
  );
  assert.equal(
    text,
    'Bonjour\u00a0Docteur,\n\nVoici les résultats\u202f: normaux.\nCordialement\n\n• NFS\n• CRP\n\n> Votre question\n\nle dossier <https://exemple.fr/dossier> & a@b.fr\n\nNa\t140',
  );
});

test('sanitizing keeps formatting and https links, and removes what runs, submits or loads', () => {
  const clean = sanitizeHtml(
    '<p style="color: red; background: url(https://t.example/x.gif)">Texte <b>gras</b></p>' +
      '<a href="https://exemple.fr" onclick="x()">lien</a><a href="javascript:alert(1)">js</a>' +
      '<img src="cid:logo@x" alt="Logo"><img src="https://t.example/p.gif" alt=""><img src="data:image/png;base64,iVBORw0KGgo=" alt="ok">',
  );
  assert.equal(
    clean,
    '<p style="color: red">Texte <b>gras</b></p><a href="https://exemple.fr" target="_blank" rel="noopener noreferrer">lien</a><a>js</a>Logo<img src="data:image/png;base64,iVBORw0KGgo=" alt="ok">',
  );
});

test('attachment names: no path, no control or bidi characters, no quotes; an ASCII fallback; a header that cannot break', () => {
  assert.equal(safeFilename('../../etc/passwd'), '_.._etc_passwd');
  assert.equal(safeFilename('facture\u202Efdp.exe'), 'facturefdp.exe');
  assert.equal(safeFilename('Résultats "finaux"\r\n.pdf'), "Résultats 'finaux'.pdf");
  assert.equal(safeFilename('=?UTF-8?Q?compte_rendu_=C3=A9t=C3=A9.pdf?='), 'compte rendu été.pdf');
  assert.equal(safeFilename('...'), null);
  assert.equal(safeFilename(`${'a'.repeat(300)}.pdf`)!.length, 200);
  assert.ok(safeFilename(`${'a'.repeat(300)}.pdf`)!.endsWith('a.pdf'));
  assert.equal(asciiFilename('Échographie cœur 100%.pdf'), 'Echographie c_ur 100_.pdf');
  assert.equal(asciiFilename('日本'), 'attachment');
  assert.equal(asciiFilename('été'), 'ete');
  assert.equal(attachmentDisposition("Résultats 'finaux' (1).pdf"), `attachment; filename="Resultats 'finaux' (1).pdf"; filename*=UTF-8''R%C3%A9sultats%20%27finaux%27%20%281%29.pdf`);
});

engineTest('reading a message: the text part decoded from its charset, an opening; a file streamed decoded', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const pdf = Buffer.from(Array.from({ length: 5000 }, (_v, i) => (i * 7) % 256));
  const raw = crlf(
    `From: ${at('emartin')}`,
    `To: ${at('khaddad')}`,
    'Subject: =?ISO-8859-1?Q?R=E9sultats?=',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=ISO-8859-1',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Bonjour, voici les r=E9sultats de l=92=E9chographie.=',
    ' Fin.',
    '--b1',
    'Content-Type: application/pdf; name="echo.pdf"',
    'Content-Disposition: attachment; filename="echo.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    pdf.toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--b1--',
    '',
  );
  const { messageId } = await send(rt.ctx, at('emartin'), 'emartin', raw);
  const events = await countRows(rt.ctx, 'proof_event');

  const body = await readMessageBody(rt.ctx, { principal: user('khaddad'), messageId });
  assert.equal(body.subject, 'Résultats');
  assert.equal(body.text, 'Bonjour, voici les résultats de l’échographie. Fin.');
  assert.equal(body.hasHtml, false);
  assert.deepEqual(body.attachments, [{ part: '2', filename: 'echo.pdf', contentType: 'application/pdf', size: 5000, inline: false }]);
  assert.equal(await countRows(rt.ctx, 'proof_event'), events + 1, 'reading is an opening');

  await expectCode(readMessageHtml(rt.ctx, { principal: user('khaddad'), messageId }), 'not_found');
  await expectCode(downloadAttachment(rt.ctx, { principal: user('khaddad'), messageId, part: '1' }), 'not_found');
  await expectCode(downloadAttachment(rt.ctx, { principal: user('sbernard'), messageId, part: '2' }), 'not_found');
  const file = await downloadAttachment(rt.ctx, { principal: user('khaddad'), messageId, part: '2' });
  assert.equal(file.size, 5000);
  assert.deepEqual(await collectBytes(file.content), pdf);
});

engineTest('a very long text is cut at the limit with a note, no broken character at the cut', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const line = 'Ligne de compte rendu très longue, répétée pour dépasser la limite.\r\n';
  const raw = Buffer.concat([crlf(`From: ${at('emartin')}`, `To: ${at('khaddad')}`, 'Subject: long', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', ''), Buffer.from(line.repeat(80_000))]);
  const { messageId } = await send(rt.ctx, at('emartin'), 'emartin', raw);
  const body = await readMessageBody(rt.ctx, { principal: user('khaddad'), messageId });
  assert.ok(body.text!.length <= TEXT_LIMIT + 4);
  assert.ok(body.text!.endsWith('\n[…]'));
  assert.ok(body.text!.startsWith('Ligne de compte rendu très longue'));
  assert.ok(!body.text!.includes('\ufffd'));
});

engineTest('HTML without a charset parameter reads in the charset its <meta> declares, and stands in for an empty text/plain; a file that does not decode to its indexed size fails', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const html = Buffer.concat([
    crlf(`From: ${at('emartin')}`, `To: ${at('khaddad')}`, 'Subject: meta', 'Content-Type: text/html', 'Content-Transfer-Encoding: 8bit', '', ''),
    Buffer.from('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><body><p>Fi\xe8vre \xe0 39</p></body></html>\r\n', 'latin1'),
  ]);
  const { messageId } = await send(rt.ctx, at('emartin'), 'emartin', html);
  assert.equal((await readMessageBody(rt.ctx, { principal: user('khaddad'), messageId })).text, 'Fièvre à 39');
  assert.match(await readMessageHtml(rt.ctx, { principal: user('khaddad'), messageId }), /<body><p>Fièvre à 39<\/p>\n?<\/body>/);

  const emptyPlain = crlf(
    `From: ${at('emartin')}`,
    `To: ${at('khaddad')}`,
    'Subject: vide',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ' ',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<div>Le vrai texte</div>',
    '--alt--',
    '',
  );
  const fallback = await send(rt.ctx, at('emartin'), 'emartin', emptyPlain);
  assert.equal((await readMessageBody(rt.ctx, { principal: user('khaddad'), messageId: fallback.messageId })).text, 'Le vrai texte');

  // Stray characters in base64 are counted by the indexer and skipped by the decoder.
  const raw = crlf(
    `From: ${at('emartin')}`,
    `To: ${at('khaddad')}`,
    'Subject: abîmé',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    '',
    'texte',
    '--b',
    'Content-Type: application/pdf; name="a.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    'SGVsbG8g!!!!d29ybGQ=',
    '--b--',
    '',
  );
  const damaged = await send(rt.ctx, at('emartin'), 'emartin', raw);
  const file = await downloadAttachment(rt.ctx, { principal: user('khaddad'), messageId: damaged.messageId, part: '2' });
  assert.equal(file.size, 14);
  await assert.rejects(collectBytes(file.content), /attachment length mismatch/);
});
