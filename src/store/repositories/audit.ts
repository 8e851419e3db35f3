import type { Insertable, Selectable } from 'kysely';
import type { AuditLogTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type AuditEntry = {
  at: number;
  actor: string;
  action: string;
  target: string | null;
  result: AuditLogTable['result'];
  /** Ids, counts and error codes only: the audit trail must never hold content or secrets. */
  detail?: Record<string, string | number | boolean | null | readonly string[]>;
};

export async function appendAudit(q: Queryable, entry: AuditEntry): Promise<void> {
  await q.insertInto('audit_log').values(auditRow(entry)).execute();
}

export function auditRow(entry: AuditEntry): Insertable<AuditLogTable> {
  return {
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    result: entry.result,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  };
}

export async function recentAudit(q: Queryable, limit: number): Promise<Selectable<AuditLogTable>[]> {
  return q.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(limit).execute();
}
