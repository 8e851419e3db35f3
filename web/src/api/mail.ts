import { apiRequest, del, get, patch, post, query, seg } from './client.ts';
import type { Folder, FolderPage, ListEntry, Mailbox } from './types.ts';

export const listMailboxes = () => get<Mailbox[]>('/mailboxes');

export const probeMailboxes = () => apiRequest<Mailbox[]>('GET', '/mailboxes', { expect401: true });

export const listFolders = (mailboxId: string) => get<Folder[]>(`/mailboxes/${seg(mailboxId)}/folders`);

const messagesPath = (mailboxId: string, folder: string) => `/mailboxes/${seg(mailboxId)}/folders/${seg(folder)}/messages`;

export const listMessages = (mailboxId: string, folder: string, page: { limit?: number; before?: number }, signal?: AbortSignal) =>
  get<FolderPage>(messagesPath(mailboxId, folder) + query({ limit: page.limit ?? 50, before: page.before }), signal);

export const searchMessages = (mailboxId: string, q: string, signal?: AbortSignal) =>
  get<{ entries: ListEntry[] }>(`/mailboxes/${seg(mailboxId)}/search${query({ q, limit: 50 })}`, signal);

export const setFlags = (mailboxId: string, folder: string, uid: number, flags: { seen?: boolean; flagged?: boolean }) =>
  patch<{ uid: number; flags: string }>(`${messagesPath(mailboxId, folder)}/${uid}`, flags);

export const moveMessage = (mailboxId: string, folder: string, uid: number, to: string) =>
  post<{ folder: string; uid: number }>(`${messagesPath(mailboxId, folder)}/${uid}/move`, { to });

/** To the Trash, or for good when already there (then the answer is empty). */
export const deleteMessage = (mailboxId: string, folder: string, uid: number) =>
  del<{ folder: string; uid: number } | undefined>(`${messagesPath(mailboxId, folder)}/${uid}`);
