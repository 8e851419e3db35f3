import assert from 'node:assert/strict';
import { addUser } from '../../src/services/accounts.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { openMessage, openMessagesIn } from '../../src/services/open.ts';
import { CryptoError } from '../../src/store/crypto/envelope.ts';
import { recipientsOf } from '../../src/store/repositories/messages.ts';
import { proofEventsOf } from '../../src/store/repositories/proofs.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { auditRows, collectBytes, countRows, DOMAIN, expectCode, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const at = (local: string) => `${local}@${DOMAIN}`;
const MINUTE = 60 * 1000;

async function openedEvents(ctx: ServiceContext, messageId: string) {
  return (await proofEventsOf(ctx.sql.read, messageId))
    .filter((event) => event.type === 'opened')
    .map((event) => ({ recipient: event.recipient, actor: event.actor, channel: event.channel, at: event.at }));
}

async function openedAt(ctx: ServiceContext, messageId: string): Promise<Record<string, number | null>> {
  return Object.fromEntries((await recipientsOf(ctx.sql.read, messageId)).map((row) => [row.address, row.opened_at]));
}

/** emartin writes to sbernard and khaddad; returns the message and its raw bytes. */
async function delivered(rt: TestRuntime) {
  const seed = await seedSmallOperator(rt.ctx);
  const raw = rawMessage({ from: at('emartin'), to: [at('sbernard'), at('khaddad')] });
  const result = await send(rt.ctx, at('emartin'), 'emartin', raw);
  return { ...seed, raw, messageId: result.messageId };
}

engineTest('open: a user without rights is told not_found, and no proof event is written', async (_t, rt) => {
  const { messageId, mailboxes } = await delivered(rt);
  await addUser(rt.ctx, { id: 'lecteur', displayName: 'Lecteur sans droit' });
  const events = await countRows(rt.ctx, 'proof_event');

  const unknown = await expectCode(openAs(rt.ctx, 'lecteur', 'msg_doesnotexist'), 'not_found');
  const forbidden = await expectCode(openAs(rt.ctx, 'lecteur', messageId), 'not_found');
  assert.equal(forbidden.message, unknown.message, 'the answer must not tell an existing message from a missing one');
  // A recipient asking through a mailbox that does not hold the message, or an operator, gets the same.
  await expectCode(openAs(rt.ctx, 'sbernard', messageId, { viaMailboxId: mailboxes.emartin! }), 'not_found');
  await expectCode(openMessage(rt.ctx, { principal: { kind: 'operator', name: 'admin' }, messageId, channel: 'cli' }), 'not_found');

  assert.equal(await countRows(rt.ctx, 'proof_event'), events);
  assert.deepEqual(await openedAt(rt.ctx, messageId), { [at('khaddad')]: null, [at('sbernard')]: null });
  assert.deepEqual((await auditRows(rt.ctx)).slice(-2), [
    { actor: 'user:sbernard', action: 'open', target: messageId, result: 'refused', detail: { channel: 'web', errorCode: 'not_found' } },
    { actor: 'operator:admin', action: 'open', target: messageId, result: 'refused', detail: { channel: 'cli', errorCode: 'not_found' } },
  ]);
});

engineTest("open: the recipient's first opening writes one 'opened' event and sets opened_at; the second writes none", async (_t, rt) => {
  const { messageId, raw } = await delivered(rt);
  const first = rt.clock.now + 5 * MINUTE;
  rt.clock.now = first;
  const { content, opened } = await openAs(rt.ctx, 'sbernard', messageId);
  assert.deepEqual(content, raw);
  assert.equal(opened.sender, at('emartin'));
  assert.deepEqual(await openedEvents(rt.ctx, messageId), [{ recipient: at('sbernard'), actor: 'user:sbernard', channel: 'web', at: first }]);
  assert.deepEqual(await openedAt(rt.ctx, messageId), { [at('khaddad')]: null, [at('sbernard')]: first });

  rt.clock.now += 10 * MINUTE;
  assert.deepEqual((await openAs(rt.ctx, 'sbernard', messageId)).content, raw);
  assert.deepEqual(await openedEvents(rt.ctx, messageId), [{ recipient: at('sbernard'), actor: 'user:sbernard', channel: 'web', at: first }]);
  assert.deepEqual(await openedAt(rt.ctx, messageId), { [at('khaddad')]: null, [at('sbernard')]: first });
  // Both readings are in the audit trail.
  assert.deepEqual(
    (await auditRows(rt.ctx)).filter((row) => row.action === 'open').map((row) => [row.actor, row.result]),
    [['user:sbernard', 'ok'], ['user:sbernard', 'ok']],
  );
});

engineTest('open: concurrent first openings by the same recipient record one event', async (_t, rt) => {
  const { messageId } = await delivered(rt);
  await Promise.all(Array.from({ length: 5 }, () => openAs(rt.ctx, 'sbernard', messageId)));
  assert.equal((await openedEvents(rt.ctx, messageId)).length, 1);
});

engineTest('open: a peek writes no proof event and leaves opened_at unset', async (_t, rt) => {
  const { messageId, raw } = await delivered(rt);
  assert.deepEqual((await openAs(rt.ctx, 'sbernard', messageId, { peek: true })).content, raw);
  assert.deepEqual(await openedEvents(rt.ctx, messageId), []);
  assert.deepEqual(await openedAt(rt.ctx, messageId), { [at('khaddad')]: null, [at('sbernard')]: null });
  // The real opening afterwards still counts.
  await openAs(rt.ctx, 'sbernard', messageId);
  assert.deepEqual((await openedEvents(rt.ctx, messageId)).map((event) => event.recipient), [at('sbernard')]);
});

