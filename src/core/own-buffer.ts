/**
 * Buffers with an ArrayBuffer of their own. Node hands out buffers under 32 KB as slices of a
 * shared 64 KB pool: one that crosses to another thread would be copied with the whole pool
 * when cloned, and could not be moved at all.
 */

/** Whether `bytes` is the whole of its buffer (never true of a slice of the shared pool). */
function wholeBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}

/** The bytes, in a buffer of their own (the same buffer when it already is). */
export function ownBuffer(bytes: Buffer): Buffer {
  return wholeBuffer(bytes) ? bytes : Buffer.from(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
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

/**
 * Gives a buffer's memory back now, when `bytes` is the whole of a buffer of its own, rather than
 * at some later garbage collection: a thread that allocates a large buffer per item otherwise
 * grows by tens of megabytes of dead ones between collections, each new one on pages the kernel
 * must fault in, where freed at once the next takes the same warm memory back (about half the
 * CPU of reading a batch of bodies, measured). `bytes` is empty (detached) afterwards; a slice of
 * a shared buffer is left alone.
 */
export function releaseNow(bytes: Uint8Array): void {
  const buffer = bytes.buffer;
  if (buffer instanceof ArrayBuffer && !buffer.detached && wholeBuffer(bytes)) buffer.transfer(0);
}
