import { Readable } from 'node:stream';
import { MissiveError } from '../core/errors.ts';
import { safeFilename } from '../core/mime/filename.ts';
import { decodedBody } from '../core/mime/part-reader.ts';
import type { ServiceContext } from './context.ts';
import type { MessageIndex, StoredPart } from './deposit/message-index.ts';
import { openAfterCheck, type ReadRequest } from './message-body.ts';

export type AttachmentDownload = {
  /** A safe name to save it under (core/mime/filename.ts), or null if the sender gave none usable. */
  filename: string | null;
  contentType: string;
  /** Decoded bytes: exactly what `content` yields, or the stream fails. */
  size: number;
  content: Readable;
};

/**
 * One attachment of a message, decoded as it streams (a 10 MB base64 file is never held whole).
 * An opening, and a recipient's first download is proven (`attachment_downloaded`). A part that
 * is not one of the message's attachments is not found, and nothing is recorded for it.
 */
export async function downloadAttachment(ctx: ServiceContext, request: ReadRequest & { part: string }): Promise<AttachmentDownload> {
  const opened = await openAfterCheck(
    ctx,
    request,
    (index) => {
      if (!attachmentPart(index, request.part)) throw new MissiveError('not_found', 'this message has no such attachment');
    },
    { attachment: true },
  );
  const found = attachmentPart(opened.index, request.part)!;
  const messageId = opened.messageId;
  const size = found.part.decodedSize;
  async function* exactly(): AsyncGenerator<Buffer> {
    let sent = 0;
    for await (const bytes of decodedBody(opened.content, found.part)) {
      sent += bytes.length;
      if (sent > size) break;
      yield bytes;
    }
    // The length was announced; a body that decodes to another length (stray bytes in base64)
    // must end as a failed download, not as a file silently cut or padded.
    if (sent !== size) {
      ctx.log.error('an attachment does not decode to its indexed size', { messageId, part: request.part });
      throw new Error('attachment length mismatch');
    }
  }
  const content = Readable.from(exactly(), { objectMode: false });
  // A download dropped before its first byte never starts the generator, whose cleanup would close the message.
  content.once('close', () => opened.content.destroy());
  return { filename: safeFilename(found.filename), contentType: found.contentType, size, content };
}

/** The attachment with this part number, if the index lists it, with its place in the message. */
function attachmentPart(index: MessageIndex, number: string): { part: StoredPart; filename: string | null; contentType: string } | null {
  const listed = (index.attachments ?? []).find((attachment) => attachment.part === number);
  if (!listed || !index.structure) return null;
  const part = partAt(index.structure, number);
  if (!part || !part.attachment) return null;
  return { part, filename: listed.filename, contentType: listed.contentType };
}

/** Numbering as the index gives it: a single-part message is part 1, else children from 1. */
function partAt(root: StoredPart, number: string): StoredPart | null {
  const leaf = root.children.length === 0 || root.contentType === 'message/rfc822';
  if (leaf) return number === '1' ? root : null;
  let part: StoredPart | undefined = root;
  for (const step of number.split('.')) {
    if (!part || part.contentType === 'message/rfc822') return null;
    part = part.children[Number(step) - 1];
  }
  return part ?? null;
}
