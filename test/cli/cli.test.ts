import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { run } from '../support/processes.ts';
import { domainXml, whitelistXml } from '../support/whitelist.ts';

// The CLI as an operator uses it: separate processes on one data directory.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-cli-'));
const env = { MISSIVE_DATA_DIR: dataDir, MISSIVE_DOMAIN: 'cli.mssante.test', MISSIVE_LOG_LEVEL: 'error' };
const missive = (args: string[], input?: string) => run(['src/cli/main.ts', ...args], { env, ...(input === undefined ? {} : { input }) });

before(async () => {
  assert.equal((await missive(['init'])).code, 0);
  assert.equal((await missive(['user', 'add', '--id', 'jdupont', '--name', 'Dr Jean Dupont', '--password-stdin'], 'une phrase de passe solide\n')).code, 0);
  assert.equal((await missive(['user', 'add', '--id', 'sec', '--name', 'Secrétariat'])).code, 0);
  for (const args of [
    ['--address', 'jdupont@cli.mssante.test', '--kind', 'PER', '--name', 'Dr Jean Dupont', '--member', 'jdupont'],
    ['--address', 'sec@cli.mssante.test', '--kind', 'PER', '--name', 'Secrétariat', '--member', 'sec'],
    ['--address', 'urgences@cli.mssante.test', '--kind', 'ORG', '--name', 'Urgences', '--member', 'jdupont:read,send,manage', '--member', 'sec:read'],
  ]) {
    const result = await missive(['mailbox', 'add', ...args]);
    assert.equal(result.code, 0, result.stderr);
  }
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('init is idempotent and reports the key', async () => {
  const result = await missive(['init']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /domain cli\.mssante\.test; key-encryption key loaded \(id [0-9a-f]{16}\); proof signing key loaded \(id [0-9a-f]{16}\)/);
});

test('send, list and show: a message travels and reads back as stored', async () => {
  const file = path.join(dataDir, 'letter.eml');
  writeFileSync(file, 'From: jdupont@cli.mssante.test\nTo: urgences@cli.mssante.test\nSubject: Patient transféré\n\nBonjour,\nle patient arrive.\n');
  const sent = await missive(['send', file, '--as', 'jdupont', '--from', 'jdupont@cli.mssante.test']);
  assert.equal(sent.code, 0, sent.stderr);
  const id = /deposited (msg_[a-z2-7]+) /.exec(sent.stdout)?.[1];
  assert.ok(id, sent.stdout);

  const mailboxes = await missive(['list', '--as', 'sec']);
  assert.match(mailboxes.stdout, /sec@cli\.mssante\.test\s+PER/);
  assert.match(mailboxes.stdout, /urgences@cli\.mssante\.test\s+ORG\s+Urgences\s+read\n/);

  const listing = await missive(['list', '--as', 'sec', '--mailbox', 'urgences@cli.mssante.test']);
  assert.equal(listing.code, 0, listing.stderr);
  assert.match(listing.stdout, new RegExp(`1\\s+${id}\\s.*jdupont@cli\\.mssante\\.test\\s+Patient transféré`));

  const shown = await missive(['show', id, '--as', 'sec']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /\r\nSubject: Patient transféré\r\n\r\nBonjour,\r\nle patient arrive\.\r\n$/);
});

test('refusals are one line on stderr with a non-zero exit', async () => {
  const file = path.join(dataDir, 'spoof.eml');
  writeFileSync(file, 'From: urgences@cli.mssante.test\nTo: jdupont@cli.mssante.test\nSubject: x\n\nx\n');
  const cases: [string[], number, RegExp][] = [
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['send', file, '--as', 'sec', '--from', 'urgences@cli.mssante.test'], 1, /may not send from urgences@cli\.mssante\.test/],
    [['show', 'msg_doesnotexist', '--as', 'sec'], 1, /no such message/],
    [['mailbox', 'add', '--address', 'x@cli.mssante.test', '--kind', 'XYZ', '--name', 'x'], 2, /--kind must be PER, ORG or APP/],
    [['mailbox', 'add', '--address', 'x@elsewhere.test', '--kind', 'ORG', '--name', 'x'], 1, /not a domain of this operator/],
    [['user', 'add', '--id', 'jdupont', '--name', 'again'], 1, /already exists/],
    [['list'], 2, /--as is required/],
  ];
  for (const [args, code, message] of cases) {
    const result = await missive(args);
    assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n')[0]!.startsWith('missive: '), true);
  }
});

test('a short password is refused and no user is created', async () => {
  const result = await missive(['user', 'add', '--id', 'weak', '--name', 'Weak', '--password-stdin'], 'court\n');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /at least 12 characters/);
  assert.match((await missive(['user', 'add', '--id', 'weak', '--name', 'Weak'])).stdout, /user weak added/);
});

test('a bad configuration names the key and stops', async () => {
  const result = await run(['src/cli/main.ts', 'list', '--as', 'sec'], { env: { ...env, MISSIVE_MAX_RECIPIENTS: 'many' } });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /maxRecipients \(MISSIVE_MAX_RECIPIENTS\) must be an integer/);
});

test('retention run reports what it purged', async () => {
  const result = await missive(['retention', 'run', '--days', '30']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'retention (30 days): 0 message(s) purged, 0 file(s) removed\n');
});

test('trust import reads the national whitelist and trust list shows each domain with its certificate subject', async () => {
  const file = path.join(dataDir, 'listeblanche.xml');
  writeFileSync(file, whitelistXml([domainXml('ch-a.mssante.fr'), domainXml('cli.mssante.test'), '<Domaine><Nom>pas un domaine</Nom></Domaine>']));
  const imported = await missive(['trust', 'import', file]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /^whitelist of 2026-12-01T03:00:00: 1 operator domains trusted; 1 added, 0 changed, 0 removed\nour own domains stay local: cli\.mssante\.test\nentries left out \(1\):\n  Domaine 3: "pas un domaine" is not a domain name; left out\n$/);
  const listed = await missive(['trust', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /ch-a\.mssante\.fr\s+CN=mx\.ch-a\.mssante\.fr, OU=0002 123456789, O=OPERATEUR, ST=Bretagne, C=FR\s+2026-11-30/);
  const refused = await missive(['trust', 'import', path.join(dataDir, 'missing.xml')]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^missive: not a file: /);
});

// Last: it edits the database behind Missive.
test('proof key prints the public key; proof audit finds the log intact, then loudly not once an event is edited behind Missive', async () => {
  const key = await missive(['proof', 'key']);
  assert.equal(key.code, 0, key.stderr);
  assert.match(key.stdout, /^# key id [0-9a-f]{16} \(Ed25519\)\n-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
  const intact = await missive(['proof', 'audit']);
  assert.equal(intact.code, 0, intact.stderr);
  assert.match(intact.stdout, /^proof log intact: [1-9]\d* events, [1-9]\d* signed heads checked\n$/);
  // Someone with the database file edits an event, going around its append-only guard.
  const { DatabaseSync } = await import('node:sqlite');
  const database = new DatabaseSync(path.join(dataDir, 'missive.sqlite'));
  database.exec("drop trigger proof_event_no_update; update proof_event set at = at + 1 where seq = 1;");
  database.close();
  const broken = await missive(['proof', 'audit']);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /PROOF LOG MISMATCH .*\n\s+leaf 0: event evt_\w+ does not hash to its leaf \(edited\)/);
});
