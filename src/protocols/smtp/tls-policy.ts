import type { SecureContextOptions } from 'node:tls';

/** The MSSanté policy: TLS 1.2 with only these four ECDHE-RSA suites; TLS 1.3 only if configured. */
export const MSSANTE_TLS12_CIPHERS = ['ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-SHA384', 'ECDHE-RSA-AES128-SHA256'] as const;

export function tlsPolicy(options: { allowTls13: boolean }): Pick<SecureContextOptions, 'minVersion' | 'maxVersion' | 'ciphers' | 'honorCipherOrder'> {
  return {
    minVersion: 'TLSv1.2',
    maxVersion: options.allowTls13 ? 'TLSv1.3' : 'TLSv1.2',
    // TLS 1.3's own suites are all AEAD and chosen by Node; the list governs TLS 1.2.
    ciphers: MSSANTE_TLS12_CIPHERS.join(':'),
    honorCipherOrder: true,
  };
}
