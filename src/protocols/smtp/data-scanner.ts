import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { onDrainOrClose } from '../drain-or-close.ts';

const DOT_AT_LINE_START = Buffer.from('\n.', 'latin1');
const END_OF_DATA = Buffer.from('\r\n.\r\n', 'latin1');
/** Bytes held back at the end of a chunk, as the library does: a terminator may straddle two chunks. */
const HELD_BYTES = 4;

/**
 * smtp-server's command parser, with the DATA payload searched natively. The library looks at
 * every byte of a message in a JavaScript loop for a line that begins with a dot (the end of the
 * data, or a stuffed dot); `Buffer#indexOf` finds the same places with a native search. A chunk
 * with no such line, or whose first such line is the end, is handled here; any other (a stuffed
 * dot, a dot at the very start of the data) goes to the library's own code, so that its rules and
 * its guards against commands smuggled by TCP segmentation are the ones that apply.
 */
export class NativeScanStream extends SMTPStream {
  override _feedDataStream(chunk: Buffer, done: (error?: Error | null) => void): void {
    const held = this._lastBytes;
    const bytes = held && held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
    // A dot at the start of the data may be the end or an escape, each with its own rule.
    if (this._atDataStart && bytes[0] === 0x2e) return super._feedDataStream(chunk, done);
    // Where the library looks: a dot with a line feed before it, from the third byte, two bytes before the end.
    const lineFeed = bytes.indexOf(DOT_AT_LINE_START, 1);
    const dot = lineFeed + 1;
    if (lineFeed !== -1 && dot < bytes.length - 2) {
      if (!bytes.subarray(dot - 2, dot + 3).equals(END_OF_DATA)) return super._feedDataStream(chunk, done);
      this._lastBytes = false;
      // The message ends with the CRLF before the dot; what follows the terminator is commands.
      const content = bytes.subarray(0, dot);
      this._countDataBytes(content.length);
      this._endDataMode(content, bytes.subarray(dot + 3), done);
      return;
    }
    this._lastBytes = bytes.length <= HELD_BYTES ? bytes : bytes.subarray(bytes.length - HELD_BYTES);
    if (bytes.length <= HELD_BYTES) return done();
    const content = bytes.subarray(0, bytes.length - HELD_BYTES);
    this._countDataBytes(content.length);
    const stream = this._dataStream;
    if (!stream || !stream.writable || stream.write(content) || stream.destroyed) return done();
    // Back-pressure: the next chunk once the deposit has read this one (or has given up on the stream).
    onDrainOrClose(stream, () => done());
  }
}
