import type { TLSSocket } from 'node:tls';
import { MissiveSmtpServer } from './missive-smtp-server.ts';
import { addressKey, parseAddress } from '../../core/address.ts';
import { MissiveError } from '../../core/errors.ts';
import { routeFor } from '../../core/routes.ts';
import { formatSubject, parseSubject, sameSubject, subjectOfPeer, type Subject } from '../../core/trust/certificate-subject.ts';
import type { ServiceContext } from '../../services/context.ts';
import { findMailboxByKey } from '../../store/repositories/accounts.ts';
import { connectionsPerAddress } from './connection-limits.ts';
import { closeSmtp, depositData, listenSmtp, receivedField } from './data-to-deposit.ts';
import { coalesceReplies } from './reply-coalescing.ts';
import { smtpReply, type SmtpReplyError } from './replies.ts';
import type { TlsListenerOptions } from '../listener-options.ts';
import { tlsPolicy } from './tls-policy.ts';

export type ExchangeOptions = Omit<TlsListenerOptions, 'securePort'>;
export type ExchangeListener = { port: number | null; close(): Promise<void> };

/**
 * Mail from the other operators of the trust space (port 25): STARTTLS first, then a client
 * certificate that chains to a configured trust anchor; the domain of MAIL FROM must be on the
 * national whitelist, with the certificate subject the whitelist gives for it; recipients only
 * local mailboxes: never an open relay. The message then takes the one delivery path, relayed by
 * the operator principal.
 */
export async function startExchange(ctx: ServiceContext, options: ExchangeOptions): Promise<ExchangeListener> {
  const connections = connectionsPerAddress(options.connectionsPerAddress);
  // The verified certificate subject of each TLS session, by session id.
  const peers = new Map<string, Subject>();
  const server = new MissiveSmtpServer({
    secure: false,
    name: options.domain,
    banner: 'Missive ESMTP (MSSanté exchange)',
    key: options.tls.key,
    cert: options.tls.cert,
    ca: options.tls.anchors.length > 0 ? options.tls.anchors : undefined,
    // Asked for at the handshake; judged in onSecure so that a refused peer reads why.
    requestCert: true,
    rejectUnauthorized: false,
    ...tlsPolicy({ allowTls13: options.allowTls13 }),
    authOptional: true,
    authMethods: [],
    disabledCommands: ['AUTH'],
    size: ctx.limits.maxMessageBytes,
    useXClient: false,
    useXForward: false,
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hidePIPELINING: false,
    hide8BITMIME: false,
    maxClients: 500,
    maxAllowedUnauthenticatedCommands: false,
    socketTimeout: 5 * 60_000,
    closeTimeout: 30_000,
    logger: false,
    // The Received field names the client by its address and HELO, never by its reverse DNS name; looking it up
    // would only make every connection wait for the resolver (up to 1.5 s when it does not answer).
    disableReverseLookup: true,
    onConnect(session, callback) {
      callback(connections.admit(session));
    },
    onClose(session) {
      peers.delete(session.id);
      connections.release(session);
    },
    onSecure(socket, session, callback) {
      const tlsSocket = socket as TLSSocket;
      const certificate = tlsSocket.getPeerCertificate();
      if (!certificate || Object.keys(certificate).length === 0) return callback(refusal(530, 'a client certificate is required on this port'));
      if (!tlsSocket.authorized) {
        return callback(refusal(530, `your certificate is not trusted here (${String(tlsSocket.authorizationError ?? 'unknown issuer')})`));
      }
      peers.set(session.id, subjectOfPeer(certificate.subject as unknown as Record<string, string | string[]>));
      coalesceReplies(tlsSocket);
      callback();
    },
    onMailFrom(address, session, callback) {
      try {
        const peer = peers.get(session.id);
        if (!session.secure || !peer) throw refusal(530, 'Must issue a STARTTLS command first, with a client certificate');
        const domain = address.address === '' ? domainOfSubject(ctx, peer) : parseAddress(address.address).domain;
        if (!ctx.trustedDomains.has(domain)) throw refusal(550, `${domain} is not an operator domain of the MSSanté whitelist`);
        const listed = ctx.operatorSubjects.get(domain);
        if (!listed || !sameSubject(parseSubject(listed), peer)) {
          throw refusal(550, `your certificate (${formatSubject(peer)}) is not the one the whitelist gives for ${domain}`);
        }
        callback();
      } catch (error) {
        callback(error instanceof Error && 'responseCode' in error ? (error as SmtpReplyError) : smtpReply(error));
      }
    },
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= ctx.limits.maxRecipients) {
        return callback(smtpReply(new MissiveError('too_many_recipients', `at most ${ctx.limits.maxRecipients} recipients per message`)));
      }
      localRecipient(ctx, address.address).then(
        () => callback(),
        (error: unknown) => callback(error instanceof Error && 'responseCode' in error ? (error as SmtpReplyError) : smtpReply(error)),
      );
    },
    onData(stream, session, callback) {
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const peer = peers.get(session.id);
      // A bounce (null sender) is filed as from the peer operator's mailer daemon.
      const from = mailFrom !== '' ? mailFrom : peer ? `mailer-daemon@${domainOfSubject(ctx, peer)}` : '';
      const domain = from.slice(from.lastIndexOf('@') + 1).toLowerCase();
      const to = session.envelope.rcptTo.map((recipient) => recipient.address);
      depositData(ctx, stream, { principal: peer ? { kind: 'operator', name: domain } : null, from, to, received: receivedField(session, options.domain, ctx.clock()), strictLines: true }, callback);
    },
  });
  const port = await listenSmtp(ctx, server, options.host, options.port, 'exchange');
  return { port, close: () => closeSmtp(server) };
}

async function localRecipient(ctx: ServiceContext, text: string): Promise<void> {
  const address = parseAddress(text);
  if (routeFor(address.domain, ctx.localDomains, ctx.trustedDomains) !== 'local') {
    throw refusal(550, `relay access denied: ${address.domain} is not served here`);
  }
  if (!(await findMailboxByKey(ctx.sql.read, addressKey(address)))) throw refusal(550, `no such mailbox here: ${text}`);
}

/** The whitelisted domain whose listed subject is this certificate's (for a null sender). */
function domainOfSubject(ctx: ServiceContext, peer: Subject): string {
  for (const [domain, listed] of ctx.operatorSubjects) if (listed && sameSubject(parseSubject(listed), peer)) return domain;
  throw refusal(550, `your certificate (${formatSubject(peer)}) is not on the MSSanté whitelist`);
}

function refusal(code: number, message: string): SmtpReplyError {
  return Object.assign(new Error(message), { responseCode: code });
}
