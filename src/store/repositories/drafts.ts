import type { DraftTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type DraftRow = DraftTable;

export async function insertDraft(q: Queryable, row: DraftRow): Promise<void> {
  await q.insertInto('draft').values(row).execute();
}

/** Replaces the user's draft; false when the user has no such draft. */
export async function updateDraft(q: Queryable, userId: string, id: string, values: { mailbox_id: string; sealed: Buffer; updated_at: number }): Promise<boolean> {
  const result = await q.updateTable('draft').set(values).where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findOwnDraft(q: Queryable, userId: string, id: string): Promise<DraftRow | undefined> {
  return q.selectFrom('draft').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
}

/** The user's drafts, last changed first. */
export async function listOwnDrafts(q: Queryable, userId: string): Promise<DraftRow[]> {
  return q.selectFrom('draft').selectAll().where('user_id', '=', userId).orderBy('updated_at', 'desc').orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export async function countDrafts(q: Queryable, userId: string): Promise<number> {
  const row = await q.selectFrom('draft').select((eb) => eb.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteOwnDraft(q: Queryable, userId: string, id: string): Promise<boolean> {
  const result = await q.deleteFrom('draft').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The drafts of these users (id, owner and sealed content), for the stale-upload sweep. */
export async function draftsOfUsers(q: Queryable, userIds: readonly string[]): Promise<Pick<DraftRow, 'id' | 'user_id' | 'sealed'>[]> {
  if (userIds.length === 0) return [];
  return q.selectFrom('draft').select(['id', 'user_id', 'sealed']).where('user_id', 'in', userIds).execute();
}
