import assert from 'node:assert/strict';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';
import type { ServiceContext } from '../../src/services/context.ts';

async function folderState(ctx: ServiceContext, mailboxId: string, name: string) {
  const folder = await ctx.sql.read.selectFrom('folder').selectAll().where('mailbox_id', '=', mailboxId).where('name', '=', name).executeTakeFirstOrThrow();
  const entries = await ctx.sql.read.selectFrom('mailbox_entry').select(['uid', 'modseq']).where('folder_id', '=', folder.id).orderBy('uid').execute();
  return { folder, entries };
}

function assertStrictlyIncreasing(values: number[], what: string): void {
  for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!, `${what} not increasing at ${i}: ${values[i - 1]} then ${values[i]}`);
}

engineTest('UIDs: 50 concurrent deposits to one mailbox get UIDs 1..50 without gaps, MODSEQ increasing', async (_t, rt) => {
  const { mailboxes } = await seedSmallOperator(rt.ctx);
  const COUNT = 50;
  const results = await Promise.all(
    Array.from({ length: COUNT }, (_, i) =>
      send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`sbernard@${DOMAIN}`], subject: `Message ${i}` })),
    ),
  );
  const oneToFifty = Array.from({ length: COUNT }, (_, i) => i + 1);
  assert.deepEqual(results.map((result) => result.recipients[0]!.uid).sort((a, b) => a - b), oneToFifty);
  assert.deepEqual(results.map((result) => result.sentUid).sort((a, b) => a! - b!), oneToFifty);

  for (const [mailboxId, folderName] of [[mailboxes.sbernard!, 'INBOX'], [mailboxes.emartin!, 'Sent']] as const) {
    const { folder, entries } = await folderState(rt.ctx, mailboxId, folderName);
    assert.deepEqual(entries.map((entry) => entry.uid), oneToFifty, folderName);
    assert.equal(folder.uid_next, COUNT + 1, folderName);
    assertStrictlyIncreasing(entries.map((entry) => entry.modseq), `${folderName} modseq`);
    assert.equal(folder.highest_modseq, entries.at(-1)!.modseq, folderName);
    assert.equal(folder.highest_modseq, COUNT + 1, folderName);
  }
  // Each deposit's result names the UID its entry really has.
  for (const result of results) {
    const entry = await rt.ctx.sql.read.selectFrom('mailbox_entry').select('uid').where('message_id', '=', result.messageId).where('mailbox_id', '=', mailboxes.sbernard!).executeTakeFirstOrThrow();
    assert.equal(entry.uid, result.recipients[0]!.uid);
  }
});
