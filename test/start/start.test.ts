import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { run, startMissive, stopAllMissives } from '../support/processes.ts';

after(stopAllMissives);

const start = startMissive;

test('npm start: demo operator, /healthz, security headers, clean stop; a restart keeps the data', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-start-'));
  const env = { MISSIVE_DATA_DIR: dataDir, MISSIVE_HTTP_PORT: '0', MISSIVE_SMTP_SUBMISSION_PORT: '0', MISSIVE_SMTPS_PORT: '0', MISSIVE_SMTP_EXCHANGE_PORT: '0', MISSIVE_IMAP_PORT: '0', MISSIVE_IMAPS_PORT: '0', MISSIVE_LOG_LEVEL: 'warn' };
  try {
    const first = await start(env);
    assert.ok(first.output.some((line) => /^ {2}SMTP {9}submission 127\.0\.0\.1:\d+ \(STARTTLS\), 127\.0\.0\.1:\d+ \(TLS\); log in with an application password$/.test(line)), first.output.join('\n'));
    assert.ok(first.output.some((line) => /^ {2}IMAP {9}127\.0\.0\.1:\d+ \(STARTTLS\), 127\.0\.0\.1:\d+ \(TLS\)/.test(line)), first.output.join('\n'));
    assert.ok(first.output.some((line) => /^ {2}exchange {5}127\.0\.0\.1:\d+ \(STARTTLS, client certificates of whitelisted operators\)$/.test(line)), first.output.join('\n'));
    const health = await fetch(`${first.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', database: 'ok', engine: 'sqlite', version: '0.1.0' });
    assert.equal(health.headers.get('x-content-type-options'), 'nosniff');
    assert.match(health.headers.get('content-security-policy') ?? '', /default-src 'self'; script-src 'self'.*frame-ancestors 'none'/);
    // Any other path is the web client's (its router decides); the server's own prefixes are not.
    const page = await fetch(`${first.url}/nowhere`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await page.text(), /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    assert.equal((await fetch(`${first.url}/api/v1/nowhere`)).status, 404);
    assert.equal((await fetch(`${first.url}/healthz`, { method: 'POST' })).status, 404);

    const credentialsFile = path.join(dataDir, 'demo-credentials.json');
    assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(dataDir, 'keys', 'kek.key')).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(dataDir, 'missive.sqlite')).mode & 0o777, 0o600);
    const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { users: { id: string; password: string }[] };
    assert.deepEqual(credentials.users.map((user) => user.id), ['eloise.martin', 'sophie.bernard', 'karim.haddad']);
    for (const user of credentials.users) assert.ok(first.output.some((line) => line.includes(user.id) && line.includes(user.password)));
    assert.equal(await first.stop(), 0);

    // The demo letters are there, readable through the CLI by their recipient.
    const listing = await run(['src/cli/main.ts', 'list', '--as', 'karim.haddad', '--mailbox', 'karim.haddad@demo.mssante.test'], { env });
    assert.match(listing.stdout, /Compte rendu de consultation DUPONT Jean/);

    const second = await start(env);
    assert.equal((await fetch(`${second.url}/healthz`)).status, 200);
    const again = JSON.parse(readFileSync(credentialsFile, 'utf8')) as typeof credentials;
    assert.deepEqual(again, credentials, 'a restart must not seed the demo again');
    assert.equal(await second.stop(), 0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('production refuses to start without a key, and starts with one given by configuration', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-prod-'));
  const env = { MISSIVE_DATA_DIR: dataDir, MISSIVE_MODE: 'production', MISSIVE_HTTP_PORT: '0', MISSIVE_SMTP_SUBMISSION_PORT: '-1', MISSIVE_SMTPS_PORT: '-1', MISSIVE_SMTP_EXCHANGE_PORT: '-1', MISSIVE_IMAP_PORT: '-1', MISSIVE_IMAPS_PORT: '-1', MISSIVE_LOG_LEVEL: 'warn', MISSIVE_NOTIFY_RELAY_URL: 'smtp://127.0.0.1:25', MISSIVE_PUBLIC_URL: 'https://missive.example' };
  try {
    const refused = await run(['src/main.ts'], { env });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /kek\.key/);

    const devOutbox = await run(['src/main.ts'], { env: { ...env, MISSIVE_DEV_OUTBOX: 'true', MISSIVE_HTTP_HOST: '0.0.0.0' } });
    assert.equal(devOutbox.code, 1);
    assert.match(devOutbox.stderr, /devOutbox \(MISSIVE_DEV_OUTBOX\) must be false/);
    assert.match(devOutbox.stderr, /httpHost \(MISSIVE_HTTP_HOST\) 0\.0\.0\.0/);

    // The proof signing key is needed too: refused without, started with it given as one base64 line.
    const noProofKey = await run(['src/main.ts'], { env: { ...env, MISSIVE_KEK: randomBytes(32).toString('base64') } });
    assert.equal(noProofKey.code, 1);
    assert.match(noProofKey.stderr, /proof-signing\.pem does not exist/);
    const proofKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    // SMTP never listens without TLS: production without a certificate refuses to start it.
    const noTls = await run(['src/main.ts'], { env: { ...env, MISSIVE_KEK: randomBytes(32).toString('base64'), MISSIVE_PROOF_KEY: proofKey, MISSIVE_SMTP_SUBMISSION_PORT: '0' } });
    assert.equal(noTls.code, 1);
    assert.match(noTls.stderr, /^missive: configuration refused in production mode:\n\s+- tlsCertFile and tlsKeyFile .* are needed for SMTP/);
    const started = await start({ ...env, MISSIVE_KEK: randomBytes(32).toString('base64'), MISSIVE_PROOF_KEY: proofKey });
    // Data from a development start (demo accounts) is refused in production.
    const demoDir = mkdtempSync(path.join(os.tmpdir(), 'missive-demo-'));
    writeFileSync(path.join(demoDir, 'demo-credentials.json'), '{}');
    const onDemo = await run(['src/main.ts'], { env: { ...env, MISSIVE_DATA_DIR: demoDir, MISSIVE_KEK: randomBytes(32).toString('base64'), MISSIVE_PROOF_KEY: proofKey } });
    rmSync(demoDir, { recursive: true, force: true });
    assert.equal(onDemo.code, 1);
    assert.match(onDemo.stderr, /refusing to start in production on data with demo accounts/);
    assert.ok(!started.output.some((line) => line.includes('Demo operator')), 'no demo in production');
    assert.equal((await fetch(`${started.url}/healthz`)).status, 200);
    assert.equal(await started.stop(), 0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
