import { findMailbox } from '../../store/repositories/accounts.ts';
import { alertCandidates, claimAlert, type AlertKind } from '../../store/repositories/preferences.ts';
import type { ServiceContext } from '../context.ts';

/** A burst of arrivals makes one alert: after one, the next waits this long. */
export const ALERT_QUIET_MS = 15 * 60_000;

/**
 * Arrivals within this window are checked together, once per mailbox: a burst of deposits (a
 * busy SMTP client, a message to a whole service) asks the database once, not once each.
 */
const GATHER_MS = 250;

/**
 * "You have a new message" (and, for senders who asked, "a message you sent was opened") to the
 * usual address of the members who asked for it. The alert says which mailbox, never who wrote,
 * to whom, nor what: it leaves the trust space, so it carries no health data. Returns a function
 * that stops watching and waits for alerts under way.
 */
export function watchNewMessages(ctx: ServiceContext): () => Promise<void> {
  const pending = new Set<Promise<void>>();
  // Per mailbox and kind: a check under way, and whether changes came in since it started.
  const running = new Map<string, { again: boolean }>();
  // Per mailbox and kind: changes waiting for the end of the window.
  const gathered = new Map<string, { mailboxId: string; kind: AlertKind }>();
  let timer: NodeJS.Timeout | null = null;
  const check = (mailboxId: string, kind: AlertKind, key: string): void => {
    running.set(key, { again: false });
    const work = alertMembers(ctx, mailboxId, kind)
      .catch((error: unknown) => ctx.log.error('new-message alert failed', { error, mailbox: mailboxId }))
      .finally(() => {
        pending.delete(work);
        const state = running.get(key);
        running.delete(key);
        // Arrivals during a check get one more check after it, not one each: a burst is one alert anyway.
        if (state?.again) check(mailboxId, kind, key);
      });
    pending.add(work);
  };
  const endWindow = (): void => {
    timer = null;
    for (const [key, { mailboxId, kind }] of gathered) {
      const state = running.get(key);
      if (state) state.again = true;
      else check(mailboxId, kind, key);
    }
    gathered.clear();
  };
  const unsubscribe = ctx.changes.subscribe((change) => {
    const kind: AlertKind | null = change.kind === 'arrived' && change.folder === 'INBOX' ? 'arrival' : change.kind === 'tracking' ? 'tracking' : null;
    if (kind === null) return;
    gathered.set(`${change.mailboxId} ${kind}`, { mailboxId: change.mailboxId, kind });
    timer ??= setTimeout(endWindow, GATHER_MS);
  });
  return async () => {
    unsubscribe();
    // What was gathered is still checked: a command that deposits then stops has its alerts sent.
    if (timer) {
      clearTimeout(timer);
      endWindow();
    }
    await Promise.all([...pending]);
  };
}

async function alertMembers(ctx: ServiceContext, mailboxId: string, kind: AlertKind): Promise<void> {
  const now = ctx.clock();
  // Most arrivals alert no one: the mailbox is looked up only when someone is to be told.
  const candidates = await alertCandidates(ctx.sql.read, mailboxId, now - ALERT_QUIET_MS, kind);
  if (candidates.length === 0) return;
  const mailbox = await findMailbox(ctx.sql.read, mailboxId);
  if (!mailbox) return;
  for (const member of candidates) {
    // The read above may be stale by now: the conditional claim decides between two events.
    if (!(await ctx.sql.write((trx) => claimAlert(trx, member.userId, now, now - ALERT_QUIET_MS, kind)))) continue;
    const text = kind === 'arrival' ? alertText(member.language, mailbox.address) : openedText(member.language, mailbox.address);
    await ctx.notifier.send({ channel: 'email', to: member.notifyEmail, ...text });
  }
}

function openedText(language: 'fr' | 'en', mailbox: string): { subject: string; text: string } {
  if (language === 'en') {
    return {
      subject: 'A message you sent was opened',
      text: `A message sent from ${mailbox} has just been opened by a recipient.\n\nSuivi, in Missive, shows who opened what and when, with the signed proof of reading. For your patients' privacy, this alert never says to whom nor what about.\n\nYou can turn these alerts off in Missive's preferences.`,
    };
  }
  return {
    subject: 'Un message que vous avez envoyé a été ouvert',
    text: `Un message envoyé depuis ${mailbox} vient d'être ouvert par un destinataire.\n\nLe Suivi, dans Missive, dit qui a ouvert quoi et quand, avec la preuve de lecture signée. Pour le secret médical, cette alerte ne dit jamais à qui ni à quel sujet.\n\nVous pouvez désactiver ces alertes dans les préférences de Missive.`,
  };
}

function alertText(language: 'fr' | 'en', mailbox: string): { subject: string; text: string } {
  if (language === 'en') {
    return {
      subject: 'New message in your Missive mailbox',
      text: `A new message has arrived in ${mailbox}.\n\nSign in to Missive to read it. For your patients' privacy, this alert never says who wrote or what about.\n\nYou can turn these alerts off in Missive's preferences.`,
    };
  }
  return {
    subject: 'Nouveau message dans votre messagerie Missive',
    text: `Un nouveau message est arrivé dans ${mailbox}.\n\nConnectez-vous à Missive pour le lire. Pour le secret médical, cette alerte ne dit jamais qui écrit ni à quel sujet.\n\nVous pouvez désactiver ces alertes dans les préférences de Missive.`,
  };
}
