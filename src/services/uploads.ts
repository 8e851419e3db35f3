import { Readable } from 'node:stream';
import { MissiveError } from '../core/errors.ts';
import { newBlobKey } from '../store/blobs/blob-store.ts';
import { openDecrypted } from '../store/blobs/encrypted-blobs.ts';
import { encryptChunks, generateDataKey, unwrapDataKey, wrapDataKey } from '../store/crypto/envelope.ts';
import { newId } from '../store/ids.ts';
import { countUploads, deleteOwnUpload, deleteUploads, findOwnUploads, insertUpload, lockUploads, uploadsCreatedBefore, type UploadRow } from '../store/repositories/uploads.ts';
import type { ServiceContext } from './context.ts';
import { uploadsNamedByDrafts } from './drafts.ts';

export type UploadedFile = { id: string; filename: string; contentType: string; size: number };

export type UploadRequest = {
  /** As the client named it; cleaned here. */
  filename: string;
  /** The request's Content-Type, as sent (or absent). */
  contentType: string | undefined;
  /** The request's Content-Length, when it declared one. */
  declaredLength: number | undefined;
  body: AsyncIterable<Uint8Array>;
};

const HOUR = 60 * 60 * 1000;
/** An upload no draft names this long after it arrived was abandoned with the message it was for. */
export const STALE_UPLOAD_AFTER_MS = 24 * HOUR;
// A bound on files waiting for a message: abandoned ones go after a day anyway.
export const MAX_PENDING_UPLOADS = 100;
const SWEEP_BATCH = 200;

/**
 * A file attached ahead of sending: streamed into its own encrypted blob (own data key, wrapped by
 * the KEK with the blob key as context), counted on the way. Past the attachment limit the
 * stream stops, the partial blob goes and nothing is recorded. Resolves once blob and row are durable.
 */
export async function receiveUpload(ctx: ServiceContext, userId: string, request: UploadRequest): Promise<UploadedFile> {
  const filename = cleanFilename(request.filename);
  const limit = ctx.limits.maxAttachmentBytes;
  if (request.declaredLength !== undefined && request.declaredLength > limit) throw tooLarge(filename, limit);
  if ((await countUploads(ctx.sql.read, userId)) >= MAX_PENDING_UPLOADS) {
    throw new MissiveError('conflict', `you already have ${MAX_PENDING_UPLOADS} attachments waiting: send or remove some first`);
  }
  const contentType = cleanContentType(request.contentType);
  const now = ctx.clock();
  const blobKey = newBlobKey(new Date(now));
  const dataKey = generateDataKey();
  let size = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of request.body) {
      size += chunk.byteLength;
      if (size > limit) throw tooLarge(filename, limit);
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  }
  const id = newId('upl');
  try {
    await ctx.blobs.put(blobKey, encryptChunks(dataKey, blobKey, counted()));
    await ctx.sql.write((trx) =>
      insertUpload(trx, {
        id,
        user_id: userId,
        filename,
        content_type: contentType,
        size,
        blob_key: blobKey,
        wrapped_key: wrapDataKey(ctx.kek, dataKey, blobKey),
        kek_id: ctx.kek.id,
        created_at: now,
      }),
    );
  } catch (error) {
    // No row names this blob: whatever of it reached the store is removed (the store already
    // drops a put that failed; this also covers a row insert that failed after it).
    await ctx.blobs.delete(blobKey).catch((cleanup: unknown) => ctx.log.error('could not remove the blob of a refused upload', { blob: blobKey, error: cleanup }));
    throw error;
  }
  return { id, filename, contentType, size };
}

export async function removeUpload(ctx: ServiceContext, userId: string, uploadId: string): Promise<void> {
  const blobKey = await ctx.sql.write((trx) => deleteOwnUpload(trx, userId, uploadId));
  if (blobKey === undefined) throw new MissiveError('not_found', 'no such attachment among your uploads');
  await dropBlobs(ctx, [blobKey]);
}

/** The user's uploads with these ids, in the order given; another user's id is "not found". */
export async function ownUploads(ctx: ServiceContext, userId: string, ids: readonly string[]): Promise<UploadRow[]> {
  const rows = await findOwnUploads(ctx.sql.read, userId, ids);
  return ids.map((id) => {
    const row = rows.find((candidate) => candidate.id === id);
    if (!row) throw new MissiveError('not_found', 'no such attachment among your uploads');
    return row;
  });
}

