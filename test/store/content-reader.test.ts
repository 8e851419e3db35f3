import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadedContentReader } from '../../src/store/content-reader.ts';
import { CryptoError } from '../../src/store/crypto/envelope.ts';
import { engineTest, freshRuntime, type TestRuntime } from '../support/engines.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const at = (local: string) => `${local}@${DOMAIN}`;

/** emartin writes `count` messages to sbernard; their ids, raw bytes, and sbernard's mailbox. */
async function inbox(rt: TestRuntime, count: number, body = (i: number) => `Message ${i}`) {
  const { mailboxes } = await seedSmallOperator(rt.ctx);
  const messages: { id: string; raw: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const raw = rawMessage({ from: at('emartin'), to: [at('sbernard')], subject: `Compte rendu ${i}`, body: body(i) });
    messages.push({ id: (await send(rt.ctx, at('emartin'), 'emartin', raw)).messageId, raw });
  }
  return { messages, mailboxId: mailboxes.sbernard!, otherMailboxId: mailboxes.khaddad! };
}

engineTest('content reader: a batch comes back decrypted, only what is filed in the mailbox, purged ones left out', async (_t, rt) => {
  const { messages, mailboxId, otherMailboxId } = await inbox(rt, 3);
  const [first, second, third] = messages;
  await rt.ctx.sql.write((trx) => trx.updateTable('message').set({ purged_at: rt.clock.now }).where('id', '=', third!.id).execute());
  const batch = await rt.ctx.contents.filedIn(mailboxId, [first!.id, second!.id, third!.id, 'msg_doesnotexist']);
  assert.deepEqual(
    new Map(batch.filed.map(({ message, content }) => [message.id, content])),
    new Map([[first!.id, first!.raw], [second!.id, second!.raw]]),
  );
  // Another mailbox, which exists but does not hold it.
  const elsewhere = await rt.ctx.contents.filedIn(otherMailboxId, [first!.id]);
  assert.deepEqual(elsewhere.filed, []);
  batch.release();
});

engineTest('content reader: a message kept in the blob store comes back to be streamed, not read inline', async (_t, rt) => {
  const { messages, mailboxId } = await inbox(rt, 1);
  const batch = await rt.ctx.contents.filedIn(mailboxId, [messages[0]!.id]);
  assert.equal(batch.filed.length, 1);
  assert.equal(batch.filed[0]!.content, null);
  assert.equal(batch.filed[0]!.message.storage, 'blob');
}, { MISSIVE_INLINE_CONTENT_BYTES: '0' });

test('content reader threads: a released buffer serves the next batch, what still pointed into it is emptied (never shows other bytes), a larger batch gets its own', async () => {
  // The last message is larger than a batch buffer (2 MiB), and still kept inline.
  const rt = await freshRuntime('sqlite', { MISSIVE_INLINE_CONTENT_BYTES: String(4 * 1024 * 1024) });
  try {
    const { messages, mailboxId } = await inbox(rt, 6, (i) => (i === 5 ? 'Ligne de compte rendu.\r\n'.repeat(110_000) : `Message ${i}`));
    const ids = messages.map((message) => message.id);
    const rawOf = new Map(messages.map((message) => [message.id, message.raw]));
    assert.ok(rawOf.get(ids[5]!)!.length > 2 * 1024 * 1024);
    const reader = threadedContentReader(`${rt.dataDir}/missive.sqlite`, rt.ctx.kek, 1);
    try {
      const first = await reader.filedIn(mailboxId, ids.slice(0, 3));
      const kept = first.filed[0]!.content!;
      assert.deepEqual(kept, rawOf.get(first.filed[0]!.message.id));
      first.release();
      first.release();
      const second = await reader.filedIn(mailboxId, ids.slice(3, 5));
      assert.equal(kept.length, 0, 'the old view is detached once its buffer went back to the thread');
      for (const { message, content } of second.filed) assert.deepEqual(content, rawOf.get(message.id));
      second.release();
      const all = await reader.filedIn(mailboxId, ids);
      assert.equal(all.filed.length, 6);
      for (const { message, content } of all.filed) assert.deepEqual(content, rawOf.get(message.id));
    } finally {
      await reader.close();
    }
    await assert.rejects(reader.filedIn(mailboxId, ids), /closed/);
  } finally {
    await rt.close();
  }
});

test('content reader threads: content altered at rest is refused as a CryptoError, and the thread goes on serving', async () => {
  const rt = await freshRuntime('sqlite');
  try {
    const { messages, mailboxId } = await inbox(rt, 2);
    const [good, altered] = messages;
    await rt.ctx.sql.write((trx) => trx.updateTable('message_content').set({ ciphertext: Buffer.alloc(64, 1) }).where('message_id', '=', altered!.id).execute());
    await assert.rejects(rt.ctx.contents.filedIn(mailboxId, [good!.id, altered!.id]), CryptoError);
    const batch = await rt.ctx.contents.filedIn(mailboxId, [good!.id]);
    assert.deepEqual(batch.filed[0]!.content, good!.raw);
  } finally {
    await rt.close();
  }
});
