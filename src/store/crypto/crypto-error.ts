/**
 * Raised for every failure to wrap, unwrap, encrypt or decrypt, and for malformed keys.
 * Messages name what went wrong (wrong KEK id, truncated stream, chunk n failed
 * authentication…) but never carry key material or plaintext.
 */
export class CryptoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CryptoError';
  }
}
