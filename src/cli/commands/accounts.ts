import { isMailboxKind, parseRights } from '../../core/mailbox.ts';
import { addMailbox, addUser } from '../../services/accounts.ts';
import { resetTotp } from '../../services/identity/totp.ts';
import { CliError } from '../output.ts';
import type { Command } from './index.ts';
import { parse, required } from './args.ts';

const USER_USAGE = 'user add --id <id> --name <display name> [--password-stdin] [--rpps <11 digits>] [--profession <label>] [--email <usual e-mail>]';

export const userAddCommand: Command = {
  summary: 'add a person (the password, if any, is read from standard input: never from the command line)',
  usage: '--id <id> --name <name> [--password-stdin] [--rpps …] [--profession …] [--email …]',
  async run(runtime, args) {
    const { values } = parse(
      args,
      {
        id: { type: 'string' },
        name: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        rpps: { type: 'string' },
        profession: { type: 'string' },
        email: { type: 'string' },
        structure: { type: 'string' },
      },
      USER_USAGE,
    );
    const password = values['password-stdin'] ? (await readStdin()).replace(/\r?\n$/, '') : undefined;
    await addUser(runtime.ctx, {
      id: required(values.id, 'id', USER_USAGE),
      displayName: required(values.name, 'name', USER_USAGE),
      ...(password !== undefined ? { password } : {}),
      ...(values.rpps ? { rpps: values.rpps } : {}),
      ...(values.profession ? { profession: values.profession } : {}),
      ...(values.email ? { notifyEmail: values.email } : {}),
      ...(values.structure ? { structureId: values.structure } : {}),
    });
    process.stdout.write(`user ${values.id} added\n`);
  },
};

const MAILBOX_USAGE = 'mailbox add --address <address> --kind PER|ORG|APP --name <display name> --member <user>[:read,send,manage] … [--liste-rouge]';

export const mailboxAddCommand: Command = {
  summary: 'add a mailbox with its members and their rights (a PER mailbox has one holder with every right)',
  usage: '--address <a> --kind PER|ORG|APP --name <n> --member <user>[:rights] …',
  async run(runtime, args) {
    const { values } = parse(
      args,
      {
        address: { type: 'string' },
        kind: { type: 'string' },
        name: { type: 'string' },
        member: { type: 'string', multiple: true },
        'liste-rouge': { type: 'boolean' },
        structure: { type: 'string' },
      },
      MAILBOX_USAGE,
    );
    const kind = required(values.kind, 'kind', MAILBOX_USAGE).toUpperCase();
    if (!isMailboxKind(kind)) throw new CliError(`--kind must be PER, ORG or APP, got ${values.kind}`, 2);
    const members = (values.member ?? []).map((text) => {
      const [userId, rights] = text.split(':');
      try {
        return { userId: userId!, rights: parseRights(rights ?? 'read,send') };
      } catch (error) {
        throw new CliError(`--member ${text}: ${(error as Error).message}`, 2);
      }
    });
    const id = await addMailbox(runtime.ctx, {
      address: required(values.address, 'address', MAILBOX_USAGE),
      kind,
      displayName: required(values.name, 'name', MAILBOX_USAGE),
      members,
      listeRouge: values['liste-rouge'] ?? false,
      ...(values.structure ? { structureId: values.structure } : {}),
    });
    process.stdout.write(`mailbox ${values.address} (${kind}) added as ${id}\n`);
  },
};

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError('--password-stdin reads the password from standard input; pipe it in');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const userResetTotpCommand: Command = {
  summary: "forget a user's authenticator app (lost phone): the next login asks for the e-mailed code; their sessions end",
  usage: '--id <id>',
  async run(runtime, args) {
    const { values } = parse(args, { id: { type: 'string' } }, 'user reset-totp --id <id>');
    const id = required(values.id, 'id', 'user reset-totp --id <id>');
    await resetTotp(runtime.ctx, { userId: id, operator: 'cli' });
    process.stdout.write(`authenticator app of ${id} removed; their sessions ended\n`);
  },
};
