import assert from 'node:assert/strict';
import { prepared } from '../../src/store/repositories/prepared.ts';
import { engineTest } from '../support/engines.ts';
import { seedSmallOperator } from '../support/fixtures.ts';

engineTest('prepared queries: compiled once, each run binds its own values in their places, fixed values stay, a list gets a shape per length', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  let builds = 0;
  const members = prepared((q, mailboxId: string, userId: string) => {
    builds++;
    return q.selectFrom('mailbox_member').select(['user_id', 'can_send']).where('mailbox_id', '=', mailboxId).where('user_id', '=', userId).where('can_read', '=', 1);
  });
  const byKeys = prepared(
    (q, keys: readonly string[]) => {
      builds++;
      return q.selectFrom('mailbox').select('address').where('address_key', 'in', keys).orderBy('address');
    },
    (keys) => String(keys.length),
  );
  const mailboxes = await rt.ctx.sql.read.selectFrom('mailbox').select(['id', 'address', 'address_key']).orderBy('address').execute();
  const cardio = mailboxes.find((mailbox) => mailbox.address.startsWith('cardiologie@'))!;
  const direct = (userId: string) => rt.ctx.sql.read.selectFrom('mailbox_member').select(['user_id', 'can_send']).where('mailbox_id', '=', cardio.id).where('user_id', '=', userId).where('can_read', '=', 1).execute();

  for (const userId of ['emartin', 'sbernard', 'khaddad', 'emartin']) assert.deepEqual(await members(rt.ctx.sql.read, cardio.id, userId), await direct(userId), userId);
  assert.equal(builds, 1, 'built and compiled once');
  const keys = mailboxes.map((mailbox) => mailbox.address_key);
  assert.deepEqual((await byKeys(rt.ctx.sql.read, keys.slice(0, 2))).map((row) => row.address), mailboxes.slice(0, 2).map((mailbox) => mailbox.address));
  assert.deepEqual((await byKeys(rt.ctx.sql.read, keys.slice(1, 3))).map((row) => row.address), mailboxes.slice(1, 3).map((mailbox) => mailbox.address));
  assert.deepEqual((await byKeys(rt.ctx.sql.read, keys.slice(0, 3))).map((row) => row.address), mailboxes.slice(0, 3).map((mailbox) => mailbox.address));
  assert.equal(builds, 3, 'one more shape per list length');
  assert.deepEqual(await byKeys(rt.ctx.sql.read, ["x' or 1=1 --", 'nobody@nowhere']), [], 'values are bound, never spliced into the text');
});
