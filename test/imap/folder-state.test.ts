import assert from 'node:assert/strict';
import { copyEntries, expungeEntries, folderState, imapFolder } from '../../src/services/imap/imap-folders.ts';
import { engineTest } from '../support/engines.ts';
import { countRows, DOMAIN, expectCode, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

engineTest('folderState: the UIDs of a folder as runs, one run without gaps, the runs around what was expunged', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const inbox = await imapFolder(rt.ctx, 'sbernard', 'INBOX');
  assert.deepEqual((await folderState(rt.ctx, inbox.folderId)).uidRuns, []);
  for (let i = 0; i < 8; i++) await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`sbernard@${DOMAIN}`], subject: `n° ${i + 1}` }));
  const before = await folderState(rt.ctx, inbox.folderId);
  assert.equal(before.uidRuns.length, 1);
  const [[first, last]] = before.uidRuns as [[number, number]];
  assert.equal(last - first + 1, 8);
  assert.equal(before.firstUnseenUid, first);

  await expungeEntries(rt.ctx, 'sbernard', inbox, [first, first + 2, first + 3, last]);
  assert.deepEqual((await folderState(rt.ctx, inbox.folderId)).uidRuns, [[first + 1, first + 1], [first + 4, last - 1]]);
});

engineTest('COPY and MOVE into another mailbox: filed there for its members, with the manage right on it (and on the source to move); no proof event', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const sent = await send(rt.ctx, `khaddad@${DOMAIN}`, 'khaddad', rawMessage({ from: `khaddad@${DOMAIN}`, to: [`emartin@${DOMAIN}`], subject: 'À classer' }));
  const inbox = await imapFolder(rt.ctx, 'emartin', 'INBOX');
  const shared = await imapFolder(rt.ctx, 'emartin', `Shared/cardiologie@${DOMAIN}/INBOX`);
  const [uid] = (await folderState(rt.ctx, inbox.folderId)).uidRuns[0]!;
  const events = await countRows(rt.ctx, 'proof_event');
  const copied = await copyEntries(rt.ctx, 'emartin', inbox, shared, [uid], false);
  assert.deepEqual(copied.source, [uid]);
  assert.equal(copied.target.length, 1);
  // The secretary, a member of cardiologie@, now reads it there; nothing was exchanged.
  const opened = await openAs(rt.ctx, 'sbernard', sent.messageId, { peek: true });
  assert.match(opened.content.toString(), /À classer/);
  assert.equal(await countRows(rt.ctx, 'proof_event'), events);
  // She may not file into her chief's personal mailbox, nor move out of cardiologie@ without managing it.
  const secretaryShared = await imapFolder(rt.ctx, 'sbernard', `Shared/cardiologie@${DOMAIN}/INBOX`);
  const secretaryInbox = await imapFolder(rt.ctx, 'sbernard', 'INBOX');
  await expectCode(copyEntries(rt.ctx, 'sbernard', secretaryShared, secretaryInbox, copied.target, true), 'forbidden');
});
