import { chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, startPostfix, waitForPort } from './postfix-instance.ts';
import type { TestCertificate } from './test-pki.ts';

export type PostfixPeer = {
  domain: string;
  /** Requires STARTTLS and a client certificate from the CA: the peer port Missive delivers to. */
  exchangePort: number;
  /** Plain loopback injection, standing for the peer's own users submitting mail. */
  injectPort: number;
  /** The messages delivered into a mailbox's Maildir. */
  delivered(local: string): string[];
  log(): string;
  stop(): Promise<void>;
};

/**
 * Debian's Postfix as another operator of the trust space: it accepts mail for `domain` only
 * over STARTTLS with a client certificate from the CA and delivers it into Maildirs; it relays
 * its users' mail for `missiveDomain` to Missive's exchange port with its own certificate,
 * checking Missive's against the CA (level `secure`).
 */
export async function startPostfixPeer(options: { domain: string; mailboxes: string[]; cert: TestCertificate; caFile: string; missiveDomain: string; missivePort: number }): Promise<PostfixPeer> {
  const [exchangePort, injectPort] = [await freePort(), await freePort()];
  const settings = (dir: string) => {
    const mail = path.join(dir, 'mail');
    mkdirSync(mail, { mode: 0o755 });
    // The virtual delivery agent writes as this unprivileged user.
    chownSync(mail, 65534, 65534);
    writeFileSync(path.join(dir, 'conf', 'vmailbox'), options.mailboxes.map((local) => `${local}@${options.domain} ${options.domain}/${local}/\n`).join(''));
    writeFileSync(path.join(dir, 'conf', 'transport'), `${options.missiveDomain} smtp:[localhost]:${options.missivePort}\n`);
    return `myhostname = mx.${options.domain}
mydomain = ${options.domain}
myorigin = $mydomain
virtual_mailbox_domains = ${options.domain}
virtual_mailbox_maps = texthash:${dir}/conf/vmailbox
virtual_mailbox_base = ${mail}
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
transport_maps = texthash:${dir}/conf/transport
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_tls_cert_file = ${options.cert.certFile}
smtpd_tls_key_file = ${options.cert.keyFile}
smtpd_tls_CAfile = ${options.caFile}
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_protocols = >=TLSv1.2
smtp_tls_cert_file = ${options.cert.certFile}
smtp_tls_key_file = ${options.cert.keyFile}
smtp_tls_CAfile = ${options.caFile}
smtp_tls_security_level = secure
smtp_tls_secure_cert_match = nexthop
smtp_tls_mandatory_protocols = >=TLSv1.2
smtp_tls_loglevel = 1
smtpd_tls_loglevel = 1
maximal_backoff_time = 10s
minimal_backoff_time = 5s
queue_run_delay = 5s
`;
  };
  const listeners = `127.0.0.1:${exchangePort} inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_req_ccert=yes
  -o smtpd_relay_restrictions=reject_unauth_destination
  -o mynetworks=
127.0.0.1:${injectPort} inet n - n - - smtpd
  -o smtpd_tls_security_level=none
`;
  const postfix = await startPostfix('postfix-peer', settings, listeners);
  await waitForPort(exchangePort, 'Postfix');
  return {
    domain: options.domain,
    exchangePort,
    injectPort,
    delivered(local) {
      const newDir = path.join(postfix.dir, 'mail', options.domain, local, 'new');
      try {
        return readdirSync(newDir).map((file) => readFileSync(path.join(newDir, file), 'utf8'));
      } catch {
        return [];
      }
    },
    log: postfix.log,
    stop: postfix.stop,
  };
}
