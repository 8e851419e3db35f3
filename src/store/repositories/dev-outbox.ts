import type { Selectable } from 'kysely';
import type { DevOutboxTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type OutboxItem = Selectable<DevOutboxTable>;

export async function appendOutbox(q: Queryable, item: Omit<OutboxItem, 'seq'>): Promise<void> {
  await q.insertInto('dev_outbox').values(item).execute();
}

export async function recentOutbox(q: Queryable, limit: number): Promise<OutboxItem[]> {
  return q.selectFrom('dev_outbox').selectAll().orderBy('seq', 'desc').limit(limit).execute();
}
