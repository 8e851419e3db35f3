/** Mailbox kinds, with the codes of the national directory. Address and kind never change after creation. */
export const MAILBOX_KINDS = ['PER', 'ORG', 'APP'] as const;
export type MailboxKind = (typeof MAILBOX_KINDS)[number];

export function isMailboxKind(value: string): value is MailboxKind {
  return (MAILBOX_KINDS as readonly string[]).includes(value);
}

export type Rights = { readonly read: boolean; readonly send: boolean; readonly manage: boolean };

export const NO_RIGHTS: Rights = { read: false, send: false, manage: false };
export const ALL_RIGHTS: Rights = { read: true, send: true, manage: true };

/** Parses a rights list such as "read,send" (the CLI and the API use this form). */
export function parseRights(text: string): Rights {
  const words = text.split(',').map((word) => word.trim()).filter((word) => word !== '');
  const unknown = words.filter((word) => !['read', 'send', 'manage'].includes(word));
  if (unknown.length > 0 || words.length === 0) {
    throw new Error(`rights must be a comma-separated list of read, send, manage; got ${JSON.stringify(text)}`);
  }
  return { read: words.includes('read'), send: words.includes('send'), manage: words.includes('manage') };
}

export function formatRights(rights: Rights): string {
  return (['read', 'send', 'manage'] as const).filter((right) => rights[right]).join(',') || 'none';
}

/** Folders every mailbox has from creation, with their RFC 6154 special use. */
export const SPECIAL_FOLDERS = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Archive', specialUse: '\\Archive' },
] as const;

export type SpecialFolderName = (typeof SPECIAL_FOLDERS)[number]['name'];
