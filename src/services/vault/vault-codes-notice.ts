import { randomBytes } from 'node:crypto';
import { findMessage } from '../../store/repositories/messages.ts';
import type { ServiceContext } from '../context.ts';
import { fileFromMissive } from '../deposit/from-missive.ts';
import { longDate } from './vault-notices.ts';

export type CodeToDictate = { address: string; code: string; expiresAt: number };

/**
 * The codes a sender is to read out by phone, for a message written in a mail client: no compose
 * window showed them, so they are filed in the sender's Inbox, inside the trust space, as a message
 * from Missive. Codes that went by SMS are not repeated. Without it, the sender would have to open
 * Suivi for a new code before the recipient could read anything.
 */
export async function fileCodesToDictate(ctx: ServiceContext, sender: string, messageId: string, codes: readonly CodeToDictate[]): Promise<void> {
  if (codes.length === 0) return;
  const message = await findMessage(ctx.sql.read, messageId);
  const spaced = (code: string) => `${code.slice(0, 4)} ${code.slice(4)}`;
  const about = message?.subject ? `« ${message.subject} »` : `(${message?.message_id_header ?? messageId})`;
  const explanation = [
    `Votre message ${about} attend ses destinataires hors de l’espace de confiance dans le coffre de Missive.`,
    'Chacun a reçu par courriel un lien, sans le code d’accès : dictez-lui son code (ci-dessous) par téléphone, après vous être assuré que vous parlez bien à cette personne.',
    'Ne transférez pas ce message. Le Suivi, dans Missive, permet de retirer un lien ou de donner un nouveau code.',
    '',
    '—',
    '',
    `Your message ${about} waits for its recipients outside the trust space in Missive's vault.`,
    'Each of them received a link by e-mail, without the access code: read them their code (below) over the phone, once you are sure who you are speaking to.',
    'Do not forward this message. Suivi, in Missive, withdraws a link or gives a new code.',
    '',
  ].join('\r\n');
  const list = [
    ...codes.map((entry) => `${entry.address} : ${spaced(entry.code)} (lien valable jusqu’au ${longDate(entry.expiresAt, 'fr')} / link valid until ${longDate(entry.expiresAt, 'en')})`),
    '',
  ].join('\r\n');
  // The codes go in a part of their own: the preview and the search words, kept in clear in the
  // database, come from the first part only, so they never hold a code.
  const boundary = `codes-${randomBytes(12).toString('hex')}`;
  const body = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    explanation,
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Disposition: inline',
    'Content-Transfer-Encoding: 8bit',
    '',
    list,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  await fileFromMissive(ctx, sender, {
    subject: 'Codes d’accès à dicter / Access codes to read out',
    autoSubmitted: 'auto-generated',
    contentType: `multipart/mixed; boundary="${boundary}"`,
    body: [Buffer.from(body)],
  });
}
