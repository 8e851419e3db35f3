import assert from 'node:assert/strict';
import type { ServiceContext } from '../../src/services/context.ts';
import { runRetention } from '../../src/services/retention.ts';
import { proofEventsOf } from '../../src/store/repositories/proofs.ts';
import type { TestRuntime } from '../support/engines.ts';
import { auditRows, countRows, DOMAIN, entriesOf, expectCode, filesUnder, openAs, rawMessage, seedSmallOperator, send, storageTest, type StorageMode } from '../support/fixtures.ts';

const at = (local: string) => `${local}@${DOMAIN}`;
const DAY = 24 * 60 * 60 * 1000;

async function messageRow(ctx: ServiceContext, id: string) {
  const row = await ctx.sql.read.selectFrom('message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { ...row, wrapped_key: row.wrapped_key === null ? null : Buffer.from(row.wrapped_key) };
}

async function inlineRows(ctx: ServiceContext): Promise<string[]> {
  return (await ctx.sql.read.selectFrom('message_content').select('message_id').orderBy('message_id').execute()).map((row) => row.message_id);
}

async function proofs(ctx: ServiceContext, messageId: string) {
  return (await proofEventsOf(ctx.sql.read, messageId)).map((event) => ({ ...event }));
}

async function deliver(rt: TestRuntime, subject: string) {
  const raw = rawMessage({ from: at('emartin'), to: [at('sbernard')], subject });
  const result = await send(rt.ctx, at('emartin'), 'emartin', raw);
  return { raw, messageId: result.messageId };
}

async function folder(ctx: ServiceContext, mailboxId: string, name: string) {
  return ctx.sql.read.selectFrom('folder').select(['uid_next', 'highest_modseq']).where('mailbox_id', '=', mailboxId).where('name', '=', name).executeTakeFirstOrThrow();
}

/** Where message content is: files in the blob store and message_content rows. */
async function contentPlaces(rt: TestRuntime): Promise<{ files: string[]; inline: string[] }> {
  return { files: await filesUnder(rt.config.blobsDir), inline: await inlineRows(rt.ctx) };
}

const blobsRemoved = (storage: StorageMode, count: number) => (storage === 'blob' ? count : 0);

storageTest('retention: after 91 days content is shredded, proofs kept plus one purged event', async (_t, rt, storage) => {
  const { mailboxes } = await seedSmallOperator(rt.ctx);
  const { messageId } = await deliver(rt, 'Résultats');
  // As if an IMAP client had fetched its envelope: kept with the message, shredded with it.
  await rt.ctx.sql.write((trx) => trx.updateTable('message').set({ imap_envelope: '(NIL "Résultats" NIL NIL NIL NIL NIL NIL NIL NIL)' }).where('id', '=', messageId).execute());
  const before = await messageRow(rt.ctx, messageId);
  assert.equal(before.storage, storage);
  const proofsBefore = await proofs(rt.ctx, messageId);
  assert.deepEqual(await contentPlaces(rt), storage === 'blob' ? { files: [before.blob_key], inline: [] } : { files: [], inline: [messageId] });

  rt.clock.now += 91 * DAY;
  assert.deepEqual(await runRetention(rt.ctx, 90), { purged: 1, blobsRemoved: blobsRemoved(storage, 1) });

  assert.deepEqual(await messageRow(rt.ctx, messageId), {
    ...before,
    blob_key: null,
    wrapped_key: null,
    subject: null,
    from_name: null,
    search_text: null,
    index_json: null,
    imap_envelope: null,
    purged_at: rt.clock.now,
  });
  assert.deepEqual(await contentPlaces(rt), { files: [], inline: [] });
  assert.deepEqual(await entriesOf(rt.ctx, messageId), []);
  const proofsAfter = await proofs(rt.ctx, messageId);
  assert.deepEqual(proofsAfter.slice(0, proofsBefore.length), proofsBefore);
  assert.deepEqual(
    proofsAfter.slice(proofsBefore.length).map(({ seq: _seq, id: _id, ...event }) => event),
    [{ type: 'purged', message_id: messageId, message_id_header: before.message_id_header, content_digest: before.content_digest, actor: 'operator:retention', recipient: null, channel: 'system', at: rt.clock.now }],
  );
  // Recipients keep their delivery facts.
  assert.equal(await countRows(rt.ctx, 'recipient'), 1);
  // The expunge is a change IMAP clients must see; UIDs are never reused.
  assert.deepEqual({ ...(await folder(rt.ctx, mailboxes.sbernard!, 'INBOX')) }, { uid_next: 2, highest_modseq: 3 });
  assert.deepEqual({ ...(await folder(rt.ctx, mailboxes.emartin!, 'Sent')) }, { uid_next: 2, highest_modseq: 3 });
  assert.deepEqual((await auditRows(rt.ctx)).at(-1), { actor: 'operator:retention', action: 'purge', target: null, result: 'ok', detail: { messages: 1, retentionDays: 90 } });

  // Nobody can read it any more, the recipient included (the entries are gone, so: not found).
  await expectCode(openAs(rt.ctx, 'sbernard', messageId), 'not_found');
  await expectCode(openAs(rt.ctx, 'emartin', messageId, { peek: true }), 'not_found');
});

storageTest('retention: a message younger than the limit is kept; the limit is exact to the millisecond', async (_t, rt, storage) => {
  await seedSmallOperator(rt.ctx);
  const old = await deliver(rt, 'Ancien');
  rt.clock.now += 60 * DAY;
  const young = await deliver(rt, 'Récent');
  const youngBlob = (await messageRow(rt.ctx, young.messageId)).blob_key;

  rt.clock.now += 30 * DAY; // the old one is exactly 90 days old: kept
  assert.deepEqual(await runRetention(rt.ctx, 90), { purged: 0, blobsRemoved: 0 });
  assert.equal((await messageRow(rt.ctx, old.messageId)).purged_at, null);

  rt.clock.now += 1;
  assert.deepEqual(await runRetention(rt.ctx, 90), { purged: 1, blobsRemoved: blobsRemoved(storage, 1) });
  assert.notEqual((await messageRow(rt.ctx, old.messageId)).purged_at, null);
  assert.equal((await messageRow(rt.ctx, young.messageId)).purged_at, null);
  assert.deepEqual(await contentPlaces(rt), storage === 'blob' ? { files: [youngBlob], inline: [] } : { files: [], inline: [young.messageId] });
  assert.deepEqual(await entriesOf(rt.ctx, young.messageId), [`${at('emartin')} Sent 2 \\Seen`, `${at('sbernard')} INBOX 2`]);
  assert.deepEqual((await openAs(rt.ctx, 'sbernard', young.messageId)).content, young.raw);
});

storageTest('retention: running it again purges nothing more and writes nothing', async (_t, rt, storage) => {
  await seedSmallOperator(rt.ctx);
  const { messageId } = await deliver(rt, 'Une fois');
  rt.clock.now += 91 * DAY;
  assert.deepEqual(await runRetention(rt.ctx, 90), { purged: 1, blobsRemoved: blobsRemoved(storage, 1) });
  const proofsAfterFirst = await proofs(rt.ctx, messageId);
  const auditAfterFirst = await auditRows(rt.ctx);
  const rowAfterFirst = await messageRow(rt.ctx, messageId);

  rt.clock.now += DAY;
  assert.deepEqual(await runRetention(rt.ctx, 90), { purged: 0, blobsRemoved: 0 });
  assert.deepEqual(await proofs(rt.ctx, messageId), proofsAfterFirst);
  assert.deepEqual(await auditRows(rt.ctx), auditAfterFirst);
  assert.deepEqual(await messageRow(rt.ctx, messageId), rowAfterFirst);
});
