import assert from 'node:assert/strict';
import { listFolder, mailboxesOf } from '../../src/services/mailbox-view.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, expectCode, rawMessage, seedSmallOperator, send, user } from '../support/fixtures.ts';

const at = (local: string) => `${local}@${DOMAIN}`;

engineTest('mailboxesOf: a user works in their own mailbox and every mailbox they are a member of', async (_t, rt) => {
  const { mailboxes } = await seedSmallOperator(rt.ctx);
  assert.deepEqual(await mailboxesOf(rt.ctx, 'sbernard'), [
    { id: mailboxes.cardio, address: at('cardiologie'), kind: 'ORG', displayName: 'Cardiologie', rights: 'read,send' },
    { id: mailboxes.sbernard, address: at('sbernard'), kind: 'PER', displayName: 'Sophie Bernard', rights: 'read,send,manage' },
  ]);
  assert.deepEqual((await mailboxesOf(rt.ctx, 'khaddad')).map((mailbox) => mailbox.address), [at('khaddad')]);
  assert.deepEqual(await mailboxesOf(rt.ctx, 'personne'), []);
});

engineTest('listFolder: newest first, paged by UID, for readers only', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const ids: string[] = [];
  for (const subject of ['Un', 'Deux', 'Trois']) {
    ids.push((await send(rt.ctx, at('emartin'), 'emartin', rawMessage({ from: at('emartin'), to: [at('cardiologie')], subject }))).messageId);
  }
  const page = await listFolder(rt.ctx, user('sbernard'), { mailbox: at('cardiologie'), folder: 'INBOX', limit: 2 });
  assert.equal(page.mailbox, at('cardiologie'));
  assert.equal(page.folder, 'INBOX');
  assert.deepEqual(page.entries.map((entry) => [entry.uid, entry.subject, entry.messageId, entry.flags, entry.sender]), [
    [3, 'Trois', ids[2], '', at('emartin')],
    [2, 'Deux', ids[1], '', at('emartin')],
  ]);
  const next = await listFolder(rt.ctx, user('sbernard'), { mailbox: at('cardiologie'), folder: 'INBOX', limit: 2, beforeUid: 2 });
  assert.deepEqual(next.entries.map((entry) => entry.uid), [1]);
  const sent = await listFolder(rt.ctx, user('emartin'), { mailbox: at('emartin'), folder: 'Sent', limit: 10 });
  assert.deepEqual(sent.entries.map((entry) => [entry.uid, entry.flags]), [[3, '\\Seen'], [2, '\\Seen'], [1, '\\Seen']]);

  await expectCode(listFolder(rt.ctx, user('khaddad'), { mailbox: at('cardiologie'), folder: 'INBOX', limit: 10 }), 'not_found');
  await expectCode(listFolder(rt.ctx, user('khaddad'), { mailbox: at('personne'), folder: 'INBOX', limit: 10 }), 'not_found');
  const missing = await expectCode(listFolder(rt.ctx, user('sbernard'), { mailbox: at('cardiologie'), folder: 'Spam', limit: 10 }), 'not_found');
  assert.equal(missing.message, `no folder Spam in ${at('cardiologie')} (folders: Archive, Drafts, INBOX, Sent, Trash)`);
});
