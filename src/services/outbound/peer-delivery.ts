import { resolveMx } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { formatSubject, parseSubject, sameSubject, subjectOfPeer } from '../../core/trust/certificate-subject.ts';

/** What Missive presents and trusts when it connects to another operator. */
export type OutboundTls = {
  key: Buffer;
  cert: Buffer;
  anchors: Buffer;
  minVersion: 'TLSv1.2';
  maxVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers: string;
};

/** Per recipient: delivered, refused for good (5xx), or to try again later (4xx, no answer). */
export type RecipientOutcome = { address: string; result: 'delivered' | 'failed' | 'retry'; reply: string; remoteHost: string | null };

export type PeerAttempt = {
  domain: string;
  /** The certificate subject the whitelist gives for the domain; without one, the host name is checked. */
  listedSubject: string | null;
  from: string;
  to: readonly string[];
  ourName: string;
  route: { host: string; port: number } | undefined;
  tls: OutboundTls;
  message: () => Promise<Readable>;
};

/**
 * One delivery attempt to another operator: its MX hosts in order (or the configured route),
 * STARTTLS required, our certificate presented, theirs checked against the trust anchors and
 * the whitelist subject of the domain. A host that cannot be reached or refuses TLS gives way
 * to the next; an SMTP answer settles the attempt.
 */
export async function attemptPeerDelivery(attempt: PeerAttempt): Promise<RecipientOutcome[]> {
  let hosts: { host: string; port: number }[];
  try {
    hosts = attempt.route ? [attempt.route] : await mxHosts(attempt.domain);
  } catch (error) {
    return everyone(attempt, 'retry', `DNS lookup of ${attempt.domain} failed: ${describe(error)}`, null);
  }
  let lastProblem = 'no host to try';
  for (const { host, port } of hosts) {
    const outcome = await sendTo(attempt, host, port).catch((error: unknown) => ({ problem: describe(error) }));
    if (Array.isArray(outcome)) return outcome;
    lastProblem = `${host}:${port}: ${outcome.problem}`;
  }
  return everyone(attempt, 'retry', lastProblem, null);
}

async function mxHosts(domain: string): Promise<{ host: string; port: number }[]> {
  try {
    const records = await resolveMx(domain);
    if (records.length === 1 && records[0]!.exchange === '') throw new Error(`${domain} accepts no mail (null MX)`);
    return records.sort((a, b) => a.priority - b.priority).map((record) => ({ host: record.exchange, port: 25 }));
  } catch (error) {
    // No MX: the domain itself is the mail host (RFC 5321 §5.1).
    if ((error as NodeJS.ErrnoException).code === 'ENODATA') return [{ host: domain, port: 25 }];
    throw error;
  }
}

/** An SMTP answer for the recipients, or the problem that kept this host from giving one. */
async function sendTo(attempt: PeerAttempt, host: string, port: number): Promise<RecipientOutcome[] | { problem: string }> {
  const connection = new SMTPConnection({
    host,
    port,
    secure: false,
    requireTLS: true,
    name: attempt.ourName,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 5 * 60_000,
    logger: false,
    tls: {
      key: attempt.tls.key,
      cert: attempt.tls.cert,
      ca: attempt.tls.anchors,
      minVersion: attempt.tls.minVersion,
      maxVersion: attempt.tls.maxVersion,
      ciphers: attempt.tls.ciphers,
      rejectUnauthorized: true,
      servername: isIP(host) ? undefined : host,
      checkServerIdentity: (hostname: string, certificate: PeerCertificate) => checkPeer(attempt, hostname, certificate),
    },
  });
  // Errors after the answer (a QUIT that fails) change nothing.
  connection.on('error', () => undefined);
  try {
    const connected = await new Promise<Error | null>((resolve) => {
      connection.once('error', resolve);
      connection.connect((error) => resolve(error ?? null));
    });
    if (connected) return { problem: describe(connected) };
    const message = await attempt.message();
    const sent = await new Promise<{ error: SMTPConnection.SMTPError | null; info: SMTPConnection.SentMessageInfo | null }>((resolve) =>
      connection.send({ from: attempt.from, to: [...attempt.to] }, message, (error, info) => resolve({ error, info: info ?? null })),
    );
    return outcomes(attempt, host, sent.error, sent.info);
  } finally {
    connection.quit();
    setTimeout(() => connection.close(), 5_000).unref();
  }
}

function outcomes(attempt: PeerAttempt, host: string, error: SMTPConnection.SMTPError | null, info: SMTPConnection.SentMessageInfo | null): RecipientOutcome[] | { problem: string } {
  if (error) {
    const code = error.responseCode;
    // No SMTP answer (a dropped connection, a TLS failure): another host, or later.
    if (code === undefined) return { problem: describe(error) };
    const rejected = new Map((error as SMTPConnection.SMTPError & { rejectedErrors?: SMTPConnection.SMTPError[] }).rejectedErrors?.map((item) => [recipientOf(item), item]) ?? []);
    return attempt.to.map((address) => {
      const own = rejected.get(address.toLowerCase());
      const reply = oneLine(own?.response ?? error.response ?? error.message);
      const replyCode = own?.responseCode ?? code;
      return { address, result: replyCode >= 500 ? 'failed' : 'retry', reply, remoteHost: host };
    });
  }
  const refused = new Map(info!.rejectedErrors?.map((item) => [recipientOf(item), item]) ?? []);
  const accepted = new Set(info!.accepted.map((address) => address.toLowerCase()));
  return attempt.to.map((address) => {
    if (accepted.has(address.toLowerCase())) return { address, result: 'delivered', reply: oneLine(info!.response), remoteHost: host };
    const own = refused.get(address.toLowerCase());
    return { address, result: (own?.responseCode ?? 450) >= 500 ? 'failed' : 'retry', reply: oneLine(own?.response ?? 'refused'), remoteHost: host };
  });
}

/** The peer's certificate must be the one the whitelist gives for the domain (chain already verified). */
function checkPeer(attempt: PeerAttempt, hostname: string, certificate: PeerCertificate): Error | undefined {
  if (attempt.listedSubject === null) return checkServerIdentity(hostname, certificate);
  const presented = subjectOfPeer(certificate.subject as unknown as Record<string, string | string[]>);
  if (sameSubject(parseSubject(attempt.listedSubject), presented)) return undefined;
  return new Error(`the certificate of ${hostname} (${formatSubject(presented)}) is not the one the whitelist gives for ${attempt.domain}`);
}

function everyone(attempt: PeerAttempt, result: RecipientOutcome['result'], reply: string, remoteHost: string | null): RecipientOutcome[] {
  return attempt.to.map((address) => ({ address, result, reply, remoteHost }));
}

function recipientOf(error: SMTPConnection.SMTPError): string {
  return String((error as { recipient?: string }).recipient ?? '').toLowerCase();
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 500);
const describe = (error: unknown) => oneLine(error instanceof Error ? error.message : String(error));
