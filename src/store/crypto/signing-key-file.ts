import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { loadOrCreateSecretFile, type SecretKind } from './secret-file.ts';

/** The operator's Ed25519 key that signs proof-log heads; the public half is published. */
export type SigningKey = { privateKey: KeyObject; publicKey: KeyObject };

/** The key as a PKCS#8 PEM, or (one line, for a secrets manager's variable) the base64 of its DER. */
export function parseSigningKey(text: string): SigningKey {
  const trimmed = text.trim();
  const privateKey = trimmed.startsWith('-----BEGIN')
    ? createPrivateKey({ key: trimmed, format: 'pem' })
    : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

const SIGNING_KEY_FILE: SecretKind<SigningKey> = {
  what: 'proof signing key',
  parse: parseSigningKey,
  create() {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { secret: { privateKey, publicKey }, text: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string };
  },
};

/** Loads the signing key (PKCS#8 PEM, mode 0600), or creates it when absent and allowed (at init, in development). */
export async function loadOrCreateSigningKey(path: string, opts: { allowGenerate: boolean }): Promise<{ key: SigningKey; generated: boolean }> {
  const { secret, generated } = await loadOrCreateSecretFile(path, SIGNING_KEY_FILE, opts);
  return { key: secret, generated };
}
