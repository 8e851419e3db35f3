import { sql } from 'kysely';
import type { Queryable } from './queryable.ts';

/**
 * An entry leaves its folder: the folder's next MODSEQ is taken and the UID kept with it, so that
 * QRESYNC can report it as vanished. The caller deletes the entry row in the same transaction.
 */
export async function recordExpunge(q: Queryable, folderId: string, uid: number): Promise<void> {
  const row = await q.updateTable('folder').set({ highest_modseq: sql`highest_modseq + 1` }).where('id', '=', folderId).returning('highest_modseq').executeTakeFirstOrThrow();
  await q
    .insertInto('expunged_entry')
    .values({ folder_id: folderId, uid, modseq: Number(row.highest_modseq) })
    .onConflict((conflict) => conflict.columns(['folder_id', 'uid']).doUpdateSet({ modseq: Number(row.highest_modseq) }))
    .execute();
}

/** UIDs expunged from a folder after `modseq`, ascending. */
export async function expungedSince(q: Queryable, folderId: string, modseq: number): Promise<number[]> {
  const rows = await q.selectFrom('expunged_entry').select('uid').where('folder_id', '=', folderId).where('modseq', '>', modseq).orderBy('uid').execute();
  return rows.map((row) => Number(row.uid));
}
