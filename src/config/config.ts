import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { isDomain } from '../core/address.ts';

/**
 * The one configuration. Every key has an embedded default so that `npm start` needs nothing;
 * a file (`missive.config.json` or $MISSIVE_CONFIG) and `MISSIVE_*` variables override it, in
 * that order. Anything unknown or ill-typed stops the start with a message naming the key.
 */
export type Config = {
  mode: 'development' | 'production';
  dataDir: string;
  databaseUrl: string;
  blobsDir: string;
  kekFile: string;
  /** The Ed25519 key that signs the proof log's heads (PKCS#8 PEM, mode 0600). */
  proofKeyFile: string;
  /** That key given directly (PEM, or base64 of its PKCS#8 DER), as production secrets managers do. */
  proofKey: string;
  /** A key-encryption key given directly (base64), as production secrets managers do. */
  kek: string;
  /** Consent to generate the key-encryption key on first start (implied in development). */
  allowKeyGeneration: boolean;
  domain: string;
  httpHost: string;
  httpPort: number;
  smtpHost: string;
  /** SMTP submission with STARTTLS; 0 picks a free port, -1 turns it off. */
  smtpSubmissionPort: number;
  /** SMTP submission over implicit TLS; 0 picks a free port, -1 turns it off. */
  smtpsPort: number;
  /** The listeners' certificate and key (PEM); empty in development: made under dataDir/tls. */
  tlsCertFile: string;
  tlsKeyFile: string;
  /** TLS 1.3 besides the MSSanté TLS 1.2 suites. */
  allowTls13: boolean;
  /** IMAP with STARTTLS; 0 picks a free port, -1 turns it off. */
  imapPort: number;
  /** IMAP over implicit TLS; 0 picks a free port, -1 turns it off. */
  imapsPort: number;
  /** SMTP or IMAP connections one address may hold at once, per listener. */
  mailConnectionsPerAddress: number;
  /** Mail exchange with other operators (mutual TLS); 0 picks a free port, -1 turns it off. */
  smtpExchangePort: number;
  /** Authorities other operators' certificates must chain to (PEM bundle: the IGC-Santé root). */
  tlsTrustAnchorFile: string;
  /** Where other operators' domains are delivered instead of their MX: `domain=host:port, …`. */
  outboundRoutes: string;
  /** How long a message to another operator is retried before the sender gets a failure notice. */
  outboundRetryHours: number;
  /** The first retry's delay; each next one doubles, up to an hour. */
  outboundFirstRetrySeconds: number;
  devOutbox: boolean;
  demoSeed: boolean;
  maxAttachmentBytes: number;
  maxMessageBytes: number;
  maxRecipients: number;
  /** Messages whose ciphertext is at most this size are stored in the database, in the deposit's transaction. */
  inlineContentBytes: number;
  retentionDays: number;
  retentionIntervalMinutes: number;
  /** The mail relay for one-time codes and alerts (`smtps://…` or `smtp://…`); empty: none. */
  notifyRelayUrl: string;
  /** The From of codes and alerts (default `Missive <ne-pas-repondre@<domain>>`). */
  notifyFrom: string;
  /** Requests per minute the HTTP API accepts from one session (or, before login, one address). */
  httpRateLimitPerMinute: number;
  /**
   * Reverse proxies (IP addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the
   * client: limits per address (vault codes, logins) then count clients, not the proxy.
   */
  trustedProxies: string;
  /** Where people outside reach the web client (vault links); empty: http://httpHost:httpPort in development. */
  publicUrl: string;
  /** Days a vault link lives unless the sender says otherwise. */
  vaultLinkDays: number;
  /** The SMS provider's HTTP endpoint (POST JSON {to, text}); empty: SMS go to the development outbox, or nowhere. */
  smsUrl: string;
  /** The bearer token the SMS provider expects. */
  smsToken: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
};

type Kind = 'string' | 'integer' | 'boolean' | { oneOf: readonly string[] };
type Key = { name: keyof Config; env: string; kind: Kind; min?: number; max?: number; help: string };

