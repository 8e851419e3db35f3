import type { LoggedEvent } from '../../core/proof/log-entries.ts';
import type { Receipt } from '../../core/proof/receipt.ts';
import { textPdf, type TextLine } from '../../core/pdf/text-pdf.ts';

const WHEN = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'medium', timeZone: 'Europe/Paris' });
const when = (at: number) => `${WHEN.format(new Date(at))} (heure de Paris)`;

const CHANNELS: Record<string, string> = { web: 'client web', api: 'API', smtp: 'SMTP', imap: 'IMAP', vault: 'coffre', cli: 'ligne de commande', system: 'système' };

/** `user:emartin` → emartin; `operator:retention` → l'opérateur (retention). */
function actorName(actor: string): string {
  if (actor.startsWith('user:')) return actor.slice(5);
  if (actor.startsWith('operator:')) return `l’opérateur (${actor.slice(9)})`;
  return actor;
}

function describe(event: LoggedEvent): string {
  const to = event.recipient ?? '';
  switch (event.type) {
    case 'submitted':
      return `Dépôt du message par ${actorName(event.actor)}`;
    case 'delivered':
      return `Remise dans la boîte de ${to}`;
    case 'opened':
      return `Première lecture par ${to}`;
    case 'attachment_downloaded':
      return `Pièce jointe téléchargée par ${to || actorName(event.actor)}`;
    case 'forwarded_outside':
      return `Transfert hors de l'espace de confiance vers ${to}`;
    case 'bounced':
      return `Échec de remise à ${to}`;
    case 'vault_code_issued':
      return `Code d'accès au coffre émis pour ${to}`;
    case 'vault_code_used':
      return `Code d'accès au coffre utilisé par ${to}`;
    case 'purged':
      return 'Contenu supprimé au terme de la durée de conservation (les preuves restent)';
    default:
      return event.type;
  }
}

/** The title says what the receipt proves: deposit, delivery, reading, as far as they happened. */
export function receiptTitle(receipt: Receipt): string {
  const types = new Set(receipt.events.map((item) => item.event.type));
  const kinds = [types.has('submitted') && 'de dépôt', types.has('delivered') && 'de remise', types.has('opened') && 'de lecture'].filter(Boolean) as string[];
  if (kinds.length === 0) return 'Preuve d’échange';
  return `Preuve ${kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} et ${kinds[kinds.length - 1]}`}`;
}

/**
 * The receipt for people ("preuve de dépôt / de remise / de lecture"), in French: the same facts
 * as the JSON receipt, with what a third party needs to check the electronic one.
 */
export function receiptPdf(receipt: Receipt, generatedAt: number): Buffer {
  const lines: TextLine[] = [
    { text: receiptTitle(receipt), size: 18, bold: true },
    { text: `Messagerie sécurisée de santé — opérateur ${receipt.operator}`, size: 11, gap: 2 },
    { text: `Document établi le ${when(generatedAt)}.`, size: 9 },
    { text: 'Message', size: 13, bold: true, gap: 12 },
    { text: `Identifiant Missive : ${receipt.message.id}`, indent: 12 },
    { text: `Message-ID : ${receipt.message.messageIdHeader}`, indent: 12 },
    { text: `Empreinte du contenu déposé (SHA-256) : ${receipt.message.contentDigest}`, indent: 12 },
    { text: 'Événements', size: 13, bold: true, gap: 12 },
  ];
  for (const item of receipt.events) {
    const event = item.event;
    lines.push({ text: `${when(event.at)} — ${describe(event)}`, bold: true, indent: 12, gap: 4 });
    lines.push({ text: `par ${actorName(event.actor)}, ${CHANNELS[event.channel] ?? event.channel} ; entrée n° ${item.leafIndex} du registre (${event.id})`, size: 9, indent: 24 });
  }
  lines.push(
    { text: 'Registre de preuves', size: 13, bold: true, gap: 12 },
    {
      text: 'Chaque événement est une feuille d’un registre en arbre de Merkle (RFC 9162) auquel rien ne peut être retiré ni modifié sans que cela se voie ; l’opérateur signe l’état du registre avec sa clé Ed25519.',
      size: 9,
      indent: 12,
    },
    { text: `État signé : ${receipt.head.treeSize} événements, le ${when(receipt.head.signedAt)}`, indent: 12, gap: 4 },
    { text: `Racine : ${receipt.head.rootHash}`, size: 9, indent: 12 },
    { text: `Signature : ${receipt.head.signature}`, size: 9, indent: 12 },
    { text: `Clé de l’opérateur : ${receipt.key.id} (Ed25519), publiée à /.well-known/missive/proof-key.pem`, size: 9, indent: 12 },
    { text: 'Vérification', size: 13, bold: true, gap: 12 },
    {
      text: 'Ce document reprend la preuve électronique (fichier JSON du même message) ; c’est elle qui se vérifie, hors ligne et sans accès à Missive : missive proof verify preuve.json --key cle-operateur.pem',
      size: 9,
      indent: 12,
    },
  );
  return textPdf(lines, { title: `${receiptTitle(receipt)} — ${receipt.message.id}`, author: receipt.operator });
}
