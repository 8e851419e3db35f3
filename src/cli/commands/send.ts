import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { deposit } from '../../services/deposit/deposit.ts';
import { CliError } from '../output.ts';
import type { Command } from './index.ts';
import { parse, required } from './args.ts';

const USAGE = 'send <file.eml | -> --as <user> --from <mailbox> [--to <address> …]';

/** Deposits a raw message through the one delivery path, acting as a user. */
export const sendCommand: Command = {
  summary: 'deposit an RFC 5322 message (recipients from --to, else from its To/Cc/Bcc)',
  usage: '<file.eml | -> --as <user> --from <mailbox> [--to <address> …]',
  async run(runtime, args) {
    const { values, positionals } = parse(args, { as: { type: 'string' }, from: { type: 'string' }, to: { type: 'string', multiple: true } }, USAGE, true);
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new CliError(`one message file is needed\nusage: ${USAGE}`, 2);
    if (file !== '-') await access(file).catch(() => Promise.reject(new CliError(`cannot read ${file}`)));
    const result = await deposit(runtime.ctx, {
      principal: { kind: 'user', userId: required(values.as, 'as', USAGE) },
      channel: 'cli',
      envelope: { from: required(values.from, 'from', USAGE), ...(values.to ? { to: values.to } : {}) },
      source: file === '-' ? process.stdin : createReadStream(file),
    });
    const to = result.recipients.map((recipient) => recipient.address).join(', ');
    process.stdout.write(`deposited ${result.messageId} ${result.messageIdHeader} (${result.size} bytes) to ${to}\n`);
  },
};