export const CONFIG_KEYS: readonly Key[] = [
  { name: 'mode', env: 'MISSIVE_MODE', kind: { oneOf: ['development', 'production'] }, help: 'development (default) or production' },
  { name: 'dataDir', env: 'MISSIVE_DATA_DIR', kind: 'string', help: 'where embedded storage lives (default ./data)' },
  { name: 'databaseUrl', env: 'MISSIVE_DATABASE_URL', kind: 'string', help: 'postgres://… for PostgreSQL; empty for embedded SQLite under dataDir' },
  { name: 'blobsDir', env: 'MISSIVE_BLOBS_DIR', kind: 'string', help: 'encrypted message files (default dataDir/blobs)' },
  { name: 'kekFile', env: 'MISSIVE_KEK_FILE', kind: 'string', help: 'key-encryption key file, mode 0600 (default dataDir/keys/kek.key)' },
  { name: 'proofKeyFile', env: 'MISSIVE_PROOF_KEY_FILE', kind: 'string', help: 'Ed25519 key signing the proof log, PEM, mode 0600 (default dataDir/keys/proof-signing.pem; made at init)' },
  { name: 'proofKey', env: 'MISSIVE_PROOF_KEY', kind: 'string', help: 'proof signing key, PEM or base64 of its PKCS#8 DER (overrides proofKeyFile)' },
  { name: 'kek', env: 'MISSIVE_KEK', kind: 'string', help: 'key-encryption key, base64 of 32 bytes (overrides kekFile)' },
  { name: 'allowKeyGeneration', env: 'MISSIVE_ALLOW_KEY_GENERATION', kind: 'boolean', help: 'generate missing keys at start (default: true in development only)' },
  { name: 'domain', env: 'MISSIVE_DOMAIN', kind: 'string', help: 'the mail domain this operator serves (default demo.mssante.test)' },
  { name: 'httpHost', env: 'MISSIVE_HTTP_HOST', kind: 'string', help: 'HTTP listen address (default 127.0.0.1)' },
  { name: 'httpPort', env: 'MISSIVE_HTTP_PORT', kind: 'integer', min: 0, max: 65535, help: 'HTTP port (default 8080; 0 picks a free one)' },
  { name: 'smtpHost', env: 'MISSIVE_SMTP_HOST', kind: 'string', help: 'SMTP listen address (default 127.0.0.1)' },
  { name: 'smtpSubmissionPort', env: 'MISSIVE_SMTP_SUBMISSION_PORT', kind: 'integer', min: -1, max: 65535, help: 'SMTP submission with STARTTLS (default 587 in production, 2587 in development; 0 a free one; -1 off)' },
  { name: 'smtpsPort', env: 'MISSIVE_SMTPS_PORT', kind: 'integer', min: -1, max: 65535, help: 'SMTP submission over TLS (default 465 in production, 2465 in development; 0 a free one; -1 off)' },
  { name: 'tlsCertFile', env: 'MISSIVE_TLS_CERT_FILE', kind: 'string', help: 'certificate of the SMTP/IMAP listeners, PEM (development: made under dataDir/tls)' },
  { name: 'tlsKeyFile', env: 'MISSIVE_TLS_KEY_FILE', kind: 'string', help: 'its private key, PEM' },
  { name: 'allowTls13', env: 'MISSIVE_ALLOW_TLS13', kind: 'boolean', help: 'allow TLS 1.3 besides the MSSanté TLS 1.2 suites (default false)' },
  { name: 'imapPort', env: 'MISSIVE_IMAP_PORT', kind: 'integer', min: -1, max: 65535, help: 'IMAP with STARTTLS on smtpHost (default 2143 in development, 143 in production; 0 a free one; -1 off)' },
  { name: 'imapsPort', env: 'MISSIVE_IMAPS_PORT', kind: 'integer', min: -1, max: 65535, help: 'IMAP over TLS (default 2993 in development, 993 in production; 0 a free one; -1 off)' },
  { name: 'mailConnectionsPerAddress', env: 'MISSIVE_MAIL_CONNECTIONS_PER_ADDRESS', kind: 'integer', min: 1, max: 10_000, help: 'SMTP or IMAP connections one address may hold at once, per listener (default 20; a hospital behind one address may need more)' },
  { name: 'smtpExchangePort', env: 'MISSIVE_SMTP_EXCHANGE_PORT', kind: 'integer', min: -1, max: 65535, help: 'mail from other operators, STARTTLS with client certificates (default 25 in production, 2525 in development; 0 a free one; -1 off)' },
  { name: 'tlsTrustAnchorFile', env: 'MISSIVE_TLS_TRUST_ANCHOR_FILE', kind: 'string', help: "authorities of other operators' certificates, PEM bundle (the IGC-Santé root; development adds its own CA)" },
  { name: 'outboundRoutes', env: 'MISSIVE_OUTBOUND_ROUTES', kind: 'string', help: 'deliver these operator domains to these hosts instead of their MX: domain=host:port, …' },
  { name: 'outboundRetryHours', env: 'MISSIVE_OUTBOUND_RETRY_HOURS', kind: 'integer', min: 1, max: 30 * 24, help: 'retry a message to another operator for this long before a failure notice (default 120, five days)' },
  { name: 'outboundFirstRetrySeconds', env: 'MISSIVE_OUTBOUND_FIRST_RETRY_SECONDS', kind: 'integer', min: 1, max: 3600, help: 'first retry delay, doubled each time up to an hour (default 60)' },
  { name: 'devOutbox', env: 'MISSIVE_DEV_OUTBOX', kind: 'boolean', help: 'keep outgoing notifications in a development outbox (default: true in development)' },
  { name: 'demoSeed', env: 'MISSIVE_DEMO_SEED', kind: 'boolean', help: 'create the demo operator on first start (default: true in development)' },
  { name: 'maxAttachmentBytes', env: 'MISSIVE_MAX_ATTACHMENT_BYTES', kind: 'integer', min: 1, help: 'largest attachment, decoded (default 10 MiB)' },
  { name: 'maxMessageBytes', env: 'MISSIVE_MAX_MESSAGE_BYTES', kind: 'integer', min: 1024, help: 'largest raw message (default 40 MiB)' },
  { name: 'maxRecipients', env: 'MISSIVE_MAX_RECIPIENTS', kind: 'integer', min: 1, max: 10000, help: 'recipients per message (default 100)' },
  { name: 'inlineContentBytes', env: 'MISSIVE_INLINE_CONTENT_BYTES', kind: 'integer', min: 0, max: 4 * 1024 * 1024, help: 'messages up to this size (encrypted) are kept in the database, larger ones in the blob store (default 256 KiB; 0: always the blob store)' },
  { name: 'retentionDays', env: 'MISSIVE_RETENTION_DAYS', kind: 'integer', min: 1, help: 'days message content is kept (default 90); proofs are kept forever' },
  { name: 'retentionIntervalMinutes', env: 'MISSIVE_RETENTION_INTERVAL_MINUTES', kind: 'integer', min: 1, max: 7 * 24 * 60, help: 'how often the purge runs (default 60, at most a week)' },
  { name: 'notifyRelayUrl', env: 'MISSIVE_NOTIFY_RELAY_URL', kind: 'string', help: 'mail relay for login codes and alerts: smtps://user:pass@host:465 or smtp://host:587 (STARTTLS required off loopback)' },
  { name: 'notifyFrom', env: 'MISSIVE_NOTIFY_FROM', kind: 'string', help: 'From of codes and alerts (default Missive <ne-pas-repondre@domain>)' },
  { name: 'httpRateLimitPerMinute', env: 'MISSIVE_HTTP_RATE_LIMIT_PER_MINUTE', kind: 'integer', min: 10, max: 1_000_000, help: 'HTTP API requests per minute per session, or per address before login (default 600)' },
  { name: 'trustedProxies', env: 'MISSIVE_TRUSTED_PROXIES', kind: 'string', help: "reverse proxies whose X-Forwarded-For names the client, IPs or CIDRs, comma-separated (default 127.0.0.1,::1 in production, where HTTP listens on loopback behind one; none in development)" },
  { name: 'publicUrl', env: 'MISSIVE_PUBLIC_URL', kind: 'string', help: 'https://… where people outside the trust space open vault links (required in production)' },
  { name: 'vaultLinkDays', env: 'MISSIVE_VAULT_LINK_DAYS', kind: 'integer', min: 1, max: 90, help: 'days a vault link lives unless the sender chooses (default 30)' },
  { name: 'smsUrl', env: 'MISSIVE_SMS_URL', kind: 'string', help: "SMS provider endpoint: https://…, POSTed JSON {to, text} with the token as bearer" },
  { name: 'smsToken', env: 'MISSIVE_SMS_TOKEN', kind: 'string', help: 'bearer token for the SMS provider' },
  { name: 'logLevel', env: 'MISSIVE_LOG_LEVEL', kind: { oneOf: ['debug', 'info', 'warn', 'error'] }, help: 'debug, info (default), warn, error' },
];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

