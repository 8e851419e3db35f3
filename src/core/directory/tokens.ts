import { foldForSearch } from '../search-text.ts';

/**
 * The words a directory entry is found by, folded like queries are: lower case, no accents, no
 * apostrophes (`N'Diaye` → `ndiaye`), hyphens and dots as spaces. A name of several words is
 * also indexed whole (`Le Gall-Müller` → `legallmuller`, `legall`), so a query may type it
 * with or without its spaces.
 */
export function wordsOf(text: string | null | undefined): string[] {
  if (!text) return [];
  return foldForSearch(text).split(/[\s.+_@-]+/).filter(Boolean);
}

/** The forms under which a surname counts as typed exactly: whole, and each hyphenated part. */
export function surnameForms(lastName: string | null | undefined): string[] {
  if (!lastName) return [];
  const forms = new Set<string>();
  const whole = wordsOf(lastName).join('');
  if (whole) forms.add(whole);
  for (const part of lastName.split(/-/)) {
    const joined = wordsOf(part).join('');
    if (joined) forms.add(joined);
  }
  return [...forms];
}

export function nameTokens(text: string | null | undefined): string[] {
  if (!text) return [];
  const words = wordsOf(text);
  const tokens = words.length > 1 ? [...words, ...surnameForms(text)] : [...words];
  // `N'Diaye` is found as `ndiaye` and as `diaye`.
  if (/['’ʼ]/.test(text)) tokens.push(...wordsOf(text.replace(/['’ʼ]/g, ' ')));
  return tokens;
}

/** An address is found by its parts and, typed with its `@`, by itself. */
export function addressTokens(address: string): string[] {
  const folded = foldForSearch(address).replace(/\s+/g, '');
  return [folded, ...wordsOf(address)];
}

/**
 * A query's words. A word with an `@` stays whole (an address being typed); others are split
 * like the indexed text.
 */
export function queryWords(query: string): string[] {
  const words: string[] = [];
  for (const raw of query.trim().split(/\s+/)) {
    if (raw.includes('@')) {
      const folded = foldForSearch(raw).replace(/\s+/g, '');
      if (folded) words.push(folded);
    } else {
      words.push(...wordsOf(raw));
    }
  }
  return words.slice(0, 8);
}
