import { availableParallelism } from 'node:os';
import type { Kysely } from 'kysely';
import { releaseNow } from '../core/own-buffer.ts';
import { CryptoError, decryptBuffer, unwrapDataKey, type KeyEncryptionKey } from './crypto/envelope.ts';
import type { MessageRow } from './repositories/messages.ts';
import type { Database } from './schema.ts';
import { threadPool } from './thread-pool.ts';

/** What reading a message's content needs of its row, and what proving an opening of it needs. */
export type OpenableMessage = Pick<MessageRow, 'id' | 'purged_at' | 'wrapped_key' | 'blob_key' | 'storage' | 'message_id_header' | 'content_digest' | 'sender'>;

/** In this order: storedContentOf reads a row of them by position. */
export const OPENABLE_COLUMNS = ['id', 'purged_at', 'wrapped_key', 'blob_key', 'storage', 'message_id_header', 'content_digest', 'sender'] as const;

/** A message filed in the mailbox asked about, with its plaintext; null content: kept in the blob store, to stream from there. */
export type FiledContent = { message: OpenableMessage; content: Buffer | null };

/**
 * A batch of contents. `release` gives its memory back for the next batch: call it once nothing
 * refers to the contents any more (written, and the writes flushed); never calling it is safe.
 */
export type FiledBatch = { filed: FiledContent[]; release(): void };

/**
 * Reads and decrypts the contents of messages filed in one mailbox, many at a time (IMAP FETCH
 * of bodies). Purged messages, and those not filed there, are left out. Access rights are the
 * caller's business (services/open).
 */
export type ContentReader = {
  filedIn(mailboxId: string, messageIds: readonly string[]): Promise<FiledBatch>;
  /**
   * Gets ready to read now (SQLite: starts the reader threads), so that the first FETCH of bodies
   * does not wait while they start: each loads Node's modules and its own (0.1–0.2 s of CPU here).
   */
  prepare(): void;
  close(): Promise<void>;
};

/** A stored row's plaintext when its ciphertext is inline; it authenticates or throws. */
function openInline(kek: KeyEncryptionKey, message: OpenableMessage, ciphertext: Uint8Array): Buffer {
  const dataKey = unwrapDataKey(kek, message.wrapped_key!, message.blob_key!);
  return decryptBuffer(dataKey, message.blob_key!, ciphertext);
}

/** A message's row and its inline ciphertext (null: kept in the blob store, or missing). */
export type StoredContent = { message: OpenableMessage; ciphertext: Uint8Array | null };

/**
 * A row of OPENABLE_COLUMNS then the ciphertext, as node:sqlite returns it with arrays turned
 * on: one object of one fixed shape, where its own row objects are dictionaries (slow to read,
 * to copy and to send to another thread).
 */
export function storedContentOf(values: readonly unknown[]): StoredContent {
  // BLOBs come as Uint8Array: the key is read through a Buffer view of the same bytes.
  const wrapped = values[2] as Uint8Array | null;
  return {
    message: {
      id: values[0] as string,
      purged_at: values[1] as number | null,
      wrapped_key: wrapped && Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength),
      blob_key: values[3] as string | null,
      storage: values[4] as OpenableMessage['storage'],
      message_id_header: values[5] as string,
      content_digest: values[6] as string,
      sender: values[7] as string,
    },
    ciphertext: values[8] as Uint8Array | null,
  };
}

/**
 * Rows to contents, one at a time: inline ones decrypted (each ciphertext let go of once opened:
 * see releaseNow), blob-stored ones left for the caller to stream.
 */
export function* openRows(kek: KeyEncryptionKey, rows: Iterable<StoredContent>): Generator<FiledContent> {
  for (const { message, ciphertext } of rows) {
    if (message.purged_at !== null || !message.wrapped_key || !message.blob_key) continue;
    if (ciphertext) {
      const content = openInline(kek, message, ciphertext);
      releaseNow(ciphertext);
      yield { message, content };
    } else if (message.storage === 'blob') yield { message, content: null };
    else throw new Error(`the content of message ${message.id} is missing`);
  }
}

