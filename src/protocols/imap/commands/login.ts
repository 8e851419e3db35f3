import { MissiveError } from '../../../core/errors.ts';
import { parseBearerMessage } from '../../../core/sasl-bearer.ts';
import { authenticateAccessToken } from '../../../services/identity/access-tokens.ts';
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

/**
 * AUTHENTICATE PLAIN (an application password), XOAUTH2 or OAUTHBEARER (a bearer token Missive
 * issued), with the initial response (SASL-IR) or after a continuation.
 */
export const AUTHENTICATE: CommandHandler = {
  states: ['not-authenticated'],
  async run(session, command) {
    argumentCount(command, 1, 2);
    const mechanism = atom(command, 0, 'a mechanism').toUpperCase();
    if (mechanism !== 'PLAIN' && mechanism !== 'XOAUTH2' && mechanism !== 'OAUTHBEARER') return session.reply(command, 'NO', 'use PLAIN, XOAUTH2 or OAUTHBEARER', 'CANNOT');
    if (!session.loginAllowed) return session.reply(command, 'NO', 'use STARTTLS first', 'PRIVACYREQUIRED');
    // SASL-IR (RFC 4959) sends the response with the command; otherwise it comes on its own line.
    const response = command.args.length === 2 ? atom(command, 1, 'a response') : (await session.nextLine('')).toString('latin1');
    if (response === '*') return session.reply(command, 'BAD', 'AUTHENTICATE cancelled');
    const decoded = Buffer.from(response, 'base64').toString('utf8');
    if (mechanism === 'PLAIN') {
      const parts = decoded.split('\0');
      if (parts.length !== 3) return session.reply(command, 'BAD', 'not a PLAIN response');
      return check(session, command, parts[1] || parts[0]!, parts[2]!);
    }
    const bearer = parseBearerMessage(mechanism, decoded);
    if (!bearer) return session.reply(command, 'BAD', `not an ${mechanism} response`);
    try {
      const identity = await authenticateAccessToken(session.ctx, bearer.user, bearer.token);
      session.loggedIn(identity.userId);
      session.reply(command, 'OK', 'Logged in', `CAPABILITY ${session.capabilities().join(' ')}`);
    } catch (error) {
      if (!(error instanceof MissiveError) || error.code !== 'unauthorized') throw error;
      session.failedLogins++;
      // RFC 7628: the error as JSON in a continuation, the client's ^A, then NO.
      await session.nextLine(Buffer.from(JSON.stringify({ status: 'invalid_token', schemes: 'bearer' })).toString('base64'));
      session.reply(command, 'NO', 'invalid or expired token', 'AUTHENTICATIONFAILED');
    }
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
