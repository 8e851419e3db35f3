/**
 * The INS (Identifiant National de Santé) matricule: the 13 characters of the NIR and its
 * 2-digit key, 15 in all. The key is 97 minus the number modulo 97; for people born in Corsica
 * the department 2A or 2B counts as 19 or 18 in that number.
 */
export function validIns(text: string): boolean {
  const ins = text.replace(/\s/g, '').toUpperCase();
  const match = /^([12378]\d{4}(?:\d{2}|2A|2B)\d{6})(\d{2})$/.exec(ins);
  if (!match) return false;
  const digits = match[1]!.replace('2A', '19').replace('2B', '18');
  return 97 - Number(BigInt(digits) % 97n) === Number(match[2]);
}

/** The INS as stored and written: 15 characters, no spaces, upper case. */
export function normalIns(text: string): string {
  return text.replace(/\s/g, '').toUpperCase();
}
