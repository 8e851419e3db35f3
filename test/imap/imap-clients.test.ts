import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { issueAccessToken } from '../../src/services/identity/access-tokens.ts';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { engineTest } from '../support/engines.ts';
import { startTestImap } from '../support/imap.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const exec = promisify(execFile);

engineTest('IMAP clients: curl lists and fetches over STARTTLS; imapflow logs in with a bearer token (SASL), a forged token is refused', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { secret } = await createAppPassword(rt.ctx, 'khaddad', 'curl');
  const { token } = await issueAccessToken(rt.ctx, 'khaddad', { label: 'imapflow' });
  await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject: 'Pour curl', body: 'Lu par curl.' }));
  const imap = await startTestImap(t, rt);
  const ca = imap.ca;
  const curl = (url: string) => exec('curl', ['--silent', '--show-error', '--ssl-reqd', '--cacert', ca, '--resolve', `localhost:${imap.port}:127.0.0.1`, '--user', `khaddad:${secret}`, url]);

  const listing = await curl(`imap://localhost:${imap.port}/`);
  assert.match(listing.stdout, /\* LIST \(\\HasNoChildren\) "\/" "INBOX"/);
  const message = await curl(`imap://localhost:${imap.port}/INBOX;UID=1`);
  assert.match(message.stdout, /Subject: Pour curl/);
  assert.match(message.stdout, /Lu par curl\./);

  const client = new ImapFlow({ host: '127.0.0.1', port: imap.port, secure: false, tls: { ca: [imap.tls.anchors], servername: 'localhost' }, auth: { user: 'khaddad', accessToken: token }, logger: false });
  await client.connect();
  const status = await client.status('INBOX', { messages: true });
  assert.equal(status && status.messages, 1);
  await client.logout();
  const forged = new ImapFlow({ host: '127.0.0.1', port: imap.port, secure: false, tls: { ca: [imap.tls.anchors], servername: 'localhost' }, auth: { user: 'khaddad', accessToken: `mst_${'A'.repeat(43)}` }, logger: false });
  await assert.rejects(forged.connect());
  forged.close();
});

engineTest('IMAP folders with imapflow: create, rename, delete an own folder; standard folders stay; a non-empty folder is not deleted; a read-only shared mailbox gets no folder', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { grantMember } = await import('../../src/services/accounts.ts');
  await grantMember(rt.ctx, `cardiologie@${DOMAIN}`, 'khaddad', { read: true, send: false, manage: false });
  const { secret } = await createAppPassword(rt.ctx, 'khaddad', 'imapflow');
  await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject: 'À classer' }));
  const imap = await startTestImap(t, rt, { implicitTls: true });
  const client = new ImapFlow({ host: '127.0.0.1', port: imap.port, secure: true, tls: { ca: [imap.tls.anchors], servername: 'localhost' }, auth: { user: 'khaddad', pass: secret }, logger: false });
  await client.connect();
  t.after(() => client.logout().catch(() => undefined));
  await client.mailboxCreate('Patients 2026');
  assert.ok((await client.list()).some((folder) => folder.path === 'Patients 2026'));
  await client.mailboxRename('Patients 2026', 'Dossiers 2026');
  const paths = (await client.list()).map((folder) => folder.path);
  assert.ok(paths.includes('Dossiers 2026') && !paths.includes('Patients 2026'));
  const lock = await client.getMailboxLock('INBOX');
  await client.messageCopy('1', 'Dossiers 2026');
  lock.release();
  // imapflow keeps the server's words in responseText.
  const refused = (promise: Promise<unknown>, pattern: RegExp) => assert.rejects(promise, (error: { responseText?: string }) => pattern.test(error.responseText ?? ''));
  await refused(client.mailboxDelete('Dossiers 2026'), /not empty/);
  await refused(client.mailboxDelete('Sent'), /standard folder/);
  await refused(client.mailboxCreate(`Shared/cardiologie@${DOMAIN}/Perso`), /may not change the folders/);
  await client.mailboxCreate('Vide');
  await client.mailboxDelete('Vide');
  assert.ok(!(await client.list()).some((folder) => folder.path === 'Vide'));
});

/** CONDSTORE as a resynchronising client uses it, in Python's imaplib with raw commands. */
const PYTHON_CONDSTORE = String.raw`
import imaplib, json, re, ssl, sys
a = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=a["ca"])
m = imaplib.IMAP4_SSL("127.0.0.1", a["port"], ssl_context=ctx)
m.login(a["user"], a["password"])
out = {}
out["enable"] = m._simple_command("ENABLE", "CONDSTORE")[0]
out["enabled"] = [d.decode() for d in m.untagged_responses.pop("ENABLED", [])]
m.select("INBOX")
highest = int(m.untagged_responses["HIGHESTMODSEQ"][0])
out["highest"] = highest
m.untagged_responses.clear()
typ, data = m._simple_command("FETCH", "1:*", "(FLAGS)", "(CHANGEDSINCE %d)" % highest)
out["nothingChanged"] = [d.decode() for d in m.untagged_responses.pop("FETCH", []) if d]
typ, data = m.store("1", "+FLAGS", "(\\Seen)")
out["store"] = [d.decode() for d in data if d]
m.untagged_responses.clear()
m._simple_command("FETCH", "1:*", "(FLAGS)", "(CHANGEDSINCE %d)" % highest)
out["changed"] = [d.decode() for d in m.untagged_responses.pop("FETCH", []) if d]
m.untagged_responses.clear()
typ, data = m._simple_command("STORE", "1,2", "(UNCHANGEDSINCE %d)" % highest, "+FLAGS.SILENT", "(\\Flagged)")
out["conditional"] = [typ, [d.decode() for d in m.untagged_responses.pop("MODIFIED", [])], [d.decode() for d in m.untagged_responses.pop("FETCH", []) if d]]
m.untagged_responses.clear()
typ, data = m._simple_command("SEARCH", "MODSEQ", str(highest + 1))
out["search"] = [d.decode() for d in m.untagged_responses.pop("SEARCH", [])]
m.logout()
print(json.dumps(out))
`;

