/**
 * Proof events: the facts of an exchange, kept without time limit while content goes away after
 * retention. Rows are append-only; the signed Merkle log over them comes with the proof issue.
 */
export const PROOF_EVENT_TYPES = [
  'submitted',
  'delivered',
  'opened',
  'attachment_downloaded',
  'forwarded_outside',
  'bounced',
  'vault_code_issued',
  'vault_code_used',
  'purged',
] as const;
export type ProofEventType = (typeof PROOF_EVENT_TYPES)[number];

/** The channel through which the fact happened: a reader opening by IMAP proves as much as one on the web. */
export const CHANNELS = ['web', 'api', 'smtp', 'imap', 'vault', 'cli', 'system'] as const;
export type Channel = (typeof CHANNELS)[number];

export type ProofEvent = {
  readonly type: ProofEventType;
  /** Missive's id of the message, and what a third party can check it against. */
  readonly messageId: string;
  readonly messageIdHeader: string;
  readonly contentDigest: string;
  readonly actor: string;
  readonly recipient: string | null;
  readonly channel: Channel;
  readonly at: number;
};
