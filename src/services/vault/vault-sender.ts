import { MissiveError } from '../../core/errors.ts';
import { describePrincipal, type Principal } from '../../core/principal.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { appendProofEvents, countRecipientEvents } from '../../store/repositories/proofs.ts';
import { updateVaultItem, vaultItem, vaultItemsOf, type VaultItemRow } from '../../store/repositories/vault.ts';
import type { ServiceContext } from '../context.ts';
import { sentMessageFor } from '../tracking.ts';
import { findMessage } from '../../store/repositories/messages.ts';
import { sendVaultCode, sendVaultNotices } from './vault-notices.ts';
import { codeDigest, linkDigest, newAccessCode, newLinkToken } from './vault-secrets.ts';
import { holdsRight } from '../rights.ts';

export type VaultCopyView = {
  id: string;
  address: string;
  codeBy: 'sms' | 'phone';
  replies: 'none' | 'once' | 'thread';
  repliesSent: number;
  state: 'waiting' | 'opened' | 'expired' | 'revoked' | 'locked';
  notifiedAt: number | null;
  openedAt: number | null;
  expiresAt: number;
};

/** The vault copies of a message its sending side may see (tracking view). */
export async function vaultCopies(ctx: ServiceContext, principal: Principal, messageId: string): Promise<VaultCopyView[]> {
  const message = await sentMessageFor(ctx, principal, messageId, { purgedToo: true });
  return (await vaultItemsOf(ctx.sql.read, message.id)).map((item) => viewOf(ctx, item));
}

function viewOf(ctx: ServiceContext, item: VaultItemRow): VaultCopyView {
  const state = item.revoked_at !== null ? 'revoked' : item.locked_at !== null ? 'locked' : item.expires_at <= ctx.clock() ? 'expired' : item.opened_at !== null ? 'opened' : 'waiting';
  return {
    id: item.id,
    address: item.address,
    codeBy: item.code_by,
    replies: item.replies,
    repliesSent: item.replies_sent,
    state,
    notifiedAt: item.notified_at === null ? null : Number(item.notified_at),
    openedAt: item.opened_at === null ? null : Number(item.opened_at),
    expiresAt: Number(item.expires_at),
  };
}

/**
 * A copy the principal may act on: the send right on the mailbox that sent it (a read-only
 * member sees copies in Suivi but neither withdraws them nor makes codes), wherever the
 * message is filed now. Anyone else is told it does not exist.
 */
async function copyOf(ctx: ServiceContext, principal: Principal, messageId: string, itemId: string): Promise<VaultItemRow> {
  const item = await vaultItem(ctx.sql.read, itemId);
  if (!item || item.message_id !== messageId || !(await holdsRight(ctx, principal, item.sender_mailbox_id, 'send'))) throw new MissiveError('not_found', 'no such vault copy of this message');
  return item;
}

/** The sender withdraws a copy: its link opens nothing any more, from now on. */
export async function revokeVaultCopy(ctx: ServiceContext, principal: Principal, messageId: string, itemId: string): Promise<VaultCopyView> {
  const item = await copyOf(ctx, principal, messageId, itemId);
  const now = ctx.clock();
  if (item.revoked_at === null) {
    await ctx.sql.write(async (trx) => {
      await updateVaultItem(trx, item.id, { revoked_at: now, session_digest: null, session_until: null });
      await appendAudit(trx, { at: now, actor: describePrincipal(principal), action: 'vault.revoke', target: item.id, result: 'ok', detail: { message: messageId } });
    });
  }
  return viewOf(ctx, { ...item, revoked_at: item.revoked_at ?? now });
}

/** Renewals a copy allows per day: each may send an SMS, which costs and can be used to harass. */
export const RENEWALS_PER_DAY = 5;

/**
 * A new code for a copy (forgotten code, a link blocked by five wrong codes, a code never given
 * for mail sent from a mail client): by SMS, or returned here once for the sender to dictate.
 * The link stays, unless its e-mail never left: then a new link goes with a new e-mail. A revoked
 * or expired copy stays so.
 */
export async function renewVaultAccess(ctx: ServiceContext, principal: Principal, messageId: string, itemId: string): Promise<{ copy: VaultCopyView; code: string | null }> {
  const item = await copyOf(ctx, principal, messageId, itemId);
  const now = ctx.clock();
  if (item.revoked_at !== null || item.expires_at <= now) throw new MissiveError('conflict', 'this copy is revoked or expired: send the message again');
  const message = await findMessage(ctx.sql.read, item.message_id);
  if (!message) throw new MissiveError('not_found', 'no such vault copy of this message');
  const code = newAccessCode();
  const link = item.notified_at === null ? newLinkToken() : null;
  const renewed: VaultItemRow = { ...item, ...(link ? { link_digest: linkDigest(ctx, link), notified_at: null } : {}), code_digest: codeDigest(ctx, item.id, code), wrong_codes: 0, locked_at: null, session_digest: null, session_until: null };
  const actor = describePrincipal(principal);
  await ctx.sql.write(async (trx) => {
    // The code issued with the message counts among them on its first day.
    const today = await countRecipientEvents(trx, item.message_id, 'vault_code_issued', item.address, now - 86_400_000);
    if (today > RENEWALS_PER_DAY) throw new MissiveError('rate_limited', `at most ${RENEWALS_PER_DAY} new codes a day for one recipient`);
    const { link_digest, code_digest, wrong_codes, locked_at, session_digest, session_until, notified_at } = renewed;
    await updateVaultItem(trx, item.id, { link_digest, code_digest, wrong_codes, locked_at, session_digest, session_until, notified_at });
    await appendProofEvents(trx, [{ type: 'vault_code_issued', messageId: message.id, messageIdHeader: message.message_id_header, contentDigest: message.content_digest, actor, recipient: item.address, channel: 'web', at: now }]);
    await appendAudit(trx, { at: now, actor, action: 'vault.renew', target: item.id, result: 'ok', detail: { message: messageId, newLink: link !== null } });
  });
  let notified = renewed.notified_at !== null;
  if (link) notified = await sendVaultNotices(ctx, renewed, { link, code });
  else if (item.code_by === 'sms') await sendVaultCode(ctx, renewed, code);
  return { copy: viewOf(ctx, { ...renewed, notified_at: notified ? (renewed.notified_at ?? ctx.clock()) : null }), code: item.code_by === 'phone' ? code : null };
}
