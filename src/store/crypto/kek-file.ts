import { generateKeyEncryptionKey, parseKek, type KeyEncryptionKey } from './key-wrap.ts';
import { loadOrCreateSecretFile, type SecretKind } from './secret-file.ts';

const KEK_FILE: SecretKind<KeyEncryptionKey> = {
  what: 'key-encryption key',
  parse: parseKek,
  create() {
    const kek = generateKeyEncryptionKey();
    return { secret: kek, text: `${kek.key.toString('base64')}\n` };
  },
};

/** Loads the KEK from `path` (one line of base64), or creates it when absent and allowed. */
export async function loadOrCreateKek(path: string, opts: { allowGenerate: boolean }): Promise<{ kek: KeyEncryptionKey; generated: boolean }> {
  const { secret, generated } = await loadOrCreateSecretFile(path, KEK_FILE, opts);
  return { kek: secret, generated };
}
