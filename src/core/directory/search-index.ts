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
// Above this share of the entries, a driving word's candidates are marked in a bitmap, not sorted.
const BITMAP_SHARE = 1 / 32;
// About how many tokens reading one entry's tokens costs, against marking one posting.
const CHECK_COST = 8;
const SCORE_EXACT_SURNAME = 4;
const SCORE_SAME_STRUCTURE = 2;
const SCORE_SAME_DEPARTMENT = 1;
const BUCKETS = SCORE_EXACT_SURNAME + SCORE_SAME_STRUCTURE + SCORE_SAME_DEPARTMENT + 1;
const CODED = ['kind', 'profession', 'speciality', 'department', 'structure'] as const;
type Coded = (typeof CODED)[number];

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

/** Entry numbers grouped by a key number, each group in ascending order (a counting sort). */
class Postings {
  readonly start: Uint32Array;
  readonly entries: Uint32Array;
  constructor(keyCount: number, keysOfEntry: (entry: number, visit: (key: number) => void) => void, entryCount: number) {
    const start = new Uint32Array(keyCount + 1);
    for (let entry = 0; entry < entryCount; entry++) keysOfEntry(entry, (key) => start[key + 1]!++);
    for (let key = 0; key < keyCount; key++) start[key + 1]! += start[key]!;
    const cursor = start.slice(0, keyCount);
    const entries = new Uint32Array(start[keyCount]!);
    for (let entry = 0; entry < entryCount; entry++) keysOfEntry(entry, (key) => (entries[cursor[key]!++] = entry));
    this.start = start;
    this.entries = entries;
  }
  /** The postings of keys lo (included) to hi (excluded), counted with repeats. */
  count(lo: number, hi: number): number {
    return this.start[hi]! - this.start[lo]!;
  }
  of(key: number): Uint32Array {
    return this.entries.subarray(this.start[key]!, this.start[key + 1]!);
  }
}

/** A source of candidates: the entries under some keys of a posting structure, or every entry. */
type Driver = { postings: Postings; lo: number; hi: number } | { sorted: Uint32Array } | null;

/**
 * An in-memory search index over directory entries: every word of names, addresses,
 * identifiers, structures and places, sorted, so that a prefix is a contiguous range of token
 * ids; posting lists (per token, per exact surname, per filter value) and each entry's own
 * tokens in flat typed arrays. Entries are numbered in alphabetical order, so walking
 * candidates in number order is walking them in display order, and the first hits of each rank
 * are the first ones met. Built once per directory generation; a cache that can always be
 * rebuilt from the database.
 */
export class DirectoryIndex {
  readonly size: number;
  readonly #keys: string[];
  readonly #sortKeys: string[];
  readonly #codes: Record<Coded, Codes> = { kind: new Codes(), profession: new Codes(), speciality: new Codes(), department: new Codes(), structure: new Codes() };
  readonly #coded: Record<Coded, Uint32Array>;
  readonly #byCode: Record<Coded, Postings>;
  /** Postcodes as numbers (0: none), and the entries in postcode order for a prefix range. */
  readonly #postcode: Uint32Array;
  readonly #byPostcode: Uint32Array;
  readonly #tokens: string[];
  readonly #byToken: Postings;
  /** Entries whose surname (or service name), whole or one hyphenated part, is that token. */
  readonly #bySurname: Postings;
  readonly #entryTokenStart: Uint32Array;
  readonly #entryTokens: Uint32Array;
  /** Every entry number, for a search with neither words nor filters. */
  readonly #every: Uint32Array;
  /** Scratch marks for one search at a time (searches are synchronous), cleared after use. */
  readonly #marks: Uint8Array;
  readonly #counters: Uint8Array;

