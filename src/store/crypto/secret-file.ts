import { randomBytes } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorCode, fsyncDir, mkdirDurable } from '../blobs/durable-fs.ts';
import { CryptoError } from './crypto-error.ts';

// Keys are short text (base64, PEM); anything much larger is not a key file.
const MAX_KEY_FILE_BYTES = 4096;

/** How to read, and if need be make, one kind of secret file. */
export type SecretKind<T> = {
  /** What the file holds, for messages: "key-encryption key", "proof signing key". */
  what: string;
  parse(text: string): T;
  /** A new secret and its file's text. */
  create(): { secret: T; text: string };
};

/**
 * Loads a secret from `path` (mode 0600, a regular file), or creates it when absent and allowed.
 * A damaged file is refused, never replaced: a new key would silently orphan what the old one
 * protected or signed.
 */
export async function loadOrCreateSecretFile<T>(path: string, kind: SecretKind<T>, opts: { allowGenerate: boolean }): Promise<{ secret: T; generated: boolean }> {
  const existing = await readKeyFile(path, kind);
  if (existing !== undefined) return { secret: existing, generated: false };
  if (!opts.allowGenerate) {
    throw new Error(`${kind.what} file ${path} does not exist, and generating a new key is not allowed here; restore the key file or configure the key`);
  }
  const dir = dirname(path);
  await mkdirDurable(dir, 0o700);
  const { secret, text } = kind.create();
  // Written complete under a temporary name, then linked: a concurrent reader never sees a
  // half-written key, and link() (unlike rename) never replaces a key another process created.
  const temp = join(dir, `.${basename(path)}.tmp-${randomBytes(8).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, path);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    const raced = await readKeyFile(path, kind);
    if (raced === undefined) throw new Error(`${kind.what} file ${path} vanished while being created`);
    return { secret: raced, generated: false };
  } finally {
    await unlink(temp).catch(() => {});
  }
  await fsyncDir(dir);
  return { secret, generated: true };
}

async function readKeyFile<T>(path: string, kind: SecretKind<T>): Promise<T | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // fstat the opened file, not the path, so the checks apply to what is actually read.
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${kind.what} file ${path} is not a regular file`);
    if ((info.mode & 0o077) !== 0) {
      throw new Error(`${kind.what} file ${path} is accessible by group or others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${path}`);
    }
    if (info.size > MAX_KEY_FILE_BYTES) throw new CryptoError(`${kind.what} file ${path} is too large to be a key`);
    const text = await handle.readFile('utf8');
    try {
      return kind.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CryptoError(`${kind.what} file ${path} is invalid: ${reason}`);
    }
  } finally {
    await handle.close();
  }
}
