import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 8192;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Cryptographically secure random bytes, drawn from a pool refilled 8 KB at a time: a deposit
 * needs a dozen small draws (ids, keys, nonces, salts), and one system call each cost more than
 * the rest of their work. Each draw is a fresh copy, never shared with another.
 */
export function secureRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES / 4) return randomFillSync(Buffer.allocUnsafe(size));
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  // Bytes handed out are wiped from the pool, so no later reader of it can see them.
  pool.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
