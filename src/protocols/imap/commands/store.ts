import { MissiveError } from '../../../core/errors.ts';
import { storeFlags } from '../../../services/imap/imap-folders.ts';
import { ImapParseError } from '../codec/values.ts';
import { parseSequenceSet, selectFromSet } from '../sequence-set.ts';
import type { CommandHandler } from '../session.ts';
import { argumentCount, atom } from './args.ts';

const SYSTEM_FLAGS = new Set(['\\answered', '\\flagged', '\\deleted', '\\seen', '\\draft']);

/** STORE and UID STORE: FLAGS, +FLAGS, -FLAGS (.SILENT); never in a read-only selection. */
export const STORE: CommandHandler = {
  states: ['selected'],
  async run(session, command) {
    argumentCount(command, 3);
    const selection = session.selected!;
    const byUid = command.name === 'UID STORE';
    const set = parseSequenceSet(atom(command, 0, 'a sequence set'), command.tag);
    const operation = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(atom(command, 1, 'FLAGS, +FLAGS or -FLAGS'));
    if (!operation) throw new ImapParseError('expected FLAGS, +FLAGS or -FLAGS', command.tag);
    const value = command.args[2]!;
    const given = value.type === 'list' ? value.items : [value];
    const flags = given.map((flag) => {
      if (flag.type !== 'atom' || flag.section) throw new ImapParseError('flags are atoms', command.tag);
      const canonical = SYSTEM_FLAGS.has(flag.value.toLowerCase()) ? `\\${flag.value[1]!.toUpperCase()}${flag.value.slice(2).toLowerCase()}` : flag.value;
      if (canonical.startsWith('\\') && !SYSTEM_FLAGS.has(canonical.toLowerCase())) throw new ImapParseError(`unknown system flag ${flag.value.slice(0, 20)}`, command.tag);
      return canonical;
    });
    if (selection.readOnly) return session.reply(command, 'NO', 'this folder is read-only for you', 'READ-ONLY');
    const uids = byUid ? selectFromSet(set, selection.uids, selection.uids.at(-1) ?? 0) : selectFromSet(set, selection.uids.map((_, index) => index + 1), selection.uids.length).map((seq) => selection.uids[seq - 1]!);
    const mode = operation[1] === '+' ? 'add' : operation[1] === '-' ? 'remove' : 'set';
    let changed;
    try {
      changed = await storeFlags(session.ctx, session.userId!, selection.folder, uids, { mode, flags });
    } catch (error) {
      if (error instanceof MissiveError && error.code === 'forbidden') return session.reply(command, 'NO', error.message, 'NOPERM');
      throw error;
    }
    for (const entry of changed) selection.flags.set(entry.uid, entry.flags);
    if (!operation[2]) {
      for (const uid of uids) {
        const seq = selection.uids.indexOf(uid) + 1;
        const current = selection.flags.get(uid) ?? [];
        session.untagged(seq, { atom: 'FETCH' }, [...(byUid ? [{ atom: 'UID' }, uid] : []), { atom: 'FLAGS' }, current.map((flag) => ({ atom: flag }))]);
      }
    }
    session.reply(command, 'OK', `${command.name} completed`);
  },
};
