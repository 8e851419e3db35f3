import { decodeHeaderText } from '../header-text.ts';

const MAX_CHARS = 200;

/**
 * An attachment's name as a sender wrote it is hostile: it may climb directories ("../"), hide
 * its real extension behind a right-to-left override ("\u202Efdp.exe"), or carry control
 * characters and quotes meant to break a header. This is the name to show and to save under:
 * encoded words decoded, no control or invisible formatting characters, no path separators or
 * characters a file system refuses, no leading dot, at most 200 characters (extension kept).
 * Null when nothing usable is left.
 */
export function safeFilename(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let name = decodeHeaderText(raw).toWellFormed().normalize('NFC');
  name = name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '');
  name = name.replace(/"/g, "'").replace(/[/\\<>:|?*]/g, '_');
  name = name.replace(/\s+/gu, ' ').trim().replace(/^[.\s]+/u, '').replace(/[.\s]+$/u, '');
  if (name === '') return null;
  const characters = Array.from(name);
  if (characters.length > MAX_CHARS) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? Array.from(name.slice(dot)) : [];
    name = characters.slice(0, MAX_CHARS - extension.length).join('') + extension.join('');
  }
  return name;
}

/** An ASCII stand-in for a safe name (accents dropped, anything else replaced), for old clients. */
export function asciiFilename(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%;]/g, '_')
    .trim();
  return ascii.replace(/^[._\s]+$/, '') === '' ? 'attachment' : ascii;
}
