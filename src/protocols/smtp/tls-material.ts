import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../../config/config.ts';

export type TlsMaterial = { key: Buffer; cert: Buffer; certFile: string; generated: boolean };

/**
 * The listeners' certificate and key: from configuration (the sector PKI's in production, where
 * loadConfig refuses SMTP without them); in development, made once under dataDir/tls by Debian's openssl (RSA, as the ECDHE-RSA policy
 * needs), for the domain, localhost and 127.0.0.1.
 */
export async function loadTlsMaterial(config: Config): Promise<TlsMaterial> {
  if (config.tlsCertFile !== '' || config.tlsKeyFile !== '') {
    if (config.tlsCertFile === '' || config.tlsKeyFile === '') throw new Error('tlsCertFile and tlsKeyFile go together');
    return { key: await readFile(config.tlsKeyFile), cert: await readFile(config.tlsCertFile), certFile: config.tlsCertFile, generated: false };
  }
  const dir = path.join(config.dataDir, 'tls');
  const keyFile = path.join(dir, 'server.key');
  const certFile = path.join(dir, 'server.crt');
  let generated = false;
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '825',
      '-keyout', keyFile, '-out', certFile,
      '-subj', `/CN=${config.domain}/O=Missive development`,
      '-addext', `subjectAltName=DNS:${config.domain},DNS:localhost,IP:127.0.0.1`,
    ]);
    generated = true;
  }
  return { key: await readFile(keyFile), cert: await readFile(certFile), certFile, generated };
}
