import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { releaseNow } from '../core/own-buffer.ts';
import { MIN_BATCH_BUFFER_BYTES, OPENABLE_COLUMNS, openRows, type ContentReply, type ContentRequest, storedContentOf } from './content-reader.ts';
import { CryptoError } from './crypto/envelope.ts';
import { READER_MMAP_MIB } from './sqlite-adapter.ts';

/**
 * A content reader thread (see threadedContentReader): its own read-only connection, the file
 * mapped so that overflow pages are read in place, one prepared statement for any batch size.
 */
const { file, kek } = workerData as { file: string; kek: { id: string; key: Uint8Array } };
const keys = { id: kek.id, key: Buffer.from(kek.key) };
const database = new DatabaseSync(file, { readOnly: true });
database.exec('PRAGMA busy_timeout = 10000');
database.exec(`PRAGMA mmap_size = ${READER_MMAP_MIB * 1024 * 1024}`);
const filedIn = database.prepare(
  `select ${OPENABLE_COLUMNS.map((column) => `m.${column}`).join(', ')}, c.ciphertext
   from message m left join message_content c on c.message_id = m.id
   where m.id in (select value from json_each(?))
     and exists (select 1 from mailbox_entry e where e.message_id = m.id and e.mailbox_id = ?)`,
);
filedIn.setReturnArrays(true);

const port = parentPort!;
port.on('message', ({ id, mailboxId, messageIds, buffer }: ContentRequest) => {
  let reply: ContentReply;
  try {
    const rows = (filedIn.all(JSON.stringify(messageIds), mailboxId) as unknown as unknown[][]).map(storedContentOf);
    // The plaintexts travel end to end in one buffer, handed over rather than copied: one
    // transfer per batch, into a buffer the main thread gave back for reuse when it is large
    // enough. A plaintext is shorter than its ciphertext, so the ciphertexts size the room.
    const room = rows.reduce((sum, row) => sum + (row.ciphertext?.length ?? 0), 0);
    const target = buffer && buffer.byteLength >= room ? buffer : new ArrayBuffer(Math.max(room, MIN_BATCH_BUFFER_BYTES));
    const batch = new Uint8Array(target);
    let offset = 0;
    const filed: Extract<ContentReply, { filed: unknown }>['filed'] = [];
    for (const { message, content } of openRows(keys, rows)) {
      if (!content) {
        filed.push({ message, content: null });
        continue;
      }
      message.wrapped_key = null;
      filed.push({ message, content: { offset, length: content.length } });
      batch.set(content, offset);
      offset += content.length;
      // Copied: its memory serves the next message (see releaseNow). The wrapped key (cleared
      // above) is for streaming a blob-stored message; an inline one is read already.
      releaseNow(content);
    }
    const bytes = batch.subarray(0, offset);
    reply = { id, filed, bytes };
    port.postMessage(reply, [target]);
  } catch (error) {
    reply = { id, error: { message: error instanceof Error ? error.message : String(error), crypto: error instanceof CryptoError } };
    port.postMessage(reply);
  }
});
