/**
 * The addresses already given, as 64-bit fingerprints in an open-addressing table: 16 bytes per
 * address instead of a string in a Set, so 600,000 mailboxes cost a few megabytes. A fingerprint
 * collision (odds about n²/2^65) only makes an address take a numbered variant it did not need;
 * it never lets two mailboxes share an address, and it is as deterministic as the rest.
 */

export type AddressSet = {
  /** Adds the address; false if it was already there. */
  add(address: string): boolean;
  readonly size: number;
};

function fingerprint(text: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  // lo is never 0: 0 marks an empty slot.
  return [h1 >>> 0, (h2 | 1) >>> 0];
}

export function createAddressSet(expected: number): AddressSet {
  let capacity = 1024;
  while (capacity < expected * 2) capacity *= 2;
  let high = new Uint32Array(capacity);
  let low = new Uint32Array(capacity);
  let size = 0;

  function insert(h: number, l: number): boolean {
    const mask = capacity - 1;
    let slot = (h ^ Math.imul(l, 0x9e3779b1)) & mask;
    for (;;) {
      if (low[slot] === 0) {
        high[slot] = h;
        low[slot] = l;
        return true;
      }
      if (low[slot] === l && high[slot] === h) return false;
      slot = (slot + 1) & mask;
    }
  }

  function grow(): void {
    const oldHigh = high;
    const oldLow = low;
    capacity *= 2;
    high = new Uint32Array(capacity);
    low = new Uint32Array(capacity);
    for (let i = 0; i < oldLow.length; i++) if (oldLow[i] !== 0) insert(oldHigh[i]!, oldLow[i]!);
  }

  return {
    add(address) {
      if ((size + 1) * 10 > capacity * 7) grow();
      const [h, l] = fingerprint(address);
      const added = insert(h, l);
      if (added) size++;
      return added;
    },
    get size() {
      return size;
    },
  };
}
