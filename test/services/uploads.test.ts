import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createDraft, getDraft } from '../../src/services/drafts.ts';
import { runRetention, sweepOrphanBlobs } from '../../src/services/retention.ts';
import { receiveUpload, uploadContent, type UploadedFile } from '../../src/services/uploads.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { findOwnUploads } from '../../src/store/repositories/uploads.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, seedSmallOperator } from '../support/fixtures.ts';

const HOUR = 60 * 60 * 1000;

function upload(ctx: ServiceContext, userId: string, filename: string, bytes: Buffer): Promise<UploadedFile> {
  return receiveUpload(ctx, userId, { filename, contentType: 'application/pdf', declaredLength: bytes.length, body: Readable.from([bytes]) });
}

async function blobOf(ctx: ServiceContext, userId: string, id: string): Promise<string> {
  return (await findOwnUploads(ctx.sql.read, userId, [id]))[0]!.blob_key;
}

async function contentOf(ctx: ServiceContext, userId: string, id: string): Promise<Buffer> {
  const [row] = await findOwnUploads(ctx.sql.read, userId, [id]);
  const chunks: Buffer[] = [];
  for await (const chunk of uploadContent(ctx, row!)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

engineTest('uploads: stored encrypted under their own key and read back whole', async (_t, rt) => {
  const { ctx } = rt;
  await seedSmallOperator(ctx);
  const bytes = Buffer.from('%PDF-1.7 compte rendu opératoire '.repeat(5000), 'utf8');
  const file = await upload(ctx, 'emartin', 'cr.pdf', bytes);
  assert.equal(file.size, bytes.length);
  assert.deepEqual(await contentOf(ctx, 'emartin', file.id), bytes);
  const row = (await findOwnUploads(ctx.sql.read, 'emartin', [file.id]))[0]!;
  assert.equal(row.kek_id, ctx.kek.id);
  // The stored blob is ciphertext: the plaintext does not appear in it.
  const stored: Buffer[] = [];
  for await (const chunk of ctx.blobs.get(row.blob_key)) stored.push(chunk as Buffer);
  assert.equal(Buffer.concat(stored).includes(Buffer.from('compte rendu')), false);
});

engineTest('stale uploads: after a day, those no draft names go with their blobs; named, recent and unjudgeable ones stay; the orphan-blob sweep leaves uploads alone', async (_t, rt) => {
  const { ctx, clock } = rt;
  // Blob files carry real modification times: the fake clock starts at the real one.
  clock.now = Date.now();
  const { mailboxes } = await seedSmallOperator(ctx);
  const abandoned = await upload(ctx, 'emartin', 'abandonné.pdf', Buffer.from('a'));
  const named = await upload(ctx, 'emartin', 'brouillon.pdf', Buffer.from('b'));
  const unjudgeable = await upload(ctx, 'khaddad', 'illisible.pdf', Buffer.from('c'));
  const blobs = { abandoned: await blobOf(ctx, 'emartin', abandoned.id), named: await blobOf(ctx, 'emartin', named.id), unjudgeable: await blobOf(ctx, 'khaddad', unjudgeable.id) };
  const draft = await createDraft(ctx, 'emartin', { mailboxId: mailboxes.emartin!, to: [`khaddad@${DOMAIN}`], cc: [], subject: 'En cours', text: '…', attachments: [named.id], inReplyTo: null });
  // A draft whose sealed content does not open (here: another draft's, bound to another id).
  const other = await createDraft(ctx, 'khaddad', { mailboxId: mailboxes.khaddad!, to: [], cc: [], subject: '', text: '', attachments: [], inReplyTo: null });
  const sealed = (await ctx.sql.read.selectFrom('draft').select('sealed').where('id', '=', draft.id).executeTakeFirstOrThrow()).sealed;
  await ctx.sql.write((trx) => trx.updateTable('draft').set({ sealed: Buffer.from(sealed) }).where('id', '=', other.id).execute());

  clock.now += 23 * HOUR;
  const recent = await upload(ctx, 'emartin', 'récent.pdf', Buffer.from('d'));
  await runRetention(ctx, 90);
  assert.equal((await ctx.sql.read.selectFrom('upload').select('id').execute()).length, 4, 'nothing is a day old yet');

  clock.now += 2 * HOUR;
  await runRetention(ctx, 90);
  const left = (await ctx.sql.read.selectFrom('upload').select('id').orderBy('id').execute()).map((row) => row.id);
  assert.deepEqual(left, [named.id, unjudgeable.id, recent.id].sort());
  assert.equal(await ctx.blobs.exists(blobs.abandoned), false);
  assert.equal(await ctx.blobs.exists(blobs.named), true);
  assert.equal(await ctx.blobs.exists(blobs.unjudgeable), true);

  // Upload blobs are named by no message; the crash sweep must still leave them.
  assert.equal(await sweepOrphanBlobs(ctx, 7 * 24), 0);
  assert.deepEqual(await contentOf(ctx, 'emartin', named.id), Buffer.from('b'));
  assert.deepEqual(await contentOf(ctx, 'emartin', recent.id), Buffer.from('d'));
  assert.deepEqual((await getDraft(ctx, 'emartin', draft.id)).attachments.map((file) => file.id), [named.id]);
});
