import { MissiveError } from '../../../core/errors.ts';
import type { MessageIndex } from '../../../services/deposit/message-index.ts';
import { storeFlags } from '../../../services/imap/imap-folders.ts';
import { openMessage } from '../../../services/open.ts';
import { filterHeader, sectionText, sliceOf } from '../body-section.ts';
import { untagged, type ResponseValue } from '../codec/response-writer.ts';
import { ImapParseError, type ImapAtom, type ImapCommand, type ImapValue } from '../codec/values.ts';
import { bodyStructure } from '../body-structure.ts';
import { envelopeOf } from '../envelope.ts';
import { expungedSince } from '../../../store/repositories/expunged.ts';
import { formatSet, parseSequenceSet, resolveSet, selectFromSet } from '../sequence-set.ts';
import type { CommandHandler, ImapSession, Selection } from '../session.ts';
import { argumentCount, atom } from './args.ts';

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};
const SIMPLE = new Set(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'MODSEQ', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

type Item = { name: string; section?: readonly ImapValue[]; partial?: readonly [number, number]; peek: boolean };

/**
 * FETCH and UID FETCH: flags, dates, sizes and envelopes from what deposit stored; bodies and
 * their sections through `services/open`, the one read path, so that a non-PEEK fetch of a body
 * is an opening, proven once per recipient exactly as in the web client, and sets \\Seen.
 */
export const FETCH: CommandHandler = {
  states: ['selected'],
  async run(session, command) {
    argumentCount(command, 2, 3);
    const selection = session.selected!;
    const byUid = command.name === 'UID FETCH';
    const set = parseSequenceSet(atom(command, 0, 'a sequence set'), command.tag);
    const items = fetchItems(command);
    const { changedSince, vanished } = changedSinceOf(command);
    if (vanished && (!byUid || !session.qresync)) throw new ImapParseError('VANISHED is for UID FETCH once QRESYNC is enabled', command.tag);
    if (changedSince !== null || items.some((item) => item.name === 'MODSEQ')) session.condstore = true;
    if (changedSince !== null && !items.some((item) => item.name === 'MODSEQ')) items.push({ name: 'MODSEQ', peek: true });
    if (byUid && !items.some((item) => item.name === 'UID')) items.unshift({ name: 'UID', peek: true });
    const uids = resolveSet(set, byUid, selection.uids);
    if (vanished && changedSince !== null) {
      // UIDs of the set that left since: VANISHED (EARLIER) before the changes.
      const expunged = await expungedSince(session.ctx.sql.read, selection.folder.folderId, changedSince);
      const gone = selectFromSet(set, expunged, Math.max(selection.uids.last(), expunged.at(-1) ?? 0));
      if (gone.length > 0) session.untagged({ atom: 'VANISHED' }, [{ atom: 'EARLIER' }], { atom: formatSet(gone) });
    }
    const rows = await entryRows(session, selection, uids, items.some((item) => item.name === 'ENVELOPE' || item.name === 'BODYSTRUCTURE' || (item.name === 'BODY' && !item.section)));
    // Messages are prepared a few at a time (bodies are read and decrypted meanwhile) and
    // answered in order.
    for (let i = 0; i < uids.length; i += PREPARED_AT_ONCE) {
      const responses = await Promise.all(uids.slice(i, i + PREPARED_AT_ONCE).map((uid) => respond(session, selection, items, rows.get(uid), changedSince)));
      for (const response of responses) if (response) session.write(response);
    }
    session.reply(command, 'OK', `${command.name} completed`);
  },
};

const PREPARED_AT_ONCE = 16;

/** One message's FETCH response, or null when it has nothing to say (gone, or unchanged since). */
async function respond(session: ImapSession, selection: Selection, items: readonly Item[], row: Row | undefined, changedSince: number | null): Promise<Buffer | null> {
  if (!row || (changedSince !== null && row.modseq <= changedSince)) return null;
  const uid = row.uid;
  const values: ResponseValue[] = [];
  let setSeen = false;
  for (const item of items) {
    const produced = await produce(session, selection, row, item);
    if (produced === null) continue;
    values.push(...produced.values);
    setSeen ||= produced.opened;
  }
  if (setSeen && !selection.readOnly && !row.flags.includes('\\Seen')) {
    const [changed] = await storeFlags(session.ctx, session.userId!, selection.folder, [uid], { mode: 'add', flags: ['\\Seen'] });
    if (changed && !items.some((item) => item.name === 'FLAGS')) values.push({ atom: 'FLAGS' }, changed.flags.map((flag) => ({ atom: flag })));
  }
  const seq = selection.uids.seqOf(uid);
  return seq > 0 ? untagged(seq, { atom: 'FETCH' }, values) : null;
}

type Row = { uid: number; messageId: string; flags: string[]; modseq: number; internalDate: number; size: number; index: MessageIndex | null };

async function entryRows(session: ImapSession, selection: Selection, uids: readonly number[], withIndex: boolean): Promise<Map<number, Row>> {
  const rows = new Map<number, Row>();
  for (let i = 0; i < uids.length; i += 500) {
    const found = await session.ctx.sql.read
      .selectFrom('mailbox_entry as e')
      .innerJoin('message as m', 'm.id', 'e.message_id')
      .select(['e.uid', 'e.message_id', 'e.flags', 'e.modseq', 'e.internal_date', 'm.size', 'm.index_json'])
      .where('e.folder_id', '=', selection.folder.folderId)
      .where('e.uid', 'in', uids.slice(i, i + 500))
      .execute();
    for (const row of found) {
      const flags = row.flags.split(' ').filter(Boolean);
      rows.set(Number(row.uid), {
        uid: Number(row.uid),
        messageId: row.message_id,
        flags,
        modseq: Number(row.modseq),
        internalDate: Number(row.internal_date),
        size: Number(row.size),
        index: withIndex && row.index_json ? (JSON.parse(row.index_json) as MessageIndex) : null,
      });
    }
  }
  return rows;
}

async function produce(session: ImapSession, selection: Selection, row: Row, item: Item): Promise<{ values: ResponseValue[]; opened: boolean } | null> {
  switch (item.name) {
    case 'UID':
      return { values: [{ atom: 'UID' }, row.uid], opened: false };
    case 'FLAGS':
      return { values: [{ atom: 'FLAGS' }, row.flags.map((flag) => ({ atom: flag }))], opened: false };
    case 'INTERNALDATE':
      return { values: [{ atom: 'INTERNALDATE' }, internalDate(row.internalDate)], opened: false };
    case 'RFC822.SIZE':
      return { values: [{ atom: 'RFC822.SIZE' }, row.size], opened: false };
    case 'MODSEQ':
      return { values: [{ atom: 'MODSEQ' }, [row.modseq]], opened: false };
    case 'ENVELOPE':
      return { values: [{ atom: 'ENVELOPE' }, row.index ? envelopeOf(row.index) : null], opened: false };
    case 'BODYSTRUCTURE':
      return { values: [{ atom: 'BODYSTRUCTURE' }, row.index ? bodyStructure(row.index.structure) : null], opened: false };
    default:
      // BODY alone is the non-extensible structure; BODY[…] is content.
      if (item.name === 'BODY' && !item.section) return { values: [{ atom: 'BODY' }, row.index ? bodyStructure(row.index.structure, false) : null], opened: false };
      return body(session, selection, row, item);
  }
}

async function body(session: ImapSession, selection: Selection, row: Row, item: Item): Promise<{ values: ResponseValue[]; opened: boolean } | null> {
  const peek = item.peek;
  let opened;
  try {
    opened = await openMessage(session.ctx, { principal: { kind: 'user', userId: session.userId! }, messageId: row.messageId, channel: 'imap', viaMailboxId: selection.folder.mailboxId, peek });
  } catch (error) {
    // Purged between SELECT and FETCH: nothing to show for it.
    if (error instanceof MissiveError && (error.code === 'not_found' || error.code === 'content_purged')) return null;
    throw error;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of opened.content) chunks.push(chunk as Buffer);
  const content = Buffer.concat(chunks);
  const section = item.section ?? [];
  const slice = section.length === 0 ? { start: 0, end: content.length } : sliceOf(opened.index.structure, content.length, section, '');
  let bytes: Buffer = content.subarray(slice.start, slice.end);
  if (slice.fields) bytes = filterHeader(bytes, slice.fields);
  let name = item.name === 'RFC822' || item.name === 'RFC822.HEADER' || item.name === 'RFC822.TEXT' ? item.name : `BODY[${sectionText(section)}]`;
  if (item.partial) {
    const [offset, length] = item.partial;
    bytes = bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length));
    name += `<${offset}>`;
  }
  return { values: [{ atom: name }, { literal: bytes }], opened: !peek };
}

