import { foldForSearch } from '../../../core/search-text.ts';
import { searchableText } from '../../../services/message-body.ts';
import { PREVIEW_CHARS } from '../../../services/deposit/message-index.ts';
import type { MessageIndex } from '../../../services/deposit/message-index.ts';
import { monthIndex } from '../codec/dates.ts';
import { ImapParseError, type ImapCommand, type ImapValue } from '../codec/values.ts';
import { formatSet, parseSequenceSet, selectFromSet } from '../sequence-set.ts';
import type { ResponseValue } from '../codec/response-writer.ts';
import type { CommandHandler, ImapSession } from '../session.ts';

type Candidate = { seq: number; uid: number; messageId: string; flags: string[]; modseq: number; internalDate: number; size: number; index: MessageIndex; text: string };
type Test = (candidate: Candidate) => boolean;

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true], UNANSWERED: ['\\Answered', false],
  DELETED: ['\\Deleted', true], UNDELETED: ['\\Deleted', false],
  DRAFT: ['\\Draft', true], UNDRAFT: ['\\Draft', false],
  FLAGGED: ['\\Flagged', true], UNFLAGGED: ['\\Flagged', false],
  SEEN: ['\\Seen', true], UNSEEN: ['\\Seen', false], NEW: ['\\Seen', false],
};
const DAY = 86_400_000;

/**
 * SEARCH and UID SEARCH over the selected folder: flags, dates, sizes, sequence and UID sets,
 * NOT, OR, parenthesised groups, and text keys (FROM, TO, CC, BCC, SUBJECT, HEADER, BODY, TEXT)
 * matched without case or accents against what deposit indexed (addresses, subject, attachment
 * names and the start of the text).
 */
export const SEARCH: CommandHandler = {
  states: ['selected'],
  async run(session, command) {
    const byUid = command.name === 'UID SEARCH';
    let args = command.args;
    // SEARCH RETURN (MIN MAX COUNT ALL SAVE) … (RFC 4731, RFC 5182); under IMAP4rev2 every answer is an ESEARCH.
    let returns: Set<string> | null = session.rev2 ? new Set(['ALL']) : null;
    if (args[0]?.type === 'atom' && args[0].value.toUpperCase() === 'RETURN') {
      const options = args[1];
      if (options?.type !== 'list') throw new ImapParseError('RETURN takes a list of options', command.tag);
      const asked = options.items.map((item) => (item.type === 'atom' ? item.value.toUpperCase() : ''));
      for (const option of asked) if (!RETURN_OPTIONS.has(option)) throw new ImapParseError(`unknown search return option ${option.slice(0, 20) || '(not an atom)'}`, command.tag);
      returns = new Set(asked.length === 0 ? ['ALL'] : asked);
      args = args.slice(2);
    }
    if (args[0]?.type === 'atom' && args[0].value.toUpperCase() === 'CHARSET') {
      const charset = args[1]?.type === 'atom' ? args[1].value.toUpperCase() : args[1]?.type === 'string' ? args[1].value.toString('latin1').toUpperCase() : '';
      if (charset !== 'UTF-8' && charset !== 'US-ASCII') return session.reply(command, 'NO', 'only UTF-8 and US-ASCII', 'BADCHARSET (UTF-8 US-ASCII)');
      args = args.slice(2);
    }
    if (args.length === 0) throw new ImapParseError('SEARCH needs at least one key', command.tag);
    const candidates = await loadCandidates(session);
    const reader: Reader = { values: args, at: 0, textNeedles: [] };
    const tests: Test[] = [];
    while (reader.at < reader.values.length) tests.push(parseKey(reader, command, session, candidates));
    if (reader.textNeedles.length > 0) await readWholeTexts(session, candidates, reader.textNeedles);
    const matching = candidates.filter((candidate) => tests.every((test) => test(candidate)));
    const found = matching.map((candidate) => (byUid ? candidate.uid : candidate.seq));
    // A search on MODSEQ answers with the highest MODSEQ among the results (RFC 7162 §3.1.5).
    const usedModseq = reader.values.some((value) => value.type === 'atom' && value.value.toUpperCase() === 'MODSEQ');
    const highest = matching.reduce((max, candidate) => Math.max(max, candidate.modseq), 0);
    if (returns === null) {
      session.untagged({ atom: 'SEARCH' }, ...found, ...(usedModseq && found.length > 0 ? [[{ atom: 'MODSEQ' }, highest]] : []));
    } else {
      if (returns.has('SAVE')) session.selected!.saved = savedResult(matching, returns);
      // SAVE alone answers nothing but the tagged OK (RFC 5182 §2.1).
      if ([...returns].some((option) => option !== 'SAVE')) {
        session.untagged({ atom: 'ESEARCH' }, ...esearchData(command.tag, byUid, found, returns), ...(usedModseq && found.length > 0 ? [{ atom: 'MODSEQ' }, highest] : []));
      }
    }
    session.reply(command, 'OK', `${command.name} completed`);
  },
};

