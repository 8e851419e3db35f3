import { ImapParseError } from './codec/values.ts';
import type { UidList } from './uid-list.ts';

/** `1:4,7,9:*` as ranges; `*` is the largest number in use (the last message, or the last UID). */
export type SequenceSet = readonly (readonly [number, number])[];

export function parseSequenceSet(text: string, tag: string): SequenceSet {
  if (!/^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(text)) throw new ImapParseError(`not a sequence set: ${text.slice(0, 40)}`, tag);
  return text.split(',').map((part) => {
    const [a, b = a] = part.split(':') as [string, string?];
    const from = a === '*' ? Infinity : Number(a);
    const to = b === '*' ? Infinity : Number(b!);
    if (from === 0 || to === 0) throw new ImapParseError('0 is not a message number', tag);
    return [Math.min(from, to), Math.max(from, to)] as const;
  });
}

/** The members of `candidates` (ascending) that the set names, `*` standing for `largest`. */
export function selectFromSet(set: SequenceSet, candidates: readonly number[], largest: number): number[] {
  const ranges = set.map(([from, to]) => [from === Infinity ? largest : from, to === Infinity ? largest : to] as const).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
  return candidates.filter((value) => ranges.some(([from, to]) => value >= from && value <= to));
}

/** Ascending numbers as a compact set: `1:3,7,9:10`. */
export function formatSet(numbers: readonly number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(start === sorted[i] ? String(start) : `${start}:${sorted[i]}`);
  }
  return parts.join(',');
}

/** The UIDs a set names in the selected folder: by UID (UID commands) or by sequence number. */
export function resolveSet(set: SequenceSet, byUid: boolean, uids: UidList): number[] {
  const all = uids.all();
  if (byUid) return selectFromSet(set, all, uids.last());
  return selectFromSet(set, all.map((_, index) => index + 1), all.length).map((seq) => all[seq - 1]!);
}

/**
 * The UIDs a command names: a sequence set (by UID or by sequence number), or `$`, what the last
 * SEARCH … RETURN (SAVE) kept, less what has left the folder since (RFC 5182).
 */
export function namedUids(selection: { uids: UidList; saved: readonly number[] }, text: string, byUid: boolean, tag: string): number[] {
  if (text === '$') return selection.saved.filter((uid) => selection.uids.has(uid));
  return resolveSet(parseSequenceSet(text, tag), byUid, selection.uids);
}
