import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, isLoopback, loadConfig, parseTrustedProxies, type Config } from './config/config.ts';
import { createLogger } from './observability/log.ts';
import { startSmtp, type SmtpServices } from './runtime/start-smtp.ts';
import { startHttp } from './protocols/http/server.ts';
import { saveCompiledCode } from './runtime/compile-cache.ts';
import { openRuntime } from './runtime/open-runtime.ts';
import { addDomain } from './services/accounts.ts';
import { seedDemo, type DemoCredentials } from './services/demo-seed.ts';
import { keepProofLog } from './services/proofs/proof-log-keeper.ts';
import { runRetention, sweepOrphanBlobs } from './services/retention.ts';
import { refreshTrustedDomains } from './services/trust/whitelist-import.ts';
import { retryVaultNotices } from './services/vault/vault-notices.ts';

/** Every listener on the configured storage; the demo operator on a first development start. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`missive: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Every file Missive creates (database, keys, blobs, credentials) is the operator's alone.
  process.umask(0o077);
  const log = createLogger(config.logLevel);
  const credentialsFile = path.join(config.dataDir, 'demo-credentials.json');
  if (config.mode === 'production' && existsSync(credentialsFile)) {
    process.stderr.write(`missive: refusing to start in production on data with demo accounts (${credentialsFile}); start from an empty data directory\n`);
    process.exit(1);
  }
  const runtime = await openRuntime(config, { log });
  const { ctx } = runtime;
  if (runtime.keyGenerated) log.warn('generated a new key-encryption key', { file: config.kekFile });
  if (runtime.proofKeyGenerated) log.warn('generated a new proof signing key', { file: config.proofKeyFile });
  if (!ctx.localDomains.has(config.domain)) await addDomain(ctx, config.domain);

  if (config.demoSeed) {
    const seeded = await seedDemo(ctx, config.domain);
    if (seeded) {
      await writeFile(credentialsFile, `${JSON.stringify(seeded, null, 2)}\n`, { mode: 0o600 });
      await chmod(credentialsFile, 0o600);
    }
  }
  const http = await startHttp(ctx, {
    host: config.httpHost,
    port: config.httpPort,
    version: await version(),
    devOutbox: config.devOutbox,
    // Browsers keep Secure cookies off plain HTTP; loopback development is plain HTTP.
    secureCookies: !isLoopback(config.httpHost),
    webRoot: fileURLToPath(new URL('../web/dist', import.meta.url)),
    rateLimitPerMinute: config.httpRateLimitPerMinute,
    trustedProxies: parseTrustedProxies(config.trustedProxies),
  });

  const smtp = await startSmtp(config, ctx, log);
  if (smtp.imap) ctx.contents.prepare();

  // After a crash, deposits of the last week may have left unreferenced blobs: clear them in the background.
  sweepOrphanBlobs(ctx, 7 * 24).catch((error: unknown) => log.error('orphan blob sweep failed', { error }));
  // The next run is scheduled when the previous one ends: runs never overlap.
  let retention: NodeJS.Timeout;
  const scheduleRetention = () => {
    retention = setTimeout(() => {
      runRetention(ctx, config.retentionDays, config.retentionIntervalMinutes / 60)
        .catch((error: unknown) => log.error('retention run failed', { error }))
        .finally(scheduleRetention);
    }, config.retentionIntervalMinutes * 60_000);
    retention.unref();
  };
  scheduleRetention();
  const proofLog = keepProofLog(ctx);
  // A whitelist imported by the command line reaches this process within a minute.
  const trust = setInterval(() => refreshTrustedDomains(ctx).catch((error: unknown) => log.error('trusted domains refresh failed', { error })), 60_000);
  trust.unref();
  // Vault notifications that did not leave (relay down, a stop after the commit) go again.
  const vaultNotices = setInterval(() => retryVaultNotices(ctx).catch((error: unknown) => log.error('vault notifications retry failed', { error })), 5 * 60_000);
  vaultNotices.unref();

  printWelcome(config, http.url, smtp, config.demoSeed ? await readCredentials(credentialsFile) : null);
  saveCompiledCode();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    clearTimeout(retention);
    clearInterval(trust);
    clearInterval(vaultNotices);
    http.app
      .close()
      .then(() => smtp.close())
      .then(() => proofLog.stop())
      .then(() => runtime.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function readCredentials(file: string): Promise<DemoCredentials | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoCredentials;
  } catch {
    return null;
  }
}

function printWelcome(config: Config, url: string, smtp: SmtpServices, demo: DemoCredentials | null): void {
  const { submission: listeners, exchange, imap } = smtp;
  const imapPorts = [imap?.port != null ? `${config.smtpHost}:${imap.port} (STARTTLS)` : null, imap?.securePort != null ? `${config.smtpHost}:${imap.securePort} (TLS)` : null].filter(Boolean);
  const submission = [listeners?.port != null ? `${config.smtpHost}:${listeners.port} (STARTTLS)` : null, listeners?.securePort != null ? `${config.smtpHost}:${listeners.securePort} (TLS)` : null].filter(Boolean);
  const lines = [
    '',
    `Missive ${config.mode} — domain ${config.domain}`,
    `  storage      ${config.databaseUrl ? 'PostgreSQL' : `SQLite ${path.join(config.dataDir, 'missive.sqlite')}`}; encrypted blobs in ${config.blobsDir}`,
    `  health       ${url}/healthz`,
    `  SMTP         ${submission.length > 0 ? `submission ${submission.join(', ')}; log in with an application password` : 'submission off'}`,
    `  IMAP         ${imapPorts.length > 0 ? `${imapPorts.join(', ')}` : 'off'}`,
    `  exchange     ${exchange?.port != null ? `${config.smtpHost}:${exchange.port} (STARTTLS, client certificates of whitelisted operators)` : 'off'}`,
    '  CLI          ./bin/missive help   (for example: ./bin/missive list --as eloise.martin)',
  ];
  if (demo) {
    lines.push('', `Demo operator (passwords are also in ${path.join(config.dataDir, 'demo-credentials.json')}):`);
    for (const user of demo.users) {
      lines.push(`  ${user.id.padEnd(16)} ${user.password.padEnd(18)} ${user.name}, ${user.role} — ${user.mailboxes.join(', ')}`);
    }
  }
  lines.push('', 'Ready — Ctrl+C to stop.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
