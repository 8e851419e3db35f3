import { ImapParseError } from '../codec/values.ts';
import { reportChanges } from '../refresh.ts';
import type { CommandHandler } from '../session.ts';
import { argumentCount } from './args.ts';

const ANY = ['not-authenticated', 'authenticated', 'selected'] as const;

export const CAPABILITY: CommandHandler = {
  states: ANY,
  async run(session, command) {
    argumentCount(command, 0);
    session.untagged({ atom: 'CAPABILITY' }, ...session.capabilities().map((name) => ({ atom: name })));
    session.reply(command, 'OK', 'CAPABILITY completed');
  },
};

/** NOOP (and CHECK): also the moment to report what changed in the selected folder. */
export const NOOP: CommandHandler = {
  states: ANY,
  async run(session, command) {
    argumentCount(command, 0);
    await reportChanges(session);
    session.reply(command, 'OK', `${command.name} completed`);
  },
};

export const LOGOUT: CommandHandler = {
  states: ANY,
  async run(session, command) {
    argumentCount(command, 0);
    session.untagged({ atom: 'BYE' }, { atom: 'Missive' }, { atom: 'IMAP' }, { atom: 'logging' }, { atom: 'out' });
    session.reply(command, 'OK', 'LOGOUT completed');
    session.close();
  },
};

/** RFC 2971: we say who we are; what the client says is not used for anything. */
export const ID: CommandHandler = {
  states: ANY,
  async run(session, command) {
    argumentCount(command, 1);
    session.untagged({ atom: 'ID' }, ['name', 'Missive', 'vendor', 'Missive']);
    session.reply(command, 'OK', 'ID completed');
  },
};

export const STARTTLS: CommandHandler = {
  states: ['not-authenticated'],
  async run(session, command) {
    argumentCount(command, 0);
    if (session.secure) throw new ImapParseError('TLS is already active', command.tag);
    session.reply(command, 'OK', 'Begin TLS negotiation now');
    session.startTls();
  },
};

export const NAMESPACE: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    argumentCount(command, 0);
    session.untagged({ atom: 'NAMESPACE' }, [['', '/']], null, [['Shared/', '/']]);
    session.reply(command, 'OK', 'NAMESPACE completed');
  },
};

export const ENABLE: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    // CONDSTORE, QRESYNC (which implies it) and IMAP4rev2 can be enabled; others asked for are left out.
    const asked = new Set(command.args.flatMap((value) => (value.type === 'atom' ? [value.value.toUpperCase()] : [])));
    const enabled = ['CONDSTORE', 'QRESYNC', 'IMAP4REV2'].filter((name) => asked.has(name));
    if (asked.has('CONDSTORE') || asked.has('QRESYNC')) session.condstore = true;
    if (asked.has('QRESYNC')) session.qresync = true;
    if (asked.has('IMAP4REV2')) session.rev2 = true;
    session.untagged({ atom: 'ENABLED' }, ...enabled.map((name) => ({ atom: name === 'IMAP4REV2' ? 'IMAP4rev2' : name })));
    session.reply(command, 'OK', 'ENABLE completed');
  },
};

export const UNSELECT: CommandHandler = {
  states: ['selected'],
  async run(session, command) {
    argumentCount(command, 0);
    session.selected = null;
    session.state = 'authenticated';
    session.reply(command, 'OK', 'UNSELECT completed');
  },
};

/** SUBSCRIBE / UNSUBSCRIBE: every folder one may read is listed as subscribed; nothing to keep. */
export const NOOP_SUBSCRIPTION: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(session, command) {
    argumentCount(command, 1);
    session.reply(command, 'OK', `${command.name} completed`);
  },
};