engineTest('open: the sender reading their Sent copy writes no proof event', async (_t, rt) => {
  const { messageId, raw, mailboxes } = await delivered(rt);
  assert.deepEqual((await openAs(rt.ctx, 'emartin', messageId)).content, raw);
  assert.deepEqual((await openAs(rt.ctx, 'emartin', messageId, { viaMailboxId: mailboxes.emartin! })).content, raw);
  assert.deepEqual(await openedEvents(rt.ctx, messageId), []);
  assert.deepEqual(await openedAt(rt.ctx, messageId), { [at('khaddad')]: null, [at('sbernard')]: null });
});

engineTest('open: the secretary opening a message to cardiologie@ records the opening for cardiologie@', async (_t, rt) => {
  const { mailboxes } = await seedSmallOperator(rt.ctx);
  const raw = rawMessage({ from: at('khaddad'), to: [at('cardiologie')] });
  const { messageId } = await send(rt.ctx, at('khaddad'), 'khaddad', raw);
  rt.clock.now += MINUTE;
  const when = rt.clock.now;

  assert.deepEqual((await openAs(rt.ctx, 'sbernard', messageId)).content, raw);
  assert.deepEqual(await openedEvents(rt.ctx, messageId), [{ recipient: at('cardiologie'), actor: 'user:sbernard', channel: 'web', at: when }]);
  assert.deepEqual(await openedAt(rt.ctx, messageId), { [at('cardiologie')]: when });

  // The physician, another member, opening later adds nothing: the mailbox has opened it.
  rt.clock.now += MINUTE;
  await openAs(rt.ctx, 'emartin', messageId, { viaMailboxId: mailboxes.cardio! });
  assert.equal((await openedEvents(rt.ctx, messageId)).length, 1);
});

engineTest('open: an application opens mail of its own mailbox only', async (_t, rt) => {
  const { messageId, mailboxes, raw } = await delivered(rt);
  const app = { kind: 'application' as const, mailboxId: mailboxes.khaddad! };
  const opened = await openMessage(rt.ctx, { principal: app, messageId, channel: 'api', peek: true });
  assert.deepEqual(await collectBytes(opened.content), raw);
  await expectCode(openMessage(rt.ctx, { principal: { kind: 'application', mailboxId: mailboxes.cardio! }, messageId, channel: 'api' }), 'not_found');
  assert.deepEqual(await openedEvents(rt.ctx, messageId), []);
});

engineTest('open: inline content altered at rest fails authentication instead of returning altered bytes', async (_t, rt) => {
  const { messageId } = await delivered(rt);
  const { ciphertext } = await rt.ctx.sql.read.selectFrom('message_content').select('ciphertext').where('message_id', '=', messageId).executeTakeFirstOrThrow();
  const altered = Buffer.from(ciphertext);
  altered[altered.length - 20] = altered[altered.length - 20]! ^ 0x01;
  await rt.ctx.sql.write((trx) => trx.updateTable('message_content').set({ ciphertext: altered }).where('message_id', '=', messageId).execute());
  const opened = await openMessage(rt.ctx, { principal: { kind: 'user', userId: 'sbernard' }, messageId, channel: 'web', peek: true });
  await assert.rejects(collectBytes(opened.content), CryptoError);
});

engineTest('open, several at once: the read right on the mailbox is checked, only messages filed there come back, peeks prove nothing, openings are proven once', async (_t, rt) => {
  const { messageId, raw, mailboxes } = await delivered(rt);
  const other = await send(rt.ctx, at('emartin'), 'emartin', rawMessage({ from: at('emartin'), to: [at('khaddad')] }));
  const batch = (userId: string, mailboxId: string, peek: boolean) =>
    openMessagesIn(rt.ctx, { principal: { kind: 'user', userId }, mailboxId, messageIds: [messageId, other.messageId, 'msg_doesnotexist'], channel: 'imap', peek });

  // Someone else's mailbox: refused as if it did not exist, nothing proven.
  await expectCode(batch('khaddad', mailboxes.sbernard!, true), 'not_found');
  const peeked = await batch('sbernard', mailboxes.sbernard!, true);
  assert.deepEqual([...peeked.contents.keys()], [messageId], 'a message not filed in the mailbox is not returned');
  assert.deepEqual(peeked.contents.get(messageId)!.content, raw);
  assert.deepEqual(await openedEvents(rt.ctx, messageId), []);

  rt.clock.now += MINUTE;
  await batch('sbernard', mailboxes.sbernard!, false);
  await batch('sbernard', mailboxes.sbernard!, false);
  assert.deepEqual(await openedEvents(rt.ctx, messageId), [{ recipient: at('sbernard'), actor: 'user:sbernard', channel: 'imap', at: rt.clock.now }]);

  // Altered at rest: refused, never returned altered.
  await rt.ctx.sql.write((trx) => trx.updateTable('message_content').set({ ciphertext: Buffer.alloc(64, 1) }).where('message_id', '=', messageId).execute());
  await assert.rejects(batch('sbernard', mailboxes.sbernard!, true), CryptoError);
});
