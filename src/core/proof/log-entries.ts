import { createHash, sign, verify, type KeyObject } from 'node:crypto';

/** A proof event as the log records it: what its leaf is made of. */
export type LoggedEvent = {
  id: string;
  type: string;
  messageId: string;
  messageIdHeader: string;
  contentDigest: string;
  actor: string;
  recipient: string | null;
  channel: string;
  at: number;
};

/**
 * The bytes of an event's leaf: JSON with the keys always in this order, so that the log can be
 * recomputed from the events. A receipt carries these exact bytes; a verifier hashes them and
 * reads the facts from them, without having to reproduce any encoding.
 */
export function leafBytes(event: LoggedEvent): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: 1,
      id: event.id,
      type: event.type,
      messageId: event.messageId,
      messageIdHeader: event.messageIdHeader,
      contentDigest: event.contentDigest,
      actor: event.actor,
      recipient: event.recipient,
      channel: event.channel,
      at: event.at,
    }),
    'utf8',
  );
}

/** A signed tree head: the log had `treeSize` events with this root when the operator signed it. */
export type TreeHead = { treeSize: number; rootHash: Buffer; signedAt: number; keyId: string; signature: Buffer };

const HEAD_CONTEXT = 'missive-proof-head/1';

/** What is signed: a context line, then the size, root (hex) and time, each on its own line. */
export function headBytes(head: Pick<TreeHead, 'treeSize' | 'rootHash' | 'signedAt'>): Buffer {
  return Buffer.from(`${HEAD_CONTEXT}\n${head.treeSize}\n${head.rootHash.toString('hex')}\n${head.signedAt}\n`, 'utf8');
}

/** A short name for a public key: the first 16 hex digits of the SHA-256 of its SPKI encoding. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 16);
}

export function signHead(head: Pick<TreeHead, 'treeSize' | 'rootHash' | 'signedAt'>, privateKey: KeyObject, publicKey: KeyObject): TreeHead {
  return { ...head, keyId: keyIdOf(publicKey), signature: sign(null, headBytes(head), privateKey) };
}

export function headSignatureValid(head: TreeHead, publicKey: KeyObject): boolean {
  if (head.signature.length !== 64) return false;
  try {
    return verify(null, headBytes(head), publicKey, head.signature);
  } catch {
    return false;
  }
}
