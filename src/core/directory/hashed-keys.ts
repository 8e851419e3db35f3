/**
 * A map from strings to numbers that keeps 64-bit hashes of the strings, not the strings: an
 * import's 600,000 addresses cost ~16 MB in typed arrays instead of ~80 MB of strings and map
 * entries. Two different keys share a hash with a probability of about n²/2⁶⁵ (10⁻⁸ for a
 * national file): the import, which reports any key seen twice, accepts that risk.
 */
export class HashedKeys {
  #high = new Uint32Array(1 << 16);
  #low = new Uint32Array(1 << 16);
  #values = new Float64Array(1 << 16);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(key: string): number | undefined {
    const [high, low] = hash64(key);
    const slot = this.#find(high, low);
    return this.#high[slot] === 0 && this.#low[slot] === 0 ? undefined : this.#values[slot];
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: number): void {
    const [high, low] = hash64(key);
    this.#put(high, low, value);
  }

  #put(high: number, low: number, value: number): void {
    const slot = this.#find(high, low);
    if (this.#high[slot] === 0 && this.#low[slot] === 0) {
      this.#high[slot] = high;
      this.#low[slot] = low;
      this.#size++;
    }
    this.#values[slot] = value;
    if (this.#size * 2 > this.#high.length) this.#grow();
  }

  /** The slot holding this hash, or the empty one where it would go (linear probing). */
  #find(high: number, low: number): number {
    const mask = this.#high.length - 1;
    let slot = low & mask;
    for (;;) {
      const h = this.#high[slot]!;
      const l = this.#low[slot]!;
      if ((h === high && l === low) || (h === 0 && l === 0)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  #grow(): void {
    const [high, low, values] = [this.#high, this.#low, this.#values];
    this.#high = new Uint32Array(high.length * 2);
    this.#low = new Uint32Array(high.length * 2);
    this.#values = new Float64Array(high.length * 2);
    this.#size = 0;
    for (let slot = 0; slot < high.length; slot++) {
      if (high[slot] !== 0 || low[slot] !== 0) this.#put(high[slot]!, low[slot]!, values[slot]!);
    }
  }
}

/** Two 32-bit halves mixed from the UTF-16 code units (multiply-xorshift, as in cyrb53); never (0, 0), the empty slot. */
export function hash64(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const high = h1 >>> 0;
  const low = h2 >>> 0;
  return high === 0 && low === 0 ? [0, 1] : [high, low];
}
