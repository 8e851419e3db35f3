import { addressKey, parseAddress } from '../../core/address.ts';
import { MissiveError } from '../../core/errors.ts';
import { routeFor, type Route } from '../../core/routes.ts';
import { findMailboxesByKeys, type MailboxRow } from '../../store/repositories/accounts.ts';
import type { Queryable } from '../../store/repositories/queryable.ts';
import type { ServiceContext } from '../context.ts';
import type { AddressSnapshot } from './address-snapshot.ts';

/** A recipient and where its copy goes: a local mailbox, or (mailbox null) another operator's domain or the vault. */
export type ResolvedRecipient = { address: string; key: string; domain: string; route: Route; mailbox: MailboxRow | null };

/**
 * Resolves every envelope recipient or refuses the whole message, naming each refused address:
 * a message is never delivered to some and silently dropped for others. An address outside the
 * trust space is never sent as mail: its copy stays in the vault.
 */
export async function resolveRecipients(ctx: ServiceContext, q: Queryable, addresses: readonly string[], snapshot: AddressSnapshot | null = null): Promise<ResolvedRecipient[]> {
  if (addresses.length === 0) throw new MissiveError('invalid_argument', 'the message has no recipient');
  if (addresses.length > ctx.limits.maxRecipients) {
    throw new MissiveError('too_many_recipients', `too many recipients: ${addresses.length} (at most ${ctx.limits.maxRecipients})`, {
      limit: ctx.limits.maxRecipients,
    });
  }
  const parsed = new Map<string, { address: string; domain: string }>();
  for (const text of addresses) {
    const address = parseAddress(text);
    parsed.set(addressKey(address), { address: `${address.local}@${address.domain}`, domain: address.domain });
  }
  const keys = [...parsed.keys()];
  const rows = snapshot && keys.every((key) => snapshot.keys.has(key)) ? keys.flatMap((key) => snapshot.found.get(key)?.mailbox ?? []) : await findMailboxesByKeys(q, keys);
  const found = new Map(rows.map((mailbox) => [mailbox.address_key, mailbox]));
  const unknown: string[] = [];
  const resolved: ResolvedRecipient[] = [];
  for (const [key, { address, domain }] of parsed) {
    const route = routeFor(domain, ctx.localDomains, ctx.trustedDomains);
    const mailbox = found.get(key);
    if (route !== 'local') resolved.push({ address, key, domain, route, mailbox: null });
    else if (!mailbox) unknown.push(address);
    else resolved.push({ address: mailbox.address, key, domain, route, mailbox });
  }
  if (unknown.length > 0) {
    throw new MissiveError('unknown_recipient', `no such mailbox here: ${unknown.join(', ')}`, { addresses: unknown });
  }
  return resolved;
}
