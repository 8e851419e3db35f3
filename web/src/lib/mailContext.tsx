import { createContext, useContext } from 'react';
import type { Folder, Mailbox, MailboxEvent, Me } from '../api/types.ts';

/** What a compose screen starts from: a reply, a forward, or nothing. */
export type ComposePrefill = {
  mailboxId?: string;
  to?: string[];
  cc?: string[];
  subject?: string;
  text?: string;
  inReplyTo?: string;
  mode?: 'new' | 'reply' | 'forward';
  /** Where to go back to after sending or closing. */
  returnTo?: string;
};

export type MailContext = {
  me: Me;
  mailboxes: Mailbox[];
  folders: Record<string, Folder[] | undefined>;
  defaultMailboxId: string | null;
  refreshFolders(mailboxId?: string): void;
  /** Components that show mail subscribe to live changes here. */
  subscribe(listener: (event: MailboxEvent) => void): () => void;
  openCompose(prefill?: ComposePrefill): void;
  updateMe(me: Me): void;
  logout(): void;
};

export const MailContextValue = createContext<MailContext | null>(null);

export function useMail(): MailContext {
  const context = useContext(MailContextValue);
  if (!context) throw new Error('useMail outside the shell');
  return context;
}

export function canSend(mailbox: Mailbox): boolean {
  return mailbox.rights.split(',').includes('send');
}

export function canManage(mailbox: Mailbox): boolean {
  return mailbox.rights.split(',').includes('manage');
}
