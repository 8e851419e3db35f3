import type { ReactNode } from 'react';

// http(s) links and bare e-mail addresses; anything else stays text.
const PATTERN = /\bhttps?:\/\/[^\s<>"']+|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Plain text with its links made clickable (never an href other than http, https or mailto). */
export function linkify(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(PATTERN)) {
    let value = match[0];
    // Sentence punctuation right after a link is not part of it.
    const trailing = /[.,;:!?)\]]+$/.exec(value)?.[0] ?? '';
    value = value.slice(0, value.length - trailing.length);
    const start = match.index;
    if (start > last) out.push(text.slice(last, start));
    const href = value.includes('://') ? value : `mailto:${value}`;
    out.push(
      <a key={start} href={href} target={href.startsWith('mailto:') ? undefined : '_blank'} rel="noopener noreferrer">
        {value}
      </a>,
    );
    last = start + value.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
