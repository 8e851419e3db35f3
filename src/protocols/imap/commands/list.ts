import { imapFolders, SHARED_PREFIX } from '../../../services/imap/imap-folders.ts';
import { ImapParseError, type ImapCommand } from '../codec/values.ts';
import type { CommandHandler } from '../session.ts';
import { argumentCount, mailboxName, mailboxNameOut } from './args.ts';
import { statusItems, writeStatus } from './status.ts';

/**
 * LIST reference pattern (and LSUB: every folder counts as subscribed): `*` matches anything,
 * `%` anything but the separator. Each folder comes with its special use (RFC 6154) and the
 * `Shared/` and `Shared/<address>` levels as non-selectable parents.
 */
export const LIST: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    // LIST-EXTENDED (RFC 5258): optional selection options first, RETURN options last. The
    // special use of each folder is always returned; RETURN (STATUS (…)) adds each folder's
    // counters (LIST-STATUS, RFC 5819).
    const first = command.args[0]?.type === 'list' ? 1 : 0;
    const returns = command.args.findIndex((value, index) => index > first && value.type === 'atom' && value.value.toUpperCase() === 'RETURN');
    const end = returns === -1 ? command.args.length : returns;
    if (end - first !== 2) argumentCount(command, 2);
    const status = returns === -1 ? null : statusReturned(command, returns);
    // Every folder counts as subscribed: the subscription options only add the attribute saying so.
    const subscribed = [command.args[0], returns === -1 ? undefined : command.args[returns + 1]].some(
      (options) => options?.type === 'list' && options.items.some((item) => item.type === 'atom' && item.value.toUpperCase() === 'SUBSCRIBED'),
    );
    const reference = mailboxName(session, command, first, 'a reference');
    const patternValue = command.args[first + 1]!;
    const patterns = patternValue.type === 'list' ? patternValue.items.map((_, index) => mailboxName(session, { ...command, args: patternValue.items }, index, 'a pattern')) : [mailboxName(session, command, first + 1, 'a pattern')];
    const pattern = patterns[0] ?? '';
    const answer = command.name === 'LSUB' ? 'LSUB' : 'LIST';
    if (pattern === '') {
      session.untagged({ atom: answer }, [{ atom: '\\Noselect' }], '/', '');
      return session.reply(command, 'OK', `${answer} completed`);
    }
    const matchers = patterns.map((one) => patternMatcher(`${reference}${one}`));
    const matcher = (path: string) => matchers.some((match) => match(path));
    const folders = await imapFolders(session.ctx, session.userId!);
    const parents = new Set<string>();
    for (const folder of folders) {
      if (folder.path.startsWith(SHARED_PREFIX)) {
        parents.add(SHARED_PREFIX.slice(0, -1));
        parents.add(`${SHARED_PREFIX}${folder.mailboxAddress}`);
      }
    }
    for (const parent of [...parents].sort()) if (matcher(parent)) session.untagged({ atom: answer }, [{ atom: '\\Noselect' }, { atom: '\\HasChildren' }], '/', mailboxNameOut(session, parent));
    for (const folder of folders) {
      if (!matcher(folder.path)) continue;
      const attributes = [{ atom: '\\HasNoChildren' }, ...(subscribed ? [{ atom: '\\Subscribed' }] : []), ...(folder.specialUse ? [{ atom: folder.specialUse }] : [])];
      session.untagged({ atom: answer }, attributes, '/', mailboxNameOut(session, folder.path));
      if (status) await writeStatus(session, folder, status);
    }
    session.reply(command, 'OK', `${answer} completed`);
  },
};

/** The items of `RETURN (… STATUS (items) …)`, or null when no status is asked for. */
function statusReturned(command: ImapCommand, at: number): string[] | null {
  const options = command.args[at + 1];
  if (options?.type !== 'list' || command.args.length !== at + 2) throw new ImapParseError('RETURN takes a list of options', command.tag);
  const index = options.items.findIndex((item) => item.type === 'atom' && item.value.toUpperCase() === 'STATUS');
  if (index === -1) return null;
  const items = options.items[index + 1];
  if (items?.type !== 'list') throw new ImapParseError('RETURN (STATUS (items))', command.tag);
  return statusItems(items.items, command.tag);
}

function patternMatcher(pattern: string): (path: string) => boolean {
  const inbox = /^inbox$/i.test(pattern);
  return (path) => globMatches(pattern, path) || (inbox && path === 'INBOX');
}

/**
 * `*` matches anything, `%` anything but `/`, other characters themselves. By dynamic
 * programming over (pattern, path) positions: a client's pattern full of wildcards costs
 * pattern × path steps, never the exponential backtracking a regular expression could take.
 */
export function globMatches(pattern: string, path: string): boolean {
  // matches[j]: the pattern so far matches path.slice(0, j).
  let matches = new Array<boolean>(path.length + 1).fill(false);
  matches[0] = true;
  for (const char of pattern) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    if (char === '*' || char === '%') {
      next[0] = matches[0]!;
      for (let j = 1; j <= path.length; j++) {
        next[j] = matches[j]! || (next[j - 1]! && (char === '*' || path[j - 1] !== '/'));
      }
    } else {
      for (let j = 1; j <= path.length; j++) next[j] = matches[j - 1]! && path[j - 1] === char;
    }
    matches = next;
  }
  return matches[path.length]!;
}
