import { decodeMailboxName, encodeMailboxName } from '../codec/mailbox-name.ts';
import { ImapParseError, type ImapCommand, type ImapValue } from '../codec/values.ts';

/** An astring argument (atom, quoted or literal) as text. */
export function astring(command: ImapCommand, index: number, what: string): string {
  const value = command.args[index];
  if (!value || value.type === 'list' || (value.type === 'atom' && value.section)) throw new ImapParseError(`expected ${what}`, command.tag);
  return value.type === 'atom' ? value.value : value.value.toString('utf8');
}

export function atom(command: ImapCommand, index: number, what: string): string {
  const value = command.args[index];
  if (!value || value.type !== 'atom' || value.section) throw new ImapParseError(`expected ${what}`, command.tag);
  return value.value;
}

export function list(command: ImapCommand, index: number, what: string): readonly ImapValue[] {
  const value = command.args[index];
  if (!value || value.type !== 'list') throw new ImapParseError(`expected ${what} in parentheses`, command.tag);
  return value.items;
}

export function argumentCount(command: ImapCommand, min: number, max = min): void {
  if (command.args.length < min || command.args.length > max) throw new ImapParseError(`${command.name} takes ${min === max ? min : `${min} to ${max}`} arguments`, command.tag);
}

/**
 * A mailbox name argument: UTF-8 once IMAP4rev2 is enabled, else modified UTF-7 (RFC 3501
 * §5.1.3), which a name outside printable ASCII must use.
 */
export function mailboxName(session: { rev2: boolean }, command: ImapCommand, index: number, what = 'a folder'): string {
  const text = astring(command, index, what);
  if (session.rev2) return text;
  const decoded = decodeMailboxName(text);
  if (decoded === null) throw new ImapParseError(`${what.replace(/^an? /, '')} name is not in modified UTF-7: ${text.slice(0, 40)}`, command.tag);
  return decoded;
}

/** A mailbox name as a response gives it to this session. */
export function mailboxNameOut(session: { rev2: boolean }, name: string): string {
  return session.rev2 ? name : encodeMailboxName(name);
}
