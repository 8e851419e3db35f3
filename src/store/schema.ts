import type { Generated } from 'kysely';

/**
 * The typed shape of the one schema both engines share (see migrations/). Times are epoch
 * milliseconds (int8 in PostgreSQL, read back as numbers); booleans are 0/1 integers so that
 * both engines store the same values.
 */
export type Flag = 0 | 1;

export interface OperatorDomainTable {
  domain: string;
  created_at: number;
}

export interface StructureTable {
  id: string;
  name: string;
  finess: string | null;
  siret: string | null;
  postcode: string | null;
  city: string | null;
  department: string | null;
  created_at: number;
}

export interface UserAccountTable {
  id: string;
  display_name: string;
  last_name: string | null;
  first_name: string | null;
  rpps: string | null;
  profession: string | null;
  structure_id: string | null;
  notify_email: string | null;
  password_hash: string | null;
  created_at: number;
  disabled_at: number | null;
}

export interface MailboxTable {
  id: string;
  address: string;
  /** Lower-cased address: the unique lookup key. */
  address_key: string;
  kind: 'PER' | 'ORG' | 'APP';
  display_name: string;
  structure_id: string | null;
  liste_rouge: Flag;
  /** An unused address the operator hides from the directory; it still receives mail. */
  directory_hidden: Generated<Flag>;
  created_at: number;
}

export interface MailboxMemberTable {
  mailbox_id: string;
  user_id: string;
  can_read: Flag;
  can_send: Flag;
  can_manage: Flag;
  created_at: number;
}

export interface FolderTable {
  id: string;
  mailbox_id: string;
  name: string;
  special_use: string | null;
  uidvalidity: number;
  uid_next: number;
  highest_modseq: number;
  created_at: number;
}

export interface MessageTable {
  id: string;
  /** The content's name: AEAD context, and file name when stored as a blob. Null once purged. */
  blob_key: string | null;
  /** `inline`: ciphertext in message_content (small messages); `blob`: in the blob store. */
  storage: 'inline' | 'blob';
  /** The per-message data key, wrapped by the operator's key-encryption key; destroyed first at purge. */
  wrapped_key: Buffer | null;
  kek_id: string;
  size: number;
  /** Salted SHA-256 of the stored plaintext, `sha256s:<salt hex>:<digest hex>` (see core/digest.ts). */
  content_digest: string;
  message_id_header: string;
  sender: string;
  subject: string | null;
  /** The display name in From (null when none); cleared at purge with the subject. */
  from_name: string | null;
  /** Folded words for search (see core/search-text.ts); cleared at purge. */
  search_text: string | null;
  date_header: number | null;
  has_attachments: Flag;
  /** The MIME index computed once at deposit (JSON): headers, addresses, attachments. */
  index_json: string | null;
  /** The IMAP ENVELOPE as encoded on the first FETCH that asked for it (null before); cleared at purge. */
  imap_envelope: string | null;
  /** The INS of the patient the message concerns (written to a patient through the vault), else null. */
  patient_ins: string | null;
  received_at: number;
  purged_at: number | null;
}

export interface MessageContentTable {
  message_id: string;
  ciphertext: Buffer;
}

export interface MailboxEntryTable {
  folder_id: string;
  uid: number;
  message_id: string;
  mailbox_id: string;
  flags: string;
  modseq: number;
  internal_date: number;
}

export interface RecipientTable {
  message_id: string;
  address: string;
  header_kind: 'to' | 'cc' | 'bcc';
  route: 'local' | 'operator' | 'vault';
  state: 'delivered' | 'queued' | 'failed';
  mailbox_id: string | null;
  delivered_at: number | null;
  opened_at: number | null;
}

export interface ProofEventTable {
  seq: Generated<number>;
  id: string;
  type: string;
  message_id: string;
  message_id_header: string;
  content_digest: string;
  actor: string;
  recipient: string | null;
  channel: string;
  at: number;
}

export interface ProofLeafTable {
  leaf_index: number;
  event_seq: number;
  hash: Uint8Array;
}

export interface ProofNodeTable {
  level: number;
  position: number;
  hash: Uint8Array;
}

export interface ProofHeadTable {
  tree_size: number;
  root_hash: Uint8Array;
  signed_at: number;
  key_id: string;
  signature: Uint8Array;
}

export interface OutboundQueueTable {
  id: string;
  message_id: string;
  sender: string;
  domain: string;
  recipients: string;
  attempts: number;
  next_attempt_at: number;
  expires_at: number;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
}

