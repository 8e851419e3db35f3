import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, startPostfix, waitForPort } from '../../test/support/postfix-instance.ts';

const exec = promisify(execFile);
const PACKAGES = ['postfix', 'dovecot-core', 'dovecot-lmtpd', 'dovecot-imapd'];

export type PostfixDovecot = {
  /** Queue then LMTP into Dovecot: 250 once queued, delivered later. */
  fullPort: number;
  /** Queue then hold: what Postfix does before its 250, and nothing after. */
  acceptPort: number;
  /** Messages in the three users' Maildirs. */
  deliveredFiles(): number;
  /** Empties the held queue and the Maildirs between runs. */
  reset(): Promise<void>;
  stop(): Promise<void>;
};

/** Installs the peer from Debian when missing (Postfix unconfigured: each run configures its own instance). */
export async function installPeer(): Promise<void> {
  const missing: string[] = [];
  for (const name of PACKAGES) if (!(await exec('dpkg', ['-s', name]).then(() => true, () => false))) missing.push(name);
  if (missing.length === 0) return;
  console.log(`installing ${missing.join(', ')} from Debian`);
  await exec('sh', ['-c', 'echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections']);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await exec('apt-get', ['install', '-y', '-qq', ...missing], { env, maxBuffer: 1 << 24 }).catch(async () => {
    await exec('apt-get', ['update', '-qq'], { env });
    await exec('apt-get', ['install', '-y', '-qq', ...missing], { env, maxBuffer: 1 << 24 });
  });
}

/**
 * Postfix 3.7 delivering into Dovecot 2.3 over LMTP (Maildir), both from Debian, loopback ports
 * only, in a directory of their own: the peer of the SMTP bench. Postfix keeps its defaults for
 * durability (the queue file is fsynced before 250). STARTTLS is offered with the given
 * certificate, so the load can use TLS on both sides alike.
 */
export async function startPostfixDovecot(options: { domain: string; users: string[]; certFile: string; keyFile: string }): Promise<PostfixDovecot> {
  const [fullPort, acceptPort] = [await freePort(), await freePort()];
  let dovecotConf = '';
  let mail = '';
  const settings = (dir: string) => {
    mail = path.join(dir, 'mail');
    const run = path.join(dir, 'dovecot-run');
    for (const sub of [mail, run, path.join(dir, 'dovecot-state')]) mkdirSync(sub, { recursive: true, mode: 0o755 });
    chownSync(mail, 65534, 65534);
    writeFileSync(path.join(dir, 'conf', 'users'), options.users.map((user) => `${user}:{PLAIN}unused::::::\n`).join(''));
    writeFileSync(path.join(dir, 'conf', 'vmailbox'), options.users.map((user) => `${user}@${options.domain} ok\n`).join(''));
    dovecotConf = path.join(dir, 'conf', 'dovecot.conf');
    writeFileSync(
      dovecotConf,
      `base_dir = ${run}
state_dir = ${dir}/dovecot-state
instance_name = missive-bench-dovecot
protocols = lmtp
listen = 127.0.0.1
log_path = ${dir}/log/dovecot.log
ssl = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${dir}/conf/users
}
userdb {
  driver = passwd-file
  args = username_format=%n ${dir}/conf/users
  default_fields = uid=65534 gid=65534 home=${mail}/%n
}
mail_location = maildir:~/Maildir
first_valid_uid = 100
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
protocol lmtp {
  auth_username_format = %n
}
`,
    );
    return `myhostname = mx.${options.domain}
mydomain = ${options.domain}
virtual_mailbox_domains = ${options.domain}
virtual_mailbox_maps = texthash:${dir}/conf/vmailbox
virtual_transport = lmtp:unix:${run}/lmtp
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_tls_security_level = may
smtpd_tls_cert_file = ${options.certFile}
smtpd_tls_key_file = ${options.keyFile}
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
tls_high_cipherlist = ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256
smtpd_tls_mandatory_ciphers = high
smtpd_tls_ciphers = high
tls_preempt_cipherlist = yes
`;
  };
  const listeners = `127.0.0.1:${fullPort} inet n - n - - smtpd
127.0.0.1:${acceptPort} inet n - n - - smtpd
  -o smtpd_data_restrictions=check_client_access,static:HOLD
`;
  const postfix = await startPostfix('bench-postfix', settings, listeners);
  try {
    // Dovecot forks its daemon and exits; the daemon keeps no pipe of ours open.
    await new Promise<void>((resolve, reject) =>
      spawn('dovecot', ['-c', dovecotConf], { stdio: 'ignore' }).once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dovecot exited with ${code}`)))),
    );
    await waitForPort(fullPort, 'Postfix');
    await waitForPort(acceptPort, 'Postfix');
  } catch (error) {
    await postfix.stop();
    throw error;
  }
  const maildirs = options.users.map((user) => path.join(mail, user, 'Maildir', 'new'));
  return {
    fullPort,
    acceptPort,
    deliveredFiles: () => maildirs.reduce((sum, dir) => sum + (existsSync(dir) ? readdirSync(dir).length : 0), 0),
    async reset() {
      await exec('postsuper', ['-c', postfix.conf, '-d', 'ALL']).catch(() => undefined);
      for (const user of options.users) rmSync(path.join(mail, user), { recursive: true, force: true });
    },
    async stop() {
      await exec('doveadm', ['-c', dovecotConf, 'stop']).catch(() => exec('pkill', ['-f', `dovecot -c ${dovecotConf}`]).catch(() => undefined));
      await postfix.stop();
    },
  };
}
