import { addressKey } from '../../core/address.ts';
import type { ProofEvent } from '../../core/proof-event.ts';
import { findMailboxByKey } from '../../store/repositories/accounts.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { findMessage, type MessageRow } from '../../store/repositories/messages.ts';
import { claimDueOutbound, removeOutbound, rescheduleOutbound, type OutboundRow } from '../../store/repositories/outbound-queue.ts';
import { proofEventRow } from '../../store/repositories/proofs.ts';
import type { ServiceContext } from '../context.ts';
import { decryptedContent } from '../content.ts';
import { sendFailureNotice, type FailedRecipient } from './failure-notice.ts';
import { onOutboundNudge } from './outbound-signal.ts';
import { attemptPeerDelivery, type OutboundTls, type PeerAttempt, type RecipientOutcome } from './peer-delivery.ts';

export type OutboundRunnerOptions = {
  tls: OutboundTls;
  /** Our name in EHLO. */
  ourName: string;
  /** How often the queue is looked at when nothing nudges it. */
  pollMs?: number;
  /** Attempts in flight at once. */
  concurrency?: number;
  /** The delivery itself; tests may replace it to watch what is tried. */
  attempt?: (attempt: PeerAttempt) => Promise<RecipientOutcome[]>;
};

export type OutboundRunner = { runOnce(): Promise<number>; stop(): Promise<void> };

// An attempt holds its row this long; a node that dies mid-attempt lets another retry after it.
const LEASE_MS = 15 * 60_000;
const MAX_RETRY_DELAY_S = 3600;

/**
 * Works the outbound queue: due rows are claimed, tried, and settled. Each recipient ends
 * delivered (a `delivered` proof event naming the peer operator), failed (a `bounced` event and a
 * failure notice to the sender), or waits for the next try, each delay twice the last up to an
 * hour, until the configured lifetime has passed.
 */
export function startOutbound(ctx: ServiceContext, options: OutboundRunnerOptions): OutboundRunner {
  const concurrency = options.concurrency ?? 8;
  const attempt = options.attempt ?? attemptPeerDelivery;
  let stopped = false;
  let running: Promise<number> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  const runOnce = async (): Promise<number> => {
    const now = ctx.clock();
    const rows = await ctx.sql.write((trx) => claimDueOutbound(trx, ctx.sql.engine, now, now + LEASE_MS, concurrency));
    await Promise.all(rows.map((row) => tryRow(ctx, row, options, attempt).catch((error: unknown) => ctx.log.error('outbound attempt failed', { queue: row.id, error }))));
    return rows.length;
  };
  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    running = runOnce().catch((error: unknown) => {
      ctx.log.error('outbound queue run failed', { error });
      return 0;
    });
    void running.then((claimed) => {
      running = null;
      if (stopped) return;
      // A full claim may leave more due rows behind it.
      if (again || claimed === concurrency) {
        again = false;
        setImmediate(tick);
      } else {
        timer = setTimeout(tick, options.pollMs ?? 5_000);
        timer.unref();
      }
    });
  };
  onOutboundNudge(ctx, tick);
  setImmediate(tick);
  return {
    runOnce,
    async stop() {
      stopped = true;
      onOutboundNudge(ctx, null);
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

async function tryRow(ctx: ServiceContext, row: OutboundRow, options: OutboundRunnerOptions, attempt: (attempt: PeerAttempt) => Promise<RecipientOutcome[]>): Promise<void> {
  const to = row.recipients.split(' ').filter(Boolean);
  const message = await findMessage(ctx.sql.read, row.message_id);
  const outcomes: RecipientOutcome[] =
    !message || message.purged_at !== null
      ? to.map((address) => ({ address, result: 'failed', reply: 'the message content is no longer kept', remoteHost: null }))
      : await attempt({
          domain: row.domain,
          listedSubject: ctx.operatorSubjects.get(row.domain) ?? null,
          from: row.sender,
          to,
          ourName: options.ourName,
          route: ctx.outbound.routes.get(row.domain),
          tls: options.tls,
          message: () => decryptedContent(ctx, message),
        });
  if (!ctx.trustedDomains.has(row.domain)) {
    // Taken off the whitelist while queued: nothing more goes there.
    for (const outcome of outcomes) if (outcome.result === 'retry') Object.assign(outcome, { result: 'failed', reply: `${row.domain} is no longer on the MSSanté whitelist` });
  }
  if (message) await settle(ctx, row, message, outcomes);
}

async function settle(ctx: ServiceContext, row: OutboundRow, message: MessageRow, outcomes: RecipientOutcome[]): Promise<void> {
  const now = ctx.clock();
  const expired = now >= row.expires_at;
  const failed: FailedRecipient[] = outcomes
    .filter((outcome) => outcome.result === 'failed' || (outcome.result === 'retry' && expired))
    .map((outcome) => ({ address: outcome.address, reply: outcome.reply, remoteHost: outcome.remoteHost, expired: outcome.result === 'retry' }));
  const delivered = outcomes.filter((outcome) => outcome.result === 'delivered');
  const waiting = expired ? [] : outcomes.filter((outcome) => outcome.result === 'retry');
  // Before the commit: a crash in between may send a notice twice, never lose it.
  if (failed.length > 0) await sendFailureNotice(ctx, message, failed);
  const base = { messageId: message.id, messageIdHeader: message.message_id_header, contentDigest: message.content_digest, actor: `operator:${row.domain}`, channel: 'smtp' as const, at: now };
  const events: ProofEvent[] = [
    ...delivered.map((outcome): ProofEvent => ({ ...base, type: 'delivered', recipient: outcome.address })),
    ...failed.map((outcome): ProofEvent => ({ ...base, type: 'bounced', recipient: outcome.address })),
  ];
  await ctx.sql.write(async (trx) => {
    for (const outcome of delivered) {
      await trx.updateTable('recipient').set({ state: 'delivered', delivered_at: now }).where('message_id', '=', message.id).where('address', '=', outcome.address).execute();
    }
    for (const outcome of failed) {
      await trx.updateTable('recipient').set({ state: 'failed' }).where('message_id', '=', message.id).where('address', '=', outcome.address).execute();
    }
    if (events.length > 0) await trx.insertInto('proof_event').values(events.map(proofEventRow)).execute();
    if (waiting.length > 0) {
      const delaySeconds = Math.min(ctx.outbound.firstRetrySeconds * 2 ** row.attempts, MAX_RETRY_DELAY_S);
      await rescheduleOutbound(trx, row.id, { recipients: waiting.map((outcome) => outcome.address).join(' '), attempts: row.attempts + 1, nextAttemptAt: now + delaySeconds * 1000, lastError: waiting[0]!.reply });
    } else {
      await removeOutbound(trx, row.id);
    }
    await appendAudit(trx, {
      at: now,
      actor: 'operator:system',
      action: 'outbound.attempt',
      target: message.id,
      result: failed.length > 0 ? 'refused' : 'ok',
      detail: { domain: row.domain, attempt: row.attempts + 1, delivered: delivered.length, failed: failed.length, waiting: waiting.length },
    });
  });
  if (waiting.length > 0) ctx.log.warn('delivery to another operator deferred', { domain: row.domain, attempt: row.attempts + 1, reason: waiting[0]!.reply });
  const senderMailbox = await findMailboxByKey(ctx.sql.read, addressKey(row.sender));
  if (senderMailbox && (delivered.length > 0 || failed.length > 0)) ctx.changes.publish({ mailboxId: senderMailbox.id, kind: 'tracking', messageId: message.id });
}
