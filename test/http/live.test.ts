import assert from 'node:assert/strict';
import { engineTest } from '../support/engines.ts';
import { logIn } from './login.ts';
import { as, D, serve } from './server.ts';

/** Reads server-sent events until `count` of them have come, or fails after `ms`. */
async function nextEvents(response: Response, count: number, ms = 10_000): Promise<{ event: string; data: unknown }[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  const deadline = setTimeout(() => void reader.cancel(), ms);
  try {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    clearTimeout(deadline);
    reader.releaseLock();
  }
  return events;
}

engineTest('live updates: an arrival, a flag change and an opening reach the right watchers only, without content', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const sbernard = as(url, await logIn(url, 'sbernard'));
    const khaddadStream = await khaddad.get('/api/v1/events');
    assert.equal(khaddadStream.status, 200);
    assert.match(khaddadStream.headers.get('content-type') ?? '', /^text\/event-stream/);
    const emartinStream = await emartin.get('/api/v1/events');
    const sbernardStream = await sbernard.get('/api/v1/events');

    const sent = await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`khaddad@${D}`], subject: 'Confidentiel : résultats', text: 'x' });
    const { messageId } = (await sent.json()) as { messageId: string };
    const [arrival] = await nextEvents(khaddadStream, 1);
    assert.deepEqual(arrival, { event: 'mailbox', data: { mailboxId: ids.khaddad, kind: 'arrived', folder: 'INBOX', messageId } });
    assert.doesNotMatch(JSON.stringify(arrival), /Confidentiel|résultats/);

    const [ownCopy] = await nextEvents(emartinStream, 1);
    assert.deepEqual(ownCopy?.data, { mailboxId: ids.emartin, kind: 'arrived', messageId });
    await khaddad.get(`/api/v1/messages/${messageId}/raw?mailbox=${ids.khaddad}`);
    const [opened] = await nextEvents(emartinStream, 1);
    assert.deepEqual(opened?.data, { mailboxId: ids.emartin, kind: 'tracking', messageId });

    const [entry] = ((await (await khaddad.get(`/api/v1/mailboxes/${ids.khaddad}/folders/INBOX/messages`)).json()) as { entries: { uid: number }[] }).entries;
    await khaddad.patch(`/api/v1/mailboxes/${ids.khaddad}/folders/INBOX/messages/${entry!.uid}`, { seen: true });
    const [changed] = await nextEvents(khaddadStream, 1);
    assert.deepEqual(changed?.data, { mailboxId: ids.khaddad, kind: 'changed', folder: 'INBOX' });

    // sbernard watches only her mailbox and the service's: nothing of the above reached her.
    await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`cardio@${D}`], subject: 'Service', text: 'x' });
    const [forService] = await nextEvents(sbernardStream, 1);
    assert.equal((forService?.data as { mailboxId: string }).mailboxId, ids.cardio);

    assert.equal((await fetch(`${url}/api/v1/events`)).status, 401, 'no session, no stream');
  } finally {
    await app.close();
  }
});

engineTest('me and preferences: the CSRF token comes back after a reload; language and alerts are saved; bad values refused', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const session = await logIn(url, 'emartin');
    const emartin = as(url, session);
    const me = (await (await emartin.get('/api/v1/me')).json()) as { userId: string; csrfToken: string; notifyEmail: string; preferences: unknown };
    assert.equal(me.userId, 'emartin');
    assert.equal(me.csrfToken, session.csrf);
    assert.equal(me.notifyEmail, 'e••••••@exemple.fr', 'the usual address, masked');
    assert.deepEqual(me.preferences, { language: 'fr', alertNewMessage: false, alertTracking: false });
    const saved = await emartin.put('/api/v1/me/preferences', { language: 'en', alertNewMessage: true, alertTracking: true });
    assert.equal(saved.status, 200);
    assert.deepEqual(((await (await emartin.get('/api/v1/me')).json()) as { preferences: unknown }).preferences, { language: 'en', alertNewMessage: true, alertTracking: true });
    // A client that does not know the opening alert leaves it as it was.
    assert.equal((await emartin.put('/api/v1/me/preferences', { language: 'en', alertNewMessage: false })).status, 200);
    assert.deepEqual(((await (await emartin.get('/api/v1/me')).json()) as { preferences: unknown }).preferences, { language: 'en', alertNewMessage: false, alertTracking: true });
    assert.equal((await emartin.put('/api/v1/me/preferences', { language: 'de', alertNewMessage: true })).status, 400);
    assert.equal((await emartin.put('/api/v1/me/preferences', { language: 'fr' })).status, 400);
    assert.equal((await fetch(`${url}/api/v1/me`)).status, 401);
  } finally {
    await app.close();
  }
});

