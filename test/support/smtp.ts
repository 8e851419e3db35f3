import path from 'node:path';
import type { TestContext } from 'node:test';
import { startSubmission } from '../../src/protocols/smtp/submission.ts';
import { loadTlsMaterial } from '../../src/protocols/smtp/tls-material.ts';
import type { TestRuntime } from './engines.ts';
import { DOMAIN } from './fixtures.ts';

export type TestSubmission = { port: number; securePort: number | null; /** The development CA a client verifies the server with. */ ca: string };

/** SMTP submission on the runtime, STARTTLS (and implicit TLS when asked) on free ports, closed after the test. */
export async function startTestSubmission(t: TestContext, rt: TestRuntime, options: { implicitTls?: boolean } = {}): Promise<TestSubmission> {
  const tls = await loadTlsMaterial(rt.config);
  const smtp = await startSubmission(rt.ctx, { host: '127.0.0.1', port: 0, securePort: options.implicitTls ? 0 : -1, domain: DOMAIN, tls, allowTls13: false });
  t.after(() => smtp.close());
  return { port: smtp.port!, securePort: smtp.securePort, ca: path.join(rt.config.dataDir, 'tls', 'ca.crt') };
}
