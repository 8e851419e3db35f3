import type { Updateable } from 'kysely';
import type { VaultItemTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type VaultItemRow = VaultItemTable;

export async function vaultItemByLink(q: Queryable, linkDigest: string): Promise<VaultItemRow | undefined> {
  return q.selectFrom('vault_item').selectAll().where('link_digest', '=', linkDigest).executeTakeFirst();
}

export async function vaultItem(q: Queryable, id: string): Promise<VaultItemRow | undefined> {
  return q.selectFrom('vault_item').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function vaultItemsOf(q: Queryable, messageId: string): Promise<VaultItemRow[]> {
  return q.selectFrom('vault_item').selectAll().where('message_id', '=', messageId).orderBy('address').execute();
}

export async function updateVaultItem(q: Queryable, id: string, changes: Updateable<VaultItemTable>): Promise<void> {
  await q.updateTable('vault_item').set(changes).where('id', '=', id).execute();
}

/**
 * Takes one try at the code before it is compared, so that guesses sent in parallel cannot
 * outnumber the limit: none is left on a locked, revoked or exhausted copy. Returns the tries
 * used with this one, or null when none was left.
 */
export async function takeCodeTry(q: Queryable, id: string, limit: number): Promise<number | null> {
  const result = await q
    .updateTable('vault_item')
    .set((eb) => ({ wrong_codes: eb('wrong_codes', '+', 1) }))
    .where('id', '=', id)
    .where('locked_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('wrong_codes', '<', limit)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return null;
  const row = await q.selectFrom('vault_item').select('wrong_codes').where('id', '=', id).executeTakeFirstOrThrow();
  return row.wrong_codes;
}

/** The first opening of a vault copy: true when this call made it. */
export async function markVaultOpened(q: Queryable, id: string, at: number): Promise<boolean> {
  const result = await q.updateTable('vault_item').set({ opened_at: at }).where('id', '=', id).where('opened_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replies a thread allows in all: a conversation, not a channel for anything at all. */
export const MAX_THREAD_REPLIES = 50;

/** Takes one reply from the allowance (`once`: one in all); false when none is left. */
export async function takeVaultReply(q: Queryable, id: string): Promise<boolean> {
  const result = await q
    .updateTable('vault_item')
    .set((eb) => ({ replies_sent: eb('replies_sent', '+', 1) }))
    .where('id', '=', id)
    .where((eb) => eb.or([eb.and([eb('replies', '=', 'thread'), eb('replies_sent', '<', MAX_THREAD_REPLIES)]), eb.and([eb('replies', '=', 'once'), eb('replies_sent', '=', 0)])]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives back a reply taken for one that could not be sent. */
export async function giveBackVaultReply(q: Queryable, id: string): Promise<void> {
  await q.updateTable('vault_item').set((eb) => ({ replies_sent: eb('replies_sent', '-', 1) })).where('id', '=', id).where('replies_sent', '>', 0).execute();
}

/** Live copies whose notification never left, filed before `before`: to be sent again. */
export async function vaultItemsToNotify(q: Queryable, before: number, now: number, limit: number): Promise<VaultItemRow[]> {
  return q
    .selectFrom('vault_item')
    .selectAll()
    .where('notified_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('locked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

/** Replaces a copy's link (and code) if no one else did since it was read: true when this call did. */
export async function replaceVaultLink(q: Queryable, item: VaultItemRow, linkDigest: string, codeDigest: string | null): Promise<boolean> {
  const result = await q
    .updateTable('vault_item')
    .set({ link_digest: linkDigest, code_digest: codeDigest ?? item.code_digest })
    .where('id', '=', item.id)
    .where('link_digest', '=', item.link_digest)
    .where('notified_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
