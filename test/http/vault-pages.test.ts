import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/observability/log.ts';
import { openRuntime } from '../../src/runtime/open-runtime.ts';
import { buildHttpApp } from '../../src/protocols/http/app.ts';
import { sendComposed } from '../../src/services/compose.ts';
import { receiveUpload } from '../../src/services/uploads.ts';
import { recentOutbox } from '../../src/store/repositories/dev-outbox.ts';
import { revokeVaultCopy } from '../../src/services/vault/vault-sender.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { D, serve } from './server.ts';
import { Readable } from 'node:stream';

const OUTSIDE = 'travailleur.social@departement.example';
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256))]);

async function vaultMessage(rt: TestRuntime) {
  const emartin = { kind: 'user' as const, userId: 'emartin' };
  const upload = await receiveUpload(rt.ctx, 'emartin', { filename: 'compte-rendu.pdf', contentType: 'application/pdf', declaredLength: PDF.length, body: Readable.from([PDF]) });
  const sent = await sendComposed(rt.ctx, emartin, { from: `emartin@${D}`, to: [OUTSIDE], cc: [], subject: 'Situation de M. Petit', text: 'Voici le compte rendu demandé.', attachments: [upload.id] });
  const mail = (await recentOutbox(rt.ctx.sql.read, 10)).find((item) => item.recipient === OUTSIDE)!;
  const link = /\/coffre\/([A-Za-z0-9_-]{43})/.exec(mail.body)![1]!;
  return { sent, link, code: sent.vault[0]!.code! };
}

/** Every table's rows as text: where a secret in clear would show. */
async function everything(rt: TestRuntime): Promise<string> {
  // The development outbox is left out: it holds what the notifier sent, the link among it.
  const tables = ['vault_item', 'audit_log', 'proof_event', 'recipient', 'message'] as const;
  const rows = await Promise.all(tables.map((table) => rt.ctx.sql.read.selectFrom(table).selectAll().execute()));
  return JSON.stringify(rows);
}

