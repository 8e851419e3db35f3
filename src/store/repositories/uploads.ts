import type { UploadTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type UploadRow = UploadTable;

export async function insertUpload(q: Queryable, row: UploadRow): Promise<void> {
  await q.insertInto('upload').values(row).execute();
}

export async function countUploads(q: Queryable, userId: string): Promise<number> {
  const row = await q.selectFrom('upload').select((eb) => eb.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The user's uploads among `ids` (another user's id simply is not found). */
export async function findOwnUploads(q: Queryable, userId: string, ids: readonly string[]): Promise<UploadRow[]> {
  if (ids.length === 0) return [];
  return q.selectFrom('upload').selectAll().where('user_id', '=', userId).where('id', 'in', ids).execute();
}

/**
 * The same, with the rows locked until the transaction ends (a no-op update: one statement both
 * engines lock on). A draft that names uploads and the stale-upload sweep both take these locks
 * first, so neither can act on what the other is about to change.
 */
export async function lockOwnUploads(q: Queryable, userId: string, ids: readonly string[]): Promise<UploadRow[]> {
  if (ids.length === 0) return [];
  return q
    .updateTable('upload')
    .set((eb) => ({ created_at: eb.ref('created_at') }))
    .where('user_id', '=', userId)
    .where('id', 'in', ids)
    .returningAll()
    .execute();
}

export async function lockUploads(q: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await q.updateTable('upload').set((eb) => ({ created_at: eb.ref('created_at') })).where('id', 'in', ids).returning('id').execute();
  return rows.map((row) => row.id);
}

/** Deletes the user's upload; returns its blob key, or undefined when the user has no such upload. */
export async function deleteOwnUpload(q: Queryable, userId: string, id: string): Promise<string | undefined> {
  const row = await q.deleteFrom('upload').where('user_id', '=', userId).where('id', '=', id).returning('blob_key').executeTakeFirst();
  return row?.blob_key;
}

/** Deletes uploads by id; returns the blob keys of those that were there. */
export async function deleteUploads(q: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await q.deleteFrom('upload').where('id', 'in', ids).returning('blob_key').execute();
  return rows.map((row) => row.blob_key);
}

/** Uploads created before `before`, in id order after `afterId` (a cursor: kept ones are not seen twice). */
export async function uploadsCreatedBefore(q: Queryable, before: number, afterId: string, limit: number): Promise<{ id: string; user_id: string }[]> {
  return q
    .selectFrom('upload')
    .select(['id', 'user_id'])
    .where('created_at', '<', before)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Which of these blob keys an upload names (the orphan-blob sweep must leave them alone). */
export async function uploadBlobKeys(q: Queryable, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await q.selectFrom('upload').select('blob_key').where('blob_key', 'in', keys).execute();
  return new Set(rows.map((row) => row.blob_key));
}
