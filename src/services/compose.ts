import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { Readable } from 'node:stream';
import { addressKeyOrNull } from '../core/address.ts';
import { isMissiveError, MissiveError } from '../core/errors.ts';
import { findMailboxByKey } from '../store/repositories/accounts.ts';
import type { Principal } from '../core/principal.ts';
import type { Channel } from '../core/proof-event.ts';
import type { ServiceContext } from './context.ts';
import { deposit, type DepositResult } from './deposit/deposit.ts';
import { removeDraft, requireOwnDraft } from './drafts.ts';
import type { VaultOptions } from './vault/vault-items.ts';
import { normalIns, validIns } from '../core/ins.ts';
import { PATIENT_DOMAIN } from '../core/routes.ts';
import { openMessage } from './open.ts';
import { discardUploads, ownUploads, uploadContent } from './uploads.ts';

export type Composition = {
  from: string;
  to: readonly string[];
  cc: readonly string[];
  subject: string;
  text: string;
  /** Upload ids (the sender's own), attached in this order. */
  attachments?: readonly string[];
  /** Our id (`msg_…`) of a message the sender may read, which this one answers. */
  inReplyTo?: string | null;
  /** The sender's draft of this message, deleted once it is sent. */
  draftId?: string | null;
  /** For recipients outside the trust space: code by SMS or by phone, link lifetime, replies. */
  vault?: VaultOptions;
  /**
   * A patient, by INS and contact: their mailbox in the national patient space when that domain is
   * on the whitelist, else the vault at their e-mail (the code by SMS when a mobile is given).
   */
  patient?: { ins: string; email: string; phone?: string } | null;
};

export const MAX_ATTACHMENTS = 20;
// References keeps the thread's first message and the latest ones (RFC 5322 §3.6.4 allows trimming).
const MAX_REFERENCES = 20;
const MSG_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]{1,250}>$/;

/**
 * A message written in the web client or the API: built as RFC 5322 (UTF-8, quoted-printable
 * where needed, attachments in base64 streamed from their encrypted uploads), then handed to the
 * one delivery path like any other. Everything it names (uploads, draft, the message answered)
 * is checked before anything is sent; the uploads and the draft go once the message is committed.
 */
export async function sendComposed(ctx: ServiceContext, principal: Principal, given: Composition, channel: Channel = 'web'): Promise<DepositResult> {
  const composition = withPatient(ctx, given);
  const userId = principal.kind === 'user' ? principal.userId : null;
  const attachmentIds = [...new Set(composition.attachments ?? [])];
  if (attachmentIds.length > MAX_ATTACHMENTS) throw new MissiveError('invalid_argument', `a message may carry at most ${MAX_ATTACHMENTS} attachments`);
  if (userId === null && (attachmentIds.length > 0 || composition.draftId)) throw new MissiveError('not_found', 'uploads and drafts belong to a person');
  if (userId !== null && composition.draftId) await requireOwnDraft(ctx, userId, composition.draftId);
  const uploads = userId === null ? [] : await ownUploads(ctx, userId, attachmentIds);
  const thread = composition.inReplyTo ? await threadOf(ctx, principal, composition.inReplyTo, channel) : null;

  // Each attachment's blob is opened only when the composer reaches it, and closed whatever happens.
  const sources: Readable[] = uploads.map((upload) => lazily(() => uploadContent(ctx, upload)));
  // The sending mailbox's name makes From read "Dr Éloïse Martin <…>" in every client.
  const fromKey = addressKeyOrNull(composition.from);
  const fromName = fromKey ? (await findMailboxByKey(ctx.sql.read, fromKey))?.display_name : undefined;
  // No answer expected: said in the MSSanté way too, for a patient's own operator.
  const headers: Record<string, string> = { 'X-MSS-NIL': 'Missive', ...(composition.vault?.replies === 'none' ? { 'X-MSS-MES': 'FIN' } : {}) };
  const composed = new MailComposer({
    from: fromName ? { name: fromName, address: composition.from } : composition.from,
    to: [...composition.to],
    cc: [...composition.cc],
    subject: composition.subject,
    text: composition.text,
    ...(thread ? { inReplyTo: thread.inReplyTo, references: thread.references } : {}),
    attachments: uploads.map((upload, index) => ({
      filename: upload.filename,
      contentType: upload.content_type,
      contentDisposition: 'attachment' as const,
      contentTransferEncoding: 'base64' as const,
      content: sources[index]!,
    })),
    headers,
  })
    .compile()
    .createReadStream();
  let sent: DepositResult;
  try {
    sent = await deposit(ctx, { principal, channel, envelope: { from: composition.from, to: [...composition.to, ...composition.cc] }, source: composed, ...(composition.vault ? { vault: composition.vault } : {}) });
  } finally {
    composed.destroy();
    for (const source of sources) source.destroy();
  }
  // Sent and committed: what remains is tidying, which must not turn a delivered message into an error.
  await discardUploads(ctx, uploads.map((upload) => upload.id)).catch((error: unknown) => ctx.log.error('could not remove the uploads of a sent message', { error }));
  if (userId !== null && composition.draftId) {
    await removeDraft(ctx, userId, composition.draftId).catch((error: unknown) => {
      // Deleted meanwhile (another tab) is as good as deleted here.
      if (!isMissiveError(error, 'not_found')) ctx.log.error('could not remove the draft of a sent message', { error });
    });
  }
  return sent;
}

