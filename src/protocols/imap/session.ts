import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { ServiceContext } from '../../services/context.ts';
import type { ImapFolder } from '../../services/imap/imap-folders.ts';
import { parseCommand } from './codec/command-parser.ts';
import { CommandReader, type ReaderLimits } from './codec/command-reader.ts';
import { continuation, status, untagged, type ResponseValue, type Status } from './codec/response-writer.ts';
import { ImapParseError, type ImapCommand } from './codec/values.ts';
import { COMMANDS } from './commands/index.ts';
import type { UidList } from './uid-list.ts';
import { onDrainOrClose } from '../drain-or-close.ts';

export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/**
 * The selected folder as this session knows it: sequence number n is the n-th of `uids`, and every
 * change up to `knownModseq` has been reported. Flags are not kept: they are read when asked
 * for, and changes found by MODSEQ, so an idle session holds little more than its UIDs.
 */
export type Selection = {
  folder: ImapFolder;
  readOnly: boolean;
  uids: UidList;
  knownModseq: number;
  /** The UIDs a SEARCH … RETURN (SAVE) kept, named `$` by later commands (RFC 5182). */
  saved: number[];
};

export type SessionOptions = {
  secure: boolean;
  secureContext: SecureContext;
  /** Loopback in development: LOGIN allowed without TLS, for local tools. */
  plainLoginAllowed: boolean;
  domain: string;
  limits: ReaderLimits;
};

// RFC 9051 §5.4: at least 30 minutes of inactivity once logged in; far less before.
const IDLE_AUTHENTICATED_MS = 30 * 60_000;
/** Responses buffered beyond this make a long FETCH wait for the client to read. */
const SEND_BUFFER_BYTES = 1024 * 1024;
const NO_BYTES = Buffer.alloc(0);
const IDLE_ANONYMOUS_MS = 60_000;
const MAX_FAILED_LOGINS = 3;
const MAX_COMMANDS_BEFORE_LOGIN = 20;
// Before login nothing needs more than a user name and a password.
const ANONYMOUS_LIMITS: ReaderLimits = { maxLineBytes: 8 * 1024, maxLiteralBytes: 4 * 1024, maxCommandBytes: 16 * 1024 };

/**
 * One IMAP connection: bytes through the codec into commands, run one at a time in order, each
 * by its handler in `commands/` (which checks the state it needs and calls `services/`).
 */
export class ImapSession {
  readonly ctx: ServiceContext;
  readonly options: SessionOptions;
  state: SessionState = 'not-authenticated';
  userId: string | null = null;
  selected: Selection | null = null;
  failedLogins = 0;
  /** CONDSTORE (RFC 7162) in use: MODSEQ goes with every flag change reported. */
  condstore = false;
  /** QRESYNC (RFC 7162 §3.2) enabled: expunges are reported as VANISHED. */
  qresync = false;
  /** ENABLE IMAP4rev2 (RFC 9051): ESEARCH answers, no \\Recent. */
  rev2 = false;
  #socket: Socket;
  #secure: boolean;
  #reader: CommandReader;
  #queue: Promise<void> = Promise.resolve();
  #commandsBeforeLogin = 0;
  /** A handler waiting for the client's next line itself (an AUTHENTICATE response, IDLE's DONE). */
  #lineWaiter: ((line: Buffer) => void) | null = null;
  #corked = 0;

  constructor(ctx: ServiceContext, socket: Socket, options: SessionOptions) {
    this.ctx = ctx;
    this.options = options;
    this.#socket = socket;
    this.#secure = options.secure;
    this.#reader = new CommandReader(ANONYMOUS_LIMITS);
    this.#attach(socket);
    this.write(status('*', 'OK', 'Missive IMAP ready', this.capabilities().join(' ').replace(/^/, 'CAPABILITY ')));
  }

  get secure(): boolean {
    return this.#secure;
  }