// Variables that belong to the test and bench harness, not to a Missive process.
const HARNESS_VARIABLES = /^MISSIVE_(TEST|BENCH)_/;

export type ConfigSources = { env?: NodeJS.ProcessEnv; file?: string | null; cwd?: string };

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const raw: Partial<Record<keyof Config, unknown>> = {};
  const filePath = sources.file !== undefined ? sources.file : (env.MISSIVE_CONFIG ?? defaultFile(cwd));
  if (filePath) Object.assign(raw, readConfigFile(path.resolve(cwd, filePath)));

  for (const name of Object.keys(env)) {
    if (!name.startsWith('MISSIVE_') || name === 'MISSIVE_CONFIG' || HARNESS_VARIABLES.test(name)) continue;
    const key = CONFIG_KEYS.find((candidate) => candidate.env === name);
    if (!key) throw new ConfigError(`configuration: unknown variable ${name} (known: ${CONFIG_KEYS.map((k) => k.env).join(', ')})`);
    raw[key.name] = env[name];
  }
  const typed: Partial<Config> = {};
  for (const key of CONFIG_KEYS) {
    if (raw[key.name] !== undefined) (typed as Record<string, unknown>)[key.name] = coerce(key, raw[key.name]);
  }
  return finish(typed, cwd);
}

