import type { Selectable } from 'kysely';
import type { OutboundQueueTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type OutboundRow = Selectable<OutboundQueueTable>;

/**
 * Takes up to `limit` rows that are due and not held by another attempt, holding them until
 * `leaseUntil`: a node that dies mid-attempt gives them back when the lease runs out.
 */
export async function claimDueOutbound(q: Queryable, engine: 'sqlite' | 'postgres', now: number, leaseUntil: number, limit: number): Promise<OutboundRow[]> {
  let due = q
    .selectFrom('outbound_queue')
    .selectAll()
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .orderBy('next_attempt_at')
    .limit(limit);
  // Concurrent nodes on PostgreSQL skip each other's rows; SQLite has a single writer.
  if (engine === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await due.execute();
  if (rows.length === 0) return [];
  await q.updateTable('outbound_queue').set({ lease_until: leaseUntil }).where('id', 'in', rows.map((row) => row.id)).execute();
  return rows.map((row) => ({ ...row, lease_until: leaseUntil }));
}

export async function nextOutboundDue(q: Queryable): Promise<number | null> {
  const row = await q.selectFrom('outbound_queue').select((eb) => eb.fn.min('next_attempt_at').as('due')).executeTakeFirst();
  return row?.due == null ? null : Number(row.due);
}

export async function rescheduleOutbound(q: Queryable, id: string, change: { recipients: string; attempts: number; nextAttemptAt: number; lastError: string }): Promise<void> {
  await q
    .updateTable('outbound_queue')
    .set({ recipients: change.recipients, attempts: change.attempts, next_attempt_at: change.nextAttemptAt, last_error: change.lastError, lease_until: null })
    .where('id', '=', id)
    .execute();
}

export async function removeOutbound(q: Queryable, id: string): Promise<void> {
  await q.deleteFrom('outbound_queue').where('id', '=', id).execute();
}

export async function outboundRows(q: Queryable): Promise<OutboundRow[]> {
  return q.selectFrom('outbound_queue').selectAll().orderBy('created_at').execute();
}