engineTest('IMAP CONDSTORE: ENABLE, HIGHESTMODSEQ, FETCH (CHANGEDSINCE), MODSEQ with every change, STORE (UNCHANGEDSINCE) with MODIFIED, SEARCH MODSEQ', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { secret } = await createAppPassword(rt.ctx, 'khaddad', 'resync');
  for (const subject of ['Un', 'Deux']) await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject }));
  const imap = await startTestImap(t, rt, { implicitTls: true });
  const args = { ca: imap.ca, port: imap.port, user: 'khaddad', password: secret };
  const out = JSON.parse((await exec('python3', ['-c', PYTHON_CONDSTORE, JSON.stringify(args)])).stdout) as Record<string, unknown>;
  assert.equal(out.enable, 'OK');
  assert.deepEqual(out.enabled, ['CONDSTORE']);
  const highest = out.highest as number;
  assert.deepEqual(out.nothingChanged, []);
  assert.deepEqual(out.store, [`1 (FLAGS (\\Seen) MODSEQ (${highest + 1}))`]);
  assert.deepEqual(out.changed, [`1 (FLAGS (\\Seen) MODSEQ (${highest + 1}))`]);
  // Message 1 changed since: left alone and named in MODIFIED; message 2 flagged, reported with its MODSEQ though SILENT.
  assert.deepEqual(out.conditional, ['OK', ['1'], [`2 (MODSEQ (${highest + 2}))`]]);
  assert.deepEqual(out.search, [`1 2 (MODSEQ ${highest + 2})`]);
});

/** QRESYNC: a client comes back with its last state and learns, in one SELECT, what vanished and what changed. */
const PYTHON_QRESYNC = String.raw`
import imaplib, json, ssl, sys
a = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=a["ca"])
def session():
    m = imaplib.IMAP4_SSL("127.0.0.1", a["port"], ssl_context=ctx)
    m.login(a["user"], a["password"])
    m._simple_command("ENABLE", "QRESYNC")
    return m
out = {}
m = session()
m.select("INBOX")
validity = int(m.untagged_responses["UIDVALIDITY"][0])
modseq = int(m.untagged_responses["HIGHESTMODSEQ"][0])
m.logout()
# Meanwhile, elsewhere: message 1 flagged, message 2 deleted and expunged.
m = session()
m.select("INBOX")
m.store("1", "+FLAGS", "(\\Flagged)")
m.store("2", "+FLAGS", "(\\Deleted)")
m.untagged_responses.clear()
m.expunge()
out["vanishedLive"] = [d.decode() for d in m.untagged_responses.pop("VANISHED", [])]
m.logout()
# The first client comes back.
m = session()
m.untagged_responses.clear()
typ, data = m._simple_command("SELECT", "INBOX", "(QRESYNC (%d %d 1:3))" % (validity, modseq))
out["select"] = typ
m.state = "SELECTED"
out["vanished"] = [d.decode() for d in m.untagged_responses.get("VANISHED", [])]
out["fetch"] = [d.decode() for d in m.untagged_responses.get("FETCH", []) if d]
m.untagged_responses.clear()
m._simple_command("UID", "FETCH", "1:*", "(FLAGS)", "(CHANGEDSINCE %d VANISHED)" % modseq)
out["uidFetchVanished"] = [d.decode() for d in m.untagged_responses.get("VANISHED", [])]
m.logout()
print(json.dumps(out))
`;

engineTest('IMAP QRESYNC: expunges reported as VANISHED, SELECT (QRESYNC …) gives what vanished and changed since, UID FETCH (CHANGEDSINCE … VANISHED)', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { secret } = await createAppPassword(rt.ctx, 'khaddad', 'resync');
  for (const subject of ['Un', 'Deux', 'Trois']) await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject }));
  const imap = await startTestImap(t, rt, { implicitTls: true });
  const args = { ca: imap.ca, port: imap.port, user: 'khaddad', password: secret };
  const out = JSON.parse((await exec('python3', ['-c', PYTHON_QRESYNC, JSON.stringify(args)])).stdout) as Record<string, unknown>;
  assert.deepEqual(out.vanishedLive, ['2']);
  assert.equal(out.select, 'OK');
  assert.deepEqual(out.vanished, ['(EARLIER) 2']);
  assert.equal((out.fetch as string[]).length, 1);
  assert.match((out.fetch as string[])[0]!, /^1 \(UID 1 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$/);
  assert.deepEqual(out.uidFetchVanished, ['(EARLIER) 2']);
});