const RETURN_OPTIONS = new Set(['MIN', 'MAX', 'COUNT', 'ALL', 'SAVE']);

/** `(TAG "a1") UID MIN 2 MAX 9 COUNT 4 ALL 2:3,9`: what RETURN asked for, of what was found. */
function esearchData(tag: string, byUid: boolean, found: readonly number[], returns: ReadonlySet<string>): ResponseValue[] {
  const data: ResponseValue[] = [[{ atom: 'TAG' }, tag]];
  if (byUid) data.push({ atom: 'UID' });
  if (found.length > 0 && returns.has('MIN')) data.push({ atom: 'MIN' }, found[0]!);
  if (found.length > 0 && returns.has('MAX')) data.push({ atom: 'MAX' }, found.at(-1)!);
  if (returns.has('COUNT')) data.push({ atom: 'COUNT' }, found.length);
  if (found.length > 0 && returns.has('ALL')) data.push({ atom: 'ALL' }, { atom: formatSet(found) });
  return data;
}

/** What SAVE keeps: every match, or only the first and last when just MIN / MAX were asked (RFC 5182 §2.1). */
function savedResult(matching: readonly Candidate[], returns: ReadonlySet<string>): number[] {
  const uids = matching.map((candidate) => candidate.uid);
  if (returns.has('ALL') || returns.has('COUNT') || (!returns.has('MIN') && !returns.has('MAX'))) return uids;
  return [...new Set([...(returns.has('MIN') ? uids.slice(0, 1) : []), ...(returns.has('MAX') ? uids.slice(-1) : [])])];
}

async function loadCandidates(session: ImapSession): Promise<Candidate[]> {
  const selection = session.selected!;
  const rows = await session.ctx.sql.read
    .selectFrom('mailbox_entry as e')
    .innerJoin('message as m', 'm.id', 'e.message_id')
    .select(['e.uid', 'e.message_id', 'e.flags', 'e.modseq', 'e.internal_date', 'm.size', 'm.index_json', 'm.search_text'])
    .where('e.folder_id', '=', selection.folder.folderId)
    .execute();
  const byUid = new Map(rows.map((row) => [Number(row.uid), row]));
  return selection.uids.all().flatMap((uid, index) => {
    const row = byUid.get(uid);
    if (!row || !row.index_json) return [];
    return [{ seq: index + 1, uid, messageId: row.message_id, flags: row.flags.split(' ').filter(Boolean), modseq: Number(row.modseq), internalDate: Number(row.internal_date), size: Number(row.size), index: JSON.parse(row.index_json) as MessageIndex, text: row.search_text ?? '' }];
  });
}

type Reader = { values: readonly ImapValue[]; at: number; /** BODY and TEXT needles: they may lie past the indexed start. */ textNeedles: string[] };

/**
 * The index holds the start of each text: a needle not found there is looked for in the whole
 * text of the messages whose text goes on past it (decrypted for the search, a peek, not an
 * opening). Short messages, most of them, cost nothing more.
 */
async function readWholeTexts(session: ImapSession, candidates: Candidate[], needles: readonly string[]): Promise<void> {
  const principal = { kind: 'user' as const, userId: session.userId! };
  const viaMailboxId = session.selected!.folder.mailboxId;
  for (const candidate of candidates) {
    if (candidate.index.textPreview.length < PREVIEW_CHARS || needles.every((needle) => candidate.text.includes(needle))) continue;
    const text = await searchableText(session.ctx, { principal, messageId: candidate.messageId, viaMailboxId }).catch(() => '');
    candidate.text += ` ${foldForSearch(text)}`;
  }
}

