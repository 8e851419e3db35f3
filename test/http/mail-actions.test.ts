import assert from 'node:assert/strict';
import { engineTest } from '../support/engines.ts';
import { logIn } from './login.ts';
import { as, D, serve } from './server.ts';

type Entry = { uid: number; messageId: string; subject: string; flags: string; fromName: string | null; folder?: string };
type Folder = { name: string; total: number; unread: number };

engineTest('HTTP mail actions: mark read and unread, flag, move, delete to Trash then for good; MODSEQ moves', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`khaddad@${D}`], subject: 'Compte rendu', text: 'x' });
    const inbox = `/api/v1/mailboxes/${ids.khaddad}/folders/INBOX/messages`;
    const [entry] = ((await (await khaddad.get(inbox)).json()) as { entries: Entry[] }).entries;
    assert.ok(entry);
    const folders = async () => (await (await khaddad.get(`/api/v1/mailboxes/${ids.khaddad}/folders`)).json()) as Folder[];
    const modseq = async () => (await rt.ctx.sql.read.selectFrom('folder').select('highest_modseq').where('mailbox_id', '=', ids.khaddad!).where('name', '=', 'INBOX').executeTakeFirstOrThrow()).highest_modseq;

    const before = Number(await modseq());
    const read = await khaddad.patch(`${inbox}/${entry.uid}`, { seen: true, flagged: true });
    assert.equal(read.status, 200);
    assert.deepEqual(await read.json(), { uid: entry.uid, flags: '\\Flagged \\Seen' });
    assert.equal((await folders()).find((folder) => folder.name === 'INBOX')?.unread, 0);
    assert.ok(Number(await modseq()) > before, 'a flag change takes a new MODSEQ');
    assert.deepEqual(await (await khaddad.patch(`${inbox}/${entry.uid}`, { seen: false })).json(), { uid: entry.uid, flags: '\\Flagged' });
    assert.equal((await folders()).find((folder) => folder.name === 'INBOX')?.unread, 1);
    assert.equal((await khaddad.patch(`${inbox}/${entry.uid}`, {})).status, 400, 'an empty change is refused');
    assert.equal((await khaddad.patch(`${inbox}/${entry.uid}`, { deleted: true })).status, 400, 'unknown flags are refused');

    const moved = await khaddad.post(`${inbox}/${entry.uid}/move`, { to: 'Archive' });
    assert.equal(moved.status, 200);
    const { uid: archivedUid } = (await moved.json()) as { folder: string; uid: number };
    assert.equal((await khaddad.get(`${inbox}`).then((response) => response.json()) as { entries: Entry[] }).entries.length, 0);
    const archive = `/api/v1/mailboxes/${ids.khaddad}/folders/Archive/messages`;
    const [archived] = ((await (await khaddad.get(archive)).json()) as { entries: Entry[] }).entries;
    assert.deepEqual([archived?.uid, archived?.messageId, archived?.flags], [archivedUid, entry.messageId, '\\Flagged'], 'the flags travel with the message');
    assert.equal((await khaddad.post(`${archive}/${archivedUid}/move`, { to: 'Nowhere' })).status, 404);

    const trashed = await khaddad.delete(`${archive}/${archivedUid}`);
    assert.equal(trashed.status, 200);
    const { folder, uid: trashUid } = (await trashed.json()) as { folder: string; uid: number };
    assert.equal(folder, 'Trash');
    const gone = await khaddad.delete(`/api/v1/mailboxes/${ids.khaddad}/folders/Trash/messages/${trashUid}`);
    assert.equal(gone.status, 204);
    assert.deepEqual((await folders()).map((each) => [each.name, each.total]).sort(), [['Archive', 0], ['Drafts', 0], ['INBOX', 0], ['Sent', 0], ['Trash', 0]]);
    // Deleted here only: the sender keeps their copy, and the proofs stay.
    const sent = ((await (await emartin.get(`/api/v1/mailboxes/${ids.emartin}/folders/Sent/messages`)).json()) as { entries: Entry[] }).entries;
    assert.equal(sent.length, 1);
    assert.equal((await khaddad.delete(`/api/v1/mailboxes/${ids.khaddad}/folders/Trash/messages/${trashUid}`)).status, 404);
  } finally {
    await app.close();
  }
});

