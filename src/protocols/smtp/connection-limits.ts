// One address may hold this many connections at once (a practice behind one NAT, a busy
// hospital software, another operator's pool); beyond, 421 and close: no single source can take
// every slot.
export const CONNECTIONS_PER_ADDRESS = 20;

/** Counts connections per remote address for one listener pair (SMTP, IMAP): `admit` on connect, `release` on close. */
export function connectionsPerAddress(limit: number = CONNECTIONS_PER_ADDRESS) {
  const held = new Map<string, number>();
  return {
    /** An error to refuse the connection with, or null. */
    admit(session: { remoteAddress: string }): (Error & { responseCode: number }) | null {
      const count = (held.get(session.remoteAddress) ?? 0) + 1;
      held.set(session.remoteAddress, count);
      if (count <= limit) return null;
      return Object.assign(new Error(`Too many connections from your address (at most ${limit}); try again later`), { responseCode: 421 });
    },
    release(session: { remoteAddress: string }): void {
      const count = (held.get(session.remoteAddress) ?? 1) - 1;
      if (count <= 0) held.delete(session.remoteAddress);
      else held.set(session.remoteAddress, count);
    },
  };
}