  capabilities(): string[] {
    const base = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'UIDPLUS', 'MOVE', 'CONDSTORE', 'QRESYNC', 'SPECIAL-USE', 'LIST-EXTENDED', 'LIST-STATUS', 'STATUS=SIZE', 'BINARY', 'ESEARCH', 'SEARCHRES'];
    if (this.state === 'not-authenticated') {
      if (!this.#secure) base.push('STARTTLS');
      if (this.#secure || this.options.plainLoginAllowed) base.push('AUTH=PLAIN', 'AUTH=XOAUTH2', 'AUTH=OAUTHBEARER');
      else base.push('LOGINDISABLED');
    }
    return base;
  }

  /** LOGIN and AUTHENTICATE need TLS, except on loopback in development. */
  get loginAllowed(): boolean {
    return this.#secure || this.options.plainLoginAllowed;
  }

  /** A response, or the consecutive pieces of one (a literal's bytes written without a copy). */
  write(bytes: Buffer | readonly Buffer[]): void {
    if (this.#socket.destroyed) return;
    const pieces = Buffer.isBuffer(bytes) ? [bytes] : bytes;
    for (const piece of pieces) {
      this.#socket.write(piece);
      this.#corked += piece.length;
    }
    // While a command runs its responses are corked into few writes; past 256 KB they go out.
    if (this.#corked > 256 * 1024 && this.#socket.writableCorked > 0) {
      this.#socket.uncork();
      this.#socket.cork();
      this.#corked = 0;
    }
  }

  /** Resolves once everything written so far has gone to the kernel, or the connection is gone. */
  flushed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#socket.destroyed) resolve();
      else this.#socket.write(NO_BYTES, () => resolve());
    });
  }

  /**
   * Resolves once the client has taken most of what was written, with whether it is still there:
   * a long FETCH of bodies waits here instead of buffering a mailbox's worth of responses in
   * memory, and stops when the connection is gone.
   */
  async drained(): Promise<boolean> {
    const socket = this.#socket;
    if (socket.destroyed) return false;
    if (socket.writableLength < SEND_BUFFER_BYTES) return true;
    // Corked, what is buffered would wait for an uncork that never comes while this waits.
    const corks = socket.writableCorked;
    for (let i = 0; i < corks; i++) socket.uncork();
    this.#corked = 0;
    await new Promise<void>((resolve) => onDrainOrClose(socket, resolve));
    for (let i = 0; i < corks; i++) socket.cork();
    return !socket.destroyed;
  }

  untagged(...items: ResponseValue[]): void {
    this.write(untagged(...items));
  }

  reply(command: ImapCommand, kind: Status, text: string, code?: string): void {
    this.write(status(command.tag, kind, text, code));
  }

  loggedIn(userId: string): void {
    this.userId = userId;
    this.state = 'authenticated';
    this.#reader.setLimits(this.options.limits);
    this.#socket.setTimeout(IDLE_AUTHENTICATED_MS);
  }

  /** STARTTLS: the rest of the connection over TLS; anything the client pipelined in clear is dropped. */
  startTls(): void {
    this.#socket.removeAllListeners('data');
    this.#socket.removeAllListeners('timeout');
    const tlsSocket = new TLSSocket(this.#socket, { isServer: true, secureContext: this.options.secureContext });
    this.#socket = tlsSocket;
    this.#secure = true;
    this.#reader = new CommandReader(ANONYMOUS_LIMITS);
    this.#attach(tlsSocket);
  }

  /** Sends `+ prompt` and resolves with the client's next line, CRLF removed. */
  nextLine(prompt: string): Promise<Buffer> {
    return new Promise((resolve) => {
      this.#lineWaiter = (line) => resolve(line.subarray(0, line.length - (line.subarray(-2).toString() === '\r\n' ? 2 : 1)));
      this.write(continuation(prompt));
    });
  }

  close(): void {
    this.state = 'logout';
    this.#socket.end();
  }

  #attach(socket: Socket): void {
    socket.setTimeout(this.userId ? IDLE_AUTHENTICATED_MS : IDLE_ANONYMOUS_MS);
    socket.on('timeout', () => {
      this.write(status('*', 'BYE', 'Idle for too long'));
      socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.#received(chunk));
  }

  #received(chunk: Buffer): void {
    for (const event of this.#reader.push(chunk)) {
      if (event.type === 'continue') this.#queue = this.#queue.then(() => this.write(continuation()));
      else if (event.type === 'refused') this.#queue = this.#queue.then(() => this.write(status(event.error.tag ?? '*', event.error.tag ? 'NO' : 'BAD', event.error.message, 'TOOBIG')));
      else if (event.type === 'fatal') {
        this.#queue = this.#queue.then(() => {
          this.write(status('*', 'BYE', event.error.message));
          this.#socket.destroy();
        });
      } else if (this.#lineWaiter) {
        const waiter = this.#lineWaiter;
        this.#lineWaiter = null;
        waiter(event.bytes);
      } else {
        const bytes = event.bytes;
        this.#queue = this.#queue.then(() => this.#run(bytes));
      }
    }
  }

  async #run(bytes: Buffer): Promise<void> {
    if (this.state === 'logout' || this.#socket.destroyed) return;
    let command: ImapCommand;
    try {
      command = parseCommand(bytes);
    } catch (error) {
      const parseError = error instanceof ImapParseError ? error : new ImapParseError('unreadable command');
      this.write(status(parseError.tag ?? '*', 'BAD', parseError.message));
      return this.#countAnonymous();
    }
    // Own keys only: a command name is the client's text.
    const handler = Object.hasOwn(COMMANDS, command.name) ? COMMANDS[command.name] : undefined;
    if (!handler) {
      this.reply(command, 'BAD', `unknown command ${command.name.slice(0, 30)}`);
      return this.#countAnonymous();
    }
    if (!handler.states.includes(this.state)) {
      this.reply(command, 'BAD', this.state === 'not-authenticated' ? 'log in first' : `${command.name} is not allowed now`);
      return this.#countAnonymous();
    }
    // A handler waiting for the client (a continuation) must have flushed its prompt first.
    const corks = command.name !== 'IDLE' && command.name !== 'AUTHENTICATE' && command.name !== 'STARTTLS';
    if (corks) this.#socket.cork();
    try {
      await handler.run(this, command);
    } catch (error) {
      if (error instanceof ImapParseError) this.reply(command, 'BAD', error.message);
      else {
        this.ctx.log.error('imap command failed', { command: command.name, error });
        this.reply(command, 'NO', 'Server error; try again');
      }
    } finally {
      if (corks) while (this.#socket.writableCorked > 0) this.#socket.uncork();
      this.#corked = 0;
    }
    this.#countAnonymous();
  }

  #countAnonymous(): void {
    if (this.state !== 'not-authenticated') return;
    this.#commandsBeforeLogin++;
    if (this.#commandsBeforeLogin > MAX_COMMANDS_BEFORE_LOGIN || this.failedLogins >= MAX_FAILED_LOGINS) {
      this.write(status('*', 'BYE', 'Too many commands without logging in'));
      this.#socket.destroy();
    }
  }
}

export type CommandHandler = { states: readonly SessionState[]; run(session: ImapSession, command: ImapCommand): Promise<void> };
