/** Shapes of the Missive HTTP API (/api/v1), as the client reads them. */

export type Language = 'fr' | 'en';

export type Preferences = { language: Language; alertNewMessage: boolean; alertTracking: boolean };

export type Me = {
  userId: string;
  displayName: string;
  notifyEmail: string;
  csrfToken: string;
  preferences: Preferences;
};

export type LoginChallenge = { challengeId: string; sentTo: string; expiresAt: number; method?: 'email' | 'totp' };

export type Verified = { userId: string; csrfToken: string; expiresAt: number };

export type SessionInfo = {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  userAgent: string | null;
  source: string | null;
  current: boolean;
};

export type TotpStatus = { enabled: boolean; pending: boolean };
export type TotpSetup = { secret: string; uri: string };

export type MailboxKind = 'PER' | 'ORG' | 'APP';

export type Mailbox = { id: string; address: string; kind: MailboxKind; displayName: string; rights: string };

export type SpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Archive' | null;

export type Folder = { name: string; specialUse: SpecialUse; total: number; unread: number };

export type ListEntry = {
  uid: number;
  messageId: string;
  sender: string;
  fromName?: string | null;
  subject: string | null;
  flags: string;
  internalDate: number;
  size: number;
  hasAttachments: boolean;
  /** Present in search results: the folder the entry lives in. */
  folder?: string;
};

export type FolderPage = { folder: string; uidvalidity: number; entries: ListEntry[] };

export type Person = { name: string; address: string };

export type Attachment = { part: string; filename: string | null; contentType: string; size: number; inline: boolean };

export type MessageBody = {
  id: string;
  messageIdHeader: string;
  subject: string | null;
  from: Person[];
  sender: string | Person[] | null;
  replyTo: Person[];
  to: Person[];
  cc: Person[];
  date: number | null;
  receivedAt: number;
  text: string | null;
  hasHtml: boolean;
  attachments: Attachment[];
  inReplyTo: string | null;
  references: string[];
  mss?: Record<string, string | null> | null;
};

export type MessageMeta = {
  id: string;
  messageIdHeader: string;
  sender: string;
  size: number;
  receivedAt: number;
  index: {
    subject: string | null;
    from: Person[];
    to: Person[];
    cc: Person[];
    replyTo?: Person[];
    date: number | null;
    attachments: Attachment[];
    textPreview: string;
    inReplyTo?: string | null;
    references?: string[];
  };
};

export type RecipientState = 'delivered' | 'queued' | 'failed';

export type TrackingRecipient = {
  address: string;
  kind: 'to' | 'cc' | 'bcc';
  route: string;
  state: RecipientState;
  deliveredAt: number | null;
  openedAt: number | null;
};

export type Tracking = { messageId: string; subject: string | null; sentAt: number; recipients: TrackingRecipient[] };

export type DirectoryKind = 'PER' | 'ORG' | 'APP' | 'CAB';

export type CodeLabel = { code: string; label: string | null };

/** A correspondent from the regional directory (the operator's own mailboxes) or the national one. */
export type DirectoryCard = {
  address: string;
  kind: string;
  source: 'regional' | 'national';
  /** "Dr Éloïse Martin", or the service's name. */
  name: string;
  civility: string | null;
  lastName: string | null;
  firstName: string | null;
  nationalId: string | null;
  profession: CodeLabel | null;
  speciality: CodeLabel | null;
  structure: { id: string | null; name: string | null; service: string | null } | null;
  place: { street: string | null; postcode: string | null; city: string | null; department: string | null } | null;
};

export type DirectoryFilters = {
  profession?: string;
  speciality?: string;
  department?: string;
  postcode?: string;
  kind?: string;
  structure?: string;
};

export type DirectoryPage = { total: number; page: number; limit: number; entries: DirectoryCard[] };

export type DirectoryVocabulary = { professions: CodeLabel[]; specialities: CodeLabel[]; departments: string[]; kinds: string[] };

export type Upload = { id: string; filename: string; contentType: string; size: number };

export type DraftContent = {
  mailboxId: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  attachments: string[];
  inReplyTo?: string | null;
};

/** A stored draft as read back: attachments may come as upload ids or as described uploads. */
export type Draft = Omit<DraftContent, 'attachments'> & { id: string; updatedAt: number; attachments: (string | Upload)[] };

export type DraftSummary = Partial<Draft> & { id: string; updatedAt: number };

/** A recipient outside the trust space: the copy waits in the vault; `code` is for the sender to dictate (else sent by SMS). */
export type VaultSent = { address: string; itemId: string; code: string | null; expiresAt: number; notified: boolean };
export type Sent = { messageId: string; messageIdHeader: string; recipients: { address: string }[]; vault: VaultSent[] };

export type VaultChoices = { codeBy?: 'sms' | 'phone'; phones?: Record<string, string>; expiresInDays?: number; replies?: 'none' | 'once' | 'thread' };

export type VaultCopy = {
  id: string;
  address: string;
  codeBy: 'sms' | 'phone';
  replies: 'none' | 'once' | 'thread';
  repliesSent: number;
  state: 'waiting' | 'opened' | 'expired' | 'revoked' | 'locked';
  notifiedAt: number | null;
  openedAt: number | null;
  expiresAt: number;
};

export type MailboxEvent = { mailboxId: string; kind: 'arrived' | 'changed' | 'tracking'; folder?: string; messageId?: string };
