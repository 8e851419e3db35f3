import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { secureRandomBytes } from '../../core/random.ts';
import { Transform } from 'node:stream';
import { CryptoError } from './crypto-error.ts';
import { KEY_BYTES } from './key-wrap.ts';

/*
 * Chunked AEAD stream format ("MSVB" v1), in the style of the STREAM construction
 * (Hoang, Reyhanitabar, Rogaway, Vizár 2015): AES-256-GCM over fixed-size chunks so a reader
 * can stream and still release only authenticated plaintext.
 *
 *   header (16 bytes) = "MSVB" | version=1 (1) | chunkSize uint32 BE (4) | noncePrefix (7, random)
 *   then chunks       = ciphertext(len) | tag(16), len = chunkSize for every chunk but the last,
 *                       0 < len <= chunkSize for the last (len = 0 only for an empty plaintext)
 *   nonce of chunk i  = noncePrefix | uint32 BE i | 0x01 if last else 0x00
 *   AAD of each chunk = header | context (UTF-8)
 *
 * The counter in the nonce catches reordering and duplication; the last-chunk flag catches
 * truncation at a chunk boundary and data appended after the end. The header is part of the
 * AAD because chunkSize is otherwise malleable (a one-chunk stream would still parse with a
 * larger declared size).
 */
export const MAGIC = Buffer.from('MSVB', 'ascii');
export const STREAM_VERSION = 1;
export const HEADER_BYTES = 16;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
// The decryptor buffers one chunk, so the size a header may declare is capped.
export const MAX_CHUNK_SIZE = 1024 * 1024;
export const MIN_CHUNK_SIZE = 16;
const PREFIX_BYTES = 7;
const MAX_COUNTER = 0xffffffff;

function checkDataKey(dataKey: Buffer): void {
  if (!Buffer.isBuffer(dataKey) || dataKey.length !== KEY_BYTES) throw new CryptoError(`data key must be ${KEY_BYTES} bytes`);
}

function checkChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new CryptoError(`chunk size must be an integer between ${MIN_CHUNK_SIZE} and ${MAX_CHUNK_SIZE}, got ${chunkSize}`);
  }
}

