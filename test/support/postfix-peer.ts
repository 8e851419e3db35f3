import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestCertificate } from './test-pki.ts';

const exec = promisify(execFile);

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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Debian's Postfix as another operator of the trust space, in a directory of its own (its own
 * queue, its own config, loopback ports only): it accepts mail for `domain` only over STARTTLS
 * with a client certificate from the test CA and delivers it into Maildirs; it relays its users'
 * mail for `missiveDomain` to Missive's exchange port, with its own certificate, checking
 * Missive's against the CA (level `secure`).
 */
export async function startPostfixPeer(options: { domain: string; mailboxes: string[]; cert: TestCertificate; caFile: string; missiveDomain: string; missivePort: number }): Promise<PostfixPeer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-postfix-'));
  // Postfix's own processes run as the postfix user and must reach their directories.
  chmodSync(dir, 0o755);
  const conf = path.join(dir, 'conf');
  const mail = path.join(dir, 'mail');
  for (const sub of [conf, mail, path.join(dir, 'data'), path.join(dir, 'spool'), path.join(dir, 'log')]) mkdirSync(sub, { recursive: true, mode: 0o755 });
  const [exchangePort, injectPort] = [await freePort(), await freePort()];
  const { uid, gid } = await postfixIds();
  chownSync(path.join(dir, 'data'), uid, gid);
  // The virtual delivery agent writes as this unprivileged user.
  chownSync(mail, 65534, 65534);
  writeFileSync(path.join(conf, 'vmailbox'), options.mailboxes.map((local) => `${local}@${options.domain} ${options.domain}/${local}/\n`).join(''));
  writeFileSync(path.join(conf, 'transport'), `${options.missiveDomain} smtp:[localhost]:${options.missivePort}\n`);
  writeFileSync(
    path.join(conf, 'main.cf'),
    `compatibility_level = 3.6
myhostname = mx.${options.domain}
mydomain = ${options.domain}
myorigin = $mydomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
queue_directory = ${dir}/spool
data_directory = ${dir}/data
maillog_file_prefixes = ${dir}/log
maillog_file = ${dir}/log/postfix.log
alias_maps =
alias_database =
biff = no
smtp_dns_support_level = disabled
virtual_mailbox_domains = ${options.domain}
virtual_mailbox_maps = texthash:${conf}/vmailbox
virtual_mailbox_base = ${mail}
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
transport_maps = texthash:${conf}/transport
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
smtp_tls_mandatory_ciphers = high
smtp_tls_loglevel = 1
smtpd_tls_loglevel = 1
maximal_backoff_time = 10s
minimal_backoff_time = 5s
queue_run_delay = 5s
`,
  );
  writeFileSync(
    path.join(conf, 'master.cf'),
    `127.0.0.1:${exchangePort} inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_req_ccert=yes
  -o smtpd_relay_restrictions=reject_unauth_destination
  -o mynetworks=
127.0.0.1:${injectPort} inet n - n - - smtpd
  -o smtpd_tls_security_level=none
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
virtual unix - n n - - virtual
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
`,
  );
  await exec('postfix', ['-c', conf, 'check']);
  await exec('postfix', ['-c', conf, 'start']);
  await waitForPort(exchangePort);
  return {
    domain: options.domain,
    exchangePort,
    injectPort,
    delivered(local) {
      const newDir = path.join(mail, options.domain, local, 'new');
      try {
        return readdirSync(newDir).map((file) => readFileSync(path.join(newDir, file), 'utf8'));
      } catch {
        return [];
      }
    },
    log() {
      try {
        return readFileSync(path.join(dir, 'log', 'postfix.log'), 'utf8');
      } catch {
        return '';
      }
    },
    async stop() {
      await exec('postfix', ['-c', conf, 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postfixIds(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await exec('id', ['postfix']);
  return { uid: Number(/uid=(\d+)/.exec(stdout)![1]), gid: Number(/gid=(\d+)/.exec(stdout)![1]) };
}

async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Postfix did not listen on ${port}`);
}
