import { addressKey, addressKeyOrNull } from '../../core/address.ts';
import { addressList } from '../../core/address-list.ts';
import { decodeHeaderText } from '../../core/header-text.ts';
import { MissiveError } from '../../core/errors.ts';
import type { ServiceContext } from '../context.ts';

/** The From and Sender header values as written, for `checkOriginator`. */
export type OriginatorHeaders = { from: string | null; sender: string | null };

/**
 * Who a message says it is from must be who sends it. A local sender's message has exactly one
 * From address, the mailbox it is sent from, with no address dressed up as a display name, and
 * a Sender that is absent or that same mailbox. Mail relayed from another operator may not
 * claim an address of this operator.
 */
export function checkOriginator(ctx: ServiceContext, headers: OriginatorHeaders, sender: string, local: boolean): void {
  const from = parse(headers.from);
  const senderField = parse(headers.sender);
  if (!local) {
    const claimed = [...from, ...senderField].filter((entry) => ctx.localDomains.has(domainOf(entry.address)));
    if (claimed.length > 0) throw refuse(`mail from another operator cannot be from ${claimed[0]!.address}, an address of this operator`);
    return;
  }
  const wanted = addressKey(sender);
  const single = from.length === 1 && !from[0]!.group && addressKeyOrNull(from[0]!.address) === wanted;
  if (!single) throw refuse(`the From header must be ${sender} alone, the mailbox this message is sent from`);
  if (from[0]!.name.includes('@')) throw refuse('the From display name may not look like an address');
  if (senderField.length > 0 && (senderField.length !== 1 || addressKeyOrNull(senderField[0]!.address) !== wanted)) {
    throw refuse(`the Sender header, when present, must be ${sender}`);
  }
}

type Entry = { name: string; address: string; group: boolean };

function parse(value: string | null): Entry[] {
  if (!value) return [];
  return addressList(value).map((entry) =>
    'group' in entry && entry.group
      ? { name: decodeHeaderText(entry.name ?? ''), address: '', group: true }
      : { name: decodeHeaderText(entry.name ?? ''), address: (entry as { address?: string }).address ?? '', group: false },
  );
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function refuse(reason: string): MissiveError {
  return new MissiveError('forbidden', reason);
}
