import assert from 'node:assert/strict';
import { expungeEntries, folderState, imapFolder } from '../../src/services/imap/imap-folders.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

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
