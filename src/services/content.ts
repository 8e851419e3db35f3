import { Readable } from 'node:stream';
import { MissiveError } from '../core/errors.ts';
import { openDecrypted } from '../store/blobs/encrypted-blobs.ts';
import { decryptStream, unwrapDataKey } from '../store/crypto/envelope.ts';
import type { OpenableMessage } from '../store/content-reader.ts';
import { inlineContent } from '../store/repositories/messages.ts';
import type { ServiceContext } from './context.ts';

/**
 * The decrypted content of a message, wherever its ciphertext lives (inline in the database or
 * in the blob store). Access checks are the caller's: only `services/open` and consistency
 * checks call this.
 */
export async function decryptedContent(ctx: ServiceContext, message: OpenableMessage): Promise<Readable> {
  if (message.purged_at !== null || !message.wrapped_key || !message.blob_key) {
    throw new MissiveError('content_purged', 'the content of this message has been deleted at the end of its retention period; its proofs remain');
  }
  const dataKey = unwrapDataKey(ctx.kek, Buffer.from(message.wrapped_key), message.blob_key);
  if (message.storage === 'blob') return openDecrypted(ctx.blobs, message.blob_key, dataKey);
  const ciphertext = await inlineContent(ctx.sql.read, message.id);
  if (!ciphertext) throw new Error(`the content of message ${message.id} is missing`);
  return Readable.from([ciphertext]).pipe(decryptStream(dataKey, message.blob_key));
}
