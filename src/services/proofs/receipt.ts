import { keyIdOf, leafBytes } from '../../core/proof/log-entries.ts';
import type { Receipt } from '../../core/proof/receipt.ts';
import type { Principal } from '../../core/principal.ts';
import { loggedEventsOf } from '../../store/repositories/proof-log.ts';
import type { ServiceContext } from '../context.ts';
import { sentMessageFor } from '../tracking.ts';
import { loggedEvent, sequenceEvents, storedInclusionProof } from './proof-log.ts';

/**
 * The receipt of a sent message for its sending side: every event recorded about it so far
 * (submitted, delivered and opened per recipient, purged…), each proven in the latest signed head.
 * Still given once retention has purged the content: proofs outlive it.
 */
export async function receiptFor(ctx: ServiceContext, principal: Principal, messageId: string): Promise<Receipt> {
  const message = await sentMessageFor(ctx, principal, messageId, { purgedToo: true });
  const head = await sequenceEvents(ctx);
  if (head === null) throw new Error('the proof log is empty although the message has events');
  const logged = (await loggedEventsOf(ctx.sql.read, message.id)).filter((row) => Number(row.leaf_index) < head.treeSize);
  const events: Receipt['events'] = [];
  for (const row of logged) {
    const event = loggedEvent(row);
    const index = Number(row.leaf_index);
    events.push({ leafIndex: index, leaf: leafBytes(event).toString('base64'), proof: (await storedInclusionProof(ctx.sql.read, index, head.treeSize)).map((hash) => hash.toString('hex')), event });
  }
  return {
    format: 'missive-receipt/1',
    // The sending mailbox is ours: its domain names the operator that signs.
    operator: message.sender.slice(message.sender.lastIndexOf('@') + 1).toLowerCase(),
    key: { algorithm: 'Ed25519', id: keyIdOf(ctx.proofKey.publicKey), publicKeyPem: publicKeyPem(ctx) },
    head: { treeSize: head.treeSize, rootHash: head.rootHash.toString('hex'), signedAt: head.signedAt, signature: head.signature.toString('base64') },
    message: { id: message.id, messageIdHeader: message.message_id_header, contentDigest: message.content_digest },
    events,
  };
}

export function publicKeyPem(ctx: Pick<ServiceContext, 'proofKey'>): string {
  return ctx.proofKey.publicKey.export({ format: 'pem', type: 'spki' }) as string;
}
