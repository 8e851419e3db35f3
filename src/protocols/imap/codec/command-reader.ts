import { ImapParseError } from './values.ts';

export type ReaderLimits = {
  /** Longest line between literals, CRLF included. */
  maxLineBytes: number;
  /** Largest literal accepted (an APPENDed message). */
  maxLiteralBytes: number;
  /** Largest whole command, literals included. */
  maxCommandBytes: number;
};

/**
 * What the bytes so far amount to. `command`: one complete command, ready for parseCommand.
 * `continue`: a synchronizing literal was announced and fits; the session answers `+`.
 * `refused`: a synchronizing literal too large; the client will not send it, the session
 * answers NO/BAD to the tag and reading goes on. `fatal`: the stream cannot be followed any more
 * (a line without end, a non-synchronizing literal too large); the session says BYE and closes.
 */
export type ReaderEvent =
  | { readonly type: 'command'; readonly bytes: Buffer }
  | { readonly type: 'continue' }
  | { readonly type: 'refused'; readonly error: ImapParseError }
  | { readonly type: 'fatal'; readonly error: ImapParseError };

const LITERAL_AT_END = /(~?)\{(\d{1,12})(\+?)\}\r\n$/;

/**
 * Frames commands out of a byte stream: a command is lines up to a CRLF that does not end with a
 * literal announcement, each announced literal's bytes included. Incremental across chunks,
 * bounded by the limits; it parses nothing else (parseCommand does).
 */
export class CommandReader {
  #limits: ReaderLimits;
  #parts: Buffer[] = [];
  #commandBytes = 0;
  #pending = Buffer.alloc(0);
  /** Literal bytes still to take into the current command. */
  #literalLeft = 0;
  #closed = false;

  constructor(limits: ReaderLimits) {
    this.#limits = limits;
  }

  /** New limits from the next command on (larger once the client has logged in). */
  setLimits(limits: ReaderLimits): void {
    this.#limits = limits;
  }

  push(chunk: Buffer): ReaderEvent[] {
    if (this.#closed) return [];
    const events: ReaderEvent[] = [];
    let data = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = Buffer.alloc(0);
    while (data.length > 0 && !this.#closed) {
      if (this.#literalLeft > 0) {
        const take = Math.min(this.#literalLeft, data.length);
        this.#add(data.subarray(0, take));
        this.#literalLeft -= take;
        data = data.subarray(take);
        continue;
      }
      const lf = data.indexOf(0x0a);
      if (lf === -1) {
        if (data.length >= this.#limits.maxLineBytes) return this.#fatal(events, `a line longer than ${this.#limits.maxLineBytes} bytes`);
        this.#pending = Buffer.from(data);
        break;
      }
      const line = data.subarray(0, lf + 1);
      data = data.subarray(lf + 1);
      if (line.length > this.#limits.maxLineBytes) return this.#fatal(events, `a line longer than ${this.#limits.maxLineBytes} bytes`);
      this.#add(line);
      if (this.#commandBytes > this.#limits.maxCommandBytes) return this.#fatal(events, `a command larger than ${this.#limits.maxCommandBytes} bytes`);
      // Only the tail of the line can announce a literal.
      const announced = LITERAL_AT_END.exec(line.subarray(Math.max(0, line.length - 20)).toString('latin1'));
      if (!announced) {
        events.push({ type: 'command', bytes: this.#take() });
        continue;
      }
      const length = Number(announced[2]);
      const synchronizing = announced[3] !== '+';
      if (length > this.#limits.maxLiteralBytes || this.#commandBytes + length > this.#limits.maxCommandBytes) {
        const error = new ImapParseError(`a literal of ${length} bytes is larger than the ${this.#limits.maxLiteralBytes} accepted`, tagOf(this.#parts));
        if (!synchronizing) return this.#fatal(events, error.message);
        // The client waits for "+" before sending it: refuse, and the command is dropped whole.
        this.#take();
        events.push({ type: 'refused', error });
        continue;
      }
      this.#literalLeft = length;
      if (synchronizing) events.push({ type: 'continue' });
    }
    return events;
  }

  #add(bytes: Buffer): void {
    this.#parts.push(Buffer.from(bytes));
    this.#commandBytes += bytes.length;
  }

  #take(): Buffer {
    const bytes = Buffer.concat(this.#parts);
    this.#parts = [];
    this.#commandBytes = 0;
    return bytes;
  }

  #fatal(events: ReaderEvent[], message: string): ReaderEvent[] {
    this.#closed = true;
    events.push({ type: 'fatal', error: new ImapParseError(message, tagOf(this.#parts)) });
    return events;
  }
}

/** The tag of a command being read, for a refusal, when it can be seen. */
function tagOf(parts: readonly Buffer[]): string | null {
  const first = parts[0]?.toString('latin1') ?? '';
  const tag = /^([\x21-\x7e]{1,64}?) /.exec(first)?.[1];
  return tag && !/[(){"%*\\\]+]/.test(tag) ? tag : null;
}