function parseKey(reader: Reader, command: ImapCommand, session: ImapSession, candidates: readonly Candidate[]): Test {
  const value = reader.values[reader.at++];
  if (!value) throw new ImapParseError('a search key is missing', command.tag);
  if (value.type === 'list') {
    const inner: Reader = { values: value.items, at: 0, textNeedles: reader.textNeedles };
    const tests: Test[] = [];
    while (inner.at < inner.values.length) tests.push(parseKey(inner, command, session, candidates));
    return (candidate) => tests.every((test) => test(candidate));
  }
  if (value.type !== 'atom') throw new ImapParseError('a search key is an atom', command.tag);
  const key = value.value.toUpperCase();
  const text = () => foldForSearch(stringArg(reader, command));
  const number = () => {
    const raw = stringArg(reader, command);
    if (!/^\d{1,12}$/.test(raw)) throw new ImapParseError(`${key} needs a number`, command.tag);
    return Number(raw);
  };
  if (FLAG_KEYS[key]) {
    const [flag, wanted] = FLAG_KEYS[key];
    return (candidate) => candidate.flags.includes(flag) === wanted;
  }
  switch (key) {
    case 'ALL':
      return () => true;
    case 'OLD':
      return () => true;
    case 'RECENT':
      return () => false;
    case 'KEYWORD': {
      const flag = stringArg(reader, command);
      return (candidate) => candidate.flags.includes(flag);
    }
    case 'UNKEYWORD': {
      const flag = stringArg(reader, command);
      return (candidate) => !candidate.flags.includes(flag);
    }
    case 'FROM':
    case 'TO':
    case 'CC':
    case 'BCC': {
      const needle = text();
      const field = key === 'FROM' ? 'from' : key === 'TO' ? 'to' : key === 'CC' ? 'cc' : null;
      return (candidate) => field !== null && candidate.index[field].some((person) => foldForSearch(`${person.name} ${person.address}`).includes(needle));
    }
    case 'SUBJECT': {
      const needle = text();
      return (candidate) => foldForSearch(candidate.index.subject ?? '').includes(needle);
    }
    case 'HEADER': {
      const name = stringArg(reader, command).toLowerCase();
      const needle = text();
      return (candidate) => foldForSearch(headerOf(candidate.index, name)).includes(needle);
    }
    case 'BODY':
    case 'TEXT': {
      const needle = text();
      reader.textNeedles.push(needle);
      return (candidate) => candidate.text.includes(needle);
    }
    case 'BEFORE':
    case 'ON':
    case 'SINCE':
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE': {
      const day = dateArg(reader, command);
      const sent = key.startsWith('SENT');
      const relation = key.replace('SENT', '');
      return (candidate) => {
        const at = sent ? candidate.index.date : candidate.internalDate;
        if (at === null) return false;
        if (relation === 'BEFORE') return at < day;
        if (relation === 'ON') return at >= day && at < day + DAY;
        return at >= day;
      };
    }
    case 'MODSEQ': {
      session.condstore = true;
      const modseq = number();
      return (candidate) => candidate.modseq >= modseq;
    }
    case 'LARGER': {
      const size = number();
      return (candidate) => candidate.size > size;
    }
    case 'SMALLER': {
      const size = number();
      return (candidate) => candidate.size < size;
    }
    case 'UID': {
      const set = parseSequenceSet(stringArg(reader, command), command.tag);
      const uids = new Set(selectFromSet(set, candidates.map((candidate) => candidate.uid), session.selected!.uids.last()));
      return (candidate) => uids.has(candidate.uid);
    }
    case 'NOT': {
      const inner = parseKey(reader, command, session, candidates);
      return (candidate) => !inner(candidate);
    }
    case 'OR': {
      const left = parseKey(reader, command, session, candidates);
      const right = parseKey(reader, command, session, candidates);
      return (candidate) => left(candidate) || right(candidate);
    }
    case '$': {
      const saved = new Set(session.selected!.saved);
      return (candidate) => saved.has(candidate.uid);
    }
    default: {
      if (/^[\d*:,]+$/.test(key)) {
        const set = parseSequenceSet(key, command.tag);
        const seqs = new Set(selectFromSet(set, candidates.map((candidate) => candidate.seq), session.selected!.uids.length));
        return (candidate) => seqs.has(candidate.seq);
      }
      throw new ImapParseError(`unknown search key ${value.value.slice(0, 30)}`, command.tag);
    }
  }
}

function stringArg(reader: Reader, command: ImapCommand): string {
  const value = reader.values[reader.at++];
  if (!value || value.type === 'list' || (value.type === 'atom' && value.section)) throw new ImapParseError('a search key is missing its argument', command.tag);
  return value.type === 'atom' ? value.value : value.value.toString('utf8');
}

/** `1-Feb-1994` as the UTC midnight starting that day. */
function dateArg(reader: Reader, command: ImapCommand): number {
  const raw = stringArg(reader, command);
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(raw);
  const month = match ? monthIndex(match[2]!) : -1;
  if (!match || month < 0) throw new ImapParseError(`not a date: ${raw.slice(0, 20)} (like 1-Feb-2026)`, command.tag);
  return Date.UTC(Number(match[3]), month, Number(match[1]));
}

function headerOf(index: MessageIndex, name: string): string {
  const people = (list: MessageIndex['from']) => list.map((person) => `${person.name} <${person.address}>`).join(', ');
  switch (name) {
    case 'from':
      return people(index.from);
    case 'to':
      return people(index.to);
    case 'cc':
      return people(index.cc);
    case 'subject':
      return index.subject ?? '';
    case 'message-id':
      return index.messageId ?? '';
    case 'in-reply-to':
      return index.inReplyTo ?? '';
    default:
      return '';
  }
}
