import type { Folder } from '../api/types.ts';
import type { I18n, MessageKey } from '../i18n/index.tsx';
import type { IconName } from '../components/Icon.tsx';

const ORDER: Record<string, number> = { INBOX: 0, '\\Drafts': 1, '\\Sent': 2, '\\Archive': 3, '\\Trash': 4 };

export function folderRank(folder: Folder): number {
  return ORDER[folder.name === 'INBOX' ? 'INBOX' : (folder.specialUse ?? '')] ?? 10;
}

export function sortFolders(folders: Folder[]): Folder[] {
  return [...folders].sort((a, b) => folderRank(a) - folderRank(b) || a.name.localeCompare(b.name));
}

const KEY_OF: Record<string, MessageKey> = {
  INBOX: 'folder.INBOX',
  '\\Sent': 'folder.Sent',
  '\\Drafts': 'folder.Drafts',
  '\\Archive': 'folder.Archive',
  '\\Trash': 'folder.Trash',
};

/** Special folders read in the user's language; a folder the user named keeps its name. */
export function folderLabel(t: I18n['t'], folder: Pick<Folder, 'name' | 'specialUse'> | undefined, fallbackName?: string): string {
  if (!folder) {
    const name = fallbackName ?? '';
    const known = name === 'INBOX' ? KEY_OF.INBOX : KEY_OF[`\\${name}`];
    return known ? t(known) : name;
  }
  const key = folder.name === 'INBOX' ? KEY_OF.INBOX : folder.specialUse ? KEY_OF[folder.specialUse] : undefined;
  return key ? t(key) : folder.name;
}

export function folderIcon(folder: Pick<Folder, 'name' | 'specialUse'>): IconName {
  if (folder.name === 'INBOX') return 'inbox';
  switch (folder.specialUse) {
    case '\\Sent':
      return 'send';
    case '\\Drafts':
      return 'draft';
    case '\\Archive':
      return 'archive';
    case '\\Trash':
      return 'trash';
    default:
      return 'folder';
  }
}

export const isSent = (folder: Folder | undefined) => folder?.specialUse === '\\Sent';
export const isDrafts = (folder: Folder | undefined) => folder?.specialUse === '\\Drafts';
export const isTrash = (folder: Folder | undefined) => folder?.specialUse === '\\Trash';
