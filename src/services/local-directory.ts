import type { ServiceContext } from './context.ts';
import { searchLocalMailboxes } from '../store/repositories/accounts.ts';

export type DirectoryHit = { address: string; displayName: string; kind: string };

/**
 * Correspondents among this operator's own mailboxes, for compose's autocomplete. The directory
 * issue widens this to the regional and national directory, with accent-insensitive search.
 */
export async function suggestLocalCorrespondents(ctx: ServiceContext, query: string, limit: number): Promise<DirectoryHit[]> {
  const prefix = query.trim();
  if (prefix.length === 0) return [];
  const rows = await searchLocalMailboxes(ctx.sql.read, prefix, Math.min(Math.max(limit, 1), 25));
  return rows.map((row) => ({ address: row.address, displayName: row.display_name, kind: row.kind }));
}
