import { createPublicKey, type KeyObject } from 'node:crypto';
import { headSignatureValid, keyIdOf, type LoggedEvent, type TreeHead } from './log-entries.ts';
import { leafHash, verifyInclusion } from './merkle.ts';

/**
 * A receipt ("preuve de dépôt / de remise / de lecture"): a message's events, each with its
 * leaf bytes and inclusion proof, and the signed head they lead to. It is checked with the
 * operator's public key alone (`missive proof verify`), without Missive or its database.
 */
export type Receipt = {
  format: 'missive-receipt/1';
  operator: string;
  key: { algorithm: 'Ed25519'; id: string; publicKeyPem: string };
  head: { treeSize: number; rootHash: string; signedAt: number; signature: string };
  message: { id: string; messageIdHeader: string; contentDigest: string };
  events: { leafIndex: number; leaf: string; proof: string[]; event: LoggedEvent }[];
};

export type ReceiptCheck = { ok: boolean; problems: string[]; events: LoggedEvent[]; head: TreeHead | null };

/** Checks a receipt (parsed JSON of unknown shape) against the operator's public key. */
export function verifyReceipt(input: unknown, publicKey: KeyObject): ReceiptCheck {
  const problems: string[] = [];
  const fail = (text: string): ReceiptCheck => ({ ok: false, problems: [...problems, text], events: [], head: null });
  const receipt = input as Partial<Receipt> | null;
  if (!receipt || typeof receipt !== 'object' || receipt.format !== 'missive-receipt/1') return fail('not a Missive receipt (format missive-receipt/1)');
  const head = receipt.head;
  if (!head || !isCount(head.treeSize) || !isHex(head.rootHash, 32) || !Number.isSafeInteger(head.signedAt) || typeof head.signature !== 'string') return fail('the signed head is malformed');
  const signed: TreeHead = { treeSize: head.treeSize, rootHash: Buffer.from(head.rootHash, 'hex'), signedAt: head.signedAt, keyId: keyIdOf(publicKey), signature: Buffer.from(head.signature, 'base64') };
  if (receipt.key?.id !== undefined && receipt.key.id !== signed.keyId) problems.push(`the receipt names key ${String(receipt.key.id)}, the key given is ${signed.keyId}`);
  if (!headSignatureValid(signed, publicKey)) problems.push('the head is not signed by this key');
  const events: LoggedEvent[] = [];
  if (!Array.isArray(receipt.events) || receipt.events.length === 0) return fail('the receipt holds no event');
  for (const [n, item] of receipt.events.entries()) {
    if (!item || !isCount(item.leafIndex) || typeof item.leaf !== 'string' || !Array.isArray(item.proof) || !item.proof.every((p) => isHex(p, 32))) {
      problems.push(`event ${n + 1}: malformed`);
      continue;
    }
    const bytes = Buffer.from(item.leaf, 'base64');
    if (!verifyInclusion(leafHash(bytes), item.leafIndex, signed.treeSize, item.proof.map((p) => Buffer.from(p, 'hex')), signed.rootHash)) {
      problems.push(`event ${n + 1} (leaf ${item.leafIndex}): not in the signed log`);
      continue;
    }
    let logged: LoggedEvent & { v?: number };
    try {
      logged = JSON.parse(bytes.toString('utf8')) as LoggedEvent & { v?: number };
    } catch {
      problems.push(`event ${n + 1}: its leaf is not an event`);
      continue;
    }
    const { v: _version, ...facts } = logged;
    if (JSON.stringify(facts) !== JSON.stringify(item.event)) problems.push(`event ${n + 1}: the facts shown differ from the signed leaf`);
    if (receipt.message && (facts.messageId !== receipt.message.id || facts.contentDigest !== receipt.message.contentDigest)) problems.push(`event ${n + 1}: about another message`);
    events.push(facts);
  }
  return { ok: problems.length === 0, problems, events, head: signed };
}

/** The operator's public key from its PEM text (`/.well-known/missive/proof-key.pem`). */
export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey({ key: pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 public key');
  return key;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isHex = (value: unknown, bytes: number): value is string => typeof value === 'string' && value.length === bytes * 2 && /^[0-9a-f]+$/.test(value);
