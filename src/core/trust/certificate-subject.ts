/**
 * Certificate subjects as the national whitelist writes them (`CN=mx.x, OU=…, O=…, ST=…, C=FR`)
 * and as a TLS peer presents them, reduced to one comparable form. Only the attributes the
 * whitelist uses count; case and runs of spaces inside values do not (DN matching rules).
 */
const COMPARED = ['CN', 'OU', 'O', 'ST', 'C'] as const;

export type Subject = ReadonlyMap<string, readonly string[]>;

/** Parses an RFC 4514-style string (`,` or `/` separated, `\,` escapes, quoted values). */
export function parseSubject(text: string): Subject {
  const subject = new Map<string, string[]>();
  const trimmed = text.trim();
  // OpenSSL's one-line form starts with a slash: /C=FR/O=…
  const separator = trimmed.startsWith('/') ? '/' : ',';
  for (const part of splitUnescaped(trimmed.replace(/^\//, ''), separator)) {
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const type = part.slice(0, equals).trim().toUpperCase();
    let value = part.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    add(subject, type, value.replace(/\\(.)/g, '$1'));
  }
  return subject;
}

/** The subject object Node gives for a peer certificate (a value may repeat as an array). */
export function subjectOfPeer(subject: Record<string, string | string[] | undefined> | undefined): Subject {
  const result = new Map<string, string[]>();
  for (const [type, value] of Object.entries(subject ?? {})) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) add(result, type.toUpperCase(), one);
  }
  return result;
}

/** Whether two subjects name the same holder on every compared attribute, and name one at all. */
export function sameSubject(listed: Subject, presented: Subject): boolean {
  if (!listed.get('CN')?.length) return false;
  return COMPARED.every((type) => {
    const a = [...(listed.get(type) ?? [])].sort();
    const b = [...(presented.get(type) ?? [])].sort();
    return a.length === b.length && a.every((value, index) => value === b[index]);
  });
}

export function formatSubject(subject: Subject): string {
  return COMPARED.flatMap((type) => (subject.get(type) ?? []).map((value) => `${type}=${value}`)).join(', ');
}

function add(subject: Map<string, string[]>, type: string, value: string): void {
  const normal = value.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
  if (normal === '') return;
  subject.set(type, [...(subject.get(type) ?? []), normal]);
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1];
      i++;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}
