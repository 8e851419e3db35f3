import { MissiveError } from '../../core/errors.ts';
import type { VaultPrincipal } from '../../core/principal.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { takeCodeTry, updateVaultItem, vaultItem, vaultItemByLink, type VaultItemRow } from '../../store/repositories/vault.ts';
import { findMessage } from '../../store/repositories/messages.ts';
import type { ServiceContext } from '../context.ts';
import { senderLabel } from './vault-notices.ts';
import { CODE_DIGITS, codeDigest, linkDigest, newSessionToken, sameDigest, sessionDigest } from './vault-secrets.ts';

/** Wrong codes a link survives; the next one kills it. */
export const MAX_WRONG_CODES = 5;
/** A reader's session after the right code. */
export const VAULT_SESSION_MS = 30 * 60_000;

export type LinkState = 'live' | 'expired' | 'revoked' | 'locked' | 'purged' | 'unknown';

/** What the pages may say of a link before the code: its state, and for a live one who wrote. */
export type VaultLink = { state: LinkState; item: VaultItemRow | null; sender: { name: string; structure: string | null } | null };

/** The link a token names, and whether it still opens anything. An unknown token and a wrong one look alike. */
export async function vaultLink(ctx: ServiceContext, token: string): Promise<VaultLink> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { state: 'unknown', item: null, sender: null };
  const item = await vaultItemByLink(ctx.sql.read, linkDigest(ctx, token));
  if (!item) return { state: 'unknown', item: null, sender: null };
  const state = await stateOf(ctx, item);
  return { state, item, sender: state === 'live' ? await senderLabel(ctx, item.sender_mailbox_id) : null };
}

/** A page that has looked its link up already passes it on rather than its token: one lookup per request. */
async function resolved(ctx: ServiceContext, token: string | VaultLink): Promise<VaultLink> {
  return typeof token === 'string' ? vaultLink(ctx, token) : token;
}

async function stateOf(ctx: ServiceContext, item: VaultItemRow): Promise<LinkState> {
  if (item.revoked_at !== null) return 'revoked';
  if (item.locked_at !== null) return 'locked';
  if (item.expires_at <= ctx.clock()) return 'expired';
  const message = await findMessage(ctx.sql.read, item.message_id);
  if (!message || message.purged_at !== null) return 'purged';
  return 'live';
}

export type CodeOutcome = { ok: true; session: string } | { ok: false; state: LinkState; triesLeft: number };

/**
 * The code typed on the link's page: 8 digits (anything else is refused without using a try).
 * A try is taken in the database before the comparison (constant time), so parallel guesses
 * cannot outnumber the five a link allows; the fifth wrong one locks it (the sender can issue a
 * new code, which revives it). The right one opens a session of 30 minutes, kept as a digest.
 */
export async function enterVaultCode(ctx: ServiceContext, token: string | VaultLink, code: string, from: string): Promise<CodeOutcome> {
  const link = await resolved(ctx, token);
  if (link.state !== 'live' || !link.item) return { ok: false, state: link.state, triesLeft: 0 };
  const item = link.item;
  const typed = code.replace(/\s/g, '');
  if (!new RegExp(`^\\d{${CODE_DIGITS}}$`).test(typed)) return { ok: false, state: 'live', triesLeft: MAX_WRONG_CODES - item.wrong_codes };
  const now = ctx.clock();
  const actor = `vault:${item.address}`;
  return ctx.sql.write(async (trx): Promise<CodeOutcome> => {
    const used = await takeCodeTry(trx, item.id, MAX_WRONG_CODES);
    if (used === null) return { ok: false, state: 'locked', triesLeft: 0 };
    // Read again under the try: a renewal may have changed the code meanwhile.
    const current = await vaultItem(trx, item.id);
    if (current && current.link_digest === item.link_digest && sameDigest(current.code_digest, codeDigest(ctx, item.id, typed))) {
      const session = newSessionToken();
      await updateVaultItem(trx, item.id, { session_digest: sessionDigest(ctx, item.id, session), session_until: now + VAULT_SESSION_MS, wrong_codes: 0 });
      await appendAudit(trx, { at: now, actor, action: 'vault.code', target: item.id, result: 'ok', detail: { from } });
      return { ok: true, session };
    }
    if (used >= MAX_WRONG_CODES) await updateVaultItem(trx, item.id, { locked_at: now });
    await appendAudit(trx, { at: now, actor, action: 'vault.code', target: item.id, result: 'refused', detail: { from, wrongCodes: used } });
    return { ok: false, state: used >= MAX_WRONG_CODES ? 'locked' : 'live', triesLeft: MAX_WRONG_CODES - used };
  });
}

/** The principal of a live session on this link, or null (no session, another link's, ended). */
export async function vaultSession(ctx: ServiceContext, token: string | VaultLink, session: string | undefined): Promise<{ item: VaultItemRow; principal: VaultPrincipal } | null> {
  if (!session || !/^[A-Za-z0-9_-]{43}$/.test(session)) return null;
  const link = await resolved(ctx, token);
  const item = link.item;
  if (link.state !== 'live' || !item || item.session_until === null || item.session_until <= ctx.clock()) return null;
  if (!sameDigest(item.session_digest, sessionDigest(ctx, item.id, session))) return null;
  return { item, principal: { kind: 'vault', itemId: item.id, address: item.address } };
}

/** Ends the reader's session (the "leave" button). */
export async function endVaultSession(ctx: ServiceContext, itemId: string): Promise<void> {
  await ctx.sql.write((trx) => updateVaultItem(trx, itemId, { session_digest: null, session_until: null }));
}

/** A refused item id looks like a missing one. */
export async function requireVaultItem(ctx: ServiceContext, itemId: string): Promise<VaultItemRow> {
  const item = await vaultItem(ctx.sql.read, itemId);
  if (!item) throw new MissiveError('not_found', 'no such vault copy');
  return item;
}

