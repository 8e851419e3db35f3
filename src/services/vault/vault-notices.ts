import { findMailbox, findStructure } from '../../store/repositories/accounts.ts';
import { replaceVaultLink, updateVaultItem, vaultItemsToNotify } from '../../store/repositories/vault.ts';
import { codeDigest, linkDigest, newAccessCode, newLinkToken } from './vault-secrets.ts';
import type { ServiceContext } from '../context.ts';
import type { VaultItemRow } from '../../store/repositories/vault.ts';

/** The sender as a notification names them: "Dr Éloïse Martin (Centre hospitalier de Lisieux)". */
export async function senderLabel(ctx: ServiceContext, mailboxId: string): Promise<{ name: string; structure: string | null }> {
  const mailbox = await findMailbox(ctx.sql.read, mailboxId);
  const structure = mailbox?.structure_id ? await findStructure(ctx.sql.read, mailbox.structure_id) : undefined;
  return { name: mailbox?.display_name || mailbox?.address || 'Missive', structure: structure?.name ?? null };
}

/**
 * Tells a recipient outside the trust space that a message waits: an e-mail with the link, and
 * (when the sender chose it) the code by SMS. Neither carries health data: no subject, no text,
 * no attachment name, only who wrote and until when. Called after the commit, so it never
 * throws: a failure is logged without the secrets and left for the sender to see (not notified)
 * and to retry with a new code.
 */
export async function sendVaultNotices(ctx: ServiceContext, item: VaultItemRow, secrets: { link: string; code: string }): Promise<boolean> {
  try {
    const sender = await senderLabel(ctx, item.sender_mailbox_id);
    await ctx.notifier.send({ channel: 'email', to: item.address, subject: `Message sécurisé de ${sender.name} / Secure message`, text: noticeText(ctx, item, secrets.link, sender) });
    if (item.code_by === 'sms') await smsCode(ctx, item, secrets.code, sender.name);
    await ctx.sql.write((trx) => updateVaultItem(trx, item.id, { notified_at: ctx.clock() }));
    return true;
  } catch (error) {
    ctx.log.error('a vault notification could not be sent', { item: item.id, error: error instanceof Error ? error.message : 'unknown' });
    return false;
  }
}

/**
 * Copies whose notification never left (the relay was down, the process stopped between the
 * commit and the sending) get it now, with a new link: the first one was never seen. A code the
 * sender was shown stays; a code that was to go by SMS is made anew and sent. Several nodes may
 * run this: the link is replaced only where it had not been already. Returns how many were sent.
 */
export async function retryVaultNotices(ctx: ServiceContext, options: { olderThanMs?: number; limit?: number } = {}): Promise<number> {
  const now = ctx.clock();
  let sent = 0;
  for (const item of await vaultItemsToNotify(ctx.sql.read, now - (options.olderThanMs ?? 60_000), now, options.limit ?? 50)) {
    const link = newLinkToken();
    const code = item.code_by === 'sms' ? newAccessCode() : null;
    const renewed = { ...item, link_digest: linkDigest(ctx, link), ...(code ? { code_digest: codeDigest(ctx, item.id, code) } : {}) };
    const mine = await ctx.sql.write((trx) => replaceVaultLink(trx, item, renewed.link_digest, code ? renewed.code_digest : null));
    if (mine && (await sendVaultNotices(ctx, renewed, { link, code: code ?? '' }))) sent++;
  }
  return sent;
}

/** A new code alone, by SMS (the link already went by e-mail). Throws when it cannot be sent: the sender is told. */
export async function sendVaultCode(ctx: ServiceContext, item: VaultItemRow, code: string): Promise<void> {
  const sender = await senderLabel(ctx, item.sender_mailbox_id);
  await smsCode(ctx, item, code, sender.name);
}

/** "4 janvier 2027" / "4 January 2027", in France's time: the day a link stops working, as its notices say it. */
export function longDate(at: number, lang: 'fr' | 'en'): string {
  return new Date(at).toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
}

function noticeText(ctx: ServiceContext, item: VaultItemRow, link: string, sender: { name: string; structure: string | null }): string {
  const who = sender.structure ? `${sender.name} (${sender.structure})` : sender.name;
  const url = `${ctx.vault.publicUrl}/coffre/${link}`;
  const dateFr = longDate(item.expires_at, 'fr');
  const dateEn = longDate(item.expires_at, 'en');
  const codeFr = item.code_by === 'sms' ? `le code d’accès que vous recevez par SMS au ${maskedPhone(item.phone)}` : `le code d’accès que ${sender.name} vous communiquera par téléphone`;
  const codeEn = item.code_by === 'sms' ? `the access code sent by text message to ${maskedPhone(item.phone)}` : `the access code ${sender.name} will give you by phone`;
  return [
    'Bonjour,',
    '',
    `${who} vous a adressé un message par Missive, messagerie sécurisée de santé.`,
    `Pour le lire, ouvrez ce lien et saisissez ${codeFr} :`,
    '',
    url,
    '',
    `Ce lien est valable jusqu’au ${dateFr}. Ce courriel ne contient aucune donnée de santé ; n’y répondez pas.`,
    '',
    '—',
    '',
    `${who} has sent you a message through Missive, a secure health messaging service.`,
    `To read it, open the link above and enter ${codeEn}. The link is valid until ${dateEn}.`,
    'This e-mail holds no health data; please do not reply to it.',
  ].join('\n');
}

/** The code alone by SMS (the link travels by e-mail: one intercepted channel opens nothing). */
async function smsCode(ctx: ServiceContext, item: VaultItemRow, code: string, senderName: string): Promise<void> {
  await ctx.notifier.send({ channel: 'sms', to: item.phone!, subject: 'Code d’accès', text: `Missive : code d’accès au message de ${senderName} : ${code} (access code)` });
}

function maskedPhone(phone: string | null): string {
  if (!phone) return '';
  return `${phone.slice(0, 4)}••••${phone.slice(-2)}`;
}
