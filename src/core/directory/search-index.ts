import { addressTokens, nameTokens, queryWords, surnameForms, wordsOf } from './tokens.ts';

/** What the index needs of an entry to find, filter and rank it; the rest stays in the database. */
export type IndexInput = {
  key: string;
  address: string;
  kind: string;
  lastName: string | null;
  firstName: string | null;
  /** For mailboxes without a person: the service or application name. */
  displayName: string | null;
  nationalId: string | null;
  ppId: string | null;
  professionCode: string | null;
  specialityCode: string | null;
  specialityLabel: string | null;
  professionLabel: string | null;
  structureId: string | null;
  structureName: string | null;
  service: string | null;
  city: string | null;
  postcode: string | null;
  department: string | null;
};

export type Filters = {
  profession?: string;
  speciality?: string;
  department?: string;
  /** A postcode or its first digits. */
  postcode?: string;
  kind?: string;
  structure?: string;
};

/** Who is searching: their structures and department rank first after exact surnames. */
export type Searcher = { structureIds: readonly string[]; department: string | null };

export type Hit = { key: string; score: number; sortKey: string };
export type Found = { total: number; hits: Hit[] };

const NONE = 0;
// Above this share of the entries, a word's candidates are marked in a bitmap, not sorted.
const BITMAP_SHARE = 1 / 32;
const SCORE_EXACT_SURNAME = 4;
const SCORE_SAME_STRUCTURE = 2;
const SCORE_SAME_DEPARTMENT = 1;
const BUCKETS = SCORE_EXACT_SURNAME + SCORE_SAME_STRUCTURE + SCORE_SAME_DEPARTMENT + 1;

/** Small vocabularies (professions, departments, structures) coded as integers; 0 is "none". */
class Codes {
  readonly #ids = new Map<string, number>();
  readonly values: string[] = [''];
  code(value: string | null): number {
    if (value === null || value === '') return NONE;
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.#ids.set(value, id);
    }
    return id;
  }
  find(value: string): number | undefined {
    return this.#ids.get(value);
  }
}

/**
 * An in-memory search index over directory entries: every word of names, addresses,
 * identifiers, structures and places, sorted, so that a prefix is a contiguous range of token
 * ids; posting lists and each entry's own tokens in flat typed arrays. Entries are numbered in
 * alphabetical order, so walking candidates in number order is walking them in display order.
 * Built once per directory generation; a cache that can always be rebuilt from the database.
 */
export class DirectoryIndex {
  readonly size: number;
  readonly #keys: string[];
  readonly #sortKeys: string[];
  readonly #surnames: string[];
  readonly #kind: Uint8Array;
  readonly #profession: Uint16Array;
  readonly #speciality: Uint16Array;
  readonly #department: Uint16Array;
  readonly #structure: Uint32Array;
  readonly #postcode: Uint32Array;
  readonly #codes = { kind: new Codes(), profession: new Codes(), speciality: new Codes(), department: new Codes(), structure: new Codes() };
  readonly #tokens: string[];
  readonly #postingStart: Uint32Array;
  readonly #postings: Uint32Array;
  readonly #entryTokenStart: Uint32Array;
  readonly #entryTokens: Uint32Array;

