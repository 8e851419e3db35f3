import libmime from 'libmime';

/**
 * Header text as a person reads it: RFC 2047 encoded words decoded, NUL removed (an encoded word
 * can hide one, and PostgreSQL text refuses it). Undecodable text is kept as written.
 */
export function decodeHeaderText(value: string): string {
  let text: string;
  try {
    text = libmime.decodeWords(value);
  } catch {
    text = value;
  }
  return text.replace(/\u0000/g, '');
}
