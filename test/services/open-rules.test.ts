import assert from 'node:assert/strict';
import { openMessage } from '../../src/services/open.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, expectCode, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const at = (local: string) => `${local}@${DOMAIN}`;

engineTest('a reader holding the message in two mailboxes must say which one to record an opening', async (_t, rt) => {
  const { ctx } = rt;
  const { mailboxes } = await seedSmallOperator(ctx);
  // emartin writes to the shared mailbox she is a member of: Sent copy and cardiologie Inbox.
  const sent = await send(ctx, at('emartin'), 'emartin', rawMessage({ from: at('emartin'), to: [at('cardiologie')] }));
  await expectCode(openMessage(ctx, { principal: { kind: 'user', userId: 'emartin' }, messageId: sent.messageId, channel: 'web' }), 'invalid_argument');
  await openAs(ctx, 'emartin', sent.messageId, { peek: true });
  await openAs(ctx, 'emartin', sent.messageId, { viaMailboxId: mailboxes.emartin! });
  const opened = async () => (await ctx.sql.read.selectFrom('proof_event').select('recipient').where('type', '=', 'opened').execute()).map((row) => row.recipient);
  assert.deepEqual(await opened(), [], 'reading one\u2019s own Sent copy is no opening');
  await openAs(ctx, 'emartin', sent.messageId, { viaMailboxId: mailboxes.cardio! });
  assert.deepEqual(await opened(), [at('cardiologie')]);
});

engineTest('a disabled user keeps no right: cannot read nor send', async (_t, rt) => {
  const { ctx } = rt;
  await seedSmallOperator(ctx);
  const sent = await send(ctx, at('emartin'), 'emartin', rawMessage({ from: at('emartin'), to: [at('cardiologie')] }));
  await ctx.sql.write((trx) => trx.updateTable('user_account').set({ disabled_at: ctx.clock() }).where('id', '=', 'sbernard').execute());
  await expectCode(openMessage(ctx, { principal: { kind: 'user', userId: 'sbernard' }, messageId: sent.messageId, channel: 'web' }), 'not_found');
  await expectCode(send(ctx, at('cardiologie'), 'sbernard', rawMessage({ from: at('cardiologie'), to: [at('khaddad')] })), 'forbidden');
});
