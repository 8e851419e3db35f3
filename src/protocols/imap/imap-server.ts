import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { ServiceContext } from '../../services/context.ts';
import { connectionsPerAddress } from '../smtp/connection-limits.ts';
import type { TlsListenerOptions, TlsListeners } from '../listener-options.ts';
import { tlsPolicy } from '../smtp/tls-policy.ts';
import { status } from './codec/response-writer.ts';
import { ImapSession } from './session.ts';

export type ImapOptions = TlsListenerOptions & {
  /** Development on loopback: LOGIN without TLS for local tools. */
  plainLoginAllowed: boolean;
  maxLiteralBytes: number;
};

export type ImapListeners = TlsListeners;

/** The IMAP listeners: STARTTLS on one port, TLS from the first byte on the other, the same sessions behind. */
export async function startImap(ctx: ServiceContext, options: ImapOptions): Promise<ImapListeners> {
  const secureContext = createSecureContext({ key: options.tls.key, cert: options.tls.cert, ...tlsPolicy({ allowTls13: options.allowTls13 }) });
  const connections = connectionsPerAddress(options.connectionsPerAddress);
  const limits = { maxLineBytes: 64 * 1024, maxLiteralBytes: options.maxLiteralBytes, maxCommandBytes: options.maxLiteralBytes + 1024 * 1024 };
  const sockets = new Set<Socket>();
  const accept = (secure: boolean) => (raw: Socket) => {
    const peer = { remoteAddress: raw.remoteAddress ?? 'unknown' };
    sockets.add(raw);
    raw.once('close', () => {
      sockets.delete(raw);
      connections.release(peer);
    });
    raw.setNoDelay(true);
    if (connections.admit(peer)) {
      raw.end(status('*', 'BYE', 'Too many connections from your address; try again later'));
      return;
    }
    const socket = secure ? new TLSSocket(raw, { isServer: true, secureContext }) : raw;
    if (secure) socket.on('error', () => raw.destroy());
    new ImapSession(ctx, socket, { secure, secureContext, plainLoginAllowed: options.plainLoginAllowed, domain: options.domain, limits });
  };
  const listen = async (server: Server, port: number): Promise<number | null> => {
    if (port < 0) return null;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  };
  const plain = createServer(accept(false));
  const implicit = createServer(accept(true));
  const port = await listen(plain, options.port);
  const securePort = await listen(implicit, options.securePort);
  return {
    port,
    securePort,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([plain, implicit].map((server) => (server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve())));
    },
  };
}
