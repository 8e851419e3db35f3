import { sql } from 'kysely';
import type { MessageIndex } from '../../../services/deposit/message-index.ts';
import { storeFlags } from '../../../services/imap/imap-folders.ts';
import { openMessagesIn, type OpenedBatch, type OpenedContent } from '../../../services/open.ts';
import { binaryOf, filterHeader, sectionText, sliceOf } from '../body-section.ts';
import { formatDateTime } from '../codec/dates.ts';
import { untaggedPieces, type ResponseValue } from '../codec/response-writer.ts';
import { ImapParseError, type ImapAtom, type ImapCommand, type ImapValue } from '../codec/values.ts';
import { bodyStructure } from '../body-structure.ts';
import { encodedEnvelope } from '../envelope.ts';
import { expungedSince } from '../../../store/repositories/expunged.ts';
import { keepImapEnvelopes } from '../../../store/repositories/messages.ts';
import { formatSet, namedUids, parseSequenceSet, selectFromSet } from '../sequence-set.ts';
import type { CommandHandler, ImapSession, Selection } from '../session.ts';
import { argumentCount, atom } from './args.ts';

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};
const SIMPLE = new Set(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'MODSEQ', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);

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
    const named = atom(command, 0, 'a sequence set');
    // `$` (RFC 5182) names UIDs; VANISHED reads it as the UID set it is.
    const set = named === '$' ? selection.saved.map((uid) => [uid, uid] as const) : parseSequenceSet(named, command.tag);
    const items = fetchItems(command);
    const { changedSince, vanished } = changedSinceOf(command);
    if (vanished && (!byUid || !session.qresync)) throw new ImapParseError('VANISHED is for UID FETCH once QRESYNC is enabled', command.tag);
    if (changedSince !== null || items.some((item) => item.name === 'MODSEQ')) session.condstore = true;
    if (changedSince !== null && !items.some((item) => item.name === 'MODSEQ')) items.push({ name: 'MODSEQ', peek: true });
    if (byUid && !items.some((item) => item.name === 'UID')) items.unshift({ name: 'UID', peek: true });
    const uids = namedUids(selection, named, byUid, command.tag);
    if (vanished && changedSince !== null) {
      // UIDs of the set that left since: VANISHED (EARLIER) before the changes.
      const expunged = await expungedSince(session.ctx.sql.read, selection.folder.folderId, changedSince);
      const gone = selectFromSet(set, expunged, Math.max(selection.uids.last(), expunged.at(-1) ?? 0));
      if (gone.length > 0) session.untagged({ atom: 'VANISHED' }, [{ atom: 'EARLIER' }], { atom: formatSet(gone) });
    }
    const rows = await entryRows(session, selection, uids, {
      // Structures, and the parts of a section or BINARY, come from the index; a whole body needs none.
      index: items.some((item) => item.name === 'BODYSTRUCTURE' || (item.name === 'BODY' && !item.section) || (item.section && item.section.length > 0) || item.name.startsWith('BINARY')),
      envelope: items.some((item) => item.name === 'ENVELOPE'),
    });
    const content = items.filter((item) => item.section);
    const peek = content.every((item) => item.peek);
    const open = (batch: readonly Row[]) =>
      content.length === 0 || batch.length === 0 ? Promise.resolve(NOTHING_OPENED) : openBatch(session, selection, batch, peek);
    const wanted = uids.flatMap((uid) => {
      const row = rows.get(uid);
      return row && (changedSince === null || row.modseq > changedSince) ? [row] : [];
    });
    // Bodies are read, decrypted and proven a batch at a time, and answered in order. Peeks are
    // read ahead while a batch is written; an opening is proven only for the batch about to be
    // written, so that a command that ends early (an error, a client gone) proves nothing unsent
    // beyond it.
    const batches = content.length === 0 ? [wanted] : batchesOf(wanted);
    const ahead = peek ? READ_AHEAD : 0;
    const reading: Promise<OpenedBatch>[] = [];
    const readNext = () => {
      const next = open(batches[reading.length]!);
      // Left unawaited when the command ends early, its failure must not go unhandled.
      next.catch(() => {});
      reading.push(next);
    };
    for (let i = 0; i < batches.length; i++) {
      while (reading.length < Math.min(i + 1 + ahead, batches.length)) readNext();
      const batch = batches[i]!;
      const { contents: opened, release } = await reading[i]!;
      // Written batches are let go of as they go.
      reading[i] = Promise.resolve(NOTHING_OPENED);
      const seen = content.some((item) => !item.peek) && !selection.readOnly ? await markSeen(session, selection, batch.filter((row) => opened.has(row.messageId))) : new Map<number, string[]>();
      for (const row of batch) {
        const seq = selection.uids.seqOf(row.uid);
        if (seq === 0) continue;
        const flags = seen.get(row.uid);
        if (flags) row.flags = flags;
        let values: ResponseValue[];
        try {
          values = items.flatMap((item) => produce(row, item, opened.get(row.messageId)));
        } catch (error) {
          if (error instanceof UnknownEncoding) return session.reply(command, 'NO', error.message, 'UNKNOWN-CTE');
          throw error;
        }
        // The \\Seen this fetch set is reported with it.
        if (flags && !items.some((item) => item.name === 'FLAGS')) values.push({ atom: 'FLAGS' }, flags.map((flag) => ({ atom: flag })));
        session.write(untaggedPieces(seq, { atom: 'FETCH' }, values));
      }
      // The batch's memory serves again once the socket no longer needs it.
      void session.flushed().then(release);
      // A client that reads slowly holds the command here, not a mailbox's worth of memory; one
      // that has gone gets nothing more read, decrypted or proven for it.
      if (!(await session.drained())) return;
    }
    session.reply(command, 'OK', `${command.name} completed`);
  },
};