engineTest('HTTP mail actions: access matrix — strangers get 404, a read-only delegate marks but cannot move or delete', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const sbernard = as(url, await logIn(url, 'sbernard'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const { messageId } = (await (await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`cardio@${D}`], subject: 'Pour le service', text: 'x' })).json()) as { messageId: string };
    const inbox = `/api/v1/mailboxes/${ids.cardio}/folders/INBOX/messages`;
    const [entry] = ((await (await sbernard.get(inbox)).json()) as { entries: Entry[] }).entries;
    assert.ok(entry);

    for (const response of [
      await khaddad.patch(`${inbox}/${entry.uid}`, { seen: true }),
      await khaddad.post(`${inbox}/${entry.uid}/move`, { to: 'Archive' }),
      await khaddad.delete(`${inbox}/${entry.uid}`),
      await khaddad.get(`/api/v1/mailboxes/${ids.cardio}/search?q=service`),
      await khaddad.get(`/api/v1/messages/${messageId}/tracking`),
      await sbernard.get(`/api/v1/messages/${messageId}/tracking`),
    ]) {
      assert.equal(response.status, 404, response.url);
    }
    assert.equal((await sbernard.patch(`${inbox}/${entry.uid}`, { seen: true })).status, 200);
    assert.equal((await sbernard.post(`${inbox}/${entry.uid}/move`, { to: 'Archive' })).status, 403);
    assert.equal((await sbernard.delete(`${inbox}/${entry.uid}`)).status, 403);
    assert.equal((await emartin.post(`${inbox}/${entry.uid}/move`, { to: 'Archive' })).status, 200, 'a manager of the shared mailbox may');
    // A change without the CSRF token is refused and changes nothing.
    const forged = await fetch(`${url}${inbox}/${entry.uid}`, { method: 'PATCH', headers: { cookie: (await logIn(url, 'emartin')).cookie, 'content-type': 'application/json' }, body: '{"seen":false}' });
    assert.equal(forged.status, 403);
  } finally {
    await app.close();
  }
});

engineTest('HTTP search: sender, subject and text; every word; accents, case and hyphens ignored; scoped to one mailbox', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const send = (subject: string, text: string) => emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`khaddad@${D}`], subject, text });
    await send('Échographie de Mme Le Gall-Müller', 'Résultats normaux.');
    await send('Ordonnance', 'Renouvellement du traitement anticoagulant.');
    await send('Rendez-vous', 'Merci de rappeler le secrétariat.');
    const search = async (q: string) =>
      ((await (await khaddad.get(`/api/v1/mailboxes/${ids.khaddad}/search?q=${encodeURIComponent(q)}`)).json()) as { entries: Entry[] }).entries.map((entry) => entry.subject);

    assert.deepEqual(await search('echographie'), ['Échographie de Mme Le Gall-Müller']);
    assert.deepEqual(await search('gall muller'), ['Échographie de Mme Le Gall-Müller']);
    assert.deepEqual(await search('ANTICOAGULANT'), ['Ordonnance'], 'the text is searched');
    assert.deepEqual((await search('emartin')).length, 3, 'the sender is searched');
    assert.deepEqual(await search('rappeler secrétariat'), ['Rendez-vous']);
    assert.deepEqual(await search('rappeler ordonnance'), [], 'every word must match');
    assert.deepEqual(await search('_'), [], 'LIKE wildcards are literal');
    const found = ((await (await khaddad.get(`/api/v1/mailboxes/${ids.khaddad}/search?q=ordonnance`)).json()) as { entries: Entry[] }).entries;
    assert.equal(found[0]?.folder, 'INBOX');
    assert.equal(found[0]?.fromName, 'emartin', "From carries the sending mailbox's name");
    assert.equal((await khaddad.get(`/api/v1/mailboxes/${ids.khaddad}/search?q=%20%20`)).status, 400);
    // The sender's Sent folder is her own mailbox, not his.
    assert.deepEqual((await (await emartin.get(`/api/v1/mailboxes/${ids.emartin}/search?q=ordonnance`)).json() as { entries: Entry[] }).entries.map((entry) => entry.folder), ['Sent']);
  } finally {
    await app.close();
  }
});

engineTest('HTTP tracking (Suivi): per recipient delivered then opened, for the sending side only', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const sent = await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`khaddad@${D}`], cc: [`sbernard@${D}`], subject: 'Bilan', text: 'x' });
    const { messageId } = (await sent.json()) as { messageId: string };
    type Tracking = { subject: string; recipients: { address: string; kind: string; state: string; deliveredAt: number | null; openedAt: number | null }[] };
    const track = async () => (await (await emartin.get(`/api/v1/messages/${messageId}/tracking`)).json()) as Tracking;

    const first = await track();
    assert.equal(first.subject, 'Bilan');
    assert.deepEqual(first.recipients.map((recipient) => [recipient.address, recipient.kind, recipient.state, recipient.openedAt]), [
      [`khaddad@${D}`, 'to', 'delivered', null],
      [`sbernard@${D}`, 'cc', 'delivered', null],
    ]);
    assert.ok(first.recipients.every((recipient) => typeof recipient.deliveredAt === 'number'));

    assert.equal((await khaddad.get(`/api/v1/messages/${messageId}/raw?mailbox=${ids.khaddad}`)).status, 200);
    const second = await track();
    assert.equal(typeof second.recipients.find((recipient) => recipient.address === `khaddad@${D}`)?.openedAt, 'number');
    assert.equal(second.recipients.find((recipient) => recipient.address === `sbernard@${D}`)?.openedAt, null);
    assert.equal((await khaddad.get(`/api/v1/messages/${messageId}/tracking`)).status, 404, 'a recipient does not see the others');
  } finally {
    await app.close();
  }
});