/** The decrypted content of an upload; each chunk is authenticated before it is released. */
export function uploadContent(ctx: ServiceContext, upload: UploadRow): Readable {
  const dataKey = unwrapDataKey(ctx.kek, Buffer.from(upload.wrapped_key), upload.blob_key);
  return openDecrypted(ctx.blobs, upload.blob_key, dataKey);
}

/** Uploads whose content now lives in a sent message: rows first, then blobs. */
export async function discardUploads(ctx: ServiceContext, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const blobKeys = await ctx.sql.write((trx) => deleteUploads(trx, ids));
  await dropBlobs(ctx, blobKeys);
}

/**
 * Removes uploads older than a day that no draft names, then their blobs. Drafts are sealed, so
 * the references are read by opening the drafts of the uploads' owners, inside the transaction
 * that deletes, after locking the candidate rows (a draft being saved locks the uploads it names
 * the same way). Returns how many uploads went.
 */
export async function sweepStaleUploads(ctx: ServiceContext): Promise<number> {
  const before = ctx.clock() - STALE_UPLOAD_AFTER_MS;
  let removed = 0;
  let afterId = '';
  for (;;) {
    const candidates = await uploadsCreatedBefore(ctx.sql.read, before, afterId, SWEEP_BATCH);
    if (candidates.length === 0) break;
    afterId = candidates[candidates.length - 1]!.id;
    const blobKeys = await ctx.sql.write(async (trx) => {
      const present = new Set(await lockUploads(trx, candidates.map((candidate) => candidate.id)));
      const owners = [...new Set(candidates.map((candidate) => candidate.user_id))];
      const { named, unknown } = await uploadsNamedByDrafts(ctx, trx, owners);
      const doomed = candidates.filter((candidate) => present.has(candidate.id) && !named.has(candidate.id) && !unknown.has(candidate.user_id));
      return deleteUploads(trx, doomed.map((candidate) => candidate.id));
    });
    await dropBlobs(ctx, blobKeys);
    removed += blobKeys.length;
  }
  if (removed > 0) ctx.log.info('removed abandoned uploads', { removed });
  return removed;
}

/** Blobs no row names any more. One that cannot be removed now is left to the orphan-blob sweep. */
async function dropBlobs(ctx: ServiceContext, blobKeys: readonly string[]): Promise<void> {
  for (const blobKey of blobKeys) {
    await ctx.blobs.delete(blobKey).catch((error: unknown) => ctx.log.error('could not remove the blob of an upload', { blob: blobKey, error }));
  }
}

function tooLarge(filename: string, limit: number): MissiveError {
  return new MissiveError('attachment_too_large', `« ${filename} » dépasse la taille maximale de ${megabytes(limit)} Mo par pièce jointe.`, { limit });
}

/** 10,485,760 → "10"; a limit configured off the mebibyte → one decimal, French style. */
function megabytes(bytes: number): string {
  const value = Math.round((bytes / (1024 * 1024)) * 10) / 10;
  return String(value).replace('.', ',');
}

const CONTROL_OR_BIDI = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const MAX_FILENAME_CHARS = 255;

/**
 * A file name as it may appear in a message and a download: control and bidirectional-override
 * characters removed, any directory part dropped (a browser may send a whole path), trimmed.
 */
export function cleanFilename(raw: string): string {
  const withoutControls = raw.normalize('NFC').replace(CONTROL_OR_BIDI, '');
  const name = withoutControls.slice(Math.max(withoutControls.lastIndexOf('/'), withoutControls.lastIndexOf('\\')) + 1).trim();
  const length = [...name].length;
  if (length === 0 || name === '.' || name === '..') throw new MissiveError('invalid_argument', 'the file needs a name');
  if (length > MAX_FILENAME_CHARS) throw new MissiveError('invalid_argument', `a file name may not be longer than ${MAX_FILENAME_CHARS} characters`);
  return name;
}

// RFC 6838 restricted names, parameters dropped.
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * The type the client declared when it is a well-formed leaf type. Composite types (multipart,
 * message) are not kept: an attachment is always a leaf part sent in base64.
 */
export function cleanContentType(raw: string | undefined): string {
  const type = (raw ?? '').split(';')[0]!.trim().toLowerCase();
  if (!MEDIA_TYPE.test(type) || type.startsWith('multipart/') || type.startsWith('message/')) return 'application/octet-stream';
  return type;
}
