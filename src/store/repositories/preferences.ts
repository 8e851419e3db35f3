import type { UserPreferenceTable } from '../schema.ts';
import { prepared } from './prepared.ts';
import type { Queryable } from './queryable.ts';

export type PreferenceRow = UserPreferenceTable;

export async function findPreferences(q: Queryable, userId: string): Promise<PreferenceRow | undefined> {
  return q.selectFrom('user_preference').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function savePreferences(q: Queryable, userId: string, values: { language: 'fr' | 'en'; alertNewMessage: boolean; alertTracking: boolean }, at: number): Promise<void> {
  const row = { language: values.language, alert_new_message: values.alertNewMessage ? (1 as const) : (0 as const), alert_tracking: values.alertTracking ? (1 as const) : (0 as const), updated_at: at };
  await q
    .insertInto('user_preference')
    .values({ user_id: userId, last_alert_at: null, last_tracking_alert_at: null, ...row })
    .onConflict((conflict) => conflict.column('user_id').doUpdateSet(row))
    .execute();
}

/** The two alerts: a message arrived in a mailbox I read; a message sent from a mailbox I read was opened. */
export type AlertKind = 'arrival' | 'tracking';
const ALERT_COLUMNS = {
  arrival: { wanted: 'alert_new_message', last: 'last_alert_at' },
  tracking: { wanted: 'alert_tracking', last: 'last_tracking_alert_at' },
} as const;

/**
 * Claims the right to alert a user now: succeeds only if the user wants this alert and none was
 * sent since `quietSince`. The conditional update decides between two events at once.
 */
export async function claimAlert(q: Queryable, userId: string, now: number, quietSince: number, kind: AlertKind = 'arrival'): Promise<boolean> {
  const { wanted, last } = ALERT_COLUMNS[kind];
  const result = await q
    .updateTable('user_preference')
    .set({ [last]: now })
    .where('user_id', '=', userId)
    .where(wanted, '=', 1)
    .where((eb) => eb.or([eb(last, 'is', null), eb(last, '<', quietSince)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The members of a mailbox who may be alerted of an arrival now: active, with the read right, a
 * usual address, alerts on, and none sent since `quietSince`. One read, so that an arrival in a
 * large shared mailbox writes only for the few who will be alerted.
 */
export async function alertCandidates(
  q: Queryable,
  mailboxId: string,
  quietSince: number,
  kind: AlertKind = 'arrival',
): Promise<Array<{ userId: string; notifyEmail: string; language: 'fr' | 'en' }>> {
  const rows = await ALERT_CANDIDATES[kind](q, mailboxId, quietSince);
  return rows.map((row) => ({ userId: row.id, notifyEmail: row.notify_email as string, language: row.language === 'en' ? 'en' : 'fr' }));
}

// Asked at every arrival: compiled once per kind of alert (see prepared.ts).
const ALERT_CANDIDATES = {
  arrival: candidatesQuery('arrival'),
  tracking: candidatesQuery('tracking'),
};

function candidatesQuery(kind: AlertKind) {
  const wanted = `p.${ALERT_COLUMNS[kind].wanted}` as const;
  const last = `p.${ALERT_COLUMNS[kind].last}` as const;
  return prepared((q, mailboxId: string, quietSince: number) =>
    q
      .selectFrom('mailbox_member as m')
      .innerJoin('user_account as u', 'u.id', 'm.user_id')
      .innerJoin('user_preference as p', 'p.user_id', 'm.user_id')
      .select(['u.id', 'u.notify_email', 'p.language'])
      .where('m.mailbox_id', '=', mailboxId)
      .where('m.can_read', '=', 1)
      .where('u.disabled_at', 'is', null)
      .where('u.notify_email', 'is not', null)
      .where(wanted, '=', 1)
      .where((eb) => eb.or([eb(last, 'is', null), eb(last, '<', quietSince)])),
  );
}
