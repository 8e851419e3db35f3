import addressparser, { type Address, type MailboxAddress } from 'nodemailer/lib/addressparser/index.js';
import { keptByText } from './kept-by-text.ts';

// Readings of address fields already made, by field value: a message's From, To and Cc are each
// read two or three times on its way in (recipients from the header, the index, the originator
// check), and correspondents write with the same fields again and again. The parser builds many
// small objects per character read; kept readings spare the work and the garbage. A field longer
// than a few addresses is read each time, never kept.
const grouped = keptByText<readonly Readonly<Address>[]>(2_000, 1_000);
const flattened = keptByText<readonly Readonly<MailboxAddress>[]>(2_000, 1_000);

/** The entries of an address field (mailboxes and groups), as nodemailer's addressparser reads them; shared, so frozen. */
export function addressList(value: string): readonly Readonly<Address>[] {
  return grouped(value, readGrouped);
}

/** The mailboxes of an address field, groups opened (addressparser's `flatten`); shared, so frozen. */
export function mailboxList(value: string): readonly Readonly<MailboxAddress>[] {
  return flattened(value, readFlattened);
}

function readGrouped(value: string): readonly Readonly<Address>[] {
  return deepFreeze(addressparser(value));
}

function readFlattened(value: string): readonly Readonly<MailboxAddress>[] {
  return deepFreeze(addressparser(value, { flatten: true }));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
