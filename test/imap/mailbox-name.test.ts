import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMailboxName, encodeMailboxName } from '../../src/protocols/imap/codec/mailbox-name.ts';
import { createFolder, imapFolders } from '../../src/services/imap/imap-folders.ts';
import { engineTest } from '../support/engines.ts';
import { startTestImap } from '../support/imap.ts';
import { seedSmallOperator } from '../support/fixtures.ts';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

test('modified UTF-7 (RFC 3501 §5.1.3): the RFC example, French names, "&", round trips; malformed names refused', () => {
  assert.equal(decodeMailboxName('~peter/mail/&U,BTFw-/&ZeVnLIqe-'), '~peter/mail/台北/日本語');
  assert.equal(encodeMailboxName('~peter/mail/台北/日本語'), '~peter/mail/&U,BTFw-/&ZeVnLIqe-');
  assert.equal(encodeMailboxName('Résultats & comptes rendus'), 'R&AOk-sultats &- comptes rendus');
  assert.equal(decodeMailboxName('R&AOk-sultats &- comptes rendus'), 'Résultats & comptes rendus');
  for (const name of ['Envoyés', 'Dossiers/Année 2026', 'émoji 📎', 'INBOX', '']) assert.equal(decodeMailboxName(encodeMailboxName(name)), name);
  for (const bad of ['R&AOk', '&A-', 'é', '&AGE-', '&2D3-']) assert.equal(decodeMailboxName(bad), null, bad);
});

const PYTHON = String.raw`
import imaplib, json, ssl, sys
a = json.loads(sys.argv[1])
out = {}
m = imaplib.IMAP4("127.0.0.1", a["port"])
m.starttls(ssl.create_default_context(cafile=a["ca"]))
m.login(a["user"], a["password"])
out["create"] = m.create("Comptes&AOk-").__getitem__(0)
out["list"] = [d.decode() for d in m.list('""', '"*"')[1] if b"&" in d]
out["select"] = m.select("R&AOk-sultats")[0]
try:
    m.create("Caf&AOk")
except m.error as e:
    out["badName"] = str(e)[:80]
r = imaplib.IMAP4("127.0.0.1", a["port"])
r.starttls(ssl.create_default_context(cafile=a["ca"]))
r.login(a["user"], a["password"])
r._simple_command("ENABLE", "IMAP4rev2")
out["rev2"] = [d.decode("utf-8") for d in r.list('""', '"*"')[1] if "sultats".encode() in d or "Compt".encode() in d]
print(json.dumps(out))
`;

engineTest('IMAP folder names: modified UTF-7 for IMAP4rev1 clients, UTF-8 once IMAP4rev2 is enabled; the same folders as the web client sees', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { secret } = await createAppPassword(rt.ctx, 'khaddad', 'imaplib');
  await createFolder(rt.ctx, 'khaddad', 'Résultats');
  const imap = await startTestImap(t, rt);
  const { stdout } = await promisify(execFile)('python3', ['-c', PYTHON, JSON.stringify({ port: imap.port, ca: imap.ca, user: 'khaddad', password: secret })]);
  const out = JSON.parse(stdout) as Record<string, unknown>;
  assert.equal(out.create, 'OK');
  assert.deepEqual(out.list, ['(\\HasNoChildren) "/" "Comptes&AOk-"', '(\\HasNoChildren) "/" "R&AOk-sultats"']);
  assert.equal(out.select, 'OK');
  assert.match(String(out.badName), /BAD .*not in modified UTF-7/);
  assert.deepEqual(out.rev2, ['(\\HasNoChildren) "/" "Comptesé"', '(\\HasNoChildren) "/" "Résultats"']);
  assert.ok((await imapFolders(rt.ctx, 'khaddad')).some((folder) => folder.path === 'Comptesé'), 'stored as the web client shows it');
});
