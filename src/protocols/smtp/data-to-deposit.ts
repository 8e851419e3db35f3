import type { AddressInfo, Socket } from 'node:net';
import type { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { formatRfc5322Date } from '../../core/header-block.ts';
import { MissiveError } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import type { ServiceContext } from '../../services/context.ts';
import { deposit } from '../../services/deposit/deposit.ts';
import { fileCodesToDictate } from '../../services/vault/vault-codes-notice.ts';
import { smtpReply, type SmtpReplyError } from './replies.ts';

/**
 * DATA of a transaction, through the one delivery path. Whatever the outcome the whole message
 * is read before answering, as SMTP requires; 250 only once the deposit is committed.
 */
export function depositData(
  ctx: ServiceContext,
  stream: SMTPServerDataStream,
  request: { principal: Principal | null; from: string; to: string[]; received: string; strictLines?: boolean },
  callback: (error?: SmtpReplyError | null, message?: string) => void,
): void {
  const drained = new Promise<void>((resolve) => {
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
  });
  const tooLarge = () => new MissiveError('message_too_large', `larger than ${ctx.limits.maxMessageBytes} bytes`);
  const work = request.principal
    ? deposit(ctx, { principal: request.principal, channel: 'smtp', envelope: { from: request.from, to: request.to }, source: withTrace(request.received, stream), strictLines: request.strictLines })
    : Promise.reject(new MissiveError('unauthorized', 'authenticate first'));
  work.then(
    async (result) => {
      await drained;
      if (stream.sizeExceeded) return callback(smtpReply(tooLarge()));
      callback(null, `Ok: stored as ${result.messageId}`);
      // Codes the sender is to dictate: a mail client showed them nowhere, the sender's Inbox will.
      const codes = result.vault.flatMap((copy) => (copy.code ? [{ address: copy.address, code: copy.code, expiresAt: copy.expiresAt }] : []));
      if (codes.length > 0) {
        fileCodesToDictate(ctx, request.from, result.messageId, codes).catch((error: unknown) =>
          ctx.log.error('the codes to dictate could not be filed for the sender (Suivi gives new ones)', { error, message: result.messageId }),
        );
      }
    },
    async (error: unknown) => {
      stream.resume();
      await drained;
      callback(smtpReply(stream.sizeExceeded ? tooLarge() : error));
    },
  );
}

/**
 * The trace field an SMTP server adds (RFC 5321 §4.4): who handed the message over, from which
 * address, to whom, how (ESMTPS, ESMTPSA when authenticated) and when.
 */
export function receivedField(session: SMTPServerSession, ourName: string, now: number): string {
  const helo = (session.hostNameAppearsAs || 'unknown').replace(/[^\x21-\x7e]/g, '').slice(0, 100);
  const protocol = session.user ? 'ESMTPSA' : session.secure ? 'ESMTPS' : 'ESMTP';
  const cipher = session.tlsOptions ? ` (${session.tlsOptions.version ?? 'TLS'} ${session.tlsOptions.name})` : '';
  return `Received: from ${helo} ([${session.remoteAddress}])\r\n\tby ${ourName} (Missive) with ${protocol}${cipher};\r\n\t${formatRfc5322Date(new Date(now))}\r\n`;
}

async function* withTrace(received: string, stream: SMTPServerDataStream): AsyncGenerator<Uint8Array> {
  yield Buffer.from(received, 'latin1');
  // A refusal stops reading early; the stream must survive it and be drained up to the final
  // dot, or the rest of the message would be read as commands.
  yield* stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
}

/** Listens on host:port unless the port is -1; returns the port listened on. */
export async function listenSmtp(ctx: ServiceContext, server: SMTPServer, host: string, port: number, name: string): Promise<number | null> {
  if (port < 0) return null;
  // Replies are small and pipelined: Nagle's algorithm would hold each behind the client's delayed ACK.
  server.server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  server.on('error', (error) => ctx.log.warn(`smtp ${name} connection error`, { error: (error as Error).message }));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.server.address() as AddressInfo).port;
}

export function closeSmtp(server: SMTPServer): Promise<void> {
  return server.server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
}