engineTest('vault pages: code form (strict CSP, no script), wrong then right code, the message and its attachment byte-exact, a reply with a file into the sender\'s Inbox; no secret stored in clear', async (t, rt) => {
  const { app, url } = await serve(rt);
  t.after(() => app.close());
  const { sent, link, code } = await vaultMessage(rt);
  const page = `${url}/coffre/${link}`;

  const form = await fetch(page);
  assert.equal(form.status, 200);
  assert.match(form.headers.get('content-security-policy')!, /default-src 'none'.*form-action 'self'/);
  assert.equal(form.headers.get('referrer-policy'), 'no-referrer');
  const formHtml = await form.text();
  assert.match(formHtml, /<html lang="fr">/);
  assert.match(formHtml, /<label for="code">Code d’accès/);
  assert.doesNotMatch(formHtml, /<script|Situation de M\. Petit|compte rendu/i, 'nothing of the message before the code');
  assert.match(formHtml, /emartin/, 'who wrote');
  assert.match(await (await fetch(`${page}?lang=en`)).text(), /Access code \(8 digits\)/);

  const post = (path: string, body: string, cookie = '') => fetch(`${page}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body });
  const wrong = await post('/code', 'code=12345678');
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /Code incorrect\. Il vous reste 4 essais/);
  const right = await post('/code', `code=${code}`);
  assert.equal(right.status, 303);
  const setCookie = right.headers.get('set-cookie')!;
  assert.match(setCookie, new RegExp(`Path=/coffre/${link}`));
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const cookie = setCookie.split(';')[0]!;

  const shown = await (await fetch(page, { headers: { cookie } })).text();
  assert.match(shown, /<h1>Situation de M\. Petit<\/h1>/);
  assert.match(shown, /Voici le compte rendu demandé\./);
  const href = /href="(\/coffre\/[^"]+\/pieces\/[^"]+)"/.exec(shown)![1]!;
  const file = await fetch(`${url}${href}`, { headers: { cookie } });
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-disposition')!, /compte-rendu\.pdf/);
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), PDF);
  // Without the session, the file is not given.
  assert.equal((await fetch(`${url}${href}`, { redirect: 'manual' })).status, 303);

  const jeton = /name="jeton" value="([^"]+)"/.exec(shown)![1]!;
  const reply = new FormData();
  reply.set('jeton', jeton);
  reply.set('texte', 'Merci, bien reçu.');
  reply.set('fichiers', new Blob([Buffer.from('attestation')], { type: 'text/plain' }), 'attestation.txt');
  const replied = await fetch(`${page}/reponse`, { method: 'POST', redirect: 'manual', headers: { cookie }, body: reply });
  assert.equal(replied.status, 303);
  assert.match(await (await fetch(`${url}${replied.headers.get('location')}`, { headers: { cookie } })).text(), /Votre réponse a été envoyée à emartin/);
  const answer = await rt.ctx.sql.read.selectFrom('message').select(['id', 'sender', 'subject', 'has_attachments']).where('sender', '=', OUTSIDE).executeTakeFirstOrThrow();
  assert.deepEqual({ ...answer, id: undefined }, { id: undefined, sender: OUTSIDE, subject: 'Re: Situation de M. Petit', has_attachments: 1 });
  // A forged form (no token of this session) is refused.
  const forged = new FormData();
  forged.set('texte', 'Pirate');
  assert.equal((await fetch(`${page}/reponse`, { method: 'POST', redirect: 'manual', headers: { cookie }, body: forged })).status, 403);

  const stored = await everything(rt);
  assert.ok(!stored.includes(link), 'the link token is nowhere in clear');
  assert.ok(!stored.includes(cookie.split('=')[1]!), 'nor the session');
  assert.ok(!stored.includes(`"${code}"`) && !stored.includes(`:${code}`), 'nor the code');

  // Withdrawn by the sender: a clear page, and the session is over.
  await revokeVaultCopy(rt.ctx, { kind: 'user', userId: 'emartin' }, sent.messageId, sent.vault[0]!.itemId);
  const revoked = await fetch(page, { headers: { cookie } });
  assert.equal(revoked.status, 410);
  assert.match(await revoked.text(), /L’expéditeur a retiré ce message\./);
  const unknown = await fetch(`${url}/coffre/${'A'.repeat(43)}`);
  assert.equal(unknown.status, 404);
  assert.match(await unknown.text(), /Ce lien ne mène à aucun message/);
});

engineTest('vault pages: five wrong codes block the link with a clear page; an address trying codes on many links is slowed down', async (t, rt) => {
  const { app, url } = await serve(rt);
  t.after(() => app.close());
  const { link, code } = await vaultMessage(rt);
  const post = (token: string, value: string) => fetch(`${url}/coffre/${token}/code`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `code=${value}` });
  for (let i = 0; i < 4; i++) assert.equal((await post(link, '00000000')).status, 401);
  const fifth = await post(link, '00000000');
  assert.equal(fifth.status, 410);
  assert.match(await fifth.text(), /bloqué après cinq codes erronés/);
  assert.equal((await post(link, code)).status, 410, 'the right code no longer opens it');
  let limited = 0;
  for (let i = 0; i < 20; i++) if ((await post('B'.repeat(43), '00000000')).status === 429) limited++;
  assert.ok(limited > 0, 'per-address limit on code attempts');
});

engineTest('vault pages: behind a trusted reverse proxy the code limit counts each client it names; a header from anyone else changes nothing', async (t, rt) => {
  const post = (url: string, client: string) =>
    fetch(`${url}/coffre/${'B'.repeat(43)}/code`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client }, body: 'code=00000000' });
  const proxied = await serve(rt, { trustedProxies: ['127.0.0.1', '::1'] });
  t.after(() => proxied.app.close());
  const statuses = [];
  for (let i = 0; i < 21; i++) statuses.push((await post(proxied.url, '203.0.113.5')).status);
  assert.equal(statuses.at(-1), 429, 'one client past the limit is slowed down');
  assert.notEqual((await post(proxied.url, '203.0.113.6')).status, 429, 'another client behind the same proxy is not');

  // Not configured: the header is the client's own word, and the limit stays on the address seen.
  await proxied.app.close();
  const direct = await buildHttpApp(rt.ctx, { version: 'test', devOutbox: true, secureCookies: false });
  t.after(() => direct.close());
  const url = await direct.listen({ host: '127.0.0.1', port: 0 });
  let limited = 0;
  for (let i = 0; i < 21; i++) if ((await post(url, `198.51.100.${i}`)).status === 429) limited++;
  assert.ok(limited > 0, 'a forged X-Forwarded-For does not escape the limit');
});

test('vault: no link, code or session reaches the log, even at debug level and when a notification fails', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-vault-log-'));
  const lines: string[] = [];
  const runtime = await openRuntime(loadConfig({ env: { MISSIVE_DATA_DIR: dataDir, MISSIVE_LOG_LEVEL: 'debug' }, file: null }), { log: createLogger('debug', (line) => lines.push(line)) });
  t.after(async () => {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const rt = { ...runtime, dataDir, clock: { now: Date.now() }, reopen: async () => { throw new Error('not here'); } } as TestRuntime;
  const { app, url } = await serve(rt);
  t.after(() => app.close());
  const { link, code } = await vaultMessage(rt);
  const page = `${url}/coffre/${link}`;
  const form = (path: string, body: string, cookie = '') => fetch(`${page}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body });
  await form('/code', 'code=87654321');
  const cookie = (await form('/code', `code=${code}`)).headers.get('set-cookie')!.split(';')[0]!;
  await fetch(page, { headers: { cookie } });
  // A notification that cannot be sent is logged, without its secrets.
  const failing = { ...rt.ctx, notifier: { send: async () => { throw new Error('relay refused'); } } };
  const sent = await sendComposed(failing, { kind: 'user', userId: 'emartin' }, { from: `emartin@${D}`, to: ['autre@example.org'], cc: [], subject: 'Bilan', text: 'Texte' });
  assert.equal(sent.vault[0]!.notified, false);
  const log = lines.join('\n');
  assert.match(log, /a vault notification could not be sent/);
  for (const secret of [link, code, cookie.split('=')[1]!, sent.vault[0]!.code!]) assert.ok(!log.includes(secret), 'a vault secret reached the log');
  assert.doesNotMatch(log, /Situation de M\. Petit|Voici le compte rendu|Bilan|Texte/, 'nor any message content');
});
