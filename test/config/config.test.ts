import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, isLoopback, loadConfig, parseTrustedProxies, type Config } from '../../src/config/config.ts';

// A directory of our own as cwd: the real working directory might hold a missive.config.json.
const cwd = mkdtempSync(path.join(os.tmpdir(), 'missive-config-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

const load = (env: Record<string, string>, file: string | null = null) => loadConfig({ env, file, cwd });

function writeJson(name: string, value: unknown): string {
  const file = path.join(cwd, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** Asserts a ConfigError whose message contains every one of `parts`. */
function refused(run: () => unknown, ...parts: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    for (const part of parts) assert.ok(error.message.includes(part), `${JSON.stringify(error.message)} should mention ${JSON.stringify(part)}`);
    return true;
  });
}

const PRODUCTION_SAFE = {
  MISSIVE_MODE: 'production',
  MISSIVE_DEV_OUTBOX: 'false',
  MISSIVE_DEMO_SEED: 'false',
  MISSIVE_HTTP_HOST: '127.0.0.1',
  MISSIVE_NOTIFY_RELAY_URL: 'smtps://relay.hopital.example:465',
  MISSIVE_PUBLIC_URL: 'https://missive.hopital.example',
  MISSIVE_TLS_CERT_FILE: '/etc/missive/tls/server.crt',
  MISSIVE_TLS_KEY_FILE: '/etc/missive/tls/server.key',
  MISSIVE_TLS_TRUST_ANCHOR_FILE: '/etc/missive/tls/igc-sante-racine.pem',
};

describe('loadConfig: defaults', () => {
  it('needs nothing: every key has a development default', () => {
    const expected: Config = {
      mode: 'development',
      dataDir: path.join(cwd, 'data'),
      databaseUrl: '',
      blobsDir: path.join(cwd, 'data', 'blobs'),
      kekFile: path.join(cwd, 'data', 'keys', 'kek.key'),
      proofKeyFile: path.join(cwd, 'data', 'keys', 'proof-signing.pem'),
      proofKey: '',
      kek: '',
      allowKeyGeneration: true,
      domain: 'demo.mssante.test',
      httpHost: '127.0.0.1',
      httpPort: 8080,
      smtpHost: '127.0.0.1',
      smtpSubmissionPort: 2587,
      smtpsPort: 2465,
      tlsCertFile: '',
      tlsKeyFile: '',
      allowTls13: false,
      imapPort: 2143,
      imapsPort: 2993,
      mailConnectionsPerAddress: 20,
      smtpExchangePort: 2525,
      tlsTrustAnchorFile: '',
      outboundRoutes: '',
      outboundRetryHours: 120,
      outboundFirstRetrySeconds: 60,
      devOutbox: true,
      demoSeed: true,
      maxAttachmentBytes: 10 * 1024 * 1024,
      maxMessageBytes: 40 * 1024 * 1024,
      maxRecipients: 100,
      inlineContentBytes: 256 * 1024,
      retentionDays: 90,
      retentionIntervalMinutes: 60,
      notifyRelayUrl: '',
      notifyFrom: 'Missive <ne-pas-repondre@demo.mssante.test>',
      httpRateLimitPerMinute: 600,
      trustedProxies: '',
      publicUrl: 'http://127.0.0.1:8080',
      vaultLinkDays: 30,
      smsUrl: '',
      smsToken: '',
      logLevel: 'info',
    };
    assert.deepEqual(load({}), expected);
  });

  it('ignores variables outside MISSIVE_ and the harness variables MISSIVE_TEST_* and MISSIVE_BENCH_*', () => {
    const config = load({ PATH: '/bin', MISSIVE_TEST_PG_URL: 'postgres://x', MISSIVE_TEST_ANYTHING: 'x', MISSIVE_BENCH_SIZE: '3' });
    assert.deepEqual(config, load({}));
  });
});

describe('loadConfig: overrides', () => {
  it('takes MISSIVE_* variables, typed, relative paths against cwd', () => {
    const config = load({
      MISSIVE_DATA_DIR: 'var/missive',
      MISSIVE_DOMAIN: 'CH-Exemple.MSSante.fr',
      MISSIVE_HTTP_PORT: ' 9443 ',
      MISSIVE_DEV_OUTBOX: 'no',
      MISSIVE_DEMO_SEED: '0',
      MISSIVE_ALLOW_KEY_GENERATION: 'yes',
      MISSIVE_MAX_RECIPIENTS: '2',
      MISSIVE_INLINE_CONTENT_BYTES: '0',
      MISSIVE_LOG_LEVEL: 'debug',
      MISSIVE_DATABASE_URL: 'postgresql://db.internal/missive',
    });
    assert.equal(config.dataDir, path.join(cwd, 'var', 'missive'));
    assert.equal(config.blobsDir, path.join(cwd, 'var', 'missive', 'blobs'));
    assert.equal(config.kekFile, path.join(cwd, 'var', 'missive', 'keys', 'kek.key'));
    assert.equal(config.domain, 'ch-exemple.mssante.fr');
    assert.equal(config.httpPort, 9443);
    assert.equal(config.devOutbox, false);
    assert.equal(config.demoSeed, false);
    assert.equal(config.allowKeyGeneration, true);
    assert.equal(config.maxRecipients, 2);
    assert.equal(config.inlineContentBytes, 0);
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.databaseUrl, 'postgresql://db.internal/missive');
  });

  it('reads a JSON file (given, named by MISSIVE_CONFIG, or missive.config.json in cwd); variables win over it', () => {
    const file = writeJson('custom.json', { httpPort: 9000, domain: 'fichier.mssante.fr', devOutbox: false, retentionDays: '30' });
    const fromFile = load({}, file);
    assert.deepEqual([fromFile.httpPort, fromFile.domain, fromFile.devOutbox, fromFile.retentionDays], [9000, 'fichier.mssante.fr', false, 30]);

    const both = load({ MISSIVE_HTTP_PORT: '9100' }, file);
    assert.deepEqual([both.httpPort, both.domain], [9100, 'fichier.mssante.fr']);

    const named = loadConfig({ env: { MISSIVE_CONFIG: 'custom.json' }, cwd });
    assert.equal(named.domain, 'fichier.mssante.fr');

    const dir = mkdtempSync(path.join(cwd, 'with-default-'));
    writeFileSync(path.join(dir, 'missive.config.json'), JSON.stringify({ httpPort: 7000 }));
    assert.equal(loadConfig({ env: {}, cwd: dir }).httpPort, 7000);
    assert.equal(loadConfig({ env: {}, cwd: dir, file: null }).httpPort, 8080);
  });

  it('refuses a bad file: not JSON, not an object, an unknown key, a value of the wrong type', () => {
    refused(() => load({}, writeJson('broken.json', '{ "httpPort": ')), 'configuration file', 'broken.json');
    refused(() => load({}, writeJson('array.json', [1, 2])), 'array.json', 'must hold a JSON object');
    refused(() => load({}, writeJson('unknown.json', { httpPort: 1, colour: 'blue' })), 'unknown key "colour"');
    refused(() => load({}, writeJson('typed.json', { domain: 5 })), 'domain (MISSIVE_DOMAIN) must be a string');
    refused(() => load({}, writeJson('float.json', { httpPort: 80.5 })), 'httpPort (MISSIVE_HTTP_PORT) must be an integer');
    refused(() => load({}, path.join(cwd, 'missing.json')), 'missing.json');
  });
});

describe('loadConfig: refusals name the key and the variable', () => {
  it('refuses an unknown MISSIVE_ variable, naming it', () => {
    refused(() => load({ MISSIVE_HTTP_PROT: '80' }), 'unknown variable MISSIVE_HTTP_PROT', 'MISSIVE_HTTP_PORT');
  });

  it('refuses bad integers, including out of range', () => {
    refused(() => load({ MISSIVE_HTTP_PORT: '80a' }), 'httpPort (MISSIVE_HTTP_PORT) must be an integer in 0…65535, got "80a"');
    refused(() => load({ MISSIVE_HTTP_PORT: '65536' }), 'httpPort (MISSIVE_HTTP_PORT)', '"65536"');
    refused(() => load({ MISSIVE_HTTP_PORT: '' }), 'httpPort (MISSIVE_HTTP_PORT)');
    refused(() => load({ MISSIVE_MAX_RECIPIENTS: '0' }), 'maxRecipients (MISSIVE_MAX_RECIPIENTS) must be an integer in 1…10000');
    refused(() => load({ MISSIVE_RETENTION_DAYS: '1.5' }), 'retentionDays (MISSIVE_RETENTION_DAYS)', '1…∞');
    refused(() => load({ MISSIVE_MAX_MESSAGE_BYTES: '99999999999999999999' }), 'maxMessageBytes (MISSIVE_MAX_MESSAGE_BYTES)');
    refused(() => load({ MISSIVE_INLINE_CONTENT_BYTES: '-1' }), 'inlineContentBytes (MISSIVE_INLINE_CONTENT_BYTES) must be an integer in 0…4194304');
  });

  it('refuses bad booleans', () => {
    refused(() => load({ MISSIVE_DEV_OUTBOX: 'maybe' }), 'devOutbox (MISSIVE_DEV_OUTBOX) must be true or false, got "maybe"');
  });

  it('refuses values outside an enumeration', () => {
    refused(() => load({ MISSIVE_LOG_LEVEL: 'verbose' }), 'logLevel (MISSIVE_LOG_LEVEL) must be one of debug, info, warn, error, got "verbose"');
    refused(() => load({ MISSIVE_MODE: 'prod' }), 'mode (MISSIVE_MODE) must be one of development, production');
  });

  it('refuses an invalid domain, a non-PostgreSQL database URL, an attachment limit above the message limit', () => {
    refused(() => load({ MISSIVE_DOMAIN: 'not a domain' }), 'domain (MISSIVE_DOMAIN)');
    refused(() => load({ MISSIVE_DATABASE_URL: 'mysql://db/missive' }), 'databaseUrl (MISSIVE_DATABASE_URL)');
    refused(
      () => load({ MISSIVE_MAX_MESSAGE_BYTES: '2048', MISSIVE_MAX_ATTACHMENT_BYTES: '4096' }),
      'maxAttachmentBytes (MISSIVE_MAX_ATTACHMENT_BYTES)',
      'maxMessageBytes (MISSIVE_MAX_MESSAGE_BYTES)',
    );
  });
});

describe('loadConfig: production mode', () => {
  it('refuses the development outbox, the demo seed and a non-loopback host, naming each', () => {
    refused(() => load({ ...PRODUCTION_SAFE, MISSIVE_DEV_OUTBOX: 'true' }), 'production mode', 'devOutbox (MISSIVE_DEV_OUTBOX)');
    refused(() => load({ ...PRODUCTION_SAFE, MISSIVE_DEMO_SEED: 'true' }), 'production mode', 'demoSeed (MISSIVE_DEMO_SEED)');
    refused(() => load({ ...PRODUCTION_SAFE, MISSIVE_HTTP_HOST: '0.0.0.0' }), 'production mode', 'httpHost (MISSIVE_HTTP_HOST) 0.0.0.0');
    refused(() => load({ ...PRODUCTION_SAFE, MISSIVE_NOTIFY_RELAY_URL: '' }), 'production mode', 'notifyRelayUrl (MISSIVE_NOTIFY_RELAY_URL) must name a mail relay');
    refused(() => load({ ...PRODUCTION_SAFE, MISSIVE_NOTIFY_RELAY_URL: 'http://relay/' }), 'notifyRelayUrl (MISSIVE_NOTIFY_RELAY_URL) must be smtps://');
    refused(() => load({ ...PRODUCTION_SAFE, MISSIVE_PUBLIC_URL: '' }), 'production mode', 'publicUrl (MISSIVE_PUBLIC_URL) must be the https:// address');
    refused(() => load({ ...PRODUCTION_SAFE, MISSIVE_PUBLIC_URL: 'https://missive.example/coffre' }), 'publicUrl (MISSIVE_PUBLIC_URL) must be https://host[:port], without a path');
    refused(() => load({ ...PRODUCTION_SAFE, MISSIVE_SMS_URL: 'http://sms.example/send' }), 'production mode', 'smsUrl (MISSIVE_SMS_URL) must be https://');
    refused(
      () => load({ MISSIVE_MODE: 'production', MISSIVE_DEV_OUTBOX: '1', MISSIVE_DEMO_SEED: '1', MISSIVE_HTTP_HOST: '10.0.0.5' }),
      'devOutbox (MISSIVE_DEV_OUTBOX)',
      'demoSeed (MISSIVE_DEMO_SEED)',
      'httpHost (MISSIVE_HTTP_HOST) 10.0.0.5',
    );
  });

  it('loads with explicit safe settings, and then generates no keys unless told to', () => {
    const config = load({ ...PRODUCTION_SAFE, MISSIVE_DATABASE_URL: 'postgres://db/missive', MISSIVE_KEK: 'a2V5' });
    assert.equal(config.mode, 'production');
    assert.equal(config.devOutbox, false);
    assert.equal(config.demoSeed, false);
    assert.equal(config.allowKeyGeneration, false);
    assert.equal(config.databaseUrl, 'postgres://db/missive');
    assert.equal(load({ ...PRODUCTION_SAFE, MISSIVE_ALLOW_KEY_GENERATION: 'true' }).allowKeyGeneration, true);
  });

  it('defaults to safe settings in production', () => {
    const config = load({ MISSIVE_MODE: 'production', MISSIVE_PUBLIC_URL: 'https://missive.example', MISSIVE_NOTIFY_RELAY_URL: 'smtp://127.0.0.1:25', MISSIVE_TLS_CERT_FILE: 'server.crt', MISSIVE_TLS_KEY_FILE: 'server.key', MISSIVE_TLS_TRUST_ANCHOR_FILE: 'igc-sante.pem' });
    assert.deepEqual([config.devOutbox, config.demoSeed, config.allowKeyGeneration, config.httpHost], [false, false, false, '127.0.0.1']);
    assert.deepEqual([config.smtpSubmissionPort, config.smtpsPort, config.imapPort, config.imapsPort, config.allowTls13], [587, 465, 143, 993, false]);
    // HTTP listens on loopback behind a reverse proxy: that proxy says who the client is.
    assert.equal(config.trustedProxies, '127.0.0.1,::1');
    refused(() => load({ MISSIVE_MODE: 'production', MISSIVE_PUBLIC_URL: 'https://missive.example', MISSIVE_NOTIFY_RELAY_URL: 'smtp://127.0.0.1:25' }), 'production mode', 'tlsCertFile and tlsKeyFile');
    assert.equal(load({ MISSIVE_MODE: 'production', MISSIVE_PUBLIC_URL: 'https://missive.example', MISSIVE_NOTIFY_RELAY_URL: 'smtp://127.0.0.1:25', MISSIVE_SMTP_SUBMISSION_PORT: '-1', MISSIVE_SMTPS_PORT: '-1', MISSIVE_SMTP_EXCHANGE_PORT: '-1', MISSIVE_IMAP_PORT: '-1', MISSIVE_IMAPS_PORT: '-1' }).smtpsPort, -1);
  });
});

describe('isLoopback', () => {
  it('accepts loopback names and addresses only', () => {
    assert.deepEqual(
      ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '0.0.0.0', '::', '10.0.0.1', '127.0.0.1.example.fr', 'localhost.example.fr'].map(isLoopback),
      [true, true, true, true, false, false, false, false, false],
    );
  });
});

describe('parseTrustedProxies', () => {
  it('takes IP addresses and CIDR ranges, and refuses anything else by name', () => {
    assert.deepEqual(parseTrustedProxies('127.0.0.1, ::1,10.0.0.0/8 fd00::/8'), ['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8']);
    assert.deepEqual(parseTrustedProxies(''), []);
    for (const bad of ['localhost', '10.0.0.0/33', '::1/129', '10.0.0.1/8/1', '999.1.1.1', '10.0.0.0/']) {
      assert.throws(() => parseTrustedProxies(bad), /is not an IP address or a CIDR range/, bad);
    }
    refused(() => load({ MISSIVE_TRUSTED_PROXIES: 'proxy.local' }), 'trustedProxies (MISSIVE_TRUSTED_PROXIES)', 'proxy.local');
  });
});
