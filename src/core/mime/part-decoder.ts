/**
 * Undoing a part's Content-Transfer-Encoding, chunk by chunk: a 10 MB base64 attachment is
 * decoded as it streams, never held whole. The decoded lengths agree with what the indexer
 * counted as `decodedSize` for well-formed input, so that length can be announced up front.
 */
export type TransferDecoder = {
  /** Decoded bytes for this chunk of the raw body (state carries across chunks). */
  write(chunk: Buffer): Buffer;
  /** What is still held at the end of the body. */
  end(): Buffer;
};

export function transferDecoder(encoding: string): TransferDecoder {
  if (encoding === 'base64') return base64Decoder();
  if (encoding === 'quoted-printable') return quotedPrintableDecoder();
  // 7bit, 8bit, binary, and encodings nobody implements: the bytes as they are.
  return { write: (chunk) => chunk, end: () => Buffer.alloc(0) };
}

/** Text from decoded bytes in the part's charset; an unknown charset reads as Latin-1 (windows-1252, as browsers do). */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? '').trim().replace(/^["']|["']$/g, '') || 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('latin1');
  }
  return decoder.decode(bytes);
}

// Base64 alphabet, and base64url's two characters (some senders use them): value + 1, 0 elsewhere.
const SEXTET = new Uint8Array(256);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((character, value) => {
  SEXTET[character.charCodeAt(0)] = value + 1;
});
SEXTET['-'.charCodeAt(0)] = 63;
SEXTET['_'.charCodeAt(0)] = 64;

/**
 * Everything outside the alphabet (line ends, white space, padding, stray bytes) is skipped, and
 * every four characters make three bytes; a final group of two or three makes one or two.
 */
function base64Decoder(): TransferDecoder {
  const group = new Uint8Array(4);
  let held = 0;
  return {
    write(chunk) {
      const out = Buffer.allocUnsafe(Math.floor(((held + chunk.length) * 3) / 4));
      let length = 0;
      for (let i = 0; i < chunk.length; i++) {
        const value = SEXTET[chunk[i]!]!;
        if (value === 0) continue;
        group[held++] = value - 1;
        if (held === 4) {
          out[length++] = (group[0]! << 2) | (group[1]! >> 4);
          out[length++] = ((group[1]! & 15) << 4) | (group[2]! >> 2);
          out[length++] = ((group[2]! & 3) << 6) | group[3]!;
          held = 0;
        }
      }
      return out.subarray(0, length);
    },
    end() {
      const tail: number[] = [];
      if (held >= 2) tail.push((group[0]! << 2) | (group[1]! >> 4));
      if (held === 3) tail.push(((group[1]! & 15) << 4) | (group[2]! >> 2));
      held = 0;
      return Buffer.from(tail);
    },
  };
}

const CR = 13;
const LF = 10;
const EQUALS = 61;
const SPACE = 32;
const TAB = 9;

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  if (byte >= 65 && byte <= 70) return byte - 55;
  if (byte >= 97 && byte <= 102) return byte - 87;
  return -1;
}

/**
 * RFC 2045 §6.7, leniently, as the indexer counts: "=XX" is one byte, "=" at a line end (white
 * space allowed between) is a soft break, any other "=" is literal, white space before a line end
 * is padding, a CR not followed by LF is text. Line ends decode to CRLF.
 */
function quotedPrintableDecoder(): TransferDecoder {
  // 0: text; 1: after "="; 2: after "=" and one hex digit.
  let state: 0 | 1 | 2 = 0;
  let firstHex = 0;
  /** White space not yet known to be text (it is padding if the line ends next). */
  let spaces: number[] = [];
  let heldCr = false;
  let out = Buffer.alloc(0);
  let length = 0;

  const push = (byte: number) => {
    out[length++] = byte;
  };
  const pushSpaces = () => {
    for (const space of spaces) push(space);
    spaces = [];
  };
  // Output never exceeds what is held plus the new input: "=X" and white space held, CR held.
  const reserve = (input: number) => {
    out = Buffer.allocUnsafe(input + spaces.length + 3);
    length = 0;
  };

  const lineEnd = () => {
    if (state === 2) push(EQUALS), push(firstHex);
    const soft = state === 1;
    state = 0;
    spaces = [];
    if (!soft) push(CR), push(LF);
  };

  const text = (byte: number) => {
    if (state === 1) {
      if (spaces.length === 0 && hexValue(byte) >= 0) {
        state = 2;
        firstHex = byte;
        return;
      }
      if (byte === SPACE || byte === TAB) {
        spaces.push(byte);
        return;
      }
      // Not an escape: the "=" and the white space after it are text.
      push(EQUALS);
      pushSpaces();
      state = 0;
    } else if (state === 2) {
      state = 0;
      const low = hexValue(byte);
      if (low >= 0) {
        push((hexValue(firstHex) << 4) | low);
        return;
      }
      push(EQUALS);
      push(firstHex);
    }
    if (byte === SPACE || byte === TAB) {
      spaces.push(byte);
      return;
    }
    pushSpaces();
    if (byte === EQUALS) state = 1;
    else push(byte);
  };

  return {
    write(chunk) {
      reserve(chunk.length);
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (heldCr) {
          heldCr = false;
          if (byte === LF) {
            lineEnd();
            continue;
          }
          text(CR);
        }
        if (byte === CR) heldCr = true;
        // A bare LF (never in a canonical message) ends the line all the same.
        else if (byte === LF) lineEnd();
        else text(byte);
      }
      return out.subarray(0, length);
    },
    end() {
      reserve(1);
      if (heldCr) text(CR);
      heldCr = false;
      // The body's end is a line end whose CRLF belongs to the delimiter: trailing white space and
      // a lone "=" go, "=X" stays as text.
      if (state === 2) push(EQUALS), push(firstHex);
      state = 0;
      spaces = [];
      return out.subarray(0, length);
    },
  };
}
