import { addressKeyOrNull } from '../../core/address.ts';
import { validIns } from '../../core/ins.ts';
import { MissiveError } from '../../core/errors.ts';
import { newId } from '../../store/ids.ts';
import type { VaultItemTable } from '../../store/schema.ts';
import type { ServiceContext } from '../context.ts';
import { codeDigest, linkDigest, newAccessCode, newLinkToken } from './vault-secrets.ts';

export type Replies = 'none' | 'once' | 'thread';

/** What the sender chooses for recipients outside the trust space (compose); defaults for the rest. */
export type VaultOptions = {
  /** How each recipient gets the code: by SMS to `phones[address]`, or from the sender by phone. */
  codeBy?: 'sms' | 'phone';
  /** The method for some addresses whatever `codeBy` says (a patient's mobile given with their INS). */
  codeByAddress?: Readonly<Record<string, 'sms' | 'phone'>>;
  phones?: Readonly<Record<string, string>>;
  /** Days the link lives (1 to 90); default the operator's. */
  expiresInDays?: number;
  replies?: Replies;
  /** A patient's INS (15 characters, key checked): kept with the message. */
  patientIns?: string | null;
};

/** A new vault copy: its row, and the secrets that exist in clear only until they are sent. */
export type NewVaultItem = { row: VaultItemTable; link: string; code: string };

const MAX_DAYS = 90;

/** The checks that refuse a message before anything is stored. */
export function checkVaultOptions(options: VaultOptions | undefined): void {
  if (!options) return;
  if (options.patientIns != null && !validIns(options.patientIns)) throw new MissiveError('invalid_argument', 'this INS is not valid: 15 characters whose last two are the key of the first thirteen');
  const days = options.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_DAYS)) throw new MissiveError('invalid_argument', `a vault link lives 1 to ${MAX_DAYS} days`);
  for (const phone of Object.values(options.phones ?? {})) if (phoneNumber(phone) === null) throw new MissiveError('invalid_argument', `not a mobile phone number: ${phone.slice(0, 30)}`);
}

/**
 * The vault copies of one message, made in the deposit's transaction. `X-MSS-MES: FIN` (a message
 * to a patient that expects no answer) forbids replies whatever else was asked.
 */
export function vaultItemsFor(
  ctx: ServiceContext,
  deposit: { messageId: string; senderMailboxId: string; addresses: readonly string[]; options: VaultOptions | undefined; noReplies: boolean; now: number },
): NewVaultItem[] {
  const options = deposit.options ?? {};
  const days = options.expiresInDays ?? ctx.vault.linkDays;
  // Addresses as the sender typed them, compared as the deposit resolved them.
  const byKey = <T>(record: Readonly<Record<string, T>> | undefined) => new Map(Object.entries(record ?? {}).map(([address, value]) => [addressKeyOrNull(address), value]));
  const phones = byKey(options.phones);
  const methods = byKey(options.codeByAddress);
  return deposit.addresses.map((address) => {
    const key = addressKeyOrNull(address);
    const given = phones.get(key);
    const phone = given === undefined ? null : phoneNumber(given);
    const codeBy = methods.get(key) ?? options.codeBy ?? (phone ? 'sms' : 'phone');
    if (codeBy === 'sms' && !phone) throw new MissiveError('invalid_argument', `a mobile phone number is needed to send the code to ${address} by SMS`);
    const id = newId('vlt');
    const link = newLinkToken();
    const code = newAccessCode();
    return {
      link,
      code,
      row: {
        id,
        message_id: deposit.messageId,
        address,
        sender_mailbox_id: deposit.senderMailboxId,
        link_digest: linkDigest(ctx, link),
        code_digest: codeDigest(ctx, id, code),
        code_by: codeBy,
        phone,
        replies: deposit.noReplies ? 'none' : (options.replies ?? 'thread'),
        replies_sent: 0,
        wrong_codes: 0,
        session_digest: null,
        session_until: null,
        created_at: deposit.now,
        expires_at: deposit.now + days * 86_400_000,
        notified_at: null,
        opened_at: null,
        revoked_at: null,
        locked_at: null,
      },
    };
  });
}

/** A French or international mobile number as +<digits>, or null. */
export function phoneNumber(text: string): string | null {
  const digits = text.replace(/[\s.()-]/g, '');
  if (/^0[67]\d{8}$/.test(digits)) return `+33${digits.slice(1)}`;
  if (/^\+[1-9]\d{7,14}$/.test(digits)) return digits;
  if (/^00[1-9]\d{7,14}$/.test(digits)) return `+${digits.slice(2)}`;
  return null;
}

