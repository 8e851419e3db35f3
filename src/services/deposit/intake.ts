import { randomBytes } from 'node:crypto';
import { mailboxList } from '../../core/address-list.ts';
import { contentDigester } from '../../core/digest.ts';
import { MissiveError } from '../../core/errors.ts';
import { ownConcat } from '../../core/own-buffer.ts';
import { formatRfc5322Date, headerValue, parseHeaderBlock, removeFields, type HeaderField } from '../../core/header-block.ts';
import { encryptChunks } from '../../store/crypto/envelope.ts';
import { canonicalLineEnds, splitHeader } from './canonical-stream.ts';
import { createIndexer, type MessageIndex } from './message-index.ts';
import type { OriginatorHeaders } from './originator.ts';

/** Writes the sealed frames of a message too large to keep inline to the blob store, in order; resolves once they are durable. */
export type Spill = (sealed: AsyncIterable<Uint8Array>) => Promise<unknown>;

/** What intake needs to know about the message it takes in. */
export type IntakeParams = {
  blobKey: string;
  dataKey: Buffer;
  now: number;
  maxAttachmentBytes: number;
  maxMessageBytes: number;
  /** Ciphertext up to this size is returned to be stored inline; beyond, it goes to the blob store. */
  inlineContentBytes: number;
  /** Right-hand side of a Message-ID Missive adds. */
  messageIdDomain: string;
  /** Refuse bare CR/LF and overlong lines instead of repairing them (mail between operators). */
  strictLines?: boolean;
};

export type IntakeResult = {
  /** The ciphertext, when small enough to be stored inline; null when it is in the blob store. */
  inlineContent: Buffer | null;
  size: number;
  digest: string;
  index: MessageIndex;
  messageIdHeader: string;
  /** To, Cc and Bcc as written, for a deposit whose envelope names no recipients. */
  headerRecipients: string[];
  /** From and Sender as written, for the originator check. */
  originator: OriginatorHeaders;
};

/**
 * Takes a raw message in: line ends made CRLF, the header checked, Bcc removed from the stored
 * copy, Message-ID and Date added if missing, then one pass that feeds the digest, the encrypted
 * blob and the parser together. On any failure nothing is left in the blob store.
 */
export async function intakeMessage(spill: Spill, params: IntakeParams, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<IntakeResult> {
  const canonical = canonicalLineEnds(source, { strict: params.strictLines })[Symbol.asyncIterator]();
  try {
    return await intakeCanonical(spill, params, canonical);
  } catch (error) {
    // Refused before or while streaming: the source is closed, never left paused and open.
    await canonical.return?.(undefined).catch(() => undefined);
    throw error;
  }
}

async function intakeCanonical(spill: Spill, params: IntakeParams, canonical: AsyncIterator<Buffer>): Promise<IntakeResult> {
  const { header, rest } = await splitHeader(canonical);
  const fields = parseHeaderBlock(header);
  const headerRecipients = ['to', 'cc', 'bcc'].flatMap((name) => addressesIn(headerValue(fields, name)));
  const completed = completeHeader(removeFields(header, 'bcc'), fields, params);
  const stored = await storeAndIndex(spill, params, prepend(completed.header, rest));
  const originator = { from: headerValue(fields, 'from') ?? null, sender: headerValue(fields, 'sender') ?? null };
  return { ...stored, messageIdHeader: completed.messageIdHeader, headerRecipients, originator };
}

/** Adds the Message-ID and Date a submitting client left out, as an MTA would. */
function completeHeader(header: Buffer, fields: readonly HeaderField[], params: IntakeParams): { header: Buffer; messageIdHeader: string } {
  const added: string[] = [];
  let messageIdHeader = headerValue(fields, 'message-id')?.trim();
  if (!messageIdHeader) {
    messageIdHeader = `<${randomBytes(16).toString('hex')}@${params.messageIdDomain}>`;
    added.push(`Message-ID: ${messageIdHeader}`);
  }
  if (!headerValue(fields, 'date')) added.push(`Date: ${formatRfc5322Date(new Date(params.now))}`);
  if (added.length === 0) return { header, messageIdHeader };
  return { header: Buffer.concat([Buffer.from(`${added.join('\r\n')}\r\n`, 'latin1'), header]), messageIdHeader };
}

/**
 * Streams the message once: each chunk feeds the digest and the indexer, then is sealed. Sealed
 * frames are kept in memory up to the inline threshold; past it they all go, in order, to the
 * blob store, which pulls the next chunk only once the last is written (the back-pressure). Over
 * a limit or on a parse failure the generator throws and nothing is left behind.
 */
async function storeAndIndex(
  spill: Spill,
  params: IntakeParams,
  message: AsyncIterable<Buffer>,
): Promise<{ inlineContent: Buffer | null; size: number; digest: string; index: MessageIndex }> {
  const indexer = createIndexer(params.maxAttachmentBytes);
  const digester = contentDigester();
  let size = 0;
  let index: MessageIndex | null = null;
  async function* plain(): AsyncGenerator<Buffer> {
    for await (const chunk of message) {
      size += chunk.length;
      if (size > params.maxMessageBytes) {
        throw new MissiveError('message_too_large', `the message is larger than ${params.maxMessageBytes} bytes`, { limit: params.maxMessageBytes });
      }
      digester.update(chunk);
      indexer.write(chunk);
      yield chunk;
    }
    index = indexer.end();
  }
  const sealed = encryptChunks(params.dataKey, params.blobKey, plain())[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let heldBytes = 0;
  for (;;) {
    const next = await sealed.next();
    if (next.done) {
      // A buffer of its own: it may be moved to another thread or cloned to the writer thread.
      return { inlineContent: ownConcat(held, heldBytes), size, digest: digester.digest(), index: index! };
    }
    held.push(next.value);
    heldBytes += next.value.length;
    if (heldBytes > params.inlineContentBytes) break;
  }
  async function* spilled(): AsyncGenerator<Buffer> {
    yield* held.splice(0);
    for (;;) {
      const next = await sealed.next();
      if (next.done) return;
      yield next.value;
    }
  }
  await spill(spilled());
  return { inlineContent: null, size, digest: digester.digest(), index: index! };
}

async function* prepend(first: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* rest;
}

function addressesIn(value: string | undefined): string[] {
  if (!value) return [];
  return mailboxList(value)
    .map((entry) => entry.address)
    .filter((address): address is string => typeof address === 'string' && address !== '');
}
