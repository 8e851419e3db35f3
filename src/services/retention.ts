import type { ProofEvent } from '../core/proof-event.ts';
import { appendAudit } from '../store/repositories/audit.ts';
import { bucketOf } from '../store/blobs/blob-store.ts';
import { contentExpiredBefore, forgetBlob, purgedWithBlob, referencedBlobKeys, shredContent } from '../store/repositories/messages.ts';
import { appendProofEvents } from '../store/repositories/proofs.ts';
import { uploadBlobKeys } from '../store/repositories/uploads.ts';
import type { ServiceContext } from './context.ts';
import { sweepStaleUploads } from './uploads.ts';

const DAY = 24 * 60 * 60 * 1000;
const BATCH = 200;

export type RetentionReport = { purged: number; blobsRemoved: number };

const HOUR = 60 * 60 * 1000;
// A deposit writes its blob, then commits within seconds; a blob in a bucket that closed more
// than this long ago and that no row names was left by a crash between the two.
const ORPHAN_AFTER_HOURS = 2;

/**
 * Content goes, proofs stay. For each message past the retention age: one commit destroys its
 * wrapped data key and everything describing its content, and appends the `purged` proof event;
 * only then is the blob file removed. A crash between the two leaves a blob nobody can decrypt,
 * which the next run removes.
 */
export async function runRetention(ctx: ServiceContext, retentionDays: number, intervalHours = 1): Promise<RetentionReport> {
  const now = ctx.clock();
  const before = now - retentionDays * DAY;
  let purged = 0;
  for (;;) {
    const expired = await contentExpiredBefore(ctx.sql.read, before, BATCH);
    if (expired.length === 0) break;
    purged += await ctx.sql.write(async (trx) => {
      let count = 0;
      for (const message of expired) {
        if ((await shredContent(trx, message.id, now)) === 0) continue;
        count++;
        const event: ProofEvent = {
          type: 'purged',
          messageId: message.id,
          messageIdHeader: message.message_id_header,
          contentDigest: message.content_digest,
          actor: 'operator:retention',
          recipient: null,
          channel: 'system',
          at: now,
        };
        await appendProofEvents(trx, [event]);
      }
      await appendAudit(trx, { at: now, actor: 'operator:retention', action: 'purge', target: null, result: 'ok', detail: { messages: count, retentionDays } });
      return count;
    });
  }
  if (purged > 0) await ctx.sql.scrub();
  let blobsRemoved = 0;
  for (;;) {
    const leftovers = await purgedWithBlob(ctx.sql.read, BATCH);
    if (leftovers.length === 0) break;
    for (const { id, blob_key } of leftovers) {
      await ctx.blobs.delete(blob_key);
      await ctx.sql.write((trx) => forgetBlob(trx, id));
      blobsRemoved++;
    }
  }
  // Attachments uploaded for a message never sent; their blobs go with them.
  await sweepStaleUploads(ctx);
  // Each run looks at the buckets that became old enough since the previous one.
  blobsRemoved += await sweepOrphanBlobs(ctx, ORPHAN_AFTER_HOURS + 2 + Math.ceil(intervalHours));
  if (purged > 0 || blobsRemoved > 0) ctx.log.info('retention purge', { purged, blobsRemoved, retentionDays });
  return { purged, blobsRemoved };
}

/**
 * Removes blobs no message names, in the hour buckets from `hoursBack` hours ago up to the last
 * one old enough. Such a blob comes from a deposit that crashed after writing its content and
 * before committing: its data key was never stored, so it was unreadable anyway.
 */
export async function sweepOrphanBlobs(ctx: ServiceContext, hoursBack: number): Promise<number> {
  const now = ctx.clock();
  let removed = 0;
  for (let hours = hoursBack; hours > ORPHAN_AFTER_HOURS; hours--) {
    const keys: string[] = [];
    for await (const blob of ctx.blobs.listBucket(bucketOf(new Date(now - hours * HOUR)))) {
      // Judged by the file's own age too: a deposit that began long ago may be finishing now.
      if (blob.modifiedAt < now - ORPHAN_AFTER_HOURS * HOUR) keys.push(blob.key);
    }
    for (let start = 0; start < keys.length; start += BATCH) {
      const slice = keys.slice(start, start + BATCH);
      const referenced = await referencedBlobKeys(ctx.sql.read, slice);
      // Uploads waiting for their message live in the same store.
      const uploaded = await uploadBlobKeys(ctx.sql.read, slice);
      for (const key of slice) {
        if (referenced.has(key) || uploaded.has(key)) continue;
        await ctx.blobs.delete(key);
        removed++;
      }
    }
  }
  if (removed > 0) ctx.log.warn('removed blobs left by an interrupted deposit', { removed });
  return removed;
}