/** The composition with the patient made a recipient, and the INS (checked) kept with the message. */
function withPatient(ctx: ServiceContext, composition: Composition): Composition {
  const patient = composition.patient;
  if (!patient) return composition;
  if (!validIns(patient.ins)) throw new MissiveError('invalid_argument', 'this INS is not valid: 15 characters whose last two are the key of the first thirteen');
  const ins = normalIns(patient.ins);
  if (ctx.trustedDomains.has(PATIENT_DOMAIN)) return { ...composition, to: [...composition.to, `${ins}@${PATIENT_DOMAIN}`], vault: { ...composition.vault, patientIns: ins } };
  const email = patient.email.trim();
  if (!patient.phone) return { ...composition, to: [...composition.to, email], vault: { ...composition.vault, patientIns: ins } };
  // The patient's mobile means their code goes by SMS, whatever the other recipients get.
  const vault = composition.vault ?? {};
  return {
    ...composition,
    to: [...composition.to, email],
    vault: { ...vault, phones: { ...vault.phones, [email]: patient.phone }, codeByAddress: { ...vault.codeByAddress, [email]: 'sms' }, patientIns: ins },
  };
}

/** In-Reply-To and References for an answer to a message the sender may read (else "not found"). */
async function threadOf(ctx: ServiceContext, principal: Principal, messageId: string, channel: Channel): Promise<{ inReplyTo: string; references: string[] } | null> {
  const opened = await openMessage(ctx, { principal, messageId, channel, peek: true });
  opened.content.destroy();
  const parent = opened.index.messageId?.trim() || opened.messageIdHeader;
  // The stored headers were written by whoever sent that message: only well-formed ids are repeated.
  const earlier = (opened.index.references.length > 0 ? opened.index.references : [opened.index.inReplyTo ?? '']).filter((id) => MSG_ID.test(id));
  if (!MSG_ID.test(parent)) return null;
  const chain = [...earlier, parent];
  const references = chain.length <= MAX_REFERENCES ? chain : [chain[0]!, ...chain.slice(-(MAX_REFERENCES - 1))];
  return { inReplyTo: parent, references };
}

/** A stream that opens its source on the first read, and closes it when it is itself destroyed. */
function lazily(open: () => Readable): Readable {
  return Readable.from(
    (async function* () {
      const source = open();
      try {
        for await (const chunk of source) yield chunk as Buffer;
      } finally {
        source.destroy();
      }
    })(),
    { objectMode: false },
  );
}
