import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../../config/config.ts';

export type TlsMaterial = {
  key: Buffer;
  cert: Buffer;
  certFile: string;
  /** Authorities a peer operator's certificate must chain to (PEM bundle): the sector PKI root. */
  anchors: Buffer;
  generated: boolean;
};

/**
 * The certificate and key of the SMTP listeners, also presented as Missive's client certificate
 * to other operators: from configuration (the sector PKI's in production, where loadConfig
 * refuses SMTP without them). In development, a CA and a certificate it signs are made once under
 * dataDir/tls by Debian's openssl (RSA, as the ECDHE-RSA policy needs); that CA is then a trust
 * anchor besides the configured ones.
 */
export async function loadTlsMaterial(config: Config): Promise<TlsMaterial> {
  const configured = config.tlsTrustAnchorFile !== '' ? await readFile(config.tlsTrustAnchorFile) : Buffer.alloc(0);
  if (config.tlsCertFile !== '' || config.tlsKeyFile !== '') {
    if (config.tlsCertFile === '' || config.tlsKeyFile === '') throw new Error('tlsCertFile and tlsKeyFile go together');
    return { key: await readFile(config.tlsKeyFile), cert: await readFile(config.tlsCertFile), certFile: config.tlsCertFile, anchors: configured, generated: false };
  }
  const dir = path.join(config.dataDir, 'tls');
  const files = { caKey: path.join(dir, 'ca.key'), caCert: path.join(dir, 'ca.crt'), key: path.join(dir, 'server.key'), cert: path.join(dir, 'server.crt') };
  let generated = false;
  if (!Object.values(files).every((file) => existsSync(file))) {
    await makeDevelopmentCertificates(dir, files, config.domain);
    generated = true;
  }
  const anchors = Buffer.concat([await readFile(files.caCert), configured]);
  return { key: await readFile(files.key), cert: await readFile(files.cert), certFile: files.cert, anchors, generated };
}

const openssl = (args: string[]) => promisify(execFile)('openssl', args);

async function makeDevelopmentCertificates(dir: string, files: Record<'caKey' | 'caCert' | 'key' | 'cert', string>, domain: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const file of Object.values(files)) await rm(file, { force: true });
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-keyout', files.caKey, '-out', files.caCert, '-subj', `/C=FR/O=Missive development/CN=Missive development CA ${domain}`]);
  const request = path.join(dir, 'server.csr');
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-keyout', files.key, '-out', request, '-subj', developmentSubject(domain)]);
  // Both purposes: the same certificate serves the listeners and the outbound client.
  const extensions = path.join(dir, 'server.ext');
  await writeFile(extensions, `subjectAltName=DNS:${domain},DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n`);
  await openssl(['x509', '-req', '-in', request, '-CA', files.caCert, '-CAkey', files.caKey, '-CAcreateserial', '-days', '825', '-sha256', '-extfile', extensions, '-out', files.cert]);
  await rm(request, { force: true });
}

/** The subject of a development certificate, in the whitelist's attributes (CN, OU, O, ST, C). */
export function developmentSubject(domain: string): string {
  return `/C=FR/ST=Developpement/O=Missive development/OU=${domain}/CN=${domain}`;
}