function fetchItems(command: ImapCommand): Item[] {
  const spec = command.args[1]!;
  const atoms: ImapValue[] = spec.type === 'list' ? [...spec.items] : [spec];
  if (atoms.length === 1 && atoms[0]!.type === 'atom' && !atoms[0]!.section && MACROS[atoms[0]!.value.toUpperCase()]) {
    return MACROS[atoms[0]!.value.toUpperCase()]!.map((name) => ({ name, peek: true }));
  }
  return atoms.map((value) => {
    if (value.type !== 'atom') throw new ImapParseError('fetch attributes are atoms', command.tag);
    const name = value.value.toUpperCase();
    if (!value.section) {
      if (!SIMPLE.has(name)) throw new ImapParseError(`unknown fetch attribute ${value.value.slice(0, 30)}`, command.tag);
      if (name === 'RFC822') return { name, section: [], peek: false };
      if (name === 'BODY') return { name, peek: true };
      if (name === 'RFC822.HEADER') return { name, section: [atomOf('HEADER')], peek: true };
      if (name === 'RFC822.TEXT') return { name, section: [atomOf('TEXT')], peek: false };
      return { name, peek: true };
    }
    if (name !== 'BODY' && name !== 'BODY.PEEK') throw new ImapParseError(`unknown fetch attribute ${value.value.slice(0, 30)}[…]`, command.tag);
    // Checked here so that a bad section is BAD before anything is sent.
    sliceOf({ contentType: 'text/plain', params: {}, disposition: null, dispositionParams: {}, encoding: '7bit', contentId: null, description: null, headerStart: 0, bodyStart: 0, bodyEnd: 0, lines: 0, decodedSize: 0, attachment: false, children: [] }, 0, value.section, command.tag);
    return { name: 'BODY', section: value.section, partial: value.partial, peek: name === 'BODY.PEEK' };
  });
}

/** `(CHANGEDSINCE n [VANISHED])` after the attributes (RFC 7162 §3.1.4, §3.2.6). */
function changedSinceOf(command: ImapCommand): { changedSince: number | null; vanished: boolean } {
  const modifiers = command.args[2];
  if (!modifiers) return { changedSince: null, vanished: false };
  if (modifiers.type !== 'list') throw new ImapParseError('fetch modifiers go in parentheses', command.tag);
  const [name, value, extra] = modifiers.items;
  const vanished = extra?.type === 'atom' && extra.value.toUpperCase() === 'VANISHED';
  if (name?.type !== 'atom' || name.value.toUpperCase() !== 'CHANGEDSINCE' || value?.type !== 'atom' || !/^\d{1,19}$/.test(value.value) || modifiers.items.length !== (vanished ? 3 : 2)) {
    throw new ImapParseError('the fetch modifier is (CHANGEDSINCE modseq [VANISHED])', command.tag);
  }
  return { changedSince: Number(value.value), vanished };
}

function atomOf(value: string): ImapAtom {
  return { type: 'atom', value };
}

/** `"22-Nov-2026 10:00:00 +0000"` (RFC 3501 date-time), in UTC. */
function internalDate(epoch: number): string {
  const d = new Date(epoch);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
