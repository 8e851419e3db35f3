import type { Logger } from '../observability/log.ts';
import type { BlobStore } from '../store/blobs/blob-store.ts';
import type { ContentReader } from '../store/content-reader.ts';
import type { KeyEncryptionKey } from '../store/crypto/envelope.ts';
import type { SigningKey } from '../store/crypto/signing-key-file.ts';
import type { SqlStore } from '../store/database.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { MessageIntake } from './deposit/intake-threads.ts';
import type { Notifier } from './notify/notifier.ts';

export type Limits = {
  maxAttachmentBytes: number;
  maxMessageBytes: number;
  maxRecipients: number;
  inlineContentBytes: number;
};

/** Delivery to other operators. */
export type OutboundSettings = {
  retryHours: number;
  firstRetrySeconds: number;
  /** Hosts that replace a domain's MX (tests, an operator's own relay). */
  routes: ReadonlyMap<string, { host: string; port: number }>;
};

/** Messages kept for recipients outside the trust space. */
export type VaultSettings = {
  /** Days a link lives unless the sender chooses. */
  linkDays: number;
  /** Where links point: the address people outside reach. */
  publicUrl: string;
};

/** What every use case needs, built once at start (see `open-services.ts`) and passed down. */
export type ServiceContext = {
  readonly sql: SqlStore;
  readonly blobs: BlobStore;
  readonly kek: KeyEncryptionKey;
  /** Takes messages in (line ends, index, digest, encryption) for deposit, off the main thread. */
  readonly intake: MessageIntake;
  /** Reads and decrypts message contents a batch at a time (IMAP bodies), off the main thread on SQLite. */
  readonly contents: ContentReader;
  /** Signs the proof log's heads; its public half is published. */
  readonly proofKey: SigningKey;
  /** Codes and alerts to addresses outside the trust space (development outbox or relay). */
  readonly notifier: Notifier;
  readonly limits: Limits;
  readonly outbound: OutboundSettings;
  readonly vault: VaultSettings;
  readonly log: Logger;
  /** Epoch milliseconds; tests replace it to move time (retention). */
  readonly clock: () => number;
  /** The domains this operator serves, kept in memory: every deposit consults them. */
  readonly localDomains: Set<string>;
  /** Whitelisted domains of other operators (filled by the SMTP issue's trust import). */
  readonly trustedDomains: Set<string>;
  /** The certificate subject the whitelist gives for each of those domains (null: none given). */
  readonly operatorSubjects: Map<string, string | null>;
  /** Committed changes per mailbox, for live views. */
  readonly changes: ChangeFeed;
};
