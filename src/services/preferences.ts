import { appendAudit } from '../store/repositories/audit.ts';
import { findPreferences, savePreferences } from '../store/repositories/preferences.ts';
import type { ServiceContext } from './context.ts';

export type Preferences = {
  language: 'fr' | 'en';
  /** E-mail me when a message arrives in a mailbox I read. */
  alertNewMessage: boolean;
  /** E-mail me when a message sent from a mailbox I read is opened. */
  alertTracking: boolean;
};

/** French first; alerts are opt-in (an alert goes to an address outside the trust space). */
export const DEFAULT_PREFERENCES: Preferences = { language: 'fr', alertNewMessage: false, alertTracking: false };

export async function preferencesOf(ctx: ServiceContext, userId: string): Promise<Preferences> {
  const row = await findPreferences(ctx.sql.read, userId);
  return row ? { language: row.language, alertNewMessage: row.alert_new_message === 1, alertTracking: row.alert_tracking === 1 } : DEFAULT_PREFERENCES;
}

export async function updatePreferences(ctx: ServiceContext, userId: string, preferences: Preferences): Promise<Preferences> {
  const now = ctx.clock();
  await ctx.sql.write(async (trx) => {
    await savePreferences(trx, userId, preferences, now);
    await appendAudit(trx, { at: now, actor: `user:${userId}`, action: 'preferences.update', target: userId, result: 'ok', detail: { ...preferences } });
  });
  return preferences;
}
