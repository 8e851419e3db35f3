import { MissiveError } from '../../core/errors.ts';
import { describePrincipal, type Principal } from '../../core/principal.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { appendProofEvents } from '../../store/repositories/proofs.ts';
import { updateVaultItem, vaultItemsOf, type VaultItemRow } from '../../store/repositories/vault.ts';
import type { ServiceContext } from '../context.ts';
import { sentMessageFor } from '../tracking.ts';
import { sendVaultNotices } from './vault-notices.ts';
import { codeDigest, linkDigest, newAccessCode, newLinkToken } from './vault-secrets.ts';

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

async function copyOf(ctx: ServiceContext, principal: Principal, messageId: string, itemId: string): Promise<VaultItemRow> {
  const message = await sentMessageFor(ctx, principal, messageId);
  const item = (await vaultItemsOf(ctx.sql.read, message.id)).find((candidate) => candidate.id === itemId);
  if (!item) throw new MissiveError('not_found', 'no such vault copy of this message');
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

/**
 * A new link and a new code for a copy (lost notification, forgotten code, a link killed by five
 * wrong codes): the old link dies, the notification goes again, the code by SMS or, returned
 * here once, for the sender to dictate. A revoked or expired copy stays so.
 */
export async function renewVaultAccess(ctx: ServiceContext, principal: Principal, messageId: string, itemId: string): Promise<{ copy: VaultCopyView; code: string | null }> {
  const item = await copyOf(ctx, principal, messageId, itemId);
  const now = ctx.clock();
  if (item.revoked_at !== null || item.expires_at <= now) throw new MissiveError('conflict', 'this copy is revoked or expired: send the message again');
  const message = await sentMessageFor(ctx, principal, messageId);
  const link = newLinkToken();
  const code = newAccessCode();
  const renewed: VaultItemRow = { ...item, link_digest: linkDigest(ctx, link), code_digest: codeDigest(ctx, item.id, code), wrong_codes: 0, locked_at: null, session_digest: null, session_until: null, notified_at: null };
  await ctx.sql.write(async (trx) => {
    const { link_digest, code_digest, wrong_codes, locked_at, session_digest, session_until, notified_at } = renewed;
    await updateVaultItem(trx, item.id, { link_digest, code_digest, wrong_codes, locked_at, session_digest, session_until, notified_at });
    await appendProofEvents(trx, [{ type: 'vault_code_issued', messageId: message.id, messageIdHeader: message.message_id_header, contentDigest: message.content_digest, actor: describePrincipal(principal), recipient: item.address, channel: 'web', at: now }]);
    await appendAudit(trx, { at: now, actor: describePrincipal(principal), action: 'vault.renew', target: item.id, result: 'ok', detail: { message: messageId } });
  });
  const notified = await sendVaultNotices(ctx, renewed, { link, code });
  return { copy: viewOf(ctx, { ...renewed, notified_at: notified ? ctx.clock() : null }), code: item.code_by === 'phone' ? code : null };
}
