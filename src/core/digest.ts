import { createHash, timingSafeEqual, type Hash } from 'node:crypto';
import { secureRandomBytes } from './random.ts';

/**
 * A salted content digest: `sha256s:<salt hex>:<sha256(salt || content) hex>`. Proofs name the
 * message by it, and whoever holds the content and the proof can recompute it; but two equal
 * plaintexts get unrelated digests, so the database reveals nothing about equal contents.
 */
export type ContentDigester = { update(chunk: Uint8Array): void; digest(): string };

export function contentDigester(salt: Buffer = secureRandomBytes(16)): ContentDigester {
  const hash: Hash = createHash('sha256').update(salt);
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => `sha256s:${salt.toString('hex')}:${hash.digest('hex')}`,
  };
}

export function verifyContentDigest(digest: string, content: Uint8Array): boolean {
  const match = /^sha256s:([0-9a-f]{32}):([0-9a-f]{64})$/.exec(digest);
  if (!match) return false;
  const digester = contentDigester(Buffer.from(match[1]!, 'hex'));
  digester.update(content);
  return timingSafeEqual(Buffer.from(digester.digest()), Buffer.from(digest));
}
