import { MissiveError } from './errors.ts';
import { keptByText } from './kept-by-text.ts';

/** A mailbox address, normalised: local part kept as written (RFC 5321 says it may be case-sensitive), domain lower-cased. */
export type Address = { readonly local: string; readonly domain: string };

// Dot-atom local parts only: quoted local parts are legal but unused in the trust space and a
// classic source of parser confusion between components.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

// Addresses already parsed, by the text given: a message's few addresses are parsed some twenty
// times on its way in (SMTP envelope, address snapshot, sender and recipient checks, header
// kinds). Only what parsed is kept, frozen since it is shared.
const parsedAddresses = keptByText<Address>(10_000, 256);
const addressKeys = keptByText<string>(10_000, 256);

export function parseAddress(input: string): Address {
  return parsedAddresses(input, parseFrozen);
}

function parseFrozen(input: string): Address {
  return Object.freeze(parseUnknown(input));
}

function parseUnknown(input: string): Address {
  const text = input.trim();
  const at = text.lastIndexOf('@');
  if (text.length > 254 || at <= 0 || at === text.length - 1) {
    throw new MissiveError('invalid_address', `not a mailbox address: ${JSON.stringify(truncate(text))}`);
  }
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL_PART.test(local)) {
    throw new MissiveError('invalid_address', `invalid local part in ${JSON.stringify(truncate(text))}`);
  }
  if (!isDomain(domain)) {
    throw new MissiveError('invalid_address', `invalid domain in ${JSON.stringify(truncate(text))}`);
  }
  return { local, domain };
}

export function isDomain(domain: string): boolean {
  const labels = domain.split('.');
  return domain.length <= 253 && labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label));
}

/** The canonical text form; lookups compare it case-insensitively (see `addressKey`). */
export function formatAddress(address: Address): string {
  return `${address.local}@${address.domain}`;
}

/** The key under which a mailbox is stored and found: MSSanté addresses are case-insensitive in practice. */
export function addressKey(input: string | Address): string {
  if (typeof input !== 'string') return formatAddress(input).toLowerCase();
  return addressKeys(input, keyOfText);
}

function keyOfText(input: string): string {
  return formatAddress(parseAddress(input)).toLowerCase();
}

/** The key of an address, or null when the text is not one (for comparisons with untrusted headers). */
export function addressKeyOrNull(text: string): string | null {
  try {
    return addressKey(text);
  } catch {
    return null;
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