  constructor(inputs: IndexInput[]) {
    const sorted = inputs.map((input) => ({ input, sortKey: sortKeyOf(input) })).sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    const n = sorted.length;
    this.size = n;
    this.#keys = new Array<string>(n);
    this.#sortKeys = new Array<string>(n);
    this.#surnames = new Array<string>(n);
    this.#kind = new Uint8Array(n);
    this.#profession = new Uint16Array(n);
    this.#speciality = new Uint16Array(n);
    this.#department = new Uint16Array(n);
    this.#structure = new Uint32Array(n);
    this.#postcode = new Uint32Array(n);

    // First pass: each entry's distinct tokens, numbered in order of appearance.
    const tokenIds = new Map<string, number>();
    const firstSeen: string[] = [];
    const entryTokenStart = new Uint32Array(n + 1);
    let flat = new Uint32Array(Math.max(16, n * 12));
    let used = 0;
    for (let index = 0; index < n; index++) {
      const { input, sortKey } = sorted[index]!;
      this.#keys[index] = input.key;
      this.#sortKeys[index] = sortKey;
      const forms = surnameForms(input.lastName ?? input.displayName);
      this.#surnames[index] = forms.length > 0 ? `|${forms.join('|')}|` : '';
      this.#kind[index] = this.#codes.kind.code(input.kind);
      this.#profession[index] = this.#codes.profession.code(input.professionCode);
      this.#speciality[index] = this.#codes.speciality.code(input.specialityCode);
      this.#department[index] = this.#codes.department.code(input.department);
      this.#structure[index] = this.#codes.structure.code(input.structureId);
      this.#postcode[index] = input.postcode && /^\d{5}$/.test(input.postcode) ? Number(input.postcode) : 0;
      entryTokenStart[index] = used;
      const seen = new Set<string>();
      for (const token of tokensOf(input)) {
        if (seen.has(token)) continue;
        seen.add(token);
        let id = tokenIds.get(token);
        if (id === undefined) {
          id = firstSeen.length;
          firstSeen.push(token);
          tokenIds.set(token, id);
        }
        if (used === flat.length) {
          const grown = new Uint32Array(flat.length * 2);
          grown.set(flat);
          flat = grown;
        }
        flat[used++] = id;
      }
    }
    entryTokenStart[n] = used;

    // Renumber tokens in sorted order: a prefix then covers one range of ids.
    const order = firstSeen.map((_, id) => id).sort((a, b) => (firstSeen[a]! < firstSeen[b]! ? -1 : firstSeen[a]! > firstSeen[b]! ? 1 : 0));
    const rank = new Uint32Array(firstSeen.length);
    order.forEach((id, position) => {
      rank[id] = position;
    });
    this.#tokens = order.map((id) => firstSeen[id]!);
    const entryTokens = flat.slice(0, used);
    for (let i = 0; i < used; i++) entryTokens[i] = rank[entryTokens[i]!]!;
    this.#entryTokenStart = entryTokenStart;
    this.#entryTokens = entryTokens;

    // Posting lists by counting sort; entries are visited in order, so each list is sorted.
    const postingStart = new Uint32Array(this.#tokens.length + 1);
    for (let i = 0; i < used; i++) postingStart[entryTokens[i]! + 1]!++;
    for (let t = 0; t < this.#tokens.length; t++) postingStart[t + 1]! += postingStart[t]!;
    const cursor = postingStart.slice(0, this.#tokens.length);
    const postings = new Uint32Array(used);
    for (let index = 0; index < n; index++) {
      for (let i = entryTokenStart[index]!; i < entryTokenStart[index + 1]!; i++) {
        const token = entryTokens[i]!;
        postings[cursor[token]!++] = index;
      }
    }
    this.#postingStart = postingStart;
    this.#postings = postings;
  }

  /** The values a filter may take, as the entries carry them (for the directory page's lists). */
  vocabulary(): { professions: string[]; specialities: string[]; departments: string[]; kinds: string[] } {
    return {
      professions: this.#codes.profession.values.slice(1),
      specialities: this.#codes.speciality.values.slice(1),
      departments: this.#codes.department.values.slice(1),
      kinds: this.#codes.kind.values.slice(1),
    };
  }

  /**
   * Entries matching every query word (as a prefix of one of their tokens) and every filter,
   * ranked: exact surname, then the searcher's structure, then their department, then
   * alphabetical. Returns the total and the first `want` hits; `exclude` hides keys another
   * source owns (the regional directory wins over the national one).
   */
  search(query: string, filters: Filters, searcher: Searcher, want: number, exclude?: (key: string) => boolean): Found {
    const words = queryWords(query);
    const filter = this.#compileFilters(filters);
    if (filter === null) return { total: 0, hits: [] };
    const ranges = words.map((word) => this.#prefixRange(word));
    if (ranges.some(([lo, hi]) => lo === hi)) return { total: 0, hits: [] };
    const structures = new Set<number>();
    for (const id of searcher.structureIds) {
      const code = this.#codes.structure.find(id);
      if (code !== undefined) structures.add(code);
    }
    const department = searcher.department === null ? undefined : this.#codes.department.find(searcher.department);
    const exactForms = exactFormsOf(words);

    const buckets: number[][] = Array.from({ length: BUCKETS }, () => []);
    let total = 0;
    const consider = (index: number) => {
      if (!filter(index)) return;
      for (let w = 0; w < ranges.length; w++) {
        if (w === driver) continue;
        if (!this.#hasTokenIn(index, ranges[w]!)) return;
      }
      if (exclude && exclude(this.#keys[index]!)) return;
      total++;
      let score = 0;
      if (exactForms.length > 0) {
        const surnames = this.#surnames[index]!;
        if (exactForms.some((form) => surnames.includes(form))) score += SCORE_EXACT_SURNAME;
      }
      if (structures.size > 0 && structures.has(this.#structure[index]!)) score += SCORE_SAME_STRUCTURE;
      if (department !== undefined && this.#department[index] === department) score += SCORE_SAME_DEPARTMENT;
      const bucket = buckets[score]!;
      if (bucket.length < want) bucket.push(index);
    };

    // The driver is the word with the fewest postings; the others are checked per candidate.
    let driver = -1;
    let smallest = Infinity;
    ranges.forEach(([lo, hi], w) => {
      const count = this.#postingStart[hi]! - this.#postingStart[lo]!;
      if (count < smallest) {
        smallest = count;
        driver = w;
      }
    });
    if (driver === -1) {
      for (let index = 0; index < this.size; index++) consider(index);
    } else {
      const [lo, hi] = ranges[driver]!;
      const from = this.#postingStart[lo]!;
      const to = this.#postingStart[hi]!;
      if (hi - lo === 1) {
        for (let i = from; i < to; i++) consider(this.#postings[i]!);
      } else if (to - from > this.size * BITMAP_SHARE) {
        const marked = new Uint8Array(this.size);
        for (let i = from; i < to; i++) marked[this.#postings[i]!] = 1;
        for (let index = 0; index < this.size; index++) if (marked[index] === 1) consider(index);
      } else {
        const candidates = this.#postings.slice(from, to).sort();
        let previous = -1;
        for (const index of candidates) {
          if (index !== previous) consider(index);
          previous = index;
        }
      }
    }

    const hits: Hit[] = [];
    for (let score = BUCKETS - 1; score >= 0 && hits.length < want; score--) {
      for (const index of buckets[score]!) {
        if (hits.length === want) break;
        hits.push({ key: this.#keys[index]!, score, sortKey: this.#sortKeys[index]! });
      }
    }
    return { total, hits };
  }

  #prefixRange(word: string): [number, number] {
    return [lowerBound(this.#tokens, word), lowerBound(this.#tokens, `${word}\uffff`)];
  }

  #hasTokenIn(index: number, [lo, hi]: [number, number]): boolean {
    for (let i = this.#entryTokenStart[index]!; i < this.#entryTokenStart[index + 1]!; i++) {
      const token = this.#entryTokens[i]!;
      if (token >= lo && token < hi) return true;
    }
    return false;
  }

  /** A predicate over entry numbers, or null when a filter names a value no entry has. */
  #compileFilters(filters: Filters): ((index: number) => boolean) | null {
    const checks: Array<(index: number) => boolean> = [];
    const coded = (codes: Codes, values: ArrayLike<number>, value: string | undefined): boolean => {
      if (value === undefined || value === '') return true;
      const code = codes.find(value);
      if (code === undefined) return false;
      checks.push((index) => values[index] === code);
      return true;
    };
    if (!coded(this.#codes.kind, this.#kind, filters.kind?.toUpperCase())) return null;
    if (!coded(this.#codes.profession, this.#profession, filters.profession)) return null;
    if (!coded(this.#codes.speciality, this.#speciality, filters.speciality)) return null;
    if (!coded(this.#codes.department, this.#department, filters.department?.toUpperCase())) return null;
    if (!coded(this.#codes.structure, this.#structure, filters.structure)) return null;
    if (filters.postcode !== undefined && filters.postcode !== '') {
      const digits = filters.postcode;
      const scale = 10 ** (5 - digits.length);
      const low = Number(digits) * scale;
      const high = low + scale;
      checks.push((index) => this.#postcode[index]! >= low && this.#postcode[index]! < high);
    }
    if (checks.length === 0) return () => true;
    return (index) => checks.every((check) => check(index));
  }
}

function tokensOf(input: IndexInput): string[] {
  return [
    ...nameTokens(input.lastName),
    ...nameTokens(input.firstName),
    ...nameTokens(input.displayName),
    ...addressTokens(input.address),
    ...(input.nationalId ? [input.nationalId.toLowerCase()] : []),
    ...(input.ppId ? [input.ppId.toLowerCase()] : []),
    ...wordsOf(input.structureName),
    ...wordsOf(input.service),
    ...wordsOf(input.city),
    ...wordsOf(input.professionLabel),
    ...wordsOf(input.specialityLabel),
  ];
}

/** Alphabetical order of the directory: surname (or service name), first name, address. */
export function sortKeyOf(input: Pick<IndexInput, 'lastName' | 'firstName' | 'displayName' | 'address'>): string {
  const name = wordsOf(input.lastName ?? input.displayName).join(' ');
  return `${name}\u0001${wordsOf(input.firstName).join(' ')}\u0001${input.address.toLowerCase()}`;
}

/** What, in the query, may be a whole surname: each word, and each run of consecutive words joined. */
function exactFormsOf(words: string[]): string[] {
  const forms: string[] = [];
  for (let i = 0; i < words.length; i++) {
    let joined = '';
    for (let j = i; j < words.length; j++) {
      joined += words[j];
      forms.push(`|${joined}|`);
    }
  }
  return forms;
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
