import assert from 'node:assert/strict';
import { engineTest } from '../support/engines.ts';
import { logIn } from './login.ts';
import { as, D, serve } from './server.ts';

engineTest('HTTP mail: send, list with unread counts, read metadata without opening, download as an opening', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const sent = await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`khaddad@${D}`], subject: 'Résultats — Éloïse', text: 'Bonjour,\nvoici les résultats.' });
    assert.equal(sent.status, 201);
    const { messageId } = (await sent.json()) as { messageId: string };

    const mailboxes = (await (await khaddad.get('/api/v1/mailboxes')).json()) as { id: string; address: string }[];
    assert.deepEqual(mailboxes.map((mailbox) => mailbox.address), [`khaddad@${D}`]);
    const folders = (await (await khaddad.get(`/api/v1/mailboxes/${ids.khaddad}/folders`)).json()) as { name: string; total: number; unread: number }[];
    assert.deepEqual(folders.find((folder) => folder.name === 'INBOX'), { name: 'INBOX', specialUse: null, total: 1, unread: 1 });
    const page = (await (await khaddad.get(`/api/v1/mailboxes/${ids.khaddad}/folders/INBOX/messages?limit=10`)).json()) as { entries: { messageId: string; subject: string }[] };
    assert.deepEqual(page.entries.map((entry) => [entry.messageId, entry.subject]), [[messageId, 'Résultats — Éloïse']]);

    const summary = (await (await khaddad.get(`/api/v1/messages/${messageId}`)).json()) as { index: { subject: string; textPreview: string } };
    assert.equal(summary.index.subject, 'Résultats — Éloïse');
    assert.equal(summary.index.textPreview, 'Bonjour, voici les résultats.');
    const openings = () => rt.ctx.sql.read.selectFrom('proof_event').select('recipient').where('type', '=', 'opened').execute();
    assert.equal((await openings()).length, 0, 'metadata is no opening');

    const raw = await khaddad.get(`/api/v1/messages/${messageId}/raw`);
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get('content-type'), 'message/rfc822');
    assert.match(await raw.text(), /^Subject: =\?UTF-8\?/m);
    assert.equal((await openings()).length, 1);
  } finally {
    await app.close();
  }
});

engineTest('HTTP access matrix: another user\u2019s mailbox, folder and message are 404; no send right is 403; logged out is 401', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const emartinSession = await logIn(url, 'emartin');
    const emartin = as(url, emartinSession);
    const sbernard = as(url, await logIn(url, 'sbernard'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const sent = await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`cardio@${D}`], subject: 'Pour le service', text: 'x' });
    const { messageId } = (await sent.json()) as { messageId: string };

    for (const path of [
      `/api/v1/mailboxes/${ids.emartin}/folders`,
      `/api/v1/mailboxes/${ids.cardio}/folders/INBOX/messages`,
      `/api/v1/mailboxes/${ids.emartin}/folders/Sent/messages`,
      `/api/v1/messages/${messageId}`,
      `/api/v1/messages/${messageId}/raw`,
      `/api/v1/mailboxes/mbx_aaaaaaaaaaaaaaaaaaaa/folders`,
    ]) {
      const response = await khaddad.get(path);
      assert.equal(response.status, 404, path);
    }
    // The secretary reads the service's mail but may not send from it.
    assert.equal((await sbernard.get(`/api/v1/mailboxes/${ids.cardio}/folders/INBOX/messages`)).status, 200);
    const refused = await sbernard.post('/api/v1/messages', { from: `cardio@${D}`, to: [`khaddad@${D}`], subject: 'x', text: 'x' });
    assert.equal(refused.status, 403);
    // Bad input and unreachable recipients are clear refusals.
    assert.equal((await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [], subject: 'x', text: 'x' })).status, 400);
    assert.equal((await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`personne@${D}`], subject: 'x', text: 'x' })).status, 422);
    assert.equal((await khaddad.get('/api/v1/mailboxes/not-an-id/folders')).status, 400);

    await fetch(`${url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: emartinSession.cookie, 'x-csrf-token': emartinSession.csrf } });
    assert.equal((await emartin.get('/api/v1/mailboxes')).status, 401);
    assert.equal((await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`khaddad@${D}`], subject: 'x', text: 'x' })).status, 401);
  } finally {
    await app.close();
  }
});
