import { del, get, post, put, seg } from './client.ts';
import type { Draft, DraftContent, DraftSummary, Sent, VaultChoices } from './types.ts';

export type Outgoing = {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  attachments?: string[];
  inReplyTo?: string;
  draftId?: string;
  vault?: VaultChoices;
  patient?: { ins: string; email: string; phone?: string };
};

/** Optional fields go only when set: the server refuses properties it does not know. */
export function sendMessage(message: Outgoing) {
  const body: Record<string, unknown> = { from: message.from, to: message.to, subject: message.subject, text: message.text };
  if (message.cc?.length) body.cc = message.cc;
  if (message.attachments?.length) body.attachments = message.attachments;
  if (message.inReplyTo) body.inReplyTo = message.inReplyTo;
  if (message.draftId) body.draftId = message.draftId;
  if (message.vault) body.vault = message.vault;
  if (message.patient) body.patient = message.patient;
  return post<Sent>('/messages', body);
}

function draftBody(draft: DraftContent): Record<string, unknown> {
  const body: Record<string, unknown> = { mailboxId: draft.mailboxId, to: draft.to, cc: draft.cc, subject: draft.subject, text: draft.text, attachments: draft.attachments };
  if (draft.inReplyTo) body.inReplyTo = draft.inReplyTo;
  return body;
}

export const listDrafts = () => get<DraftSummary[] | { drafts: DraftSummary[] }>('/drafts');
export const getDraft = (id: string) => get<Draft>(`/drafts/${seg(id)}`);
export const createDraft = (draft: DraftContent) => post<{ id: string; updatedAt: number }>('/drafts', draftBody(draft));
export const updateDraft = (id: string, draft: DraftContent) => put<{ id: string; updatedAt: number }>(`/drafts/${seg(id)}`, draftBody(draft));
export const deleteDraft = (id: string) => del<void>(`/drafts/${seg(id)}`);
export const deleteUpload = (id: string) => del<void>(`/uploads/${seg(id)}`);
