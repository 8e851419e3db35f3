/**
 * The department of a French postcode: the first two digits, except Corsica (20xxx: 2A below
 * 20200, 2B from it) and overseas (97x, 98x: three digits). Null for what is not a postcode.
 */
export function departmentOfPostcode(postcode: string): string | null {
  if (!/^\d{5}$/.test(postcode)) return null;
  if (postcode.startsWith('20')) return Number(postcode) < 20200 ? '2A' : '2B';
  if (postcode.startsWith('97') || postcode.startsWith('98')) return postcode.slice(0, 3);
  return postcode.slice(0, 2);
}

/** A department code as the files write it (`1`, `01`, `2a`, `971`) in its canonical form, or null. */
export function canonicalDepartment(text: string): string | null {
  const value = text.trim().toUpperCase();
  if (/^(2A|2B)$/.test(value)) return value;
  if (/^9[78]\d$/.test(value)) return value;
  if (/^\d{1,2}$/.test(value) && Number(value) >= 1 && Number(value) <= 95) return value.padStart(2, '0');
  return null;
}