/** Reading and decrypting on the calling thread: PostgreSQL, whose reads already leave the thread free while they wait. */
export function inThreadContentReader(db: Kysely<Database>, kek: KeyEncryptionKey): ContentReader {
  return {
    async filedIn(mailboxId, messageIds) {
      if (messageIds.length === 0) return { filed: [], release: () => {} };
      const rows = await db
        .selectFrom('message as m')
        .leftJoin('message_content as c', 'c.message_id', 'm.id')
        .select(OPENABLE_COLUMNS.map((column) => `m.${column}` as const))
        .select('c.ciphertext')
        .where('m.id', 'in', messageIds)
        .where((eb) => eb.exists(eb.selectFrom('mailbox_entry as e').select('e.uid').whereRef('e.message_id', '=', 'm.id').where('e.mailbox_id', '=', mailboxId)))
        .execute();
      return { filed: [...openRows(kek, rows.map(({ ciphertext, ...message }) => ({ message, ciphertext })))], release: () => {} };
    },
    prepare: () => {},
    close: async () => {},
  };
}

export type ContentRequest = { id: number; mailboxId: string; messageIds: readonly string[]; buffer: ArrayBuffer | null };
/** A batch buffer is at least this large, so that a released one serves the next batches. */
export const MIN_BATCH_BUFFER_BYTES = 2 * 1024 * 1024;
const MAX_SPARE_BUFFERS = 8;
/** The plaintexts of a batch, end to end in `bytes`, each located by offset and length. */
export type ContentReply =
  | { id: number; filed: { message: OpenableMessage; content: { offset: number; length: number } | null }[]; bytes: Uint8Array }
  | { id: number; error: { message: string; crypto: boolean } };

/**
 * SQLite: reading a batch of contents (overflow pages copied out of the file) and decrypting
 * them is synchronous work that would hold the event loop while the socket it feeds sits idle.
 * Here it runs in reader threads (up to four, or as many as there are cores, each started when
 * the others are busy), each with its own read-only connection, and the plaintexts come back
 * transferred, not copied: the main thread writes one batch while the next is read.
 * Released batch buffers go back to a thread with the next request, so that steady reading
 * allocates nothing; any view the main thread still held is then emptied (detached), never
 * showing another batch's bytes.
 */
export function threadedContentReader(file: string, kek: KeyEncryptionKey, threads = Math.min(4, availableParallelism())): ContentReader {
  const pool = threadPool<ContentRequest, ContentReply>(new URL('./content-reader-thread.ts', import.meta.url), { file, kek: { id: kek.id, key: kek.key } }, threads, 'content reader');
  const spare: ArrayBuffer[] = [];
  let closed = false;

  return {
    async filedIn(mailboxId, messageIds) {
      if (messageIds.length === 0) return { filed: [], release: () => {} };
      if (closed) throw new Error('the content reader is closed');
      const buffer = spare.pop() ?? null;
      const reply = await pool.send((id) => ({ id, mailboxId, messageIds, buffer }), buffer ? [buffer] : []);
      if ('error' in reply) throw reply.error.crypto ? new CryptoError(reply.error.message) : new Error(reply.error.message);
      const { bytes } = reply;
      let released = false;
      return {
        filed: reply.filed.map(({ message, content }) => {
          // Cloned across as a Uint8Array (sent only for a blob-stored message).
          if (message.wrapped_key) message.wrapped_key = Buffer.from(message.wrapped_key);
          return { message, content: content && Buffer.from(bytes.buffer, bytes.byteOffset + content.offset, content.length) };
        }),
        release() {
          if (!released && spare.length < MAX_SPARE_BUFFERS) spare.push(bytes.buffer as ArrayBuffer);
          released = true;
        },
      };
    },
    prepare: () => pool.prestart(),
    async close() {
      closed = true;
      spare.length = 0;
      await pool.close();
    },
  };
}
