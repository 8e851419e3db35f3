import type { Selectable } from 'kysely';
import type { TrustedDomainTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type TrustedDomainRow = Selectable<TrustedDomainTable>;

export async function trustedDomainRows(q: Queryable): Promise<TrustedDomainRow[]> {
  return q.selectFrom('trusted_domain').selectAll().orderBy('domain').execute();
}

/** The whole list replaced in the caller's transaction: readers see the old one or the new one. */
export async function replaceTrustedDomains(q: Queryable, rows: TrustedDomainRow[]): Promise<void> {
  await q.deleteFrom('trusted_domain').execute();
  for (let i = 0; i < rows.length; i += 2_000) await q.insertInto('trusted_domain').values(rows.slice(i, i + 2_000)).execute();
}
