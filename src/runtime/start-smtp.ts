import { isLoopback, type Config } from '../config/config.ts';
import { startImap, type ImapListeners } from '../protocols/imap/imap-server.ts';
import type { Logger } from '../observability/log.ts';
import { startExchange, type ExchangeListener } from '../protocols/smtp/exchange.ts';
import { startSubmission, type SubmissionListeners } from '../protocols/smtp/submission.ts';
import { loadTlsMaterial, type TlsMaterial } from '../protocols/smtp/tls-material.ts';
import { tlsPolicy } from '../protocols/smtp/tls-policy.ts';
import type { ServiceContext } from '../services/context.ts';
import { startOutbound, type OutboundRunner } from '../services/outbound/outbound-runner.ts';
import type { OutboundTls } from '../services/outbound/peer-delivery.ts';

export type SmtpServices = { submission: SubmissionListeners | null; exchange: ExchangeListener | null; outbound: OutboundRunner | null; imap: ImapListeners | null; close(): Promise<void> };

/**
 * The mail protocols: SMTP submission for clients, the exchange listener for other operators,
 * the outbound queue runner, and IMAP, all on one certificate (the sector PKI's server certificate serves as
 * client certificate too). Nothing listens without TLS; with every port off and no certificate
 * configured, nothing runs.
 */
export async function startSmtp(config: Config, ctx: ServiceContext, log: Logger): Promise<SmtpServices> {
  const anyListener = config.smtpSubmissionPort >= 0 || config.smtpsPort >= 0 || config.smtpExchangePort >= 0 || config.imapPort >= 0 || config.imapsPort >= 0;
  if (!anyListener && config.tlsCertFile === '' && config.mode === 'production') {
    return { submission: null, exchange: null, outbound: null, imap: null, close: async () => {} };
  }
  const tls = await loadTlsMaterial(config);
  if (tls.generated) log.warn('generated a development CA and certificate for SMTP', { file: tls.certFile });
  const common = { host: config.smtpHost, domain: config.domain, tls, allowTls13: config.allowTls13, connectionsPerAddress: config.mailConnectionsPerAddress };
  const submission = config.smtpSubmissionPort >= 0 || config.smtpsPort >= 0 ? await startSubmission(ctx, { ...common, port: config.smtpSubmissionPort, securePort: config.smtpsPort }) : null;
  const exchange = config.smtpExchangePort >= 0 ? await startExchange(ctx, { ...common, port: config.smtpExchangePort }) : null;
  const outbound = startOutbound(ctx, { ourName: config.domain, tls: outboundTls(tls, config.allowTls13) });
  const imap =
    config.imapPort >= 0 || config.imapsPort >= 0
      ? await startImap(ctx, {
          ...common,
          port: config.imapPort,
          securePort: config.imapsPort,
          // Local tools on a developer's machine may log in without TLS; never elsewhere.
          plainLoginAllowed: config.mode === 'development' && isLoopback(config.smtpHost),
          maxLiteralBytes: config.maxMessageBytes,
        })
      : null;
  return {
    submission,
    exchange,
    outbound,
    imap,
    async close() {
      await Promise.all([submission?.close(), exchange?.close(), imap?.close(), outbound.stop()]);
    },
  };
}

/** What the outbound client presents and trusts: our certificate, the anchors, the same TLS policy as the listeners. */
export function outboundTls(tls: TlsMaterial, allowTls13: boolean): OutboundTls {
  const policy = tlsPolicy({ allowTls13 });
  return { key: tls.key, cert: tls.cert, anchors: tls.anchors, minVersion: 'TLSv1.2', maxVersion: allowTls13 ? 'TLSv1.3' : 'TLSv1.2', ciphers: policy.ciphers! };
}
