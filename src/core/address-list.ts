import addressparser, { type Address, type MailboxAddress } from 'nodemailer/lib/addressparser/index.js';

// Readings of address fields already made, by field value: a message's From, To and Cc are each
// read two or three times on its way in (recipients from the header, the index, the originator
// check), and correspondents write with the same fields again and again. The parser builds many
// small objects per character read; kept readings spare the work and the garbage. Bounded in
// number and in size: a field longer than a few addresses is read each time, never kept.
const KNOWN_LIMIT = 2_000;
const KNOWN_VALUE_CHARS = 1_000;
const grouped = new Map<string, readonly Readonly<Address>[]>();
const flattened = new Map<string, readonly Readonly<MailboxAddress>[]>();

/** The entries of an address field (mailboxes and groups), as nodemailer's addressparser reads them; shared, so frozen. */
export function addressList(value: string): readonly Readonly<Address>[] {
  return known(grouped, value, () => addressparser(value));
}

/** The mailboxes of an address field, groups opened (addressparser's `flatten`); shared, so frozen. */
export function mailboxList(value: string): readonly Readonly<MailboxAddress>[] {
  return known(flattened, value, () => addressparser(value, { flatten: true }));
}

function known<T extends object>(table: Map<string, readonly T[]>, value: string, read: () => T[]): readonly T[] {
  if (value.length > KNOWN_VALUE_CHARS) return read();
  const kept = table.get(value);
  if (kept) return kept;
  const entries = deepFreeze(read());
  if (table.size >= KNOWN_LIMIT) table.clear();
  table.set(value, entries);
  return entries;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
