import { secureRandomBytes } from '../../core/random.ts';
import type { Readable } from 'node:stream';

/**
 * Where message bodies live (encrypted by the caller; the store sees opaque bytes).
 * Implementations: FsBlobStore (embedded, one node) and later an S3 adapter, so nothing
 * here may assume a file system.
 *
 * `put` takes ownership of `source`: it is consumed to the end on success and destroyed on failure.
 */
export interface BlobStore {
  /** Streams `source` durably to a new object under `key`; resolves only once the bytes and the name are on stable storage. Rejects with BlobExistsError if the key exists (never overwrites). Resolves with the byte count written. */
  put(key: string, source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream): Promise<{ size: number }>;
  /** The stored bytes; the stream errors with BlobNotFoundError if the key does not exist. Throws InvalidBlobKeyError at once for a malformed key. */
  get(key: string): Readable;
  /** Idempotent; resolves once the removal is durable. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** The objects stored in one hour bucket (`YYYY/MM/DD/HH`, see `bucketOf`); none if it does not exist. */
  listBucket(bucket: string): AsyncIterable<{ key: string; modifiedAt: number }>;
}

export class BlobNotFoundError extends Error {
  key: string;
  constructor(key: string) {
    super(`blob ${key} not found`);
    this.name = 'BlobNotFoundError';
    this.key = key;
  }
}

export class BlobExistsError extends Error {
  key: string;
  constructor(key: string) {
    super(`blob ${key} already exists; blobs are never overwritten`);
    this.name = 'BlobExistsError';
    this.key = key;
  }
}

export class InvalidBlobKeyError extends Error {
  constructor(key: unknown) {
    // Echo only a bounded, printable prefix: the key may come from an attacker.
    const shown = typeof key === 'string' ? JSON.stringify(key.slice(0, 80)) : typeof key;
    super(`invalid blob key ${shown}: expected YYYY/MM/DD/HH/<32 lowercase hex>`);
    this.name = 'InvalidBlobKeyError';
  }
}

/**
 * YYYY/MM/DD/HH/<32 hex>. The shape alone guarantees a key cannot escape the store's root
 * (no "..", no leading "/", no backslash, no NUL), whatever the backend.
 */
export const BLOB_KEY_PATTERN = /^[0-9]{4}\/(?:0[1-9]|1[0-2])\/(?:0[1-9]|[12][0-9]|3[01])\/(?:[01][0-9]|2[0-3])\/[0-9a-f]{32}$/;

export function isValidBlobKey(key: unknown): key is string {
  return typeof key === 'string' && BLOB_KEY_PATTERN.test(key);
}

export function assertValidBlobKey(key: unknown): asserts key is string {
  if (!isValidBlobKey(key)) throw new InvalidBlobKeyError(key);
}

/**
 * A fresh random key bucketed by UTC hour: writes of the same hour share one directory
 * (so its fsyncs coalesce) and retention can walk and drop whole buckets by age.
 * The name is random, not a content hash, so equal plaintexts are not detectable.
 */
export function newBlobKey(now: Date = new Date()): string {
  return `${bucketOf(now)}/${secureRandomBytes(16).toString('hex')}`;
}

/** The hour bucket (`YYYY/MM/DD/HH`, UTC) of keys made at that time. */
export function bucketOf(time: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const year = time.getUTCFullYear();
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`cannot make a blob key for year ${year}`);
  return `${year}/${pad(time.getUTCMonth() + 1)}/${pad(time.getUTCDate())}/${pad(time.getUTCHours())}`;
}

const BUCKET_PATTERN = /^[0-9]{4}\/(?:0[1-9]|1[0-2])\/(?:0[1-9]|[12][0-9]|3[01])\/(?:[01][0-9]|2[0-3])$/;

export function assertValidBucket(bucket: string): void {
  if (!BUCKET_PATTERN.test(bucket)) throw new InvalidBlobKeyError(bucket);
}
