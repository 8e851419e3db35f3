import assert from 'node:assert/strict';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { addMailbox, addStructure, addUser, grantMember } from '../../src/services/accounts.ts';
import { membersOf } from '../../src/store/repositories/accounts.ts';
import { engineTest } from '../support/engines.ts';
import { auditRows, DOMAIN, expectCode, seedSmallOperator } from '../support/fixtures.ts';

const at = (local: string) => `${local}@${DOMAIN}`;

engineTest('accounts: a new mailbox has its special folders and its members', async (_t, rt) => {
  const { mailboxes } = await seedSmallOperator(rt.ctx);
  const folders = await rt.ctx.sql.read.selectFrom('folder').select(['name', 'special_use', 'uid_next', 'highest_modseq']).where('mailbox_id', '=', mailboxes.cardio!).orderBy('name').execute();
  assert.deepEqual(
    folders.map((folder) => ({ ...folder })),
    [
      { name: 'Archive', special_use: '\\Archive', uid_next: 1, highest_modseq: 1 },
      { name: 'Drafts', special_use: '\\Drafts', uid_next: 1, highest_modseq: 1 },
      { name: 'INBOX', special_use: null, uid_next: 1, highest_modseq: 1 },
      { name: 'Sent', special_use: '\\Sent', uid_next: 1, highest_modseq: 1 },
      { name: 'Trash', special_use: '\\Trash', uid_next: 1, highest_modseq: 1 },
    ],
  );
  assert.deepEqual(await membersOf(rt.ctx.sql.read, mailboxes.cardio!), [
    { mailboxId: mailboxes.cardio, userId: 'emartin', rights: ALL_RIGHTS },
    { mailboxId: mailboxes.cardio, userId: 'sbernard', rights: { read: true, send: true, manage: false } },
  ]);
  const mailbox = await rt.ctx.sql.read.selectFrom('mailbox').selectAll().where('id', '=', mailboxes.cardio!).executeTakeFirstOrThrow();
  assert.deepEqual([mailbox.address, mailbox.address_key, mailbox.kind, mailbox.liste_rouge], [at('cardiologie'), at('cardiologie'), 'ORG', 0]);
});

engineTest('accounts: a personal mailbox has exactly one holder, who gets every right', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  await expectCode(
    addMailbox(rt.ctx, { address: at('double'), kind: 'PER', displayName: 'x', members: [{ userId: 'emartin', rights: ALL_RIGHTS }, { userId: 'sbernard', rights: ALL_RIGHTS }] }),
    'invalid_argument',
  );
  await addUser(rt.ctx, { id: 'jdupont', displayName: 'Jean Dupont' });
  const id = await addMailbox(rt.ctx, { address: at('Jean.Dupont'), kind: 'PER', displayName: 'Jean Dupont', members: [{ userId: 'jdupont', rights: { read: true, send: false, manage: false } }] });
  assert.deepEqual(await membersOf(rt.ctx.sql.read, id), [{ mailboxId: id, userId: 'jdupont', rights: ALL_RIGHTS }]);
  const row = await rt.ctx.sql.read.selectFrom('mailbox').select(['address', 'address_key']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual([row.address, row.address_key], [at('Jean.Dupont'), at('jean.dupont')]);
});

engineTest('accounts: refusals — foreign domain, duplicate address in any case, unknown member, bad identifiers', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  await expectCode(addMailbox(rt.ctx, { address: 'x@ailleurs.mssante.fr', kind: 'ORG', displayName: 'x', members: [] }), 'invalid_argument');
  await expectCode(addMailbox(rt.ctx, { address: `EMartin@${DOMAIN.toUpperCase()}`, kind: 'ORG', displayName: 'x', members: [] }), 'conflict');
  await expectCode(addMailbox(rt.ctx, { address: at('equipe'), kind: 'ORG', displayName: 'x', members: [{ userId: 'personne', rights: ALL_RIGHTS }] }), 'not_found');
  await expectCode(addUser(rt.ctx, { id: 'emartin', displayName: 'again' }), 'conflict');
  for (const id of ['E', 'Emartin', '-x', 'a b', 'x'.repeat(65)]) await expectCode(addUser(rt.ctx, { id, displayName: 'x' }), 'invalid_argument');
  await expectCode(addUser(rt.ctx, { id: 'rpps', displayName: 'x', rpps: '123' }), 'invalid_argument');
  await expectCode(addUser(rt.ctx, { id: 'mail', displayName: 'x', notifyEmail: 'pas une adresse' }), 'invalid_address');
  await expectCode(addStructure(rt.ctx, { name: 'CH', finess: '12345678' }), 'invalid_argument');
  await expectCode(addStructure(rt.ctx, { name: 'CH', siret: '1234567890123' }), 'invalid_argument');
  await expectCode(grantMember(rt.ctx, at('personne'), 'emartin', ALL_RIGHTS), 'not_found');
  await expectCode(grantMember(rt.ctx, at('cardiologie'), 'personne', ALL_RIGHTS), 'not_found');
  assert.equal(await rt.ctx.sql.read.selectFrom('mailbox').select('id').execute().then((rows) => rows.length), 4);
});

engineTest('accounts: grantMember adds or changes a member row, and every change is audited', async (_t, rt) => {
  const { mailboxes } = await seedSmallOperator(rt.ctx);
  await grantMember(rt.ctx, at('cardiologie'), 'sbernard', { read: true, send: false, manage: false });
  await grantMember(rt.ctx, at('cardiologie'), 'khaddad', { read: true, send: false, manage: false });
  assert.deepEqual(
    (await membersOf(rt.ctx.sql.read, mailboxes.cardio!)).map((member) => [member.userId, member.rights]),
    [
      ['emartin', ALL_RIGHTS],
      ['khaddad', { read: true, send: false, manage: false }],
      ['sbernard', { read: true, send: false, manage: false }],
    ],
  );
  assert.deepEqual(
    (await auditRows(rt.ctx)).map((row) => [row.action, row.result]),
    [
      ['domain.add', 'ok'],
      ...['emartin', 'sbernard', 'khaddad'].flatMap(() => [['user.add', 'ok'], ['mailbox.add', 'ok']]),
      ['mailbox.add', 'ok'],
      ['mailbox.member', 'ok'],
      ['mailbox.member', 'ok'],
    ],
  );
});