function defaultFile(cwd: string): string | null {
  const candidate = path.join(cwd, 'missive.config.json');
  return existsSync(candidate) ? candidate : null;
}

function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`configuration file ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`configuration file ${file}: must hold a JSON object`);
  }
  for (const name of Object.keys(parsed)) {
    if (!CONFIG_KEYS.some((key) => key.name === name)) throw new ConfigError(`configuration file ${file}: unknown key "${name}"`);
  }
  return parsed as Record<string, unknown>;
}

function coerce(key: Key, value: unknown): unknown {
  const where = `${key.name} (${key.env})`;
  const text = typeof value === 'string' ? value.trim() : value;
  if (key.kind === 'string') {
    if (typeof text !== 'string') throw new ConfigError(`configuration: ${where} must be a string`);
    return text;
  }
  if (key.kind === 'boolean') {
    if (typeof text === 'boolean') return text;
    if (text === 'true' || text === '1' || text === 'yes') return true;
    if (text === 'false' || text === '0' || text === 'no') return false;
    throw new ConfigError(`configuration: ${where} must be true or false, got ${JSON.stringify(value)}`);
  }
  if (key.kind === 'integer') {
    const number = typeof text === 'number' ? text : typeof text === 'string' && /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < (key.min ?? -Infinity) || number > (key.max ?? Infinity)) {
      const range = `${key.min ?? '-∞'}…${key.max ?? '∞'}`;
      throw new ConfigError(`configuration: ${where} must be an integer in ${range}, got ${JSON.stringify(value)}`);
    }
    return number;
  }
  if (typeof text !== 'string' || !key.kind.oneOf.includes(text)) {
    throw new ConfigError(`configuration: ${where} must be one of ${key.kind.oneOf.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return text;
}

