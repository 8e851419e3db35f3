import type { Person } from '../api/types.ts';

export function personLabel(person: Person): string {
  return person.name?.trim() || person.address;
}

/** "Dr Éloïse Martin <eloise.martin@…>" or the bare address. */
export function personFull(person: Person): string {
  const name = person.name?.trim();
  return name ? `${name} <${person.address}>` : person.address;
}

/** Two letters for an avatar: initials of the name, else of the address's local part. */
export function initialsOf(nameOrAddress: string): string {
  const base = nameOrAddress.includes('@') ? nameOrAddress.split('@')[0]!.replace(/[._-]+/g, ' ') : nameOrAddress;
  const words = base
    .replace(/^(dr|pr|mme|m\.|mr|mrs|ms)\s+/i, '')
    .split(/\s+/)
    .filter((word) => /\p{L}/u.test(word));
  const letters = words.length >= 2 ? [words[0]![0], words[words.length - 1]![0]] : [words[0]?.[0], words[0]?.[1]];
  return letters.filter(Boolean).join('').toUpperCase() || '?';
}

// Dark enough for white initials at ≥ 4.5:1.
const AVATAR_COLOURS = ['#0b5d7a', '#6a3d9a', '#1f6f43', '#8a4b08', '#9c2f5f', '#3b5998', '#5c6b18', '#7a3b2e'];

export function avatarColour(key: string): string {
  let hash = 0;
  for (const char of key.toLowerCase()) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return AVATAR_COLOURS[hash % AVATAR_COLOURS.length]!;
}

const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

export function looksLikeAddress(text: string): boolean {
  return ADDRESS.test(text.trim());
}

/** Addresses typed or pasted: "a@x, Name <b@y>; c@z" → ["a@x", "b@y", "c@z"]. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[,;\n]+/)
    .map((part) => {
      const angle = /<([^>]+)>/.exec(part);
      return (angle ? angle[1]! : part).trim();
    })
    .filter(Boolean);
}
