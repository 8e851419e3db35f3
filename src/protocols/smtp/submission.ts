import type { SMTPServerSession } from 'smtp-server';
import { MissiveSmtpServer } from './missive-smtp-server.ts';
import { parseAddress } from '../../core/address.ts';
import { MissiveError } from '../../core/errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { authorizeSender } from '../../services/deposit/sender.ts';
import { authenticateAccessToken } from '../../services/identity/access-tokens.ts';
import { authenticateAppPassword } from '../../services/identity/app-passwords.ts';
import { enableOauthBearer } from './oauthbearer.ts';
import { connectionsPerAddress } from './connection-limits.ts';
import { closeSmtp, depositData, listenSmtp, receivedField } from './data-to-deposit.ts';
import { coalesceReplies } from './reply-coalescing.ts';
import { smtpReply } from './replies.ts';
import { tlsPolicy } from './tls-policy.ts';
import type { TlsListenerOptions, TlsListeners } from '../listener-options.ts';

export type SubmissionOptions = TlsListenerOptions;
export type SubmissionListeners = TlsListeners;

/**
 * SMTP submission for mail clients and health software: AUTH PLAIN and LOGIN with application
 * passwords, XOAUTH2 and OAUTHBEARER with the bearer tokens Missive issues, only once the connection is encrypted (STARTTLS on 587, TLS from the first byte on
 * 465); the envelope sender must be a mailbox the user may send from; the message goes through
 * `services/deposit`, and 250 is said only once it is committed.
 */
export async function startSubmission(ctx: ServiceContext, options: SubmissionOptions): Promise<SubmissionListeners> {
  enableOauthBearer();
  const connections = connectionsPerAddress(options.connectionsPerAddress);
  const allowedSenders = new WeakMap<SMTPServerSession, Set<string>>();
  const make = (secure: boolean) =>
    new MissiveSmtpServer({
      secure,
      name: options.domain,
      banner: 'Missive ESMTP submission',
      key: options.tls.key,
      cert: options.tls.cert,
      ...tlsPolicy({ allowTls13: options.allowTls13 }),
      // AUTH is neither offered nor accepted before TLS.
      allowInsecureAuth: false,
      authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2', 'OAUTHBEARER'],
      size: ctx.limits.maxMessageBytes,
      useXClient: false,
      useXForward: false,
      hideSTARTTLS: secure,
      hideENHANCEDSTATUSCODES: false,
      hideDSN: false,
      hidePIPELINING: false,
      hide8BITMIME: false,
      maxClients: 500,
      // Commands before a successful AUTH (EHLO, STARTTLS, failed AUTHs…); then the connection closes.
      maxAllowedUnauthenticatedCommands: 10,
      socketTimeout: 5 * 60_000,
      closeTimeout: 30_000,
      logger: false,
      // The Received field names the client by its address and HELO, never by its reverse DNS name; looking it up
      // would only make every connection wait for the resolver (up to 1.5 s when it does not answer).
      disableReverseLookup: true,
      // Not even offered before TLS: a client that tried would send its password in clear first.
      onConnect(session, callback) {
        const refused = connections.admit(session);
        if (refused) return callback(refused);
        if (!secure) session.disabledCommands = ['AUTH'];
        callback();
      },
      onClose(session) {
        connections.release(session);
      },
      onSecure(socket, session, callback) {
        session.disabledCommands = [];
        coalesceReplies(socket);
        callback();
      },
      onAuth(auth, _session, callback) {
        if (auth.method === 'PLAIN' || auth.method === 'LOGIN') {
          authenticateAppPassword(ctx, auth.username ?? '', auth.password ?? '').then(
            (identity) => callback(null, { user: identity.userId }),
            (error: unknown) => callback(smtpReply(error)),
          );
          return;
        }
        // OAUTHBEARER comes from our own mechanism (oauthbearer.ts), unknown to smtp-server's types.
        const method: string = auth.method;
        if (method === 'XOAUTH2' || method === 'OAUTHBEARER') {
          // A bad token gets the bearer mechanisms' own refusal: a JSON status, then 535.
          authenticateAccessToken(ctx, auth.username || null, auth.accessToken ?? '').then(
            (identity) => callback(null, { user: identity.userId }),
            () => callback(null, { data: { status: 'invalid_token', schemes: 'bearer' } }),
          );
          return;
        }
        callback(smtpReply(new MissiveError('unauthorized', 'use AUTH PLAIN, LOGIN, XOAUTH2 or OAUTHBEARER')));
      },
      onMailFrom(address, session, callback) {
        const principal = principalOf(session);
        if (!principal) return callback(smtpReply(new MissiveError('unauthorized', 'authenticate first (AUTH after STARTTLS)')));
        // Checked once per connection and address, for an early answer; the deposit checks every message.
        if (allowedSenders.get(session)?.has(address.address)) return callback();
        checkSender(ctx, principal, address.address).then(
          () => {
            allowedSenders.set(session, (allowedSenders.get(session) ?? new Set()).add(address.address));
            callback();
          },
          (error: unknown) => callback(smtpReply(error)),
        );
      },
      onRcptTo(address, session, callback) {
        if (session.envelope.rcptTo.length >= ctx.limits.maxRecipients) return callback(smtpReply(new MissiveError('too_many_recipients', `at most ${ctx.limits.maxRecipients} recipients per message`)));
        try {
          parseAddress(address.address);
          callback();
        } catch (error) {
          callback(smtpReply(error));
        }
      },
      onData(stream, session, callback) {
        const to = session.envelope.rcptTo.map((recipient) => recipient.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        depositData(ctx, stream, { principal: principalOf(session), from, to, received: receivedField(session, options.domain, ctx.clock()) }, callback);
      },
    });
  const starttls = make(false);
  const implicit = make(true);
  const port = await listenSmtp(ctx, starttls, options.host, options.port, 'submission');
  const securePort = await listenSmtp(ctx, implicit, options.host, options.securePort, 'submission');
  return {
    port,
    securePort,
    async close() {
      await Promise.all([starttls, implicit].map(closeSmtp));
    },
  };
}

function principalOf(session: SMTPServerSession): { kind: 'user'; userId: string } | null {
  return typeof session.user === 'string' && session.user !== '' ? { kind: 'user', userId: session.user } : null;
}

async function checkSender(ctx: ServiceContext, principal: { kind: 'user'; userId: string }, address: string): Promise<void> {
  if (address === '') throw new MissiveError('forbidden', 'a null sender cannot be submitted');
  parseAddress(address);
  await authorizeSender(ctx, ctx.sql.read, principal, address);
}
