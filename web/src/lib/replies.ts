import type { Language, Mailbox, MessageBody, Person } from '../api/types.ts';
import { translate } from '../i18n/index.tsx';
import { formatDateTime } from '../i18n/format.ts';
import type { ComposePrefill } from './mailContext.tsx';
import { personFull, personLabel } from './people.ts';
import { displaySubject, stripReplyPrefixes } from './subject.ts';

const quote = (text: string) =>
  text
    .replace(/\s+$/, '')
    .split('\n')
    .map((line) => (line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');

const uniqueAddresses = (people: Person[], exclude: Set<string>) => {
  const out: string[] = [];
  for (const person of people) {
    const key = person.address.toLowerCase();
    if (exclude.has(key)) continue;
    exclude.add(key);
    out.push(person.address);
  }
  return out;
};

function subjectWith(lang: Language, prefix: 'compose.subjectRe' | 'compose.subjectFw', subject: string | null): string {
  const base = stripReplyPrefixes(displaySubject(subject).text);
  return `${translate(lang, prefix)} ${base}`.trim();
}

/** Re: with the sender (or all), the quoted text, and the thread link. */
export function replyPrefill(lang: Language, mailbox: Mailbox, message: MessageBody, all: boolean): ComposePrefill {
  const author = message.replyTo.length > 0 ? message.replyTo : message.from;
  const self = new Set([mailbox.address.toLowerCase()]);
  const to = uniqueAddresses(author, new Set(self));
  const seen = new Set([...self, ...to.map((address) => address.toLowerCase())]);
  const extraTo = all ? uniqueAddresses(message.to, seen) : [];
  const cc = all ? uniqueAddresses(message.cc, seen) : [];
  const when = formatDateTime(lang, message.date ?? message.receivedAt);
  const name = message.from[0] ? personLabel(message.from[0]) : '';
  const text = message.text ? `\n\n${translate(lang, 'compose.quoteHeader', { date: when, name })}\n${quote(message.text)}\n` : '';
  return {
    mailboxId: mailbox.id,
    to: [...to, ...extraTo],
    cc,
    subject: subjectWith(lang, 'compose.subjectRe', message.subject),
    text,
    inReplyTo: message.id,
    mode: 'reply',
  };
}

/** Tr: with the original's headers and text. */
export function forwardPrefill(lang: Language, mailbox: Mailbox, message: MessageBody): ComposePrefill {
  const list = (people: Person[]) => people.map(personFull).join(', ');
  const lines = [
    '',
    '',
    translate(lang, 'compose.forwardHeader'),
    translate(lang, 'compose.fwFrom', { value: list(message.from) }),
    translate(lang, 'compose.fwDate', { value: formatDateTime(lang, message.date ?? message.receivedAt) }),
    translate(lang, 'compose.fwSubject', { value: displaySubject(message.subject).text }),
    translate(lang, 'compose.fwTo', { value: list(message.to) }),
  ];
  if (message.cc.length > 0) lines.push(translate(lang, 'compose.fwCc', { value: list(message.cc) }));
  lines.push('', message.text ?? '');
  if (message.attachments.some((attachment) => !attachment.inline)) lines.push('', `[${translate(lang, 'compose.fwAttachments')}]`);
  return {
    mailboxId: mailbox.id,
    to: [],
    cc: [],
    subject: subjectWith(lang, 'compose.subjectFw', message.subject),
    text: lines.join('\n'),
    mode: 'forward',
  };
}