function chunkNonce(prefix: Buffer, counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(counter, PREFIX_BYTES);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/**
 * One sealed frame, from its plaintext in pieces, as pieces (ciphertext, then tag): the stream is
 * bytes, not frames, so they need no joining.
 */
function seal(key: KeyObject, prefix: Buffer, aad: Buffer, counter: number, last: boolean, plaintext: readonly Buffer[]): Buffer[] {
  const cipher = createCipheriv('aes-256-gcm', key, chunkNonce(prefix, counter, last), { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const sealed: Buffer[] = [];
  for (const piece of plaintext) {
    const ciphertext = cipher.update(piece);
    if (ciphertext.length > 0) sealed.push(ciphertext);
  }
  const rest = cipher.final();
  if (rest.length > 0) sealed.push(rest);
  sealed.push(cipher.getAuthTag());
  return sealed;
}

/** Returns the plaintext, or undefined if the chunk does not authenticate under these parameters. */
function open(key: KeyObject, prefix: Buffer, aad: Buffer, counter: number, last: boolean, frame: Buffer): Buffer | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, chunkNonce(prefix, counter, last), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(frame.subarray(frame.length - TAG_BYTES));
  // update() hands out plaintext before the tag is checked: keep it until final() succeeds.
  const plaintext = decipher.update(frame.subarray(0, frame.length - TAG_BYTES));
  try {
    decipher.final();
  } catch {
    return undefined;
  }
  return plaintext;
}

/**
 * The encrypting side, synchronous: bytes in, sealed frames out. A full chunk is held back until
 * more input arrives, because only then is it known not to be the last. Chunks pushed are read
 * when their frame is sealed, not copied: they must not change until then.
 */
export type Sealer = { push(chunk: Buffer): Buffer[]; finish(): Buffer[] };

export function createSealer(dataKey: Buffer, context: string, options: { chunkSize?: number } = {}): Sealer {
  checkDataKey(dataKey);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  checkChunkSize(chunkSize);
  const prefix = secureRandomBytes(PREFIX_BYTES);
  // A key object once per stream: a raw key would be re-imported by every cipher.
  const secretKey = createSecretKey(dataKey);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header[4] = STREAM_VERSION;
  header.writeUInt32BE(chunkSize, 5);
  prefix.copy(header, 9);
  const aad = Buffer.concat([header, Buffer.from(context, 'utf8')]);
  // The next frame's plaintext, as views of the chunks pushed rather than a copy: a frame is
  // sealed only once it is known whether it is the last, and most messages are one frame.
  let pending: Buffer[] = [];
  let filled = 0;
  let counter = 0;
  let headerSent = false;

  const sealNext = (last: boolean): Buffer[] => {
    if (counter > MAX_COUNTER) throw new CryptoError('stream too long for the chunk counter');
    const frame = seal(secretKey, prefix, aad, counter++, last, pending);
    pending = [];
    filled = 0;
    return frame;
  };
  const start = (out: Buffer[]) => {
    if (!headerSent) out.push(header);
    headerSent = true;
  };

  return {
    push(chunk) {
      const out: Buffer[] = [];
      start(out);
      let offset = 0;
      while (offset < chunk.length) {
        if (filled === chunkSize) out.push(...sealNext(false));
        const n = Math.min(chunkSize - filled, chunk.length - offset);
        pending.push(chunk.subarray(offset, offset + n));
        filled += n;
        offset += n;
      }
      return out;
    },
    finish() {
      const out: Buffer[] = [];
      start(out);
      out.push(...sealNext(true));
      return out;
    },
  };
}

export function encryptStream(dataKey: Buffer, context: string, options: { chunkSize?: number } = {}): Transform {
  const sealer = createSealer(dataKey, context, options);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        for (const frame of sealer.push(chunk)) this.push(frame);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        for (const frame of sealer.finish()) this.push(frame);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** The same format as `encryptStream`, as an async generator: no stream machinery per message. */
export async function* encryptChunks(dataKey: Buffer, context: string, source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const sealer = createSealer(dataKey, context);
  for await (const chunk of source) yield* sealer.push(chunk);
  yield* sealer.finish();
}

type StreamKeys = { key: KeyObject; prefix: Buffer; aad: Buffer; frameBytes: number };

function readHeader(key: KeyObject, header: Buffer, contextBytes: Buffer): StreamKeys {
  if (!header.subarray(0, 4).equals(MAGIC)) throw new CryptoError('not an encrypted blob (bad magic)');
  if (header[4] !== STREAM_VERSION) throw new CryptoError(`unsupported encrypted blob version ${header[4]}`);
  const chunkSize = header.readUInt32BE(5);
  checkChunkSize(chunkSize);
  return { key, prefix: Buffer.from(header.subarray(9, HEADER_BYTES)), aad: Buffer.concat([header, contextBytes]), frameBytes: chunkSize + TAG_BYTES };
}

/** One sealed frame's plaintext, or the reason it does not authenticate. */
function openFrame(keys: StreamKeys, counter: number, last: boolean, sealed: Buffer): Buffer {
  if (counter > MAX_COUNTER) throw new CryptoError('stream too long for the chunk counter');
  const plaintext = open(keys.key, keys.prefix, keys.aad, counter, last, sealed);
  if (plaintext !== undefined) return plaintext;
  // Only on failure: retry with the other flag to say *why* (the plaintext is discarded either way).
  if (open(keys.key, keys.prefix, keys.aad, counter, !last, sealed) !== undefined) {
    throw new CryptoError(last
      ? `encrypted blob is truncated: it ends after chunk ${counter}, which is not the last chunk`
      : `encrypted blob has trailing data after its last chunk ${counter}`);
  }
  throw new CryptoError(`encrypted blob chunk ${counter} failed authentication (wrong data key or context, corrupted, reordered or truncated data)`);
}

/** Why input that ends here, `filled` bytes into frame `counter`, cannot be a whole stream; null when it can. */
function endError(headerFilled: number, filled: number, counter: number): CryptoError | null {
  if (headerFilled < HEADER_BYTES) return new CryptoError(headerFilled === 0 ? 'encrypted blob is empty' : 'encrypted blob is truncated inside its header');
  if (filled >= TAG_BYTES) return null;
  return new CryptoError(filled > 0
    ? `encrypted blob is truncated inside chunk ${counter}`
    : counter === 0 ? 'encrypted blob is truncated: header without any chunk'
    : `encrypted blob is truncated: it ends after chunk ${counter - 1}, which is not the last chunk`);
}

/**
 * The decrypting side, synchronous: ciphertext in, authenticated plaintext out. A full frame is
 * held back until more input arrives, because only then is it known not to be the last.
 */
export type Opener = { push(chunk: Buffer): Buffer[]; finish(): Buffer[] };

export function createOpener(dataKey: Buffer, context: string): Opener {
  checkDataKey(dataKey);
  const secretKey = createSecretKey(dataKey);
  const contextBytes = Buffer.from(context, 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  let headerFilled = 0;
  let keys: StreamKeys | null = null;
  let frame = Buffer.alloc(0); // one encrypted chunk: at most chunkSize + TAG_BYTES
  let filled = 0;
  let counter = 0;

  const openNext = (last: boolean): Buffer => {
    const plaintext = openFrame(keys!, counter, last, frame.subarray(0, filled));
    counter++;
    return plaintext;
  };

  return {
    push(chunk) {
      const out: Buffer[] = [];
      let offset = 0;
      if (headerFilled < HEADER_BYTES) {
        const n = Math.min(HEADER_BYTES - headerFilled, chunk.length);
        chunk.copy(header, headerFilled, 0, n);
        headerFilled += n;
        offset = n;
        if (headerFilled === HEADER_BYTES) {
          keys = readHeader(secretKey, header, contextBytes);
          frame = Buffer.allocUnsafe(keys.frameBytes);
        }
      }
      while (offset < chunk.length) {
        // A full frame followed by more bytes cannot be the last one.
        if (filled === frame.length) {
          out.push(openNext(false));
          filled = 0;
        }
        const n = Math.min(frame.length - filled, chunk.length - offset);
        chunk.copy(frame, filled, offset, offset + n);
        filled += n;
        offset += n;
      }
      return out;
    },
    finish() {
      const error = endError(headerFilled, filled, counter);
      if (error) throw error;
      const last = openNext(true);
      filled = 0;
      return [last];
    },
  };
}

export function decryptStream(dataKey: Buffer, context: string): Transform {
  const opener = createOpener(dataKey, context);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        for (const plaintext of opener.push(chunk)) this.push(plaintext);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        for (const plaintext of opener.finish()) this.push(plaintext);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** A whole ciphertext at once (content already in memory): frames are opened where they lie, no copy. */
export function decryptBuffer(dataKey: Buffer, context: string, ciphertext: Uint8Array): Buffer {
  checkDataKey(dataKey);
  // node:sqlite hands BLOBs out as Uint8Array: a Buffer view over the same bytes.
  const bytes = Buffer.isBuffer(ciphertext) ? ciphertext : Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
  if (bytes.length < HEADER_BYTES) throw endError(bytes.length, 0, 0)!;
  const keys = readHeader(createSecretKey(dataKey), bytes.subarray(0, HEADER_BYTES), Buffer.from(context, 'utf8'));
  const parts: Buffer[] = [];
  let offset = HEADER_BYTES;
  let counter = 0;
  while (bytes.length - offset > keys.frameBytes) {
    parts.push(openFrame(keys, counter++, false, bytes.subarray(offset, offset + keys.frameBytes)));
    offset += keys.frameBytes;
  }
  const error = endError(HEADER_BYTES, bytes.length - offset, counter);
  if (error) throw error;
  parts.push(openFrame(keys, counter, true, bytes.subarray(offset)));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
