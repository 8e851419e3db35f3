import { MissiveError } from '../../../core/errors.ts';
import { storeFlags } from '../../../services/imap/imap-folders.ts';
import { ImapParseError, type ImapCommand } from '../codec/values.ts';
import { namedUids } from '../sequence-set.ts';
import type { CommandHandler, ImapSession } from '../session.ts';
import { argumentCount, atom } from './args.ts';

const SYSTEM_FLAGS = new Set(['\\answered', '\\flagged', '\\deleted', '\\seen', '\\draft']);

/** STORE and UID STORE: FLAGS, +FLAGS, -FLAGS (.SILENT); never in a read-only selection. */
export const STORE: CommandHandler = {
  states: ['selected'],
  async run(session, command) {
    argumentCount(command, 3, 4);
    const selection = session.selected!;
    const byUid = command.name === 'UID STORE';
    const named = namedUids(selection, atom(command, 0, 'a sequence set'), byUid, command.tag);
    // STORE set (UNCHANGEDSINCE modseq) … (RFC 7162 §3.1.3): entries changed since are left alone.
    const unchangedSince = command.args.length === 4 ? unchangedSinceOf(command) : null;
    if (unchangedSince !== null) session.condstore = true;
    const shift = command.args.length === 4 ? 1 : 0;
    const operation = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(atom(command, 1 + shift, 'FLAGS, +FLAGS or -FLAGS'));
    if (!operation) throw new ImapParseError('expected FLAGS, +FLAGS or -FLAGS', command.tag);
    const value = command.args[2 + shift]!;
    const given = value.type === 'list' ? value.items : [value];
    const flags = given.map((flag) => {
      if (flag.type !== 'atom' || flag.section) throw new ImapParseError('flags are atoms', command.tag);
      const canonical = SYSTEM_FLAGS.has(flag.value.toLowerCase()) ? `\\${flag.value[1]!.toUpperCase()}${flag.value.slice(2).toLowerCase()}` : flag.value;
      if (canonical.startsWith('\\') && !SYSTEM_FLAGS.has(canonical.toLowerCase())) throw new ImapParseError(`unknown system flag ${flag.value.slice(0, 20)}`, command.tag);
      return canonical;
    });
    if (selection.readOnly) return session.reply(command, 'NO', 'this folder is read-only for you', 'READ-ONLY');
    const modified = unchangedSince === null ? [] : await changedAfter(session, named, unchangedSince);
    const uids = named.filter((uid) => !modified.includes(uid));
    const mode = operation[1] === '+' ? 'add' : operation[1] === '-' ? 'remove' : 'set';
    let changed;
    try {
      changed = await storeFlags(session.ctx, session.userId!, selection.folder, uids, { mode, flags });
    } catch (error) {
      if (error instanceof MissiveError && error.code === 'forbidden') return session.reply(command, 'NO', error.message, 'NOPERM');
      throw error;
    }
    const modseqOf = new Map(changed.map((entry) => [entry.uid, entry.modseq]));
    const flagsNow = operation[2] ? new Map<number, string[]>() : await currentFlags(session, uids);
    // With CONDSTORE every change is reported with its MODSEQ, even when SILENT (RFC 7162 §3.1.3).
    for (const uid of uids) {
      if (operation[2] && !(session.condstore && modseqOf.has(uid))) continue;
      const seq = selection.uids.seqOf(uid);
      const current = flagsNow.get(uid) ?? [];
      const modseq = session.condstore && modseqOf.has(uid) ? [{ atom: 'MODSEQ' }, [modseqOf.get(uid)!]] : [];
      session.untagged(seq, { atom: 'FETCH' }, [...(byUid ? [{ atom: 'UID' }, uid] : []), ...(operation[2] ? [] : [{ atom: 'FLAGS' }, current.map((flag) => ({ atom: flag }))]), ...modseq]);
    }
    const failed = modified.map((uid) => (byUid ? uid : selection.uids.seqOf(uid)));
    session.reply(command, 'OK', `${command.name} completed`, failed.length > 0 ? `MODIFIED ${failed.join(',')}` : undefined);
  },
};

function unchangedSinceOf(command: ImapCommand): number {
  const modifiers = command.args[1];
  const [name, value] = modifiers?.type === 'list' ? modifiers.items : [];
  if (modifiers?.type !== 'list' || modifiers.items.length !== 2 || name?.type !== 'atom' || name.value.toUpperCase() !== 'UNCHANGEDSINCE' || value?.type !== 'atom' || !/^\d{1,19}$/.test(value.value)) {
    throw new ImapParseError('the only store modifier is (UNCHANGEDSINCE modseq)', command.tag);
  }
  return Number(value.value);
}

/** The UIDs among `uids` whose entry changed after `modseq`. */
async function changedAfter(session: ImapSession, uids: readonly number[], modseq: number): Promise<number[]> {
  if (uids.length === 0) return [];
  const rows = await session.ctx.sql.read
    .selectFrom('mailbox_entry')
    .select('uid')
    .where('folder_id', '=', session.selected!.folder.folderId)
    .where('uid', 'in', [...uids])
    .where('modseq', '>', modseq)
    .execute();
  return rows.map((row) => Number(row.uid));
}

/** The flags of some entries as they are now (after the change, whether it changed them or not). */
export async function currentFlags(session: ImapSession, uids: readonly number[]): Promise<Map<number, string[]>> {
  const flags = new Map<number, string[]>();
  for (let i = 0; i < uids.length; i += 500) {
    const rows = await session.ctx.sql.read.selectFrom('mailbox_entry').select(['uid', 'flags']).where('folder_id', '=', session.selected!.folder.folderId).where('uid', 'in', uids.slice(i, i + 500)).execute();
    for (const row of rows) flags.set(Number(row.uid), row.flags.split(' ').filter(Boolean));
  }
  return flags;
}
