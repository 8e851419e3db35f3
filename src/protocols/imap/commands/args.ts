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
