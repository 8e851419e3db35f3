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
 * One more wrong code, counted in the database so that parallel guesses cannot overtake the
 * limit; the row is locked when it reaches it. Returns the count after this one.
 */
export async function countWrongCode(q: Queryable, id: string, limit: number, at: number): Promise<number> {
  await q.updateTable('vault_item').set((eb) => ({ wrong_codes: eb('wrong_codes', '+', 1) })).where('id', '=', id).execute();
  const row = await q.selectFrom('vault_item').select('wrong_codes').where('id', '=', id).executeTakeFirstOrThrow();
  if (row.wrong_codes >= limit) await q.updateTable('vault_item').set({ locked_at: at }).where('id', '=', id).where('locked_at', 'is', null).execute();
  return row.wrong_codes;
}

/** The first opening of a vault copy: true when this call made it. */
export async function markVaultOpened(q: Queryable, id: string, at: number): Promise<boolean> {
  const result = await q.updateTable('vault_item').set({ opened_at: at }).where('id', '=', id).where('opened_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Takes one reply from the allowance (`once`: one in all); false when none is left. */
export async function takeVaultReply(q: Queryable, id: string): Promise<boolean> {
  const result = await q
    .updateTable('vault_item')
    .set((eb) => ({ replies_sent: eb('replies_sent', '+', 1) }))
    .where('id', '=', id)
    .where((eb) => eb.or([eb('replies', '=', 'thread'), eb.and([eb('replies', '=', 'once'), eb('replies_sent', '=', 0)])]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