engineTest('new-message alerts: opt-in, to the usual address, no sender nor subject nor text, one per quiet period', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const outbox = async () => rt.ctx.sql.read.selectFrom('dev_outbox').selectAll().where('subject', 'not like', '%code%').orderBy('seq').execute();
    const send = (to: string) => emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`${to}@${D}`], subject: 'Patient Dupont : sérologie', text: 'Résultat positif' });

    // sbernard never asked for alerts; her message comes first, so its alert (if any) would too.
    await send('sbernard');
    await khaddad.put('/api/v1/me/preferences', { language: 'fr', alertNewMessage: true });
    await send('khaddad');
    await send('khaddad');
    const alerts = await waitFor(outbox, (rows) => rows.length >= 1);
    assert.deepEqual(alerts.map((row) => row.recipient), ['khaddad@exemple.fr'], 'no alert without consent; a burst makes one alert');
    const [alert] = alerts;
    assert.equal(alert?.recipient, 'khaddad@exemple.fr');
    assert.match(alert?.body ?? '', new RegExp(`khaddad@${D.replace(/\./g, '\\.')}`));
    assert.doesNotMatch(`${alert?.subject} ${alert?.body}`, /Dupont|sérologie|positif|emartin/);
  } finally {
    await app.close();
  }
});

engineTest('opening alerts: a sender who asked is told by e-mail that a message was opened, without recipient, subject or text; once per quiet period', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const outbox = async () => rt.ctx.sql.read.selectFrom('dev_outbox').selectAll().where('subject', 'not like', '%code%').orderBy('seq').execute();
    const send = async () => {
      const response = await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`khaddad@${D}`], subject: 'Patient Dupont : sérologie', text: 'Résultat positif' });
      return ((await response.json()) as { messageId: string }).messageId;
    };
    const first = await send();
    // Opened before the sender asked: no alert.
    assert.equal((await khaddad.get(`/api/v1/messages/${first}/body`)).status, 200);
    await emartin.put('/api/v1/me/preferences', { language: 'fr', alertNewMessage: false, alertTracking: true });
    const second = await send();
    const third = await send();
    assert.equal((await khaddad.get(`/api/v1/messages/${second}/body`)).status, 200);
    assert.equal((await khaddad.get(`/api/v1/messages/${third}/body`)).status, 200);
    const alerts = await waitFor(outbox, (rows) => rows.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const all = await outbox();
    assert.deepEqual(all.map((row) => row.recipient), ['emartin@exemple.fr'], 'one alert for two openings in the quiet period');
    assert.equal(alerts[0]?.subject, 'Un message que vous avez envoyé a été ouvert');
    assert.match(alerts[0]?.body ?? '', /envoyé depuis emartin@demo\.mssante\.test vient d'être ouvert/);
    assert.doesNotMatch(`${alerts[0]?.subject} ${alerts[0]?.body}`, /Dupont|sérologie|positif|khaddad/);
  } finally {
    await app.close();
  }
});

engineTest('directory API: prefix of address or name, accents ignored, liste rouge never returned; bad filters refused; logged out is 401', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const { addMailbox } = await import('../../src/services/accounts.ts');
    await addMailbox(rt.ctx, { address: `dr.secret@${D}`, kind: 'ORG', displayName: 'Docteur Secret', listeRouge: true, members: [] });
    await addMailbox(rt.ctx, { address: `kine@${D}`, kind: 'ORG', displayName: 'Cabinet de kinésithérapie Saint-Jean', members: [] });
    const { reloadDirectory } = await import('../../src/services/directory/directory-index.ts');
    await reloadDirectory(rt.ctx);
    const search = async (query: string) => {
      const response = await emartin.get(`/api/v1/directory?${query}`);
      assert.equal(response.status, 200, await response.clone().text());
      return ((await response.json()) as { entries: { address: string }[] }).entries.map((hit) => hit.address);
    };
    assert.deepEqual(await search('q=kh'), [`khaddad@${D}`]);
    assert.deepEqual(await search('q=saint'), [`kine@${D}`], 'a word of the name');
    assert.deepEqual(await search('q=KINESITHERAPIE'), [`kine@${D}`], 'accents and case ignored');
    assert.deepEqual(await search('q=dr'), []);
    assert.deepEqual(await search('q=docteur'), []);
    assert.deepEqual(await search('q=dr.secret%40'), []);
    // Punctuation alone is no word: the whole (visible) directory, alphabetical, as for an empty query.
    assert.deepEqual(await search('q=%25'), await search(''));
    assert.equal((await search('')).includes(`dr.secret@${D}`), false);
    assert.deepEqual(await search('kind=ORG'), [`kine@${D}`, `cardio@${D}`]);
    for (const bad of ['department=ABC', 'postcode=35x', 'kind=XYZ', 'limit=500', 'page=0', 'other=1']) {
      assert.equal((await emartin.get(`/api/v1/directory?${bad}`)).status, 400, bad);
    }
    const vocabulary = await emartin.get('/api/v1/directory/vocabulary');
    assert.equal(vocabulary.status, 200);
    assert.deepEqual(((await vocabulary.json()) as { kinds: string[] }).kinds, ['ORG', 'PER']);
    assert.equal((await fetch(`${url}/api/v1/directory?q=kh`)).status, 401);
  } finally {
    await app.close();
  }
});

engineTest('rate limit: past the limit, 429 with Retry-After and a clear message', async (_t, rt) => {
  const { app, url } = await serve(rt, { rateLimitPerMinute: 10 });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await fetch(`${url}/api/v1/me`)).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    const limited = await fetch(`${url}/api/v1/me`);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(((await limited.json()) as { error: string }).error, 'rate_limited');
  } finally {
    await app.close();
  }
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
