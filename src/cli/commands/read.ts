import { pipeline } from 'node:stream/promises';
import { listFolder, mailboxesOf } from '../../services/mailbox-view.ts';
import { openMessage } from '../../services/open.ts';
import { CliError, table } from '../output.ts';
import type { Command } from './index.ts';
import { parse, required } from './args.ts';

const LIST_USAGE = 'list --as <user> [--mailbox <address>] [--folder INBOX] [--limit 50]';

export const listCommand: Command = {
  summary: "a user's mailboxes, or one folder's messages (newest first)",
  usage: '--as <user> [--mailbox <address>] [--folder <name>] [--limit <n>]',
  async run(runtime, args) {
    const { values } = parse(args, { as: { type: 'string' }, mailbox: { type: 'string' }, folder: { type: 'string' }, limit: { type: 'string' } }, LIST_USAGE);
    const userId = required(values.as, 'as', LIST_USAGE);
    if (!values.mailbox) {
      const mailboxes = await mailboxesOf(runtime.ctx, userId);
      process.stdout.write(`${table(mailboxes.map((m) => ({ address: m.address, kind: m.kind, name: m.displayName, rights: m.rights })))}\n`);
      return;
    }
    const limit = Number(values.limit ?? '50');
    if (!Number.isInteger(limit) || limit < 1) throw new CliError('--limit must be a positive integer', 2);
    const listing = await listFolder(runtime.ctx, { kind: 'user', userId }, { mailbox: values.mailbox, folder: values.folder ?? 'INBOX', limit });
    const rows = listing.entries.map((entry) => ({
      uid: entry.uid,
      id: entry.messageId,
      date: new Date(entry.internalDate).toISOString().slice(0, 16).replace('T', ' '),
      from: entry.sender,
      subject: (entry.subject ?? '').slice(0, 60),
      flags: entry.flags || '-',
    }));
    process.stdout.write(`${listing.mailbox} ${listing.folder}\n${table(rows)}\n`);
  },
};

const SHOW_USAGE = 'show <message id> --as <user> [--mailbox <address>] [--peek]';

export const showCommand: Command = {
  summary: 'print a message as stored (the first opening by a recipient is recorded, unless --peek; --mailbox says from which of your mailboxes)',
  usage: '<message id> --as <user> [--mailbox <address>] [--peek]',
  async run(runtime, args) {
    const { values, positionals } = parse(args, { as: { type: 'string' }, mailbox: { type: 'string' }, peek: { type: 'boolean' } }, SHOW_USAGE, true);
    const messageId = positionals[0];
    if (!messageId) throw new CliError(`a message id is needed\nusage: ${SHOW_USAGE}`, 2);
    const userId = required(values.as, 'as', SHOW_USAGE);
    // The mailbox the message is opened from: the opening is proven for that one.
    let viaMailboxId: string | undefined;
    if (values.mailbox) {
      const wanted = values.mailbox.toLowerCase();
      viaMailboxId = (await mailboxesOf(runtime.ctx, userId)).find((mailbox) => mailbox.address.toLowerCase() === wanted)?.id;
      if (!viaMailboxId) throw new CliError(`${values.mailbox} is not one of ${userId}'s mailboxes`);
    }
    const opened = await openMessage(runtime.ctx, {
      principal: { kind: 'user', userId },
      messageId,
      channel: 'cli',
      peek: values.peek ?? false,
      ...(viaMailboxId ? { viaMailboxId } : {}),
    });
    await pipeline(opened.content, process.stdout, { end: false });
  },
};
