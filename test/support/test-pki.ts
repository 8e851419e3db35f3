import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const openssl = (args: string[]) => promisify(execFile)('openssl', args);

export type TestCertificate = { keyFile: string; certFile: string; subject: string };
export type TestCa = { dir: string; keyFile: string; certFile: string; issue(name: string, subject: OperatorSubject): Promise<TestCertificate> };

/** The whitelist's attributes of an operator's certificate. */
export type OperatorSubject = { CN: string; OU: string; O: string; ST: string; C: string };

/** The subject as the national whitelist writes it (DNCertificatOperateur). */
export function whitelistSubject(subject: OperatorSubject): string {
  return `CN=${subject.CN}, OU=${subject.OU}, O=${subject.O}, ST=${subject.ST}, C=${subject.C}`;
}

export function operatorSubject(domain: string, organisation = 'OPERATEUR TEST'): OperatorSubject {
  return { CN: `mx.${domain}`, OU: '0002 123456789', O: organisation, ST: 'Bretagne', C: 'FR' };
}

/**
 * A certificate authority for tests, standing for the sector PKI (IGC-Santé): made by Debian's
 * openssl, RSA (the MSSanté suites are ECDHE-RSA), issuing certificates for both TLS server and
 * client use, with localhost and 127.0.0.1 as names.
 */
export async function testCa(label = 'Test IGC-Sante'): Promise<TestCa> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-pki-'));
  const keyFile = path.join(dir, 'ca.key');
  const certFile = path.join(dir, 'ca.crt');
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30', '-keyout', keyFile, '-out', certFile, '-subj', `/C=FR/O=${label}/CN=${label} racine`]);
  return {
    dir,
    keyFile,
    certFile,
    async issue(name, subject) {
      const key = path.join(dir, `${name}.key`);
      const request = path.join(dir, `${name}.csr`);
      const cert = path.join(dir, `${name}.crt`);
      const extensions = path.join(dir, `${name}.ext`);
      writeFileSync(extensions, `subjectAltName=DNS:${subject.CN},DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n`);
      const subj = `/C=${subject.C}/ST=${subject.ST}/O=${subject.O}/OU=${subject.OU}/CN=${subject.CN}`;
      await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-keyout', key, '-out', request, '-subj', subj]);
      await openssl(['x509', '-req', '-in', request, '-CA', certFile, '-CAkey', keyFile, '-CAcreateserial', '-days', '30', '-sha256', '-extfile', extensions, '-out', cert]);
      return { keyFile: key, certFile: cert, subject: whitelistSubject(subject) };
    },
  };
}
