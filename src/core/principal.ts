import type { Rights } from './mailbox.ts';

/**
 * Who acts. A person logged in; an application holding an applicative mailbox's credential;
 * or the operator itself (CLI administration, inbound from another operator, the demo seed),
 * which is still bound by the rules of `services/` but acts for no user; or the holder of a vault
 * link, who may read the one message it leads to and answer its sender, nothing else.
 */
export type Principal =
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'application'; readonly mailboxId: string }
  | { readonly kind: 'operator'; readonly name: string }
  /** Someone outside the trust space holding a vault link and its code: one message, one address. */
  | { readonly kind: 'vault'; readonly itemId: string; readonly address: string };

export type VaultPrincipal = Extract<Principal, { kind: 'vault' }>;

/** The operator acting for itself (delivery status notifications), not for another operator's domain. */
export const SYSTEM_OPERATOR = 'system';

export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return `user:${principal.userId}`;
    case 'application':
      return `application:${principal.mailboxId}`;
    case 'operator':
      return `operator:${principal.name}`;
    case 'vault':
      return `vault:${principal.address}`;
  }
}

/** A principal's standing on one mailbox, as the store reports it. */
export type Membership = { readonly mailboxId: string; readonly rights: Rights };

/**
 * The access rule, in one place: a user acts on a mailbox through a member row; an application
 * only on its own applicative mailbox. The operator holds no right on any local mailbox: it only
 * relays mail whose sender is elsewhere in the trust space (that right comes from mutual TLS).
 */
export function mayAct(principal: Principal, mailboxId: string, right: keyof Rights, membership: Membership | undefined): boolean {
  switch (principal.kind) {
    case 'user':
      return membership !== undefined && membership.mailboxId === mailboxId && membership.rights[right];
    case 'application':
      return principal.mailboxId === mailboxId;
    case 'operator':
    case 'vault':
      return false;
  }
}
