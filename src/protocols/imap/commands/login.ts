import { MissiveError } from '../../../core/errors.ts';
import { authenticateAppPassword } from '../../../services/identity/app-passwords.ts';
import type { ImapCommand } from '../codec/values.ts';
import type { CommandHandler, ImapSession } from '../session.ts';
import { argumentCount, astring, atom } from './args.ts';

/** LOGIN user password: an application password, as for SMTP; only over TLS (or loopback in development). */
export const LOGIN: CommandHandler = {
  states: ['not-authenticated'],
  async run(session, command) {
    argumentCount(command, 2);
    if (!session.loginAllowed) return session.reply(command, 'NO', 'use STARTTLS first', 'PRIVACYREQUIRED');
    await check(session, command, astring(command, 0, 'a user name'), astring(command, 1, 'a password'));
  },
};

/** AUTHENTICATE PLAIN, with the initial response or after a continuation. */
export const AUTHENTICATE: CommandHandler = {
  states: ['not-authenticated'],
  async run(session, command) {
    argumentCount(command, 1, 2);
    const mechanism = atom(command, 0, 'a mechanism').toUpperCase();
    if (mechanism !== 'PLAIN') return session.reply(command, 'NO', 'use AUTHENTICATE PLAIN', 'CANNOT');
    if (!session.loginAllowed) return session.reply(command, 'NO', 'use STARTTLS first', 'PRIVACYREQUIRED');
    // SASL-IR (RFC 4959) sends the response with the command; otherwise it comes on its own line.
    const response = command.args.length === 2 ? atom(command, 1, 'a response') : (await session.nextLine('')).toString('latin1');
    if (response === '*') return session.reply(command, 'BAD', 'AUTHENTICATE cancelled');
    const decoded = Buffer.from(response, 'base64').toString('utf8').split('\0');
    if (decoded.length !== 3) return session.reply(command, 'BAD', 'not a PLAIN response');
    await check(session, command, decoded[1] || decoded[0]!, decoded[2]!);
  },
};

async function check(session: ImapSession, command: ImapCommand, login: string, password: string): Promise<void> {
  try {
    const identity = await authenticateAppPassword(session.ctx, login, password);
    session.loggedIn(identity.userId);
    session.reply(command, 'OK', 'Logged in', `CAPABILITY ${session.capabilities().join(' ')}`);
  } catch (error) {
    if (!(error instanceof MissiveError) || error.code !== 'unauthorized') throw error;
    session.failedLogins++;
    session.reply(command, 'NO', 'wrong login or application password', 'AUTHENTICATIONFAILED');
  }
}
