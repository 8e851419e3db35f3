/**
 * Where a recipient's copy goes. Only `local` is served by the core; the others arrive with
 * their issues (outbound SMTP to other operators, the vault for outsiders and patients) and
 * until then `services/deposit` refuses them with a clear error.
 */
export type Route = 'local' | 'operator' | 'vault';

export type RecipientState = 'delivered' | 'queued' | 'failed';

export const PATIENT_DOMAIN = 'patient.mssante.fr';

/**
 * Decides the route of an address from its domain alone: the domains this operator serves are
 * local, whitelisted operator domains go out over mutual TLS, everything else is outside the
 * trust space.
 */
export function routeFor(domain: string, localDomains: ReadonlySet<string>, trustedDomains: ReadonlySet<string>): Route {
  if (localDomains.has(domain)) return 'local';
  if (trustedDomains.has(domain)) return 'operator';
  return 'vault';
}
