/** Document messages (MSSanté XDM metadata) carry this machine prefix at the start of their subject. */
const DOCUMENT_PREFIX = 'XDM/1.0/DDM+';

export type DisplaySubject = { text: string; isDocument: boolean };

export function displaySubject(subject: string | null | undefined): DisplaySubject {
  const raw = (subject ?? '').trim();
  if (raw.toUpperCase().startsWith(DOCUMENT_PREFIX)) return { text: raw.slice(DOCUMENT_PREFIX.length).trim(), isDocument: true };
  return { text: raw, isDocument: false };
}

/** "Re: Re: Tr: x" → "x", for building a reply's subject without stacking prefixes. */
export function stripReplyPrefixes(subject: string): string {
  return subject.replace(/^(\s*(re|tr|fwd?|aw|wg)\s*:\s*)+/i, '').trim();
}
