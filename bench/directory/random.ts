/**
 * Seeded randomness for the synthetic directory. Every entity (a practitioner, a structure, an
 * organisational mailbox) reseeds its own generator from (seed, stream, index), so any entity can
 * be rebuilt alone and the "next day" run replays the first day exactly before changing it.
 */

/** 32-bit avalanche (murmur3's finaliser). */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, then mixed: a 32-bit seed from any text. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Cumulative weights, for picks in O(log n). */
export type WeightTable = { cumulative: Float64Array; total: number };

export function weightTable(weights: readonly number[]): WeightTable {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    total += Math.max(0, weights[i]!);
    cumulative[i] = total;
  }
  if (total <= 0) throw new Error('weightTable: all weights are zero');
  return { cumulative, total };
}

export type Rng = {
  /** Restarts the sequence from (a, b, c, d): the same four numbers give the same sequence. */
  reseed(a: number, b: number, c: number, d: number): void;
  u32(): number;
  /** In [0, 1). */
  float(): number;
  /** In [0, n). */
  int(n: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An index drawn with the table's weights. */
  weighted(table: WeightTable): number;
  /** A string of `length` decimal digits. */
  digits(length: number): string;
};

/** sfc32: small and fast, with no short cycles for the few hundred draws an entity makes. */
export function createRng(): Rng {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 1;
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  const float = (): number => u32() / 4294967296;
  const rng: Rng = {
    reseed(w, x, y, z) {
      const h1 = mix32(w ^ 0x9e3779b9);
      const h2 = mix32((h1 + Math.imul(x | 0, 0x85ebca6b)) ^ 0x6a09e667);
      const h3 = mix32((h2 + Math.imul(y | 0, 0xc2b2ae35)) ^ 0xbb67ae85);
      const h4 = mix32((h3 + Math.imul(z | 0, 0x27d4eb2f)) ^ 0x3c6ef372);
      a = h1;
      b = h2;
      c = h3;
      d = h4 | 1;
      for (let i = 0; i < 12; i++) u32();
    },
    u32,
    float,
    int: (n) => Math.floor(float() * n),
    chance: (probability) => float() < probability,
    pick: (items) => items[Math.floor(float() * items.length)]!,
    weighted(table) {
      const target = float() * table.total;
      const cumulative = table.cumulative;
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (cumulative[middle]! > target) high = middle;
        else low = middle + 1;
      }
      return low;
    },
    digits(length) {
      let text = '';
      for (let i = 0; i < length; i++) text += String.fromCharCode(48 + Math.floor(float() * 10));
      return text;
    },
  };
  return rng;
}

/** The Luhn check digit of a string of digits (RPPS, SIREN, SIRET and FINESS use it). */
export function luhnDigit(digits: string): string {
  let sum = 0;
  let double = true;
  for (let i = digits.length - 1; i >= 0; i--) {
    let value = digits.charCodeAt(i) - 48;
    if (double) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}

/**
 * A bijection of [0, space) that hides the order of its input (identifiers of consecutive
 * entities look unrelated): an invertible mix on the next power of two, walked until it lands
 * below `space`. Distinct inputs give distinct outputs, which is what makes identifiers unique.
 */
export function scrambleBelow(value: number, space: number): number {
  const bits = Math.max(2, 32 - Math.clz32(space - 1));
  if (bits > 30) throw new Error('scrambleBelow: space above 2^30');
  const mask = (1 << bits) - 1;
  const half = bits >> 1;
  let x = value;
  do {
    x = (x ^ 0x5bd1e995 ^ (x >>> half)) & mask;
    x = Math.imul(x, 0x2c1b3c6d) & mask;
    x = (x ^ (x >>> (half + 1))) & mask;
    x = Math.imul(x, 0x297a2d39) & mask;
    x = (x ^ (x >>> half)) & mask;
  } while (x >= space);
  return x;
}
