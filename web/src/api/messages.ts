import { API_BASE, get, query, seg } from './client.ts';
import type { MessageBody, MessageMeta, Tracking } from './types.ts';

const base = (messageId: string) => `/messages/${seg(messageId)}`;

/** Opening a message: the server records it as a proof of reading. */
export const openBody = (messageId: string, mailboxId: string, signal?: AbortSignal) =>
  get<MessageBody>(`${base(messageId)}/body${query({ mailbox: mailboxId })}`, signal);

/** What a message is, without it counting as an opening. */
export const peekMessage = (messageId: string, mailboxId: string, signal?: AbortSignal) =>
  get<MessageMeta>(`${base(messageId)}${query({ mailbox: mailboxId })}`, signal);

export const tracking = (messageId: string, signal?: AbortSignal) => get<Tracking>(`${base(messageId)}/tracking`, signal);

export const htmlUrl = (messageId: string, mailboxId: string) => `${API_BASE}${base(messageId)}/html${query({ mailbox: mailboxId })}`;
export const rawUrl = (messageId: string, mailboxId: string) => `${API_BASE}${base(messageId)}/raw${query({ mailbox: mailboxId })}`;
export const attachmentUrl = (messageId: string, part: string, mailboxId: string) =>
  `${API_BASE}${base(messageId)}/attachments/${seg(part)}${query({ mailbox: mailboxId })}`;