export interface VaultItemTable {
  id: string;
  message_id: string;
  /** The recipient outside the trust space. */
  address: string;
  sender_mailbox_id: string;
  /** Keyed digests: the link's token, the access code, the reader's session (never in clear). */
  link_digest: string;
  code_digest: string | null;
  code_by: 'sms' | 'phone';
  phone: string | null;
  replies: 'none' | 'once' | 'thread';
  replies_sent: number;
  wrong_codes: number;
  session_digest: string | null;
  session_until: number | null;
  created_at: number;
  expires_at: number;
  notified_at: number | null;
  opened_at: number | null;
  revoked_at: number | null;
  locked_at: number | null;
}

export interface ExpungedEntryTable {
  folder_id: string;
  uid: number;
  modseq: number;
}

export interface AccessTokenTable {
  id: string;
  user_id: string;
  label: string;
  token_digest: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface AppPasswordTable {
  id: string;
  user_id: string;
  label: string;
  secret_digest: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface TrustedDomainTable {
  domain: string;
  description: string | null;
  certificate_subject: string | null;
  responsible_contact: string | null;
  support_contact: string | null;
  updated_on: string | null;
  imported_at: number;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  result: 'ok' | 'refused' | 'error';
  /** Structured facts (ids, counts, error codes) — never content, never secrets. */
  detail: string | null;
}

export interface OtpChallengeTable {
  id: string;
  user_id: string;
  code_digest: string;
  attempts: number;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
}

export interface SessionTable {
  id: string;
  user_id: string;
  token_digest: string;
  user_agent: string | null;
  source: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  locked_until: number;
  updated_at: number;
}

export interface DevOutboxTable {
  seq: Generated<number>;
  at: number;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string;
  body: string;
}

export interface UserPreferenceTable {
  user_id: string;
  language: 'fr' | 'en';
  alert_new_message: Flag;
  last_alert_at: number | null;
  updated_at: number;
  alert_tracking: Flag;
  last_tracking_alert_at: number | null;
}

export interface TotpCredentialTable {
  user_id: string;
  secret_sealed: Buffer;
  confirmed_at: number | null;
  last_step: number | null;
  created_at: number;
}

export interface UploadTable {
  id: string;
  user_id: string;
  filename: string;
  content_type: string;
  size: number;
  blob_key: string;
  wrapped_key: Buffer;
  kek_id: string;
  created_at: number;
}

export interface DraftTable {
  id: string;
  user_id: string;
  mailbox_id: string;
  sealed: Buffer;
  created_at: number;
  updated_at: number;
}

export interface DirectoryGenerationTable {
  id: string;
  state: 'building' | 'active' | 'retired';
  started_at: number;
  heartbeat_at: number;
  activated_at: number | null;
  report: string | null;
}

export interface DirectoryEntryTable {
  generation_id: string;
  address: string;
  address_key: string;
  kind: string;
  pp_id_type: string | null;
  pp_id: string | null;
  national_id: string | null;
  civility: string | null;
  last_name: string | null;
  first_name: string | null;
  profession_code: string | null;
  profession_label: string | null;
  category_code: string | null;
  speciality_code: string | null;
  speciality_label: string | null;
  structure_id_type: string | null;
  structure_id: string | null;
  structure_name: string | null;
  service: string | null;
  street: string | null;
  city: string | null;
  postcode: string | null;
  department: string | null;
  country: string | null;
  fingerprint: string;
}

export interface DirectoryActivityTable {
  generation_id: string;
  national_id: string;
  line: number;
  profession_code: string | null;
  profession_label: string | null;
  speciality_code: string | null;
  speciality_label: string | null;
  mode_code: string | null;
  siret: string | null;
  finess: string | null;
  site_name: string | null;
  postcode: string | null;
  city: string | null;
  department: string | null;
  phone: string | null;
  email: string | null;
}

export interface Database {
  operator_domain: OperatorDomainTable;
  structure: StructureTable;
  user_account: UserAccountTable;
  mailbox: MailboxTable;
  mailbox_member: MailboxMemberTable;
  folder: FolderTable;
  message: MessageTable;
  message_content: MessageContentTable;
  mailbox_entry: MailboxEntryTable;
  recipient: RecipientTable;
  proof_event: ProofEventTable;
  proof_leaf: ProofLeafTable;
  proof_node: ProofNodeTable;
  proof_head: ProofHeadTable;
  app_password: AppPasswordTable;
  trusted_domain: TrustedDomainTable;
  outbound_queue: OutboundQueueTable;
  vault_item: VaultItemTable;
  access_token: AccessTokenTable;
  expunged_entry: ExpungedEntryTable;
  audit_log: AuditLogTable;
  otp_challenge: OtpChallengeTable;
  session: SessionTable;
  login_throttle: LoginThrottleTable;
  dev_outbox: DevOutboxTable;
  user_preference: UserPreferenceTable;
  totp_credential: TotpCredentialTable;
  upload: UploadTable;
  draft: DraftTable;
  directory_generation: DirectoryGenerationTable;
  directory_entry: DirectoryEntryTable;
  directory_activity: DirectoryActivityTable;
}
