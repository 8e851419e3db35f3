import type { AddressInfo } from 'node:net';
import type { SMTPServer, SMTPServerDataStream } from 'smtp-server';
import { MissiveError } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import type { ServiceContext } from '../../services/context.ts';
import { deposit } from '../../services/deposit/deposit.ts';
import { smtpReply, type SmtpReplyError } from './replies.ts';

/**
 * DATA of a transaction, through the one delivery path. Whatever the outcome the whole message
 * is read before answering, as SMTP requires; 250 only once the deposit is committed.
 */
export function depositData(
  ctx: ServiceContext,
  stream: SMTPServerDataStream,
  request: { principal: Principal | null; from: string; to: string[] },
  callback: (error?: SmtpReplyError | null, message?: string) => void,
): void {
  const drained = new Promise<void>((resolve) => stream.once('end', () => resolve()));
  const tooLarge = () => new MissiveError('message_too_large', `larger than ${ctx.limits.maxMessageBytes} bytes`);
  const work = request.principal
    ? deposit(ctx, { principal: request.principal, channel: 'smtp', envelope: { from: request.from, to: request.to }, source: stream })
    : Promise.reject(new MissiveError('unauthorized', 'authenticate first'));
  work.then(
    async (result) => {
      await drained;
      if (stream.sizeExceeded) return callback(smtpReply(tooLarge()));
      callback(null, `Ok: stored as ${result.messageId}`);
    },
    async (error: unknown) => {
      stream.resume();
      await drained;
      callback(smtpReply(stream.sizeExceeded ? tooLarge() : error));
    },
  );
}

/** Listens on host:port unless the port is -1; returns the port listened on. */
export async function listenSmtp(ctx: ServiceContext, server: SMTPServer, host: string, port: number, name: string): Promise<number | null> {
  if (port < 0) return null;
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
