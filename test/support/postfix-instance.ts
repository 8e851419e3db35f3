import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

// The services every instance needs besides its listeners (Debian's master.cf, trimmed).
const SERVICES = `pickup unix n - n 60 1 pickup
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
`;

export type PostfixInstance = { dir: string; conf: string; log(): string; stop(): Promise<void> };

/**
 * A Postfix instance of Debian's package in a directory of its own (its queue, config and log),
 * on loopback only: `settings` are added to main.cf, `listeners` head master.cf. Needs root,
 * as Postfix does.
 */
export async function startPostfix(name: string, settings: (dir: string) => string, listeners: string): Promise<PostfixInstance> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `missive-${name}-`));
  // Postfix's own processes run as the postfix user and must reach their directories.
  chmodSync(dir, 0o755);
  const conf = path.join(dir, 'conf');
  for (const sub of ['conf', 'data', 'spool', 'log']) mkdirSync(path.join(dir, sub), { recursive: true, mode: 0o755 });
  const { stdout } = await exec('id', ['postfix']);
  chownSync(path.join(dir, 'data'), Number(/uid=(\d+)/.exec(stdout)![1]), Number(/gid=(\d+)/.exec(stdout)![1]));
  writeFileSync(
    path.join(conf, 'main.cf'),
    `compatibility_level = 3.6
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
${settings(dir)}`,
  );
  writeFileSync(path.join(conf, 'master.cf'), `${listeners}${SERVICES}`);
  await exec('postfix', ['-c', conf, 'check']);
  await exec('postfix', ['-c', conf, 'start']);
  const log = () => {
    try {
      return readFileSync(path.join(dir, 'log', 'postfix.log'), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    dir,
    conf,
    log,
    async stop() {
      await exec('postfix', ['-c', conf, 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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

export async function waitForPort(port: number, what: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
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
  throw new Error(`${what} did not listen on ${port}`);
}