  constructor(inputs: IndexInput[]) {
    const sorted = inputs.map((input) => ({ input, sortKey: sortKeyOf(input) })).sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    const n = sorted.length;
    this.size = n;
    this.#keys = new Array<string>(n);
    this.#sortKeys = new Array<string>(n);
    this.#coded = { kind: new Uint32Array(n), profession: new Uint32Array(n), speciality: new Uint32Array(n), department: new Uint32Array(n), structure: new Uint32Array(n) };
    this.#postcode = new Uint32Array(n);
    this.#marks = new Uint8Array(n);
    this.#counters = new Uint8Array(n);

    // First pass: each entry's distinct tokens and surname forms, numbered in order of appearance.
    const tokenIds = new Map<string, number>();
    const firstSeen: string[] = [];
    const idOf = (token: string) => {
      let id = tokenIds.get(token);
      if (id === undefined) {
        id = firstSeen.length;
        firstSeen.push(token);
        tokenIds.set(token, id);
      }
      return id;
    };
    const entryTokenStart = new Uint32Array(n + 1);
    let flat = new Uint32Array(Math.max(16, n * 12));
    let used = 0;
    const surnameStart = new Uint32Array(n + 1);
    const surnameFlat: number[] = [];
    for (let index = 0; index < n; index++) {
      const { input, sortKey } = sorted[index]!;
      this.#keys[index] = input.key;
      this.#sortKeys[index] = sortKey;
      this.#coded.kind[index] = this.#codes.kind.code(input.kind);
      this.#coded.profession[index] = this.#codes.profession.code(input.professionCode);
      this.#coded.speciality[index] = this.#codes.speciality.code(input.specialityCode);
      this.#coded.department[index] = this.#codes.department.code(input.department);
      this.#coded.structure[index] = this.#codes.structure.code(input.structureId);
      this.#postcode[index] = input.postcode && /^\d{5}$/.test(input.postcode) ? Number(input.postcode) : 0;
      entryTokenStart[index] = used;
      const seen = new Set<string>();
      for (const token of tokensOf(input)) {
        if (seen.has(token)) continue;
        seen.add(token);
        if (used === flat.length) {
          const grown = new Uint32Array(flat.length * 2);
          grown.set(flat);
          flat = grown;
        }
        flat[used++] = idOf(token);
      }
      surnameStart[index] = surnameFlat.length;
      for (const form of surnameForms(input.lastName ?? input.displayName)) surnameFlat.push(idOf(form));
    }
    entryTokenStart[n] = used;
    surnameStart[n] = surnameFlat.length;

    // Renumber tokens in sorted order: a prefix then covers one range of ids.
    const order = firstSeen.map((_, id) => id).sort((a, b) => (firstSeen[a]! < firstSeen[b]! ? -1 : firstSeen[a]! > firstSeen[b]! ? 1 : 0));
    const rank = new Uint32Array(firstSeen.length);
    order.forEach((id, position) => {
      rank[id] = position;
    });
    this.#tokens = order.map((id) => firstSeen[id]!);
    const entryTokens = flat.slice(0, used);
    for (let i = 0; i < used; i++) entryTokens[i] = rank[entryTokens[i]!]!;
    const surnames = Uint32Array.from(surnameFlat, (id) => rank[id]!);
    this.#entryTokenStart = entryTokenStart;
    this.#entryTokens = entryTokens;

    const tokenCount = this.#tokens.length;
    this.#byToken = new Postings(tokenCount, (entry, visit) => {
      for (let i = entryTokenStart[entry]!; i < entryTokenStart[entry + 1]!; i++) visit(entryTokens[i]!);
    }, n);
    this.#bySurname = new Postings(tokenCount, (entry, visit) => {
      for (let i = surnameStart[entry]!; i < surnameStart[entry + 1]!; i++) visit(surnames[i]!);
    }, n);
    const byCode = {} as Record<Coded, Postings>;
    for (const field of CODED) {
      const values = this.#coded[field];
      byCode[field] = new Postings(this.#codes[field].values.length, (entry, visit) => visit(values[entry]!), n);
    }
    this.#byCode = byCode;
    this.#every = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.#every[i] = i;
    const postcodes = this.#postcode;
    this.#byPostcode = this.#every.slice().sort((a, b) => postcodes[a]! - postcodes[b]! || a - b);
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

  /** A mask of the entries whose key is in `keys`: what another source shows instead (see `search`). */
  maskOf(keys: ReadonlySet<string>): Uint8Array | null {
    if (keys.size === 0) return null;
    const mask = new Uint8Array(this.size);
    let any = false;
    for (let index = 0; index < this.size; index++) {
      if (keys.has(this.#keys[index]!)) {
        mask[index] = 1;
        any = true;
      }
    }
    return any ? mask : null;
  }

  /**
   * Entries matching every query word (as a prefix of one of their tokens) and every filter,
   * ranked: exact surname, then the searcher's structure, then their department, then
   * alphabetical. Returns the total and the first `want` hits; entries set in `hidden` (from
   * `maskOf`) are neither counted nor returned: another source owns them.
   */
  search(query: string, filters: Filters, searcher: Searcher, want: number, hidden: Uint8Array | null = null): Found {
    const none: Found = { total: 0, hits: [] };
    const words = queryWords(query);
    const ranges = words.map((word) => this.#prefixRange(word));
    if (ranges.some(([lo, hi]) => lo === hi)) return none;
    const wanted = { kind: filters.kind?.toUpperCase(), profession: filters.profession, speciality: filters.speciality, department: filters.department?.toUpperCase(), structure: filters.structure };
    const required = new Uint32Array(CODED.length);
    for (const [f, field] of CODED.entries()) {
      const value = wanted[field];
      if (value === undefined || value === '') continue;
      const code = this.#codes[field].find(value);
      if (code === undefined) return none;
      required[f] = code;
    }
    const postcodeRange = postcodeRangeOf(filters.postcode);

    // The driver is the smallest source of candidates; every other condition is checked per candidate.
    let driver: Driver = null;
    let smallest = this.size + 1;
    let driverWord = -1;
    ranges.forEach(([lo, hi], w) => {
      const count = this.#byToken.count(lo, hi);
      if (count < smallest) {
        smallest = count;
        driver = { postings: this.#byToken, lo, hi };
        driverWord = w;
      }
    });
    for (const [f, field] of CODED.entries()) {
      if (required[f] === NONE) continue;
      const count = this.#byCode[field].count(required[f]!, required[f]! + 1);
      if (count < smallest) {
        smallest = count;
        driver = { postings: this.#byCode[field], lo: required[f]!, hi: required[f]! + 1 };
        driverWord = -1;
      }
    }
    if (postcodeRange !== null) {
      const from = lowerBoundBy(this.#byPostcode, (entry) => this.#postcode[entry]! < postcodeRange[0]);
      const to = lowerBoundBy(this.#byPostcode, (entry) => this.#postcode[entry]! < postcodeRange[1]);
      if (to - from < smallest) {
        smallest = to - from;
        driver = { sorted: this.#byPostcode.slice(from, to).sort() };
        driverWord = -1;
      }
    }
    const candidates = this.#candidates(driver);
    // Another word is checked in each candidate's tokens, or, when its postings are fewer than
    // that would read, marked in a counter per entry: an entry has all marked words when its
    // counter reached their number.
    const checked: [number, number][] = [];
    const counters = this.#counters;
    let marked = 0;
    for (const [w, [lo, hi]] of ranges.entries()) {
      if (w === driverWord) continue;
      if (this.#byToken.count(lo, hi) > candidates.length * CHECK_COST || marked === 255) {
        checked.push([lo, hi]);
        continue;
      }
      for (let i = this.#byToken.start[lo]!; i < this.#byToken.start[hi]!; i++) {
        const entry = this.#byToken.entries[i]!;
        if (counters[entry] === marked) counters[entry] = marked + 1;
      }
      marked++;
    }

    // Ranking marks: exact surnames from their own postings, the searcher's structures and department by code.
    const marks = this.#marks;
    const exact: Uint32Array[] = [];
    for (const form of exactFormsOf(words)) {
      const token = lowerBound(this.#tokens, form);
      if (this.#tokens[token] === form) exact.push(this.#bySurname.of(token));
    }
    for (const list of exact) for (const entry of list) marks[entry] = 1;
    const structures = searcher.structureIds.map((id) => this.#codes.structure.find(id)).filter((code) => code !== undefined);
    const department = searcher.department === null ? -1 : (this.#codes.department.find(searcher.department) ?? -1);

    const buckets: number[][] = Array.from({ length: BUCKETS }, () => []);
    let total = 0;
    const coded = CODED.map((field) => this.#coded[field]);
    const [kind, profession, speciality, departments, structure] = coded as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    const [needKind, needProfession, needSpeciality, needDepartment, needStructure] = required as unknown as [number, number, number, number, number];
    try {
      for (let c = 0; c < candidates.length; c++) {
        const index = candidates[c]!;
        if (hidden !== null && hidden[index] === 1) continue;
        if (needKind !== NONE && kind[index] !== needKind) continue;
        if (needProfession !== NONE && profession[index] !== needProfession) continue;
        if (needSpeciality !== NONE && speciality[index] !== needSpeciality) continue;
        if (needDepartment !== NONE && departments[index] !== needDepartment) continue;
        if (needStructure !== NONE && structure[index] !== needStructure) continue;
        if (postcodeRange !== null && (this.#postcode[index]! < postcodeRange[0] || this.#postcode[index]! >= postcodeRange[1])) continue;
        if (counters[index] !== marked) continue;
        let all = true;
        for (let w = 0; w < checked.length && all; w++) all = this.#hasTokenIn(index, checked[w]!);
        if (!all) continue;
        total++;
        let score = marks[index] === 1 ? SCORE_EXACT_SURNAME : 0;
        if (structures.length > 0 && structures.includes(structure[index]!)) score += SCORE_SAME_STRUCTURE;
        if (departments[index] === department) score += SCORE_SAME_DEPARTMENT;
        const bucket = buckets[score]!;
        if (bucket.length < want) bucket.push(index);
      }
    } finally {
      for (const list of exact) for (const entry of list) marks[entry] = 0;
      if (marked > 0) counters.fill(0);
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

  /** The driver's entries, each once, in ascending order. */
  #candidates(driver: Driver): Uint32Array {
    if (driver === null) return this.#every;
    if ('sorted' in driver) return driver.sorted;
    const { postings, lo, hi } = driver;
    if (hi - lo === 1) return postings.of(lo);
    const from = postings.start[lo]!;
    const to = postings.start[hi]!;
    if (to - from <= this.size * BITMAP_SHARE) {
      const list = postings.entries.slice(from, to).sort();
      let kept = 0;
      for (let i = 0; i < list.length; i++) if (i === 0 || list[i] !== list[i - 1]) list[kept++] = list[i]!;
      return list.subarray(0, kept);
    }
    const marks = this.#marks;
    for (let i = from; i < to; i++) marks[postings.entries[i]!] = 1;
    const list = new Uint32Array(to - from);
    let kept = 0;
    for (let index = 0; index < this.size; index++) {
      if (marks[index] === 1) {
        list[kept++] = index;
        marks[index] = 0;
      }
    }
    return list.subarray(0, kept);
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
}

/** The postcodes a postcode filter (a postcode or its first digits) covers, as [low, high). */
function postcodeRangeOf(digits: string | undefined): [number, number] | null {
  if (digits === undefined || digits === '') return null;
  const scale = 10 ** (5 - digits.length);
  const low = Number(digits) * scale;
  return [low, low + scale];
}

/** Every word an entry is found by (before de-duplication). */
export function tokensOf(input: IndexInput): string[] {
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
      forms.push(joined);
    }
  }
  return forms;
}

function lowerBoundBy(sorted: Uint32Array, before: (entry: number) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(sorted[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
