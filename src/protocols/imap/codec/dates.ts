import { ImapParseError } from './values.ts';

/** Month names as IMAP dates write them (RFC 3501 §9: date-month). */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The month index of `Jan` … `Dec` in any case, or -1. */
export function monthIndex(name: string): number {
  return MONTHS.findIndex((month) => month.toLowerCase() === name.toLowerCase());
}

/** `"22-Nov-2026 10:00:00 +0000"` (RFC 3501 date-time), in UTC. */
export function formatDateTime(epoch: number): string {
  const d = new Date(epoch);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** `"22-Nov-2026 10:00:00 +0100"` (date-time, RFC 3501 §9) as epoch milliseconds; BAD otherwise. */
export function parseDateTime(text: string, tag: string): number {
  const match = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = match ? monthIndex(match[2]!) : -1;
  if (!match || month < 0) throw new ImapParseError('a date-time is "dd-Mon-yyyy hh:mm:ss +zzzz"', tag);
  const [day, year, hours, minutes, seconds] = [match[1], match[3], match[4], match[5], match[6]].map(Number) as [number, number, number, number, number];
  const offset = (match[7] === '-' ? -1 : 1) * (Number(match[8]) * 60 + Number(match[9])) * 60_000;
  const epoch = Date.UTC(year, month, day, hours, minutes, seconds) - offset;
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day || hours > 23 || minutes > 59 || seconds > 60) throw new ImapParseError('no such date', tag);
  return epoch;
}
