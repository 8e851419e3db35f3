import path from 'node:path';
import type { TestContext } from 'node:test';
import { startImap } from '../../src/protocols/imap/imap-server.ts';
import { loadTlsMaterial, type TlsMaterial } from '../../src/protocols/smtp/tls-material.ts';
import type { TestRuntime } from './engines.ts';
import { DOMAIN } from './fixtures.ts';

export type TestImap = { port: number; tls: TlsMaterial; /** The development CA a client verifies the server with. */ ca: string };

/** An IMAP server on the runtime, STARTTLS (or implicit TLS) on a free port, closed after the test. */
export async function startTestImap(t: TestContext, rt: TestRuntime, options: { implicitTls?: boolean; plainLoginAllowed?: boolean } = {}): Promise<TestImap> {
  const tls = await loadTlsMaterial(rt.config);
  const imap = await startImap(rt.ctx, {
    host: '127.0.0.1',
    port: options.implicitTls ? -1 : 0,
    securePort: options.implicitTls ? 0 : -1,
    domain: DOMAIN,
    tls,
    allowTls13: false,
    plainLoginAllowed: options.plainLoginAllowed ?? false,
    maxLiteralBytes: 1 << 20,
  });
  t.after(() => imap.close());
  return { port: (options.implicitTls ? imap.securePort : imap.port)!, tls, ca: path.join(rt.config.dataDir, 'tls', 'ca.crt') };
}
