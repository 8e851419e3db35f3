import assert from 'node:assert/strict';
import { findMessage } from '../../src/store/repositories/messages.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

/**
 * A connection can be lost after COMMIT reached the disk but before the answer came back: the
 * deposit then fails for its caller, yet the message is delivered. Its content must survive.
 */
engineTest(
  'a deposit told "failed" after its commit happened keeps its content',
  async (_t, rt) => {
    const { ctx } = rt;
    await seedSmallOperator(ctx);
    const real = ctx.sql.procedure;
    const sql = ctx.sql as { procedure: typeof real };
    sql.procedure = async (name, args) => {
      await real(name, args);
      throw new Error('connection lost during COMMIT');
    };
    const raw = rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], attachment: { name: 'cr.pdf', bytes: Buffer.alloc(3000, 7) } });
    await assert.rejects(send(ctx, `emartin@${DOMAIN}`, 'emartin', raw), /connection lost during COMMIT/);
    sql.procedure = real;

    const filed = await ctx.sql.read.selectFrom('mailbox_entry').select('message_id').where('mailbox_id', '=', (await ctx.sql.read.selectFrom('mailbox').select('id').where('address_key', '=', `khaddad@${DOMAIN}`).executeTakeFirstOrThrow()).id).execute();
    assert.equal(filed.length, 1);
    const message = await findMessage(ctx.sql.read, filed[0]!.message_id);
    assert.equal(message?.storage, 'blob');
    assert.deepEqual((await openAs(ctx, 'khaddad', message!.id, { peek: true })).content, raw);
  },
  { MISSIVE_INLINE_CONTENT_BYTES: '0' },
);
