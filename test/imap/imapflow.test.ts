import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { engineTest } from '../support/engines.ts';
import { startTestImap } from '../support/imap.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send, settles } from '../support/fixtures.ts';

engineTest('IMAP with imapflow (npm): STARTTLS login, list, open INBOX, fetch envelopes and sources, search, flag, move, append a draft, and IDLE woken by a delivery', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { secret } = await createAppPassword(rt.ctx, 'khaddad', 'imapflow');
  await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject: 'Premier', body: 'Texte du premier.' }));
  await send(rt.ctx, `sbernard@${DOMAIN}`, 'sbernard', rawMessage({ from: `sbernard@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject: 'Second' }));
  const imap = await startTestImap(t, rt);
  const client = new ImapFlow({ host: '127.0.0.1', port: imap.port, secure: false, tls: { ca: [imap.tls.anchors], servername: 'localhost' }, auth: { user: 'khaddad', pass: secret }, logger: false });
  await client.connect();
  t.after(() => client.logout().catch(() => undefined));

  const folders = await client.list();
  const byPath = new Map(folders.map((folder) => [folder.path, folder]));
  assert.equal(byPath.get('Sent')?.specialUse, '\\Sent');
  assert.ok(byPath.has('INBOX'));

  const lock = await client.getMailboxLock('INBOX');
  try {
    assert.equal((client.mailbox as { exists: number }).exists, 2);
    const envelopes = [];
    for await (const message of client.fetch('1:*', { uid: true, flags: true, envelope: true, size: true })) envelopes.push(message);
    assert.deepEqual(envelopes.map((message) => message.envelope?.subject), ['Premier', 'Second']);
    assert.equal(envelopes[1]?.envelope?.from?.[0]?.address, `sbernard@${DOMAIN}`);
    // Encoded on that first fetch and kept with each message; the next fetch sends them as kept.
    const kept = await rt.ctx.sql.read.selectFrom('message').select(['subject', 'imap_envelope']).where('subject', 'in', ['Premier', 'Second']).orderBy('subject').execute();
    assert.deepEqual(kept.map((row) => row.imap_envelope?.includes(`"${row.subject}"`)), [true, true]);
    const again = [];
    for await (const message of client.fetch('1:*', { uid: true, envelope: true })) again.push(message.envelope);
    assert.deepEqual(again, envelopes.map((message) => message.envelope));
    const first = await client.fetchOne('1', { source: true, bodyStructure: true });
    assert.ok(first, 'message 1 fetched');
    assert.match(first.source!.toString(), /Texte du premier\./);
    assert.equal(first.bodyStructure?.type, 'text/plain');
    const found = await client.search({ subject: 'second' });
    assert.deepEqual(found, [2]);
    await client.messageFlagsAdd('2', ['\\Flagged']);
    const flagged = await client.fetchOne('2', { flags: true });
    assert.ok(flagged && flagged.flags?.has('\\Flagged'));
    const moved = await client.messageMove('2', 'Archive');
    assert.ok(moved);
    assert.equal((client.mailbox as { exists: number }).exists, 1);

    // APPEND: a draft saved by the client is filed (APPENDUID), sent to no one, proven nowhere.
    const draft = rawMessage({ from: `khaddad@${DOMAIN}`, to: [`emartin@${DOMAIN}`], subject: 'Brouillon de réponse' });
    const appended = await client.append('Drafts', draft, ['\\Draft', '\\Seen']);
    assert.equal(appended && appended.uid, 1);
    const drafts = await client.status('Drafts', { messages: true });
    assert.equal(drafts && drafts.messages, 1);
    const filed = await rt.ctx.sql.read.selectFrom('message').select(['id', 'sender']).where('subject', '=', 'Brouillon de réponse').executeTakeFirstOrThrow();
    assert.equal(filed.sender, `khaddad@${DOMAIN}`);
    assert.equal((await rt.ctx.sql.read.selectFrom('recipient').select('address').where('message_id', '=', filed.id).execute()).length, 0, 'an APPEND sends nothing');
    assert.equal((await rt.ctx.sql.read.selectFrom('proof_event').select('id').where('message_id', '=', filed.id).execute()).length, 0);

    // IDLE: a delivery wakes the client with the new count, no polling on either side.
    const arrived = new Promise<number>((resolve) => client.on('exists', (data: { count: number }) => resolve(data.count)));
    const idle = client.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject: 'Pendant IDLE' }));
    assert.equal(await settles(arrived, 'the EXISTS during IDLE', 15_000), 2);
    void idle;
  } finally {
    lock.release();
  }
});
