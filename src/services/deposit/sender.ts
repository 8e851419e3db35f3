import { addressKey } from '../../core/address.ts';
import { MissiveError } from '../../core/errors.ts';
import { describePrincipal, mayAct, type Principal } from '../../core/principal.ts';
import { routeFor } from '../../core/routes.ts';
import { findMailboxByKey, mailboxAndMembership, type MailboxRow } from '../../store/repositories/accounts.ts';
import type { Queryable } from '../../store/repositories/queryable.ts';
import type { ServiceContext } from '../context.ts';
import type { AddressSnapshot } from './address-snapshot.ts';

/**
 * The right to send from an address. A local address needs a principal with the send right on
 * that mailbox; an address elsewhere can only be relayed by the operator itself (inbound from
 * another operator, authenticated by mutual TLS in the SMTP issue), or sent by a vault reader
 * from the address the link was for. Returns the local mailbox, or null for a sender elsewhere.
 */
export async function authorizeSender(ctx: ServiceContext, q: Queryable, principal: Principal, sender: string, snapshot: AddressSnapshot | null = null): Promise<MailboxRow | null> {
  const key = addressKey(sender);
  const domain = key.slice(key.lastIndexOf('@') + 1);
  if (routeFor(domain, ctx.localDomains, ctx.trustedDomains) !== 'local') {
    if (principal.kind === 'operator') return null;
    // A vault reader answers from the address the message was sent to, and only from it.
    if (principal.kind === 'vault' && addressKey(principal.address) === key) return null;
    throw refused(principal, sender);
  }
  if (principal.kind === 'user') {
    // The mailbox and the user's membership in one query: this runs for every message submitted.
    const found = snapshot?.userId === principal.userId && snapshot.keys.has(key) ? snapshot.found.get(key) : await mailboxAndMembership(q, key, principal.userId);
    if (!found || !mayAct(principal, found.mailbox.id, 'send', found.member)) throw refused(principal, sender);
    return found.mailbox;
  }
  const mailbox = await findMailboxByKey(q, key);
  if (!mailbox || !mayAct(principal, mailbox.id, 'send', undefined)) throw refused(principal, sender);
  return mailbox;
}

// Same answer whether the mailbox exists or not: the refusal must not reveal which addresses are real.
function refused(principal: Principal, sender: string): MissiveError {
  return new MissiveError('forbidden', `${describePrincipal(principal)} may not send from ${sender}`);
}
