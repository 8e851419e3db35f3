import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from '../../test/support/postfix-instance.ts';

const exec = promisify(execFile);

export type Dovecot = { port: number; masterPid(): number; stop(): Promise<void> };

/**
 * Dovecot 2.3 (Debian) with one user's Maildir holding `messages`, loopback only, plain LOGIN
 * (as Missive's development loopback allows), in a directory of its own. `tuned` adds what
 * Dovecot documents for many sessions: long-lived login processes and IMAP hibernation of idle
 * sessions. Both get process limits high enough for thousands of connections.
 */
export async function startDovecot(options: { user: string; password: string; messages: readonly Buffer[]; tuned: boolean }): Promise<Dovecot> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-bench-dovecot-'));
  const mail = path.join(dir, 'mail');
  const run = path.join(dir, 'run');
  const maildir = path.join(mail, options.user, 'Maildir');
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
  mkdirSync(run, { recursive: true });
  mkdirSync(path.join(dir, 'state'), { recursive: true });
  const base = Math.floor(Date.now() / 1000);
  options.messages.forEach((message, index) => writeFileSync(path.join(maildir, 'cur', `${base + index}.M${index}P1.bench:2,`), message));
  await exec('chown', ['-R', '65534:65534', mail]);
  chownSync(dir, 0, 0);
  // Dovecot's auth and mail processes run as other users and must reach their files.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const users = path.join(dir, 'users');
  writeFileSync(users, `${options.user}:{PLAIN}${options.password}::::::\n`);
  const conf = path.join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `base_dir = ${run}
state_dir = ${dir}/state
instance_name = missive-bench-imap-${path.basename(dir)}
protocols = imap
listen = 127.0.0.1
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${users}
}
userdb {
  driver = passwd-file
  args = username_format=%n ${users}
  default_fields = uid=65534 gid=65534 home=${mail}/%n
}
mail_location = maildir:~/Maildir
first_valid_uid = 100
default_process_limit = 3000
default_client_limit = 10000
service imap {
  process_limit = 3000
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  process_limit = 3000
${options.tuned ? '  service_count = 0\n  process_min_avail = 2\n' : ''}}
protocol imap {
  mail_max_userip_connections = 5000
}
${
  options.tuned
    ? `imap_hibernate_timeout = 5s
service imap {
  unix_listener imap-master {
    user = $default_internal_user
  }
  extra_groups = $default_internal_group
}
service imap-hibernate {
  unix_listener imap-hibernate {
    mode = 0660
    group = $default_internal_group
  }
}
`
    : ''
}`,
  );
  await new Promise<void>((resolve, reject) =>
    spawn('dovecot', ['-c', conf], { stdio: 'ignore' }).once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dovecot exited with ${code}: ${readLog(dir)}`)))),
  );
  await waitForPort(port, 'Dovecot');
  return {
    port,
    masterPid: () => Number(readFileSync(path.join(run, 'master.pid'), 'utf8').trim()),
    async stop() {
      await exec('doveadm', ['-c', conf, 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLog(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'dovecot.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}
