import { asciiFilename } from '../../core/mime/filename.ts';

/**
 * `attachment` with the name twice (RFC 6266): an ASCII quoted fallback, and the UTF-8 name
 * percent-encoded (RFC 8187), which every current browser prefers. `name` must already be a
 * safe file name (core/mime/filename.ts).
 */
export function attachmentDisposition(name: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFilename(name)}"; filename*=UTF-8''${encoded}`;
}