function finish(given: Partial<Config>, cwd: string): Config {
  const mode = given.mode ?? 'development';
  const development = mode === 'development';
  const dataDir = path.resolve(cwd, given.dataDir ?? 'data');
  const config: Config = {
    mode,
    dataDir,
    databaseUrl: given.databaseUrl ?? '',
    blobsDir: path.resolve(cwd, given.blobsDir ?? path.join(dataDir, 'blobs')),
    kekFile: path.resolve(cwd, given.kekFile ?? path.join(dataDir, 'keys', 'kek.key')),
    proofKeyFile: path.resolve(cwd, given.proofKeyFile ?? path.join(dataDir, 'keys', 'proof-signing.pem')),
    proofKey: given.proofKey ?? '',
    kek: given.kek ?? '',
    allowKeyGeneration: given.allowKeyGeneration ?? development,
    domain: (given.domain ?? 'demo.mssante.test').toLowerCase(),
    httpHost: given.httpHost ?? '127.0.0.1',
    httpPort: given.httpPort ?? 8080,
    smtpHost: given.smtpHost ?? '127.0.0.1',
    smtpSubmissionPort: given.smtpSubmissionPort ?? (development ? 2587 : 587),
    smtpsPort: given.smtpsPort ?? (development ? 2465 : 465),
    tlsCertFile: given.tlsCertFile ? path.resolve(cwd, given.tlsCertFile) : '',
    tlsKeyFile: given.tlsKeyFile ? path.resolve(cwd, given.tlsKeyFile) : '',
    allowTls13: given.allowTls13 ?? false,
    imapPort: given.imapPort ?? (development ? 2143 : 143),
    imapsPort: given.imapsPort ?? (development ? 2993 : 993),
    mailConnectionsPerAddress: given.mailConnectionsPerAddress ?? 20,
    smtpExchangePort: given.smtpExchangePort ?? (development ? 2525 : 25),
    tlsTrustAnchorFile: given.tlsTrustAnchorFile ? path.resolve(cwd, given.tlsTrustAnchorFile) : '',
    outboundRoutes: given.outboundRoutes ?? '',
    outboundRetryHours: given.outboundRetryHours ?? 120,
    outboundFirstRetrySeconds: given.outboundFirstRetrySeconds ?? 60,
    devOutbox: given.devOutbox ?? development,
    demoSeed: given.demoSeed ?? development,
    maxAttachmentBytes: given.maxAttachmentBytes ?? 10 * 1024 * 1024,
    maxMessageBytes: given.maxMessageBytes ?? 40 * 1024 * 1024,
    maxRecipients: given.maxRecipients ?? 100,
    inlineContentBytes: given.inlineContentBytes ?? 256 * 1024,
    retentionDays: given.retentionDays ?? 90,
    retentionIntervalMinutes: given.retentionIntervalMinutes ?? 60,
    notifyRelayUrl: given.notifyRelayUrl ?? '',
    notifyFrom: given.notifyFrom ?? '',
    httpRateLimitPerMinute: given.httpRateLimitPerMinute ?? 600,
    trustedProxies: given.trustedProxies ?? (development ? '' : '127.0.0.1,::1'),
    publicUrl: given.publicUrl ?? '',
    vaultLinkDays: given.vaultLinkDays ?? 30,
    smsUrl: given.smsUrl ?? '',
    smsToken: given.smsToken ?? '',
    logLevel: given.logLevel ?? 'info',
  };
  if (!isDomain(config.domain)) throw new ConfigError(`configuration: domain (MISSIVE_DOMAIN) is not a domain name: ${JSON.stringify(config.domain)}`);
  if (config.databaseUrl !== '' && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    throw new ConfigError('configuration: databaseUrl (MISSIVE_DATABASE_URL) must be empty (embedded SQLite) or a postgres:// URL');
  }
  if (config.notifyRelayUrl !== '' && !/^smtps?:\/\/[^/?#]+(:\d+)?\/?$/.test(config.notifyRelayUrl)) {
    throw new ConfigError('configuration: notifyRelayUrl (MISSIVE_NOTIFY_RELAY_URL) must be smtps://[user:pass@]host[:port] or smtp://[user:pass@]host[:port]');
  }
  try {
    parseOutboundRoutes(config.outboundRoutes);
  } catch (error) {
    throw new ConfigError(`configuration: outboundRoutes (MISSIVE_OUTBOUND_ROUTES): ${(error as Error).message}`);
  }
  if (config.publicUrl !== '' && !/^https?:\/\/[^/?#\s]+\/?$/.test(config.publicUrl)) {
    throw new ConfigError('configuration: publicUrl (MISSIVE_PUBLIC_URL) must be https://host[:port], without a path');
  }
  try {
    parseTrustedProxies(config.trustedProxies);
  } catch (error) {
    throw new ConfigError(`configuration: trustedProxies (MISSIVE_TRUSTED_PROXIES): ${(error as Error).message}`);
  }
  if (config.smsUrl !== '' && !/^https?:\/\/\S+$/.test(config.smsUrl)) throw new ConfigError('configuration: smsUrl (MISSIVE_SMS_URL) must be an http(s):// URL');
  config.publicUrl = config.publicUrl.replace(/\/$/, '') || `http://${config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost}:${config.httpPort}`;
  if (config.notifyFrom === '') config.notifyFrom = `Missive <ne-pas-repondre@${config.domain}>`;
  if (config.maxAttachmentBytes > config.maxMessageBytes) {
    throw new ConfigError('configuration: maxAttachmentBytes (MISSIVE_MAX_ATTACHMENT_BYTES) cannot exceed maxMessageBytes (MISSIVE_MAX_MESSAGE_BYTES)');
  }
  // In production, allowKeyGeneration defaults to false: a missing key then stops the start
  // (see store/crypto) unless the operator consented explicitly.
  if (mode === 'production') refuseDevelopmentSettings(config);
  return config;
}

/** Production must never run on what only makes sense on a developer's laptop. */
function refuseDevelopmentSettings(config: Config): void {
  const problems: string[] = [];
  if (config.devOutbox) problems.push('devOutbox (MISSIVE_DEV_OUTBOX) must be false: the development outbox shows what would be sent');
  if (config.demoSeed) problems.push('demoSeed (MISSIVE_DEMO_SEED) must be false: no demo accounts in production');
  if (!config.publicUrl.startsWith('https://')) problems.push('publicUrl (MISSIVE_PUBLIC_URL) must be the https:// address people outside reach: vault links point there');
  if (config.smsUrl !== '' && !config.smsUrl.startsWith('https://')) problems.push('smsUrl (MISSIVE_SMS_URL) must be https://: codes travel in it');
  if (config.notifyRelayUrl === '') problems.push('notifyRelayUrl (MISSIVE_NOTIFY_RELAY_URL) must name a mail relay: without it no one receives a login code');
  if (!isLoopback(config.httpHost)) {
    problems.push(`httpHost (MISSIVE_HTTP_HOST) ${config.httpHost}: plain HTTP is only for loopback; put TLS in front and listen on loopback`);
  }
  if ((config.smtpSubmissionPort >= 0 || config.smtpsPort >= 0 || config.smtpExchangePort >= 0 || config.imapPort >= 0 || config.imapsPort >= 0) && (config.tlsCertFile === '' || config.tlsKeyFile === '')) {
    problems.push('tlsCertFile and tlsKeyFile (MISSIVE_TLS_CERT_FILE, MISSIVE_TLS_KEY_FILE) are needed for SMTP and IMAP; or turn them off with smtpSubmissionPort, smtpsPort, smtpExchangePort, imapPort and imapsPort -1');
  }
  if (config.smtpExchangePort >= 0 && config.tlsTrustAnchorFile === '') {
    problems.push("tlsTrustAnchorFile (MISSIVE_TLS_TRUST_ANCHOR_FILE) must name the sector PKI's root: other operators' certificates are checked against it");
  }
  if (problems.length > 0) throw new ConfigError(`configuration refused in production mode:\n  - ${problems.join('\n  - ')}`);
}

/** `address, address/prefix, …` as a list; an entry that is neither an IP address nor a CIDR range is an error naming it. */
export function parseTrustedProxies(text: string): string[] {
  const proxies = text.split(/[,\s]+/).filter(Boolean);
  for (const entry of proxies) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits))) {
      throw new Error(`${JSON.stringify(entry.slice(0, 60))} is not an IP address or a CIDR range`);
    }
  }
  return proxies;
}

/** `domain=host:port, …` as a map; a bad entry is an error naming it. */
export function parseOutboundRoutes(text: string): Map<string, { host: string; port: number }> {
  const routes = new Map<string, { host: string; port: number }>();
  for (const entry of text.split(/[,\s]+/).filter(Boolean)) {
    const match = /^([^=]+)=(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry);
    const domain = match?.[1]!.toLowerCase();
    const port = Number(match?.[3] ?? 25);
    if (!match || !isDomain(domain!) || port < 1 || port > 65535) throw new Error(`"${entry}" is not domain=host[:port]`);
    routes.set(domain!, { host: match[2]!.replace(/^\[|\]$/g, ''), port });
  }
  return routes;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
