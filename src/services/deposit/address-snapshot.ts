import { addressKeyOrNull } from '../../core/address.ts';
import { mailboxesAndMemberships, type MailboxAndMembership } from '../../store/repositories/accounts.ts';
import type { Queryable } from '../../store/repositories/queryable.ts';

/**
 * The mailboxes at a deposit's envelope addresses, with the depositing user's memberships, read
 * in one query before the checks that use them: the sender's right (sender.ts) and the
 * recipients' mailboxes (recipients.ts). Each check still decides as before; it only reads here
 * what it would have asked the database for, and asks the database for anything else.
 */
export type AddressSnapshot = { readonly userId: string; readonly keys: ReadonlySet<string>; readonly found: ReadonlyMap<string, MailboxAndMembership> };

/** Null when an address does not parse: the checks then refuse it themselves, with their own error. */
export async function snapshotAddresses(q: Queryable, userId: string, addresses: readonly string[]): Promise<AddressSnapshot | null> {
  const keys = new Set<string>();
  for (const address of addresses) {
    const key = addressKeyOrNull(address);
    if (key === null) return null;
    keys.add(key);
  }
  return { userId, keys, found: await mailboxesAndMemberships(q, [...keys], userId) };
}
