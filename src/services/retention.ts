import type { ProofEvent } from '../core/proof-event.ts';
import { appendAudit } from '../store/repositories/audit.ts';
import { contentExpiredBefore, forgetBlob, purgedWithBlob, shredContent } from '../store/repositories/messages.ts';
import { appendProofEvents } from '../store/repositories/proofs.ts';
import type { ServiceContext } from './context.ts';

const DAY = 24 * 60 * 60 * 1000;
const BATCH = 200;

export type RetentionReport = { purged: number; blobsRemoved: number };

/**
 * Content goes, proofs stay. For each message past the retention age: one commit destroys its
 * wrapped data key and everything describing its content, and appends the `purged` proof event;
 * only then is the blob file removed. A crash between the two leaves a blob nobody can decrypt,
 * which the next run removes.
 */
export async function runRetention(ctx: ServiceContext, retentionDays: number): Promise<RetentionReport> {
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
  if (purged > 0 || blobsRemoved > 0) ctx.log.info('retention purge', { purged, blobsRemoved, retentionDays });
  return { purged, blobsRemoved };
}
