import { randomBytes } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorCode, fsyncDir, mkdirDurable } from '../blobs/durable-fs.ts';
import { CryptoError } from './crypto-error.ts';
import { generateKeyEncryptionKey, parseKek, type KeyEncryptionKey } from './key-wrap.ts';

// A base64 key is 44 characters; anything much larger is not a key file.
const MAX_KEY_FILE_BYTES = 1024;

/**
 * Loads the KEK from `path` (one line of base64), or creates it when absent and allowed.
 * A damaged file is refused, never replaced: a new KEK would silently orphan every wrapped key.
 */
export async function loadOrCreateKek(
  path: string,
  opts: { allowGenerate: boolean },
): Promise<{ kek: KeyEncryptionKey; generated: boolean }> {
  const existing = await readKeyFile(path);
  if (existing !== undefined) return { kek: existing, generated: false };
  if (!opts.allowGenerate) {
    throw new Error(`key-encryption key file ${path} does not exist, and generating a new key is not allowed here; restore the key file or configure the key`);
  }
  const dir = dirname(path);
  await mkdirDurable(dir, 0o700);
  const kek = generateKeyEncryptionKey();
  // Written complete under a temporary name, then linked: a concurrent reader never sees a
  // half-written key, and link() (unlike rename) never replaces a key another process created.
  const temp = join(dir, `.${basename(path)}.tmp-${randomBytes(8).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(`${kek.key.toString('base64')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, path);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    const raced = await readKeyFile(path);
    if (raced === undefined) throw new Error(`key-encryption key file ${path} vanished while being created`);
    return { kek: raced, generated: false };
  } finally {
    await unlink(temp).catch(() => {});
  }
  await fsyncDir(dir);
  return { kek, generated: true };
}

async function readKeyFile(path: string): Promise<KeyEncryptionKey | undefined> {
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
    if (!info.isFile()) throw new Error(`key-encryption key file ${path} is not a regular file`);
    if ((info.mode & 0o077) !== 0) {
      throw new Error(`key-encryption key file ${path} is accessible by group or others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${path}`);
    }
    if (info.size > MAX_KEY_FILE_BYTES) throw new CryptoError(`key-encryption key file ${path} is too large to be a key`);
    const text = await handle.readFile('utf8');
    try {
      return parseKek(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CryptoError(`key-encryption key file ${path} is invalid: ${reason}`);
    }
  } finally {
    await handle.close();
  }
}