/**
 * Bodies read at once: up to 64 messages, or fewer past 4 MB (one at least). The first batch is
 * smaller, so that the first bytes leave sooner while the next batches are read.
 */
const BATCH_MESSAGES = 64;
const FIRST_BATCH_MESSAGES = 16;
const BATCH_BYTES = 4 * 1024 * 1024;
const NOTHING_OPENED: OpenedBatch = { contents: new Map(), release: () => {} };
/** Batches being read while one is written (the SQLite store reads them on as many threads). */
const READ_AHEAD = 2;

function batchesOf(rows: readonly Row[]): Row[][] {
  const batches: Row[][] = [];
  let batch: Row[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (batch.length === (batches.length === 0 ? FIRST_BATCH_MESSAGES : BATCH_MESSAGES) || (batch.length > 0 && bytes + row.size > BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(row);
    bytes += row.size;
  }
  if (batch.length > 0 || batches.length === 0) batches.push(batch);
  return batches;
}

async function openBatch(session: ImapSession, selection: Selection, rows: readonly Row[], peek: boolean): Promise<OpenedBatch> {
  const principal = { kind: 'user' as const, userId: session.userId! };
  return openMessagesIn(session.ctx, { principal, mailboxId: selection.folder.mailboxId, messageIds: rows.map((row) => row.messageId), channel: 'imap', peek });
}

/** A non-PEEK body fetch sets \\Seen (RFC 3501 §6.4.5); the new flags of those that changed, by UID. */
async function markSeen(session: ImapSession, selection: Selection, rows: readonly Row[]): Promise<Map<number, string[]>> {
  const unseen = rows.filter((row) => !row.flags.includes('\\Seen')).map((row) => row.uid);
  if (unseen.length === 0) return new Map();
  const changed = await storeFlags(session.ctx, session.userId!, selection.folder, unseen, { mode: 'add', flags: ['\\Seen'] });
  return new Map(changed.map((entry) => [entry.uid, entry.flags]));
}

type Row = { uid: number; messageId: string; flags: string[]; modseq: number; internalDate: number; size: number; index: MessageIndex | null; envelope: string | null };
type Needs = { index: boolean; envelope: boolean };

async function entryRows(session: ImapSession, selection: Selection, uids: readonly number[], needs: Needs): Promise<Map<number, Row>> {
  const rows = new Map<number, Row>();
  const fresh: { id: string; envelope: string }[] = [];
  for (let i = 0; i < uids.length; i += 500) {
    const found = await session.ctx.sql.read
      .selectFrom('mailbox_entry as e')
      .innerJoin('message as m', 'm.id', 'e.message_id')
      .select(['e.uid', 'e.message_id', 'e.flags', 'e.modseq', 'e.internal_date', 'm.size'])
      // Bodies alone need neither the envelope nor the index (the largest column): read for
      // structures, or for an envelope not encoded yet.
      .$if(needs.envelope, (query) => query.select('m.imap_envelope'))
      .$if(needs.index, (query) => query.select('m.index_json'))
      .$if(!needs.index && needs.envelope, (query) => query.select(sql<string | null>`case when m.imap_envelope is null then m.index_json end`.as('index_json')))
      .where('e.folder_id', '=', selection.folder.folderId)
      .where('e.uid', 'in', uids.slice(i, i + 500))
      .execute();
    for (const row of found) {
      const indexJson = (row as { index_json?: string | null }).index_json ?? null;
      const index = indexJson ? (JSON.parse(indexJson) as MessageIndex) : null;
      let envelope = needs.envelope ? ((row as { imap_envelope?: string | null }).imap_envelope ?? null) : null;
      if (needs.envelope && envelope === null && index) {
        envelope = encodedEnvelope(index);
        fresh.push({ id: row.message_id, envelope });
      }
      rows.set(Number(row.uid), {
        uid: Number(row.uid),
        messageId: row.message_id,
        flags: row.flags.split(' ').filter(Boolean),
        modseq: Number(row.modseq),
        internalDate: Number(row.internal_date),
        size: Number(row.size),
        index,
        envelope,
      });
    }
  }
  if (fresh.length > 0) await session.ctx.sql.write((trx) => keepImapEnvelopes(trx, fresh));
  return rows;
}

function produce(row: Row, item: Item, opened: OpenedContent | undefined): ResponseValue[] {
  switch (item.name) {
    case 'UID':
      return [{ atom: 'UID' }, row.uid];
    case 'FLAGS':
      return [{ atom: 'FLAGS' }, row.flags.map((flag) => ({ atom: flag }))];
    case 'INTERNALDATE':
      return [{ atom: 'INTERNALDATE' }, formatDateTime(row.internalDate)];
    case 'RFC822.SIZE':
      return [{ atom: 'RFC822.SIZE' }, row.size];
    case 'MODSEQ':
      return [{ atom: 'MODSEQ' }, [row.modseq]];
    case 'ENVELOPE':
      return [{ atom: 'ENVELOPE' }, row.envelope === null ? null : { raw: row.envelope }];
    case 'BODYSTRUCTURE':
      return [{ atom: 'BODYSTRUCTURE' }, row.index ? bodyStructure(row.index.structure) : null];
    default:
      // BODY alone is the non-extensible structure; BODY[…] is content.
      if (item.name === 'BODY' && !item.section) return [{ atom: 'BODY' }, row.index ? bodyStructure(row.index.structure, false) : null];
      // Purged between SELECT and FETCH: nothing to show for it.
      if (!opened) return [];
      return item.name === 'BINARY' || item.name === 'BINARY.SIZE' ? binary(opened, row.index, item) : body(opened, row.index, item);
  }
}

/** A part whose transfer encoding Missive cannot undo: the command ends with NO [UNKNOWN-CTE]. */
class UnknownEncoding extends Error {}

function binary(opened: OpenedContent, index: MessageIndex | null, item: Item): ResponseValue[] {
  // No index: the message was purged meanwhile (its content is then absent too), nothing to show.
  if (!index) return [];
  const path = item.section?.[0]?.type === 'atom' ? item.section[0].value : '';
  const decoded = binaryOf(index.structure, opened.content, path);
  if (decoded === null) throw new UnknownEncoding(`part ${path} has a transfer encoding Missive cannot decode`);
  if (item.name === 'BINARY.SIZE') return [{ atom: `BINARY.SIZE[${path}]` }, decoded.length];
  let bytes = decoded;
  let name = `BINARY[${path}]`;
  if (item.partial) {
    const [offset, length] = item.partial;
    bytes = bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length));
    name += `<${offset}>`;
  }
  return [{ atom: name }, { literal: bytes, binary: bytes.includes(0) }];
}

