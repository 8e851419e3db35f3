/** Lower case without accents, hyphens or apostrophes: `Éloïse N'Diaye-Müller` → `eloise ndiaye muller`. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’ʼ]/g, '')
    .replace(/[^\p{L}\p{N}@.+_]+/gu, ' ')
    .trim();
}

/** The search terms of a query: folded words, at most 8, each at least one character. */
export function searchTerms(query: string): string[] {
  return foldForSearch(query).split(' ').filter(Boolean).slice(0, 8);
}
