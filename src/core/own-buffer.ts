/**
 * Buffers with an ArrayBuffer of their own. Node hands out buffers under 32 KB as slices of a
 * shared 64 KB pool: one that crosses to another thread would be copied with the whole pool
 * when cloned, and could not be moved at all.
 */

/** The bytes, in a buffer of their own (the same buffer when it already is). */
export function ownBuffer(bytes: Buffer): Buffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Buffer.from(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** `bytes` bytes of pieces end to end, in a buffer of their own (where Buffer.concat would use the pool). */
export function ownConcat(pieces: readonly Uint8Array[], bytes: number): Buffer {
  const whole = Buffer.allocUnsafeSlow(bytes);
  let at = 0;
  for (const piece of pieces) {
    whole.set(piece, at);
    at += piece.length;
  }
  return whole;
}