function body(opened: OpenedContent, index: MessageIndex | null, item: Item): ResponseValue[] {
  const content = opened.content;
  const section = item.section ?? [];
  if (section.length > 0 && !index) return [];
  const slice = section.length === 0 ? { start: 0, end: content.length } : sliceOf(index!.structure, content.length, section, '');
  let bytes: Buffer = content.subarray(slice.start, slice.end);
  if (slice.fields) bytes = filterHeader(bytes, slice.fields);
  let name = item.name === 'RFC822' || item.name === 'RFC822.HEADER' || item.name === 'RFC822.TEXT' ? item.name : `BODY[${sectionText(section)}]`;
  if (item.partial) {
    const [offset, length] = item.partial;
    bytes = bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length));
    name += `<${offset}>`;
  }
  return [{ atom: name }, { literal: bytes }];
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
    if (name === 'BINARY' || name === 'BINARY.PEEK' || name === 'BINARY.SIZE') {
      const [part, ...rest] = value.section;
      if (rest.length > 0 || (part && (part.type !== 'atom' || !/^[1-9]\d{0,4}(\.[1-9]\d{0,4}){0,20}$/.test(part.value)))) {
        throw new ImapParseError('a BINARY section is a part number', command.tag);
      }
      if (name === 'BINARY.SIZE' && value.partial) throw new ImapParseError('BINARY.SIZE takes no partial range', command.tag);
      return { name: name === 'BINARY.PEEK' ? 'BINARY' : name, section: value.section, partial: value.partial, peek: name !== 'BINARY' };
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
