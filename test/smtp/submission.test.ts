import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { engineTest } from '../support/engines.ts';
import { startTestSubmission } from '../support/smtp.ts';
import { countRows, DOMAIN, seedSmallOperator } from '../support/fixtures.ts';

const exec = promisify(execFile);

/** Python's smtplib, a real client: STARTTLS on one port, TLS from the start on the other, checking our certificate. */
const PYTHON_CLIENT = String.raw`
import json, smtplib, ssl, sys
a = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=a["ca"])
out = {}
s = smtplib.SMTP("127.0.0.1", a["port"], timeout=20)
s.ehlo()
out["authBeforeTls"] = s.has_extn("auth")
out["plainAuthBeforeTls"] = s.docmd("AUTH", "PLAIN AGVtYXJ0aW4AeA==")[0]
s.starttls(context=ctx)
s.ehlo()
out["features"] = sorted(k for k in s.esmtp_features)
out["tls"] = s.sock.version() + " " + s.sock.cipher()[0]
try:
    s.login(a["user"], "wrong-wrong-wrong-wrong")
except smtplib.SMTPAuthenticationError as e:
    out["wrongPassword"] = e.smtp_code
s.login(a["user"], a["password"])
code, text = s.mail(a["foreign"])
out["foreignSender"] = [code, text.decode()]
s.rset()
refused = s.sendmail(a["sender"], [a["rcpt"]], a["message"].encode())
out["refused"] = refused
s.quit()
with smtplib.SMTP_SSL("127.0.0.1", a["securePort"], context=ctx, timeout=20) as t:
    t.login(a["user"], a["password"])
    t.sendmail(a["sender"], [a["rcpt"]], a["message"].replace("Subject: ", "Subject: (465) ").encode())
print(json.dumps(out))
`;

engineTest('SMTP submission: Python smtplib over STARTTLS and implicit TLS with an application password; AUTH only after TLS; the MSSanté suites; wrong password 535; a mailbox not mine 550; swaks too', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { secret } = await createAppPassword(rt.ctx, 'emartin', 'smtplib');
  const smtp = await startTestSubmission(t, rt, { implicitTls: true });
  const before = await countRows(rt.ctx, 'message');
  const message = ['From: Eloise Martin <emartin@demo.mssante.test>', 'To: sbernard@demo.mssante.test', 'Subject: Compte rendu par SMTP', 'Message-ID: <smtplib-1@demo.mssante.test>', '', 'Bonjour,', 'le compte rendu suit.', ''].join('\r\n');
  const args = { ca: smtp.ca, port: smtp.port, securePort: smtp.securePort, user: 'emartin', password: secret, sender: `emartin@${DOMAIN}`, foreign: `khaddad@${DOMAIN}`, rcpt: `sbernard@${DOMAIN}`, message };
  const { stdout } = await exec('python3', ['-c', PYTHON_CLIENT, JSON.stringify(args)]);
  const out = JSON.parse(stdout) as { authBeforeTls: boolean; plainAuthBeforeTls: number; features: string[]; tls: string; wrongPassword: number; foreignSender: [number, string]; refused: object };
  assert.equal(out.authBeforeTls, false, 'AUTH is not offered before STARTTLS');
  // Sent anyway before TLS, AUTH is an unknown command there.
  assert.equal(out.plainAuthBeforeTls, 500);
  for (const feature of ['auth', 'size', '8bitmime', 'pipelining', 'enhancedstatuscodes', 'dsn']) assert.ok(out.features.includes(feature), `${feature} advertised`);
  assert.match(out.tls, /^TLSv1\.2 ECDHE-RSA-AES(128|256)-(GCM-)?SHA(256|384)$/);
  assert.equal(out.wrongPassword, 535);
  assert.equal(out.foreignSender[0], 550);
  assert.match(out.foreignSender[1], /^5\.\d\.\d user:emartin may not send from khaddad@demo\.mssante\.test$/);
  assert.deepEqual(out.refused, {});
  assert.equal(await countRows(rt.ctx, 'message'), before + 2);
  const subjects = (await rt.ctx.sql.read.selectFrom('message').select('subject').execute()).map((row) => row.subject).sort();
  assert.deepEqual(subjects, ['(465) Compte rendu par SMTP', 'Compte rendu par SMTP']);

  // swaks, another real client: the message lands, the reply says where it is stored.
  const swaks = await exec('swaks', ['--server', `127.0.0.1:${smtp.port}`, '--tls', '--auth', 'PLAIN', '--auth-user', 'emartin', '--auth-password', secret, '--from', `emartin@${DOMAIN}`, '--to', `khaddad@${DOMAIN}`, '--header', 'Subject: via swaks', '--body', 'Bonjour']);
  assert.match(swaks.stdout, /<~ {2}250 2\.\d\.\d Ok: stored as msg_\w+/);
  assert.equal(await countRows(rt.ctx, 'message'), before + 3);
});

engineTest('SMTP submission: testssl.sh finds TLS 1.2 only and exactly the four MSSanté suites, on the STARTTLS port and on the TLS port', async (t, rt) => {
  const smtp = await startTestSubmission(t, rt, { implicitTls: true });
  for (const target of [['--starttls', 'smtp', `127.0.0.1:${smtp.port}`], [`127.0.0.1:${smtp.securePort}`]]) {
    const { stdout } = await exec('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '-p', '-E', ...target], { maxBuffer: 1 << 22 });
    const offered = [...stdout.matchAll(/^ (SSLv2|SSLv3|TLS 1(?:\.\d)?)\s+offered/gm)].map((match) => match[1]);
    assert.deepEqual(offered, ['TLS 1.2'], stdout);
    const suites = [...stdout.matchAll(/^ x[0-9a-f]+\s+(\S+)/gm)].map((match) => match[1]).sort();
    assert.deepEqual(suites, ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-SHA384'], stdout);
  }
});

/** Opens connections and reads each greeting line. */
const GREETINGS = String.raw`
import json, socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
held, lines = [], []
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    lines.append(s.makefile("rb").readline().decode().strip())
    held.append(s)
for s in held:
    s.close()
print(json.dumps(lines))
`;

engineTest('SMTP submission: one address holds at most 20 connections (421 beyond, and the slots come back); garbage gets 5xx and, repeated, the door', async (t, rt) => {
  const smtp = await startTestSubmission(t, rt);
  const greet = async (count: number) => JSON.parse((await exec('python3', ['-c', GREETINGS, String(smtp.port), String(count)])).stdout) as string[];
  const lines = await greet(21);
  assert.equal(lines.filter((line) => line.startsWith('220 ')).length, 20);
  assert.match(lines[20]!, /^421 .*Too many connections from your address/);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok((await greet(20)).every((line) => line.startsWith('220 ')), 'the slots of closed connections are free again');

  const garbage = String.raw`
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
f.readline()
replies = []
for line in [b"\x00\xff\xfe binary", b"HELO", b"MAIL FROM:<a@b>"] + [b"NOPE"] * 12:
    try:
        s.sendall(line + b"\r\n")
        reply = f.readline().decode(errors="replace").strip()
    except OSError:
        reply = ""
    replies.append(reply[:3] if reply else "closed")
print(",".join(replies))
`;
  const replies = (await exec('python3', ['-c', garbage, String(smtp.port)])).stdout.trim().split(',');
  assert.ok(replies.slice(0, 3).every((code) => /^5\d\d$/.test(code)), replies.join(','));
  assert.ok(replies.includes('421') || replies.at(-1) === 'closed', `repeated garbage ends the connection: ${replies.join(',')}`);
});
