import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseOutboundRoutes, type Config } from '../config/config.ts';
import { createLogger, type Logger } from '../observability/log.ts';
import { inProcessChangeFeed, sharedChangeFeed } from '../services/change-feed.ts';
import type { ServiceContext } from '../services/context.ts';
import { drainDeposits } from '../services/deposit/deposit-batcher.ts';
import { devOutboxNotifier } from '../services/notify/dev-outbox.ts';
import { watchNewMessages } from '../services/notify/new-message-alerts.ts';
import { noRelayNotifier, type Notifier } from '../services/notify/notifier.ts';
import { byChannel, smsHttpNotifier } from '../services/notify/sms-http.ts';
import { smtpRelayNotifier } from '../services/notify/smtp-relay.ts';
import { FsBlobStore } from '../store/blobs/fs-blob-store.ts';
import { loadOrCreateKek, parseKek, type KeyEncryptionKey } from '../store/crypto/envelope.ts';
import { loadOrCreateSigningKey, parseSigningKey } from '../store/crypto/signing-key-file.ts';
import { refreshTrustedDomains } from '../services/trust/whitelist-import.ts';
import { inThreadContentReader, threadedContentReader } from '../store/content-reader.ts';
import { intakeForThisMachine } from '../services/deposit/intake-threads.ts';
import { openSqlStore, type SqlLocation, type SqlStore } from '../store/database.ts';
import { listOperatorDomains } from '../store/repositories/accounts.ts';
import { postgresChannel } from '../store/postgres-channel.ts';

export type Runtime = { ctx: ServiceContext; config: Config; keyGenerated: boolean; proofKeyGenerated: boolean; close(): Promise<void> };

/** Builds the service context from the configuration: storage, blobs, keys. The composition root. */
/** Where the configuration says the SQL store is. */
export function sqlLocationOf(config: Config): SqlLocation {
  return config.databaseUrl ? { url: config.databaseUrl } : { sqliteFile: path.join(config.dataDir, 'missive.sqlite') };
}

export async function openRuntime(config: Config, options: { log?: Logger; clock?: () => number } = {}): Promise<Runtime> {
  const log = options.log ?? createLogger(config.logLevel);
  const { kek, generated } = await loadKek(config);
  const { key: proofKey, generated: proofKeyGenerated } =
    config.proofKey !== '' ? { key: parseSigningKey(config.proofKey), generated: false } : await loadOrCreateSigningKey(config.proofKeyFile, { allowGenerate: config.allowKeyGeneration });
  const location = sqlLocationOf(config);
  const sql = await openSqlStore(location, log);
  const contents = 'sqliteFile' in location ? threadedContentReader(location.sqliteFile, kek) : inThreadContentReader(sql.read, kek);
  const intake = intakeForThisMachine();
  const blobs = new FsBlobStore(config.blobsDir);
  // Temporary files older than an hour belong to writes a crash interrupted.
  await blobs.sweepTemporaryFiles(60 * 60 * 1000);
  const clock = options.clock ?? Date.now;
  // On PostgreSQL several nodes may share the database: changes travel between them over it.
  const shared = sharedChangeFeed(inProcessChangeFeed((error) => log.error('a change listener failed', { error })), randomUUID());
  const channel = config.databaseUrl ? await postgresChannel(config.databaseUrl, 'missive_changes', shared.receive, log) : null;
  if (channel) shared.attach(channel.notify);
  const ctx: ServiceContext = {
    sql,
    blobs,
    notifier: notifierFor(config, sql, clock),
    kek,
    contents,
    intake,
    proofKey,
    log,
    clock,
    limits: {
      maxAttachmentBytes: config.maxAttachmentBytes,
      maxMessageBytes: config.maxMessageBytes,
      maxRecipients: config.maxRecipients,
      inlineContentBytes: config.inlineContentBytes,
    },
    vault: { linkDays: config.vaultLinkDays, publicUrl: config.publicUrl },
    outbound: { retryHours: config.outboundRetryHours, firstRetrySeconds: config.outboundFirstRetrySeconds, routes: parseOutboundRoutes(config.outboundRoutes) },
    localDomains: new Set(await listOperatorDomains(sql.read)),
    trustedDomains: new Set(),
    operatorSubjects: new Map(),
    changes: shared.feed,
  };
  await refreshTrustedDomains(ctx);
  const stopAlerts = watchNewMessages(ctx);
  return {
    ctx,
    config,
    keyGenerated: generated,
    proofKeyGenerated,
    async close() {
      await drainDeposits(ctx);
      await stopAlerts();
      await channel?.close();
      await contents.close();
      await intake.close();
      await sql.close();
    },
  };
}

/** The development outbox when asked for, else the configured relay; without one, sending refuses clearly. */
function notifierFor(config: Config, sql: SqlStore, clock: () => number): Notifier {
  if (config.devOutbox) return devOutboxNotifier(sql, clock);
  const email = config.notifyRelayUrl !== '' ? smtpRelayNotifier({ url: config.notifyRelayUrl, from: config.notifyFrom }) : noRelayNotifier;
  const sms = config.smsUrl !== '' ? smsHttpNotifier({ url: config.smsUrl, token: config.smsToken }) : noRelayNotifier;
  return byChannel({ email, sms });
}

async function loadKek(config: Config): Promise<{ kek: KeyEncryptionKey; generated: boolean }> {
  if (config.kek !== '') return { kek: parseKek(config.kek), generated: false };
  return loadOrCreateKek(config.kekFile, { allowGenerate: config.allowKeyGeneration });
}
